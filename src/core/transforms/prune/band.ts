import { I32, module, op, PAGE_BYTES, V128, wasmApi, type ValType, type WasmFunction, type WasmMemory } from '../common/wasm';

/**
 * The one pass of the band route (see threshold.ts): copies float32 weights into their outputs with every magnitude
 * key below `cut` zeroed (a bin boundary inside the band at the sample's guess of the threshold), counts those keys
 * and the exact zeros, and for each key inside the band [lo, lo + width) records an entry (its place and its bin in
 * a 65536-bin histogram of (key - lo) >>> shift). The exact threshold is then found without a sort and without
 * keeping the band's keys, and only the entries between the guess and the threshold need fixing in the outputs.
 *
 * Two kernels with identical results: WebAssembly with 128-bit SIMD (four keys per instruction), used where
 * available, and plain JS. The WebAssembly kernel works on the outputs in place: they are views into its memory
 * (one buffer for all of them, sized once and never grown; such a buffer cannot be transferred to another thread,
 * only copied). Work goes in chunks of BAND_CHUNK elements, which stay in cache between the copy and the masking.
 */

export const BAND_CHUNK = 1 << 16;
export const HIST_BINS = 1 << 16;

/** 'auto': WebAssembly where available for selections of WASM_MIN weights or more, else JS. 'wasm': wherever available. */
export type BandKernel = 'auto' | 'wasm' | 'js';
export const WASM_MIN = 1 << 18;

export interface BandScan {
  readonly kernel: 'wasm' | 'js';
  /** Band keys per bin: (key - lo) >>> shift. */
  readonly hist: Int32Array;
  readonly shift: number;
  /** Keys below `cut` = lo + (cutBin << shift) are zeroed by run(). */
  readonly cutBin: number;
  /** Entries collected so far. */
  readonly count: number;
  /** Exact zeros (+0, -0) in the last chunk. */
  readonly zeros: number;
  /** The output of array ai (all its elements, zeros until run). */
  output(ai: number): Uint32Array;
  /**
   * output(ai)[off + i] = the i-th float32 of src (little-endian bytes, any alignment, n <= BAND_CHUNK values) with
   * keys < cut zeroed. For each key of the chunk inside the band, in order, appends the entry (i << 16) | bin.
   * Returns how many keys were below cut.
   */
  run(src: Uint8Array, ai: number, off: number, n: number): number;
  /** The entries collected (a view, valid until the next run). */
  entries(): Int32Array;
  /** Forgets the entries collected so far (count back to 0; the histogram is kept). */
  clearEntries(): void;
}

/** The band [lo, lo + width) and its histogram's bins; keys below cut = lo + (cutBin << shift) are zeroed in the pass. */
interface Band {
  lo: number;
  w1: number;
  shift: number;
  cutBin: number;
  cut: number;
}

/**
 * A scan for arrays of `lengths` elements and the band [lo, lo + width), zeroing the keys below the start of the
 * bin that holds `guess` (in the band). `capacity`: the caller stops once more entries than this were collected
 * (the WebAssembly kernel reserves that much, plus one chunk).
 */
export function bandScan(lo: number, width: number, guess: number, lengths: readonly number[], capacity: number, kernel: BandKernel = 'auto'): BandScan {
  let shift = 0;
  while ((width - 1) / 2 ** shift >= HIST_BINS) shift++;
  const cutBin = Math.min(Math.max(0, guess - lo), width - 1) >>> shift;
  const band: Band = { lo, w1: width - 1, shift, cutBin, cut: lo + cutBin * 2 ** shift };
  const n = lengths.reduce((a, b) => a + b, 0);
  const wasm = kernel === 'wasm' || (kernel === 'auto' && n >= WASM_MIN) ? WasmBand.create(band, lengths, capacity) : undefined;
  return wasm ?? new JsBand(band, lengths);
}

/* ------------------------------------------------------------------ plain JS ------------------------------------------------------------------ */

