/**
 * A benchmark in the real app (bench/app.ts), as a user runs one (issue 10): the sample model and three variants of
 * it (int8 dynamic, prune 50% global, float16) × two backends (WASM and WebGPU; WebGPU is the software adapter here),
 * on synthetic inputs, so that every variant is compared with the original's outputs. Two figures:
 * - the longest main-thread task while the benchmark runs (PerformanceObserver 'longtask', from Run until every row
 *   is done; a long task is one over 50 ms: the page could not answer input for that long). Aim: none.
 * - how many times the original's reference outputs were computed: Web Workers named "bench-reference" started by
 *   the page (counted by wrapping the Worker constructor before the app loads), beside the app's own
 *   data-reference-runs. Aim: once, whatever the number of variants and backends.
 */
import type { Page } from 'playwright-core';
import { AppNotAvailable, openApp, SUMMARY, type OpenApp } from './app';
import { row, type BenchCase, type BenchContext, type BenchRow } from './registry';

const PORT = 4183;
const TIMEOUT_MS = 300_000;
const TASK_ROW = 'browser: longest main-thread task during a benchmark (sample, 4 models × 2 backends)';
const REF_ROW = 'browser: reference runs of the original in that benchmark (3 variants × 2 backends)';

const VARIANTS: { label: string; make: string }[] = [
  { label: 'int8 dynamic', make: 'dynamic' },
  { label: 'prune', make: 'prune' },
  { label: 'float16', make: 'fp16' },
];

function notMeasured(reason: string): BenchRow[] {
  return [row(TASK_ROW, null, 'ms', `not measured: ${reason}`), row(REF_ROW, null, 'runs', `not measured: ${reason}`)];
}

/** Page-side code as strings: tsx would wrap functions passed to the page in helpers that do not exist there. */
const COUNT_WORKERS = `(() => {
  const W = window.Worker;
  window.__workers = [];
  window.Worker = class extends W {
    constructor(url, options) {
      super(url, options);
      window.__workers.push((options && options.name) || '');
    }
  };
})()`;

const OBSERVE_LONG_TASKS = `(() => {
  const b = (window.__bench = { tasks: [] });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.tasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: false });
})()`;

