/**
 * The data vocabulary of runs (benchmarks, accuracy, optimize jobs): a Dataset is validated inputs (and labels) for a
 * model; tensors are checked against the model's signatures before anything runs; batches are views of the items;
 * synthetic inputs stand in when no data is given. Reading files into a Dataset is ./dataset-files.ts; which data a
 * run uses is ./data-choice.ts; what labels imply is ./labels.ts.
 */
import type { NpyArray } from '../data/npy';
import { ParetoError } from '../errors';
import type { TensorSignature } from '../inspect/summary';
import { resolveInputSpec, specFeeds } from './input-spec';
import type { Task } from './labels';
import type { Feeds, HostTensor } from './session';

/** The model's signatures (ModelSummary.inputs / outputs). */
export interface ModelIO {
  inputs: readonly TensorSignature[];
  outputs: readonly TensorSignature[];
}

export interface Dataset {
  /** One batch-first tensor per model input, each holding `count` items. */
  inputs: Record<string, HostTensor>;
  /** [count] or [count, ...]; absent without labels. */
  labels?: HostTensor;
  count: number;
  /** Where the data came from, for display. */
  source: string;
  /** Class names for label indices (image folders, CSV with named classes). */
  classNames?: string[];
  /** The task the labels imply for the model's (first or chosen) output; null when only running can tell. */
  task: Task | null;
  notes: string[];
}

export interface DatasetOptions {
  /** Force the task instead of detecting it. */
  task?: Task;
  /** The output the labels are for (default: the first). */
  outputName?: string;
}

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};

const shapeText = (s: readonly (number | string | null)[]) => `[${s.map((d) => d ?? '?').join(', ')}]`;

/* ------------------------------------------------------------------ tensors from arrays ------------------------------------------------------------------ */

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

/** Labels as a tensor: same item count as the inputs, finite, a dtype that can hold labels. */
export function labelsTensorFromNpy(arr: NpyArray, count: number, fileName = 'the labels file'): HostTensor {
  if (arr.shape.length === 0) bad(`${fileName} holds a single number; labels need one entry per item ([N] or [N, K]).`);
  if (arr.shape[0] !== count) {
    bad(`${fileName} has ${arr.shape[0]} labels, but the inputs hold ${count} items; they must match one to one.`);
  }
  if (arr.data instanceof Float32Array || arr.data instanceof Float64Array) {
    const per = arr.shape.slice(1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < arr.data.length; i++) {
      if (!Number.isFinite(arr.data[i])) bad(`${fileName} contains ${Number.isNaN(arr.data[i]) ? 'NaN' : 'an infinite value'} (item ${Math.floor(i / per)}).`);
    }
  }
  return { dtype: arr.dtype, dims: [...arr.shape], data: arr.data as HostTensor['data'] };
}

/* ------------------------------------------------------------------ batches ------------------------------------------------------------------ */

/** Rows [start, start+count) of a batch-first float tensor, as a new tensor (a view, no copy). */
export function sliceBatch(t: HostTensor, start: number, count: number): HostTensor {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const end = Math.min(t.dims[0], start + count);
  return { dtype: t.dtype, dims: [end - start, ...t.dims.slice(1)], data: t.data.subarray(start * per, end * per) as HostTensor['data'] };
}


/* ------------------------------------------------------------------ synthetic inputs ------------------------------------------------------------------ */

/**
 * Deterministic synthetic inputs matching the model's inputs, for comparing variants when no dataset is given: the
 * input spec's declared rules only (./input-spec.ts: batch-like dims 1, values that fit each input). Refuses, naming
 * them, when dims are open (an image's H and W) or a scalar needs a value: resolve a spec and use specFeeds instead.
 */
export function syntheticFeeds(inputs: readonly TensorSignature[], options: { batch?: number; seed?: number } = {}): Feeds {
  return specFeeds(resolveInputSpec({ inputs }), options);
}
