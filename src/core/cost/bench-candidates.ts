/**
 * From the Benchmark view's results to the cost model: each benchmarked (model × backend) becomes a candidate,
 * a measured variant (items/s and p99 per batch size, on the device that measured it, with its accuracy or
 * fidelity), which the trade-off (tradeoff.ts) costs and the calculator can take as variants.
 *
 * Pure: the benchmark results come in as plain data (structurally the app's bench runs).
 */
import type { AccuracyResult } from '../bench/accuracy';
import type { DraftPoint, DraftVariant } from './draft';
import type { DeviceClass, Processor } from './scenario';

// ---------------------------------------------------------------------------------------------------------------
// Inputs: the app's bench runs, structurally.

export interface BenchEnvLike {
  cores: number;
  userAgent: string;
  webgpu: { isFallbackAdapter: boolean } | null;
}

export interface BenchBatchLike {
  batch: number;
  p50: number;
  p99: number;
  itemsPerSecond: number;
  /** The harness's distribution-free CI of the median latency (null with too few runs); absent in older results. */
  medianCI?: { lower: number; upper: number; level: number } | null;
  /** Measured runs, and the fastest and slowest (ms): the fallback interval when there is no CI. */
  runs?: number;
  min?: number;
  max?: number;
}

export interface BenchCellLike {
  /** 'original' or a variant id. */
  targetId: string;
  targetName: string;
  backend: string;
  threads: number;
  status: string;
  outcome?: {
    benchmark: {
      runtime: { threads?: number };
      latency: { batches: readonly BenchBatchLike[] };
      memory: { modelBytes: number };
      after: AccuracyResult | null;
    };
    environment: BenchEnvLike;
  };
}

export interface BenchRunLike {
  id: string;
  startedAt: number;
  cells: readonly BenchCellLike[];
}

// ---------------------------------------------------------------------------------------------------------------
// Candidates: one per benchmarked model × backend (the latest run wins).

export interface Quality {
  kind: 'accuracy' | 'fidelity';
  /** Percent. */
  value: number;
  lower: number | null;
  upper: number | null;
  /** What the figure is ("top-1 accuracy", "top-1 agreement with the original"). */
  label: string;
  /** The output it scored and the items it was scored on (absent for the fidelity reference itself). */
  output?: string;
  items?: number;
}

export interface BenchCandidate {
  /** Unique, usable as a scenario variant id: `<model target>@<backend>-<threads>`. */
  id: string;
  /** 'original' or a variant id. */
  modelTargetId: string;
  isOriginal: boolean;
  /** "int8 dynamic · WASM 1 thread". */
  name: string;
  /** The recipe ("original (float)", "int8 dynamic"). */
  recipe: string;
  backend: string;
  quality: Quality | null;
  modelSizeMB: number;
  /** Every measured batch size, checked (positive, finite). */
  points: DraftPoint[];
  /** The smallest batch measured: what p50/p99 on the chart mean. */
  latency: BenchBatchLike | null;
  device: { name: string; class: DeviceClass; cores: number; processor: Processor };
  runId: string;
  notes: string[];
}

export function backendLabel(backend: string, threads: number, fallback = false): string {
  if (backend === 'wasm') return `WASM ${threads} thread${threads === 1 ? '' : 's'}`;
  if (backend === 'webgpu') return fallback ? 'WebGPU (software adapter)' : 'WebGPU';
  return backend === 'webgl' ? 'WebGL' : backend;
}

function browserOf(userAgent: string): string {
  const m = userAgent.match(/(Edg|Firefox|Chrome|Safari)\/(\d+)/);
  return m ? `${m[1] === 'Edg' ? 'Edge' : m[1]} ${m[2]}` : 'a browser';
}

/**
 * The device a browser benchmark ran on. The class is not knowable from a browser (laptop, desktop?), so it is
 * "other" unless the user agent says phone: the cost model then labels every figure as a device measurement, never
 * as a server one. Cores: the threads the run used on WASM (a 1-thread run uses one core), else all cores.
 */
export function deviceOf(env: BenchEnvLike, backend: string, threadsUsed: number): BenchCandidate['device'] {
  const phone = /Mobile|Android|iPhone|iPad/.test(env.userAgent);
  const cores = Math.max(1, Math.round(backend === 'wasm' ? threadsUsed : env.cores || 1));
  const fallback = backend === 'webgpu' && env.webgpu?.isFallbackAdapter === true;
  return {
    name: `this machine: ${browserOf(env.userAgent)}, ${backendLabel(backend, threadsUsed, fallback)}`,
    class: phone ? 'phone' : 'other',
    cores,
    // WASM runs on the CPU; WebGPU and WebGL on the GPU (a software adapter is still not a CPU figure to scale).
    processor: backend === 'wasm' ? 'cpu' : 'gpu',
  };
}

