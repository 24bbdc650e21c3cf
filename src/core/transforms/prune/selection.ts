/**
 * One selection of the k smallest magnitudes over several float32 sources (threshold.ts explains the method): the
 * sources, their outputs (fresh copies, or the sources themselves in place), progress, and the exact route (two
 * passes, three when the threshold's bin is crowded). The one-pass band route lives in band-route.ts.
 */

import type { BandKernel } from './band';
import {
  bitsAt,
  bitsView,
  CHUNK_ELEMENTS,
  countZeros,
  findLow,
  findLowSorted,
  bins,
  SMALL_SORT,
  HIGH_BINS,
  histHigh,
  histLowInBin,
  kthHighBin,
  LOW_BINS,
  maskCollect,
  maskTies,
  type Float32Bytes,
} from './magnitude-kernels';

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
   * output is then undefined. Any in-place source makes the band route take its two-pass variant (band-route.ts: the
   * input stays untouched until the threshold is known). Same results.
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

const noop = () => {};

export class Selection {
  readonly lengths: number[];
  readonly n: number;
  private readonly scratch: { buf?: Uint32Array } = {};
  private readonly tickFn: (fraction: number) => void | Promise<void>;
  private progress = 0;
  /** Per source: pruned in place through the aligned scratch (unaligned bytes): each chunk is written back. */
  private readonly writeBack: boolean[];

  /** inPlace[ai]: the output of source ai is the source itself. */
  constructor(
    readonly sources: readonly Float32Bytes[],
    readonly dsts: (Uint32Array | undefined)[],
    readonly options: ZeroSmallestOptions,
    readonly inPlace: readonly boolean[] = [],
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

  checkK(k: number) {
    if (!Number.isInteger(k) || k < 0 || k > this.n) throw new RangeError(`k must be an integer in [0, ${this.n}], got ${k}`);
  }

  async tick(fraction: number) {
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

  /** The output of source ai (allocated on first use). */
  dstOf(ai: number): Uint32Array {
    let d = this.dsts[ai];
    if (!d) this.dsts[ai] = d = new Uint32Array(this.lengths[ai]);
    return d;
  }

  /** The exact two-pass route (three passes when the threshold's bin is crowded). Progress from..to. */
  async exact(k: number, from: number, to: number): Promise<ZeroSmallestResult> {
    this.checkK(k);
    const mid = (from + to) / 2;
    // Pass A: histogram; exact zeros counted only where bin 0 (|w| < 2^-133) is populated.
    const h4 = bins.take(4 * HIGH_BINS);
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
      bins.give(h4);
      return { k, key: -1, below: 0, zeroed: this.sources.map(() => 0), zerosBefore, zerosAfter: zerosBefore.slice(), route: 'none' };
    }

    // The bin that holds the k-th smallest key.
    const [bin, belowBin, inBin] = kthHighBin(h4, k);
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
      // All candidates share the high bits: their low 16 bits give the exact threshold (a few are sorted, many
      // counted in a 2^16-bin histogram: same threshold).
      let t: number;
      let cumBelow: number;
      if (inBin <= SMALL_SORT) {
        const lows = new Uint32Array(inBin);
        let q = 0;
        for (let a = 0; a < this.sources.length; a++) {
          for (let j = starts[a]; j < starts[a + 1]; j++) lows[q++] = this.outAt(a, cand[j]) & 0xffff;
        }
        [t, cumBelow] = findLowSorted(lows, lo, k - belowBin);
      } else {
        const low = bins.take(LOW_BINS);
        for (let a = 0; a < this.sources.length; a++) {
          for (let j = starts[a]; j < starts[a + 1]; j++) low[this.outAt(a, cand[j]) & 0xffff]++;
        }
        [t, cumBelow] = findLow(low, lo, k - belowBin);
        bins.give(low);
      }
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
      const low = bins.take(LOW_BINS);
      await this.pass((_, s) => histLowInBin(s, bin, low), mid, (mid + to) / 2);
      const [t, cumBelow] = findLow(low, lo, k - belowBin);
      bins.give(low);
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
    bins.give(h4);
    return { k, key, below, zeroed, zerosBefore, zerosAfter, route };
  }
}
