import { sliceBatch, syntheticFeeds } from '../bench/dataset';
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

/** Deterministic synthetic inputs (uniform [0, 1), seeded) for the comparison when no data is given. */
export function syntheticJobData(inputs: readonly TensorSignature[], rows = SYNTHETIC_ROWS): JobData {
  const fixed = fixedBatchOf(inputs[0]);
  const batches: Feeds[] = [];
  if (fixed === undefined) batches.push(syntheticFeeds(inputs, { batch: rows, seed: 1234 }));
  else for (let i = 0; i * fixed < rows; i++) batches.push(syntheticFeeds(inputs, { seed: 1234 + i }));
  return { use: { kind: 'synthetic', file: null, rows: batches.length * (fixed ?? rows) }, batches };
}
