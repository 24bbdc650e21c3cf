/**
 * Sample inputs for `pareto quantize` / `pareto prune` (calibration, the fidelity check): a float32 .npy checked
 * against the model's only input before any work, with errors naming the expected and the actual dtype and shape.
 * Without one, the sample models use their own test split (sampleSplit, as `pareto bench` does).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { chooseData, sampleDatasetFiles } from '../core/bench/data-choice';
import { specDataOf, type Dataset } from '../core/bench/dataset';
import { datasetFromFile } from '../core/bench/dataset-files';
import { resolveInputSpec, type InputSpec } from '../core/bench/input-spec';
import { matchChannelLayout } from '../core/bench/layout';
import type { HostTensor } from '../core/bench/session';
import { readNpy } from '../core/data/npy';
import { isParetoError } from '../core/errors';
import type { OpenedModel } from '../core/model/open';
import type { TensorSignature } from '../core/inspect/summary';
import { CliError } from './errors';
import { readFileOrFail } from './load';

export interface SampleInputs {
  /** The file as given. */
  path: string;
  /** Input it feeds. */
  input: string;
  /** [rows, ...] */
  shape: number[];
  data: Float32Array;
  /** Rows per batch the model accepts: its fixed first dimension, else undefined. */
  fixedBatch?: number;
}

const shapeText = (s: readonly (number | string | null)[]) => `[${s.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** The model's data inputs (graph inputs that are not initializers). */
function dataInputs(opened: OpenedModel): TensorSignature[] {
  return opened.summary.inputs;
}

/**
 * Reads an .npy of sample inputs and checks it against the model's only input before any work: float32, the same
 * rank as the input (the first axis counts the samples), every fixed dimension after the first equal. Errors name
 * the expected and the actual dtype and shape.
 */
export function readSampleInputs(path: string, opened: OpenedModel, what: string, cwd: string): SampleInputs {
  const inputs = dataInputs(opened);
  if (inputs.length !== 1) {
    throw new CliError(
      `${what} (.npy) feeds a model with one input; this model has ${inputs.length} (${inputs.map((i) => i.name).join(', ') || 'none'}): ` +
        'give an .npz with one array per input, named after them (np.savez(path, name=array, ...)).',
    );
  }
  const sig = inputs[0];
  if (sig.dtype !== 'float32') throw new CliError(`${what} (.npy) needs a float32 model input; input "${sig.name}" is ${sig.dtype}.`);
  const bytes = readFileOrFail(resolve(cwd, path), what);
  let arr;
  try {
    arr = readNpy(bytes);
  } catch (e) {
    if (isParetoError(e)) throw new CliError(`${what} "${path}": ${e.message}`);
    throw e;
  }
  // Image data in the other channel layout (the samples' NCHW split for a TF.js NHWC model) is transposed to the model's.
  const layout = matchChannelLayout(arr, sig);
  if (layout) arr = layout.array;
  const expected = sig.shape ? shapeText(sig.shape.map((d, i) => (i === 0 && typeof d !== 'number' ? 'N' : typeof d === 'string' ? '?' : d))) : 'any shape';
  const got = `${arr.dtype} (${arr.shape.join(', ')})`;
  const problems: string[] = [];
  if (arr.dtype !== 'float32') problems.push(`the dtype is ${arr.dtype} (convert with x.astype(np.float32))`);
  if (arr.shape.length === 0 || arr.shape[0] === 0) problems.push('it holds no samples');
  let fixedBatch: number | undefined;
  if (sig.shape && arr.shape.length > 0) {
    if (arr.shape.length !== sig.shape.length) {
      problems.push(`the rank is ${arr.shape.length}, not ${sig.shape.length} (the first axis counts the samples)`);
    } else {
      for (let i = 1; i < sig.shape.length; i++) {
        const d = sig.shape[i];
        if (typeof d === 'number' && d > 0 && arr.shape[i] !== d) problems.push(`dimension ${i} is ${arr.shape[i]}, not ${d}`);
      }
      const d0 = sig.shape[0];
      if (typeof d0 === 'number' && d0 > 0) {
        fixedBatch = d0;
        if (arr.shape[0] < d0) problems.push(`the model takes batches of exactly ${d0} and the file has ${arr.shape[0]} samples`);
      }
    }
  }
  if (problems.length > 0) {
    throw new CliError(
      `${what} "${path}" does not match the model's input "${sig.name}": expected float32 ${expected} (N samples), got ${got}; ` +
        `${problems.join('; ')}.`,
    );
  }
  return { path, input: sig.name, shape: arr.shape, data: arr.data as Float32Array, fixedBatch };
}

