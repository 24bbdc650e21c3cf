/**
 * Number crunching for quantization: per-channel ranges, int8/uint8 quantization, float16 conversion.
 * Typed arrays only, no per-element allocation, one pass per job. Per-column layouts (MatMul weights [K, N] with N a
 * multiple of 4) run both passes in WebAssembly SIMD where available (simd.ts), with the same results.
 *
 * Layout: a tensor seen as [outer, channels, inner] (row-major), so element (o, c, i) is at (o * channels + c) * inner + i.
 * Per-tensor is { outer: 1, channels: 1, inner: n }; MatMul weights [K, N] quantized per output column are
 * { outer: K, channels: N, inner: 1 }; Conv weights [M, C/g, kh, kw] per output channel are { outer: 1, channels: M, inner: rest }.
 *
 * Rounding. Quantization computes q = round(v / scale) + zp. The inner loops use
 *   t = (v * inv + (zp + bias + 0.5)) | 0       (inv = 1 / scale; bias = 128 for int8, 0 for uint8; byte = t ^ 0x80 for int8)
 * `| 0` truncates toward zero, which is floor() because the bias keeps the sum positive, so t = floor(x + 0.5) =
 * Math.round(x): round half up (-2.5 -> -2, 2.5 -> 3), identical to Math.round on every float32 x and on exact ties;
 * for float64 x it can differ only within ~2^-45 below a tie, where the addition rounds up (a one-step difference on a
 * value that is half a step from both neighbours). Math.round costs about 3x more. ONNX's QuantizeLinear rounds half to
 * even instead: on exact ties (v / scale = k + 0.5) results differ by one step, with the same half-step error. Tests
 * compare with Math.round with fast-check. There is no clamp: quantParams makes the range safe (see quantizeInto).
 */

import { simdColumns } from './simd';

export interface Layout {
  outer: number;
  channels: number;
  inner: number;
}

/** Elements per piece when copying unaligned data into an aligned scratch buffer. */
const CHUNK = 1 << 16;

/**
 * Float32 values behind little-endian bytes (raw_data or an external file view). raw_data views are often not
 * 4-byte aligned: then values are copied piece by piece into a reused scratch buffer instead of copying the tensor.
 */
export class F32Source {
  readonly length: number;
  private readonly direct: Float32Array | undefined;
  private readonly directBits: Int32Array | undefined;
  private scratch: Float32Array | undefined;
  private scratchBits: Int32Array | undefined;
  private scratchBytes: Uint8Array | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    length: number,
  ) {
    this.length = length;
    if (bytes.byteOffset % 4 === 0) {
      this.direct = new Float32Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
      this.directBits = new Int32Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
    }
  }

  get aligned(): boolean {
    return this.direct !== undefined;
  }

  /** Copies elements [start, start + len) as bytes into `to` at byte `at`. */
  copyBytes(start: number, len: number, to: Uint8Array, at: number): void {
    to.set(new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + start * 4, len * 4), at);
  }

  /** Elements [start, start + len) as a Float32Array, valid until the next call (a view when aligned). */
  view(start: number, len: number): Float32Array {
    if (this.direct) return this.direct.subarray(start, start + len);
    this.fill(start, len);
    return this.scratch!.length === len ? this.scratch! : this.scratch!.subarray(0, len);
  }

  /** The same elements as int32 bit patterns (shares the scratch buffer with view()). */
  bits(start: number, len: number): Int32Array {
    if (this.directBits) return this.directBits.subarray(start, start + len);
    this.fill(start, len);
    return this.scratchBits!.length === len ? this.scratchBits! : this.scratchBits!.subarray(0, len);
  }

  private fill(start: number, len: number): void {
    if (!this.scratch || this.scratch.length < len) {
      this.scratch = new Float32Array(Math.max(len, CHUNK));
      this.scratchBits = new Int32Array(this.scratch.buffer);
      this.scratchBytes = new Uint8Array(this.scratch.buffer);
    }
    this.copyBytes(start, len, this.scratchBytes!, 0);
  }
}

/* Hot loops: top-level functions with plain arguments (no closures), so that V8 keeps everything in registers. */

