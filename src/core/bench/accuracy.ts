/**
 * Accuracy of a session over a dataset, in batches, with confidence intervals:
 * - classification (class-index or one-hot labels, scores per class out): top-1 and top-5, Wilson intervals;
 *   an item counts as top-k correct when fewer than k classes score above its label (ties: the lower class
 *   index ranks first, so top-1 is numpy's argmax);
 * - binary (0/1 labels, one score out): accuracy at a threshold (0.5 when every output is in [0, 1], else 0),
 *   Wilson interval;
 * - regression: MSE and MAE, Student t intervals over per-item errors (an item's error is the mean over its output
 *   values: items are the independent units);
 * - fidelity (no labels, the original model's outputs instead): top-1 agreement (Wilson), mean cosine similarity
 *   (t over per-item cosines), output SNR in dB (percentile bootstrap over items, 1000 resamples, seeded),
 *   relative L2 and max |error| (as fidelity.ts).
 * Pure TypeScript: the session is any InferenceSession adapter.
 */
import { ParetoError } from '../errors';
import type { TransformContext } from '../transforms/types';
import type { Dataset, ModelIO } from './dataset';
import { detectTask, isIntegerDtype, labelInfo, valuesOf, type LabelInfo, type NumberArray, type Task } from './labels';
import { compareRow } from './fidelity';
import type { Feeds, HostTensor, InferenceSession } from './session';
import { bootstrapCI, meanCI, wilson, type Interval } from './stats';
import { dict } from '../own';

/* ------------------------------------------------------------------ results ------------------------------------------------------------------ */

export type CountInterval = Interval & { correct: number };

interface ResultBase {
  /** Items evaluated. */
  items: number;
  /** Output scored. */
  output: string;
  /** Output values that were NaN or infinite (counted as wrong for classification). */
  nonFiniteOutputs: number;
  notes: string[];
}

export interface ClassificationResult extends ResultBase {
  kind: 'classification';
  labelForm: 'index' | 'one-hot';
  /** Scores per item (1 when the model outputs predicted labels). */
  classes: number;
  top1: CountInterval;
  /** Null with 5 classes or fewer (it would be 100%) or predicted-label outputs. */
  top5: CountInterval | null;
}

export interface BinaryResult extends ResultBase {
  kind: 'binary';
  threshold: number;
  accuracy: CountInterval;
}

export interface RegressionResult extends ResultBase {
  kind: 'regression';
  valuesPerItem: number;
  mse: Interval;
  mae: Interval;
  rmse: number;
}

export interface FidelityResult extends ResultBase {
  kind: 'fidelity';
  /** Null for one value per item (no argmax). */
  top1Agreement: CountInterval | null;
  cosine: Interval;
  snrDb: Interval;
  relativeL2: number;
  maxAbsError: number;
}

export type AccuracyResult = ClassificationResult | BinaryResult | RegressionResult | FidelityResult;

/** Another model's outputs on the same dataset (collectOutputs), for fidelity without labels. */
export interface ReferenceOutputs {
  output: string;
  items: number;
  width: number;
  data: Float32Array;
}

export interface EvaluateOptions {
  /** Items per run (default 64); a model with a fixed batch dimension uses that (the last batch zero-padded). */
  batchSize?: number;
  /** Output to score (default: the first). */
  outputName?: string;
  /** Force the task instead of detecting it. */
  task?: Task;
  /** Binary: the score threshold (default 0.5 when every output is in [0, 1], else 0). */
  threshold?: number;
  /** The model's signatures: fixed batch dimensions come from here. */
  model?: ModelIO;
  /** Compare with these outputs instead of scoring against labels (the default when the dataset has no labels). */
  reference?: ReferenceOutputs;
  confidence?: number;
  /** Evaluate only the first items. */
  maxItems?: number;
}

/* ------------------------------------------------------------------ running ------------------------------------------------------------------ */

const abortError = () => new ParetoError('aborted', 'Cancelled.');

function fixedBatchOf(model: ModelIO | undefined): number | null {
  for (const i of model?.inputs ?? []) {
    const d = i.shape?.[0];
    if (typeof d === 'number' && d > 0) return d;
  }
  return null;
}

