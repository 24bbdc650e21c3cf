import { fidelity, type Fidelity } from './fidelity';
import type { Feeds, InferenceSession } from './session';

const toNumbers = (d: ArrayLike<number> | BigInt64Array): ArrayLike<number> =>
  d instanceof BigInt64Array ? Array.from(d, Number) : d;

/**
 * Output error of a variant against the original, on the same inputs: per output, with rows = the batch
 * dimension (so top-1 agreement is per item). Inputs are the caller's (a dataset's first items, or synthetic).
 */
export async function compareSessions(
  reference: InferenceSession,
  candidate: InferenceSession,
  batches: readonly Feeds[],
): Promise<Record<string, Fidelity>> {
  const acc = new Map<string, { ref: number[]; cand: number[]; rows: number }>();
  for (const feeds of batches) {
    // each run gets its own tensors: runtimes may take ownership of input buffers
    const [a, b] = [await reference.run(clone(feeds)), await candidate.run(clone(feeds))];
    for (const name of reference.outputNames) {
      const ra = a[name], rb = b[name];
      if (!ra || !rb) continue;
      const e = acc.get(name) ?? { ref: [], cand: [], rows: 0 };
      const da = toNumbers(ra.data as ArrayLike<number>), db = toNumbers(rb.data as ArrayLike<number>);
      for (let i = 0; i < da.length; i++) e.ref.push(da[i]);
      for (let i = 0; i < db.length; i++) e.cand.push(db[i]);
      e.rows += ra.dims.length > 1 ? ra.dims[0] : 1;
      acc.set(name, e);
    }
  }
  const out: Record<string, Fidelity> = {};
  for (const [name, e] of acc) out[name] = fidelity(e.ref, e.cand, e.rows);
  return out;
}

function clone(feeds: Feeds): Feeds {
  const out: Feeds = {};
  for (const [k, t] of Object.entries(feeds)) out[k] = { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() as typeof t.data };
  return out;
}
