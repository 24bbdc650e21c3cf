/**
 * The latency harness: cold start, warm-up, then measured runs of `session.run`, per batch size, with adaptive
 * stopping. Runtime-neutral (an InferenceSession from any adapter) and pure TypeScript, so the browser worker and
 * the CLI run the same loop.
 *
 * Timing: `performance.now()` immediately around `await session.run(feeds)` and nothing else. Feeds are made
 * fresh for every run (runtimes may take ownership of input buffers) by `makeFeeds`, before the timer starts;
 * abort checks, progress reports, yields to the event loop and the stopping rule all run after the timer stops.
 *
 * Stopping (per batch size):
 * - adaptive (default): after at least `minRuns` measured runs, stop as soon as the distribution-free 95% CI of the
 *   median (order statistics, binomial; see stats.ts) lies within ±`targetRelativeHalfWidth` (default 2%) of the
 *   median; else at `maxRuns`; else when the time budget runs out. The CI is re-checked every time the sample count
 *   has grown by 5% (so the sorting stays O(n log n) in total). Checking repeatedly ("optional stopping") is fine for
 *   a precision target: it decides how many runs to take, not which hypothesis wins.
 * - fixed: exactly `runs` measured runs (the time budget, if given, can cut it short).
 * - time budget (`timeBudgetMs`, per batch size, warm-up included): warm-up gives up after half of it (at least one
 *   warm-up run); measuring stops when it is spent (at least one measured run).
 */
import { ParetoError } from '../errors';
import type { TensorSignature } from '../inspect/summary';
import type { Progress, TransformContext } from '../transforms/types';
import { syntheticFeeds } from './dataset';
import { batchAxisOf } from './input-spec';
import type { Feeds, HostTensor, InferenceRuntime, InferenceSession, RuntimeInfo } from './session';
import { medianCI, relativeHalfWidth, sorted, summarizeSamples, type SampleSummary } from './stats';
import { dict } from '../own';

export type { Progress, TransformContext as HarnessContext };

/** Feeds for one run of `batch` items; called once per run (warm-up included), outside the timed region. */
export type MakeFeeds = (batch: number, run: number) => Feeds;

export interface LatencyOptions {
  /** Batch sizes to measure, in order (default [1]). Check them with resolveBatchSizes. */
  batchSizes?: readonly number[];
  /** Unmeasured runs before measuring, per batch size (default 5). */
  warmupRuns?: number;
  /** 'adaptive' (default) or a fixed number of measured runs. */
  runs?: number | 'adaptive';
  /** Adaptive: stop when the median's CI is within ± this fraction of the median (default 0.02). */
  targetRelativeHalfWidth?: number;
  /** Confidence level of the median's CI (default 0.95). */
  confidence?: number;
  /** Adaptive: measured runs before the first check (default 100, so that p99 rests on some data). */
  minRuns?: number;
  /** Adaptive: give up on the precision target after this many runs (default 100000). */
  maxRuns?: number;
  /** Per batch size, warm-up included; default 10 s when adaptive, none when fixed. */
  timeBudgetMs?: number;
  /** Keep every measured time in the result (default true; the UI draws histograms from them). */
  keepSamples?: boolean;
}

const LATENCY_DEFAULTS = {
  batchSizes: [1] as readonly number[],
  warmupRuns: 5,
  targetRelativeHalfWidth: 0.02,
  confidence: 0.95,
  minRuns: 100,
  maxRuns: 100_000,
  timeBudgetMs: 10_000,
} as const;

export type StopReason = 'precision' | 'run-count' | 'max-runs' | 'time-budget';

export interface BatchLatency extends SampleSummary {
  batch: number;
  /** Warm-up runs done (fewer than asked when the time budget cut them short). */
  warmupRuns: number;
  /** Measured runs (= n). */
  runs: number;
  stoppedBy: StopReason;
  /** Items per second: batch × runs / (sum of measured run times). */
  itemsPerSecond: number;
  /** Sum of the measured run times, ms. */
  measuredMs: number;
  /** Wall time for this batch size: warm-up, measured runs and the harness's work between runs, ms. */
  wallMs: number;
  /** Every measured time (ms), in run order; empty when keepSamples is false. */
  samplesMs: number[];
}

export interface LatencyResult {
  batches: BatchLatency[];
  /** Smallest step of performance.now() seen (browsers coarsen it, e.g. to 0.1 ms without cross-origin isolation). */
  timerResolutionMs: number;
  /** How the figures were computed, for display next to them. */
  method: {
    percentiles: 'linear-interpolation';
    medianCI: 'order-statistics-binomial';
    std: 'sample';
    mode: 'adaptive' | 'fixed';
    targetRelativeHalfWidth: number | null;
    confidence: number;
  };
  notes: string[];
}

