/**
 * Small-sample statistics for the benchmark harness and the accuracy evaluation. Pure TypeScript, float64.
 *
 * Methods (the studio states them next to every figure):
 * - percentiles: linear interpolation between closest ranks (Hyndman & Fan type 7; numpy's default
 *   `method='linear'`, Excel's PERCENTILE.INC): h = (n - 1) p, q = x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]).
 * - standard deviation: the sample standard deviation (n - 1 in the denominator).
 * - median confidence interval: distribution-free, from order statistics. The number of samples below the true
 *   median is Binomial(n, 1/2), so [x(r), x(n-r+1)] (1-based order statistics) covers the median with probability
 *   1 - 2 P(B <= r - 1); r is the largest rank whose coverage is still >= the level. Exact binomial sums, no normal
 *   approximation; needs n >= 6 at 95%. No assumption about the shape of the latency distribution (which is skewed,
 *   often multi-modal).
 * - proportions: Wilson score interval (good coverage near 0 and 1, unlike the Wald interval).
 * - means (MSE, MAE, cosine): Student t interval, mean ± t(1 - α/2, n - 1) s / sqrt(n).
 * - ratios of sums (SNR): percentile bootstrap over items, seeded (reproducible).
 */
import { seededRandom } from '../random';

export interface Interval {
  /** The point estimate. */
  value: number;
  lower: number;
  upper: number;
  /** Nominal confidence level, e.g. 0.95. */
  level: number;
  method: 'wilson' | 't' | 'order-statistics' | 'bootstrap';
}

/* ------------------------------------------------------------------ basics ------------------------------------------------------------------ */