/** Polls `expression` in the page (CDP evaluation: the app's CSP forbids the page evaluating strings itself). */
async function waitUntil(page: Page, expression: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${TIMEOUT_MS / 1000} s waiting for ${expression.slice(0, 80)}`);
    await page.waitForTimeout(250);
  }
}

export async function measureBenchmarkInApp(ctx: BenchContext): Promise<BenchRow[]> {
  let app: OpenApp | undefined;
  try {
    app = await openApp(ctx, PORT);
    const { page } = app;
    await page.addInitScript(COUNT_WORKERS);
    await page.addInitScript(OBSERVE_LONG_TASKS);
    await page.reload();
    await page.waitForSelector(SUMMARY, { timeout: 60_000 });
    const model = await page.locator(SUMMARY).getAttribute('data-file-name');

    ctx.log('browser-bench: making three variants of the sample');
    await page.getByRole('button', { name: 'Optimize' }).click();
    for (const v of VARIANTS) {
      if (v.make === 'prune') {
        await page.getByText('Prune', { exact: true }).click();
      } else {
        await page.getByText('Quantize', { exact: true }).click();
        await page.getByLabel('Quantization mode').selectOption(v.make);
      }
      await page.getByTestId('run-recipe').click();
    }
    await waitUntil(page, `document.querySelectorAll('[data-testid="variant-row"][data-status="done"]').length >= ${VARIANTS.length}`);

    await page.getByRole('button', { name: 'Benchmark' }).click();
    await page.getByLabel(/synthetic inputs/).check();
    const models = page.getByTestId('bench-form').locator('fieldset').first();
    for (const box of await models.locator('input[type=checkbox]').all()) await box.check();
    await page.getByLabel('WebGPU', { exact: true }).check();
    await page.getByLabel('Batch sizes').fill('1, 4');
    await page.getByLabel('Run mode').selectOption('fixed');
    await page.getByLabel('Run count').fill('10');
    await page.getByLabel('Warm-up runs').fill('2');
    await page.getByLabel('Max items').fill('64');

    const workersBefore = ((await page.evaluate('window.__workers.length')) as number) ?? 0;
    ctx.log('browser-bench: running the benchmark');
    const t0 = (await page.evaluate('performance.now()')) as number;
    const wall0 = performance.now();
    await page.getByTestId('run-bench').click();
    await waitUntil(
      page,
      `(() => { const s = [...document.querySelectorAll('[data-testid="bench-row"]')].map((e) => e.getAttribute('data-status'));
        return s.length >= ${(VARIANTS.length + 1) * 2} && s.every((x) => x === 'done' || x === 'failed' || x === 'cancelled'); })()`,
    );
    const wall = (performance.now() - wall0) / 1000;
    await page.waitForTimeout(1000); // the results' last renders, and the observer's last entries
    const t1 = (await page.evaluate('performance.now()')) as number;
    const statuses = (await page.locator('[data-testid="bench-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) as string[];
    const failed = statuses.filter((s) => s !== 'done').length;
    if (failed) {
      const rows = await page.locator('[data-testid="bench-row"]').evaluateAll((els) =>
        els.filter((e) => e.getAttribute('data-status') !== 'done').map((e) => `${e.getAttribute('data-target')}/${e.getAttribute('data-backend')}: ${(e as HTMLElement).innerText.replace(/\s+/g, ' ').slice(0, 160)}`),
      );
      throw new Error(`${failed} cells not done: ${rows.join(' | ')}`);
    }
    const all = (await page.evaluate('window.__bench.tasks')) as { start: number; duration: number }[];
    const tasks = all.filter((t) => t.start + t.duration >= t0 && t.start <= t1);
    const before = all.filter((t) => t.start + t.duration < t0);
    const longestBefore = before.reduce((m, t) => Math.max(m, t.duration), 0);
    const workers = ((await page.evaluate('window.__workers')) as string[]).slice(workersBefore);
    const referenceWorkers = workers.filter((n) => n === 'bench-reference').length;
    const appSays = await page.getByTestId('bench-method').getAttribute('data-reference-runs');
    // The observer must work here: a 120 ms busy task has to show up.
    await page.evaluate('setTimeout(() => { const end = performance.now() + 120; while (performance.now() < end); }, 0)');
    await page.waitForTimeout(300);
    const selfCheck = (await page.evaluate('window.__bench.tasks.some((t) => t.duration >= 100)')) as boolean;
    const longest = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
    const over = tasks.map((t) => t.duration.toFixed(0)).join(', ');
    const cells = `${statuses.length} result rows (batch 1 and 4), all done, in ${wall.toFixed(0)} s, and 1 s after`;
    return [
      selfCheck
        ? row(TASK_ROW, longest, 'ms', `${model}; ${cells}; ${tasks.length} long task${tasks.length === 1 ? '' : 's'} (> 50 ms)${tasks.length ? `: ${over} ms` : ''}; aim: none (before Run, opening the sample and making the variants: ${before.length}, longest ${longestBefore.toFixed(0)} ms)`)
        : row(TASK_ROW, null, 'ms', 'not measured: this Chromium reports no longtask entries'),
      row(
        REF_ROW,
        referenceWorkers,
        'runs',
        `"bench-reference" workers the page started during the benchmark (of ${workers.length} workers); the app's data-reference-runs says ${appSays}; aim: 1`,
      ),
    ];
  } catch (e) {
    if (e instanceof AppNotAvailable) return notMeasured(e.message);
    throw e;
  } finally {
    await app?.close();
  }
}

export const browserBench: BenchCase = {
  id: 'browser-bench',
  title: 'browser: a benchmark of the sample and three variants',
  run: measureBenchmarkInApp,
};