const pct = (x: number) => x * 100;

/** The y value of a cell: accuracy when there were labels, else fidelity to the original; null when neither fits a percent. */
export function qualityOf(after: AccuracyResult | null, isOriginal: boolean): Quality | null {
  const q = qualityOfResult(after, isOriginal);
  return q && after ? { ...q, output: after.output, items: after.items } : q;
}

function qualityOfResult(after: AccuracyResult | null, isOriginal: boolean): Quality | null {
  if (!after) {
    return isOriginal ? { kind: 'fidelity', value: 100, lower: null, upper: null, label: 'the reference itself (100% by definition)' } : null;
  }
  switch (after.kind) {
    case 'classification':
      return { kind: 'accuracy', value: pct(after.top1.value), lower: pct(after.top1.lower), upper: pct(after.top1.upper), label: 'top-1 accuracy' };
    case 'binary':
      return { kind: 'accuracy', value: pct(after.accuracy.value), lower: pct(after.accuracy.lower), upper: pct(after.accuracy.upper), label: 'accuracy' };
    case 'fidelity':
      return after.top1Agreement
        ? {
            kind: 'fidelity',
            value: pct(after.top1Agreement.value),
            lower: pct(after.top1Agreement.lower),
            upper: pct(after.top1Agreement.upper),
            label: 'top-1 agreement with the original',
          }
        : { kind: 'fidelity', value: pct(Math.max(0, after.cosine.value)), lower: null, upper: null, label: 'cosine similarity to the original (×100)' };
    case 'regression':
      return null;
  }
}

/** Below this, a p99 is timer noise (a coarse timer can give 0 ms); the scenario needs p99 > 0. */
const MIN_P99_MS = 0.001;
const MAX_ITEMS_PER_SECOND = 1e9;
const MIN_ITEMS_PER_SECOND = 1e-4;

/**
 * The interval of a batch's throughput from its latency noise: the harness's throughput (items ÷ total time) scaled
 * by p50 ÷ upper and p50 ÷ lower of the median's confidence interval, so the interval has the median's relative
 * width and always contains the figure; with too few runs for a CI (under 6 at 95%), the fastest and slowest runs
 * instead. Undefined when the result carries neither (an older result) or the median is 0 (a coarse timer).
 */
export function throughputInterval(b: BenchBatchLike, itemsPerSecond: number): DraftPoint['itemsPerSecondInterval'] | undefined {
  const p50 = b.p50;
  if (!(Number.isFinite(p50) && p50 > 0)) return undefined;
  const ci = b.medianCI;
  let slowMs: number;
  let fastMs: number;
  let level: number | undefined;
  if (ci && Number.isFinite(ci.lower) && Number.isFinite(ci.upper) && ci.lower <= p50 && p50 <= ci.upper && ci.lower >= 0) {
    [fastMs, slowMs, level] = [ci.lower, ci.upper, ci.level];
  } else if ((b.runs ?? 0) >= 2 && Number.isFinite(b.min) && Number.isFinite(b.max) && (b.min as number) >= 0 && (b.min as number) <= p50 && p50 <= (b.max as number)) {
    [fastMs, slowMs] = [b.min as number, b.max as number];
  } else {
    return undefined;
  }
  const low = Math.max(MIN_ITEMS_PER_SECOND, Math.min(itemsPerSecond, (itemsPerSecond * p50) / slowMs));
  const high = fastMs > 0 ? Math.min(MAX_ITEMS_PER_SECOND, Math.max(itemsPerSecond, (itemsPerSecond * p50) / fastMs)) : MAX_ITEMS_PER_SECOND;
  return level === undefined ? { low, high } : { low, high, level };
}

function pointsOf(batches: readonly BenchBatchLike[], notes: string[]): DraftPoint[] {
  const out: DraftPoint[] = [];
  const seen = new Set<number>();
  for (const b of batches) {
    if (seen.has(b.batch) || !(Number.isInteger(b.batch) && b.batch >= 1)) continue;
    if (!(Number.isFinite(b.itemsPerSecond) && b.itemsPerSecond > 0) || !(Number.isFinite(b.p99) && b.p99 >= 0)) {
      notes.push(`batch ${b.batch}: no usable throughput or p99 measured; left out`);
      continue;
    }
    seen.add(b.batch);
    const p99 = Math.max(b.p99, MIN_P99_MS);
    if (p99 !== b.p99) notes.push(`batch ${b.batch}: p99 below the timer's resolution, taken as ${MIN_P99_MS} ms`);
    const itemsPerSecond = Math.min(b.itemsPerSecond, MAX_ITEMS_PER_SECOND);
    const interval = throughputInterval(b, itemsPerSecond);
    if (!interval && (b.medianCI !== undefined || b.runs !== undefined)) {
      notes.push(`batch ${b.batch}: no latency interval (too few runs, or a median below the timer's resolution): its costs have no range`);
    }
    out.push({ batchSize: b.batch, itemsPerSecond, p99Ms: p99, ...(interval ? { itemsPerSecondInterval: interval } : {}) });
  }
  return out.sort((a, b) => a.batchSize - b.batchSize);
}