const abortError = () => new ParetoError('aborted', 'Cancelled.');

/** How often (at most) the harness reports progress and yields to the event loop, ms. */
const YIELD_MS = 50;

interface Port {
  onmessage: ((e: unknown) => void) | null;
  postMessage(v: unknown): void;
  close(): void;
}
const host = globalThis as { setImmediate?: (cb: () => void) => unknown; MessageChannel?: new () => { port1: Port; port2: Port } };

/**
 * A macrotask turn, so that an abort message (or the page) gets a turn, at the lowest cost the host offers:
 * setImmediate (Node), else a MessageChannel message (browsers and workers: no 4 ms clamping of nested timers),
 * else setTimeout(0). `close()` frees the channel (an open port would keep Node alive).
 */
function makeYielder(): { turn: () => Promise<void>; close: () => void } {
  if (host.setImmediate) {
    const setImmediate = host.setImmediate;
    return { turn: () => new Promise<void>((r) => void setImmediate(r)), close: () => undefined };
  }
  if (host.MessageChannel) {
    const { port1, port2 } = new host.MessageChannel();
    let waiting: (() => void)[] = [];
    port1.onmessage = () => {
      const w = waiting;
      waiting = [];
      for (const r of w) r();
    };
    return {
      turn: () =>
        new Promise<void>((r) => {
          waiting.push(r);
          port2.postMessage(0);
        }),
      close: () => {
        port1.close();
        port2.close();
      },
    };
  }
  return { turn: () => new Promise<void>((r) => setTimeout(r, 0)), close: () => undefined };
}

/** Smallest positive step of performance.now() over a few tries (bounded loop). */
export function timerResolutionMs(): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    let t1 = t0;
    for (let i = 0; i < 1_000_000 && t1 === t0; i++) t1 = performance.now();
    if (t1 > t0) best = Math.min(best, t1 - t0);
  }
  return best;
}

function checkOptions(o: LatencyOptions) {
  const positiveInt = (v: number | undefined, name: string, min = 1) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= min)) throw new ParetoError('bad-input', `${name} must be a whole number >= ${min}, got ${v}.`);
  };
  positiveInt(o.warmupRuns, 'warmupRuns', 0);
  if (o.runs !== undefined && o.runs !== 'adaptive') positiveInt(o.runs, 'runs');
  positiveInt(o.minRuns, 'minRuns');
  positiveInt(o.maxRuns, 'maxRuns');
  for (const b of o.batchSizes ?? []) positiveInt(b, 'batch size');
  if ((o.batchSizes ?? LATENCY_DEFAULTS.batchSizes).length === 0) throw new ParetoError('bad-input', 'Give at least one batch size.');
  if (o.timeBudgetMs !== undefined && !(o.timeBudgetMs > 0)) throw new ParetoError('bad-input', `The time budget must be > 0, got ${o.timeBudgetMs}.`);
  const t = o.targetRelativeHalfWidth;
  if (t !== undefined && !(t > 0 && t < 1)) throw new ParetoError('bad-input', `targetRelativeHalfWidth must be in (0, 1), got ${t}.`);
  const c = o.confidence;
  if (c !== undefined && !(c > 0.5 && c < 1)) throw new ParetoError('bad-input', `confidence must be in (0.5, 1), got ${c}.`);
}

/**
 * Measures `session.run` latency at each batch size. `makeFeeds(batch, run)` must return fresh feeds (see
 * feedsFromTensors / syntheticFeedsMaker). Honours ctx.signal (throws ParetoError 'aborted') and reports progress
 * (fraction over all batch sizes).
 */
