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
 * Feeds come from datasetFeeds (./dataset.ts): batch-first inputs in batches, constants (a scalar) added to every
 * feed, and one item a run when an input is fed per sample (a recurrent state); then an item's output is the whole
 * output tensor. With several outputs in the reference, fidelity is also given per output (`perOutput`).
 * Pure TypeScript: the session is any InferenceSession adapter.
 */
import { ParetoError } from '../errors';
import type { TransformContext } from '../transforms/types';
import { datasetFeeds, type Dataset, type ModelIO } from './dataset';
import { isBatchLikeDim, sampleAxisOf, type InputSpec } from './input-spec';
import { detectTask, isIntegerDtype, labelInfo, valuesOf, type LabelInfo, type NumberArray, type Task } from './labels';
import { compareRow } from './fidelity';
import type { Feeds, InferenceSession } from './session';
import { bootstrapCI, meanCI, wilson, type Interval } from './stats';

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
  /** Every output compared (the scored one first), when the reference holds several (collectOutputs allOutputs). */
  perOutput?: FidelityResult[];
}

export type AccuracyResult = ClassificationResult | BinaryResult | RegressionResult | FidelityResult;

/** Another model's outputs on the same dataset (collectOutputs), for fidelity without labels. */
export interface ReferenceOutputs {
  output: string;
  items: number;
  width: number;
  data: Float32Array;
  /** The model's other outputs on the same items (collectOutputs with allOutputs), compared too (FidelityResult.perOutput). */
  others?: ReferenceOutputs[];
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
  /**
   * The input spec of the run: inputs the dataset leaves out are made by it, and an input it gives a value (--value)
   * takes that value (datasetFeeds). Default: every input the dataset holds, from the dataset.
   */
  spec?: InputSpec;
}

/* ------------------------------------------------------------------ running ------------------------------------------------------------------ */

const abortError = () => new ParetoError('aborted', 'Cancelled.');

/** The fixed first dim of an input fed batch-first (a state [2, batch, 128] fed per sample is no batch of 2). */
function fixedBatchOf(model: ModelIO | undefined, batchFirst: ReadonlySet<string>): number | null {
  for (const i of model?.inputs ?? []) {
    const d = i.shape?.[0];
    if (batchFirst.has(i.name) && typeof d === 'number' && d > 0) return d;
  }
  return null;
}

/** Whether the model declares the output's batch after its first axis (a state [2, batch, 128]). */
function batchLater(model: ModelIO | undefined, output: string): boolean {
  const shape = model?.outputs.find((o) => o.name === output)?.shape;
  return Boolean(shape) && !isBatchLikeDim(shape!, 0) && shape!.some((_, i) => i > 0 && isBatchLikeDim(shape!, i));
}

/** A spec that feeds every input the dataset holds from the dataset (for callers that give no spec). */
function dataOnlySpec(d: Dataset): InputSpec {
  const names = [...Object.keys(d.inputs), ...Object.keys(d.perSample ?? {}), ...Object.keys(d.constants ?? {})];
  return { inputs: names.map((name) => ({ name, dtype: '', shape: [], dims: [], values: { kind: 'data', reason: 'from the data' } })) };
}

/** Rows past `count` of the dataset's batch-first inputs set to zero (a fixed batch's padding). */
function zeroPad(feeds: Feeds, names: Iterable<string>, count: number): void {
  for (const k of names) {
    const t = feeds[k];
    if (!t) continue;
    const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
    if (t.data instanceof BigInt64Array) t.data.fill(0n, count * per);
    else t.data.fill(0, count * per);
  }
}

/** One output of one run: the first `count` items' values, `width` per item. */
interface OutputRows {
  values: NumberArray;
  width: number;
  dtype: string;
}

/**
 * Runs the dataset through the session (feeds from datasetFeeds: its batch-first inputs in batches, inputs fed per
 * sample one item a run, constants and what `options.spec` makes added to every feed) and calls
 * `onBatch(outputs, start, count)` with the first `count` items of every output in `names` (the first is scored).
 * Batched, an output must be batch-first (its first axis the batch, not a state's [2, batch, 128]); one item a run, an
 * item is the whole output.
 */
