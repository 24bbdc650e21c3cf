/**
 * User data → validated inputs and labels for a model, before anything runs. Every problem is a ParetoError
 * ('bad-input') that names the file, the item, the column or the image, and says what was expected:
 * wrong dtype or shape (via inputTensorFromNpy), NaN or infinite values, a label count that does not match the
 * inputs, labels outside the model's classes or not shaped like its output, unreadable images, ragged CSV rows.
 *
 * Sources: .npy (inputs, optional labels .npy), .npz (arrays named after the model's inputs, or x/inputs/...;
 * labels y/labels/...), CSV (numeric features, a label column by name), a folder of images with one sub-folder per
 * class (decoded to RGBA by the browser; resized and normalised here). The samples' test split is the default for
 * the sample models (./data-choice.ts).
 */
import { csvToArrays, parseCsv } from '../data/csv';
import { imageInputSpec, imageBatchDims, imageIntoTensor, type ImageLayout, type Normalization, type RgbaImage } from '../data/images';
import { readNpy, type NpyArray } from '../data/npy';
import { readNpz } from '../data/npz';
import { ParetoError } from '../errors';
import type { TensorSignature } from '../inspect/summary';
import { inputTensorFromNpy, labelsTensorFromNpy, syntheticFeeds, type Dataset, type DatasetOptions, type ModelIO } from './dataset';
import { isBatchLikeDim, sampleAxisOf, specFeeds, specSignatures, type InputSpec, type InputSpecEntry, type SpecDim } from './input-spec';
import { detectTask, labelInfo, outputWidth, type Task } from './labels';
import type { Feeds, HostTensor } from './session';
import { dict } from '../own';

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};

const shapeText = (s: readonly (number | string | null)[]) => `[${s.map((d) => d ?? '?').join(', ')}]`;

function outputSig(model: ModelIO, name?: string): TensorSignature | undefined {
  if (name === undefined) return model.outputs[0];
  const sig = model.outputs.find((o) => o.name === name);
  if (!sig) bad(`The model has no output "${name}"; its outputs are ${model.outputs.map((o) => `"${o.name}"`).join(', ')}.`);
  return sig;
}

/** The task for these labels and the model's output when the output's shape is known; null otherwise. */
function staticTask(model: ModelIO, labels: HostTensor | undefined, options: DatasetOptions, notes: string[]): Task | null {
  if (!labels) return null;
  const sig = outputSig(model, options.outputName);
  const width = outputWidth(sig);
  const info = labelInfo(labels);
  if (width === null) {
    notes.push('The output shape is not fully known; the task is detected on the first batch.');
    return options.task ?? null;
  }
  const t = detectTask(info, width, sig?.dtype ?? 'float32', options.task);
  if (t.labelForm === 'one-hot') notes.push('One-hot labels: the class is the position of the 1.');
  if (t.task === 'classification' && !info.integerDtype && t.labelForm === 'index') notes.push('Float labels holding whole numbers are read as class indices.');
  return t.task;
}

const NUMPY_DTYPE: Record<string, string> = { float32: 'np.float32', float64: 'np.float64', int64: 'np.int64', int32: 'np.int32', uint8: 'np.uint8', int8: 'np.int8', bool: 'bool' };

/** inputTensorFromNpy, with a NumPy hint added to a dtype mismatch (np.save keeps float64 unless told otherwise). */
function inputFor(arr: NpyArray, sig: TensorSignature, fileName: string, notes: string[]): HostTensor {
  try {
    return inputTensorFromNpy(arr, sig, fileName, notes);
  } catch (e) {
    if (e instanceof ParetoError && arr.dtype !== sig.dtype && NUMPY_DTYPE[sig.dtype]) {
      throw new ParetoError(e.code, `${e.message} Convert it in NumPy: np.save(path, x.astype(${NUMPY_DTYPE[sig.dtype]})).`);
    }
    throw e;
  }
}

/**
 * The general case: arrays for the model's inputs (one array for a one-input model, or one per input name) and
 * optional labels. Validates and returns a Dataset.
 */
