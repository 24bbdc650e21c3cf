/**
 * "Drop to summary" in the real app (bench/app.ts: built, served with `vite preview`, opened in Chromium): give the
 * file input a ~100 MB generated model and time how long until its summary is on screen, plus the longest
 * main-thread task meanwhile (a long task = the page could not respond to input for that long).
 *
 * If the app is not there, the rows say "not measured: app not available" and the rest of the bench goes on.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes } from '../src/core/units';
import { writeOnnx } from '../src/core/formats/onnx/write';
import { AppNotAvailable, FILE_INPUT, openApp, SUMMARY, type OpenApp } from './app';
import { MID_MLP_DIMS, generateMlp } from './model';
import { row, type BenchCase, type BenchContext, type BenchRow } from './registry';

const PORT = 4179;
const APP_TIMEOUT_MS = 60_000;

const LOAD_ROW = 'browser: drop ~100 MB model → summary shown';
const TASK_ROW = 'browser: longest main-thread task during that load';

function notMeasured(reason: string): BenchRow[] {
  return [row(LOAD_ROW, null, 'ms', `not measured: ${reason}`), row(TASK_ROW, null, 'ms', `not measured: ${reason}`)];
}

/**
 * The hook: time from handing the file input a ~100 MB model to `[data-testid="model-summary"]` showing that
 * file (`data-file-name`), and the longest 'longtask' entry in between.
 */
export async function measureDropToSummary(ctx: BenchContext): Promise<BenchRow[]> {
  // The model, written to a file: Playwright refuses in-memory buffers over 50 MB.
  const { proto } = generateMlp(MID_MLP_DIMS, 'bench-drop');
  const fileName = 'bench-drop-100mb.onnx';
  const filePath = join(ctx.tmpDir, fileName);
  const bytes = writeOnnx(proto);
  writeFileSync(filePath, bytes);

  let app: OpenApp | undefined;
  try {
    app = await openApp(ctx, PORT);
    const { page, initial } = app;
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
    if (e instanceof AppNotAvailable) return notMeasured(e.message);
    throw e;
  } finally {
    await app?.close();
  }
}

export const browserDrop: BenchCase = {
  id: 'browser',
  title: 'browser drop to summary',
  run: measureDropToSummary,
};