/**
 * In place on d[from, to): keys < cut zeroed (branch-free); entries ((i - from) << 16 | bin) and histogram counts of
 * the keys in [lo, lo + w1] (e | (w1 - e) has its sign bit clear exactly then; one test per four keys). st[0]:
 * entries so far, in and out; st[1]: negative when some key is 0. Returns the count of keys < cut.
 */
function bandKernel(d: Int32Array, from: number, to: number, lo: number, w1: number, shift: number, cut: number, h: Int32Array, ent: Int32Array, st: Int32Array): number {
  let below = 0;
  let anyZero = 0;
  let c = st[0];
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const v0 = d[i], v1 = d[i + 1], v2 = d[i + 2], v3 = d[i + 3];
    const k0 = v0 & 0x7fffffff, k1 = v1 & 0x7fffffff, k2 = v2 & 0x7fffffff, k3 = v3 & 0x7fffffff;
    // Keys, lo and cut are below 2^31: no difference here overflows.
    const e0 = k0 - lo, e1 = k1 - lo, e2 = k2 - lo, e3 = k3 - lo;
    const b0 = (k0 - cut) >> 31, b1 = (k1 - cut) >> 31, b2 = (k2 - cut) >> 31, b3 = (k3 - cut) >> 31;
    d[i] = v0 & ~b0;
    d[i + 1] = v1 & ~b1;
    d[i + 2] = v2 & ~b2;
    d[i + 3] = v3 & ~b3;
    below += b0 + b1 + b2 + b3;
    anyZero |= (k0 - 1) | (k1 - 1) | (k2 - 1) | (k3 - 1);
    if (((e0 | (w1 - e0)) & (e1 | (w1 - e1)) & (e2 | (w1 - e2)) & (e3 | (w1 - e3))) >= 0) {
      if ((e0 | (w1 - e0)) >= 0) {
        const bin = e0 >>> shift;
        ent[c++] = ((i - from) << 16) | bin;
        h[bin]++;
      }
      if ((e1 | (w1 - e1)) >= 0) {
        const bin = e1 >>> shift;
        ent[c++] = ((i + 1 - from) << 16) | bin;
        h[bin]++;
      }
      if ((e2 | (w1 - e2)) >= 0) {
        const bin = e2 >>> shift;
        ent[c++] = ((i + 2 - from) << 16) | bin;
        h[bin]++;
      }
      if ((e3 | (w1 - e3)) >= 0) {
        const bin = e3 >>> shift;
        ent[c++] = ((i + 3 - from) << 16) | bin;
        h[bin]++;
      }
    }
  }
  st[0] = c;
  st[1] = anyZero;
  return -below;
}

/** bandKernel, one element at a time (the last elements of a chunk; a separate function so that bandKernel's loop is
 * its last code: V8 would otherwise deoptimise it at a loop that had never run when it was optimised). */
function bandKernelTail(d: Int32Array, from: number, start: number, to: number, lo: number, w1: number, shift: number, cut: number, h: Int32Array, ent: Int32Array, st: Int32Array): number {
  let below = 0;
  let anyZero = st[1];
  let c = st[0];
  for (let i = start; i < to; i++) {
    const v = d[i];
    const k = v & 0x7fffffff;
    const e = k - lo;
    const b = (k - cut) >> 31;
    d[i] = v & ~b;
    below += b;
    anyZero |= k - 1;
    if ((e | (w1 - e)) >= 0) {
      const bin = e >>> shift;
      ent[c++] = ((i - from) << 16) | bin;
      h[bin]++;
    }
  }
  st[0] = c;
  st[1] = anyZero;
  return -below;
}

function countZeroKeys(u: Int32Array): number {
  let z = 0;
  for (let i = 0; i < u.length; i++) if (u[i] << 1 === 0) z++;
  return z;
}

class JsBand implements BandScan {
  readonly kernel = 'js';
  readonly hist = new Int32Array(HIST_BINS);
  readonly shift: number;
  readonly cutBin: number;
  zeros = 0;
  private ent = new Int32Array(BAND_CHUNK);
  private readonly st = new Int32Array(2);
  private readonly outputs: (Uint32Array | undefined)[];
  private scratch: Int32Array | undefined;

