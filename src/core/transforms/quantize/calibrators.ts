import { ParetoError } from '../../errors';
import { dict } from '../../own';
import type { CalibrationMethod } from './options';

/**
 * Calibrators: turn the activation values seen during calibration (calibrate.ts) into the [min, max] range static
 * quantization gives each activation tensor.
 * - `minmax`: the smallest and largest value seen (never clips; one outlier widens every step).
 * - `percentile`: drops each tail beyond a percentile (a fixed clip, whatever the distribution).
 * - `mse`: the range whose quantization error over all values seen is smallest (values beyond it are clipped, the
 *   ones inside are rounded to 256 levels), searched on a histogram, as TensorRT's and pytorch-quantization's MSE
 *   calibrators and OpenVINO's MSE range estimator do.
 */

/** Collects activation values batch by batch and turns them into [min, max] ranges (tensors that never held a value have none). */
export interface Calibrator {
  readonly method: CalibrationMethod;
  collect(tensor: string, values: ArrayLike<number>): void;
  ranges(): Record<string, [number, number]>;
}

/** Smallest and largest value seen (NaN ignored). */
export class MinMaxCalibrator implements Calibrator {
  readonly method = 'minmax' as const;
  private readonly seen = new Map<string, [number, number]>();
  collect(tensor: string, values: ArrayLike<number>): void {
    let [lo, hi] = this.seen.get(tensor) ?? [Infinity, -Infinity];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    this.seen.set(tensor, [lo, hi]);
  }
  ranges(): Record<string, [number, number]> {
    const out: Record<string, [number, number]> = dict();
    for (const [k, [lo, hi]] of this.seen) if (lo <= hi) out[k] = [lo, hi];
    return out;
  }
}

/** A histogram of one tensor's values over [-R, R] (bin i covers [-R + i w, -R + (i + 1) w), w = 2R / bins), and exact zeros counted apart too. */
export interface Histogram {
  bins: Float64Array;
  R: number;
  min: number;
  max: number;
  count: number;
  /** Values exactly 0 (also counted in their bin, which starts at 0): quantization represents them exactly. */
  zeros: number;
}

/**
 * Values go into a histogram over [-R, R] whose range doubles (merging bin pairs) when a batch exceeds it, so memory
 * stays `bins` numbers per tensor whatever the number of batches; 0 stays on a bin edge.
 */
abstract class HistogramCalibrator implements Calibrator {
  abstract readonly method: CalibrationMethod;
  private readonly hist = new Map<string, Histogram>();
  constructor(protected readonly nbins = 8192) {
    if (nbins % 4 !== 0) throw new ParetoError('bad-input', 'The number of histogram bins must be a multiple of 4.');
  }
  collect(tensor: string, values: ArrayLike<number>): void {
    let h = this.hist.get(tensor);
    if (!h) this.hist.set(tensor, (h = { bins: new Float64Array(this.nbins), R: 0, min: Infinity, max: -Infinity, count: 0, zeros: 0 }));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(lo <= hi)) return;
    h.min = Math.min(h.min, lo);
    h.max = Math.max(h.max, hi);
    const need = Math.max(-lo, hi);
    if (h.R === 0) h.R = need > 0 ? need : 1e-30;
    while (need > h.R) {
      const old = h.bins;
      const bins = new Float64Array(this.nbins);
      for (let i = 0; i < old.length; i++) bins[this.nbins / 4 + (i >> 1)] += old[i];
      h.bins = bins;
      h.R *= 2;
    }
    const B = this.nbins;
    const k = B / (2 * h.R);
    const bins = h.bins;
    let zeros = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== v) continue;
      if (v === 0) zeros++;
      let b = ((v + h.R) * k) | 0;
      if (b >= B) b = B - 1;
      else if (b < 0) b = 0;
      bins[b]++;
      h.count++;
    }
    h.zeros += zeros;
  }
  /** The range of one tensor from its histogram (count > 0). */
  protected abstract rangeOf(h: Histogram): [number, number];
  ranges(): Record<string, [number, number]> {
    const out: Record<string, [number, number]> = dict();
    for (const [k, h] of this.hist) if (h.count > 0) out[k] = this.rangeOf(h);
    return out;
  }
}

/** Drops the extreme tails: the range is [quantile((100 - p) / 100), quantile(p / 100)] of all values seen, inside the observed min and max. */
export class PercentileCalibrator extends HistogramCalibrator {
  readonly method = 'percentile' as const;
  constructor(
    readonly percentile = 99.99,
    nbins = 8192,
  ) {
    super(nbins);
    if (!(percentile > 50 && percentile <= 100)) throw new ParetoError('bad-input', `Percentile must be in (50, 100]; got ${percentile}.`);
  }
  protected rangeOf(h: Histogram): [number, number] {
    const q = this.percentile / 100;
    const lo = Math.max(h.min, quantile(h, 1 - q));
    const hi = Math.min(h.max, quantile(h, q));
    return lo <= hi ? [lo, hi] : [h.min, h.max];
  }
}