export function datasetFromArrays(
  model: ModelIO,
  arrays: { inputs: NpyArray | Readonly<Record<string, NpyArray>>; labels?: NpyArray },
  names: { source: string; inputs?: string; labels?: string; classNames?: string[] },
  options: DatasetOptions = {},
): Dataset {
  const notes: string[] = [];
  if (model.inputs.length === 0) bad('The model has no inputs to feed.');
  const inputs: Record<string, HostTensor> = dict();
  let constants: Record<string, HostTensor> | undefined;
  let perSample: Record<string, HostTensor> | undefined;
  const single = 'dtype' in arrays.inputs && 'shape' in arrays.inputs && 'data' in arrays.inputs;
  if (single) {
    if (model.inputs.length !== 1) {
      bad(
        `The model has ${model.inputs.length} inputs (${model.inputs.map((i) => i.name).join(', ')}): give an .npz with one array per input, named after them.`,
      );
    }
    inputs[model.inputs[0].name] = inputFor(arrays.inputs as NpyArray, model.inputs[0], names.inputs ?? 'the inputs file', notes);
  } else {
    const byName = arrays.inputs as Readonly<Record<string, NpyArray>>;
    const missing = model.inputs.filter((i) => !(i.name in byName)).map((i) => i.name);
    if (missing.length > 0 && !(options.partialInputs && missing.length < model.inputs.length)) {
      bad(`${names.inputs ?? 'The data'} has no array for the model's input(s) ${missing.map((m) => `"${m}"`).join(', ')}; it holds ${Object.keys(byName).map((k) => `"${k}"`).join(', ') || 'nothing'}.`);
    }
    for (const sig of model.inputs) {
      const arr = byName[sig.name];
      if (!arr) continue;
      const what = `${names.inputs ?? 'the data'}, array "${sig.name}"`;
      const layout = memberLayout(arr, sig);
      if (layout === 'batch-first') inputs[sig.name] = inputFor(arr, sig, what, notes);
      else (layout === 'constant' ? (constants ??= {}) : (perSample ??= {}))[sig.name] = memberTensor(arr, sig, what, layout);
    }
  }
  if (Object.keys(inputs).length === 0 && !perSample) bad(`${names.inputs ?? 'The data'} feeds only inputs that stay the same for every item; give at least one input with items.`);
  const counts = [...Object.entries(inputs), ...Object.entries(perSample ?? {})].map(([k, t]) => [k, t.dims[0]] as const);
  const count = counts[0][1];
  const odd = counts.find(([, c]) => c !== count);
  if (odd) bad(`The inputs hold different numbers of items: "${counts[0][0]}" ${count}, "${odd[0]}" ${odd[1]}.`);
  for (const sig of model.inputs) {
    const d0 = sig.shape?.[0];
    if (typeof d0 === 'number' && d0 > 0 && d0 !== 1) notes.push(`The model takes batches of exactly ${d0}; the last batch is zero-padded when needed.`);
  }
  const labels = arrays.labels ? labelsTensorFromNpy(arrays.labels, count, names.labels ?? 'the labels file') : undefined;
  const task = staticTask(model, labels, options, notes);
  return { inputs, ...(perSample ? { perSample } : {}), ...(constants ? { constants } : {}), labels, count, source: names.source, classNames: names.classNames, task, notes };
}

/**
 * How an .npz member feeds its input: one rank more than the input → a leading sample axis (one sample = one feed);
 * the input's rank, when the input's batch is its first axis (or it has none to speak of) → batch-first items, as an
 * .npy; the input's rank otherwise (a scalar, a state [layers, batch, hidden]) → the same tensor for every item.
 */
function memberLayout(arr: NpyArray, sig: TensorSignature): 'batch-first' | 'per-sample' | 'constant' {
  const shape = sig.shape;
  if (!shape) return 'batch-first';
  if (arr.shape.length === shape.length + 1) return 'per-sample';
  if (shape.length === 0) return 'constant';
  const batchLater = shape.some((_, i) => i > 0 && isBatchLikeDim(shape, i));
  return arr.shape.length === shape.length && !isBatchLikeDim(shape, 0) && batchLater ? 'constant' : 'batch-first';
}