export async function measureLatency(
  session: InferenceSession,
  makeFeeds: MakeFeeds,
  options: LatencyOptions = {},
  ctx: TransformContext = {},
): Promise<LatencyResult> {
  checkOptions(options);
  if (ctx.signal?.aborted) throw abortError();
  const batchSizes = options.batchSizes ?? LATENCY_DEFAULTS.batchSizes;
  const fixed = typeof options.runs === 'number' ? options.runs : undefined;
  const warmup = options.warmupRuns ?? LATENCY_DEFAULTS.warmupRuns;
  const target = options.targetRelativeHalfWidth ?? LATENCY_DEFAULTS.targetRelativeHalfWidth;
  const level = options.confidence ?? LATENCY_DEFAULTS.confidence;
  const minRuns = options.minRuns ?? LATENCY_DEFAULTS.minRuns;
  const maxRuns = options.maxRuns ?? LATENCY_DEFAULTS.maxRuns;
  const budget = options.timeBudgetMs ?? (fixed === undefined ? LATENCY_DEFAULTS.timeBudgetMs : Infinity);
  const keep = options.keepSamples ?? true;
  const aborted = () => ctx.signal?.aborted === true;
  /** Between runs, outside the timer: throws when cancelled; reports progress and yields at most every YIELD_MS. */
  let lastYield = performance.now();
  const yielder = makeYielder();
  const pause = async (progress: () => Progress, now: number, force = false) => {
    if (!force && now - lastYield < YIELD_MS) return;
    ctx.onProgress?.(progress());
    await yielder.turn();
    lastYield = performance.now();
    if (aborted()) throw abortError();
  };
  const resolution = timerResolutionMs();
  const notes: string[] = [];
  const batches: BatchLatency[] = [];

  try {
    for (let bi = 0; bi < batchSizes.length; bi++) {
      const batch = batchSizes[bi];
      const stage = `batch ${batch}`;
      const start = performance.now();
      const deadline = start + budget;
      let samples = new Float64Array(Math.min(fixed ?? 1024, maxRuns, 1 << 20));
      let n = 0;
      let lastHalf = Infinity;
      let reported = 0;
      /** Fraction done for this batch size, computed only when reported; never goes backwards. */
      const progress = (): Progress => {
        const elapsed = Number.isFinite(budget) ? (performance.now() - start) / budget : 0;
        const own =
          fixed !== undefined
            ? n / fixed
            : Math.max(Number.isFinite(lastHalf) ? Math.min(1, (target / lastHalf) ** 2) : 0, n / maxRuns, Math.min(1, n / minRuns) * 0.1);
        reported = Math.min(0.99, Math.max(reported, own, elapsed));
        return { fraction: (bi + reported) / batchSizes.length, stage };
      };

      // Warm-up: JIT, allocator and caches settle; not measured.
      let warmed = 0;
      while (warmed < warmup) {
        const feeds = makeFeeds(batch, warmed);
        await session.run(feeds);
        warmed++;
        if (aborted()) throw abortError();
        const now = performance.now();
        await pause(progress, now);
        if (now - start > budget / 2) break;
      }

      // Measured runs. Per run, outside the timer: store the time, the stopping rule (a sort only every 5% more runs),
      // an abort check; progress and yields only every YIELD_MS.
      let nextCheck = Math.min(maxRuns, Math.max(minRuns, 6));
      let stoppedBy: StopReason | undefined;
      for (;;) {
        const feeds = makeFeeds(batch, warmed + n);
        const t0 = performance.now();
        await session.run(feeds);
        const t1 = performance.now();
        if (n === samples.length) {
          const grown = new Float64Array(samples.length * 2);
          grown.set(samples);
          samples = grown;
        }
        samples[n++] = t1 - t0;
        if (fixed !== undefined) {
          if (n >= fixed) stoppedBy = 'run-count';
        } else {
          if (n >= nextCheck) {
            // also checked at maxRuns (nextCheck is capped there), so the last runs still count towards precision
            const ci = medianCI(sorted(samples.subarray(0, n)), level);
            if (ci) {
              lastHalf = relativeHalfWidth(ci.value, ci.lower, ci.upper);
              if (lastHalf <= target) stoppedBy = 'precision';
            }
            nextCheck = Math.min(maxRuns, n + Math.max(1, Math.ceil(n * 0.05)));
          }
          if (!stoppedBy && n >= maxRuns) stoppedBy = 'max-runs';
        }
        if (!stoppedBy && t1 >= deadline) stoppedBy = 'time-budget';
        if (stoppedBy) break;
        if (aborted()) throw abortError();
        if (t1 - lastYield >= YIELD_MS) await pause(progress, t1);
      }

      const measured = samples.subarray(0, n);
      const summary = summarizeSamples(measured, level);
      let measuredMs = 0;
      for (let i = 0; i < n; i++) measuredMs += measured[i];
      batches.push({
        batch,
        warmupRuns: warmed,
        runs: n,
        stoppedBy,
        ...summary,
        itemsPerSecond: measuredMs > 0 ? (batch * n * 1000) / measuredMs : Infinity,
        measuredMs,
        wallMs: performance.now() - start,
        samplesMs: keep ? Array.from(measured) : [],
      });
      if (warmed < warmup) notes.push(`batch ${batch}: the time budget allowed ${warmed} of ${warmup} warm-up runs.`);
      if (stoppedBy === 'time-budget' && fixed === undefined) {
        notes.push(
          summary.medianCI
            ? `batch ${batch}: the time budget ran out at ±${(summary.relativeHalfWidth * 100).toFixed(1)}% (target ±${(target * 100).toFixed(1)}%).`
            : `batch ${batch}: the time budget ran out after ${n} runs, too few for a confidence interval of the median.`,
        );
      }
      if (stoppedBy === 'max-runs') notes.push(`batch ${batch}: stopped at ${maxRuns} runs at ±${(summary.relativeHalfWidth * 100).toFixed(1)}%.`);
      if (summary.p50 < 20 * resolution) {
        notes.push(
          `batch ${batch}: the median (${summary.p50.toFixed(3)} ms) is less than 20 timer steps (${resolution.toFixed(3)} ms); figures are coarse.`,
        );
      }
      await pause(() => ({ fraction: (bi + 1) / batchSizes.length, stage }), performance.now(), true);
    }
  } finally {
    yielder.close();
  }

  return {
    batches,
    timerResolutionMs: resolution,
    method: {
      percentiles: 'linear-interpolation',
      medianCI: 'order-statistics-binomial',
      std: 'sample',
      mode: fixed === undefined ? 'adaptive' : 'fixed',
      targetRelativeHalfWidth: fixed === undefined ? target : null,
      confidence: level,
    },
    notes,
  };
}

