/**
 * The trade-off view: every benchmarked candidate (bench-candidates.ts) costed on one target of the calculator's
 * scenario, laid out as accuracy against cost (or latency, size, energy) with the Pareto frontier and the cheapest
 * variant that meets the accuracy floor.
 *
 * Pure: no DOM, no React, no store.
 */
import { baselineOf, type BenchBatchLike, type BenchCandidate, type Quality } from './bench-candidates';
import type { CostDraft } from './draft';
import { draftToInput, evaluateInput } from './draft-evaluation';
import { paretoFrontier } from './pareto';
import type { FieldError } from './scenario';
import type { CellRange, FeasibleCell, Savings, TargetSummary, TcoResult } from './tco';
import { dict } from '../own';

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
  /** Low–high of the throughput, instances and costs from the benchmark's latency interval; null when infeasible. */
  range: CellRange | null;
  /** Against the baseline; `savings.difference.measurable` false: within the benchmarks' noise, no saving to quote. */
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
  const relevant: Record<string, string> = dict();
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
    const fieldErrors: Record<string, string> = dict();
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
      range: f?.range ?? null,
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
