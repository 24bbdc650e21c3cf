import { describe, expect, it } from 'vitest';
import type { BenchCandidate } from '../core/cost/bench-candidates';
import { judgeFidelity } from '../core/bench/verdict';
import { degradedPoints } from './degraded';
import type { Variant } from './variants';

// Candidates as the trade-off gets them (id = `<variant id>@<backend>-<threads>`), variants with the verdicts their
// optimize jobs gave (core's judge on per-output fidelity).
const candidate = (modelTargetId: string, backend: string): BenchCandidate =>
  ({ id: `${modelTargetId}_${backend}-1`, modelTargetId, isOriginal: modelTargetId === 'original' }) as BenchCandidate;
const fidelity = (cosine: number) => ({ out: { kind: 'dense', cosine, relativeL2: 0.1, snrDb: 20, top1Agreement: NaN, top5Agreement: NaN, klDivergence: NaN, maxAbsError: 1, rows: 16 } });
const variant = (id: string, cosine: number | null): Variant =>
  ({ id, modelId: 'm', name: id, status: 'done', metrics: { verdict: cosine === null ? null : judgeFidelity(fidelity(cosine) as never) } }) as unknown as Variant;

describe('degraded trade-off points', () => {
  it('marks every backend of a degraded variant, never the original, a healthy or an unjudged variant', () => {
    const cands = ['original', 'v1', 'v2', 'v3'].flatMap((t) => [candidate(t, 'wasm'), candidate(t, 'webgpu')]);
    const out = degradedPoints(cands, [variant('v1', 0.42), variant('v2', 0.9995), variant('v3', null)]);
    expect(Object.keys(out).sort()).toEqual(['v1_wasm-1', 'v1_webgpu-1']);
    expect(out['v1_wasm-1'].reasons.join(' ')).toMatch(/cosine 0\.4200 < 0\.99/);
  });
});
