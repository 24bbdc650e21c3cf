/**
 * Per-channel ranges of float32 weights for quantization: max |v| (symmetric) and min/max (asymmetric), one pass over
 * the data. Per-column layouts (MatMul weights [K, N] with N a multiple of 4) run in WebAssembly SIMD where available
 * (simd.ts), with the same results.
 */

import { CHUNK, rowsPerBlock, type F32Source, type Layout } from './f32-source';
import { simdColumns } from './simd';

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