/*
 * max |v| works on bit patterns: |v| orders like (bits & 0x7fffffff) as a signed integer (IEEE 754), so the loops
 * compare integers, with no float conversion. A NaN has a key above +Infinity's (0x7f800000): the float routine,
 * which ignores NaN, redoes such (rare) tensors.
 */
const INF_KEY = 0x7f800000;

/**
 * rows x C values (channel = column), columns [0, C8) (C8 a multiple of 8), 8 at a time with their maxima in registers
 * over the rows of the block (one load per value, no read-modify-write of the accumulators). The other columns go
 * to maxKeyColsTail: a loop here that never runs would leave V8 without type feedback at its end, and every call
 * optimised mid-loop (on-stack replacement) would then deoptimise there.
 */
function maxKeyCols(u: Int32Array, rows: number, C: number, C8: number, mx: Int32Array): void {
  const end = rows * C;
  for (let j = 0; j < C8; j += 8) {
    let m0 = mx[j], m1 = mx[j + 1], m2 = mx[j + 2], m3 = mx[j + 3], m4 = mx[j + 4], m5 = mx[j + 5], m6 = mx[j + 6], m7 = mx[j + 7];
    for (let p = j; p < end; p += C) {
      const k0 = u[p] & 0x7fffffff, k1 = u[p + 1] & 0x7fffffff, k2 = u[p + 2] & 0x7fffffff, k3 = u[p + 3] & 0x7fffffff;
      const k4 = u[p + 4] & 0x7fffffff, k5 = u[p + 5] & 0x7fffffff, k6 = u[p + 6] & 0x7fffffff, k7 = u[p + 7] & 0x7fffffff;
      if (k0 > m0) m0 = k0;
      if (k1 > m1) m1 = k1;
      if (k2 > m2) m2 = k2;
      if (k3 > m3) m3 = k3;
      if (k4 > m4) m4 = k4;
      if (k5 > m5) m5 = k5;
      if (k6 > m6) m6 = k6;
      if (k7 > m7) m7 = k7;
    }
    mx[j] = m0; mx[j + 1] = m1; mx[j + 2] = m2; mx[j + 3] = m3; mx[j + 4] = m4; mx[j + 5] = m5; mx[j + 6] = m6; mx[j + 7] = m7;
  }
}

/** Columns [j0, C) of a block, one at a time (see maxKeyCols). */
function maxKeyColsTail(u: Int32Array, rows: number, C: number, j0: number, mx: Int32Array): void {
  const end = rows * C;
  for (let j = j0; j < C; j++) {
    let m = mx[j];
    for (let p = j; p < end; p += C) {
      const k = u[p] & 0x7fffffff;
      if (k > m) m = k;
    }
    mx[j] = m;
  }
}

function maxKeySpan(u: Int32Array, n: number, m: number): number {
  for (let i = 0; i < n; i++) {
    const k = u[i] & 0x7fffffff;
    if (k > m) m = k;
  }
  return m;
}