/** Quantiles interpolate within a bin. */
function quantile(h: Histogram, q: number): number {
  const target = q * h.count;
  const w = (2 * h.R) / h.bins.length;
  let cum = 0;
  for (let i = 0; i < h.bins.length; i++) {
    const c = h.bins[i];
    if (cum + c >= target && c > 0) return -h.R + (i + (target - cum) / c) * w;
    cum += c;
  }
  return h.R;
}

/** Steps of the range search: [min, max] shrinks towards 0 in MSE_STEPS equal steps; then each end alone in REFINE steps, and 16 finer ones. */
const MSE_STEPS = 128;
const REFINE = 64;
/** At most this many (centroid, count) points stand for a tensor's values in the search (4 per 8-bit level over the whole range). */
const MSE_POINTS = 1024;

/**
 * The range with the smallest quantization error (sum of squared differences between each value and what 256-level
 * asymmetric quantization, as static mode writes it, gives back) over every value seen: the values are summed up as at
 * most MSE_POINTS weighted centroids of neighbouring histogram bins, exact zeros cost nothing. The search scales
 * [min, max] towards 0 (both ends together), then moves each end alone (outliers are often on one side only). The result always lies within [min, max] (the quantizer widens it to hold 0).
 */
export class MseCalibrator extends HistogramCalibrator {
  readonly method = 'mse' as const;
  protected rangeOf(h: Histogram): [number, number] {
    const lo0 = Math.min(h.min, 0);
    const hi0 = Math.max(h.max, 0);
    if (!(hi0 > lo0)) return [h.min, h.max];
    const { x, n } = centroids(h);
    let best: [number, number] = [lo0, hi0];
    let bestErr = quantError(x, n, lo0, hi0);
    const consider = (lo: number, hi: number) => {
      const e = quantError(x, n, lo, hi);
      if (e < bestErr) {
        bestErr = e;
        best = [lo, hi];
      }
    };
    for (let k = 1; k < MSE_STEPS; k++) consider((lo0 * (MSE_STEPS - k)) / MSE_STEPS, (hi0 * (MSE_STEPS - k)) / MSE_STEPS);
    // each end alone (the other at its best): over its whole span, then finer around the best
    for (const end of [1, 0] as const) {
      const full = end === 1 ? hi0 : lo0;
      const at = (f: number) => (end === 1 ? consider(best[0], f * full) : consider(f * full, best[1]));
      for (let k = 1; k <= REFINE; k++) at(k / REFINE);
      const f0 = full === 0 ? 0 : best[end] / full;
      for (let k = -8; k <= 8; k++) at(Math.min(1, Math.max(0, f0 + k / (8 * REFINE))));
    }
    // Never wider than what was seen (the widening to 0 is the quantizer's, not a value's).
    return [Math.max(best[0], h.min), Math.min(best[1], h.max)];
  }
}

/** The non-empty bins as weighted centroids of runs of neighbouring bins (at most MSE_POINTS), the zeros taken out of the bin that starts at 0. */
function centroids(h: Histogram): { x: Float64Array; n: Float64Array } {
  const B = h.bins.length;
  const w = (2 * h.R) / B;
  let first = B;
  let last = -1;
  for (let i = 0; i < B; i++) {
    if (h.bins[i] - (i === B / 2 ? h.zeros : 0) > 0) {
      if (first === B) first = i;
      last = i;
    }
  }
  const group = Math.max(1, Math.ceil((last - first + 1) / MSE_POINTS));
  const xs: number[] = [];
  const ns: number[] = [];
  for (let g = first; g <= last; g += group) {
    let c = 0;
    let sum = 0;
    for (let i = g; i < Math.min(g + group, last + 1); i++) {
      const k = h.bins[i] - (i === B / 2 ? h.zeros : 0);
      if (k > 0) {
        c += k;
        sum += k * (-h.R + (i + 0.5) * w);
      }
    }
    if (c > 0) {
      xs.push(Math.min(h.max, Math.max(h.min, sum / c)));
      ns.push(c);
    }
  }
  return { x: Float64Array.from(xs), n: Float64Array.from(ns) };
}

/**
 * Sum over values x (with counts n) of (dequantize(quantize(x)) - x)^2 for the asymmetric 256-level quantizer of
 * [lo, hi] (quantParams in int8.ts: the range widened to 0, scale (hi - lo) / 255, integer zero point, clamping).
 */
export function quantError(x: Float64Array, n: Float64Array, lo: number, hi: number): number {
  lo = Math.min(lo, 0);
  hi = Math.max(hi, 0);
  const s = ((hi - lo) / 255) * (1 + 2 ** -20);
  if (!(s > 0)) return Infinity;
  const z = Math.min(255, Math.max(0, Math.round(-lo / s)));
  const inv = 1 / s;
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    let q = Math.round(x[i] * inv) + z;
    if (q < 0) q = 0;
    else if (q > 255) q = 255;
    const d = (q - z) * s - x[i];
    e += n[i] * d * d;
  }
  return e;
}

export function createCalibrator(method: CalibrationMethod = 'minmax', percentile = 99.99): Calibrator {
  return method === 'percentile' ? new PercentileCalibrator(percentile) : method === 'mse' ? new MseCalibrator() : new MinMaxCalibrator();
}
