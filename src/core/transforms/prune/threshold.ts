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
 */

import { BAND_CHUNK, bandScan, WASM_MIN, type BandKernel, type BandScan } from './band';

/** Bins of the high-bits histogram: key >>> 16 (keys have 31 significant bits). */
const HIGH_BINS = 1 << 15;
const LOW_BINS = 1 << 16;
/** Elements per kernel call between progress/cancellation checks. */
export const CHUNK_ELEMENTS = 1 << 22;
/** Band route: weights between progress/cancellation checks. */
const BAND_TICK = 1 << 24;

/** Magnitude key of a float32 bit pattern (see above). */
export const magnitudeKey = (bits: number): number => (bits & 0x7fffffff) >>> 0;

/** The float32 value |w| of a magnitude key. */
export function keyToMagnitude(key: number): number {
  const u = new Uint32Array([key >>> 0]);
  return new Float32Array(u.buffer)[0];
}

/** How many of n weights a target sparsity prunes: floor(target * n), with products within 1e-6 of an integer
 * rounded to it first (so 0.3 * 10 gives 3, not 2). */
export function pruneCount(target: number, n: number): number {
  const x = target * n;
  const r = Math.round(x);
  const k = Math.abs(x - r) < 1e-6 ? r : Math.floor(x);
  return Math.max(0, Math.min(n, k));
}

/* ----------------------------------------------------------- sources ------------------------------------------------------------ */

/**
 * Float32 data as little-endian bytes at any alignment (raw_data views from a decoded protobuf are mostly not
 * 4-byte aligned). Aligned sources are read through a Uint32Array view; unaligned ones a chunk at a time
 * through a reusable aligned scratch buffer (a memcpy at ~10 GB/s), so no whole-tensor copy is made just to read.
 */
export type Float32Bytes = Uint8Array;

/** Elements [start, end) of `src` as bit patterns: a view when aligned, else copied into `scratch`. */
export function bitsView(src: Float32Bytes, start: number, end: number, scratch: { buf?: Uint32Array }): Uint32Array {
  const byteStart = src.byteOffset + start * 4;
  if (byteStart % 4 === 0) return new Uint32Array(src.buffer, byteStart, end - start);
  if (!scratch.buf || scratch.buf.length < end - start) scratch.buf = new Uint32Array(end - start); // at most CHUNK_ELEMENTS
  const out = scratch.buf.subarray(0, end - start);
  new Uint8Array(out.buffer, 0, (end - start) * 4).set(src.subarray(start * 4, end * 4));
  return out;
}

/** The bytes of a bit-pattern array (for in-place use). */
const bytesOf = (u: Uint32Array): Float32Bytes => new Uint8Array(u.buffer, u.byteOffset, u.byteLength);

/* ------------------------------------------------------------- kernels ------------------------------------------------------------- */

/** Adds keys >>> 16 of u to four interleaved histograms (4 * HIGH_BINS). */
function histHigh(u: Uint32Array, h: Uint32Array): void {
  const end = u.length;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    h[(u[i] << 1) >>> 17]++;
    h[HIGH_BINS + ((u[i + 1] << 1) >>> 17)]++;
    h[2 * HIGH_BINS + ((u[i + 2] << 1) >>> 17)]++;
    h[3 * HIGH_BINS + ((u[i + 3] << 1) >>> 17)]++;
  }
  for (; i < end; i++) h[(u[i] << 1) >>> 17]++;
}

/** Exact zeros (+0 and -0) in u. */
export function countZeros(u: Uint32Array): number {
  let z = 0;
  for (let i = 0; i < u.length; i++) if (u[i] << 1 === 0) z++;
  return z;
}

/**
 * d[i] = s[i] with keys < lo zeroed (branch-free; d may be s itself), collecting positions (off + i) whose key >>> 16
 * === bin. Unrolled by four (about 25% faster in V8 than the plain loop). Returns [zeroed, collected].
 */