/* ------------------------------------------------------------------ feeds ------------------------------------------------------------------ */

const copyTensor = (t: HostTensor): HostTensor => ({ dtype: t.dtype, dims: [...t.dims], data: t.data.slice() as HostTensor['data'] });

/**
 * A MakeFeeds over the first items of some batch-first tensors (a dataset's inputs): batch b takes items
 * 0..b-1 (repeating from the start when there are fewer). One template per batch size is built on first use;
 * every call returns a copy.
 */
export function feedsFromTensors(inputs: Readonly<Record<string, HostTensor>>): MakeFeeds {
  const templates = new Map<number, Feeds>();
  return (batch) => {
    let tpl = templates.get(batch);
    if (!tpl) {
      tpl = {};
      for (const [name, t] of Object.entries(inputs)) tpl[name] = repeatRows(t, batch);
      templates.set(batch, tpl);
    }
    const out: Feeds = dict();
    for (const [k, t] of Object.entries(tpl)) out[k] = copyTensor(t);
    return out;
  };
}

function repeatRows(t: HostTensor, rows: number): HostTensor {
  const have = t.dims[0];
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const Ctor = t.data.constructor as new (n: number) => HostTensor['data'];
  const data = new Ctor(rows * per);
  for (let r = 0; r < rows; r++) {
    const src = r % have;
    (data as Float32Array).set((t.data as Float32Array).subarray(src * per, (src + 1) * per), r * per);
  }
  return { dtype: t.dtype, dims: [rows, ...t.dims.slice(1)], data };
}

/** A MakeFeeds of deterministic synthetic inputs (syntheticFeeds), for when there is no dataset. */
export function syntheticFeedsMaker(inputs: readonly TensorSignature[], seed = 1234): MakeFeeds {
  const templates = new Map<number, Feeds>();
  return (batch) => {
    let tpl = templates.get(batch);
    if (!tpl) {
      tpl = syntheticFeeds(inputs, { batch, seed });
      templates.set(batch, tpl);
    }
    const out: Feeds = dict();
    for (const [k, t] of Object.entries(tpl)) out[k] = copyTensor(t);
    return out;
  };
}

/**
 * The batch sizes a model can take: every requested size when the first dimension of every input is dynamic;
 * else only the fixed size (asking for another is an error, since the runtime would reject the feeds).
 */
export function resolveBatchSizes(inputs: readonly TensorSignature[], requested?: readonly number[]): { sizes: number[]; fixed: number | null } {
  for (const b of requested ?? []) {
    if (!(Number.isInteger(b) && b >= 1)) throw new ParetoError('bad-input', `Batch sizes are whole numbers >= 1, not ${b}.`);
  }
  // The batch axis is found by its symbol (batchAxisOf): the 2 of recurrent state [2, batch, 128] is no batch.
  const dynamic = inputs.some((i) => i.shape && i.shape.length > 0 && batchAxisOf(i.shape) >= 0);
  const fixedDims = inputs.map((i) => (!dynamic && i.shape && typeof i.shape[0] === 'number' && i.shape[0] > 0 ? i.shape[0] : null));
  const fixed = fixedDims.find((d) => d !== null) ?? null;
  if (inputs.length > 0 && inputs.some((i) => i.shape && i.shape.length === 0)) {
    // Scalar inputs have no batch dimension.
    if (requested && requested.some((b) => b !== 1)) throw new ParetoError('bad-input', 'The model has a scalar input, so it has no batch dimension; measure batch 1 only.');
    return { sizes: [1], fixed: 1 };
  }
  if (fixed === null) return { sizes: [...new Set(requested ?? LATENCY_DEFAULTS.batchSizes)], fixed: null };
  const wrong = (requested ?? []).filter((b) => b !== fixed);
  if (wrong.length > 0) {
    throw new ParetoError(
      'bad-input',
      `The model's batch dimension is fixed at ${fixed} (input "${inputs[fixedDims.indexOf(fixed)].name}"), so it cannot run batch ${wrong.join(', ')}; ` +
        `measure batch ${fixed}, or export the model with a dynamic batch dimension.`,
    );
  }
  return { sizes: [fixed], fixed };
}

