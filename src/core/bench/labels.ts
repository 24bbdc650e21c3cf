/**
 * What labels look like and which task they imply for a model's output (classification, binary, regression):
 * shared by the dataset readers (checked before anything runs) and the accuracy evaluation.
 */
import { ParetoError } from '../errors';
import type { TensorSignature } from '../inspect/summary';
import type { HostTensor } from './session';

export type Task = 'classification' | 'binary' | 'regression';

/** What the labels look like (computed once per dataset). */
export interface LabelInfo {
  count: number;
  /** Values per item: 1 for [N] or [N, 1]. */
  width: number;
  integerDtype: boolean;
  /** Every value is a whole number. */
  integral: boolean;
  /** Every value is 0 or 1. */
  binary01: boolean;
  /** width > 1 and every row has exactly one 1, the rest 0. */
  oneHot: boolean;
  min: number;
  max: number;
}

const INTEGER_DTYPES = new Set(['int64', 'int32', 'int16', 'int8', 'uint8', 'uint16', 'uint32', 'uint64', 'bool']);

export const isIntegerDtype = (dtype: string) => INTEGER_DTYPES.has(dtype);

/** A typed array of plain numbers. */
export type NumberArray = Exclude<HostTensor['data'], BigInt64Array>;

/** Per-element numbers of a tensor (int64 via Number, into float64; float16 decoded). */
export function valuesOf(t: HostTensor): NumberArray {
  if (t.data instanceof BigInt64Array) return Float64Array.from(t.data, Number);
  if (t.dtype === 'float16' && t.data instanceof Uint16Array) return Float32Array.from(t.data, halfToFloat);
  return t.data;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

export function labelInfo(labels: HostTensor): LabelInfo {
  const count = labels.dims[0] ?? 1;
  const width = labels.dims.slice(1).reduce((a, b) => a * b, 1);
  const v = valuesOf(labels);
  let integral = true;
  let binary01 = true;
  let oneHot = width > 1;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < count; r++) {
    let ones = 0;
    for (let j = 0; j < width; j++) {
      const x = v[r * width + j];
      if (x < min) min = x;
      if (x > max) max = x;
      if (!Number.isInteger(x)) integral = false;
      if (x !== 0 && x !== 1) binary01 = false;
      if (x === 1) ones++;
    }
    if (ones !== 1) oneHot = false;
  }
  if (!binary01) oneHot = false;
  return { count, width, integerDtype: isIntegerDtype(labels.dtype), integral, binary01, oneHot, min, max };
}

/** Values per item of an output signature (null when any trailing dim is not fixed). */
export function outputWidth(sig: TensorSignature | undefined): number | null {
  if (!sig?.shape) return null;
  if (sig.shape.length <= 1) return 1;
  let w = 1;
  for (const d of sig.shape.slice(1)) {
    if (typeof d !== 'number' || d <= 0) return null;
    w *= d;
  }
  return w;
}

/**
 * The task the labels and the output imply, or throws a ParetoError explaining the mismatch. `width` is the
 * output's values per item; `outputDtype` tells predicted-label outputs (integers) from scores.
 */
export function detectTask(info: LabelInfo, width: number, outputDtype = 'float32', override?: Task): { task: Task; labelForm: 'index' | 'one-hot' | 'value' } {
  const intOut = isIntegerDtype(outputDtype);
  const indexLabels = info.width === 1 && info.integral;
  const describe = () => `the labels hold ${info.width} value(s) per item and the model's output ${width}`;
  const checkIndices = (classes: number) => {
    if (info.min < 0 || info.max >= classes) {
      throw new ParetoError(
        'bad-input',
        `A label is ${info.min < 0 ? info.min : info.max}, outside the model's ${classes} classes (0..${classes - 1}).`,
      );
    }
  };
  if (override === 'classification' || (override === undefined && (indexLabels || info.oneHot) && (width > 1 || (intOut && width === 1)))) {
    if (indexLabels) {
      if (width > 1) checkIndices(width);
      else if (!intOut) {
        throw new ParetoError('bad-input', `Classification needs one score per class, but the model's output holds 1 value per item; use binary or regression.`);
      }
      return { task: 'classification', labelForm: 'index' };
    }
    if (info.oneHot && info.width === width) return { task: 'classification', labelForm: 'one-hot' };
    throw new ParetoError('bad-input', `Classification needs class-index labels ([N] whole numbers) or one-hot labels shaped like the output; ${describe()}${info.integral ? '' : ', and the labels are not whole numbers'}.`);
  }
  if (override === 'binary' || (override === undefined && width === 1 && info.width === 1 && info.binary01 && info.integerDtype)) {
    if (!(info.width === 1 && info.binary01)) throw new ParetoError('bad-input', 'Binary accuracy needs labels that are all 0 or 1, one per item.');
    if (width !== 1) throw new ParetoError('bad-input', `Binary accuracy needs one score per item; the model's output holds ${width}. Use classification.`);
    return { task: 'binary', labelForm: 'value' };
  }
  if (info.width !== width) {
    throw new ParetoError('bad-input', `The labels do not fit the model's output: ${describe()}.`);
  }
  return { task: 'regression', labelForm: 'value' };
}