async function runBatches(
  session: InferenceSession,
  dataset: Dataset,
  options: EvaluateOptions,
  ctx: TransformContext,
  names: readonly string[],
  onBatch: (outputs: ReadonlyMap<string, OutputRows>, start: number, count: number) => void,
): Promise<{ output: string; items: number; notes: string[] }> {
  const notes: string[] = [];
  const output = names[0] ?? session.outputNames[0];
  if (!session.outputNames.includes(output)) {
    throw new ParetoError('bad-input', `The model has no output "${output}"; its outputs are ${session.outputNames.map((n) => `"${n}"`).join(', ')}.`);
  }
  const others = names.slice(1).filter((n) => {
    if (!session.outputNames.includes(n)) notes.push(`The model has no output "${n}": not compared.`);
    return session.outputNames.includes(n) && n !== output;
  });
  const spec = options.spec ?? dataOnlySpec(dataset);
  const fromData = new Set(spec.inputs.filter((e) => e.values.kind === 'data').map((e) => e.name));
  // Fed per sample: the data's per-sample inputs, and inputs the spec makes whose batch is not first (a state).
  const perSample = [
    ...Object.keys(dataset.perSample ?? {}).filter((k) => fromData.has(k)),
    ...spec.inputs.filter((e) => !fromData.has(e.name) && sampleAxisOf(e) > 0).map((e) => e.name),
  ];
  const batchFirst = new Set(Object.keys(dataset.inputs).filter((k) => fromData.has(k)));
  const items = Math.min(dataset.count, options.maxItems ?? Infinity);
  const fixed = perSample.length > 0 ? null : fixedBatchOf(options.model, batchFirst);
  const requested = options.batchSize ?? 64;
  if (!(Number.isInteger(requested) && requested >= 1)) throw new ParetoError('bad-input', `The batch size must be a whole number >= 1, got ${requested}.`);
  const size = perSample.length > 0 ? 1 : fixed ?? requested;
  if (perSample.length > 0) {
    notes.push(`Run one item at a time because input${perSample.length > 1 ? 's' : ''} ${perSample.map((k) => `"${k}"`).join(', ')} ${perSample.length > 1 ? 'are' : 'is'} fed per sample.`);
  }
  if (fixed !== null && options.batchSize !== undefined && fixed !== options.batchSize) {
    notes.push(`The model's batch dimension is fixed at ${fixed}: evaluated in batches of ${fixed}.`);
  }
  if (fixed !== null && items % fixed !== 0) notes.push(`The last batch was zero-padded to ${fixed} items; padded rows are not scored.`);
  const skipped = new Set<string>();
  let last = performance.now();
  for (let start = 0; start < items; start += size) {
    if (ctx.signal?.aborted) throw abortError();
    const count = Math.min(size, items - start);
    const rows = fixed ?? count;
    const feeds = datasetFeeds(dataset, spec, start, rows);
    if (rows > count) zeroPad(feeds, batchFirst, count);
    const wanted = [output, ...others.filter((n) => !skipped.has(n))];
    const result = await session.run(feeds, wanted);
    const got = new Map<string, OutputRows>();
    for (const name of wanted) {
      const out = result[name];
      if (!out) throw new ParetoError('bad-input', `The model did not return output "${name}".`);
      // One item a run: the item is the whole output. Batched: the output's first axis must be the batch.
      const n = perSample.length > 0 || out.dims.length === 0 ? 1 : out.dims[0];
      const total = out.data.length;
      if (n !== rows || total % n !== 0 || (rows > 1 && batchLater(options.model, name))) {
        if (name !== output) {
          skipped.add(name);
          notes.push(`The output "${name}" is [${out.dims.join(', ')}] for a batch of ${rows} items: its first dimension is not the batch, so it is not compared per item.`);
          continue;
        }
        throw new ParetoError(
          'bad-input',
          `The output "${output}" is [${out.dims.join(', ')}] for a batch of ${rows} items: its first dimension is not the batch, so it cannot be scored per item.`,
        );
      }
      const width = total / n;
      got.set(name, { values: valuesOf(out).subarray(0, count * width), width, dtype: out.dtype });
    }
    onBatch(got, start, count);
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

/**
 * The session's outputs over the dataset (e.g. the original model's, for fidelity of its variants): the scored output,
 * and with `allOutputs` every other output that can be read per item (in `others`).
 */
export async function collectOutputs(
  session: InferenceSession,
  dataset: Dataset,
  options: EvaluateOptions & { allOutputs?: boolean } = {},
  ctx: TransformContext = {},
): Promise<ReferenceOutputs> {
  const first = options.outputName ?? session.outputNames[0];
  const names = options.allOutputs ? [first, ...session.outputNames.filter((n) => n !== first)] : [first];
  const n = Math.min(dataset.count, options.maxItems ?? Infinity);
  const acc = new Map<string, ReferenceOutputs>();
  const { output, items } = await runBatches(session, dataset, options, ctx, names, (outs, start) => {
    for (const [name, o] of outs) {
      let r = acc.get(name);
      if (!r) acc.set(name, (r = { output: name, items: n, width: o.width, data: new Float32Array(n * o.width) }));
      if (o.width !== r.width) throw new ParetoError('bad-input', `The output "${name}" holds ${o.width} values per item at item ${start} and ${r.width} before; items must be alike.`);
      r.data.set(o.values, start * r.width);
    }
  });
  const main = acc.get(output) ?? { output, items, width: 0, data: new Float32Array(0) };
  const others = names.slice(1).flatMap((k) => (acc.has(k) ? [acc.get(k)!] : []));
  return { ...main, items, ...(others.length > 0 ? { others } : {}) };
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
  const run = await runBatches(session, dataset, options, ctx, [options.outputName ?? session.outputNames[0]], (outs, start, count) => {
    const { values, width, dtype } = outs.values().next().value!;
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

/** Per-item comparison sums of one output against its reference. */
function fidelityOf(ref: ReferenceOutputs, n: number) {
  const cos = new Float64Array(n);
  // One value per item (a voice probability [N, 1]): the candidate's values, for the column's cosine (fidelity.ts).
  const column = ref.width === 1 ? new Float64Array(n) : null;
  const sig = new Float64Array(n);
  const err = new Float64Array(n);
  let agree = 0;
  let maxAbs = 0;
  let nonFinite = 0;
  return {
    add(values: NumberArray, start: number, count: number, width: number) {
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
    },
    result(level: number, notes: string[]): FidelityResult {
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
        output: ref.output,
        nonFiniteOutputs: nonFinite,
        notes,
        top1Agreement: ref.width > 1 ? { ...wilson(agree, n, level), correct: agree } : null,
        cosine: column && n > 1 ? columnCosine(ref.data, column, n, level) : meanCI(cos, level),
        snrDb: snr,
        relativeL2: S === 0 ? (E === 0 ? 0 : Infinity) : Math.sqrt(E / S),
        maxAbsError: maxAbs,
      };
    },
  };
}

/** Fidelity of the scored output (and, when the reference holds others, of each of them: perOutput). */
async function evaluateFidelity(
  session: InferenceSession,
  dataset: Dataset,
  ref: ReferenceOutputs,
  options: EvaluateOptions,
  ctx: TransformContext,
): Promise<FidelityResult> {
  const level = options.confidence ?? 0.95;
  const n = Math.min(dataset.count, ref.items, options.maxItems ?? Infinity);
  const refs = [ref, ...(ref.others ?? []).filter((o) => o.output !== ref.output)];
  const acc = new Map(refs.map((r) => [r.output, fidelityOf(r, n)]));
  const seen = new Set<string>();
  const run = await runBatches(session, dataset, { ...options, maxItems: n }, ctx, refs.map((r) => r.output), (outs, start, count) => {
    for (const [name, o] of outs) {
      acc.get(name)?.add(o.values, start, count, o.width);
      seen.add(name);
    }
  });
  const main = acc.get(ref.output)!.result(level, run.notes);
  if (refs.length === 1) return main;
  const perOutput = refs.filter((r) => seen.has(r.output)).map((r) => (r.output === ref.output ? { ...main, notes: [] } : acc.get(r.output)!.result(level, [])));
  return { ...main, perOutput };
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