/** Rows [start, start+count) of every input as fresh tensors of `rows` rows (zero-padded past count). */
function batchFeeds(inputs: Readonly<Record<string, HostTensor>>, start: number, count: number, rows: number): Feeds {
  const feeds: Feeds = dict();
  for (const [name, t] of Object.entries(inputs)) {
    const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
    const Ctor = t.data.constructor as new (n: number) => HostTensor['data'];
    const data = new Ctor(rows * per);
    (data as Float32Array).set((t.data as Float32Array).subarray(start * per, (start + count) * per));
    feeds[name] = { dtype: t.dtype, dims: [rows, ...t.dims.slice(1)], data };
  }
  return feeds;
}

/**
 * Runs the dataset through the session in batches and calls `onBatch(values, start, count, width, dtype)` with the
 * scored output's first `count` rows. Checks that the output is batch-first.
 */
async function runBatches(
  session: InferenceSession,
  dataset: Dataset,
  options: EvaluateOptions,
  ctx: TransformContext,
  onBatch: (values: NumberArray, start: number, count: number, width: number, dtype: string) => void,
): Promise<{ output: string; items: number; notes: string[] }> {
  const notes: string[] = [];
  const output = options.outputName ?? session.outputNames[0];
  if (!session.outputNames.includes(output)) {
    throw new ParetoError('bad-input', `The model has no output "${output}"; its outputs are ${session.outputNames.map((n) => `"${n}"`).join(', ')}.`);
  }
  const items = Math.min(dataset.count, options.maxItems ?? Infinity);
  const fixed = fixedBatchOf(options.model);
  const requested = options.batchSize ?? 64;
  if (!(Number.isInteger(requested) && requested >= 1)) throw new ParetoError('bad-input', `The batch size must be a whole number >= 1, got ${requested}.`);
  const size = fixed ?? requested;
  if (fixed !== null && options.batchSize !== undefined && fixed !== options.batchSize) {
    notes.push(`The model's batch dimension is fixed at ${fixed}: evaluated in batches of ${fixed}.`);
  }
  if (fixed !== null && items % fixed !== 0) notes.push(`The last batch was zero-padded to ${fixed} items; padded rows are not scored.`);
  let last = performance.now();
  for (let start = 0; start < items; start += size) {
    if (ctx.signal?.aborted) throw abortError();
    const count = Math.min(size, items - start);
    const feeds = batchFeeds(dataset.inputs, start, count, fixed ?? count);
    const out = (await session.run(feeds, [output]))[output];
    if (!out) throw new ParetoError('bad-input', `The model did not return output "${output}".`);
    const rows = out.dims.length === 0 ? 1 : out.dims[0];
    const total = out.data.length;
    if (rows !== (fixed ?? count) || total % rows !== 0) {
      throw new ParetoError(
        'bad-input',
        `The output "${output}" is [${out.dims.join(', ')}] for a batch of ${fixed ?? count} items: its first dimension is not the batch, so it cannot be scored per item.`,
      );
    }
    const width = total / rows;
    const values = valuesOf(out);
    onBatch(values.subarray(0, count * width), start, count, width, out.dtype);
    const now = performance.now();
    if (now - last > 50) {
      ctx.onProgress?.({ fraction: (start + count) / items, stage: `evaluating ${start + count}/${items}` });
      await new Promise<void>((r) => setTimeout(r, 0));
      last = performance.now();
    }
  }
  ctx.onProgress?.({ fraction: 1, stage: 'evaluated' });
  return { output, items, notes };
}

/** The session's outputs over the dataset (e.g. the original model's, for fidelity of its variants). */
export async function collectOutputs(session: InferenceSession, dataset: Dataset, options: EvaluateOptions = {}, ctx: TransformContext = {}): Promise<ReferenceOutputs> {
  let data = new Float32Array(0);
  let width = -1;
  const { output, items } = await runBatches(session, dataset, options, ctx, (values, start, count, w) => {
    if (width < 0) {
      width = w;
      data = new Float32Array(Math.min(dataset.count, options.maxItems ?? Infinity) * w);
    }
    data.set(values, start * width);
  });
  return { output, items, width, data };
}