function maskCollect(
  s: Uint32Array,
  d: Uint32Array,
  off: number,
  lo: number,
  bin: number,
  cand: Uint32Array,
  at: number,
): [number, number] {
  let below = 0; // minus the count of keys < lo
  let c = at;
  const n = s.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v0 = s[i], v1 = s[i + 1], v2 = s[i + 2], v3 = s[i + 3];
    const k0 = v0 & 0x7fffffff, k1 = v1 & 0x7fffffff, k2 = v2 & 0x7fffffff, k3 = v3 & 0x7fffffff;
    // -1 when k < lo (both < 2^31, so the difference cannot overflow)
    const b0 = (k0 - lo) >> 31, b1 = (k1 - lo) >> 31, b2 = (k2 - lo) >> 31, b3 = (k3 - lo) >> 31;
    d[i] = v0 & ~b0;
    d[i + 1] = v1 & ~b1;
    d[i + 2] = v2 & ~b2;
    d[i + 3] = v3 & ~b3;
    below += b0 + b1 + b2 + b3;
    if ((((k0 >>> 16) ^ bin) && ((k1 >>> 16) ^ bin) && ((k2 >>> 16) ^ bin) && ((k3 >>> 16) ^ bin)) === 0) {
      if (k0 >>> 16 === bin) cand[c++] = off + i;
      if (k1 >>> 16 === bin) cand[c++] = off + i + 1;
      if (k2 >>> 16 === bin) cand[c++] = off + i + 2;
      if (k3 >>> 16 === bin) cand[c++] = off + i + 3;
    }
  }
  for (; i < n; i++) {
    const v = s[i];
    const k = v & 0x7fffffff;
    const b = (k - lo) >> 31;
    d[i] = v & ~b;
    below += b;
    if (k >>> 16 === bin) cand[c++] = off + i;
  }
  return [-below, c - at];
}

/** Histogram of the low 16 bits of the keys whose high bits equal `bin`. */
function histLowInBin(s: Uint32Array, bin: number, h: Uint32Array): void {
  for (let i = 0; i < s.length; i++) {
    const k = s[i] & 0x7fffffff;
    if (k >>> 16 === bin) h[k & 0xffff]++;
  }
}

/** dst[off + i] = s[i] with keys < t zeroed (branch-free) and the first `ties` keys === t. Returns [zeroed, ties left]. */
function maskTies(s: Uint32Array, dst: Uint32Array, off: number, t: number, ties: number): [number, number] {
  let zeroed = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    const k = v & 0x7fffffff;
    const below = (k - t) >> 31;
    let w = v & ~below;
    zeroed -= below;
    if (k === t && ties > 0) {
      w = 0;
      ties--;
      zeroed++;
    }
    dst[off + i] = w;
  }
  return [zeroed, ties];
}

/* ----------------------------------------------------------- selection ----------------------------------------------------------- */

export interface ZeroSmallestOptions {
  /** Called after each chunk with the fraction (0..1) of this selection's work done (progress and cancellation). */
  tick?: (fraction: number) => void | Promise<void>;
  /** Most candidate positions to collect in the exact route before it refines instead (default: max(2^20, n/16)). */
  maxCandidates?: number;
  /**
   * Copies only: keys sampled to guess the threshold's band, for the one-pass route (default 2^19 when n >= 2^21,
   * else the exact two-pass route). 0 turns the band route off.
   */
  sampleSize?: number;
  /** Band route: half-width of the band in sample ranks (default: 6 standard errors of the quantile + 8). For tests. */
  bandRanks?: number;
  /** Band route: most positions collected in the band before it gives up (default: twice the expected + 64). For tests. */
  bandCapacity?: number;
  /**
   * Band route kernel (band.ts): 'auto' (default) uses WebAssembly SIMD where available for 2^18 weights or more,
   * 'wasm' wherever available, 'js' never. Same results. For tests.
   */
  kernel?: BandKernel;
  /**
   * pruneSmallest: per source, write the result into the source's own bytes (any alignment) instead of a copy; its
   * output is then undefined. Any in-place source makes the selection take the exact route (the band route needs
   * the untouched input). Same results.
   */
  inPlace?: readonly boolean[];
}

export interface ZeroSmallestResult {
  /** How many elements were selected (k). */
  k: number;
  /** Magnitude key of the k-th smallest element (the exact threshold), or -1 when k = 0. */
  key: number;
  /** Elements with a key below `key` (all selected); the rest of the k are ties at `key`, earliest first. */
  below: number;
  /** Per array: elements the selection zeroed (already-zero ones included). */
  zeroed: number[];
  /** Per array: exact zeros before. */
  zerosBefore: number[];
  /** Per array: exact zeros after. */
  zerosAfter: number[];
  /** Which route found the threshold ('band' fell back to an exact route when the sample missed: see `bandMissed`). */
  route: 'none' | 'band' | 'candidates' | 'refine';
  /** The band route was tried and its band did not hold the threshold (the exact route then ran). */
  bandMissed?: boolean;
  /** Band route: the kernel of its pass (band.ts). */
  kernel?: 'wasm' | 'js';
}

