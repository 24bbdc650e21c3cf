import {
  blankDraft,
  freshId,
  newTarget,
  newVariant,
  type CostDraft,
  type DraftTarget,
  type DraftVariant,
  type TargetKind,
} from '../core/cost/draft';
import { draftToInput, evaluateDraft, type DraftEvaluation } from '../core/cost/draft-evaluation';
import { draftFromScenario } from '../core/cost/draft-from-scenario';
import { baselineOf, candidatesAsDraftVariants, candidatesFromRuns, type BenchCandidate } from '../core/cost/bench-candidates';
import { evaluateTradeoff, type TradeoffResult, type XMetric } from '../core/cost/tradeoff';
import { parseScenario } from '../core/cost/scenario';
import { compareModels, type ModelBench, type ModelComparison } from '../core/cost/compare';
import { compareScenarios, type ScenarioComparison } from '../core/cost/scenario-compare';
import { exampleDraft, type TradeoffSettings } from './cost';
import { studio, type StudioState } from './store';

/** Actions of the cost calculator and the trade-off view: components call them, tests call them without rendering. */

/**
 * Every edit goes through here: the active scenario's draft changes in `costDraft` and in `scenarios`. `follows`
 * sets whether its variants keep following the benchmark (edits of the variants stop that).
 */
const setDraft = (f: (d: CostDraft) => CostDraft, follows?: boolean) =>
  studio.setState((s) => {
    const costDraft = f(s.costDraft);
    return {
      costDraft,
      scenarios: s.scenarios.map((x) => (x.id === s.activeScenarioId ? { ...x, draft: costDraft, followsBenchmark: follows ?? x.followsBenchmark } : x)),
      costImportErrors: null,
    };
  });

/** Top-level fields (traffic, SLO, prices...), as typed. */
export function patchDraft(patch: Partial<Omit<CostDraft, 'variants' | 'targets'>>): void {
  setDraft((d) => ({ ...d, ...patch }));
}

export function patchTarget(id: string, patch: Partial<Omit<DraftTarget, 'id'>>): void {
  setDraft((d) => ({ ...d, targets: d.targets.map((t) => (t.id === id ? { ...t, ...patch } : t)) }));
}

export function patchVariant(id: string, patch: Partial<Omit<DraftVariant, 'id'>>): void {
  setDraft((d) => ({ ...d, variants: d.variants.map((v) => (v.id === id ? { ...v, ...patch } : v)) }), false);
}

/** Typed throughput of a variant on one target ('' = the variant's own figure). */
export function setPerTargetThroughput(variantId: string, targetId: string, itemsPerSecond: string): void {
  setDraft((d) => ({
    ...d,
    variants: d.variants.map((v) => {
      if (v.id !== variantId) return v;
      const prev = v.perTarget[targetId] ?? { itemsPerSecond: '', p99Ms: '', batchSize: '' };
      return { ...v, perTarget: { ...v.perTarget, [targetId]: { ...prev, itemsPerSecond } } };
    }),
  }), false);
}

export function addVariant(): string {
  const id = freshId('v', studio.getState().costDraft.variants.map((v) => v.id));
  setDraft((d) => ({ ...d, variants: [...d.variants, newVariant(id, `Variant ${d.variants.length + 1}`)] }), false);
  return id;
}

export function removeVariant(id: string): void {
  setDraft((d) => ({ ...d, variants: d.variants.filter((v) => v.id !== id), baseline: d.baseline === id ? '' : d.baseline }), false);
}

export function addTarget(kind: TargetKind): string {
  const id = freshId('t', studio.getState().costDraft.targets.map((t) => t.id));
  setDraft((d) => ({ ...d, targets: [...d.targets, newTarget(id, kind)] }));
  return id;
}

export function removeTarget(id: string): void {
  setDraft((d) => ({
    ...d,
    targets: d.targets.filter((t) => t.id !== id),
    variants: d.variants.map((v) => {
      if (!(id in v.perTarget)) return v;
      const perTarget = { ...v.perTarget };
      delete perTarget[id];
      return { ...v, perTarget };
    }),
  }));
  studio.setState((s) => (s.tradeoff.targetId === id ? { tradeoff: { ...s.tradeoff, targetId: null } } : {}));
}

export function setBaseline(id: string): void {
  setDraft((d) => ({ ...d, baseline: id }));
}

/** A measured variant becomes typed, starting from its best measured point (the user then edits the figures). */
export function variantToTyped(id: string): void {
  setDraft((d) => ({
    ...d,
    variants: d.variants.map((v) => {
      if (v.id !== id || !v.measured) return v;
      const best = [...v.measured.points].sort((a, b) => b.itemsPerSecond - a.itemsPerSecond)[0];
      const g = (x: number) => String(Number(x.toPrecision(4)));
      return {
        ...v,
        source: 'typed',
        itemsPerSecond: best ? g(best.itemsPerSecond) : '',
        p99Ms: best ? g(best.p99Ms) : '',
        batchSize: best ? String(best.batchSize) : '',
        note: `from the ${v.measured.origin} on ${v.measured.device.name}: edit for the target`,
        measured: null,
      };
    }),
  }), false);
}