/** Scores the session on the dataset: against its labels, or against `options.reference` (see the module doc). */
export async function evaluateAccuracy(session: InferenceSession, dataset: Dataset, options: EvaluateOptions = {}, ctx: TransformContext = {}): Promise<AccuracyResult> {
  if (options.reference) return evaluateFidelity(session, dataset, options.reference, options, ctx);
  const labels = dataset.labels;
  if (!labels) throw new ParetoError('bad-input', 'The dataset has no labels: give labels, or compare with the original model (fidelity).');
  const level = options.confidence ?? 0.95;
  const info = labelInfo(labels);
  const lv = valuesOf(labels);
  let scorer: Scorer | undefined;
  const run = await runBatches(session, dataset, options, ctx, (values, start, count, width, dtype) => {
    scorer ??= makeScorer(detectTask(info, width, dtype, options.task), width, info, lv, dtype);
    scorer.add(values, start, count);
  });
  if (!scorer) throw new ParetoError('bad-input', 'The dataset holds no items.');
  return scorer.result(run.output, run.items, run.notes, level, options.threshold);
}

interface Scorer {
  add(values: ArrayLike<number>, start: number, count: number): void;
  result(output: string, items: number, notes: string[], level: number, threshold?: number): AccuracyResult;
}

function makeScorer(t: { task: Task; labelForm: 'index' | 'one-hot' | 'value' }, width: number, info: LabelInfo, labels: ArrayLike<number>, dtype: string): Scorer {
  let nonFinite = 0;
  const countNonFinite = (values: ArrayLike<number>, n: number) => {
    for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) nonFinite++;
  };
  if (t.task === 'classification') {
    let top1 = 0;
    let top5 = 0;
    const labelOf = (item: number): number => {
      if (t.labelForm === 'index') return labels[item];
      for (let j = 0; j < info.width; j++) if (labels[item * info.width + j] === 1) return j;
      return -1;
    };
    const predictedLabels = width === 1 && isIntegerDtype(dtype);
    return {
      add(values, start, count) {
        countNonFinite(values, count * width);
        for (let r = 0; r < count; r++) {
          const label = labelOf(start + r);
          if (predictedLabels) {
            if (values[r] === label) top1++;
            continue;
          }
          const base = r * width;
          const s = values[base + label];
          if (Number.isNaN(s)) continue;
          let rank = 0;
          for (let j = 0; j < width && rank < 5; j++) {
            const v = values[base + j];
            if (v > s || (v === s && j < label)) rank++;
          }
          if (rank < 1) top1++;
          if (rank < 5) top5++;
        }
      },
      result(output, items, notes, level) {
        if (predictedLabels) notes.push(`The output "${output}" holds predicted labels, so only top-1 is defined.`);
        return {
          kind: 'classification',
          items,
          output,
          nonFiniteOutputs: nonFinite,
          notes,
          labelForm: t.labelForm === 'one-hot' ? 'one-hot' : 'index',
          classes: width,
          top1: { ...wilson(top1, items, level), correct: top1 },
          top5: width > 5 && !predictedLabels ? { ...wilson(top5, items, level), correct: top5 } : null,
        };
      },
    };
  }
  if (t.task === 'binary') {
    const scores: number[] = [];
    return {
      add(values, start, count) {
        countNonFinite(values, count);
        for (let r = 0; r < count; r++) scores.push(values[r]);
      },
      result(output, items, notes, level, threshold) {
        const th = threshold ?? (scores.every((s) => s >= 0 && s <= 1) ? 0.5 : 0);
        let correct = 0;
        for (let i = 0; i < items; i++) if ((scores[i] > th ? 1 : 0) === labels[i] && Number.isFinite(scores[i])) correct++;
        if (threshold === undefined) notes.push(th === 0.5 ? 'Outputs are in [0, 1]: read as probabilities, threshold 0.5.' : 'Outputs leave [0, 1]: read as logits, threshold 0.');
        return { kind: 'binary', items, output, nonFiniteOutputs: nonFinite, notes, threshold: th, accuracy: { ...wilson(correct, items, level), correct } };
      },
    };
  }
  const sq: number[] = [];
  const abs: number[] = [];
  return {
    add(values, start, count) {
      countNonFinite(values, count * width);
      for (let r = 0; r < count; r++) {
        let s = 0;
        let a = 0;
        for (let j = 0; j < width; j++) {
          const d = values[r * width + j] - labels[(start + r) * width + j];
          s += d * d;
          a += Math.abs(d);
        }
        sq.push(s / width);
        abs.push(a / width);
      }
    },
    result(output, items, notes, level) {
      const mse = meanCI(sq, level);
      const mae = meanCI(abs, level);
      return { kind: 'regression', items, output, nonFiniteOutputs: nonFinite, notes, valuesPerItem: width, mse, mae, rmse: Math.sqrt(mse.value) };
    },
  };
}

