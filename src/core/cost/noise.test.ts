/**
 * Money from noisy timings: bench results shaped as the harness makes them (the summary of `summarizeSamples`, 20
 * measured runs with log-normal jitter, as a 1-thread WASM run of a small CNN gives) go through the same path as the
 * app's (bench runs → candidates → trade-off, or → the calculator's variants) and the noise reaches the money.
 */
import { describe, expect, it } from 'vitest';
import { candidatesAsDraftVariants, candidatesFromRuns, throughputInterval, type BenchBatchLike } from './bench-candidates';
import { evaluateDraft } from './draft-evaluation';
import { parseScenario } from './scenario';
import { evaluateScenario } from './tco';
import { cell, scenario } from './test-scenarios';
import { busyDraft as draft, latencies, measured, runs, tradeoffOf } from './test-bench-runs';

describe('bench results carry their latency interval into the candidates', () => {
  it('the median CI of 20 runs becomes a throughput interval of the same relative width, around the figure', () => {
    const b = measured(1, latencies(2, 20, 11));
    const iv = throughputInterval(b, b.itemsPerSecond);
    expect(iv?.level).toBe(0.95);
    expect(iv!.low).toBeLessThan(b.itemsPerSecond);
    expect(iv!.high).toBeGreaterThan(b.itemsPerSecond);
    expect(iv!.low).toBeCloseTo((b.itemsPerSecond * b.p50) / b.medianCI!.upper, 9);
    expect(iv!.high).toBeCloseTo((b.itemsPerSecond * b.p50) / b.medianCI!.lower, 9);
    const [c] = candidatesFromRuns([runs(2)[0]]);
    expect(c.points[0].itemsPerSecondInterval).toEqual(iv);
    expect(candidatesAsDraftVariants([c], 'mnist-cnn.onnx')[0].measured?.points[0].itemsPerSecondInterval).toEqual(iv);
  });

  it('with too few runs for a CI (5), the fastest and slowest runs give the interval, without a level', () => {
    const b = measured(1, latencies(2, 5, 3));
    expect(b.medianCI).toBeNull();
    const iv = throughputInterval(b, b.itemsPerSecond);
    expect(iv).toEqual({ low: (b.itemsPerSecond * b.p50) / b.max!, high: (b.itemsPerSecond * b.p50) / b.min! });
  });

  it('a result without any interval (an older one) gives no interval and no range', () => {
    expect(throughputInterval({ batch: 1, p50: 2, p99: 3, itemsPerSecond: 500 }, 500)).toBeUndefined();
    expect(throughputInterval({ batch: 1, p50: 0, p99: 0, itemsPerSecond: 5000, medianCI: { lower: 0, upper: 0, level: 0.95 } }, 5000)).toBeUndefined();
  });
});