/** An .npz of inputs named after the model's inputs (several-input models; see docs/cli.md). */
export interface NpzInputs {
  /** The file as given. */
  path: string;
  dataset: Dataset;
}

export type InputsFile = SampleInputs | NpzInputs;

export const isNpz = (f: InputsFile): f is NpzInputs => 'dataset' in f;

/**
 * `--data` / `--calibration`: an .npy for a one-input model (readSampleInputs), or an .npz whose arrays are named after
 * the inputs (batch-first, with a leading sample axis, or shaped like the input to be used for every item; the input
 * spec makes the inputs it leaves out). Checked against the model before any work.
 */
export function readInputsFile(path: string, opened: OpenedModel, what: string, cwd: string): InputsFile {
  if (!/\.npz$/i.test(path)) return readSampleInputs(path, opened, what, cwd);
  const bytes = readFileOrFail(resolve(cwd, path), what);
  try {
    return { path, dataset: datasetFromFile(opened.summary, { bytes, fileName: basename(path) }, undefined, { format: 'npz', partialInputs: true }) };
  } catch (e) {
    if (isParetoError(e)) throw new CliError(`${what} "${path}": ${e.message}`);
    throw e;
  }
}

/**
 * The input spec of a quantize/prune run: --shape/--dim/--value, then the shapes of the data used (the fidelity
 * inputs), the model, declared defaults. A refusal (dims nothing resolves) is an error before any work.
 */
export function resolveRunSpec(opened: OpenedModel, flags: { shapes?: Record<string, number[]>; dims?: Record<string, number>; values?: InputSpecValues }, data: InputsFile | undefined): InputSpec {
  const shapes = data === undefined ? undefined : isNpz(data) ? specDataOf(data.dataset) : { [data.input]: { dims: data.shape } };
  try {
    return resolveInputSpec(opened.summary, { ...flags, data: shapes });
  } catch (e) {
    if (isParetoError(e) && e.code === 'bad-input') throw new CliError(`${e.message} See --shape, --dim and --value in --help.`);
    throw e;
  }
}

type InputSpecValues = NonNullable<Parameters<typeof resolveInputSpec>[1]>['values'];

/** The inputs as one batch-first tensor (a view). */
export const tensorOf = (s: SampleInputs): HostTensor => ({ dtype: 'float32', dims: s.shape, data: s.data });

/**
 * The test split of a sample model (its manifest.json next to it lists the split), as absolute paths; null for others.
 * A sample's TF.js version (<folder>/model.json) finds the manifest beside its folder, which the manifest names.
 */
function sampleSplit(modelPath: string): { x: string; y: string; manifest: string } | null {
  const tfjs = basename(modelPath) === 'model.json' && !existsSync(resolve(dirname(modelPath), 'manifest.json'));
  const dir = tfjs ? dirname(dirname(modelPath)) : dirname(modelPath);
  const manifest = resolve(dir, 'manifest.json');
  if (!existsSync(manifest)) return null;
  try {
    const files = sampleDatasetFiles(JSON.parse(readFileSync(manifest, 'utf8')), tfjs ? { tfjs: basename(dirname(modelPath)) } : { file: basename(modelPath) });
    if (!files) return null;
    const x = resolve(dir, files.x);
    const y = resolve(dir, files.y);
    return existsSync(x) && existsSync(y) ? { x, y, manifest } : null;
  } catch {
    return null; // not a samples manifest
  }
}

/** The data a command uses: the given file, else the sample's test split, else synthetic (core's chooseData). */
export function chooseRunData(modelPath: string, given: { inputs?: string; labels?: string }) {
  const split = sampleSplit(modelPath);
  return { choice: chooseData(given, split), split };
}

/**
 * For a sample model with no inputs given: its test split as the fidelity check's inputs (the path relative to `cwd`);
 * undefined for other models, or when the split does not fit the model.
 */
export function sampleSplitInputs(input: string, opened: OpenedModel, cwd: string): SampleInputs | undefined {
  const { choice } = chooseRunData(resolve(cwd, input), {});
  if (choice.source !== 'samples') return undefined;
  try {
    return readSampleInputs(relative(cwd, choice.inputs) || choice.inputs, opened, "the sample's test split", cwd);
  } catch {
    return undefined;
  }
}