function maxAbsSpan(a: Float32Array, n: number, m: number): number {
  for (let i = 0; i < n; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/**
 * Per-channel max |v| (what symmetric quantization needs: one compare per value instead of two), returned as
 * min = -max, max = max. NaN ignored.
 */
export function channelMaxAbs(src: F32Source, L: Layout): { min: Float64Array; max: Float64Array } {
  const C = L.channels;
  const keys = new Int32Array(C);
  const simd = L.inner === 1 ? simdColumns(C, L.outer * C) : undefined;
  if (simd) {
    simd.maxKeys(src, L.outer, keys);
  } else if (L.inner === 1) {
    const step = Math.max(1, Math.floor(CHUNK / C));
    const C8 = C - (C % 8);
    for (let o = 0; o < L.outer; o += step) {
      const rows = Math.min(step, L.outer - o);
      const u = src.bits(o * C, rows * C);
      maxKeyCols(u, rows, C, C8, keys);
      if (C8 < C) maxKeyColsTail(u, rows, C, C8, keys);
    }
  } else {
    const piece = src.aligned ? L.inner : Math.min(L.inner, CHUNK);
    for (let o = 0; o < L.outer; o++) {
      for (let c = 0; c < C; c++) {
        const base = (o * C + c) * L.inner;
        let m = keys[c];
        for (let i = 0; i < L.inner; i += piece) {
          const n = Math.min(piece, L.inner - i);
          m = maxKeySpan(src.bits(base + i, n), n, m);
        }
        keys[c] = m;
      }
    }
  }
  let nan = false;
  for (let c = 0; c < C; c++) if (keys[c] > INF_KEY) nan = true;
  if (nan) return channelMaxAbsFloat(src, L);
  const f = new Float32Array(keys.buffer);
  const max = new Float64Array(C);
  for (let c = 0; c < C; c++) max[c] = f[c];
  return { min: max.map((v) => -v), max };
}

/** channelMaxAbs on float values (Math.abs; NaN never compares greater): for the rare tensors holding NaN. */
function channelMaxAbsFloat(src: F32Source, L: Layout): { min: Float64Array; max: Float64Array } {
  const C = L.channels;
  const max = new Float64Array(C);
  if (L.inner === 1) {
    const step = rowsPerBlock(src, C, L.outer);
    for (let o = 0; o < L.outer; o += step) {
      const rows = Math.min(step, L.outer - o);
      maxAbsRows(src.view(o * C, rows * C), rows, C, max);
    }
  } else {
    const piece = src.aligned ? L.inner : Math.min(L.inner, CHUNK);
    for (let o = 0; o < L.outer; o++) {
      for (let c = 0; c < C; c++) {
        const base = (o * C + c) * L.inner;
        let m = max[c];
        for (let i = 0; i < L.inner; i += piece) {
          const n = Math.min(piece, L.inner - i);
          m = maxAbsSpan(src.view(base + i, n), n, m);
        }
        max[c] = m;
      }
    }
  }
  return { min: max.map((v) => -v), max };
}

function maxAbsRows(a: Float32Array, rows: number, C: number, mx: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const b = r * C;
    for (let j = 0; j < C; j++) {
      const v = Math.abs(a[b + j]);
      if (v > mx[j]) mx[j] = v;
    }
  }
}

function minMaxSpan(a: Float32Array, n: number, out: Float64Array, c: number): void {
  let lo = out[2 * c];
  let hi = out[2 * c + 1];
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  out[2 * c] = lo;
  out[2 * c + 1] = hi;
}

/**
 * rows x C values, channel = column. (Blocking 4 rows with Math.min/max or ternaries measured 2-3x slower on random
 * data: those compile to unpredictable branches, while these compares are almost never true.)
 */
function minMaxRows(a: Float32Array, rows: number, C: number, mn: Float64Array, mx: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const b = r * C;
    for (let j = 0; j < C; j++) {
      const v = a[b + j];
      if (v < mn[j]) mn[j] = v;
      if (v > mx[j]) mx[j] = v;
    }
  }
}

/**
 * n values with one scale: d[di + i] = ((a[i] * s + f) | 0) ^ flip, four bytes per 32-bit store where dst is aligned.
 * No clamping: quantParams guarantees the results stay in range (see there).
 */
function quantSpan(a: Float32Array, n: number, d: Uint8Array, d32: Uint32Array, di: number, s: number, f: number, flip: number): void {
  let i = 0;
  for (; i < n && ((di + i) & 3) !== 0; i++) d[di + i] = ((a[i] * s + f) | 0) ^ flip;
  const flip4 = flip * 0x01010101;
  let k = (di + i) >> 2;
  for (; i + 4 <= n; i += 4, k++) {
    d32[k] =
      (((a[i] * s + f) | 0) | (((a[i + 1] * s + f) | 0) << 8) | (((a[i + 2] * s + f) | 0) << 16) | (((a[i + 3] * s + f) | 0) << 24)) ^ flip4;
  }
  for (; i < n; i++) d[di + i] = ((a[i] * s + f) | 0) ^ flip;
}

