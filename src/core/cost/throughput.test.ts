/**
 * Throughput per instance: the SLO-bounded choice among measured batch sizes, and measured figures scaled from the
 * measuring device to a target (by core count or a typed factor), always labelled as estimates.
 */
import { describe, expect, it } from 'vitest';
import { evaluateScenario, nonFinite } from './tco';
import { cell, scenario } from './test-scenarios';
import { sloBoundedThroughput } from './throughput';
import { ceilTolerant } from './trace';

describe('helpers', () => {
  it('ceilTolerant ignores floating-point noise only', () => {
    expect(ceilTolerant(3)).toBe(3);
    expect(ceilTolerant(3.0000000000000004)).toBe(3);
    expect(ceilTolerant(120 / (40 * 0.6))).toBe(5); // 120 / 24.000000000000004
    expect(ceilTolerant(3.001)).toBe(4);
    expect(ceilTolerant(0.2)).toBe(1);
    expect(ceilTolerant(1e-12)).toBe(1); // a tiny load still needs one instance
    expect(ceilTolerant(0)).toBe(0);
  });

  it('SLO-bounded throughput: the best batch size meeting the p99 SLO, after scaling', () => {
    const points = [
      { batchSize: 32, itemsPerSecond: 900, p99Ms: 180 },
      { batchSize: 1, itemsPerSecond: 100, p99Ms: 10 },
      { batchSize: 8, itemsPerSecond: 400, p99Ms: 40 },
    ];
    // SLO 100 ms: batch 32 (p99 180 ms) is not allowed; batch 8 gives 400 × 0.5 = 200 items/s.
    const a = sloBoundedThroughput(points, { sloMs: 100, factor: 0.5 });
    expect(a.best).toMatchObject({ batchSize: 8, measuredItemsPerSecond: 400, itemsPerSecond: 200, p99Ms: 40, allowed: true });
    expect(a.candidates.map((c) => c.batchSize)).toEqual([1, 8, 32]);
    expect(a.candidates[2]).toMatchObject({ allowed: false, reason: 'p99 180 ms exceeds the SLO of 100 ms' });
    // p99 × 2 (latency factor): batch 8 becomes 80 ms > 50 ms; batch 1 (20 ms) is left: 100 × 0.5 = 50 items/s.
    expect(sloBoundedThroughput(points, { sloMs: 50, factor: 0.5, latencyFactor: 2 }).best).toMatchObject({ batchSize: 1, itemsPerSecond: 50, p99Ms: 20 });
    // Max batch size 4: only batch 1.
    expect(sloBoundedThroughput(points, { sloMs: 1000, factor: 1, maxBatchSize: 4 }).best?.batchSize).toBe(1);
    // SLO 5 ms: none meets it: infeasible (no number).
    expect(sloBoundedThroughput(points, { sloMs: 5, factor: 1 }).best).toBeNull();
    // Ties in throughput: the smaller batch.
    expect(sloBoundedThroughput([{ batchSize: 4, itemsPerSecond: 10, p99Ms: 1 }, { batchSize: 2, itemsPerSecond: 10, p99Ms: 1 }], { sloMs: 5, factor: 1 }).best?.batchSize).toBe(2);
  });
});

