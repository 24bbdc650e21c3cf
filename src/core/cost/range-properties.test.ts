/**
 * Interval arithmetic of the cost ranges (range.ts), as properties over random valid scenarios: costs never rise
 * with throughput, so a throughput interval maps to a cost range that holds the point figure, a wider interval
 * gives a wider range, and two ranges are "no measurable difference" exactly when they overlap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRanges, overlaps } from './range';
import type { FeasibleCell, Range } from './result';
import { parseScenario } from './scenario';
import { evaluateScenario } from './tco';

const dbl = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

const targets = [
  { kind: 'cloud', id: 'aws', instance: 'aws/c7i.xlarge', scale: { method: 'cores' } },
  { kind: 'owned', id: 'box', purchasePrice: 9000, lifetimeYears: 4, powerIdleW: 90, powerMaxW: 350, vcpus: 32 },
  { kind: 'edge', id: 'phones', powerIdleW: 0.5, powerMaxW: 6, devices: 1000 },
];

const trafficArb = fc
  .record({ average: dbl(0.01, 1e5), peakRatio: dbl(1, 10), hours: dbl(0.5, 24), utilization: dbl(0.05, 1), redundancy: fc.integer({ min: 0, max: 3 }) })
  .map((t) => ({ ...t, peak: t.average * t.peakRatio }));

/** Throughput (items/s, measured on 1 core) and an interval around it: [x·(1 − a), x·(1 + b)]. */
const measuredArb = fc.record({ x: dbl(1, 1e5), a: dbl(0, 0.9), b: dbl(0, 3), level: fc.constantFrom(0.95, 0.99, undefined) });

type Traffic = typeof trafficArb extends fc.Arbitrary<infer T> ? T : never;

function evaluateWith(t: Traffic, ips: number, interval?: { low: number; high: number; level?: number }) {
  const r = parseScenario({
    version: 1,
    traffic: { averageRps: t.average, peakRps: t.peak, activeHoursPerDay: t.hours },
    slo: { p99Ms: 1000 },
    targetUtilization: t.utilization,
    redundancy: t.redundancy,
    variants: [
      {
        id: 'v',
        modelSizeMB: 12,
        throughput: {
          source: 'measured',
          device: { name: 'laptop', class: 'laptop', cores: 1 },
          points: [{ batchSize: 1, itemsPerSecond: ips, p99Ms: 5, ...(interval ? { itemsPerSecondInterval: interval } : {}) }],
        },
      },
    ],
    targets,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return evaluateScenario(r.scenario).variants[0].cells.filter((c): c is FeasibleCell => c.feasible);
}

const within = (x: number, r: Range) => r.low <= x && x <= r.high;
const contains = (outer: Range, inner: Range) => outer.low <= inner.low && inner.high <= outer.high;

describe('cost ranges from throughput intervals', () => {
  it('costs never rise with throughput (every target kind)', () => {
    fc.assert(
      fc.property(trafficArb, dbl(1, 1e5), dbl(1, 4), (t, x, k) => {
        const slow = evaluateWith(t, x);
        const fast = evaluateWith(t, x * k);
        slow.forEach((c, i) => {
          expect(fast[i].monthly.total).toBeLessThanOrEqual(c.monthly.total * (1 + 1e-12));
          if (c.instances) expect(fast[i].instances!.total).toBeLessThanOrEqual(c.instances.total);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('the range holds the point figure, and its ends are the costs at the ends of the interval', () => {
    fc.assert(
      fc.property(trafficArb, measuredArb, (t, m) => {
        const interval = { low: m.x * (1 - m.a), high: m.x * (1 + m.b), ...(m.level ? { level: m.level } : {}) };
        const cells = evaluateWith(t, m.x, interval);
        const atLow = evaluateWith(t, interval.low);
        const atHigh = evaluateWith(t, interval.high);
        cells.forEach((c, i) => {
          expect(c.range.basis).toBe(m.level ? 'median-ci' : 'spread');
          expect(within(c.monthly.total, c.range.monthly)).toBe(true);
          expect(within(c.costPer1M, c.range.costPer1M)).toBe(true);
          expect(within(c.throughput.itemsPerSecond, c.range.itemsPerSecond)).toBe(true);
          if (c.instances) expect(within(c.instances.total, c.range.instances!)).toBe(true);
          expect(c.range.monthly.low).toBe(Math.min(atHigh[i].monthly.total, c.monthly.total));
          expect(c.range.monthly.high).toBe(Math.max(atLow[i].monthly.total, c.monthly.total));
          expect(c.range.yearly.high).toBeCloseTo(c.range.monthly.high * 12, 6);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a wider interval gives a wider range (monotone)', () => {
    fc.assert(
      fc.property(trafficArb, measuredArb, dbl(0, 0.5), dbl(0, 2), (t, m, da, db) => {
        const narrow = evaluateWith(t, m.x, { low: m.x * (1 - m.a), high: m.x * (1 + m.b) });
        const wide = evaluateWith(t, m.x, { low: m.x * (1 - m.a) * (1 - da), high: m.x * (1 + m.b) * (1 + db) });
        narrow.forEach((c, i) => {
          expect(contains(wide[i].range.monthly, c.range.monthly)).toBe(true);
          expect(contains(wide[i].range.costPer1M, c.range.costPer1M)).toBe(true);
          if (c.range.instances) expect(contains(wide[i].range.instances!, c.range.instances)).toBe(true);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('no interval: every range is the point figure', () => {
    fc.assert(
      fc.property(trafficArb, dbl(1, 1e5), (t, x) => {
        for (const c of evaluateWith(t, x)) {
          expect(c.range).toMatchObject({ basis: 'none', level: null, monthly: { low: c.monthly.total, high: c.monthly.total } });
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('comparing two ranges', () => {
  const rangeArb = fc.tuple(dbl(0, 1e6), dbl(0, 1e6)).map(([a, b]) => ({ low: Math.min(a, b), high: Math.max(a, b) }));

  it('measurable exactly when the ranges do not overlap (or both are points); the saving range holds every difference', () => {
    fc.assert(
      fc.property(rangeArb, rangeArb, dbl(0, 1), dbl(0, 1), (base, v, s, u) => {
        const d = compareRanges(base, v);
        const points = base.low === base.high && v.low === v.high;
        expect(d.measurable).toBe(points || !overlaps(base, v));
        const b = base.low + s * (base.high - base.low);
        const x = v.low + u * (v.high - v.low);
        expect(b - x).toBeGreaterThanOrEqual(d.monthly.low - 1e-9 * Math.max(1, Math.abs(b)));
        expect(b - x).toBeLessThanOrEqual(d.monthly.high + 1e-9 * Math.max(1, Math.abs(b)));
        // measurable and cheaper: the whole saving range is above 0
        if (d.measurable && !points && x < b) expect(d.monthly.low).toBeGreaterThan(0);
      }),
    );
  });

  it('overlap is symmetric and touching ends overlap', () => {
    expect(overlaps({ low: 1, high: 2 }, { low: 2, high: 3 })).toBe(true);
    expect(overlaps({ low: 2, high: 3 }, { low: 1, high: 2 })).toBe(true);
    expect(overlaps({ low: 1, high: 2 }, { low: 2.0001, high: 3 })).toBe(false);
    expect(compareRanges({ low: 5, high: 5 }, { low: 5, high: 5 }).measurable).toBe(true);
    expect(compareRanges({ low: 5, high: 5 }, { low: 4, high: 6 }).measurable).toBe(false);
  });
});