async function evaluateFidelity(
  session: InferenceSession,
  dataset: Dataset,
  ref: ReferenceOutputs,
  options: EvaluateOptions,
  ctx: TransformContext,
): Promise<FidelityResult> {
  const level = options.confidence ?? 0.95;
  const n = Math.min(dataset.count, ref.items, options.maxItems ?? Infinity);
  const cos = new Float64Array(n);
  // One value per item (a voice probability [N, 1]): the candidate's values, for the column's cosine (fidelity.ts).
  const column = ref.width === 1 ? new Float64Array(n) : null;
  const sig = new Float64Array(n);
  const err = new Float64Array(n);
  let agree = 0;
  let maxAbs = 0;
  let nonFinite = 0;
  const run = await runBatches(session, dataset, { ...options, outputName: options.outputName ?? ref.output, maxItems: n }, ctx, (values, start, count, width) => {
    if (width !== ref.width) {
      throw new ParetoError('bad-input', `The output "${ref.output}" holds ${width} values per item here and ${ref.width} in the reference model; they cannot be compared.`);
    }
    for (let r = 0; r < count; r++) {
      const item = start + r;
      const c = compareRow(ref.data, item * width, values, r * width, width);
      nonFinite += c.nonFinite;
      if (c.maxAbs > maxAbs) maxAbs = c.maxAbs;
      cos[item] = c.cosine;
      if (column) column[item] = values[r];
      sig[item] = c.signal;
      err[item] = c.error;
      if (c.sameArgmax) agree++;
    }
  });
  let S = 0;
  let E = 0;
  for (let i = 0; i < n; i++) {
    S += sig[i];
    E += err[i];
  }
  const snr = bootstrapCI(
    n,
    (idx) => {
      let s = 0;
      let e = 0;
      for (let k = 0; k < idx.length; k++) {
        s += sig[idx[k]];
        e += err[idx[k]];
      }
      return e === 0 ? Infinity : 10 * Math.log10(s / e);
    },
    { level, resamples: 1000, seed: 1 },
  );
  return {
    kind: 'fidelity',
    items: n,
    output: run.output,
    nonFiniteOutputs: nonFinite,
    notes: run.notes,
    top1Agreement: ref.width > 1 ? { ...wilson(agree, n, level), correct: agree } : null,
    cosine: column && n > 1 ? columnCosine(ref.data, column, n, level) : meanCI(cos, level),
    snrDb: snr,
    relativeL2: S === 0 ? (E === 0 ? 0 : Infinity) : Math.sqrt(E / S),
    maxAbsError: maxAbs,
  };
}

/**
 * The cosine of one-value-per-item outputs over the items (a one-value row's own cosine only says its sign), with a
 * percentile bootstrap interval over the items (1000 resamples, seeded), like the SNR's.
 */
function columnCosine(reference: ArrayLike<number>, candidate: Float64Array, n: number, level: number): Interval {
  const ref = Float64Array.from({ length: n }, (_, i) => reference[i]);
  const stat = (idx: ArrayLike<number>) => {
    let d = 0, a = 0, b = 0;
    for (let k = 0; k < idx.length; k++) {
      const x = ref[idx[k]], y = candidate[idx[k]];
      d += x * y;
      a += x * x;
      b += y * y;
    }
    return a === 0 && b === 0 ? 1 : a === 0 || b === 0 ? 0 : d / Math.sqrt(a * b);
  };
  const ci = bootstrapCI(n, stat, { level, resamples: 1000, seed: 2 });
  return { ...ci, value: stat(Uint32Array.from({ length: n }, (_, i) => i)) };
}