/** The built-in example's figures in the active scenario (its variants stop following the benchmark). */
export function loadExampleScenario(): void {
  setDraft(() => exampleDraft(), false);
}

export function startBlankScenario(): void {
  setDraft(() => blankDraft(), false);
}

/** The scenario file for the current form (what `pareto tco` reads). */
export function scenarioJson(): string {
  return `${JSON.stringify(draftToInput(studio.getState().costDraft).input, null, 2)}\n`;
}

/** Loads a scenario file into the form; a bad file leaves the form as it was and its problems are listed. */
export function importScenarioText(file: string, text: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    studio.setState({ costImportErrors: { file, errors: [{ path: '', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` }] } });
    return false;
  }
  const parsed = parseScenario(json);
  if (!parsed.ok) {
    studio.setState({ costImportErrors: { file, errors: parsed.errors } });
    return false;
  }
  setDraft(() => draftFromScenario(parsed.scenario), false);
  return true;
}

/**
 * Puts the workspace's benchmark results (the model's, and those of every model compared with it) in the active
 * scenario as measured variants, replacing the variants there; they follow later benchmarks from then on.
 */
export function applyBenchmarkToCalculator(modelId: string): number {
  const s = studio.getState();
  const cmp = selectComparison(modelId)(s);
  if (cmp.candidates.length === 0) return 0;
  const variants = candidatesAsDraftVariants(cmp.candidates, cmp.models.join(', '));
  const base = baselineOf(cmp.candidates);
  setDraft((d) => ({ ...d, variants, baseline: base?.id ?? '' }), true);
  return variants.length;
}

/**
 * After a benchmark: every scenario whose variants follow the benchmark takes the new figures (the active model's
 * results and those compared with it), so Costs and Trade-off cost the same measured figures. Returns how many
 * scenarios changed.
 */
export function syncScenariosWithBenchmark(): number {
  const s = studio.getState();
  const primary = s.activeModelId ?? s.models[0]?.id;
  if (!primary) return 0;
  const cmp = selectComparison(primary)(s);
  if (cmp.candidates.length === 0) return 0;
  const variants = candidatesAsDraftVariants(cmp.candidates, cmp.models.join(', '));
  const baseline = baselineOf(cmp.candidates)?.id ?? '';
  let changed = 0;
  const scenarios = s.scenarios.map((x) => {
    if (!x.followsBenchmark) return x;
    changed++;
    return { ...x, draft: { ...x.draft, variants: variants.map((v) => ({ ...v })), baseline } };
  });
  if (changed) studio.setState({ scenarios, costDraft: scenarios.find((x) => x.id === s.activeScenarioId)?.draft ?? s.costDraft });
  return changed;
}

/** Which scenario and which figures Costs and Trade-off use now, in words. */
export interface ScenarioInUse {
  id: string;
  name: string;
  index: number;
  count: number;
  followsBenchmark: boolean;
  /** Where the variants' figures come from. */
  figures: string;
  traffic: string;
}

/** Memoised on its inputs: React re-renders only when the answer can change. */
export const selectScenarioInUse = (s: StudioState): ScenarioInUse => inUseMemo(s.costDraft, s.scenarios, s.activeScenarioId, s.benchRuns.length === 0);

const inUseMemo = memoOne((d: CostDraft, scenarios: StudioState['scenarios'], activeScenarioId: string, noRuns: boolean): ScenarioInUse => {
  const index = Math.max(0, scenarios.findIndex((x) => x.id === activeScenarioId));
  const active = scenarios[index];
  const measured = d.variants.filter((v) => v.source === 'measured' && v.measured);
  const origins = [...new Set(measured.map((v) => v.measured!.origin))];
  const figures =
    measured.length === 0
      ? `typed figures (${d.variants.length} variant${d.variants.length === 1 ? '' : 's'}${noRuns ? ', no benchmark yet' : ''})`
      : `measured by the ${origins.join('; ')}${measured.length < d.variants.length ? ` and ${d.variants.length - measured.length} typed` : ''}`;
  const v = (x: string) => x.trim() || '?';
  return {
    id: active?.id ?? activeScenarioId,
    name: d.name.trim() || `Scenario ${index + 1}`,
    index,
    count: scenarios.length,
    followsBenchmark: active?.followsBenchmark ?? false,
    figures,
    traffic: `${v(d.averageRps)} requests/s on average, ${v(d.peakRps)} at peak, p99 SLO ${v(d.sloP99Ms)} ms`,
  };
});

// ---------------------------------------------------------------------------------------------------------------
// Named scenarios, side by side.

/** A new scenario, a copy of the active one (its name says so), made active. */
export function addScenario(): string {
  const s = studio.getState();
  const id = freshId('s', s.scenarios.map((x) => x.id));
  const active = s.scenarios.find((x) => x.id === s.activeScenarioId);
  const draft: CostDraft = { ...structuredClone(s.costDraft), name: `${s.costDraft.name.trim() || 'Scenario'} (copy)` };
  studio.setState({
    scenarios: [...s.scenarios, { id, draft, followsBenchmark: active?.followsBenchmark ?? false }],
    activeScenarioId: id,
    costDraft: draft,
    costImportErrors: null,
  });
  return id;
}

export function selectScenario(id: string): void {
  const x = studio.getState().scenarios.find((sc) => sc.id === id);
  if (x) studio.setState({ activeScenarioId: id, costDraft: x.draft, costImportErrors: null });
}

/** Removes a scenario (never the last one). */
export function removeScenario(id: string): void {
  const s = studio.getState();
  if (s.scenarios.length < 2) return;
  const scenarios = s.scenarios.filter((x) => x.id !== id);
  const active = s.activeScenarioId === id ? scenarios[0] : scenarios.find((x) => x.id === s.activeScenarioId)!;
  studio.setState({ scenarios, activeScenarioId: active.id, costDraft: active.draft });
}

export function setTradeoff(patch: Partial<TradeoffSettings>): void {
  studio.setState((s) => ({ tradeoff: { ...s.tradeoff, ...patch } }));
}


export function selectTradeoffPoint(id: string | null): void {
  setTradeoff({ selected: id });
}

// ---------------------------------------------------------------------------------------------------------------
// Derived state, memoised on the inputs' identities (so selectors return the same object until an input changes).

function memoOne<A extends readonly unknown[], R>(f: (...args: A) => R): (...args: A) => R {
  let last: { args: A; value: R } | null = null;
  return (...args: A) => {
    if (last && last.args.length === args.length && last.args.every((a, i) => Object.is(a, args[i]))) return last.value;
    const value = f(...args);
    last = { args, value };
    return value;
  };
}

const evaluateMemo = memoOne((d: CostDraft) => evaluateDraft(d));

/** The calculator's result (or its field errors) for the form as typed. */
export const selectCostEvaluation = (s: StudioState): DraftEvaluation => evaluateMemo(s.costDraft);

const compareMemo = memoOne((scenarios: StudioState['scenarios']) => compareScenarios(scenarios));

/** Every named scenario side by side (the chosen variant per target, its cost and where its throughput comes from). */
export const selectScenarioComparison = (s: StudioState): ScenarioComparison => compareMemo(s.scenarios);

const comparisonMemo = new Map<string, (models: StudioState['models'], runs: StudioState['benchRuns'], variants: StudioState['variants'], on: boolean) => ModelComparison>();

/**
 * The candidates of a model and of every other opened model benchmarked on the same data (when the trade-off compares
 * models), labelled model · variant, with what is left out and why.
 */
export const selectComparison = (modelId: string) => (s: StudioState): ModelComparison => {
  let f = comparisonMemo.get(modelId);
  if (!f) {
    f = memoOne((models: StudioState['models'], runs: StudioState['benchRuns'], variants: StudioState['variants'], on: boolean) => {
      const benches: ModelBench[] = models
        .filter((m) => on || m.id === modelId)
        .map((m) => {
          const own = runs.filter((r) => r.modelId === m.id);
          const lastData = [...own].reverse().find((r) => r.cells.some((c) => c.status === 'done'))?.settings.dataName ?? null;
          return {
            modelId: m.id,
            modelName: m.name,
            inputs: m.summary.inputs,
            outputs: m.summary.outputs,
            dataName: lastData,
            candidates: candidatesFromRuns(own, Object.fromEntries(variants.filter((v) => v.modelId === m.id).map((v) => [v.id, v.name]))),
          };
        });
      return compareModels(modelId, benches);
    });
    comparisonMemo.set(modelId, f);
  }
  return f(s.models, s.benchRuns, s.variants, s.tradeoff.compareModels);
};

const candidatesMemo = new Map<string, (runs: StudioState['benchRuns'], variants: StudioState['variants']) => BenchCandidate[]>();

/** A model's benchmarked (model × backend) pairs, the latest run of each. */
export const selectCandidates = (modelId: string) => (s: StudioState): BenchCandidate[] => {
  let f = candidatesMemo.get(modelId);
  if (!f) {
    f = memoOne((runs: StudioState['benchRuns'], variants: StudioState['variants']) =>
      candidatesFromRuns(
        runs.filter((r) => r.modelId === modelId),
        Object.fromEntries(variants.filter((v) => v.modelId === modelId).map((v) => [v.id, v.name])),
      ),
    );
    candidatesMemo.set(modelId, f);
  }
  return f(s.benchRuns, s.variants);
};

const tradeoffMemo = new Map<string, (d: CostDraft, c: BenchCandidate[], targetId: string | null, x: XMetric) => TradeoffResult>();

/**
 * The trade-off of a model's benchmark results (and of the models compared with it), costed with the workspace's
 * scenario on the chosen target.
 */
export const selectTradeoff = (modelId: string) => (s: StudioState): TradeoffResult => {
  let f = tradeoffMemo.get(modelId);
  if (!f) {
    f = memoOne((d: CostDraft, c: BenchCandidate[], targetId: string | null, x: XMetric) => evaluateTradeoff(d, c, { targetId, x }));
    tradeoffMemo.set(modelId, f);
  }
  return f(s.costDraft, selectComparison(modelId)(s).candidates, s.tradeoff.targetId, s.tradeoff.x);
};
