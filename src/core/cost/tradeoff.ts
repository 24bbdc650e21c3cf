/**
 * From the Benchmark view's results to the cost model: each benchmarked (model × backend) becomes a measured
 * variant (items/s and p99 per batch size, on the device that measured it), and the trade-off view costs them all
 * on one target of the calculator's scenario, then lays them out as accuracy against cost (or latency, size,
 * energy) with the Pareto frontier and the cheapest variant that meets the accuracy floor.
 *
 * Pure: the benchmark results come in as plain data (structurally the app's bench runs).
 */
import type { AccuracyResult } from '../bench/accuracy';
import type { DraftPoint, CostDraft, DraftVariant } from './draft';
import { draftToInput, evaluateInput } from './draft-evaluation';
import { paretoFrontier } from './pareto';
import type { DeviceClass, FieldError } from './scenario';
import type { FeasibleCell, Savings, TargetSummary, TcoResult } from './tco';

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
  device: { name: string; class: DeviceClass; cores: number };
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
  };
}

const pct = (x: number) => x * 100;

/** The y value of a cell: accuracy when there were labels, else fidelity to the original; null when neither fits a percent. */
export function qualityOf(after: AccuracyResult | null, isOriginal: boolean): Quality | null {
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
    out.push({ batchSize: b.batch, itemsPerSecond: Math.min(b.itemsPerSecond, 1e9), p99Ms: p99 });
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
        latency: smallest ? { batch: smallest.batch, p50: smallest.p50, p99: Math.max(smallest.p99, MIN_P99_MS), itemsPerSecond: smallest.itemsPerSecond } : null,
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
    measured: { device: { ...c.device }, points: c.points.map((p) => ({ ...p })), origin: `benchmark of ${modelName} (run ${c.runId})` },
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// The trade-off: every candidate costed on one target.

export type XMetric = 'cost' | 'p50' | 'p99' | 'size' | 'energy';

export const X_METRICS: Record<XMetric, { label: string; unit: string }> = {
  cost: { label: 'Cost per 1M inferences', unit: 'USD' },
  p50: { label: 'p50 latency', unit: 'ms' },
  p99: { label: 'p99 latency', unit: 'ms' },
  size: { label: 'Model size', unit: 'MB' },
  energy: { label: 'Energy per inference', unit: 'J' },
};

export interface TradeoffPoint {
  id: string;
  name: string;
  recipe: string;
  backend: string;
  isBaseline: boolean;
  /** On the chosen x metric; null when it has no value here (cost or energy of an infeasible cell). */
  x: number | null;
  y: number;
  quality: Quality;
  onFrontier: boolean;
  /** Has an x and some other point is at least as good on both axes and better on one. */
  dominated: boolean;
  /** y ≥ the floor; null without a floor. */
  meetsFloor: boolean | null;
  isCheapest: boolean;
  feasible: boolean;
  /** Why there is no cost (infeasible on the target). */
  reason: string | null;
  costPer1M: number | null;
  monthly: number | null;
  savings: Savings | null;
  instances: number | null;
  /** Joules per inference on the target (energy of the instances ÷ inferences). */
  energyJ: number | null;
  sizeMB: number;
  /** At the smallest batch measured, on the measuring device. */
  latency: BenchBatchLike | null;
  /** Per instance on the target, after scaling and the SLO; null when infeasible. */
  itemsPerSecond: number | null;
  batchSize: number | null;
  /** Where the throughput comes from (device, scaling, derivation). */
  throughputLabel: string;
  estimate: boolean;
  notes: string[];
}

export type TradeoffResult =
  | { status: 'empty'; message: string }
  | {
      status: 'invalid';
      /** Keyed by the calculator's paths (`targets.<i>.scale.factor`, `traffic.peakRps`). */
      errors: FieldError[];
      fieldErrors: Record<string, string>;
      targetIndex: number;
    }
  | {
      status: 'ok';
      x: XMetric;
      xLabel: string;
      xUnit: string;
      yKind: 'accuracy' | 'fidelity';
      yLabel: string;
      targetIndex: number;
      target: TargetSummary;
      points: TradeoffPoint[];
      /** Ids on the frontier of the chosen x metric, lowest x first. */
      frontier: string[];
      baselineId: string;
      /** Accuracy floor (percent); null without one. */
      floor: number | null;
      floorPoints: number | null;
      /** The cheapest (cost per 1M on the target) at or above the floor; null without a floor or when none meets it. */
      cheapest: TradeoffPoint | null;
      /** Candidates left out, and why. */
      notes: string[];
      warnings: string[];
      result: TcoResult;
    };

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const remapTarget = (path: string, ti: number) => path.replace(/^targets\.0(?=\.|$)/, `targets.${ti}`);

/**
 * Costs every candidate on the calculator's target `targetId` (default: the first), with the calculator's traffic,
 * SLO, utilisation and prices, and the accuracy floor of the form (points below the baseline).
 */
export function evaluateTradeoff(
  draft: CostDraft,
  all: readonly BenchCandidate[],
  opts: { targetId: string | null; x: XMetric },
): TradeoffResult {
  if (all.length === 0) return { status: 'empty', message: 'No benchmark results yet: run a benchmark in the Benchmark view first.' };
  const notes: string[] = [];
  const hasAccuracy = all.some((c) => c.quality?.kind === 'accuracy');
  const yKind: 'accuracy' | 'fidelity' = hasAccuracy ? 'accuracy' : 'fidelity';
  const candidates = all.filter((c) => {
    if (c.quality?.kind === yKind) return true;
    notes.push(
      c.quality
        ? `${c.name}: left out: it has ${c.quality.kind} (${c.quality.label}) while the others have ${yKind}; benchmark it with the same data`
        : `${c.name}: left out: its quality is not a percentage (no labels, or a regression output)`,
    );
    return false;
  });
  if (candidates.length === 0) return { status: 'empty', message: `No benchmark result has ${yKind}. ${notes.join('. ')}` };
  if (draft.targets.length === 0) {
    const message = 'the calculator has no target: add a cloud instance, owned hardware or edge under Costs';
    return { status: 'invalid', errors: [{ path: 'targets', message }], fieldErrors: { targets: message }, targetIndex: 0 };
  }
  const ti = Math.max(0, draft.targets.findIndex((t) => t.id === opts.targetId));
  const base = baselineOf(candidates) ?? candidates[0];
  if (!base.isOriginal) notes.push(`The original model has no benchmark with ${yKind}: ${base.name} is the baseline instead`);

  const { input, local } = draftToInput(draft);
  const relevant: Record<string, string> = {};
  for (const [path, message] of Object.entries(local)) {
    if (path.startsWith('variants.')) continue;
    const m = path.match(/^targets\.(\d+)(\.|$)/);
    if (m && Number(m[1]) !== ti) continue;
    relevant[path.replace(/^targets\.\d+/, 'targets.0')] = message;
  }
  const floorPoints = typeof (input.accuracyFloor as { maxDropPoints?: unknown } | undefined)?.maxDropPoints === 'number'
    ? ((input.accuracyFloor as { maxDropPoints: number }).maxDropPoints)
    : null;
  const scenarioInput: Record<string, unknown> = {
    ...input,
    baseline: base.id,
    variants: candidates.map((c) => ({
      id: c.id,
      name: c.name,
      accuracy: Math.min(100, Math.max(0, (c.quality as Quality).value)),
      modelSizeMB: c.modelSizeMB,
      throughput: { source: 'measured', device: { ...c.device }, points: c.points.map((p) => ({ ...p })) },
    })),
    targets: [(input.targets as unknown[])[ti]],
  };
  if (floorPoints === null) delete scenarioInput.accuracyFloor;
  const ev = evaluateInput(scenarioInput, relevant);
  if (!ev.ok) {
    const errors = ev.errors.map((e) => ({ path: remapTarget(e.path, ti), message: e.message }));
    const fieldErrors: Record<string, string> = {};
    for (const e of errors) fieldErrors[e.path] = e.message;
    return { status: 'invalid', errors, fieldErrors, targetIndex: ti };
  }
  const result = ev.result;
  const monthlyInferences = result.traffic.monthlyInferences;
  const fr = result.frontiers[0];
  const floor = fr?.cheapestMeetingFloor?.floor ?? null;
  const cheapestId = fr?.cheapestMeetingFloor?.variantId ?? null;

  const points: TradeoffPoint[] = candidates.map((c, k) => {
    const vr = result.variants[k];
    const cell = vr.cells[0];
    const feasible = cell.feasible;
    const f = feasible ? (cell as FeasibleCell) : null;
    const energyJ = f && monthlyInferences > 0 ? (f.energy.kWhPerMonth * 3.6e6) / monthlyInferences : null;
    const q = c.quality as Quality;
    const x =
      opts.x === 'cost' ? (f?.costPer1M ?? null)
      : opts.x === 'energy' ? energyJ
      : opts.x === 'size' ? c.modelSizeMB
      : opts.x === 'p50' ? (c.latency?.p50 ?? null)
      : (c.latency?.p99 ?? null);
    return {
      id: c.id,
      name: c.name,
      recipe: c.recipe,
      backend: c.backend,
      isBaseline: c.id === base.id,
      x: x !== null && Number.isFinite(x) ? x : null,
      y: q.value,
      quality: q,
      onFrontier: false,
      dominated: false,
      meetsFloor: floor === null ? null : q.value >= floor,
      isCheapest: c.id === cheapestId,
      feasible,
      reason: feasible ? null : (cell as { reason: string }).reason,
      costPer1M: f?.costPer1M ?? null,
      monthly: f?.monthly.total ?? null,
      savings: f?.savings ?? null,
      instances: f?.instances?.total ?? null,
      energyJ,
      sizeMB: c.modelSizeMB,
      latency: c.latency,
      itemsPerSecond: f?.throughput.itemsPerSecond ?? null,
      batchSize: f?.throughput.batchSize ?? null,
      throughputLabel: cell.throughput.label,
      estimate: cell.throughput.estimate,
      notes: [...c.notes],
    };
  });
  const withX = points.filter((p) => p.x !== null);
  const frontier = paretoFrontier(withX.map((p) => ({ id: p.id, cost: p.x as number, accuracy: p.y }))).map((p) => p.id);
  for (const p of points) {
    p.onFrontier = frontier.includes(p.id);
    p.dominated = p.x !== null && !p.onFrontier;
  }
  for (const p of points) if (p.x === null) notes.push(`${p.name}: not on the chart for this axis${p.reason ? `: ${p.reason}` : ''}`);
  // The per-cell "this is a device measurement, scaled" warnings say the same for every point: said once here.
  const crossDevice = /^Throughput of ".*" on .* is an? (device|laptop|desktop|phone|server|cloud instance) measurement/;
  const cellWarnings = result.variants.flatMap((v) => v.cells[0].warnings);
  const estimates = points.filter((p) => p.estimate).length;
  const warnings = [
    ...(estimates
      ? [`${estimates === points.length ? 'Every' : `${estimates} of ${points.length}`} throughput figure${estimates === 1 ? ' is' : 's are'} an estimate: measured on this machine and scaled to ${result.targets[0].name} as shown, not measured on it.`]
      : []),
    ...new Set([...result.warnings, ...cellWarnings.filter((w) => !crossDevice.test(w))]),
  ];
  const smallest = [...new Set(candidates.map((c) => c.latency?.batch).filter((b) => b !== undefined))];
  const meta = X_METRICS[opts.x];
  const xLabel =
    opts.x === 'p50' || opts.x === 'p99'
      ? `${meta.label} at batch ${smallest.length === 1 ? smallest[0] : 'smallest measured'} (ms, on this machine)`
      : opts.x === 'cost'
        ? `Cost per 1M inferences on ${result.targets[0].name} (USD)`
        : opts.x === 'energy'
          ? `Energy per inference on ${result.targets[0].name} (J)`
          : `${meta.label} (MB)`;
  return {
    status: 'ok',
    x: opts.x,
    xLabel,
    xUnit: meta.unit,
    yKind,
    yLabel: yKind === 'accuracy' ? `${capitalize(candidates[0].quality?.label ?? 'accuracy')} (%)` : `Fidelity: ${candidates.find((c) => !c.isOriginal)?.quality?.label ?? 'agreement with the original'} (%)`,
    targetIndex: ti,
    target: result.targets[0],
    points,
    frontier,
    baselineId: base.id,
    floor,
    floorPoints,
    cheapest: points.find((p) => p.isCheapest) ?? null,
    notes,
    warnings,
    result,
  };
}
