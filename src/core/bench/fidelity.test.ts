import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fidelity, outputKind } from './fidelity';
import { judgeFidelity } from './verdict';

describe('fidelity', () => {
  it('is perfect for identical outputs', () => {
    const a = [0.1, 0.7, 0.2, 0.5, 0.4, 0.1];
    const f = fidelity(a, a, 2);
    expect(f.relativeL2).toBe(0);
    expect(f.cosine).toBeCloseTo(1, 12);
    expect(f.snrDb).toBe(Infinity);
    expect(f.top1Agreement).toBe(1);
  });

  it('matches hand-computed figures', () => {
    // rows: [3,4] vs [3,0] and [1,0] vs [0,1]
    const f = fidelity([3, 4, 1, 0], [3, 0, 0, 1], 2);
    // err^2 = 16 + 1 + 1 = 18, sig^2 = 9 + 16 + 1 = 26
    expect(f.relativeL2).toBeCloseTo(Math.sqrt(18 / 26), 12);
    expect(f.snrDb).toBeCloseTo(10 * Math.log10(26 / 18), 12);
    expect(f.cosine).toBeCloseTo((9 / (5 * 3) + 0) / 2, 12);
    expect(f.top1Agreement).toBe(0); // argmax 1 vs 0, then 0 vs 1
    expect(f.maxAbsError).toBe(4);
  });

  it('relative error scales with the size of a perturbation', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 4, maxLength: 64 }), fc.float({ min: Math.fround(0.001), max: Math.fround(0.1), noNaN: true }), (xs, eps) => {
        fc.pre(xs.some((x) => Math.abs(x) > 1e-3));
        const ys = xs.map((x) => x * (1 + eps));
        expect(fidelity(xs, ys).relativeL2).toBeCloseTo(eps, 4);
      }),
    );
  });
});

describe('output kinds, top-5 and KL divergence', () => {
  it('probability rows are class scores; logits named like them too; other rows are dense', () => {
    expect(outputKind('out', [0.2, 0.8, 0.5, 0.5], 2)).toBe('class-scores');
    expect(outputKind('logits', [3, -1, 0.5, 2], 2)).toBe('class-scores');
    expect(outputKind('embedding', [3, -1, 0.5, 2], 2)).toBe('dense');
    expect(outputKind('probabilities', [0.3], 1)).toBe('dense'); // one value per item: nothing to rank
  });

  it('top-5 agreement: the original top class among the variant five highest; KL(p ‖ q) on softmax of logits', () => {
    // 6 classes, 2 rows. Row 0: same top class. Row 1: original top class (index 0) ranks 6th in the variant.
    const ref = [5, 1, 0, 0, 0, 0, 9, 1, 2, 3, 4, 5];
    const cand = [5, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5];
    const f = fidelity(ref, cand, 2, 'logits');
    expect(f.kind).toBe('class-scores');
    expect(f.top1Agreement).toBe(0.5);
    expect(f.top5Agreement).toBe(0.5);
    // KL of row 0 is 0; of row 1, computed here independently
    const softmax = (v: number[]) => {
      const m = Math.max(...v);
      const e = v.map((x) => Math.exp(x - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / s);
    };
    const p = softmax(ref.slice(6)), q = softmax(cand.slice(6));
    const kl1 = p.reduce((a, pi, j) => a + pi * Math.log(pi / q[j]), 0);
    expect(f.klDivergence).toBeCloseTo(kl1 / 2, 10);
  });

  it('dense outputs have no top-5 or KL figure', () => {
    const f = fidelity([1, 2, 3, 4], [1, 2, 3, 4.5], 1, 'mask');
    expect(f.kind).toBe('dense');
    expect(f.top5Agreement).toBeNaN();
    expect(f.klDivergence).toBeNaN();
  });

  it('one value per row ([N, 1], a voice probability): cosine over the column, not the mean of one-value rows (always 1)', () => {
    // Same signs everywhere, so every one-value row's cosine is 1; the column's direction changed a lot.
    const ref = [0.9, 0.1, 0.05, 0.8], cand = [0.1, 0.9, 0.8, 0.05];
    const f = fidelity(ref, cand, 4, 'output');
    const dot = ref.reduce((a, r, i) => a + r * cand[i], 0);
    const norm = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));
    expect(f.cosine).toBeCloseTo(dot / (norm(ref) * norm(cand)), 12);
    expect(f.cosine).toBeLessThan(0.3);
    expect(fidelity(ref, ref, 4, 'output').cosine).toBe(1);
  });
});

describe('degraded verdict', () => {
  it('flags class scores below 99% top-1 agreement and dense outputs below cosine 0.99, with the reason', () => {
    const classes = fidelity([0.9, 0.1, 0.2, 0.8], [0.1, 0.9, 0.2, 0.8], 2, 'probabilities');
    const dense = fidelity([1, 0, 0, 1], [0, 1, 0, 1], 1, 'mask');
    const v = judgeFidelity({ probabilities: classes, mask: dense });
    expect(v.degraded).toBe(true);
    expect(v.reasons).toEqual(['output "probabilities": top-1 agreement 50.0% < 99.0% (2 items)', 'output "mask": cosine 0.5000 < 0.99 (1 item)']);
    expect(judgeFidelity({ mask: fidelity([1, 2, 3], [1, 2, 3.0001], 1, 'mask') }).degraded).toBe(false);
    expect(judgeFidelity({ out: fidelity([1, 2], [NaN, 2], 1, 'out') }).reasons[0]).toContain('not finite');
  });
});
