/**
 * The loops and keys under the exact magnitude selection (threshold.ts explains the method): magnitude keys of
 * float32 bit patterns, views of little-endian float32 bytes at any alignment, and the histogram/mask kernels of the
 * exact route. Hot loops are top-level functions with plain arguments, so V8 keeps them in registers.
 */

/** Bins of the high-bits histogram: key >>> 16 (keys have 31 significant bits). */
export const HIGH_BINS = 1 << 15;
export const LOW_BINS = 1 << 16;
/** Elements per kernel call between progress/cancellation checks. */
export const CHUNK_ELEMENTS = 1 << 22;

/** Magnitude key of a float32 bit pattern: its bits with the sign cleared, ordered like |w| (see threshold.ts). */
export const magnitudeKey = (bits: number): number => (bits & 0x7fffffff) >>> 0;

/** The float32 value |w| of a magnitude key. */
export function keyToMagnitude(key: number): number {
  const u = new Uint32Array([key >>> 0]);
  return new Float32Array(u.buffer)[0];
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
export const bytesOf = (u: Uint32Array): Float32Bytes => new Uint8Array(u.buffer, u.byteOffset, u.byteLength);

/** The bits of element i of `src` (little-endian float32 bytes, any alignment). */
export const bitsAt = (src: Float32Bytes, i: number): number => src[4 * i] | (src[4 * i + 1] << 8) | (src[4 * i + 2] << 16) | (src[4 * i + 3] << 24);

/** Bit-pattern view of a float32 array (no copy). */
export const bitsOf = (f: Float32Array): Uint32Array => new Uint32Array(f.buffer, f.byteOffset, f.length);

/* ------------------------------------------------------------- kernels ------------------------------------------------------------- */

/** Adds keys >>> 16 of u to four interleaved histograms (4 * HIGH_BINS). */
export function histHigh(u: Uint32Array, h: Uint32Array): void {
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
export function maskCollect(
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
export function histLowInBin(s: Uint32Array, bin: number, h: Uint32Array): void {
  for (let i = 0; i < s.length; i++) {
    const k = s[i] & 0x7fffffff;
    if (k >>> 16 === bin) h[k & 0xffff]++;
  }
}

/** dst[off + i] = s[i] with keys < t zeroed (branch-free) and the first `ties` keys === t. Returns [zeroed, ties left]. */
export function maskTies(s: Uint32Array, dst: Uint32Array, off: number, t: number, ties: number): [number, number] {
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

/* ------------------------------------------------------ ranks of a sample ------------------------------------------------------ */

/** h[key >>> 16]++ for the magnitude keys of bits[from, to). */
export function countHigh(bits: Uint32Array, from: number, to: number, h: Uint32Array): void {
  for (let i = from; i < to; i++) h[(bits[i] << 1) >>> 17]++;
}

/** The low 16 bits of the magnitude keys of bits[from, to) whose high bits are b0, b1 or b2, counted in l0, l1, l2. */
export function countLow(bits: Uint32Array, from: number, to: number, b0: number, b1: number, b2: number, l0: Uint32Array, l1: Uint32Array, l2: Uint32Array): void {
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
export function keysAtRanks(keys: Uint32Array, ranks: readonly number[]): number[] {
  // A few thousand keys sort faster than two histograms are cleared and scanned; same keys either way.
  if (keys.length <= SMALL_SORT) {
    const sorted = keys.map((b) => b & 0x7fffffff).sort();
    return ranks.map((r) => sorted[r]);
  }
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

/** Up to this many keys, selecting by sorting a copy is cheaper than the 2^15 + 2^16-bin histograms. */
export const SMALL_SORT = 2048;

/**
 * findLow for a few keys that share their high bits (`lows`: their low 16 bits, any order; sorted in place): the
 * smallest key lo|j whose running count reaches need (>= 1), and the count below it. Same answer as building the
 * 2^16-bin histogram and calling findLow.
 */
export function findLowSorted(lows: Uint32Array, lo: number, need: number): [number, number] {
  lows.sort();
  const j = lows[need - 1];
  let below = need - 1;
  while (below > 0 && lows[below - 1] === j) below--;
  return [lo | j, below];
}

/**
 * Zero-filled histogram buffers, reused across selections: a fresh 512 KiB array costs page faults and garbage
 * collection on every call, which dominates selecting from small tensors (a model with thousands of small layers
 * pruned per layer). take() hands a buffer out exclusively; give() returns it.
 */
const spare: Uint32Array[] = [];
export const bins = {
  take(length: number): Uint32Array {
    const i = spare.findIndex((b) => b.length === length);
    return i < 0 ? new Uint32Array(length) : spare.splice(i, 1)[0].fill(0);
  },
  give(b: Uint32Array): void {
    if (spare.length < 4) spare.push(b);
  },
};

/**
 * The high bin that holds the k-th smallest key (1 <= k <= the histograms' total) of the four interleaved high-bit
 * histograms (histHigh), the count below it and the count in it. A function of its own: a loop over 2^15 bins stays
 * optimized here whatever the caller's state (inside the selection's async route, deoptimized by varied inputs, it ran
 * ~1 ms a call).
 */
export function kthHighBin(h4: Uint32Array, k: number): [bin: number, below: number, inBin: number] {
  let below = 0;
  for (let bin = 0; bin < HIGH_BINS; bin++) {
    const c = h4[bin] + h4[HIGH_BINS + bin] + h4[2 * HIGH_BINS + bin] + h4[3 * HIGH_BINS + bin];
    if (below + c >= k) return [bin, below, c];
    below += c;
  }
  throw new RangeError(`kthHighBin: k = ${k} is more than the histograms hold (${below})`);
}

/** The smallest key lo|j whose running count in `low` reaches need (>= 1), and the count below it. */
export function findLow(low: Uint32Array, lo: number, need: number): [number, number] {
  let cum = 0;
  for (let j = 0; j < LOW_BINS; j++) {
    if (cum + low[j] >= need) return [lo | j, cum];
    cum += low[j];
  }
  throw new Error('unreachable: histogram total below k');
}