/** rows x C values, channel = column; io holds [inv0, off0, inv1, off1, ...] (interleaved: one stream, ~1.5x faster). */
function quantRows(a: Float32Array, rows: number, C: number, d: Uint8Array, d32: Uint32Array, di: number, io: Float64Array, flip: number): void {
  const flip4 = flip * 0x01010101;
  for (let r = 0; r < rows; r++) {
    const b = r * C;
    const o = di + b;
    let j = 0;
    for (; j < C && ((o + j) & 3) !== 0; j++) d[o + j] = ((a[b + j] * io[2 * j] + io[2 * j + 1]) | 0) ^ flip;
    let k = (o + j) >> 2;
    for (; j + 4 <= C; j += 4, k++) {
      const p = b + j;
      const q = 2 * j;
      d32[k] =
        (((a[p] * io[q] + io[q + 1]) | 0) |
          (((a[p + 1] * io[q + 2] + io[q + 3]) | 0) << 8) |
          (((a[p + 2] * io[q + 4] + io[q + 5]) | 0) << 16) |
          (((a[p + 3] * io[q + 6] + io[q + 7]) | 0) << 24)) ^
        flip4;
    }
    for (; j < C; j++) d[o + j] = ((a[b + j] * io[2 * j] + io[2 * j + 1]) | 0) ^ flip;
  }
}

/**
 * rows x C values, channel = column, C a multiple of 4: for each group of four columns, their scales and offsets
 * stay in registers while the loop runs down the rows, writing one 32-bit word (four bytes) per row. d32 is the
 * destination as words, w0 the word where the block starts. Same arithmetic as quantRows, value for value.
 */
function quantCols(a: Float32Array, rows: number, C: number, d32: Int32Array, w0: number, inv: Float64Array, off: Float64Array, flip: number): void {
  const flip4 = flip * 0x01010101;
  const end = rows * C;
  const W = C >> 2;
  for (let j = 0; j < C; j += 4) {
    const s0 = inv[j], s1 = inv[j + 1], s2 = inv[j + 2], s3 = inv[j + 3];
    const f0 = off[j], f1 = off[j + 1], f2 = off[j + 2], f3 = off[j + 3];
    for (let p = j, q = w0 + (j >> 2); p < end; p += C, q += W) {
      d32[q] = (((a[p] * s0 + f0) | 0) | (((a[p + 1] * s1 + f1) | 0) << 8) | (((a[p + 2] * s2 + f2) | 0) << 16) | (((a[p + 3] * s3 + f3) | 0) << 24)) ^ flip4;
    }
  }
}

/** Rows per block for an inner === 1 layout: everything when aligned (views are free), else about CHUNK values. */
const rowsPerBlock = (src: F32Source, C: number, outer: number) => (src.aligned ? outer : Math.max(1, Math.floor(CHUNK / C)));

/** Per-channel min and max (NaN ignored; 0 for a channel without finite values). One pass over the data. */
export function channelMinMax(src: F32Source, L: Layout): { min: Float64Array; max: Float64Array } {
  const C = L.channels;
  const min = new Float64Array(C).fill(Infinity);
  const max = new Float64Array(C).fill(-Infinity);
  if (L.inner === 1) {
    const step = rowsPerBlock(src, C, L.outer);
    for (let o = 0; o < L.outer; o += step) {
      const rows = Math.min(step, L.outer - o);
      minMaxRows(src.view(o * C, rows * C), rows, C, min, max);
    }
  } else {
    const acc = new Float64Array(2 * C);
    for (let c = 0; c < C; c++) {
      acc[2 * c] = Infinity;
      acc[2 * c + 1] = -Infinity;
    }
    const piece = src.aligned ? L.inner : Math.min(L.inner, CHUNK);
    for (let o = 0; o < L.outer; o++) {
      for (let c = 0; c < C; c++) {
        const base = (o * C + c) * L.inner;
        for (let i = 0; i < L.inner; i += piece) {
          const n = Math.min(piece, L.inner - i);
          minMaxSpan(src.view(base + i, n), n, acc, c);
        }
      }
    }
    for (let c = 0; c < C; c++) {
      min[c] = acc[2 * c];
      max[c] = acc[2 * c + 1];
    }
  }
  for (let c = 0; c < C; c++) {
    if (min[c] === Infinity) min[c] = 0;
    if (max[c] === -Infinity) max[c] = 0;
  }
  return { min, max };
}