export interface PruneSmallestResult extends ZeroSmallestResult {
  /** Per source: its bit patterns with the selected elements zeroed (new arrays; undefined when k = 0 or when the
   * source was pruned in place). */
  outputs: (Uint32Array | undefined)[];
}

const noop = () => {};

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
    r = inPlace.includes(true) ? await sel.bandInPlace(k, sampleSize) : await sel.band(k, sampleSize);
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

/* The band route's per-chunk steps after its pass (small functions called per chunk: V8 optimises them early). */

/** The bits of element i of `src` (little-endian float32 bytes, any alignment). */
const bitsAt = (src: Float32Bytes, i: number): number => src[4 * i] | (src[4 * i + 1] << 8) | (src[4 * i + 2] << 16) | (src[4 * i + 3] << 24);

/**
 * Counts in `low` the offsets (key - lo) & (low.length - 1) of the keys in bin `bin`, for the entries ent[from, to)
 * of a chunk starting at element `off` of `src` (entries: (index in chunk) << 16 | bin).
 */
function binHistogram(ent: Int32Array, from: number, to: number, bin: number, src: Float32Bytes, off: number, lo: number, low: Uint32Array): void {
  const mask = low.length - 1;
  for (let j = from; j < to; j++) {
    const x = ent[j];
    if ((x & 0xffff) === bin) low[((bitsAt(src, off + (x >>> 16)) & 0x7fffffff) - lo) & mask]++;
  }
}

/**
 * Fixes the output d of a chunk (entries ent[from, to), starting at element `off`; src: its input) for the threshold
 * t in bin `bin`, after the pass zeroed exactly the bins below cutBin: keys below t, and the first st.ties keys equal
 * to t, are selected (zero), the others keep their value. Only bins between cutBin and bin can be wrong. Returns the
 * change in the number of zeros.
 */
function fixBand(ent: Int32Array, from: number, to: number, bin: number, cutBin: number, t: number, d: Uint32Array, src: Float32Bytes, off: number, st: { ties: number }): number {
  const first = Math.min(bin, cutBin);
  const span = Math.max(bin, cutBin) - first;
  let z = 0;
  for (let j = from; j < to; j++) {
    const x = ent[j];
    const b = x & 0xffff;
    if (b - first > span || b < first) continue;
    const i = off + (x >>> 16);
    let selected = b < bin;
    if (b === bin) {
      const kk = bitsAt(src, i) & 0x7fffffff;
      selected = kk < t || (kk === t && st.ties > 0);
      if (selected && kk === t) st.ties--;
    }
    const cutZeroed = b < cutBin;
    if (selected && !cutZeroed) {
      d[i] = 0;
      z++;
    } else if (!selected && cutZeroed) {
      d[i] = bitsAt(src, i);
      z--;
    }
  }
  return z;
}

/** Band route bookkeeping, per chunk of the pass: its array, its first element, and where its entries start. */
interface BandChunks {
  array: number[];
  offset: number[];
  /** One more than the chunks: entry[c + 1] ends chunk c. */
  entry: number[];
}

class Selection {
  readonly lengths: number[];
  readonly n: number;
  private readonly scratch: { buf?: Uint32Array } = {};
  private readonly tickFn: (fraction: number) => void | Promise<void>;
  private progress = 0;
  /** Per source: pruned in place through the aligned scratch (unaligned bytes): each chunk is written back. */
  private readonly writeBack: boolean[];

  /** inPlace[ai]: the output of source ai is the source itself (exact route only). */
  constructor(
    readonly sources: readonly Float32Bytes[],
    readonly dsts: (Uint32Array | undefined)[],
    private readonly options: ZeroSmallestOptions,
    private readonly inPlace: readonly boolean[] = [],
  ) {
    this.tickFn = options.tick ?? noop;
    this.lengths = sources.map((s) => Math.floor(s.length / 4));
    this.n = this.lengths.reduce((a, b) => a + b, 0);
    this.writeBack = sources.map((s, i) => inPlace[i] === true && s.byteOffset % 4 !== 0);
    sources.forEach((s, i) => {
      if (inPlace[i] && !this.writeBack[i]) this.dsts[i] = new Uint32Array(s.buffer, s.byteOffset, this.lengths[i]);
    });
  }