/** A per-sample or constant member checked against its input: dtype, finite values, every fixed dim. */
function memberTensor(arr: NpyArray, sig: TensorSignature, what: string, layout: 'per-sample' | 'constant'): HostTensor {
  if (arr.dtype !== sig.dtype) bad(`${what} holds ${arr.dtype} values, but the model's input "${sig.name}" takes ${sig.dtype}.`);
  const feed = layout === 'per-sample' ? arr.shape.slice(1) : arr.shape;
  const expected = sig.shape ?? [];
  const fits = feed.length === expected.length && expected.every((d, i) => typeof d !== 'number' || d <= 0 || d === feed[i]);
  if (!fits) bad(`${what} has shape ${shapeText(arr.shape)}, but the model's input "${sig.name}" is ${shapeText(expected)}: expected ${layout === 'per-sample' ? `[N, ${expected.map((d) => d ?? '?').join(', ')}] (a leading sample axis)` : shapeText(expected)}.`);
  if (layout === 'per-sample' && arr.shape[0] === 0) bad(`${what} holds no items.`);
  if (arr.data instanceof Float32Array || arr.data instanceof Float64Array) {
    for (let i = 0; i < arr.data.length; i++) if (!Number.isFinite(arr.data[i])) bad(`${what} contains ${Number.isNaN(arr.data[i]) ? 'NaN' : 'an infinite value'}.`);
  }
  return { dtype: arr.dtype, dims: [...arr.shape], data: arr.data as HostTensor['data'] };
}

/** An .npy of inputs (one-input models) and optionally an .npy of labels. */
export function datasetFromNpy(
  model: ModelIO,
  inputs: { bytes: Uint8Array; fileName: string },
  labels?: { bytes: Uint8Array; fileName: string },
  options: DatasetOptions = {},
): Dataset {
  const x = withFile(inputs.fileName, () => readNpy(inputs.bytes));
  const y = labels ? withFile(labels.fileName, () => readNpy(labels.bytes)) : undefined;
  return datasetFromArrays(
    model,
    { inputs: x, labels: y },
    { source: labels ? `${inputs.fileName} + ${labels.fileName}` : inputs.fileName, inputs: inputs.fileName, labels: labels?.fileName },
    options,
  );
}

function withFile<T>(fileName: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ParetoError && !e.message.startsWith(fileName)) throw new ParetoError(e.code, `${fileName}: ${e.message}`, e.details);
    throw e;
  }
}

const INPUT_KEYS = ['x', 'X', 'inputs', 'input', 'data', 'features', 'images', 'x_test', 'X_test'];
const LABEL_KEYS = ['y', 'Y', 'labels', 'label', 'targets', 'target', 'y_test', 'Y_test'];

/**
 * An .npz: arrays named after the model's inputs, or (one-input models) one of x, X, inputs, input, data, features,
 * images, x_test (or the only array); labels from y, Y, labels, label, targets, target, y_test, or a separate file.
 * `inputKey` / `labelKey` pick arrays by name.
 */
export function datasetFromNpz(
  model: ModelIO,
  file: { bytes: Uint8Array; fileName: string },
  options: DatasetOptions & { inputKey?: string; labelKey?: string; labels?: { bytes: Uint8Array; fileName: string } } = {},
): Dataset {
  const arrays = readNpz(file.bytes, file.fileName);
  const keys = Object.keys(arrays);
  const list = keys.map((k) => `"${k}"`).join(', ');
  const pick = (key: string, what: string) => arrays[key] ?? bad(`${file.fileName} has no array "${key}" (${what}); it holds ${list}.`);
  let labels: NpyArray | undefined;
  let labelName: string | undefined;
  let labelKey: string | undefined;
  if (options.labels) {
    labels = withFile(options.labels.fileName, () => readNpy(options.labels!.bytes));
    labelName = options.labels.fileName;
  } else {
    labelKey = options.labelKey ?? LABEL_KEYS.find((key) => key in arrays && !model.inputs.some((i) => i.name === key));
    if (labelKey !== undefined) {
      labels = pick(labelKey, 'labels');
      labelName = `${file.fileName}, array "${labelKey}"`;
    }
  }
  let inputs: NpyArray | Record<string, NpyArray>;
  let inputName = file.fileName;
  if (options.inputKey !== undefined) {
    if (model.inputs.length !== 1) bad(`inputKey picks one array, but the model has ${model.inputs.length} inputs; name the arrays after them.`);
    inputs = pick(options.inputKey, 'inputs');
    inputName = `${file.fileName}, array "${options.inputKey}"`;
  } else if (model.inputs.every((i) => i.name in arrays) || (options.partialInputs && model.inputs.length > 1 && model.inputs.some((i) => i.name in arrays))) {
    inputs = Object.fromEntries(model.inputs.filter((i) => i.name in arrays).map((i) => [i.name, arrays[i.name]]));
  } else if (model.inputs.length === 1) {
    const candidates = keys.filter((k) => k !== labelKey);
    const k = INPUT_KEYS.find((key) => key in arrays) ?? (candidates.length === 1 ? candidates[0] : undefined);
    if (!k) {
      return bad(
        `${file.fileName} holds ${list}; none is named after the model's input "${model.inputs[0].name}" or one of ${INPUT_KEYS.join(', ')}. ` +
          'Rename the inputs array (np.savez(f, x=inputs, y=labels)) or pick it by name.',
      );
    }
    inputs = arrays[k];
    inputName = `${file.fileName}, array "${k}"`;
  } else {
    const missing = model.inputs.filter((i) => !(i.name in arrays)).map((i) => `"${i.name}"`);
    return bad(`${file.fileName} holds ${list}, but the model's input(s) ${missing.join(', ')} have no array named after them.`);
  }
  const source = options.labels ? `${file.fileName} + ${options.labels.fileName}` : file.fileName;
  return datasetFromArrays(model, { inputs, labels }, { source, inputs: inputName, labels: labelName }, options);
}

