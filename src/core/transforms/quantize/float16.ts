/** float32 -> float16 conversion of weights (fp16 mode). */

import { CHUNK, type F32Source } from './f32-source';

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