  /** The output of chunk s (elements [off, off + s.length) of source ai): s itself for write-back sources. */
  private chunkDst(ai: number, s: Uint32Array, off: number): Uint32Array {
    return this.writeBack[ai] ? s : this.dstOf(ai).subarray(off, off + s.length);
  }

  /** Bits of output element i of source ai. */
  private outAt(ai: number, i: number): number {
    return this.writeBack[ai] ? bitsAt(this.sources[ai], i) >>> 0 : this.dstOf(ai)[i];
  }

  /** Zeroes output element i of source ai. */
  private zeroAt(ai: number, i: number): void {
    if (this.writeBack[ai]) this.sources[ai].fill(0, 4 * i, 4 * i + 4);
    else this.dstOf(ai)[i] = 0;
  }

  private checkK(k: number) {
    if (!Number.isInteger(k) || k < 0 || k > this.n) throw new RangeError(`k must be an integer in [0, ${this.n}], got ${k}`);
  }

  private async tick(fraction: number) {
    this.progress = Math.max(this.progress, Math.min(1, fraction));
    await this.tickFn(this.progress);
  }

  /** Runs fn over every chunk of source ai; progress goes from `from` to `to` over the whole pass (all arrays). */
  private async pass(fn: (ai: number, s: Uint32Array, start: number) => void, from: number, to: number, writes = false) {
    let done = 0;
    for (let ai = 0; ai < this.sources.length; ai++) {
      const len = this.lengths[ai];
      for (let s = 0; s < len; s += CHUNK_ELEMENTS) {
        const e = Math.min(len, s + CHUNK_ELEMENTS);
        const chunk = bitsView(this.sources[ai], s, e, this.scratch);
        fn(ai, chunk, s);
        if (writes && this.writeBack[ai]) this.sources[ai].set(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), s * 4);
        done += e - s;
        await this.tick(from + ((to - from) * done) / Math.max(1, this.n));
      }
    }
  }

  private dstOf(ai: number): Uint32Array {
    let d = this.dsts[ai];
    if (!d) this.dsts[ai] = d = new Uint32Array(this.lengths[ai]);
    return d;
  }

  /**
   * After the band pass (band.ts): the outputs hold zeros for keys below the cut (a bin boundary at the sample's guess
   * of the threshold); the entries list the band's keys in position order, chunk c (array chunks.array[c], from
   * element chunks.offset[c]) holding entries [chunks.entry[c], chunks.entry[c + 1]). Selects the `need` smallest
   * band keys (ties by position) from the histogram, then fixes the outputs between the cut and the threshold: zeroes
   * keys that the cut kept, restores (from the sources) keys that it zeroed. Returns the threshold key and how many
   * band keys are below it; `zeroed` goes from counting the keys below the cut to counting the selected ones.
   */
  private resolveBand(scan: BandScan, lo: number, chunks: BandChunks, need: number, zeroed: number[]): [number, number] {
    const [t, cum, bin] = this.bandThreshold(scan, lo, chunks, need);
    const ent = scan.entries();
    const nChunks = chunks.array.length;
    const cutBin = scan.cutBin;
    // Selected: the keys below t, then the first `ties` keys equal to t, in position order.
    const st = { ties: need - cum };
    for (let c = 0; c < nChunks; c++) {
      const ai = chunks.array[c];
      zeroed[ai] += fixBand(ent, chunks.entry[c], chunks.entry[c + 1], bin, cutBin, t, this.dstOf(ai), this.sources[ai], chunks.offset[c], st);
    }
    return [t, cum];
  }

  /** After the band pass: the `need`-th smallest band key t, how many band keys are below it, and its bin. */
  private bandThreshold(scan: BandScan, lo: number, chunks: BandChunks, need: number): [number, number, number] {
    const hist = scan.hist;
    const shift = scan.shift;
    const cutBin = scan.cutBin;
    let bin = 0;
    let cum = 0;
    for (; bin < hist.length; bin++) {
      if (cum + hist[bin] >= need) break;
      cum += hist[bin];
    }
    const ent = scan.entries();
    const nChunks = chunks.array.length;
    let t = lo + bin;
    if (shift > 0) {
      // The bin spans 2^shift keys: a histogram of the offsets inside it (its few keys read back from the sources).
      const low = new Uint32Array(1 << shift);
      for (let c = 0; c < nChunks; c++) {
        const ai = chunks.array[c];
        binHistogram(ent, chunks.entry[c], chunks.entry[c + 1], bin, this.sources[ai], chunks.offset[c], lo, low);
      }
      let j = 0;
      for (; cum + low[j] < need; j++) cum += low[j];
      t = lo + (bin << shift) + j;
    }
    return [t, cum, bin];
  }

  /**
   * The band pass (band.ts) over every chunk of the sources, in order, writing chunk s of source ai at
   * output(ai)[s...], or into the one-chunk output(0) when `scratch`. Returns per source the keys it zeroed below the cut and the exact
   * zeros before, the keys below the band's low end overall, the chunks' bookkeeping, and whether the k-th smallest
   * missed the band (or the band overflowed: the pass then stops early). Progress and cancellation every 2^24
   * weights (tens of ms: each check may yield to the event loop, which costs about a millisecond), up to half.
   */
  private async bandPass(
    scan: BandScan,
    capacity: number,
    k: number,
    scratch: boolean,
  ): Promise<{ cut: number[]; below: number; zerosBefore: number[]; chunks: BandChunks; missed: boolean }> {
    const cut = this.sources.map(() => 0);
    const zerosBefore = this.sources.map(() => 0);
    const chunks: BandChunks = { array: [], offset: [], entry: [0] };
    let overflow = false;
    let done = 0;
    let nextTick = BAND_TICK;
    for (let ai = 0; ai < this.sources.length && !overflow; ai++) {
      const len = this.lengths[ai];
      const src = this.sources[ai];
      for (let s = 0; s < len; s += BAND_CHUNK) {
        const e = Math.min(len, s + BAND_CHUNK);
        cut[ai] += scan.run(new Uint8Array(src.buffer, src.byteOffset + s * 4, (e - s) * 4), scratch ? 0 : ai, scratch ? 0 : s, e - s);
        zerosBefore[ai] += scan.zeros;
        chunks.array.push(ai);
        chunks.offset.push(s);
        chunks.entry.push(scan.count);
        if (scan.count > capacity) {
          overflow = true;
          break;
        }
        done += e - s;
        if (done >= nextTick) {
          nextTick += BAND_TICK;
          await this.tick((0.5 * done) / this.n);
        }
      }
    }
    // Keys below lo: those below the cut, less the band's keys below it.
    let below = cut.reduce((x, y) => x + y, 0);
    for (let b = 0; b < scan.cutBin; b++) below -= scan.hist[b];
    return { cut, below, zerosBefore, chunks, missed: overflow || below >= k || below + scan.count < k };
  }

  /**
   * The band route for in-place outputs (two passes, the input untouched until the threshold is known): the band pass
   * (band.ts) runs over each chunk into a one-chunk scratch output, only to count and to record the band; if the
   * threshold is in the band, a second pass writes the zeros into the sources (keys below it and the first ties).
   * Undefined on a miss, with the sources untouched (the caller runs the exact route).
   */
  async bandInPlace(k: number, sampleSize: number): Promise<ZeroSmallestResult | undefined> {
    this.checkK(k);
    const n = this.n;
    const [lo, hi, guess, expected] = this.sampleBand(k, sampleSize);
    const capacity = this.options.bandCapacity ?? Math.min(n, Math.max(1 << 16, Math.ceil(2 * expected + 64)));
    const kernel = this.options.kernel ?? 'auto';
    const scan = bandScan(lo, hi - lo, guess, [BAND_CHUNK], capacity, kernel === 'auto' ? (n >= WASM_MIN ? 'wasm' : 'js') : kernel);

    // The pass into a one-chunk scratch output: the sources stay untouched.
    const { below, zerosBefore, chunks, missed } = await this.bandPass(scan, capacity, k, true);
    if (missed) return undefined;
    await this.tick(0.5);
    const [t, cum] = this.bandThreshold(scan, lo, chunks, k - below);
    // Second pass, the same kernel with the band [t, t + 1) into the scratch chunk: keys below t zeroed, the keys
    // equal to t listed (the first `ties` of them, in position order, are zeroed too); then back into the source.
    const zeroed = this.sources.map(() => 0);
    let ties = k - below - cum;
    const write = bandScan(t, 1, t, [BAND_CHUNK], BAND_CHUNK, scan.kernel);
    const out = write.output(0);
    const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    let done = 0;
    let nextTick = BAND_TICK;
    for (let ai = 0; ai < this.sources.length; ai++) {
      const len = this.lengths[ai];
      const src = this.sources[ai];
      for (let s = 0; s < len; s += BAND_CHUNK) {
        const e = Math.min(len, s + BAND_CHUNK);
        let z = write.run(new Uint8Array(src.buffer, src.byteOffset + s * 4, (e - s) * 4), 0, 0, e - s);
        if (ties > 0 && write.count > 0) {
          const ent = write.entries();
          const m = Math.min(ties, ent.length);
          for (let j = 0; j < m; j++) out[ent[j] >>> 16] = 0;
          ties -= m;
          z += m;
        }
        write.clearEntries();
        zeroed[ai] += z;
        if (this.inPlace[ai]) src.set(outBytes.subarray(0, (e - s) * 4), s * 4);
        else this.dstOf(ai).set(out.subarray(0, e - s), s);
        done += e - s;
        if (done >= nextTick) {
          nextTick += BAND_TICK;
          await this.tick(0.5 + (0.5 * done) / n);
        }
      }
    }
    await this.tick(1);
    const zerosAfter = t === 0 ? zerosBefore.slice() : zeroed.slice();
    return { k, key: t, below: below + cum, zeroed, zerosBefore, zerosAfter, route: 'band', kernel: scan.kernel };
  }

  /**
   * One pass: a sample of the keys (evenly spaced blocks of consecutive elements: cheap to read) brackets the k-th
   * smallest in a band [lo, hi) of ±7 standard errors of the sample quantile and guesses it; the pass writes the
   * outputs with keys below the guess zeroed, counts them, and records the band's keys and their histogram (band.ts).
   * If the counts show the k-th smallest inside the band it is resolved exactly among the band (resolveBand);
   * otherwise (a rare miss) undefined is returned and the caller runs the exact route.
   */
  async band(k: number, sampleSize: number): Promise<ZeroSmallestResult | undefined> {
    this.checkK(k);
    const n = this.n;
    const [lo, hi, guess, expected] = this.sampleBand(k, sampleSize);
    const capacity = this.options.bandCapacity ?? Math.min(n, Math.max(1 << 16, Math.ceil(2 * expected + 64)));
    const scan = bandScan(lo, hi - lo, guess, this.lengths, capacity, this.options.kernel);

    this.lengths.forEach((len, ai) => {
      if (len > 0) this.dsts[ai] ??= scan.output(ai);
    });
    const { cut: zeroed, below, zerosBefore, chunks, missed } = await this.bandPass(scan, capacity, k, false);
    if (missed) return undefined;
    await this.tick(0.5);
    const [key, candBelow] = this.resolveBand(scan, lo, chunks, k - below, zeroed);
    await this.tick(1);
    const zerosAfter = key === 0 ? zerosBefore.slice() : zeroed.slice();
    return { k, key, below: below + candBelow, zeroed, zerosBefore, zerosAfter, route: 'band', kernel: scan.kernel };
  }

  /**
   * The band [lo, hi) from a sample of `sampleSize` keys in evenly spaced blocks, the sample's guess of the k-th
   * smallest key (inside the band), and the number of weights the band is expected to hold.
   */
  private sampleBand(k: number, sampleSize: number): [number, number, number, number] {
    const n = this.n;
    const block = Math.max(1, Math.min(128, Math.floor(sampleSize / 256), n));
    const blocks = Math.max(1, Math.min(Math.floor(sampleSize / block), Math.floor(n / block)));
    const m = blocks * block;
    const sample = new Uint32Array(m);
    const sampleBytes = new Uint8Array(sample.buffer);
    const step = n / blocks;
    let ai = 0;
    let base = 0;
    for (let b = 0; b < blocks; b++) {
      let g = Math.min(n - block, Math.floor(b * step + (step - block) / 2));
      for (let j = 0; j < block; ) {
        while (g >= base + this.lengths[ai]) base += this.lengths[ai++];
        const take = Math.min(block - j, base + this.lengths[ai] - g);
        const src = this.sources[ai];
        sampleBytes.set(new Uint8Array(src.buffer, src.byteOffset + (g - base) * 4, take * 4), (b * block + j) * 4);
        j += take;
        g += take;
      }
    }
    const p = k / n;
    const delta = this.options.bandRanks ?? Math.ceil(7 * Math.sqrt(m * p * (1 - p))) + 16;
    const r = Math.floor(p * m);
    const [loKey, guess, hiKey] = keysAtRanks(sample, [Math.max(0, r - delta), Math.min(m - 1, r), Math.min(m - 1, r + delta)]);
    const lo = r - delta <= 0 ? 0 : loKey;
    const hi = r + delta >= m - 1 ? 0x80000000 : hiKey + 1;
    const expected = ((Math.min(m - 1, r + delta) - Math.max(0, r - delta) + 1) / m) * n;
    return [lo, hi, guess, expected];
  }

  /** The exact two-pass route (three passes when the threshold's bin is crowded). Progress from..to. */
  async exact(k: number, from: number, to: number): Promise<ZeroSmallestResult> {
    this.checkK(k);
    const mid = (from + to) / 2;
    // Pass A: histogram; exact zeros counted only where bin 0 (|w| < 2^-133) is populated.
    const h4 = new Uint32Array(4 * HIGH_BINS);
    const bin0 = () => h4[0] + h4[HIGH_BINS] + h4[2 * HIGH_BINS] + h4[3 * HIGH_BINS];
    const bin0Before = this.sources.map(() => 0);
    const bin0After = this.sources.map(() => 0);
    let lastA = -1;
    await this.pass(
      (a, s) => {
        if (a !== lastA) {
          bin0Before[a] = bin0();
          lastA = a;
        }
        histHigh(s, h4);
        bin0After[a] = bin0();
      },
      from,
      mid,
    );
    const zerosBefore = this.sources.map((_, a) => {
      if (bin0After[a] === bin0Before[a]) return 0;
      let z = 0;
      for (let s = 0; s < this.lengths[a]; s += CHUNK_ELEMENTS) {
        z += countZeros(bitsView(this.sources[a], s, Math.min(this.lengths[a], s + CHUNK_ELEMENTS), this.scratch));
      }
      return z;
    });
    if (k === 0) {
      return { k, key: -1, below: 0, zeroed: this.sources.map(() => 0), zerosBefore, zerosAfter: zerosBefore.slice(), route: 'none' };
    }

    // The bin that holds the k-th smallest key.
    let bin = 0;
    let belowBin = 0;
    for (; bin < HIGH_BINS; bin++) {
      const c = h4[bin] + h4[HIGH_BINS + bin] + h4[2 * HIGH_BINS + bin] + h4[3 * HIGH_BINS + bin];
      if (belowBin + c >= k) break;
      belowBin += c;
    }
    const inBin = h4[bin] + h4[HIGH_BINS + bin] + h4[2 * HIGH_BINS + bin] + h4[3 * HIGH_BINS + bin];
    const maxCandidates = this.options.maxCandidates ?? Math.max(1 << 20, Math.ceil(this.n / 16));
    const lo = bin << 16;
    const zeroed = this.sources.map(() => 0);

    let key: number;
    let below: number;
    let route: ZeroSmallestResult['route'];
    if (inBin <= maxCandidates) {
      route = 'candidates';
      // Pass B: write the output with keys below the bin zeroed; collect the bin's positions (array, then index order).
      const cand = new Uint32Array(inBin);
      const starts: number[] = [];
      let c = 0;
      await this.pass(
        (a, s, off) => {
          while (starts.length <= a) starts.push(c);
          const [z, got] = maskCollect(s, this.chunkDst(a, s, off), off, lo, bin, cand, c);
          zeroed[a] += z;
          c += got;
        },
        mid,
        to,
        true,
      );
      while (starts.length < this.sources.length) starts.push(c);
      starts.push(c);
      // All candidates share the high bits: their low 16 bits give the exact threshold.
      const low = new Uint32Array(LOW_BINS);
      for (let a = 0; a < this.sources.length; a++) {
        for (let j = starts[a]; j < starts[a + 1]; j++) low[this.outAt(a, cand[j]) & 0xffff]++;
      }
      const [t, cumBelow] = findLow(low, lo, k - belowBin);
      key = t;
      below = belowBin + cumBelow;
      let ties = k - below;
      for (let a = 0; a < this.sources.length; a++) {
        for (let j = starts[a]; j < starts[a + 1]; j++) {
          const i = cand[j];
          const kk = this.outAt(a, i) & 0x7fffffff;
          if (kk < t || (kk === t && ties > 0)) {
            if (kk === t) ties--;
            this.zeroAt(a, i);
            zeroed[a]++;
          }
        }
      }
    } else {
      route = 'refine';
      // Refining pass: the low 16 bits inside the bin give the exact threshold; then write zeros below it and the first ties.
      const low = new Uint32Array(LOW_BINS);
      await this.pass((_, s) => histLowInBin(s, bin, low), mid, (mid + to) / 2);
      const [t, cumBelow] = findLow(low, lo, k - belowBin);
      key = t;
      below = belowBin + cumBelow;
      let ties = k - below;
      await this.pass(
        (a, s, off) => {
          const [z, left] = maskTies(s, this.chunkDst(a, s, off), 0, t, ties);
          zeroed[a] += z;
          ties = left;
        },
        (mid + to) / 2,
        to,
        true,
      );
    }
    // With a threshold above 0 every zero (key 0) was selected, so the zeros after are exactly the selected ones.
    // With threshold 0 (more zeros than k), only zeros were selected and the zeros are unchanged.
    const zerosAfter = key === 0 ? zerosBefore.slice() : zeroed.slice();
    return { k, key, below, zeroed, zerosBefore, zerosAfter, route };
  }
}

