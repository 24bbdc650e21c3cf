/**
 * Which trade-off points are degraded variants: a benchmarked variant whose optimize job judged its fidelity below the
 * stated thresholds (core/bench/verdict.ts) carries that verdict into the trade-off's chart, legend and table, as the
 * variants list shows it.
 */
import type { BenchCandidate } from '../core/cost/bench-candidates';
import type { Verdict } from '../core/bench/verdict';
import { selectCandidates } from './cost-actions';
import type { StudioState } from './store';

/** By trade-off point id (= bench candidate id): the variant's verdict, for degraded variants only. */
export type DegradedPoints = Readonly<Record<string, Verdict>>;

const memo = new Map<string, { c: BenchCandidate[]; v: StudioState['variants']; out: DegradedPoints }>();

export function degradedPoints(candidates: readonly BenchCandidate[], variants: StudioState['variants']): DegradedPoints {
  const out: Record<string, Verdict> = {};
  for (const c of candidates) {
    if (c.isOriginal) continue;
    const verdict = variants.find((v) => v.id === c.modelTargetId)?.metrics?.verdict;
    if (verdict?.degraded) out[c.id] = verdict;
  }
  return out;
}

export const selectDegradedPoints = (modelId: string) => (s: StudioState): DegradedPoints => {
  const c = selectCandidates(modelId)(s);
  const last = memo.get(modelId);
  if (last && last.c === c && last.v === s.variants) return last.out;
  const out = degradedPoints(c, s.variants);
  memo.set(modelId, { c, v: s.variants, out });
  return out;
};
