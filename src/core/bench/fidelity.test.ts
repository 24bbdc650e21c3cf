import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fidelity } from './fidelity';

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