export interface QuantParams {
  /** float32 scales (as written to the model). */
  scale: Float32Array;
  /** Zero points in the target type's range. */
  zeroPoint: Int32Array;
  /** Integer range of the target type ([-127, 127] for symmetric int8, [-128, 127] int8, [0, 255] uint8). */
  qmin: number;
  qmax: number;
  signed: boolean;
}

/**
 * Scales and zero points from ranges. Symmetric (int8): scale = max|v| / 127, zero point 0, range [-127, 127] (what
 * onnxruntime uses, so that -128 never appears). Asymmetric: the range is widened to include 0 (so 0 is exact),
 * scale = (max - min) / 255 enlarged by 2^-20 (so that max * (1 / scale) + zero point stays below qmax + 0.5 despite
 * float rounding, which lets the kernels skip clamping). A constant-zero channel gets scale 1.
 */
export function quantParams(min: ArrayLike<number>, max: ArrayLike<number>, type: 'int8' | 'uint8', symmetric: boolean): QuantParams {
  const C = min.length;
  const scale = new Float32Array(C);
  const zeroPoint = new Int32Array(C);
  const signed = type === 'int8';
  const qmin = signed ? (symmetric ? -127 : -128) : 0;
  const qmax = signed ? 127 : 255;
  for (let c = 0; c < C; c++) {
    const lo = Math.min(min[c], 0);
    const hi = Math.max(max[c], 0);
    if (symmetric) {
      const a = Math.max(-lo, hi);
      scale[c] = a > 0 ? a / 127 : 1;
      zeroPoint[c] = signed ? 0 : 128;
    } else {
      scale[c] = hi > lo ? ((hi - lo) / (qmax - qmin)) * (1 + 2 ** -20) : 1;
    }
    if (!(scale[c] > 0) || !Number.isFinite(scale[c])) scale[c] = 1; // underflow to 0, or overflow
    if (!symmetric) zeroPoint[c] = Math.min(qmax, Math.max(qmin, Math.round(qmin - lo / scale[c])));
  }
  return { scale, zeroPoint, qmin, qmax, signed };
}

/**
 * Quantizes src (layout L) into dst bytes (int8 as two's complement bytes, or uint8) with per-channel params, which
 * must come from quantParams over this data's channelMinMax: then every result is in range without clamping
 * (symmetric: |v / scale| <= 127 + tiny, so v / scale + 128.5 lies in [1, 255.5); asymmetric: see quantParams; values
 * that round below the range land in (-1, 0) and `| 0` truncates them to 0). dst has src.length bytes, same order.
 */
export function quantizeInto(src: F32Source, L: Layout, p: QuantParams, dst: Uint8Array): void {
  const C = L.channels;
  const bias = p.signed ? 128 : 0;
  const flip = p.signed ? 0x80 : 0;
  const inv = new Float64Array(C);
  const off = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    inv[c] = 1 / p.scale[c];
    off[c] = p.zeroPoint[c] + bias + 0.5;
  }
  if (dst.byteOffset % 4 !== 0) throw new Error('internal: quantizeInto needs a 4-byte aligned destination');
  const d32 = new Uint32Array(dst.buffer, dst.byteOffset, dst.length >> 2);
  const simd = L.inner === 1 ? simdColumns(C, L.outer * C) : undefined;
  if (simd) {
    simd.quantize(src, L.outer, inv, off, flip, dst);
  } else if (L.inner === 1 && C % 4 === 0) {
    // Blocks of rows (about CHUNK values: they stay in cache), four columns at a time down the block.
    const w32 = new Int32Array(dst.buffer, dst.byteOffset, dst.length >> 2);
    const step = Math.max(1, Math.floor(CHUNK / C));
    for (let o = 0; o < L.outer; o += step) {
      const rows = Math.min(step, L.outer - o);
      quantCols(src.view(o * C, rows * C), rows, C, w32, (o * C) >> 2, inv, off, flip);
    }
  } else if (L.inner === 1) {
    const io = new Float64Array(2 * C);
    for (let c = 0; c < C; c++) {
      io[2 * c] = inv[c];
      io[2 * c + 1] = off[c];
    }
    const step = rowsPerBlock(src, C, L.outer);
    for (let o = 0; o < L.outer; o += step) {
      const rows = Math.min(step, L.outer - o);
      quantRows(src.view(o * C, rows * C), rows, C, dst, d32, o * C, io, flip);
    }
  } else {
    const piece = src.aligned ? L.inner : Math.min(L.inner, CHUNK);
    for (let o = 0; o < L.outer; o++) {
      for (let c = 0; c < C; c++) {
        const base = (o * C + c) * L.inner;
        for (let i = 0; i < L.inner; i += piece) {
          const n = Math.min(piece, L.inner - i);
          quantSpan(src.view(base + i, n), n, dst, d32, base + i, inv[c], off[c], flip);
        }
      }
    }
  }
}

