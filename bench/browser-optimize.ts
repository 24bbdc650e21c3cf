/**
 * Quantize and prune the ~400 MB model in the real app (bench/app.ts), in its optimize Web Worker, as a user does:
 * open the file, pick a recipe, Run. Two figures per recipe:
 * - throughput of the transform inside the worker: the variant's "time" (applyRecipe in the worker, the worker's own
 *   clock; data-duration-ms), as GB/s of float32 weights;
 * - peak memory of the whole job: the renderer process's resident memory (the page and its dedicated workers live
 *   there; /proc/<pid>/statm sampled every 10 ms) over what it held before Run (after a garbage collection of the
 *   page, so that the last run's leftovers are not counted or freed mid-run), as a multiple of the model file.
 *   The job is more than the transform: the worker reads the file, runs the original and then the variant in
 *   onnxruntime-web (each in a worker of its own) to compare outputs, and sends the variant's bytes back.
 *   BENCH_TRACE=1 logs the memory over time and the largest mappings as it grew (to find what holds memory).
 * Linux only (procfs); elsewhere the memory rows say not measured.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { formatBytes } from '../src/core/units';
import { AppNotAvailable, FILE_INPUT, openApp, SUMMARY, type OpenApp } from './app';
import { median, row, type BenchCase, type BenchContext, type BenchRow } from './registry';

const PORT = 4181;
const JOB_TIMEOUT_MS = 300_000;

interface Job {
  label: string;
  /** Recipe form: which segment, then the fields. */
  recipe: 'Quantize' | 'Prune';
  variant: string;
}

const JOBS: Job[] = [
  { label: 'prune 50% global unstructured', recipe: 'Prune', variant: 'prune 50% global' },
  { label: 'quantize int8 dynamic per-channel', recipe: 'Quantize', variant: 'int8 dynamic' },
];
const RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 3);

const rowNames = (j: Job) => [`browser worker: ${j.label}: throughput`, `browser worker: ${j.label}: peak memory of the whole job`];

const TASK_ROW = 'browser worker: longest main-thread task during those jobs';

function notMeasured(reason: string): BenchRow[] {
  return [...JOBS.flatMap((j) => rowNames(j).map((n, i) => row(n, null, i === 0 ? 'GB/s' : '× model', `not measured: ${reason}`))), row(TASK_ROW, null, 'ms', `not measured: ${reason}`)];
}

/** Chromium renderer processes started under this process (the page and its workers run in one of them). */
function rendererPids(): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 16; p = parent.get(p) ?? 0, hops++) if (p === process.pid) return true;
    return false;
  };
  return [...parent.keys()].filter((pid) => {
    if (!mine(pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false;
    }
  });
}

/** Debugging aid (BENCH_TRACE): the renderer's mappings with the most resident memory, in MB. */
function topMappings(pids: readonly number[]): string {
  const out: [number, string][] = [];
  for (const pid of pids) {
    let cur = '';
    for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
        const [range, , , , , name] = line.split(/\s+/);
        const [a, b] = range.split('-').map((x) => parseInt(x, 16));
        cur = `${((b - a) / 1e6).toFixed(0)}MB ${name ?? ''}`;
      } else if (line.startsWith('Rss:')) out.push([Number(line.split(/\s+/)[1]) / 1000, cur]);
    }
  }
  return out.sort((x, y) => y[0] - x[0]).slice(0, 8).map(([r, n]) => `${r.toFixed(0)} rss of [${n}]`).join('; ');
}

const PAGE = 4096;
function rss(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
    } catch {
      // exited
    }
  }
  return total;
}

