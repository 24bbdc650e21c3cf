/**
 * Exact magnitude selection in linear time, on float32 bit patterns.
 *
 * The magnitude key of a float32 weight is its bit pattern with the sign bit cleared: `bits & 0x7fffffff`.
 * IEEE 754 bit patterns of non-negative floats sort like unsigned integers, so keys order |w| exactly:
 * +0 and -0 share key 0, denormals come next, then normal numbers, +Infinity (0x7f800000), and NaNs above it
 * (a NaN ranks as the largest magnitude and is never pruned before a finite weight). No float is ever compared.
 *
 * Exact route, selecting the k smallest of n keys with no sort (two passes):
 *  1. Pass A: a histogram of the high 15 bits of every key (32768 bins; four interleaved copies so that runs of
 *     equal bins do not serialise on one counter). The bin where the running count reaches k holds the threshold.
 *  2. Pass B: writes the output (a fresh copy, or in place) with every key below that bin zeroed (branch-free:
 *     `v & ~((key - lo) >> 31)`), and collects the positions of the keys inside the bin (a small fraction: ~0.3%
 *     of a Gaussian-like tensor at 50%). Reading the input and writing the copy in one pass saves a copy pass.
 *  3. A 65536-bin histogram of the candidates' low 16 bits gives the exact k-th smallest key T; the candidates
 *     below T are zeroed, then the first (k - #keys < T) candidates equal to T, in position order.
 * When the bin is crowded (many equal weights) collecting positions would cost memory; then a refining pass
 * histograms the low 16 bits inside the bin first, and pass B writes zeros for keys < T and the first ties in order.
 *
 * Band route, used when copying 2^21 or more weights (one pass): a sample of 2^19 keys (evenly spaced blocks)
 * brackets the k-th smallest in a band [lo, hi) (±7 standard errors of the sample quantile, ~1% of the
 * weights) and guesses it (the sample's own quantile). One pass (band.ts: WebAssembly SIMD where available, else
 * plain JS) copies each chunk of the input into the output, zeroes there the keys below the guess (rounded down to a
 * bin boundary) and counts them, and records each key of the band as a 4-byte entry (its position and its bin in a
 * 65536-bin histogram of the band). The counts prove whether the k-th smallest lies in the band; if so the
 * histogram gives its bin and the few keys of that bin give the exact key T; then only the entries between the guess
 * and T (about a tenth of the band) are fixed in the outputs: zeroed, or restored from the input. Else (a rare miss)
 * the exact route runs from the untouched input.
 *
 * In place (pruneSmallest's inPlace: the sources get the result, for callers that own them): the band route takes two
 * passes through a one-chunk scratch so that the input stays untouched until the threshold is known (a miss then runs
 * the exact route, whose pass B writes into the sources, through the aligned scratch when they are unaligned).
 *
 * All routes zero exactly the same elements. Ties: exactly k elements are selected. Among weights of equal
 * magnitude at the threshold, the ones that come first are pruned: "first" means lower index within a tensor, and
 * for a global selection over several tensors, earlier tensors (in the order given) first. The result equals a
 * stable sort of (|w|, position) cut after k. (Uint32Array views assume a little-endian host, as every JS engine is.)
 *
 * Files: magnitude-kernels.ts (keys, byte views, the exact route's loops), selection.ts (one selection's state and the
 * exact route), band-route.ts (the band route and its in-place variant), band.ts (the band pass kernel).
 */

import { bandRoute, bandRouteInPlace } from './band-route';
import { bytesOf, keyToMagnitude, type Float32Bytes } from './magnitude-kernels';
import { Selection, type ZeroSmallestOptions, type ZeroSmallestResult } from './selection';

export { bitsView, CHUNK_ELEMENTS, keyToMagnitude, magnitudeKey, type Float32Bytes } from './magnitude-kernels';
export type { ZeroSmallestOptions, ZeroSmallestResult } from './selection';

/** How many of n weights a target sparsity prunes: floor(target * n), with products within 1e-6 of an integer
 * rounded to it first (so 0.3 * 10 gives 3, not 2). */
export function pruneCount(target: number, n: number): number {
  const x = target * n;
  const r = Math.round(x);
  const k = Math.abs(x - r) < 1e-6 ? r : Math.floor(x);
  return Math.max(0, Math.min(n, k));
}

export interface PruneSmallestResult extends ZeroSmallestResult {
  /** Per source: its bit patterns with the selected elements zeroed (new arrays; undefined when k = 0 or when the
   * source was pruned in place). */
  outputs: (Uint32Array | undefined)[];
}

/**
 * Zero, in place, the k smallest magnitudes across `arrays` (float32 bit patterns), exactly k of them with
 * ties broken by position (see the top of this file). Exact two-pass route.
 */
export async function zeroSmallest(
  arrays: readonly Uint32Array[],
  k: number,
  options: ZeroSmallestOptions = {},
): Promise<ZeroSmallestResult> {
  return new Selection(arrays.map(bytesOf), arrays.slice(), options).exact(k, 0, 1);
}

/**
 * Copies of `sources` (float32 little-endian bytes, any alignment) with the k smallest magnitudes across all of
 * them zeroed: exactly k, ties broken by position. Linear time, no sort: usually one pass (band route), else
 * two (three when the threshold's bin is crowded); the copies are written by the last pass.
 */
export async function pruneSmallest(
  sources: readonly Float32Bytes[],
  k: number,
  options: ZeroSmallestOptions = {},
): Promise<PruneSmallestResult> {
  const inPlace = sources.map((_, i) => options.inPlace?.[i] === true);
  const sel = new Selection(sources, sources.map(() => undefined), options, inPlace);
  const n = sel.n;
  const sampleSize = options.sampleSize ?? (n >= 1 << 21 ? 1 << 19 : 0);
  let r: ZeroSmallestResult | undefined;
  if (k > 0 && k < n && sampleSize > 0) {
    r = inPlace.includes(true) ? await bandRouteInPlace(sel, k, sampleSize) : await bandRoute(sel, k, sampleSize);
    if (!r) {
      r = await sel.exact(k, 0.5, 1);
      r.bandMissed = true;
    }
  }
  r ??= await sel.exact(k, 0, 1);
  // Empty sources never reach a kernel: give them (empty) outputs too.
  const outputs = k === 0 ? sources.map(() => undefined) : sel.dsts.map((d, i) => (inPlace[i] ? undefined : (d ?? new Uint32Array(sel.lengths[i]))));
  return { ...r, outputs };
}

/**
 * The exact magnitude threshold of `values`: the k-th smallest |w| (k >= 1), without modifying them.
 */
export async function kthSmallestMagnitude(values: Float32Array, k: number): Promise<number> {
  if (k < 1 || k > values.length) throw new RangeError(`k must be in [1, ${values.length}], got ${k}`);
  const r = await pruneSmallest([new Uint8Array(values.buffer, values.byteOffset, values.byteLength)], k);
  return keyToMagnitude(r.key);
}