/** 16 rows (channels) of the transposed quantization: reads 16 row streams, writes 16 consecutive bytes per column. */
function quantTransposedBlock(a: Float32Array, nr: number, cols: number, d: Uint8Array, d32: Uint32Array, rows: number, r0: number, inv: Float64Array, off: Float64Array, flip: number): void {
  if (nr === 16 && (rows & 3) === 0 && (r0 & 3) === 0) {
    const flip4 = flip * 0x01010101;
    const s0 = inv[r0], s1 = inv[r0 + 1], s2 = inv[r0 + 2], s3 = inv[r0 + 3], s4 = inv[r0 + 4], s5 = inv[r0 + 5], s6 = inv[r0 + 6], s7 = inv[r0 + 7];
    const s8 = inv[r0 + 8], s9 = inv[r0 + 9], s10 = inv[r0 + 10], s11 = inv[r0 + 11], s12 = inv[r0 + 12], s13 = inv[r0 + 13], s14 = inv[r0 + 14], s15 = inv[r0 + 15];
    const f0 = off[r0], f1 = off[r0 + 1], f2 = off[r0 + 2], f3 = off[r0 + 3], f4 = off[r0 + 4], f5 = off[r0 + 5], f6 = off[r0 + 6], f7 = off[r0 + 7];
    const f8 = off[r0 + 8], f9 = off[r0 + 9], f10 = off[r0 + 10], f11 = off[r0 + 11], f12 = off[r0 + 12], f13 = off[r0 + 13], f14 = off[r0 + 14], f15 = off[r0 + 15];
    const w = rows >> 2;
    for (let k = 0, q = r0 >> 2; k < cols; k++, q += w) {
      d32[q] = ((((a[k] * s0 + f0) | 0) | (((a[k + cols] * s1 + f1) | 0) << 8) | (((a[k + 2 * cols] * s2 + f2) | 0) << 16) | (((a[k + 3 * cols] * s3 + f3) | 0) << 24)) ^ flip4);
      d32[q + 1] = ((((a[k + 4 * cols] * s4 + f4) | 0) | (((a[k + 5 * cols] * s5 + f5) | 0) << 8) | (((a[k + 6 * cols] * s6 + f6) | 0) << 16) | (((a[k + 7 * cols] * s7 + f7) | 0) << 24)) ^ flip4);
      d32[q + 2] = ((((a[k + 8 * cols] * s8 + f8) | 0) | (((a[k + 9 * cols] * s9 + f9) | 0) << 8) | (((a[k + 10 * cols] * s10 + f10) | 0) << 16) | (((a[k + 11 * cols] * s11 + f11) | 0) << 24)) ^ flip4);
      d32[q + 3] = ((((a[k + 12 * cols] * s12 + f12) | 0) | (((a[k + 13 * cols] * s13 + f13) | 0) << 8) | (((a[k + 14 * cols] * s14 + f14) | 0) << 16) | (((a[k + 15 * cols] * s15 + f15) | 0) << 24)) ^ flip4);
    }
    return;
  }
  for (let r = 0; r < nr; r++) {
    const s = inv[r0 + r];
    const f = off[r0 + r];
    const base = r * cols;
    for (let k = 0, x = r0 + r; k < cols; k++, x += rows) d[x] = ((a[base + k] * s + f) | 0) ^ flip;
  }
}

/**
 * Quantizes a [rows, cols] matrix whose channels are its rows (Gemm weights with transB = 1, [N, K]) and writes the
 * transpose [cols, rows] (= [K, N], what MatMulInteger reads). Blocked by 16 rows so that reads and writes stay in cache.
 */
