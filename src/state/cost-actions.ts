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
import { exampleDraft, type TradeoffSettings } from './cost';
import { studio, type StudioState } from './store';

/** Actions of the cost calculator and the trade-off view: components call them, tests call them without rendering. */

const setDraft = (f: (d: CostDraft) => CostDraft) => studio.setState((s) => ({ costDraft: f(s.costDraft), costImportErrors: null }));

/** Top-level fields (traffic, SLO, prices...), as typed. */
export function patchDraft(patch: Partial<Omit<CostDraft, 'variants' | 'targets'>>): void {
  setDraft((d) => ({ ...d, ...patch }));
}

export function patchTarget(id: string, patch: Partial<Omit<DraftTarget, 'id'>>): void {
  setDraft((d) => ({ ...d, targets: d.targets.map((t) => (t.id === id ? { ...t, ...patch } : t)) }));
}

export function patchVariant(id: string, patch: Partial<Omit<DraftVariant, 'id'>>): void {
  setDraft((d) => ({ ...d, variants: d.variants.map((v) => (v.id === id ? { ...v, ...patch } : v)) }));
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
  }));
}

export function addVariant(): string {
  const id = freshId('v', studio.getState().costDraft.variants.map((v) => v.id));
  setDraft((d) => ({ ...d, variants: [...d.variants, newVariant(id, `Variant ${d.variants.length + 1}`)] }));
  return id;
}

export function removeVariant(id: string): void {
  setDraft((d) => ({ ...d, variants: d.variants.filter((v) => v.id !== id), baseline: d.baseline === id ? '' : d.baseline }));
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
  }));
}

export function loadExampleScenario(): void {
  studio.setState({ costDraft: exampleDraft(), costImportErrors: null });
}

export function startBlankScenario(): void {
  studio.setState({ costDraft: blankDraft(), costImportErrors: null });
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
  studio.setState({ costDraft: draftFromScenario(parsed.scenario), costImportErrors: null });
  return true;
}

/** Puts a model's benchmark results in the calculator as measured variants (replacing the variants there). */
export function applyBenchmarkToCalculator(modelId: string): number {
  const s = studio.getState();
  const candidates = selectCandidates(modelId)(s);
  if (candidates.length === 0) return 0;
  const model = s.models.find((m) => m.id === modelId);
  const variants = candidatesAsDraftVariants(candidates, model?.name ?? 'the model');
  const base = baselineOf(candidates);
  setDraft((d) => ({ ...d, variants, baseline: base?.id ?? '' }));
  return variants.length;
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

/** The trade-off of a model's benchmark results, costed on the chosen calculator target. */
export const selectTradeoff = (modelId: string) => (s: StudioState): TradeoffResult => {
  let f = tradeoffMemo.get(modelId);
  if (!f) {
    f = memoOne((d: CostDraft, c: BenchCandidate[], targetId: string | null, x: XMetric) => evaluateTradeoff(d, c, { targetId, x }));
    tradeoffMemo.set(modelId, f);
  }
  return f(s.costDraft, selectCandidates(modelId)(s), s.tradeoff.targetId, s.tradeoff.x);
};
