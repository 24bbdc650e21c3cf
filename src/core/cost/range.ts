/**
 * Benchmark noise carried through to money: a throughput interval (from the median latency's confidence interval)
 * gives each cost a low–high range, and two costs whose ranges overlap are "no measurable difference".
 *
 * Every cost of the model falls (weakly) as throughput rises: instances = ceil(peak ÷ (x · U)) + redundancy, the
 * energy is n · idle + load ÷ x · (max − idle), the busy time of edge devices is inferences ÷ x, and storage, network
 * and maintenance do not depend on x. So the low end of a cost is the cost at the high end of the throughput
 * interval, and the high end the cost at its low end (range-properties.test.ts checks this).
 */
import type { CellRange, ChosenThroughput, Difference, Range } from './result';
import { fmt } from './trace';

/** The figures of a cell that get a range, at one throughput. */
export interface RangedFigures {
  instances: number | null;
  monthlyTotal: number;
  costPer1M: number;
}

const ordered = (a: number, b: number, point: number): Range => ({ low: Math.min(a, b, point), high: Math.max(a, b, point) });

const percent = (level: number) => `${fmt(level * 100)}%`;

/**
 * The range of a cell: `at(x)` evaluates the cell at throughput x; `point` is its value at the chosen throughput.
 * Without an interval every range is the point figure, and the note says why.
 */
export function cellRange(chosen: ChosenThroughput, point: RangedFigures, at: (itemsPerSecond: number) => RangedFigures): CellRange {
  const iv = chosen.interval;
  if (!iv) {
    const p = (x: number): Range => ({ low: x, high: x });
    return {
      basis: 'none',
      level: null,
      note:
        chosen.source === 'typed'
          ? 'typed throughput has no interval: the range is the point figure'
          : 'the benchmark gave no latency interval: the range is the point figure',
      itemsPerSecond: p(chosen.itemsPerSecond),
      instances: point.instances === null ? null : p(point.instances),
      monthly: p(point.monthlyTotal),
      yearly: p(point.monthlyTotal * 12),
      costPer1M: p(point.costPer1M),
    };
  }
  const fast = at(iv.high);
  const slow = at(iv.low);
  const monthly = ordered(fast.monthlyTotal, slow.monthlyTotal, point.monthlyTotal);
  const between = `${fmt(iv.low)}–${fmt(iv.high)} items/s`;
  return {
    basis: iv.level === null ? 'spread' : 'median-ci',
    level: iv.level,
    note:
      iv.level === null
        ? `throughput ${between}, from the fastest and slowest runs (too few runs for a confidence interval of the median)`
        : `throughput ${between}, from the ${percent(iv.level)} confidence interval of the median latency`,
    itemsPerSecond: ordered(iv.low, iv.high, chosen.itemsPerSecond),
    instances: point.instances === null || fast.instances === null || slow.instances === null ? null : ordered(fast.instances, slow.instances, point.instances),
    monthly,
    yearly: { low: monthly.low * 12, high: monthly.high * 12 },
    costPer1M: ordered(fast.costPer1M, slow.costPer1M, point.costPer1M),
  };
}

/** Whether two closed intervals share a point. */
export function overlaps(a: Range, b: Range): boolean {
  return a.low <= b.high && b.low <= a.high;
}

/**
 * The baseline's monthly range against a variant's: measurable unless the ranges overlap (two point figures, with no
 * interval on either side, are always compared as they are).
 */
export function compareRanges(baseline: Range, variant: Range): Difference {
  const points = baseline.low === baseline.high && variant.low === variant.high;
  return {
    measurable: points || !overlaps(baseline, variant),
    monthly: { low: baseline.low - variant.high, high: baseline.high - variant.low },
    baseline: { ...baseline },
    variant: { ...variant },
  };
}