/** Ascending copy as a Float64Array (NaNs sort last). */
export function sorted(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/**
 * The p-quantile (0 <= p <= 1) of ascending-sorted data, linear interpolation between closest ranks
 * (Hyndman & Fan type 7, numpy's default). NaN for no data.
 */
export function percentileSorted(sortedXs: ArrayLike<number>, p: number): number {
  const n = sortedXs.length;
  if (n === 0) return NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile: p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sortedXs[lo] + (h - lo) * (sortedXs[hi] - sortedXs[lo]);
}

/** The p-quantile of unsorted data (see percentileSorted). */
export function percentile(xs: ArrayLike<number>, p: number): number {
  return percentileSorted(sorted(xs), p);
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Sample standard deviation (n - 1 denominator; two-pass for accuracy). NaN for fewer than 2 values. */
export function std(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    ss += d * d;
    c += d;
  }
  return Math.sqrt((ss - (c * c) / n) / (n - 1));
}

/* ------------------------------------------------------------------ distributions ------------------------------------------------------------------ */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; ~15 significant digits). */
function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaCf(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaCf(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaCf(1 - x, b, a)) / b;
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t (bisection on the CDF, to ~1e-12). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Quantile of the standard normal (Acklam's rational approximation: relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  return x;
}

/* ------------------------------------------------------------------ intervals ------------------------------------------------------------------ */

/**
 * Ranks for the distribution-free median CI: the largest r (1-based) with 2 P(B <= r - 1) <= 1 - level,
 * B ~ Binomial(n, 1/2), and the exact coverage 1 - 2 P(B <= r - 1). Null when even [x(1), x(n)] covers less
 * than `level` (n < 6 at 95%). O(n) with the pmf recurrence in log space (early terms underflow harmlessly).
 */
export function medianCiRanks(n: number, level = 0.95): { lower: number; upper: number; coverage: number } | null {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const tail = (1 - level) / 2;
  let logP = -n * Math.LN2; // log P(B = 0)
  let cdf = 0; // P(B <= k)
  let r = 0;
  let cdfAtR = 0;
  for (let k = 0; k < n / 2; k++) {
    const next = cdf + Math.exp(logP);
    if (next > tail) break;
    cdf = next;
    r = k + 1;
    cdfAtR = cdf;
    logP += Math.log((n - k) / (k + 1));
  }
  if (r === 0) return null;
  return { lower: r, upper: n - r + 1, coverage: 1 - 2 * cdfAtR };
}

/** Distribution-free CI of the median of ascending-sorted data (see medianCiRanks); null when n is too small. */
export function medianCI(sortedXs: ArrayLike<number>, level = 0.95): (Interval & { coverage: number }) | null {
  const n = sortedXs.length;
  const ranks = medianCiRanks(n, level);
  if (!ranks) return null;
  return {
    value: percentileSorted(sortedXs, 0.5),
    lower: sortedXs[ranks.lower - 1],
    upper: sortedXs[ranks.upper - 1],
    level,
    method: 'order-statistics',
    coverage: ranks.coverage,
  };
}

/** Wilson score interval for `successes` out of `n`. */
export function wilson(successes: number, n: number, level = 0.95): Interval {
  if (n <= 0) return { value: NaN, lower: NaN, upper: NaN, level, method: 'wilson' };
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // Exact at the ends (rounding could otherwise give 1 - 1e-17 for 0 failures).
  return { value: p, lower: successes === 0 ? 0 : Math.max(0, centre - half), upper: successes === n ? 1 : Math.min(1, centre + half), level, method: 'wilson' };
}

/** Student t interval for the mean of `xs` (needs n >= 2 for bounds; NaN bounds otherwise). */
export function meanCI(xs: ArrayLike<number>, level = 0.95): Interval {
  const n = xs.length;
  const m = mean(xs);
  if (n < 2) return { value: m, lower: NaN, upper: NaN, level, method: 't' };
  const s = std(xs);
  const half = (studentTQuantile(1 - (1 - level) / 2, n - 1) * s) / Math.sqrt(n);
  return { value: m, lower: m - half, upper: m + half, level, method: 't' };
}

/**
 * Percentile bootstrap CI of a statistic of items: `stat(indices)` computes it on a resample given as item
 * indices. Seeded (mulberry32), so the same data gives the same interval.
 */
export function bootstrapCI(
  n: number,
  stat: (indices: Uint32Array) => number,
  options: { level?: number; resamples?: number; seed?: number } = {},
): Interval {
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? 1000;
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const value = stat(all);
  if (n < 2) return { value, lower: NaN, upper: NaN, level, method: 'bootstrap' };
  const rand = seededRandom(options.seed ?? 12345);
  const stats = new Float64Array(resamples);
  const idx = new Uint32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rand() * n);
    stats[r] = stat(idx);
  }
  stats.sort();
  const alpha = (1 - level) / 2;
  return { value, lower: percentileSorted(stats, alpha), upper: percentileSorted(stats, 1 - alpha), level, method: 'bootstrap' };
}

/** Everything the latency table shows, from raw samples (milliseconds). */
export interface SampleSummary {
  n: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  p50: number;
  p90: number;
  p99: number;
  /** Distribution-free CI of the median; null with fewer than 6 samples (at 95%). */
  medianCI: { lower: number; upper: number; level: number; coverage: number } | null;
  /** max(p50 - lower, upper - p50) / p50; Infinity when there is no CI. */
  relativeHalfWidth: number;
}

export function summarizeSamples(samples: ArrayLike<number>, level = 0.95): SampleSummary {
  const s = sorted(samples);
  const n = s.length;
  const p50 = percentileSorted(s, 0.5);
  const ci = medianCI(s, level);
  return {
    n,
    min: n ? s[0] : NaN,
    max: n ? s[n - 1] : NaN,
    mean: mean(s),
    std: std(s),
    p50,
    p90: percentileSorted(s, 0.9),
    p99: percentileSorted(s, 0.99),
    medianCI: ci ? { lower: ci.lower, upper: ci.upper, level, coverage: ci.coverage } : null,
    relativeHalfWidth: ci ? relativeHalfWidth(p50, ci.lower, ci.upper) : Infinity,
  };
}

/** max(centre - lower, upper - centre) / |centre| (0 for a zero-width interval around 0). */
export function relativeHalfWidth(centre: number, lower: number, upper: number): number {
  const half = Math.max(centre - lower, upper - centre);
  if (half === 0) return 0;
  return centre === 0 ? Infinity : half / Math.abs(centre);
}