const safeId = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/**
 * Candidates from bench runs: every finished cell with at least one usable batch size; for the same model and
 * backend (and thread count) the latest run wins. `recipes` names the variants (id → recipe name).
 */
export function candidatesFromRuns(runs: readonly BenchRunLike[], recipes: Readonly<Record<string, string>> = {}): BenchCandidate[] {
  const byKey = new Map<string, BenchCandidate>();
  const order = [...runs].sort((a, b) => a.startedAt - b.startedAt);
  for (const run of order) {
    for (const cell of run.cells) {
      const o = cell.outcome;
      if (cell.status !== 'done' || !o) continue;
      const threads = o.benchmark.runtime.threads ?? cell.threads;
      const notes: string[] = [];
      const points = pointsOf(o.benchmark.latency.batches, notes);
      if (points.length === 0) continue;
      const isOriginal = cell.targetId === 'original';
      const fallback = cell.backend === 'webgpu' && o.environment.webgpu?.isFallbackAdapter === true;
      const backend = backendLabel(cell.backend, threads, fallback);
      const recipe = isOriginal ? 'original (float)' : (recipes[cell.targetId] ?? cell.targetName);
      const key = `${cell.targetId}@${cell.backend}-${threads}`;
      const smallest = [...o.benchmark.latency.batches].filter((b) => points.some((p) => p.batchSize === b.batch)).sort((a, b) => a.batch - b.batch)[0] ?? null;
      if (fallback) notes.push('WebGPU ran on a software (fallback) adapter: its speed says nothing about a real GPU');
      byKey.set(key, {
        id: safeId(key),
        modelTargetId: cell.targetId,
        isOriginal,
        name: `${recipe} · ${backend}`,
        recipe,
        backend,
        quality: qualityOf(o.benchmark.after, isOriginal),
        modelSizeMB: Math.max(0, o.benchmark.memory.modelBytes) / 1e6,
        points,
        latency: smallest
          ? {
              batch: smallest.batch,
              p50: smallest.p50,
              p99: Math.max(smallest.p99, MIN_P99_MS),
              itemsPerSecond: smallest.itemsPerSecond,
              ...(smallest.medianCI ? { medianCI: { lower: smallest.medianCI.lower, upper: smallest.medianCI.upper, level: smallest.medianCI.level } } : {}),
            }
          : null,
        device: deviceOf(o.environment, cell.backend, threads),
        runId: run.id,
        notes,
      });
    }
  }
  return [...byKey.values()];
}

const BACKEND_RANK = (c: BenchCandidate) => (c.backend.startsWith('WASM') ? 0 : c.backend.startsWith('WebGPU') ? 1 : 2);

/** The baseline: the original model, on WASM with the fewest threads if it ran there, else its first backend. */
export function baselineOf(candidates: readonly BenchCandidate[]): BenchCandidate | undefined {
  const originals = candidates.filter((c) => c.isOriginal);
  return [...originals].sort((a, b) => BACKEND_RANK(a) - BACKEND_RANK(b) || a.device.cores - b.device.cores)[0];
}

/** Candidates as measured variants of the calculator's form (the Costs view's "use the benchmark"). */
export function candidatesAsDraftVariants(candidates: readonly BenchCandidate[], modelName: string): DraftVariant[] {
  return candidates.map((c) => ({
    id: c.id,
    name: c.name,
    accuracy: c.quality ? String(Number(c.quality.value.toFixed(4))) : '',
    modelSizeMB: String(Number(c.modelSizeMB.toPrecision(4))),
    source: 'measured',
    itemsPerSecond: '',
    p99Ms: '',
    batchSize: '',
    perTarget: {},
    note: '',
    measured: {
      device: { ...c.device },
      points: c.points.map((p) => ({ ...p, ...(p.itemsPerSecondInterval ? { itemsPerSecondInterval: { ...p.itemsPerSecondInterval } } : {}) })),
      origin: `benchmark of ${modelName} (run ${c.runId})` },
  }));
}
