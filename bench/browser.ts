/**
 * "Drop to summary" in the real app: build it, serve it with `vite preview`, open it in Chromium, give the
 * file input a ~100 MB generated model and time how long until its summary is on screen, plus the longest
 * main-thread task meanwhile (a long task = the page could not respond to input for that long).
 *
 * If the app is not there (no index.html, the build fails, or its selectors never appear within 60 s), the
 * rows say "not measured: app not available" and the rest of the bench goes on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../src/core/format';
import { writeOnnx } from '../src/core/formats/onnx/write';
import { MID_MLP_DIMS, generateMlp } from './model';
import { row, type BenchCase, type BenchContext, type BenchRow } from './registry';

const PORT = 4179;
const URL_ = `http://localhost:${PORT}/`;
const APP_TIMEOUT_MS = 60_000;
const SUMMARY = '[data-testid="model-summary"]';
const FILE_INPUT = 'input[data-testid="file-input"]';

const LOAD_ROW = 'browser: drop ~100 MB model → summary shown';
const TASK_ROW = 'browser: longest main-thread task during that load';

class NotAvailable extends Error {}

function notMeasured(reason: string): BenchRow[] {
  return [row(LOAD_ROW, null, 'ms', `not measured: ${reason}`), row(TASK_ROW, null, 'ms', `not measured: ${reason}`)];
}

async function waitForServer(server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new NotAvailable(`vite preview exited (${server.exitCode})`);
    try {
      const r = await fetch(URL_);
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new NotAvailable(`vite preview did not answer on port ${PORT}`);
}

function stopServer(server: ChildProcess | undefined) {
  if (!server?.pid || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, 'SIGTERM'); // its own process group: npx and vite
  } catch {
    server.kill('SIGTERM');
  }
}

/**
 * The hook: time from handing the file input a ~100 MB model to `[data-testid="model-summary"]` showing that
 * file (`data-file-name`), and the longest 'longtask' entry in between.
 */
export async function measureDropToSummary(ctx: BenchContext): Promise<BenchRow[]> {
  if (!existsSync(join(ctx.root, 'index.html'))) return notMeasured('app not available (no index.html)');

  ctx.log('browser: vite build');
  const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: ctx.root, encoding: 'utf8', timeout: 150_000 });
  if (build.status !== 0) {
    const why = (build.stderr || build.stdout || String(build.error ?? '')).trim().split('\n').slice(-2).join(' ');
    return notMeasured(`app not available (vite build failed: ${why.slice(0, 160)})`);
  }

  // The model, written to a file: Playwright refuses in-memory buffers over 50 MB.
  const { proto } = generateMlp(MID_MLP_DIMS, 'bench-drop');
  const fileName = 'bench-drop-100mb.onnx';
  const filePath = join(ctx.tmpDir, fileName);
  const bytes = writeOnnx(proto);
  writeFileSync(filePath, bytes);

  let server: ChildProcess | undefined;
  let browser: import('playwright-core').Browser | undefined;
  try {
    ctx.log(`browser: vite preview on :${PORT}`);
    server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
      cwd: ctx.root,
      stdio: 'ignore',
      detached: true,
    });
    await waitForServer(server, 30_000);

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: process.env.PARETO_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const page = await browser.newPage();
    await page.goto(URL_);
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
      throw new NotAvailable(`app not available (${SUMMARY} / ${FILE_INPUT} did not appear within ${APP_TIMEOUT_MS / 1000} s)`);
    }

    // Long tasks, and the moment the summary for our file appears (page clock, no polling delay).
    const target = `${SUMMARY}[data-file-name="${fileName}"]`;
    // Page-side code as a string: tsx would wrap functions passed to page.evaluate in helpers (__name) that do
    // not exist in the page.
    await page.evaluate(`(() => {
      const sel = ${JSON.stringify(target)};
      const b = (window.__bench = { tasks: [], shownAt: null });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) b.tasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: false });
      const check = () => {
        if (b.shownAt === null && document.querySelector(sel)) b.shownAt = performance.now();
      };
      new MutationObserver(check).observe(document.documentElement, { subtree: true, childList: true, attributes: true });
    })()`);

    ctx.log(`browser: setting ${formatBytes(bytes.length)} model on the file input`);
    const t0 = (await page.evaluate('performance.now()')) as number;
    const wall0 = performance.now();
    await page.setInputFiles(FILE_INPUT, filePath);
    await page.waitForSelector(target, { timeout: APP_TIMEOUT_MS });
    const wall = performance.now() - wall0;
    await page.waitForTimeout(200); // let the PerformanceObserver deliver the last entries
    const r = (await page.evaluate('window.__bench')) as { tasks: { start: number; duration: number }[]; shownAt: number | null };
    // Check the observer works here: a 120 ms busy task must show up (CDP-evaluated scripts do not count).
    await page.evaluate('setTimeout(() => { const end = performance.now() + 120; while (performance.now() < end); }, 0)');
    await page.waitForTimeout(200);
    const selfCheck = (await page.evaluate('window.__bench.tasks.some((t) => t.duration >= 100)')) as boolean;
    const shown = r.shownAt ?? t0 + wall;
    const during = r.tasks.filter((t) => t.start + t.duration >= t0 && t.start <= shown);
    const longest = during.reduce((m, t) => Math.max(m, t.duration), 0);
    return [
      row(LOAD_ROW, shown - t0, 'ms', `${formatBytes(bytes.length)} via setInputFiles, page clock (wall ${wall.toFixed(0)} ms); ${initial}`),
      selfCheck
        ? row(TASK_ROW, longest, 'ms', `${during.length} long task${during.length === 1 ? '' : 's'} (> 50 ms) during the load`)
        : row(TASK_ROW, null, 'ms', 'not measured: this Chromium reports no longtask entries'),
    ];
  } catch (e) {
    if (e instanceof NotAvailable) return notMeasured(e.message);
    throw e;
  } finally {
    await browser?.close().catch(() => undefined);
    stopServer(server);
  }
}

export const browserDrop: BenchCase = {
  id: 'browser',
  title: 'browser drop to summary',
  run: measureDropToSummary,
};
