import { pruneCount, pruneSmallest, type Float32Bytes, type PruneSmallestResult } from './threshold';

/**
 * Global magnitude pruning with a cap on every layer's sparsity (PruneOptions.maxLayerSparsity), exact:
 * of the n weights of all layers, the k = floor(target * n) smallest magnitudes are zeroed subject to no layer losing
 * more than c_i = floor(cap * n_i) of its n_i weights. Water-filling: the global threshold is found over the layers
 * not yet capped; every layer that it would prune past its cap is capped instead (its c_i smallest magnitudes zeroed,
 * its largest (1 - cap) share kept), and the remaining budget k - sum(c_i) is spread again over the other layers with a
 * new global threshold, until no layer exceeds its cap. A capped layer stays over the cap at any higher threshold, and
 * removing one only raises the threshold, so this ends (at most one round per layer) with the exact optimum. When the
 * caps cannot hold k zeros (cap * n < k), every layer ends at its cap and the model's sparsity stays below the target.
 *
 * Copies only (no in-place pruning): a round that overshoots must leave the sources as they were.
 */
export interface CappedResult {
  /** Per source, as pruneSmallest gives them. */
  outputs: (Uint32Array | undefined)[];
  zeroed: number[];
  zerosBefore: number[];
  zerosAfter: number[];
  /** Per source: held at its cap. */
  capped: boolean[];
  /** Magnitude key of the global threshold over the layers not capped (-1 when none, or nothing pruned). */
  key: number;
  rounds: number;
  /** Weights the caps could not take: k minus the zeros the capped layers hold, when every layer ended capped. */
  shortBy: number;
}

export async function pruneSmallestCapped(
  sources: readonly Float32Bytes[],
  lengths: readonly number[],
  target: number,
  cap: number,
  tick?: (fraction: number) => void | Promise<void>,
): Promise<CappedResult> {
  const m = sources.length;
  const out: CappedResult = {
    outputs: new Array(m).fill(undefined),
    zeroed: new Array(m).fill(0),
    zerosBefore: new Array(m).fill(0),
    zerosAfter: new Array(m).fill(0),
    capped: new Array(m).fill(false),
    key: -1,
    rounds: 0,
    shortBy: 0,
  };
  const take = (i: number, r: PruneSmallestResult, j: number) => {
    out.outputs[i] = r.outputs[j];
    out.zeroed[i] = r.zeroed[j];
    out.zerosBefore[i] = r.zerosBefore[j];
    out.zerosAfter[i] = r.zerosAfter[j];
  };
  const limit = lengths.map((n) => pruneCount(cap, n));
  let budget = pruneCount(target, lengths.reduce((s, n) => s + n, 0));
  let active = sources.map((_, i) => i);
  while (active.length > 0) {
    out.rounds++;
    const n = active.reduce((s, i) => s + lengths[i], 0);
    const r = await pruneSmallest(
      active.map((i) => sources[i]),
      Math.min(budget, n),
      { tick },
    );
    const over = active.filter((i, j) => r.zeroed[j] > limit[i]);
    if (over.length === 0) {
      active.forEach((i, j) => take(i, r, j));
      out.key = r.key;
      break;
    }
    for (const i of over) {
      const c = await pruneSmallest([sources[i]], limit[i]);
      take(i, c, 0);
      out.capped[i] = true;
      budget = Math.max(0, budget - limit[i]);
    }
    const capped = new Set(over);
    active = active.filter((i) => !capped.has(i));
    if (active.length === 0) out.shortBy = budget;
  }
  return out;
}