/**
 * A CSV for a tabular model: every column but the label column is a float32 feature, in file order. The model takes
 * [N, features], or any shape whose dims after the batch are fixed and hold exactly that many values (flattened
 * images, say: 784 columns for [N, 1, 28, 28]), filled row-major as numpy's reshape does.
 */
export function datasetFromCsv(model: ModelIO, text: string, options: DatasetOptions & { fileName?: string; labelColumn?: string; delimiter?: string } = {}): Dataset {
  const fileName = options.fileName ?? 'the CSV file';
  if (model.inputs.length !== 1) bad(`A CSV feeds a model with one input; this model has ${model.inputs.length}.`);
  const sig = model.inputs[0];
  const item = sig.shape?.slice(1) ?? [];
  const fixed = item.every((d): d is number => typeof d === 'number' && d > 0);
  if (sig.shape && sig.shape.length !== 2 && !fixed) {
    bad(`A CSV gives rows of numbers ([N, features]), but the model's input "${sig.name}" is ${shapeText(sig.shape)}, whose dims after the batch are not all fixed.`);
  }
  if (sig.dtype !== 'float32') bad(`CSV features are float32, but the model's input "${sig.name}" takes ${sig.dtype}.`);
  const table = parseCsv(text, { fileName, delimiter: options.delimiter });
  const arrays = csvToArrays(table, { labelColumn: options.labelColumn, fileName });
  const want = sig.shape && fixed ? (item as number[]).reduce((a, b) => a * b, 1) : undefined;
  if (want !== undefined && want !== arrays.featureNames.length) {
    const hint = options.labelColumn === undefined ? ' (is one of them the label? name it as the label column)' : '';
    const as = sig.shape!.length === 2 ? `${want} features` : `${shapeText(item)} = ${want} values an item`;
    bad(`${fileName} has ${arrays.featureNames.length} feature columns${hint}, but the model's input "${sig.name}" takes ${as}.`);
  }
  const reshape = sig.shape && sig.shape.length !== 2 ? (item as number[]) : undefined;
  const features = reshape ? { ...arrays.features, shape: [arrays.features.shape[0], ...reshape] } : arrays.features;
  const ds = datasetFromArrays(
    model,
    { inputs: features, labels: arrays.labels },
    { source: fileName, inputs: fileName, labels: arrays.labelName ? `${fileName}, column "${arrays.labelName}"` : undefined, classNames: arrays.classNames },
    options,
  );
  if (reshape) ds.notes.push(`Each row's ${arrays.featureNames.length} values fill one ${shapeText(reshape)} item, row-major.`);
  if (arrays.classNames) ds.notes.push(`Class names mapped to indices in sorted order: ${arrays.classNames.slice(0, 10).map((c, i) => `${c}→${i}`).join(', ')}${arrays.classNames.length > 10 ? ', …' : ''}.`);
  return ds;
}

/** One file of an image folder: its path ("cat/001.png") and the decoded pixels, or why decoding failed. */
export interface ImageFile {
  path: string;
  image?: RgbaImage;
  /** Set by the decoder when the file could not be read as an image. */
  error?: string;
}

/**
 * A folder with one sub-folder per class ("<class>/<file>"): class indices follow the sorted folder names
 * (like torchvision's ImageFolder and Keras) unless `classNames` gives the model's order. Images are resized
 * (bilinear) to the model's input size, converted to its channels, normalised (default '0-1') and laid out as the
 * model takes them. Any unreadable image is an error naming it (all of them, up to 10).
 */