  constructor(
    private readonly band: Band,
    private readonly lengths: readonly number[],
  ) {
    this.shift = band.shift;
    this.cutBin = band.cutBin;
    this.outputs = lengths.map(() => undefined);
  }

  get count(): number {
    return this.st[0];
  }

  output(ai: number): Uint32Array {
    return (this.outputs[ai] ??= new Uint32Array(this.lengths[ai]));
  }

  run(src: Uint8Array, ai: number, off: number, n: number): number {
    if (this.ent.length < this.st[0] + n) {
      const grown = new Int32Array(Math.max(2 * this.ent.length, this.st[0] + n));
      grown.set(this.ent.subarray(0, this.st[0]));
      this.ent = grown;
    }
    const dst = this.output(ai);
    new Uint8Array(dst.buffer, dst.byteOffset + off * 4, n * 4).set(src.subarray(0, n * 4));
    const d = new Int32Array(dst.buffer, dst.byteOffset, dst.length);
    const n4 = n - (n % 4);
    const { lo, w1, shift, cut } = this.band;
    let below = bandKernel(d, off, off + n4, lo, w1, shift, cut, this.hist, this.ent, this.st);
    if (n4 < n) below += bandKernelTail(d, off, off + n4, off + n, lo, w1, shift, cut, this.hist, this.ent, this.st);
    // Exact zeros are counted from the source, only in the (rare) chunks that have one.
    this.zeros = this.st[1] < 0 ? countZeroKeys(this.sourceBits(src, n)) : 0;
    return below;
  }

  private sourceBits(src: Uint8Array, n: number): Int32Array {
    if (src.byteOffset % 4 === 0) return new Int32Array(src.buffer, src.byteOffset, n);
    if (!this.scratch || this.scratch.length < n) this.scratch = new Int32Array(Math.max(n, BAND_CHUNK));
    new Uint8Array(this.scratch.buffer, 0, n * 4).set(src.subarray(0, n * 4));
    return this.scratch.subarray(0, n);
  }

  entries(): Int32Array {
    return this.ent.subarray(0, this.st[0]);
  }

  clearEntries(): void {
    this.st[0] = 0;
  }
}

/* ------------------------------------------------------------------ WebAssembly ------------------------------------------------------------------ */

/*
 * Memory layout (bytes): [0, 64) results, [HIST, +4 * HIST_BINS) the histogram, then the outputs (each 16-byte
 * aligned), then room for the entries. Sized once (below 2 GiB, so that every address is a positive i32).
 */
const RESULTS = 0;
const HIST = 64;
const OUTPUTS = HIST + 4 * HIST_BINS;
const MAX_PAGES = 32767;

/*
 * band(ptr, n, lo, w1, shift, pos, cut) -> keys below cut, on the n values at byte ptr, in place. Entries are
 * appended at byte `pos`; the new end goes to RESULTS[0], the count of exact zeros to RESULTS[1].
 *
 *   for each 4 values v:  k = v & 0x7fffffff; e = k - lo; b = (k - cut) >> 31 (all ones below cut)
 *                         store v & ~b; below += b; zeros += (k == 0)
 *                         out = bitmask(e | (w1 - e))   (lane bit set: outside the band)
 *                         if out != 15: for each lane j in the band: bin = e_j >>> shift; append (i + j) << 16 | bin;
 *                                       hist[bin]++
 *   then the (up to 3) remaining values one at a time, the same way.
 */
const P = { ptr: 0, n: 1, lo: 2, w1: 3, shift: 4, pos: 5, cut: 6 };
const L = { p: 7, end: 8, end4: 9, idx: 10, bits: 11, below: 12, zeros: 13, v: 14, e: 15, addr: 16, k: 17 };
const V = { LO: 18, W1: 19, MASK: 20, ZERO: 21, accb: 22, accz: 23, v: 24, k: 25, e: 26, b: 27, CUT: 28 };

/**
 * Appends the entry (index << 16) | bin and counts the bin, where bin = e >>> shift (`index` and `e`: instructions
 * that leave them on the stack).
 */
