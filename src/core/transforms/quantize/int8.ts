/**
 * int8/uint8 quantization of float32 weights: scales and zero points from per-channel ranges (channel-ranges.ts), the
 * quantizing pass (plain, or transposed for Gemm transB weights), dequantization, and int32 bias rounding. Per-column
 * layouts (MatMul weights [K, N] with N a multiple of 4) run in WebAssembly SIMD where available (simd.ts), with the
 * same results. Layouts: f32-source.ts.
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

import { CHUNK, rowsPerBlock, type F32Source, type Layout } from './f32-source';
import { simdColumns } from './simd';

/* Hot loops: top-level functions with plain arguments (no closures), so that V8 keeps everything in registers. */

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

/** Round half to even of v / s, clamped to int32 (for int32 bias quantization). */
export function roundInt32(x: number): number {
  let r = Math.round(x);
  if (r - x === 0.5 && (r & 1) !== 0) r -= 1;
  return r > 2147483647 ? 2147483647 : r < -2147483648 ? -2147483648 : r;
}