describe('evaluateScenario: measured throughput scaled to the target', () => {
  const measured = {
    source: 'measured',
    device: { name: 'MacBook Air', class: 'laptop', cores: 8 },
    points: [
      { batchSize: 1, itemsPerSecond: 100, p99Ms: 10 },
      { batchSize: 8, itemsPerSecond: 400, p99Ms: 40 },
      { batchSize: 32, itemsPerSecond: 900, p99Ms: 180 },
    ],
  };

  it('scales by core count and says it is a laptop estimate', () => {
    const r = evaluateScenario(scenario((x) => (x.variants[0].throughput = measured)));
    const c = cell(r);
    // factor = 4 vCPUs / 8 cores = 0.5; SLO 150 ms rules out batch 32; batch 8: 400 × 0.5 = 200 items/s
    expect(c.throughput).toMatchObject({ source: 'scaled', itemsPerSecond: 200, batchSize: 8, estimate: true });
    expect(c.throughput.scale).toMatchObject({ method: 'cores', factor: 0.5 });
    expect(c.throughput.scale?.derivation).toBe('by core count: 4 vCPUs (AWS c7i.xlarge) ÷ 8 cores (MacBook Air) = 0.5');
    expect(c.throughput.label).toMatch(/^laptop measurement \(MacBook Air, 8 cores\) × 0.5/);
    expect(c.warnings.join('\n')).toMatch(/is a laptop measurement .* scaled × 0.5 .*: an estimate, not a cloud instance measurement/);
    // 120 / (200 × 0.6) = 1 → 1 + 1 = 2 instances
    expect(c.instances?.total).toBe(2);
  });

  it('uses a typed factor with its derivation, and warns when a laptop figure is used unscaled for a server', () => {
    const r = evaluateScenario(
      scenario((x) => {
        x.variants[0].throughput = measured;
        x.targets = [
          { kind: 'cloud', id: 'gpu', instance: 'aws/g4dn.xlarge', scale: { method: 'factor', factor: 6, derivation: 'MLPerf T4 vs laptop ResNet-50 ratio', latencyFactor: 0.5 } },
          { kind: 'cloud', id: 'same', instance: 'aws/c7i.xlarge', scale: { method: 'none' } },
        ];
      }),
    );
    const gpu = cell(r, 0, 0);
    // p99 × 0.5: batch 32 → 90 ms ≤ 150 ms: 900 × 6 = 5400 items/s
    expect(gpu.throughput).toMatchObject({ batchSize: 32, itemsPerSecond: 5400, p99Ms: 90 });
    expect(gpu.throughput.scale?.derivation).toBe('MLPerf T4 vs laptop ResNet-50 ratio');
    const same = cell(r, 0, 1);
    expect(same.throughput).toMatchObject({ source: 'measured', itemsPerSecond: 400, estimate: true });
    expect(same.warnings.join('\n')).toMatch(/used unscaled for a cloud instance: not a measurement on AWS c7i.xlarge/);
  });

  it('is infeasible (no number) when no batch size meets the SLO', () => {
    const r = evaluateScenario(
      scenario((x) => {
        x.slo.p99Ms = 5;
        x.variants[0].throughput = measured;
        x.variants.push({ id: 't', modelSizeMB: 1, throughput: { source: 'typed', itemsPerSecond: 10, p99Ms: 8 } });
      }),
    );
    const c = r.variants[0].cells[0];
    expect(c.feasible).toBe(false);
    if (c.feasible) return;
    expect(c.reason).toMatch(/infeasible: no measured batch size meets the constraints \(batch 1: p99 10 ms exceeds the SLO of 5 ms/);
    expect(c).not.toHaveProperty('monthly');
    const t = r.variants[1].cells[0];
    expect(t.feasible === false && t.reason).toMatch(/typed p99 8 ms exceeds the SLO of 5 ms/);
    // No savings against an infeasible baseline.
    expect(nonFinite(r)).toBeUndefined();
  });
});

describe('throughput labels', () => {
  it('count cores in words that agree: "1 core", "4 vCPUs"', () => {
    const one = {
      source: 'measured',
      device: { name: 'this browser, WASM 1 thread', class: 'laptop', cores: 1 },
      points: [{ batchSize: 1, itemsPerSecond: 50, p99Ms: 10 }],
    };
    const c = cell(evaluateScenario(scenario((x) => (x.variants[0].throughput = one))));
    // 4 vCPUs ÷ 1 core = 4: 50 × 4 = 200 items/s
    expect(c.throughput.itemsPerSecond).toBe(200);
    expect(c.throughput.label).toBe(
      'laptop measurement (this browser, WASM 1 thread, 1 core) × 4 (by core count: 4 vCPUs (AWS c7i.xlarge) ÷ 1 core (this browser, WASM 1 thread) = 4)',
    );
    expect(c.throughput.label).not.toMatch(/\b1 cores\b/);
  });
});