export function datasetFromImageFolder(
  model: ModelIO,
  files: readonly ImageFile[],
  options: DatasetOptions & { normalization?: Normalization; layout?: ImageLayout; classNames?: readonly string[]; size?: { width: number; height: number }; folderName?: string } = {},
): Dataset {
  const source = options.folderName ?? 'the image folder';
  if (model.inputs.length !== 1) bad(`Images feed a model with one input; this model has ${model.inputs.length}.`);
  const spec = imageInputSpec(model.inputs[0], { layout: options.layout, size: options.size });
  const entries = files.map((f) => {
    const parts = f.path.replace(/\\/g, '/').split('/').filter((p) => p.length > 0);
    return { file: f, cls: parts.length >= 2 ? parts[parts.length - 2] : undefined };
  });
  if (entries.length === 0) bad(`${source} holds no images.`);
  const loose = entries.filter((e) => e.cls === undefined);
  if (loose.length > 0) bad(`${source}: ${loose.slice(0, 5).map((e) => `"${e.file.path}"`).join(', ')} ${loose.length === 1 ? 'is' : 'are'} not inside a class sub-folder (expected <class>/<image>).`);
  const failed = entries.filter((e) => e.file.error !== undefined || !e.file.image);
  if (failed.length > 0) {
    const list = failed.slice(0, 10).map((e) => `"${e.file.path}"${e.file.error ? ` (${e.file.error})` : ''}`);
    bad(`${failed.length} image${failed.length === 1 ? '' : 's'} could not be read: ${list.join(', ')}${failed.length > 10 ? ', …' : ''}.`);
  }
  const found = [...new Set(entries.map((e) => e.cls as string))].sort();
  let classNames: string[];
  if (options.classNames) {
    classNames = [...options.classNames];
    const unknown = found.filter((c) => !classNames.includes(c));
    if (unknown.length > 0) bad(`${source} has class folder(s) ${unknown.map((u) => `"${u}"`).join(', ')} that are not among the model's classes (${classNames.join(', ')}).`);
  } else {
    classNames = found;
  }
  const index = new Map(classNames.map((c, i) => [c, i]));
  const per = spec.width * spec.height * spec.channels;
  const data = new Float32Array(entries.length * per);
  const labels = new BigInt64Array(entries.length);
  const normalization = options.normalization ?? '0-1';
  entries.forEach((e, i) => {
    imageIntoTensor(e.file.image as RgbaImage, spec, normalization, data, i, `"${e.file.path}"`);
    labels[i] = BigInt(index.get(e.cls as string) as number);
  });
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) bad(`The normalisation made a non-finite value (image "${entries[Math.floor(i / per)].file.path}").`);
  }
  const sig = model.inputs[0];
  const inputs = { [sig.name]: { dtype: 'float32', dims: imageBatchDims(spec, entries.length), data } };
  const notes = [
    `${entries.length} images in ${classNames.length} classes (${classNames.slice(0, 10).map((c, i) => `${c}→${i}`).join(', ')}${classNames.length > 10 ? ', …' : ''}); ` +
      `resized to ${spec.width}×${spec.height}, ${spec.channels === 1 ? 'grey' : 'RGB'}, ${spec.channelAxis ? spec.layout : 'no channel axis'}, normalised ${typeof normalization === 'string' ? normalization : 'with the given mean/std'}.`,
  ];
  const labelTensor: HostTensor = { dtype: 'int64', dims: [entries.length], data: labels };
  const task = staticTask(model, labelTensor, options, notes);
  return { inputs, labels: labelTensor, count: entries.length, source, classNames, task, notes };
}

/* ------------------------------------------------------------------ by file name ------------------------------------------------------------------ */

/** A data file: its name (the extension says what it holds) and its bytes. */
export interface DataFile {
  bytes: Uint8Array;
  fileName: string;
}

/**
 * A data file as a Dataset, by `format` or else its extension: .csv (features and a label column), .npz (inputs and
 * labels, or labels from a second file), anything else .npy (inputs; labels from a second .npy).
 */
export function datasetFromFile(
  model: ModelIO,
  inputs: DataFile,
  labels?: DataFile,
  options: DatasetOptions & { labelColumn?: string; format?: 'npy' | 'npz' | 'csv' } = {},
): Dataset {
  const format = options.format ?? (/\.csv$/i.test(inputs.fileName) ? 'csv' : /\.npz$/i.test(inputs.fileName) ? 'npz' : 'npy');
  if (format === 'csv') {
    if (labels) bad('Labels come from a column of the CSV (name it as the label column), not from a second file.');
    return datasetFromCsv(model, new TextDecoder('utf-8').decode(inputs.bytes), { ...options, fileName: inputs.fileName });
  }
  if (format === 'npz') return datasetFromNpz(model, inputs, { ...options, labels });
  return datasetFromNpy(model, inputs, labels, options);
}

