/**
 * Image data in the other channel layout: an array of items [N, C, H, W] for a model that takes [N, H, W, C] (a TF.js
 * model fed the samples' NCHW test split), or the reverse. Only the unambiguous case is matched: both rank 4, the
 * data's channels 1 to 4 and fewer than its height and its width (image-like), the data not fitting the input as it is,
 * and exactly one of the two permutations fitting. The values are transposed exactly; with one channel the order of
 * the values is the same, so the data is reused as it is.
 */
import type { NpyArray } from '../data/npy';
import type { TensorSignature } from '../inspect/summary';

type Dim = number | string | null;

export interface LayoutMatch {
  /** The data in the model's layout. */
  array: NpyArray;
  from: 'NCHW' | 'NHWC';
  to: 'NCHW' | 'NHWC';
  /** "data NCHW [2000, 1, 28, 28] transposed to the model's NHWC [2000, 28, 28, 1]", for the run's notes. */
  note: string;
}

const fitsDims = (got: readonly number[], want: readonly Dim[]) =>
  got.length === want.length && want.every((d, i) => typeof d !== 'number' || d <= 0 || d === got[i]);

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

/** The data in the model input's channel layout when it is the other one (see above); null otherwise. */
export function matchChannelLayout(arr: NpyArray, sig: TensorSignature): LayoutMatch | null {
  const want = sig.shape;
  if (!want || want.length !== 4 || arr.shape.length !== 4) return null;
  const item = arr.shape.slice(1);
  const trailing = want.slice(1);
  if (fitsDims(item, trailing)) return null;
  const [a, b, c] = item;
  const imageLike = (ch: number, h: number, w: number) => ch >= 1 && ch <= 4 && ch < h && ch < w;
  // Data NCHW [C, H, W] read as the model's NHWC [H, W, C]; data NHWC [H, W, C] read as the model's NCHW [C, H, W].
  const toNhwc = imageLike(a, b, c) && fitsDims([b, c, a], trailing);
  const toNchw = imageLike(c, a, b) && fitsDims([c, a, b], trailing);
  if (toNhwc === toNchw) return null;
  const n = arr.shape[0];
  const shape = toNhwc ? [n, b, c, a] : [n, c, a, b];
  const channels = toNhwc ? a : c;
  const from = toNhwc ? 'NCHW' : 'NHWC';
  const to = toNhwc ? 'NHWC' : 'NCHW';
  const data = channels === 1 ? arr.data : transpose(arr.data, n, toNhwc ? [a, b * c] : [a * b, c]);
  const note =
    `data ${from} ${shapeText(arr.shape)} transposed to the model's ${to} ${shapeText(shape)} (input "${sig.name}")` +
    (channels === 1 ? '; with one channel the values keep their order' : '');
  return { array: { dtype: arr.dtype, shape, data } as NpyArray, from, to, note };
}

/**
 * Each of the n items is a rows × cols matrix; returns every item transposed (cols × rows). NCHW → NHWC is
 * [C, H·W] → [H·W, C]; NHWC → NCHW is [H·W, C] → [C, H·W].
 */
function transpose<T extends NpyArray['data']>(data: T, n: number, [rows, cols]: [number, number]): T {
  const out = new (data.constructor as new (len: number) => T)(data.length);
  const src = data as unknown as ArrayLike<number>;
  const dst = out as unknown as number[];
  const per = rows * cols;
  for (let i = 0; i < n; i++) {
    const base = i * per;
    for (let r = 0; r < rows; r++) {
      const from = base + r * cols;
      for (let k = 0; k < cols; k++) dst[base + k * rows + r] = src[from + k];
    }
  }
  return out;
}
