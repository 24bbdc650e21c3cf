import { fidelity, type Fidelity } from './fidelity';
import type { Feeds, InferenceSession } from './session';
import { dict } from '../own';

const toNumbers = (d: ArrayLike<number> | BigInt64Array): ArrayLike<number> =>
  d instanceof BigInt64Array ? Array.from(d, Number) : d;

/**
 * One session's outputs on a list of batches, flattened per output, with rows = the batch dimension; `last` is the
 * size of the last axis of outputs of rank 3 or more (a sequence of per-step scores, [items, steps, classes]).
 */
export type RecordedOutputs = Map<string, { values: number[]; rows: number; last?: number }>;

/** Runs every batch through `session` and keeps its outputs (small: the caller's first items). */
async function recordOutputs(session: InferenceSession, batches: readonly Feeds[]): Promise<RecordedOutputs> {
  const acc: RecordedOutputs = new Map();
  for (const feeds of batches) {
    // each run gets its own tensors: runtimes may take ownership of input buffers
    const out = await session.run(clone(feeds));
    for (const name of session.outputNames) {
      const t = out[name];
      if (!t) continue;
      const e = acc.get(name) ?? { values: [], rows: 0 };
      const d = toNumbers(t.data as ArrayLike<number>);
      for (let i = 0; i < d.length; i++) e.values.push(d[i]);
      e.rows += t.dims.length > 1 ? t.dims[0] : 1;
      if (t.dims.length >= 3) e.last = t.dims[t.dims.length - 1];
      acc.set(name, e);
    }
  }
  return acc;
}

/**
 * The rows to compare an output by: its items, except for a sequence of class scores (rank >= 3, every slice along
 * the last axis of the original's values a probability distribution, e.g. a text recogniser's [items, steps,
 * characters] softmax): then one row per step, so top-1 agreement says how many steps read the same class.
 */
function rowsOf(r: { values: number[]; rows: number; last?: number }): number {
  const w = r.last;
  if (w === undefined || w < 2 || r.values.length % w !== 0) return r.rows;
  for (let at = 0; at < r.values.length; at += w) {
    let sum = 0;
    for (let j = at; j < at + w; j++) {
      if (!(r.values[j] >= 0)) return r.rows;
      sum += r.values[j];
    }
    if (Math.abs(sum - 1) > 1e-3) return r.rows;
  }
  return r.values.length / w;
}

/** Output error of a variant against the original, per output both produced (in the reference's order). */
export function compareRecorded(reference: RecordedOutputs, candidate: RecordedOutputs): Record<string, Fidelity> {
  const out: Record<string, Fidelity> = dict();
  for (const [name, r] of reference) {
    const c = candidate.get(name);
    if (c) out[name] = fidelity(r.values, c.values, rowsOf(r), name);
  }
  return out;
}

/**
 * Output error of a variant against the original, on the same inputs: per output, with rows = the batch
 * dimension (so top-1 agreement is per item). Inputs are the caller's (a dataset's first items, or synthetic).
 */
export async function compareSessions(
  reference: InferenceSession,
  candidate: InferenceSession,
  batches: readonly Feeds[],
): Promise<Record<string, Fidelity>> {
  return compareRecorded(await recordOutputs(reference, batches), await recordOutputs(candidate, batches));
}

/** Opens a session, records its outputs on the batches and releases it (whatever happens). */
export async function recordOnce(open: () => Promise<InferenceSession>, batches: readonly Feeds[]): Promise<RecordedOutputs> {
  const s = await open();
  try {
    return await recordOutputs(s, batches);
  } finally {
    await s.release();
  }
}

/**
 * The same comparison with one model in memory at a time: the reference session is opened, run and released before
 * the candidate's is opened (a runtime holds a whole copy of a model's weights; two at once double that).
 */
export async function compareOneAtATime(
  openReference: () => Promise<InferenceSession>,
  openCandidate: () => Promise<InferenceSession>,
  batches: readonly Feeds[],
): Promise<Record<string, Fidelity>> {
  const reference = await recordOnce(openReference, batches);
  return compareRecorded(reference, await recordOnce(openCandidate, batches));
}

function clone(feeds: Feeds): Feeds {
  const out: Feeds = dict();
  for (const [k, t] of Object.entries(feeds)) out[k] = { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() as typeof t.data };
  return out;
}
