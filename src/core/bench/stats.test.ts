import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import {
  bootstrapCI,
  mean,
  meanCI,
  medianCI,
  medianCiRanks,
  normalQuantile,
  percentile,
  percentileSorted,
  sorted,
  std,
  studentTCdf,
  studentTQuantile,
  summarizeSamples,
  wilson,
} from './stats';

// rng = np.random.default_rng(7); x = np.round(rng.exponential(1.0, 17), 4)
const X = [0.7075, 1.0252, 0.5685, 0.8951, 0.2065, 3.3836, 0.0098, 2.8092, 0.5753, 0.3005, 0.5411, 0.3121, 0.8998, 1.0737, 1.8843, 0.2221, 3.1447];

describe('percentiles (linear interpolation, numpy default)', () => {
  it('match numpy.percentile', () => {
    const want: [number, number][] = [
      [0, 0.0098],
      [0.1, 0.21586],
      [0.5, 0.7075],
      [0.9, 2.9434],
      [0.99, 3.345376],
      [1, 3.3836],
    ];
    for (const [p, v] of want) expect(percentile(X, p)).toBeCloseTo(v, 10);
  });

  it('interpolate between ranks', () => {
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
    expect(percentile([5], 0.99)).toBe(5);
    expect(percentile([], 0.5)).toBeNaN();
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
  });

  it('are monotone in p and stay within the data', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, a, b) => {
        const s = sorted(xs);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(percentileSorted(s, lo)).toBeLessThanOrEqual(percentileSorted(s, hi) + 1e-9);
        expect(percentileSorted(s, lo)).toBeGreaterThanOrEqual(s[0]);
        expect(percentileSorted(s, hi)).toBeLessThanOrEqual(s[s.length - 1]);
      }),
    );
  });
});

describe('mean and standard deviation', () => {
  it('match numpy (ddof=1)', () => {
    expect(mean(X)).toBeCloseTo(1.0917058823529413, 12);
    expect(std(X)).toBeCloseTo(1.0624588418325838, 12);
    expect(std([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(std([1])).toBeNaN();
  });

  it('is shift-invariant and exact for constant data', () => {
    expect(std([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBeCloseTo(1, 6);
    expect(std([0.1, 0.1, 0.1])).toBe(0);
  });
});

describe('distributions', () => {
  it('Student t quantiles match scipy', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.70620474, 6);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.26215716, 7);
    expect(studentTQuantile(0.975, 29)).toBeCloseTo(2.04522964, 7);
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.96233908, 7);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.26215716, 7);
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
  });

  it('normal quantiles', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8);
  });
});

describe('median CI (order statistics)', () => {
  it('uses the exact binomial ranks', () => {
    // computed with math.comb in Python
    expect(medianCiRanks(5)).toBeNull();
    expect(medianCiRanks(6)).toEqual({ lower: 1, upper: 6, coverage: 0.96875 });
    const table: [number, number, number, number][] = [
      [10, 2, 9, 0.978515625],
      [20, 6, 15, 0.9586105346679688],
      [100, 40, 61, 0.9647997997822952],
      [1000, 469, 532, 0.9537088026395019],
    ];
    for (const [n, lo, hi, cov] of table) {
      const r = medianCiRanks(n)!;
      expect([r.lower, r.upper]).toEqual([lo, hi]);
      expect(r.coverage).toBeCloseTo(cov, 9);
    }
  });

  it('is the tightest interval with coverage >= the level, also for large n', () => {
    for (const n of [7, 31, 250, 5000, 200_000]) {
      const r = medianCiRanks(n)!;
      expect(r.coverage).toBeGreaterThanOrEqual(0.95);
      expect(r.lower + r.upper).toBe(n + 1);
      const wider = medianCiRanks(n, 0.999);
      if (n > 30) expect(wider!.lower).toBeLessThan(r.lower);
    }
    // normal approximation: rank ≈ n/2 - 1.96 sqrt(n)/2
    const r = medianCiRanks(200_000)!;
    expect(Math.abs(r.lower - (100_000 - 0.98 * Math.sqrt(200_000)))).toBeLessThan(3);
  });

  it('covers the true median about 95% of the time on skewed data (Monte Carlo)', () => {
    const rand = seededRandom(42);
    const trueMedian = Math.LN2; // exponential(1)
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 40 }, () => -Math.log(1 - rand()));
      const ci = medianCI(sorted(xs))!;
      if (ci.lower <= trueMedian && trueMedian <= ci.upper) covered++;
    }
    // exact coverage for n = 40 is 0.9615; binomial noise over 2000 trials is ~0.004
    expect(covered / trials).toBeGreaterThan(0.945);
    expect(covered / trials).toBeLessThan(0.98);
  });
});

