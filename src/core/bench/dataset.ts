/**
 * The data vocabulary of runs (benchmarks, accuracy, optimize jobs): a Dataset is validated inputs (and labels) for a
 * model; tensors are checked against the model's signatures before anything runs; batches are views of the items;
 * synthetic inputs stand in when no data is given. Reading files into a Dataset is ./dataset-files.ts; which data a
 * run uses is ./data-choice.ts; what labels imply is ./labels.ts.
 */
import type { NpyArray } from '../data/npy';
import { ParetoError } from '../errors';
import type { TensorSignature } from '../inspect/summary';
import { resolveInputSpec, specFeeds, type InputSpec, type InputSpecOptions } from './input-spec';
import type { Task } from './labels';
import { matchChannelLayout } from './layout';
import type { Feeds, HostTensor } from './session';
import { dict } from '../own';

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
  /**
   * Inputs fed one sample at a time: [N, ...the input's whole shape] (an .npz member with a leading sample axis, for an
   * input whose batch is not its first axis, say). Runs with such inputs take batch 1.
   */
  perSample?: Record<string, HostTensor>;
  /** Inputs fed the same tensor for every item: an .npz member shaped like the input itself (a scalar, say). */
  constants?: Record<string, HostTensor>;
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
  /** An .npz may leave inputs out (several-input models): the input spec makes them (fixed values, synthetic fills). */
  partialInputs?: boolean;
}

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};

const shapeText = (s: readonly (number | string | null)[]) => `[${s.map((d) => d ?? '?').join(', ')}]`;

/* ------------------------------------------------------------------ tensors from arrays ------------------------------------------------------------------ */

/**
 * Checks that an array of inputs fits a model input (same dtype, same fixed trailing dims; the first dim is
 * the item count) and returns it as a tensor. Every mismatch is a specific error, before anything runs. Image data
 * in the other channel layout (NCHW for an NHWC input, or the reverse; ./layout.ts, unambiguous cases only) is
 * transposed to the model's, and `notes` gets a sentence saying so.
 */
export function inputTensorFromNpy(arr: NpyArray, sig: TensorSignature, fileName = 'the inputs file', notes?: string[]): HostTensor {
  if (arr.dtype !== sig.dtype) {
    throw new ParetoError('bad-input', `${fileName} holds ${arr.dtype} values, but the model's input "${sig.name}" takes ${sig.dtype}.`);
  }
  const layout = matchChannelLayout(arr, sig);
  if (layout) {
    arr = layout.array;
    notes?.push(`${fileName}: ${layout.note}.`);
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

/* ------------------------------------------------------------------ a dataset and the input spec ------------------------------------------------------------------ */

/** What a dataset tells the input spec about shapes (InputSpecOptions.data). */
export function specDataOf(d: Pick<Dataset, 'inputs' | 'perSample' | 'constants'>): NonNullable<InputSpecOptions['data']> {
  const out: Record<string, { dims: readonly number[]; layout?: 'batch-first' | 'feed' }> = dict();
  for (const [k, t] of Object.entries(d.inputs)) out[k] = { dims: t.dims };
  for (const [k, t] of Object.entries(d.perSample ?? {})) out[k] = { dims: t.dims.slice(1), layout: 'feed' };
  for (const [k, t] of Object.entries(d.constants ?? {})) out[k] = { dims: t.dims, layout: 'feed' };
  return out;
}

const copy = (t: HostTensor): HostTensor => ({ dtype: t.dtype, dims: [...t.dims], data: t.data.slice() as HostTensor['data'] });

/**
 * The feeds of items [start, start + count) of a dataset, the inputs it does not hold made by the spec at that size.
 * Inputs fed one sample at a time take count 1. Fresh copies (runtimes may take ownership of input buffers).
 */
export function datasetFeeds(d: Pick<Dataset, 'inputs' | 'perSample' | 'constants'>, spec: InputSpec, start: number, count: number, seed = 1234): Feeds {
  if (d.perSample && Object.keys(d.perSample).length > 0 && count !== 1) {
    throw new ParetoError('bad-input', `Inputs fed one sample at a time (${Object.keys(d.perSample).join(', ')}) run at batch 1, not ${count}.`);
  }
  const feeds = specFeeds(spec, { batch: count, seed });
  // The spec decides: an input the user set with --value keeps that value even when the file holds it.
  const fromData = (k: string) => spec.inputs.find((e) => e.name === k)?.values.kind === 'data';
  for (const [k, t] of Object.entries(d.inputs)) {
    if (!fromData(k)) continue;
    const rows: HostTensor[] = [];
    for (let r = 0; r < count; r++) rows.push(sliceBatch(t, (start + r) % t.dims[0], 1));
    const per = rows[0].data.length;
    const data = new (t.data.constructor as new (n: number) => HostTensor['data'])(per * count);
    rows.forEach((row, r) => (data as Float32Array).set(row.data as Float32Array, r * per));
    feeds[k] = { dtype: t.dtype, dims: [count, ...t.dims.slice(1)], data };
  }
  for (const [k, t] of Object.entries(d.perSample ?? {})) {
    if (!fromData(k)) continue;
    const i = start % t.dims[0];
    const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
    feeds[k] = { dtype: t.dtype, dims: t.dims.slice(1), data: t.data.slice(i * per, (i + 1) * per) as HostTensor['data'] };
  }
  for (const [k, t] of Object.entries(d.constants ?? {})) if (fromData(k)) feeds[k] = copy(t);
  return feeds;
}

/**
 * A harness MakeFeeds (./harness.ts) from the input spec, and the dataset when there is one: feeds of `batch` items
 * (the dataset's first items; the inputs it leaves out made by the spec), one template per batch size, copied for
 * every run (runtimes may take ownership of input buffers). The app's and the CLI's benchmarks use it alike.
 */
export function specFeedsMaker(spec: InputSpec, dataset?: Pick<Dataset, 'inputs' | 'perSample' | 'constants'>): (batch: number, run: number) => Feeds {
  const templates = new Map<number, Feeds>();
  return (batch) => {
    let tpl = templates.get(batch);
    if (!tpl) {
      tpl = dataset ? datasetFeeds(dataset, spec, 0, batch) : specFeeds(spec, { batch, seed: 1234 });
      templates.set(batch, tpl);
    }
    const out: Feeds = dict();
    for (const [k, t] of Object.entries(tpl)) out[k] = copy(t);
    return out;
  };
}