const collect = (index: number[][], e: number[][]): number[][] => [
  ...e, op.get(P.shift), op.shrU, op.set(L.addr),
  op.get(P.pos), ...index, op.i32(16), op.shl, op.get(L.addr), op.or, op.store,
  op.get(P.pos), op.i32(4), op.add, op.set(P.pos),
  op.get(L.addr), op.i32(2), op.shl, op.i32(HIST), op.add, op.tee(L.addr),
  op.get(L.addr), op.load, op.i32(1), op.add, op.store,
];

const laneInBand = (j: number): number[][] => [
  op.get(L.bits), op.i32(1 << j), op.and, op.eqz, op.if,
  ...collect([op.get(L.idx), op.i32(j), op.add], [op.get(V.e), op.lane(j)]),
  op.end,
];

const bandBody: number[][] = [
  op.get(P.ptr), op.set(L.p),
  op.get(P.ptr), op.get(P.n), op.i32(2), op.shl, op.add, op.set(L.end),
  op.get(P.ptr), op.get(P.n), op.i32(-4), op.and, op.i32(2), op.shl, op.add, op.set(L.end4),
  op.get(P.lo), op.splat, op.set(V.LO),
  op.get(P.cut), op.splat, op.set(V.CUT),
  op.get(P.w1), op.splat, op.set(V.W1),
  op.i32(0x7fffffff), op.splat, op.set(V.MASK),
  op.i32(0), op.splat, op.set(V.ZERO),
  // four at a time
  op.block, op.loop,
  op.get(L.p), op.get(L.end4), op.geU, op.brIf(1),
  op.get(L.p), op.vload, op.tee(V.v), op.get(V.MASK), op.vand, op.tee(V.k),
  op.get(V.LO), op.vsub, op.set(V.e),
  op.get(V.k), op.get(V.CUT), op.vsub, op.i32(31), op.vshrS, op.set(V.b),
  op.get(L.p), op.get(V.v), op.get(V.b), op.vandnot, op.vstore,
  op.get(V.accb), op.get(V.b), op.vadd, op.set(V.accb),
  op.get(V.accz), op.get(V.k), op.get(V.ZERO), op.veq, op.vadd, op.set(V.accz),
  op.get(V.e), op.get(V.W1), op.get(V.e), op.vsub, op.vor, op.bitmask, op.tee(L.bits), op.i32(15), op.ne,
  op.if,
  op.get(L.p), op.get(P.ptr), op.sub, op.i32(2), op.shrU, op.set(L.idx),
  ...laneInBand(0), ...laneInBand(1), ...laneInBand(2), ...laneInBand(3),
  op.end,
  op.get(L.p), op.i32(16), op.add, op.set(L.p),
  op.br(0),
  op.end, op.end,
  // the rest, one at a time
  op.block, op.loop,
  op.get(L.p), op.get(L.end), op.geU, op.brIf(1),
  op.get(L.p), op.load, op.tee(L.v), op.i32(0x7fffffff), op.and, op.tee(L.k), op.get(P.lo), op.sub, op.set(L.e),
  op.get(L.p), op.get(L.v), op.get(L.k), op.get(P.cut), op.sub, op.i32(31), op.shrS, op.i32(-1), op.xor, op.and, op.store,
  op.get(L.below), op.get(L.k), op.get(P.cut), op.sub, op.i32(31), op.shrS, op.add, op.set(L.below),
  op.get(L.zeros), op.get(L.k), op.eqz, op.add, op.set(L.zeros),
  op.get(L.e), op.get(P.w1), op.get(L.e), op.sub, op.or, op.i32(0), op.geS,
  op.if,
  ...collect([op.get(L.p), op.get(P.ptr), op.sub, op.i32(2), op.shrU], [op.get(L.e)]),
  op.end,
  op.get(L.p), op.i32(4), op.add, op.set(L.p),
  op.br(0),
  op.end, op.end,
  // results
  op.i32(RESULTS), op.get(P.pos), op.store,
  op.i32(RESULTS + 4),
  op.get(L.zeros), op.get(V.accz), op.lane(0), op.sub, op.get(V.accz), op.lane(1), op.sub,
  op.get(V.accz), op.lane(2), op.sub, op.get(V.accz), op.lane(3), op.sub,
  op.store,
  op.i32(0), op.get(L.below), op.sub,
  op.get(V.accb), op.lane(0), op.sub, op.get(V.accb), op.lane(1), op.sub,
  op.get(V.accb), op.lane(2), op.sub, op.get(V.accb), op.lane(3), op.sub,
];

