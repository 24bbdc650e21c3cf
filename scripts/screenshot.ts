/**
 * Takes docs/screenshot.png of the built app with the default sample loaded:
 *   npx vite build && npx tsx scripts/screenshot.ts [url] [out.png]
 * Serves dist/ itself unless a URL is given.
 */
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../e2e/browser';

const url = process.argv[2] || 'http://localhost:4178/';
const out = process.argv[3] || 'docs/screenshot.png';
const server = process.argv[2]
  ? null
  : spawn('npx', ['vite', 'preview', '--port', '4178', '--strictPort'], { stdio: 'ignore', detached: true });
try {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
  const page = await browser.newPage({ viewport: { width: 1360, height: 1180 } });
  for (let i = 0; i < 50; i++) {
    try {
      await page.goto(url);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await page.waitForSelector('[data-testid="model-summary"]', { timeout: 30_000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: out, fullPage: false });
  await browser.close();
  console.log(`wrote ${out}`);
} finally {
  if (server?.pid) process.kill(-server.pid); // the whole group: npx and the vite it started
}