/** Deterministic synthetic inputs (uniform [0, 1), seeded) as an unlabelled Dataset of `items` items. */
export function syntheticDataset(model: ModelIO, items = 64, seed = 7): Dataset {
  return datasetFromFeeds(model, syntheticFeeds(model.inputs, { batch: items, seed }), `${items} synthetic inputs (uniform [0, 1), seeded)`);
}

/** A dataset holding generated feeds (batch-first), checked against the model like any file. */
function datasetFromFeeds(model: ModelIO, feeds: Feeds, source: string): Dataset {
  const arrays: Record<string, NpyArray> = dict();
  for (const [name, t] of Object.entries(feeds)) arrays[name] = { dtype: t.dtype as NpyArray['dtype'], shape: t.dims, data: t.data as NpyArray['data'] };
  return datasetFromArrays(model, { inputs: arrays }, { source });
}

/** At most this many values per input in the synthetic items that fidelity compares (a 320×320 image: 13 items). */
const SPEC_VALUES = 2 ** 22;
const SPEC_ITEMS = 64;

/**
 * The synthetic items a benchmark's fidelity compares, made by the input spec (seeded). Inputs whose batch is their
 * first axis get items along it (fed in batches). An input with a fixed first dim and no batch-like dim elsewhere
 * ([1, 8]) is batch-first at a fixed batch: the items are made along that axis and fed that many at a time. An input
 * whose batch is not first (a recurrent state [2, batch, 128]) is fed one sample at a time (Dataset.perSample: the
 * spec's values at batch 1, zeros for a state), so every run takes batch 1; a scalar (a sample rate) is the spec's
 * value for every item (Dataset.constants). Only scalars: no items, and why.
 */
export function specDataset(spec: InputSpec, outputs: ModelIO['outputs']): Dataset | string {
  // Items lie along the batch axis (or the one the user pinned); an input with none and a first axis takes it there.
  const items0 = spec.inputs.map((e) => {
    const axis = sampleAxisOf(e);
    if (axis >= 0) return { ...e, dims: e.dims.map((d, i) => (i === axis ? { ...d, batch: true } : d)) };
    return e.dims.length >= 2 ? { ...e, dims: [{ ...e.dims[0], batch: true }, ...e.dims.slice(1)] } : e;
  });
  const kind = (e: InputSpecEntry) => (e.dims.length === 0 ? 'constant' : e.dims[0].batch && e.dims.filter((d) => d.batch).length === 1 ? 'batch-first' : 'per-sample');
  if (items0.every((e) => kind(e) === 'constant')) return `every input is a scalar (${spec.inputs.map((e) => `"${e.name}"`).join(', ')}), so there are no items to compare: latency only`;
  // A sample axis in front of a per-sample input: the spec's values at batch 1, one feed per item.
  const sampleAxis: SpecDim = { name: null, value: 1, source: 'default', reason: 'sample axis', batch: true };
  const made = items0.map((e) =>
    kind(e) === 'per-sample' ? { ...e, shape: [1, ...e.shape], dims: [sampleAxis, ...e.dims.map((d) => ({ ...d, batch: false }))] } : e,
  );
  const per = Math.max(1, ...spec.inputs.map((e) => e.shape.reduce((a, b) => a * b, 1)));
  const items = Math.max(1, Math.min(SPEC_ITEMS, Math.floor(SPEC_VALUES / per)));
  const feeds = specFeeds({ ...spec, inputs: made }, { batch: items, seed: 7 });
  const perSample = items0.filter((e) => kind(e) === 'per-sample').map((e) => `"${e.name}"`);
  const constants = items0.filter((e) => kind(e) === 'constant').map((e) => `"${e.name}"`);
  const how = [
    perSample.length > 0 ? `${perSample.join(', ')} per sample (one item a run)` : '',
    constants.length > 0 ? `${constants.join(', ')} the same for every item` : '',
  ].filter(Boolean);
  const source = `${items} synthetic inputs made by the input spec (seeded)${how.length > 0 ? `; ${how.join(', ')}` : ''}`;
  return datasetFromFeeds({ inputs: specSignatures(spec), outputs }, feeds, source);
}