describe('costs from noisy timings', () => {
  it('medians that differ by less than their CIs: "no measurable difference", not a precise saving', () => {
    const [orig, var1] = runs(2.1).map((r) => r.cells[0].outcome!.benchmark.latency.batches[0]);
    // the premise: the medians differ by less than the width of either CI, and the CIs overlap
    const width = (b: BenchBatchLike) => b.medianCI!.upper - b.medianCI!.lower;
    expect(Math.abs(var1.p50 - orig.p50)).toBeLessThan(Math.min(width(orig), width(var1)));
    expect(var1.medianCI!.lower).toBeLessThan(orig.medianCI!.upper);
    expect(orig.medianCI!.lower).toBeLessThan(var1.medianCI!.upper);

    const { r, base, variant } = tradeoffOf(2.1);
    // the point figures differ (this is what used to be quoted as "costs x% more ($y/month)")
    expect(variant.monthly).not.toBe(base.monthly);
    expect(Math.abs(variant.savings!.fraction!)).toBeGreaterThan(0.005);
    // ... but within the noise
    const d = variant.savings!.difference;
    expect(d.measurable).toBe(false);
    expect(d.baseline).toEqual(base.range!.monthly);
    expect(d.variant).toEqual(variant.range!.monthly);
    expect(d.monthly.low).toBeLessThan(0);
    expect(d.monthly.high).toBeGreaterThan(0);
    for (const p of [base, variant]) {
      expect(p.range!.basis).toBe('median-ci');
      expect(p.range!.monthly.low).toBeLessThan(p.monthly!);
      expect(p.range!.monthly.high).toBeGreaterThan(p.monthly!);
      expect(p.range!.instances!.low).toBeLessThan(p.range!.instances!.high);
      expect(p.range!.note).toMatch(/95% confidence interval of the median latency/);
    }
    // the cheapest meeting the floor carries the same verdict
    expect(r.cheapest?.savings?.difference.measurable ?? true).toBe(r.cheapest?.isBaseline ? true : false);
  });

  it('clearly different medians (2 ms against 1 ms): the saving, measurable', () => {
    const { r, base, variant } = tradeoffOf(1);
    const d = variant.savings!.difference;
    expect(d.measurable).toBe(true);
    expect(variant.range!.monthly.high).toBeLessThan(base.range!.monthly.low);
    expect(variant.savings!.fraction).toBeGreaterThan(0.3);
    expect(d.monthly.low).toBeGreaterThan(0);
    expect(d.monthly.low).toBeLessThanOrEqual(variant.savings!.monthly);
    expect(d.monthly.high).toBeGreaterThanOrEqual(variant.savings!.monthly);
    expect(r.cheapest?.id).toBe(variant.id);
  });

  it('the calculator fed from the same runs ("use the benchmark") gives the same verdicts and ranges', () => {
    for (const [median, measurable] of [[2.1, false], [1, true]] as const) {
      const candidates = candidatesFromRuns(runs(median));
      const ev = evaluateDraft({ ...draft(), variants: candidatesAsDraftVariants(candidates, 'mnist-cnn.onnx') });
      if (!ev.ok) throw new Error(JSON.stringify(ev.errors));
      const c = cell(ev.result, 1);
      expect(c.savings?.difference.measurable).toBe(measurable);
      expect(c).toMatchObject({ range: tradeoffOf(median).variant.range });
      // the trace says how the ends were computed
      expect(c.trace.find((l) => l.key === 'range.monthly.low')?.formula).toMatch(/fast end of the interval/);
    }
  });
});

describe('the scenario field and typed figures', () => {
  it('typed throughput has no interval: the range is the point, and two typed figures compare as they are', () => {
    const s = scenario((x) => x.variants.push({ id: 'b', modelSizeMB: 420, throughput: { source: 'typed', itemsPerSecond: 61 } }));
    const r = evaluateScenario(s);
    const a = cell(r, 0);
    expect(a.range).toMatchObject({ basis: 'none', level: null, monthly: { low: a.monthly.total, high: a.monthly.total } });
    expect(a.range.note).toBe('typed throughput has no interval: the range is the point figure');
    const b = cell(r, 1);
    expect(b.savings?.difference.measurable).toBe(true);
    expect(b.savings?.monthly).toBeCloseTo(b.savings!.difference.monthly.low, 9);
  });

  it('a measured point may carry itemsPerSecondInterval; one that does not contain the figure is refused at the field', () => {
    const throughput = (interval: unknown) => ({
      source: 'measured',
      device: { name: 'laptop', class: 'laptop', cores: 1 },
      points: [{ batchSize: 1, itemsPerSecond: 500, p99Ms: 3, itemsPerSecondInterval: interval }],
    });
    const measuredVariant = (interval: unknown) => (x: any) => {
      x.variants[0].throughput = throughput(interval);
    };
    const ok = evaluateScenario(scenario(measuredVariant({ low: 450, high: 560, level: 0.95 })));
    // × 4 (c7i.xlarge 4 vCPUs ÷ 1 core)
    expect(cell(ok).range.itemsPerSecond).toEqual({ low: 1800, high: 2240 });
    expect(cell(ok).throughput.interval).toEqual({ low: 1800, high: 2240, level: 0.95 });
    const r = parseScenario({ ...baseInput(), variants: [{ id: 'a', modelSizeMB: 1, throughput: throughput({ low: 510, high: 560 }) }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fieldErrors['variants.0.throughput.points.0.itemsPerSecondInterval']).toMatch(/must contain itemsPerSecond \(500\)/);
  });
});

function baseInput(): Record<string, unknown> {
  return {
    version: 1,
    traffic: { averageRps: 40, peakRps: 120, activeHoursPerDay: 16 },
    slo: { p99Ms: 150 },
    targetUtilization: 0.6,
    targets: [{ kind: 'cloud', id: 'aws', instance: 'aws/c7i.xlarge' }],
  };
}
