/**
 * The real app for browser bench cases: build it, serve it with `vite preview`, open it in Chromium and wait until
 * it is ready. If the app is not there (no index.html, the build fails, or its selectors never appear within 60 s),
 * openApp throws AppNotAvailable and the case reports its rows as not measured.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../e2e/browser';
import type { BenchContext } from './registry';

const APP_TIMEOUT_MS = 60_000;
export const SUMMARY = '[data-testid="model-summary"]';
export const FILE_INPUT = 'input[data-testid="file-input"]';

export class AppNotAvailable extends Error {}

export interface OpenApp {
  page: Page;
  browser: Browser;
  /** How the app started: with its sample's summary, or empty. */
  initial: string;
  close(): Promise<void>;
}

async function waitForServer(server: ChildProcess, url: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new AppNotAvailable(`vite preview exited (${server.exitCode})`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new AppNotAvailable(`vite preview did not answer on port ${port}`);
}

function stopServer(server: ChildProcess | undefined) {
  if (!server?.pid || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, 'SIGTERM'); // its own process group: npx and vite
  } catch {
    server.kill('SIGTERM');
  }
}

let built = false;

/** Builds the app (once per bench run), serves it on `port` and opens it in Chromium, ready for input. */
export async function openApp(ctx: BenchContext, port: number): Promise<OpenApp> {
  if (!existsSync(join(ctx.root, 'index.html'))) throw new AppNotAvailable('app not available (no index.html)');
  if (!built) {
    ctx.log('browser: vite build');
    const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ctx.root, encoding: 'utf8', timeout: 150_000 });
    if (build.status !== 0) {
      const why = (build.stderr || build.stdout || String(build.error ?? '')).trim().split('\n').slice(-2).join(' ');
      throw new AppNotAvailable(`app not available (vite build failed: ${why.slice(0, 160)})`);
    }
    built = true;
  }
  const url = `http://localhost:${port}/`;
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    stopServer(server);
  };
  try {
    ctx.log(`browser: vite preview on :${port}`);
    server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], { cwd: ctx.root, stdio: 'ignore', detached: true });
    await waitForServer(server, url, port, 30_000);
    const { chromium } = await import('playwright-core');
    // The e2e tests' Chromium and flags (WebGPU enabled: the software adapter runs where there is no GPU).
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
    const page = await browser.newPage();
    await page.goto(url);
    // Ready = the initial summary (the app opens a sample) is shown. An app that starts empty is accepted too,
    // once its file input is there and nothing has shown up for a while.
    const t = Date.now();
    let initial = 'initial summary shown';
    try {
      await page.waitForSelector(`${SUMMARY}, ${FILE_INPUT}`, { state: 'attached', timeout: APP_TIMEOUT_MS });
      const left = Math.max(10_000, APP_TIMEOUT_MS - (Date.now() - t));
      await page.waitForSelector(SUMMARY, { timeout: Math.min(left, 20_000) }).catch(() => {
        initial = 'the app started without a summary';
      });
      await page.waitForSelector(FILE_INPUT, { state: 'attached', timeout: 5_000 });
    } catch {
      throw new AppNotAvailable(`app not available (${SUMMARY} / ${FILE_INPUT} did not appear within ${APP_TIMEOUT_MS / 1000} s)`);
    }
    return { page, browser, initial, close };
  } catch (e) {
    await close();
    throw e;
  }
}