export async function measureOptimizeInApp(ctx: BenchContext): Promise<BenchRow[]> {
  const m = await ctx.transformModel();
  let app: OpenApp | undefined;
  try {
    app = await openApp(ctx, PORT);
    const { page } = app;
    ctx.log(`browser-optimize: opening ${formatBytes(m.bytes.length)} in the app`);
    await page.setInputFiles(FILE_INPUT, m.path);
    await page.waitForSelector(`${SUMMARY}[data-file-name="${m.fileName}"]`, { timeout: 120_000 });
    await page.getByRole('button', { name: 'Optimize' }).click();
    const pids = rendererPids();
    // Each run starts from the same memory: the page's garbage (the last variant's bytes) collected first.
    const cdp = await page.context().newCDPSession(page);
    // Long tasks on the page's main thread while the jobs run (the page receives and keeps each variant's bytes).
    await page.evaluate(`(() => {
      const b = (window.__longTasks = []);
      new PerformanceObserver((list) => { for (const e of list.getEntries()) b.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask' });
    })()`);
    const rows: BenchRow[] = [];
    /** Each job from Run to its row showing done, on the page's clock. */
    const jobWindows: [number, number][] = [];
    for (const job of JOBS) {
      await page.getByText(job.recipe, { exact: true }).click();
      if (job.recipe === 'Prune') await page.getByLabel('Target sparsity').fill('0.5');
      else await page.getByLabel('Quantization mode').selectOption('dynamic');
      const durations: number[] = [];
      const walls: number[] = [];
      const peaks: number[] = [];
      let before = 0;
      for (let run = 0; run < RUNS; run++) {
        await page.waitForTimeout(1000); // let the last job's worker go
        await cdp.send('HeapProfiler.collectGarbage');
        before = rss(pids);
        let peak = before;
        const trace: string[] = [];
        let peakSnap = 0;
        let snap = '';
        if (process.env.BENCH_TRACE) ctx.log(`largest mappings before: ${topMappings(pids)}`);
        const tPerf = performance.now();
        const sampler = setInterval(() => {
          const now = rss(pids);
          peak = Math.max(peak, now);
          if (process.env.BENCH_TRACE && now > peakSnap + m.bytes.length / 4) {
            peakSnap = now;
            snap += `\n  ${((performance.now() - tPerf) / 1000).toFixed(2)}s ${((now - before) / m.bytes.length).toFixed(2)}: ` + topMappings(pids);
          }
          if (process.env.BENCH_TRACE) trace.push(`${((performance.now() - tPerf) / 1000).toFixed(2)}s ${((now - before) / m.bytes.length).toFixed(2)}`);
        }, 10);
        ctx.log(`browser-optimize: ${job.label} (${run + 1}/${RUNS})`);
        const t0 = performance.now();
        const pageT0 = (await page.evaluate('performance.now()')) as number;
        try {
          await page.getByTestId('run-recipe').click();
          const done = page.locator(`[data-testid="variant-row"][data-variant-name="${job.variant}"]`);
          await done.and(page.locator('[data-status="done"], [data-status="failed"]')).waitFor({ timeout: JOB_TIMEOUT_MS });
          const status = await done.getAttribute('data-status');
          if (status !== 'done') throw new Error(`${job.variant} ${status}: ${(await done.innerText()).slice(0, 160)}`);
          // The job measured must include its fidelity check.
          const notCompared = done.getByTestId('not-compared-badge');
          if (await notCompared.count()) throw new Error(`${job.variant} was not compared: ${await notCompared.getAttribute('title')}`);
          walls.push(performance.now() - t0);
          jobWindows.push([pageT0, (await page.evaluate('performance.now()')) as number]);
          durations.push(Number(await done.getAttribute('data-duration-ms')));
          peaks.push(peak - before);
          // The page keeps each variant's bytes for download: remove it so that every run starts from the same memory.
          await page.getByRole('button', { name: `Remove ${job.variant}` }).click();
          await done.waitFor({ state: 'detached' });
        } finally {
          clearInterval(sampler);
          if (process.env.BENCH_TRACE) ctx.log(`largest mappings as the memory grew: ${snap}`);
          if (process.env.BENCH_TRACE) ctx.log(`trace (s, × model over before): ${trace.filter((_, i) => i % 10 === 0).join(', ')}`);
        }
      }
      const ms = median(durations);
      const [tput, mem] = rowNames(job);
      const range = (xs: number[], f: (x: number) => string) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
      rows.push(
        row(
          tput,
          m.weightBytes / 1e9 / (ms / 1000),
          'GB/s',
          `${formatBytes(m.weightBytes)} float32 weights; applyRecipe median ${ms.toFixed(0)} ms of ${RUNS} runs (${range(durations, (x) => x.toFixed(0))} ms) ` +
            `in the app's optimize worker (Chromium); whole job ${range(walls, (x) => (x / 1000).toFixed(1))} s incl. the fidelity runs; aim ≥ 1 GB/s`,
        ),
        pids.length
          ? row(
              mem,
              median(peaks) / m.bytes.length,
              '× model',
              `renderer process RSS over what it held before Run (${formatBytes(before)}), median of ${RUNS} (${range(peaks, (x) => (x / m.bytes.length).toFixed(2))}×): ` +
                'the file read into the worker, the original and then the variant in onnxruntime-web for the fidelity check (each in a worker of its own), the recipe, the variant’s bytes',
            )
          : row(mem, null, '× model', 'not measured: no /proc here'),
      );
    }
    const all = (await page.evaluate('window.__longTasks')) as { start: number; duration: number }[];
    const tasks = all.filter((t) => jobWindows.some(([a, b]) => t.start + t.duration >= a && t.start <= b)).map((t) => t.duration);
    const outside = all.length - tasks.length;
    rows.push(
      row(
        TASK_ROW,
        Math.max(0, ...tasks),
        'ms',
        `${tasks.length} long task${tasks.length === 1 ? '' : 's'} (> 50 ms) on the page's main thread from Run to the row showing done, over the ${JOBS.length * RUNS} jobs above` +
          `${tasks.length ? `: ${tasks.map((t) => t.toFixed(0)).join(', ')} ms` : ''}; ${outside} more between jobs (removing a variant, the bench's forced garbage collections)`,
      ),
    );
    return rows;
  } catch (e) {
    if (e instanceof AppNotAvailable) return notMeasured(e.message);
    throw e;
  } finally {
    await app?.close();
  }
}

export const browserOptimize: BenchCase = {
  id: 'browser-optimize',
  title: 'browser: quantize and prune in the app',
  run: measureOptimizeInApp,
};