describe('Wilson interval', () => {
  it('matches textbook values', () => {
    const w = wilson(8, 10);
    expect(w.lower).toBeCloseTo(0.4902, 4);
    expect(w.upper).toBeCloseTo(0.9433, 4);
    const zero = wilson(0, 10);
    expect(zero.lower).toBe(0);
    expect(zero.upper).toBeCloseTo(0.2775, 4);
    const all = wilson(10, 10);
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(0.7225, 4);
    expect(wilson(0, 0).value).toBeNaN();
  });

  it('always contains the estimate and stays in [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, f) => {
        const k = Math.round(f * n);
        const w = wilson(k, n);
        expect(w.lower).toBeGreaterThanOrEqual(0);
        expect(w.upper).toBeLessThanOrEqual(1);
        expect(w.lower).toBeLessThanOrEqual(w.value + 1e-12);
        expect(w.upper).toBeGreaterThanOrEqual(w.value - 1e-12);
      }),
    );
  });
});

describe('mean CI (t) and bootstrap', () => {
  it('t interval by hand', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const ci = meanCI(xs);
    const half = (2.26215716 * std(xs)) / Math.sqrt(10);
    expect(ci.value).toBe(5.5);
    expect(ci.lower).toBeCloseTo(5.5 - half, 6);
    expect(ci.upper).toBeCloseTo(5.5 + half, 6);
    expect(ci.method).toBe('t');
    expect(meanCI([3]).lower).toBeNaN();
  });

  it('bootstrap is reproducible and brackets the statistic', () => {
    const stat = (idx: Uint32Array) => {
      let s = 0;
      for (const i of idx) s += X[i];
      return s / idx.length;
    };
    const a = bootstrapCI(X.length, stat, { seed: 3 });
    const b = bootstrapCI(X.length, stat, { seed: 3 });
    expect(a).toEqual(b);
    expect(a.value).toBeCloseTo(mean(X), 12);
    expect(a.lower).toBeLessThan(a.value);
    expect(a.upper).toBeGreaterThan(a.value);
    // close to the t interval for a mean
    const t = meanCI(X);
    expect(Math.abs(a.upper - a.lower - (t.upper - t.lower))).toBeLessThan(0.35 * (t.upper - t.lower));
  });
});

describe('summarizeSamples', () => {
  it('collects every figure', () => {
    const s = summarizeSamples(X);
    expect(s.n).toBe(17);
    expect(s.p50).toBeCloseTo(0.7075, 12);
    expect(s.p90).toBeCloseTo(2.9434, 10);
    expect(s.min).toBe(0.0098);
    expect(s.max).toBe(3.3836);
    // n = 17: ranks 5 and 13
    const xs = [...X].sort((a, b) => a - b);
    expect(s.medianCI).toMatchObject({ lower: xs[4], upper: xs[12] });
    expect(s.relativeHalfWidth).toBeCloseTo(Math.max(0.7075 - xs[4], xs[12] - 0.7075) / 0.7075, 12);
    expect(summarizeSamples([1, 2]).medianCI).toBeNull();
    expect(summarizeSamples([1, 2]).relativeHalfWidth).toBe(Infinity);
  });
});