let compiled: object | null | undefined;

function compiledModule(): object | undefined {
  if (compiled === undefined) {
    compiled = null;
    const api = wasmApi();
    if (api) {
      try {
        const band: WasmFunction = {
          params: [I32, I32, I32, I32, I32, I32, I32],
          results: [I32],
          locals: [...Array<ValType>(11).fill(I32), ...Array<ValType>(11).fill(V128)],
          body: bandBody,
          export: 'band',
        };
        compiled = new api.Module(module([band], true, 1));
      } catch {
        compiled = null;
      }
    }
  }
  return compiled ?? undefined;
}

type BandFn = (ptr: number, n: number, lo: number, w1: number, shift: number, pos: number, cut: number) => number;

const align16 = (x: number) => Math.ceil(x / 16) * 16;

class WasmBand implements BandScan {
  readonly kernel = 'wasm';
  readonly shift: number;
  readonly cutBin: number;
  readonly hist: Int32Array;
  zeros = 0;
  private posEnd: number;
  private readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly outputs: Uint32Array[];
  private readonly entriesAt: number;

  private constructor(
    private readonly fn: BandFn,
    memory: WasmMemory,
    offsets: number[],
    lengths: readonly number[],
    private readonly band: Band,
  ) {
    this.shift = band.shift;
    this.cutBin = band.cutBin;
    this.bytes = new Uint8Array(memory.buffer);
    this.words = new Int32Array(memory.buffer);
    this.hist = new Int32Array(memory.buffer, HIST, HIST_BINS);
    this.outputs = lengths.map((len, ai) => new Uint32Array(memory.buffer, offsets[ai], len));
    this.entriesAt = offsets[lengths.length];
    this.posEnd = this.entriesAt;
  }

  static create(band: Band, lengths: readonly number[], capacity: number): WasmBand | undefined {
    const mod = compiledModule();
    const api = wasmApi();
    if (!mod || !api) return undefined;
    const offsets: number[] = [];
    let at = OUTPUTS;
    for (const len of lengths) {
      offsets.push(at);
      at = align16(at + 4 * len);
    }
    offsets.push(at);
    const pages = Math.ceil((at + 4 * (capacity + BAND_CHUNK + 1)) / PAGE_BYTES);
    if (pages > MAX_PAGES) return undefined;
    let memory: WasmMemory;
    try {
      memory = new api.Memory({ initial: pages, maximum: pages });
    } catch {
      return undefined; // out of address space or memory: the JS kernel needs less at once
    }
    const inst = new api.Instance(mod, { env: { memory } });
    return new WasmBand(inst.exports.band as BandFn, memory, offsets, lengths, band);
  }

  get count(): number {
    return (this.posEnd - this.entriesAt) >> 2;
  }

  output(ai: number): Uint32Array {
    return this.outputs[ai];
  }

  run(src: Uint8Array, ai: number, off: number, n: number): number {
    const ptr = this.outputs[ai].byteOffset + off * 4;
    this.bytes.set(src.subarray(0, n * 4), ptr);
    const { lo, w1, shift, cut } = this.band;
    const below = this.fn(ptr, n, lo, w1, shift, this.posEnd, cut);
    this.posEnd = this.words[RESULTS >> 2];
    this.zeros = this.words[(RESULTS >> 2) + 1];
    return below;
  }

  entries(): Int32Array {
    return new Int32Array(this.bytes.buffer, this.entriesAt, this.count);
  }

  clearEntries(): void {
    this.posEnd = this.entriesAt;
  }
}
