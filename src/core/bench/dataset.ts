import type { NpyArray } from '../data/npy';
import { ParetoError } from '../errors';
import type { TensorSignature } from '../inspect/summary';
import { sliceBatch } from './inputs';
import type { Feeds, HostTensor } from './session';

const shapeText = (s: readonly (number | string | null)[]) => `[${s.map((d) => d ?? '?').join(', ')}]`;

/**
 * Checks that an array of inputs fits a model input (same dtype, same fixed trailing dims; the first dim is
 * the item count) and returns it as a tensor. Every mismatch is a specific error, before anything runs.
 */
export function inputTensorFromNpy(arr: NpyArray, sig: TensorSignature, fileName = 'the inputs file'): HostTensor {
  if (arr.dtype !== sig.dtype) {
    throw new ParetoError('bad-input', `${fileName} holds ${arr.dtype} values, but the model's input "${sig.name}" takes ${sig.dtype}.`);
  }
  const expected = sig.shape;
  if (expected) {
    const trailing = expected.slice(1);
    const got = arr.shape.slice(1);
    const fits =
      got.length === trailing.length && trailing.every((d, i) => typeof d !== 'number' || d <= 0 || d === got[i]);
    if (!fits) {
      throw new ParetoError(
        'bad-input',
        `${fileName} has shape ${shapeText(arr.shape)}, but the model's input "${sig.name}" is ${shapeText(expected)}: ` +
          `expected [N, ${trailing.map((d) => d ?? '?').join(', ')}].`,
      );
    }
  }
  if (arr.shape.length === 0 || arr.shape[0] === 0) throw new ParetoError('bad-input', `${fileName} holds no items.`);
  if (arr.data instanceof Float32Array || arr.data instanceof Float64Array) {
    for (let i = 0; i < arr.data.length; i++) {
      if (!Number.isFinite(arr.data[i])) {
        const per = arr.shape.slice(1).reduce((a, b) => a * b, 1);
        throw new ParetoError('bad-input', `${fileName} contains ${Number.isNaN(arr.data[i]) ? 'NaN' : 'an infinite value'} (item ${Math.floor(i / per)}).`);
      }
    }
  }
  return { dtype: arr.dtype, dims: [...arr.shape], data: arr.data as HostTensor['data'] };
}

/** The first `maxItems` items as feeds of `batchSize` (for a single-input model). */
export function batchesOf(t: HostTensor, inputName: string, batchSize: number, maxItems = Infinity): Feeds[] {
  const total = Math.min(t.dims[0], maxItems);
  const out: Feeds[] = [];
  for (let start = 0; start < total; start += batchSize) {
    out.push({ [inputName]: sliceBatch(t, start, Math.min(batchSize, total - start)) });
  }
  return out;
}