/* ------------------------------------------------------------------ the whole benchmark ------------------------------------------------------------------ */

/** Memory figures the host can read (Node: process.memoryUsage(); Chrome: performance.memory). */
export interface MemorySample {
  jsHeapBytes?: number;
  rssBytes?: number;
}

/** A session that can say how much memory it holds (an adapter may add this). */
export interface SessionMemory {
  memoryBytes?(): number | undefined;
}

export interface BenchmarkOptions<T = undefined> extends LatencyOptions {
  /** The model's inputs (ModelSummary.inputs): synthetic feeds and batch sizes come from them. */
  inputs: readonly TensorSignature[];
  /** Feeds for a run; default synthetic (syntheticFeedsMaker). */
  makeFeeds?: MakeFeeds;
  threads?: number;
  /** Reads host memory; absent figures are reported as null. */
  memory?: () => MemorySample;
  /** Runs with the session before it is released (e.g. evaluateAccuracy); its result is returned as `after`. */
  after?: (session: InferenceSession) => Promise<T>;
}

export interface BenchmarkResult<T = undefined> {
  runtime: RuntimeInfo;
  coldStart: {
    /** runtime.createSession(model bytes): parsing, graph optimisation, kernel set-up. */
    createSessionMs: number;
    /** The first run (batch = the first batch size), timed on its own; not part of the latency figures. */
    firstRunMs: number;
    firstRunBatch: number;
  };
  latency: LatencyResult;
  memory: {
    modelBytes: number;
    /** What the session holds: from the runtime when it says, else the growth of RSS across createSession. */
    sessionBytes: number | null;
    sessionBytesMethod: 'runtime' | 'rss-delta' | null;
    /** JS heap in use after the runs (null when the host does not expose it). */
    jsHeapBytes: number | null;
    /** Resident set size after the runs (null when the host does not expose it). */
    rssBytes: number | null;
  };
  after: T;
}

/** Creates a session (timed: cold start), measures latency at each batch size, reads memory, releases the session. */
export async function benchmarkModel<T = undefined>(
  runtime: InferenceRuntime,
  model: Uint8Array,
  options: BenchmarkOptions<T>,
  ctx: TransformContext = {},
): Promise<BenchmarkResult<T>> {
  checkOptions(options);
  if (ctx.signal?.aborted) throw abortError();
  const batchSizes = options.batchSizes ?? resolveBatchSizes(options.inputs).sizes;
  const makeFeeds = options.makeFeeds ?? syntheticFeedsMaker(options.inputs);
  const firstFeeds = makeFeeds(batchSizes[0], 0);
  const before = options.memory?.();
  const t0 = performance.now();
  const session = await runtime.createSession(model, options.threads === undefined ? {} : { threads: options.threads });
  const createSessionMs = performance.now() - t0;
  try {
    const afterCreate = options.memory?.();
    const t1 = performance.now();
    await session.run(firstFeeds);
    const firstRunMs = performance.now() - t1;
    const latency = await measureLatency(session, makeFeeds, { ...options, batchSizes }, ctx);
    const after = options.after ? await options.after(session) : (undefined as T);
    const end = options.memory?.();
    const own = (session as SessionMemory).memoryBytes?.();
    const rssDelta = before?.rssBytes !== undefined && afterCreate?.rssBytes !== undefined ? Math.max(0, afterCreate.rssBytes - before.rssBytes) : null;
    return {
      runtime: runtime.info(),
      coldStart: { createSessionMs, firstRunMs, firstRunBatch: batchSizes[0] },
      latency,
      memory: {
        modelBytes: model.byteLength,
        sessionBytes: own ?? rssDelta,
        sessionBytesMethod: own !== undefined ? 'runtime' : rssDelta !== null ? 'rss-delta' : null,
        jsHeapBytes: end?.jsHeapBytes ?? null,
        rssBytes: end?.rssBytes ?? null,
      },
      after,
    };
  } finally {
    await session.release();
  }
}
