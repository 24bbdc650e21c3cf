import { datasetFeeds, sliceBatch, type Dataset } from '../bench/dataset';
import { resolveInputSpec, specFeeds, type InputSpec } from '../bench/input-spec';
import type { Feeds, HostTensor } from '../bench/session';
import type { TensorSignature } from '../inspect/summary';

/** Rows of the original and the variant compared by an optimize job (its first rows when it is a dataset). */
export const FIDELITY_ROWS = 64;
/** Synthetic rows compared when no data is given. */
const SYNTHETIC_ROWS = 16;

/** What a job's figures were measured on, for its report. */
export interface DataUse {
  /** 'samples': the sample's own test split; 'data' / 'calibration': the user's file given for that purpose. */
  kind: 'samples' | 'data' | 'calibration' | 'synthetic';
  /** The file (as given, or the sample split's file name); null for synthetic inputs. */
  file: string | null;
  /** Items run. */
  rows: number;
}

/** Batches for a job, and what they are. */
export interface JobData {
  use: DataUse;
  batches: Feeds[];
}

/** The model's fixed first dimension (its batch), when it has one. */
export function fixedBatchOf(sig: TensorSignature | undefined): number | undefined {
  const d0 = sig?.shape?.[0];
  return typeof d0 === 'number' && d0 > 0 ? d0 : undefined;
}

/**
 * The first `limit` items of a batch-first tensor in batches of `batch` (the model's fixed batch when it has one; then
 * the items that do not fill a last batch are dropped). Views, no copies.
 */
function firstBatches(t: HostTensor, inputName: string, limit: number, batch: number, fixedBatch?: number): Feeds[] {
  const size = fixedBatch ?? batch;
  let n = Math.min(limit, t.dims[0]);
  if (fixedBatch) n -= n % fixedBatch;
  const out: Feeds[] = [];
  for (let start = 0; start < n; start += size) out.push({ [inputName]: sliceBatch(t, start, Math.min(size, n - start)) });
  return out;
}

/** Job data from a tensor of items for a one-input model. */
export function jobData(t: HostTensor, input: TensorSignature, use: Omit<DataUse, 'rows'>, limit: number, batch: number): JobData {
  const batches = firstBatches(t, input.name, limit, batch, fixedBatchOf(input));
  return { use: { ...use, rows: batches.reduce((a, f) => a + f[input.name].dims[0], 0) }, batches };
}

/**
 * Job data from a dataset for any number of inputs: its batch-first items in batches of `batch` (1 when it feeds some
 * input one sample at a time, or the spec has no batch dim), its constants, and the other inputs made by the spec.
 */
export function datasetJobData(data: Pick<Dataset, 'inputs' | 'perSample' | 'constants'>, spec: InputSpec, use: Omit<DataUse, 'rows'>, limit: number, batch: number): JobData {
  const counts = [...Object.values(data.inputs), ...Object.values(data.perSample ?? {})].map((t) => t.dims[0]);
  let n = Math.min(limit, ...counts);
  const first = spec.inputs.find((e) => e.name in data.inputs);
  const perSample = Object.keys(data.perSample ?? {}).length > 0;
  const dynamic = spec.inputs.some((e) => e.dims.some((d) => d.batch));
  const size = perSample ? 1 : dynamic ? batch : Math.max(1, first?.shape[0] ?? 1);
  if (!perSample && !dynamic) n -= n % size; // a fixed batch takes whole batches only
  const batches: Feeds[] = [];
  for (let start = 0; start < n; start += size) batches.push(datasetFeeds(data, spec, start, Math.min(size, n - start), 1234 + start));
  return { use: { ...use, rows: n }, batches };
}

/**
 * Deterministic synthetic inputs for the comparison when no data is given, made by the input spec (its fills,
 * fixed values and resolved shapes): one batch of `rows` items when the spec has a batch dim, else `rows` feeds.
 */
export function specJobData(spec: InputSpec, rows = SYNTHETIC_ROWS): JobData {
  const hasBatch = spec.inputs.some((e) => e.dims.some((d) => d.batch));
  const batches: Feeds[] = [];
  if (hasBatch) {
    batches.push(specFeeds(spec, { batch: rows, seed: 1234 }));
    return { use: { kind: 'synthetic', file: null, rows }, batches };
  }
  // No batch dim (a fixed batch, or scalars only): whole feeds of the first input's leading dim each.
  const per = Math.max(1, spec.inputs[0]?.shape[0] ?? 1);
  for (let i = 0; i * per < rows; i++) batches.push(specFeeds(spec, { seed: 1234 + i }));
  return { use: { kind: 'synthetic', file: null, rows: batches.length * per }, batches };
}

/** specJobData at the spec's declared rules only (refuses open dims, naming them). */
export function syntheticJobData(inputs: readonly TensorSignature[], rows = SYNTHETIC_ROWS): JobData {
  return specJobData(resolveInputSpec({ inputs }), rows);
}
