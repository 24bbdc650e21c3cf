/**
 * Cost against accuracy: the Pareto frontier (lower cost and higher accuracy are better) and the cheapest variant
 * that keeps accuracy within X points of the baseline. Pure functions over plain points.
 */
import { ParetoError } from '../errors';

export interface ParetoPoint {
  id: string;
  /** Lower is better (e.g. cost per 1M inferences). */
  cost: number;
  /** Higher is better (e.g. top-1 accuracy in percent). */
  accuracy: number;
}

function checkPoints(points: readonly ParetoPoint[]): void {
  points.forEach((p, i) => {
    if (!Number.isFinite(p.cost)) throw new ParetoError('bad-input', `point ${i} ("${p.id}"): cost must be a finite number, not ${p.cost}`);
    if (!Number.isFinite(p.accuracy)) throw new ParetoError('bad-input', `point ${i} ("${p.id}"): accuracy must be a finite number, not ${p.accuracy}`);
  });
}

/** `a` dominates `b`: no worse on both axes and better on at least one. */
export function dominates(a: ParetoPoint, b: ParetoPoint): boolean {
  return a.cost <= b.cost && a.accuracy >= b.accuracy && (a.cost < b.cost || a.accuracy > b.accuracy);
}

/**
 * The non-dominated points, cheapest first (ties in cost: the more accurate first). Points equal on both axes are
 * all kept (none dominates the other). O(n log n): sort by cost, then keep each point more accurate than every
 * cheaper one.
 */
export function paretoFrontier<T extends ParetoPoint>(points: readonly T[]): T[] {
  checkPoints(points);
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.accuracy - a.accuracy);
  const frontier: T[] = [];
  let best = -Infinity;
  for (const p of sorted) {
    const last = frontier[frontier.length - 1];
    if (p.accuracy > best) {
      frontier.push(p);
      best = p.accuracy;
    } else if (last && p.cost === last.cost && p.accuracy === last.accuracy) {
      frontier.push(p);
    }
  }
  return frontier;
}

/**
 * The cheapest point whose accuracy is at least `baselineAccuracy − maxDropPoints` (ties in cost: the more
 * accurate; then the first given). Undefined when none meets the floor.
 */
export function cheapestMeetingFloor<T extends ParetoPoint>(points: readonly T[], baselineAccuracy: number, maxDropPoints: number): T | undefined {
  checkPoints(points);
  if (!Number.isFinite(baselineAccuracy)) throw new ParetoError('bad-input', `baseline accuracy must be a finite number, not ${baselineAccuracy}`);
  if (!Number.isFinite(maxDropPoints) || maxDropPoints < 0) {
    throw new ParetoError('bad-input', `the allowed accuracy drop must be a finite number of points, 0 or more, not ${maxDropPoints}`);
  }
  const floor = accuracyFloor(baselineAccuracy, maxDropPoints);
  let best: T | undefined;
  for (const p of points) {
    if (p.accuracy < floor) continue;
    if (!best || p.cost < best.cost || (p.cost === best.cost && p.accuracy > best.accuracy)) best = p;
  }
  return best;
}

/**
 * `baseline − drop`, rounded to 1e-9 so that decimal inputs compare as written (92.1 − 0.5 is 91.6, not
 * 91.60000000000001, and a variant at 91.6 meets it).
 */
export function accuracyFloor(baselineAccuracy: number, maxDropPoints: number): number {
  return Math.round((baselineAccuracy - maxDropPoints) * 1e9) / 1e9;
}