export function quantizeTransposedInto(src: F32Source, rows: number, cols: number, p: QuantParams, dst: Uint8Array): void {
  if (dst.byteOffset % 4 !== 0) throw new Error('internal: quantizeTransposedInto needs a 4-byte aligned destination');
  const bias = p.signed ? 128 : 0;
  const flip = p.signed ? 0x80 : 0;
  const inv = new Float64Array(rows);
  const off = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = p.scale.length === 1 ? 0 : r;
    inv[r] = 1 / p.scale[c];
    off[r] = p.zeroPoint[c] + bias + 0.5;
  }
  const d32 = new Uint32Array(dst.buffer, dst.byteOffset, dst.length >> 2);
  for (let r0 = 0; r0 < rows; r0 += 16) {
    const nr = Math.min(16, rows - r0);
    quantTransposedBlock(src.view(r0 * cols, nr * cols), nr, cols, dst, d32, rows, r0, inv, off, flip);
  }
}

/** The float values a quantized tensor stands for (tests and error figures). */
export function dequantizeInto(q: Uint8Array, L: Layout, p: QuantParams, out: Float32Array): void {
  const C = L.channels;
  for (let o = 0, idx = 0; o < L.outer; o++) {
    for (let c = 0; c < C; c++) {
      const s = p.scale[c];
      const z = p.zeroPoint[c];
      for (let i = 0; i < L.inner; i++, idx++) {
        const v = p.signed ? (q[idx] << 24) >> 24 : q[idx];
        out[idx] = (v - z) * s;
      }
    }
  }
}

/* ------------------------------------------------------------------ float16 ------------------------------------------------------------------ */

/**
 * float32 -> float16 bits, round to nearest even. Finite values beyond the float16 range (|v| >= 65520, which would
 * round to infinity) are clamped to +-65504, so a large weight stays large instead of becoming inf (and inf * 0 = NaN);
 * infinities and NaN are kept.
 */
export function floatToHalf(v: number, bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const ax = bits & 0x7fffffff;
  if (ax >= 0x7f800000) return sign | (ax > 0x7f800000 ? 0x7e00 : 0x7c00);
  if (ax >= 0x477ff000) return sign | 0x7bff;
  if (ax >= 0x38800000) return sign | ((ax + 0xfff + ((ax >>> 13) & 1) - 0x38000000) >>> 13);
  // Subnormal float16 (or zero): units of 2^-24, ties to even. Exact in float64.
  const x = Math.abs(v) * 16777216;
  let h = Math.floor(x);
  const rem = x - h;
  if (rem > 0.5 || (rem === 0.5 && (h & 1) === 1)) h++;
  return sign | h;
}

function halfSpan(a: Float32Array, bits: Uint32Array, n: number, dst: Uint16Array, di: number): number {
  let clamped = 0;
  for (let i = 0; i < n; i++) {
    const b = bits[i];
    const ax = b & 0x7fffffff;
    if (ax >= 0x38800000 && ax < 0x477ff000) {
      dst[di + i] = ((b >>> 16) & 0x8000) | ((ax + 0xfff + ((ax >>> 13) & 1) - 0x38000000) >>> 13);
    } else {
      if (ax >= 0x477ff000 && ax < 0x7f800000) clamped++;
      dst[di + i] = floatToHalf(a[i], b);
    }
  }
  return clamped;
}

/** Converts float32 values to float16 bits into dst (length src.length). Returns how many values were clamped. */
export function toFloat16Into(src: F32Source, dst: Uint16Array): number {
  let clamped = 0;
  const piece = src.aligned ? src.length : CHUNK;
  for (let s = 0; s < src.length; s += piece) {
    const n = Math.min(piece, src.length - s);
    const a = src.view(s, n);
    clamped += halfSpan(a, new Uint32Array(a.buffer, a.byteOffset, n), n, dst, s);
  }
  return clamped;
}

/** Round half to even of v / s, clamped to int32 (for int32 bias quantization). */
export function roundInt32(x: number): number {
  let r = Math.round(x);
  if (r - x === 0.5 && (r & 1) !== 0) r -= 1;
  return r > 2147483647 ? 2147483647 : r < -2147483648 ? -2147483648 : r;
}