/** h[key >>> 16]++ for the magnitude keys of bits[from, to). */
function countHigh(bits: Uint32Array, from: number, to: number, h: Uint32Array): void {
  for (let i = from; i < to; i++) h[(bits[i] << 1) >>> 17]++;
}

/** The low 16 bits of the magnitude keys of bits[from, to) whose high bits are b0, b1 or b2, counted in l0, l1, l2. */
function countLow(bits: Uint32Array, from: number, to: number, b0: number, b1: number, b2: number, l0: Uint32Array, l1: Uint32Array, l2: Uint32Array): void {
  for (let i = from; i < to; i++) {
    const hb = (bits[i] << 1) >>> 17;
    if (hb === b0) l0[bits[i] & 0xffff]++;
    else if (hb === b1) l1[bits[i] & 0xffff]++;
    else if (hb === b2) l2[bits[i] & 0xffff]++;
  }
}

/** Keys per call of the counting loops (small functions called many times get optimised early by V8). */
const COUNT_PIECE = 1 << 16;

/** The magnitude keys of the given ranks (0-based, ascending, at most three) among float32 bit patterns `keys`, by
 * one two-level 16-bit histogram. */
function keysAtRanks(keys: Uint32Array, ranks: readonly number[]): number[] {
  const h = new Uint32Array(HIGH_BINS);
  for (let i = 0; i < keys.length; i += COUNT_PIECE) countHigh(keys, i, Math.min(keys.length, i + COUNT_PIECE), h);
  const bins: number[] = [];
  const below: number[] = [];
  let bin = 0;
  let cum = 0;
  for (const r of ranks) {
    for (; bin < HIGH_BINS; bin++) {
      if (cum + h[bin] > r) break;
      cum += h[bin];
    }
    bins.push(bin);
    below.push(cum);
  }
  // The low 16 bits of the keys in the bins found (at most three distinct ones).
  const lows = new Map<number, Uint32Array>();
  for (const b of bins) if (!lows.has(b)) lows.set(b, new Uint32Array(LOW_BINS));
  const [b0, b1, b2] = [bins[0], bins[1] ?? bins[0], bins[2] ?? bins[0]];
  const [l0, l1, l2] = [lows.get(b0)!, lows.get(b1)!, lows.get(b2)!];
  for (let i = 0; i < keys.length; i += COUNT_PIECE) countLow(keys, i, Math.min(keys.length, i + COUNT_PIECE), b0, b1, b2, l0, l1, l2);
  return ranks.map((r, j) => findLow(lows.get(bins[j])!, bins[j] << 16, r - below[j] + 1)[0]);
}

/** The smallest key lo|j whose running count in `low` reaches need (>= 1), and the count below it. */
function findLow(low: Uint32Array, lo: number, need: number): [number, number] {
  let cum = 0;
  for (let j = 0; j < LOW_BINS; j++) {
    if (cum + low[j] >= need) return [lo | j, cum];
    cum += low[j];
  }
  throw new Error('unreachable: histogram total below k');
}

/** Bit-pattern view of a float32 array (no copy). */
export const bitsOf = (f: Float32Array): Uint32Array => new Uint32Array(f.buffer, f.byteOffset, f.length);

/**
 * The exact magnitude threshold of `values`: the k-th smallest |w| (k >= 1), without modifying them.
 */
export async function kthSmallestMagnitude(values: Float32Array, k: number): Promise<number> {
  if (k < 1 || k > values.length) throw new RangeError(`k must be in [1, ${values.length}], got ${k}`);
  const r = await pruneSmallest([new Uint8Array(values.buffer, values.byteOffset, values.byteLength)], k);
  return keyToMagnitude(r.key);
}
