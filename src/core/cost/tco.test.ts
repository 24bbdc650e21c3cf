/**
 * The TCO formulas, checked by hand: each case writes its arithmetic in the comments, so a reader can redo it with a
 * calculator. Then properties over random valid and invalid scenarios: every numeric output is finite, instance counts
 * are the smallest that carry the peak, parts add up to the total, and bad input is refused at the field.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, DEFAULTS } from './catalogue';
import { parseScenario, type Scenario } from './scenario';
import {
  breakEvenUtilization,
  ceilTolerant,
  CHART_MULTIPLIERS,
  evaluate,
  evaluateScenario,
  nonFinite,
  sloBoundedThroughput,
  type CellResult,
  type FeasibleCell,
  type TcoResult,
} from './tco';

const example = JSON.parse(readFileSync(new URL('../../../examples/scenario.json', import.meta.url), 'utf8')) as unknown;

function scenario(patch: (s: any) => void = () => {}): Scenario {
  const s: any = {
    version: 1,
    traffic: { averageRps: 40, peakRps: 120, activeHoursPerDay: 16 },
    slo: { p99Ms: 150 },
    targetUtilization: 0.6,
    redundancy: 1,
    variants: [{ id: 'a', modelSizeMB: 420, throughput: { source: 'typed', itemsPerSecond: 60, p99Ms: 90, batchSize: 8 } }],
    targets: [{ kind: 'cloud', id: 'aws', instance: 'aws/c7i.xlarge' }],
  };
  patch(s);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(`test scenario invalid: ${JSON.stringify(r.errors)}`);
  return r.scenario;
}

function feasible(c: CellResult | undefined): FeasibleCell {
  if (!c?.feasible) throw new Error(`expected a feasible cell, got ${JSON.stringify(c)}`);
  return c;
}

const cell = (r: TcoResult, variant = 0, target = 0) => feasible(r.variants[variant].cells[target]);
const traced = (c: FeasibleCell, key: string) => c.trace.find((l) => l.key === key);

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

describe('evaluateScenario: cloud instance (hand-computed)', () => {
  // AWS c7i.xlarge on demand $0.1785/h; 4 vCPU, 8 GiB: idle 4 × 0.74 + 8 × 0.392 = 6.096 W, max 4 × 3.5 + 3.136 = 17.136 W.
  // Traffic 40 req/s average, 120 peak, 16 h/day; SLO 150 ms; U = 0.6; redundancy 1; typed 60 items/s (p99 90 ms).
  const s = scenario((x) => {
    x.storage = { modelVersions: 3, replicas: 2, retainedBytesPerRequest: 2000, retentionDays: 30 };
    x.network = { egressBytesPerRequest: 1500 };
    x.maintenance = { updatesPerYear: 6, hoursPerUpdate: 16 };
  });
  const r = evaluateScenario(s);
  const c = cell(r);

  it('instances: ceil(peak / (X × U)) + redundancy', () => {
    // 120 / (60 × 0.6) = 120 / 36 = 3.33 → 4, + 1 = 5
    expect(c.instances).toEqual({ forLoad: 4, redundancy: 1, total: 5 });
    // utilisation: 40 / (5 × 60) = 0.1333; peak 120 / 300 = 0.4
    expect(c.utilization?.average).toBeCloseTo(0.133333, 6);
    expect(c.utilization?.peak).toBeCloseTo(0.4, 12);
    expect(traced(c, 'instances.forLoad')?.formula).toBe('ceil(120 req/s ÷ (60 items/s × 0.6)) = ceil(3.33333)');
  });

  it('inferences per month: avg × 3600 × h/day × 730/24', () => {
    // active hours = 16 × 730 / 24 = 486.667 h; 40 × 3600 × 486.667 = 70,080,000
    expect(r.traffic.activeHoursPerMonth).toBeCloseTo(486.6667, 4);
    expect(r.traffic.monthlyInferences).toBeCloseTo(70_080_000, 3);
  });

  it('compute: N × $/h × 730 h', () => {
    // 5 × 0.1785 × 730 = 651.525
    expect(c.monthly.compute).toBeCloseTo(651.525, 9);
    expect(c.yearly.compute).toBeCloseTo(7818.3, 9);
  });

  it('storage: (model GB × versions × replicas + retained GB) × $/GB-month', () => {
    // model 0.42 GB × 3 × 2 = 2.52 GB; retained 40 × 3600 × 16 × 30 × 2000 B / 1e9 = 138.24 GB
    // (2.52 + 138.24) × 0.023 = 140.76 × 0.023 = 3.23748
    expect(traced(c, 'storage.retainedGB')?.value).toBeCloseTo(138.24, 9);
    expect(c.monthly.storage).toBeCloseTo(3.23748, 9);
  });

  it('network: inferences × bytes / 1e9 × $/GB', () => {
    // 70,080,000 × 1500 / 1e9 = 105.12 GB × 0.09 = 9.4608
    expect(c.monthly.network).toBeCloseTo(9.4608, 9);
  });

  it('maintenance: updates × hours × loaded rate / 12', () => {
    // 6 × 16 × 86.2767 / 12 = 8 × 86.2767 = 690.2135
    expect(c.monthly.maintenance).toBeCloseTo(690.2135, 4);
  });

  it('energy: N × (P_active × active h + P_idle × other h) × PUE / 1000; in the cloud price', () => {
    // P_active = 6.096 + 0.13333 × (17.136 − 6.096) = 6.096 + 1.472 = 7.568 W
    // 5 × (7.568 × 486.667 + 6.096 × 243.333) × 1.135 / 1000 = 5 × (3683.093 + 1483.36) × 1.135 / 1000 = 29.3196 kWh
    expect(traced(c, 'power.active')?.value).toBeCloseTo(7.568, 9);
    expect(c.energy.kWhPerMonth).toBeCloseTo(29.3196, 4);
    // CO2e = 29.3196 × 345 / 1000 = 10.1153 kg
    expect(c.energy.kgCO2ePerMonth).toBeCloseTo(10.1153, 4);
    expect(c.energy.paidBy).toBe('in-price');
    expect(c.monthly.energy).toBe(0);
  });

  it('total and cost per 1M', () => {
    // 651.525 + 3.23748 + 9.4608 + 0 + 690.2135 = 1354.4367; ÷ 70.08 M = $19.3270 per 1M
    expect(c.monthly.total).toBeCloseTo(1354.4367, 4);
    expect(c.costPer1M).toBeCloseTo(19.327, 4);
    expect(c.per1M.compute).toBeCloseTo(651.525 / 70.08, 9); // 9.296875
    expect(c.yearly.total).toBeCloseTo(12 * 1354.4367, 3);
  });

  it('lists each default used with its source and date', () => {
    const keys = r.defaultsUsed.map((d) => d.key).sort();
    expect(keys).toEqual(['cloudPue.aws', 'egressPrice', 'electricityPrice', 'gridIntensity', 'loadedHourlyRate', 'storagePrice']);
    for (const d of r.defaultsUsed) expect(d.figure.source && d.figure.date).toBeTruthy();
    expect(r.targets[0].hourlyPrice).toMatchObject({ value: 0.1785, basis: 'on-demand $0.1785/h', date: '2026-07-20' });
  });

  it('chart: cost per 1M against traffic, the same formulas at multiples of the traffic', () => {
    expect(c.chart.map((p) => p.multiplier)).toEqual([...CHART_MULTIPLIERS]);
    const one = c.chart.find((p) => p.multiplier === 1)!;
    expect(one.costPer1M).toBeCloseTo(c.costPer1M, 9);
    expect(one.instances).toBe(5);
    // ×10: peak 1200 / 36 = 33.3 → 34 + 1 = 35 instances
    expect(c.chart.find((p) => p.multiplier === 10)?.instances).toBe(35);
    // Fixed costs (maintenance) spread over more inferences: cost per 1M falls with traffic.
    expect(c.chart[0].costPer1M).toBeGreaterThan(c.chart[c.chart.length - 1].costPer1M);
  });
});

describe('evaluateScenario: pricing, schedule, owned, edge (hand-computed)', () => {
  it('spot and committed-use prices', () => {
    // n2-standard-4: spot $0.0921/h; committed 37%: 0.1942 × 0.63 = 0.122346; N = 5
    const r = evaluateScenario(
      scenario((x) => {
        x.targets = [
          { kind: 'cloud', id: 'spot', instance: 'gcp/n2-standard-4', pricing: { model: 'spot' } },
          { kind: 'cloud', id: 'cud', instance: 'gcp/n2-standard-4', pricing: { model: 'committed', discount: 0.37 } },
          { kind: 'cloud', id: 'typed', instance: 'aws/c7i.xlarge', hourlyPrice: 0.1 },
        ];
      }),
    );
    expect(cell(r, 0, 0).monthly.compute).toBeCloseTo(5 * 0.0921 * 730, 9); // 336.165
    expect(cell(r, 0, 1).monthly.compute).toBeCloseTo(446.5629, 4); // 5 × 0.122346 × 730
    expect(cell(r, 0, 2).monthly.compute).toBeCloseTo(365, 9); // 5 × 0.1 × 730
    expect(r.targets[2].hourlyPrice).toMatchObject({ basis: 'typed: $0.1/h', source: 'typed by the user' });
  });

  it('active-hours schedule bills only active hours and counts no idle energy outside them', () => {
    // 5 × 0.1785 × 486.667 = 434.35; energy 5 × 7.568 × 486.667 × 1.135 / 1000 = 18415.467 × 1.135 / 1000 = 20.90155 kWh
    const c = cell(evaluateScenario(scenario((x) => (x.schedule = 'active-hours'))));
    expect(c.monthly.compute).toBeCloseTo(434.35, 9);
    expect(c.energy.kWhPerMonth).toBeCloseTo(20.90155, 5);
  });

  const owned = {
    kind: 'owned',
    id: 'box',
    name: 'Box',
    purchasePrice: 9000,
    lifetimeYears: 4,
    residualFraction: 0.1,
    powerIdleW: 120,
    powerMaxW: 350,
    vcpus: 32,
    opexPerYear: 450,
  };

  it('owned hardware: depreciation + colocation + opex, energy billed', () => {
    const r = evaluateScenario(
      scenario((x) => {
        x.variants[0].throughput.perTarget = { box: { itemsPerSecond: 400, p99Ms: 80 } };
        x.targets.push(owned);
      }),
    );
    // depreciation 9000 × (1 − 0.1) / (4 × 12) = 168.75; colocation 200 $/kW-month × 0.35 kW = 70; opex 450 / 12 = 37.5
    expect(r.targets[1].ownedMonthly).toEqual({ depreciation: 168.75, colocation: 70, opex: 37.5, total: 276.25 });
    const c = cell(r, 0, 1);
    // instances: 120 / (400 × 0.6) = 0.5 → 1, + 1 = 2; compute 2 × 276.25 = 552.5
    expect(c.instances?.total).toBe(2);
    expect(c.monthly.compute).toBeCloseTo(552.5, 9);
    // u = 40 / (2 × 400) = 0.05; P_active = 120 + 0.05 × 230 = 131.5 W
    // kWh = 2 × (131.5 × 486.667 + 120 × 243.333) × 1.56 / 1000 = 2 × 93196.67 × 1.56 / 1000 = 290.7736
    expect(c.energy.kWhPerMonth).toBeCloseTo(290.7736, 4);
    // energy cost 290.7736 × 0.0806 = 23.4364
    expect(c.monthly.energy).toBeCloseTo(23.4364, 4);
    expect(c.energy.paidBy).toBe('owner');
    expect(r.defaultsUsed.map((d) => d.key)).toEqual(expect.arrayContaining(['pueOwned', 'colocationPerKWMonth']));

    // Break-even against AWS c7i.xlarge (60 items/s, $0.1785/h):
    //   F = 276.25 × 12 = 3315; e_idle = 120 × 1.56 / 1000 × 0.0806 = 0.01508832 $/h; e_span = 230 × 1.56 / 1000 × 0.0806 = 0.02891928
    //   r = 400 / 60 = 6.6667; u* = (3315 + 8760 × 0.01508832) / (8760 × (6.6667 × 0.1785 − 0.02891928))
    //      = 3447.1737 / (8760 × 1.16108072) = 3447.1737 / 10171.067 = 0.33892
    const b = r.variants[0].breakEven[0];
    expect(b).toMatchObject({ ownedTargetId: 'box', cloudTargetId: 'aws' });
    expect(b.utilization).toBeCloseTo(0.33892, 5);
    expect(b.verdict).toBe('owning Box costs less than renting AWS c7i.xlarge above 33.9% utilisation');
  });

  it('break-even: never when renting costs less than the owned electricity, above 100% when owning never pays', () => {
    const base = { ownedFixedPerYear: 1000, idleW: 100, maxW: 1100, pue: 1, pricePerKWh: 0.1, ownedThroughput: 1, cloudThroughput: 1 };
    // e_span = 1000 W × 0.1 $/kWh / 1000 = 0.1 $/h ≥ cloud 0.05 $/h: never
    expect(breakEvenUtilization({ ...base, cloudHourly: 0.05 }).utilization).toBeNull();
    // cloud $0.2/h: u* = (1000 + 8760 × 0.01) / (8760 × (0.2 − 0.1)) = 1087.6 / 876 = 1.2416 (> 1: owning never wins)
    expect(breakEvenUtilization({ ...base, cloudHourly: 0.2 }).utilization).toBeCloseTo(1.24155, 5);
  });

  it("edge: no compute bill; energy above idle while busy, paid by users; model distribution egress", () => {
    // 70.08 M inferences ÷ 20 items/s = 3,504,000 s busy; × (6 − 1) W × PUE 1 ÷ 3.6e6 = 4.8667 kWh; × $0.0806 = $0.39225
    // distribution: 0.1 GB model × 10,000 devices × 6 updates/y ÷ 12 = 500 GB × $0.09 = $45
    const r = evaluateScenario(
      scenario((x) => {
        x.variants[0].modelSizeMB = 100;
        x.variants[0].throughput.itemsPerSecond = 20;
        x.targets = [{ kind: 'edge', id: 'phones', name: 'Phones', powerIdleW: 1, powerMaxW: 6, devices: 10000 }];
        x.maintenance = { updatesPerYear: 6, hoursPerUpdate: 0 };
      }),
    );
    const c = cell(r);
    expect(c.instances).toBeNull();
    expect(c.utilization).toBeNull();
    expect(c.monthly.compute).toBe(0);
    expect(c.energy.kWhPerMonth).toBeCloseTo(4.86667, 5);
    expect(c.monthly.energy).toBeCloseTo(0.39225, 5);
    expect(c.energy.paidBy).toBe('users');
    expect(c.monthly.network).toBeCloseTo(45, 9);
    expect(r.defaultsUsed.map((d) => d.key)).toContain('pueEdge');
  });

  it('savings against the baseline, per target', () => {
    // baseline: 5 × 0.1785 × 730 = 651.525; variant b at 150 items/s: 120 / 90 = 1.33 → 2 + 1 = 3 → 390.915
    // savings 651.525 − 390.915 = 260.61 per month (3127.32 per year), 260.61 / 651.525 = 40%
    const r = evaluateScenario(
      scenario((x) => {
        x.variants[0].modelSizeMB = 0;
        x.variants.push({ id: 'b', modelSizeMB: 0, throughput: { source: 'typed', itemsPerSecond: 150 } });
      }),
    );
    expect(cell(r, 0).savings).toBeNull();
    const s = cell(r, 1).savings!;
    expect(s.monthly).toBeCloseTo(260.61, 9);
    expect(s.yearly).toBeCloseTo(3127.32, 9);
    expect(s.fraction).toBeCloseTo(0.4, 12);
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

describe('the example scenario', () => {
  it('evaluates: two clouds against owned hardware, with a frontier and an accuracy floor', () => {
    const r = evaluate(example);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const res = r.result;
    expect(res.targets.map((t) => t.id)).toEqual(['aws', 'gcp', 'owned']);
    // fp32 on AWS: 651.525 + 3.23748 + 9.4608 + 690.2135 = 1354.44 (the case above)
    expect(cell(res, 0, 0).monthly.total).toBeCloseTo(1354.4367, 4);
    // floor 92.1 − 1 = 91.1: int8 (91.6) qualifies, pruned (90.4) does not
    for (const f of res.frontiers) expect(f.cheapestMeetingFloor).toEqual({ floor: 91.1, variantId: 'int8' });
    expect(res.variants[0].breakEven).toHaveLength(2);
    expect(nonFinite(res)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties.

const dbl = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const ids = ['t0', 't1', 't2', 't3'];

const typedArb = fc.record(
  {
    source: fc.constant('typed' as const),
    itemsPerSecond: dbl(1e-4, 1e9),
    p99Ms: dbl(1e-3, 3.6e6),
    batchSize: fc.integer({ min: 1, max: 1e6 }),
    perTarget: fc.dictionary(fc.constantFrom(...ids), fc.record({ itemsPerSecond: dbl(1e-4, 1e9) })),
  },
  { requiredKeys: ['source', 'itemsPerSecond'] },
);

const measuredArb = fc.record({
  source: fc.constant('measured' as const),
  device: fc.record({ name: fc.string({ maxLength: 20 }), class: fc.constantFrom('laptop', 'desktop', 'server', 'cloud', 'phone', 'other'), cores: fc.integer({ min: 1, max: 1e5 }) }),
  points: fc.uniqueArray(fc.record({ batchSize: fc.integer({ min: 1, max: 1e6 }), itemsPerSecond: dbl(1e-4, 1e9), p99Ms: dbl(1e-3, 3.6e6) }), {
    minLength: 1,
    maxLength: 6,
    selector: (p) => p.batchSize,
  }),
});

const factorScale = fc.record({ method: fc.constant('factor'), factor: dbl(1e-3, 1e3), derivation: fc.constant('typed factor'), latencyFactor: dbl(1e-3, 1e3) });

const targetArb = fc.oneof(
  fc.record({
    kind: fc.constant('cloud'),
    instance: fc.constantFrom(...CATALOGUE.map((c) => c.id)),
    pricing: fc.oneof(fc.constant({ model: 'on-demand' }), fc.record({ model: fc.constant('committed'), discount: dbl(0, 0.95) })),
    scale: factorScale,
  }),
  fc.record({
    kind: fc.constant('owned'),
    purchasePrice: dbl(0, 1e12),
    lifetimeYears: dbl(1e-3, 50),
    residualFraction: dbl(0, 1),
    powerIdleW: dbl(0, 1e7),
    extraW: dbl(0, 1e7),
    vcpus: fc.integer({ min: 1, max: 1e5 }),
    opexPerYear: dbl(0, 1e12),
    colocationPerKWMonth: dbl(0, 1e6),
  }),
  fc.record({ kind: fc.constant('edge'), powerIdleW: dbl(0, 1e7), extraW: dbl(0, 1e7), devices: fc.integer({ min: 0, max: 1e11 }) }),
);

const scenarioArb = fc
  .record({
    avg: dbl(1e-6, 1e9),
    peakOverAvg: dbl(1, 1e3),
    hours: dbl(1e-3, 24),
    slo: dbl(1e-3, 3.6e6),
    util: dbl(0.01, 1),
    redundancy: fc.integer({ min: 0, max: 1e4 }),
    schedule: fc.constantFrom('always-on', 'active-hours'),
    maxBatchSize: fc.option(fc.integer({ min: 1, max: 1e6 }), { nil: undefined }),
    variants: fc.array(fc.record({ modelSizeMB: dbl(0, 1e7), accuracy: fc.option(dbl(0, 100), { nil: undefined }), throughput: fc.oneof(typedArb, measuredArb) }), {
      minLength: 1,
      maxLength: 3,
    }),
    targets: fc.array(targetArb, { minLength: 1, maxLength: 4 }),
    storage: fc.record({ modelVersions: fc.integer({ min: 1, max: 1e4 }), replicas: fc.integer({ min: 1, max: 1e4 }), retainedBytesPerRequest: dbl(0, 1e10), retentionDays: dbl(0, 36500) }),
    egress: dbl(0, 1e10),
    maintenance: fc.record({ updatesPerYear: dbl(0, 1e4), hoursPerUpdate: dbl(0, 1e5), onCallPerMonth: dbl(0, 1e12) }),
    energy: fc.record({ pue: dbl(1, 5), pricePerKWh: dbl(0, 100), gramsCO2ePerKWh: dbl(0, 5000) }, { requiredKeys: [] }),
  })
  .map((r) => ({
    version: 1,
    traffic: { averageRps: r.avg, peakRps: Math.min(1e9, r.avg * r.peakOverAvg), activeHoursPerDay: r.hours },
    slo: { p99Ms: r.slo },
    targetUtilization: r.util,
    redundancy: r.redundancy,
    schedule: r.schedule,
    ...(r.maxBatchSize !== undefined ? { maxBatchSize: r.maxBatchSize } : {}),
    variants: r.variants.map((v, i) => {
      const { accuracy, throughput, ...rest } = v;
      // perTarget may only name targets that exist.
      const t =
        throughput.source === 'typed' && throughput.perTarget
          ? { ...throughput, perTarget: Object.fromEntries(Object.entries(throughput.perTarget).filter(([k]) => ids.indexOf(k) < r.targets.length)) }
          : throughput;
      return { id: `v${i}`, ...rest, throughput: t, ...(accuracy === undefined ? {} : { accuracy }) };
    }),
    targets: r.targets.map((t, i) => {
      const { extraW, ...rest } = t as typeof t & { extraW?: number };
      const out: Record<string, unknown> = { ...rest, id: ids[i] };
      if (extraW !== undefined) out.powerMaxW = Math.min(1e7, (rest as { powerIdleW: number }).powerIdleW + extraW);
      return out;
    }),
    storage: r.storage,
    network: { egressBytesPerRequest: r.egress },
    maintenance: r.maintenance,
    energy: r.energy,
    accuracyFloor: { maxDropPoints: 1 },
  }))
  .map((s) => {
    // The floor needs the baseline's accuracy; drop it when the baseline has none.
    if ((s.variants[0] as { accuracy?: number }).accuracy === undefined) delete (s as { accuracyFloor?: unknown }).accuracyFloor;
    return s;
  });

function numbersIn(x: unknown, path = ''): { path: string; value: unknown }[] {
  if (typeof x === 'number') return [{ path, value: x }];
  if (Array.isArray(x)) return x.flatMap((v, i) => numbersIn(v, path ? `${path}.${i}` : String(i)));
  if (x && typeof x === 'object') return Object.entries(x).flatMap(([k, v]) => numbersIn(v, path ? `${path}.${k}` : k));
  return [];
}

function setPath(obj: any, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k];
  o[keys[keys.length - 1]] = value;
}

describe('properties', () => {
  it('random valid scenarios parse, and every numeric output is finite and consistent', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const parsed = parseScenario(input);
        if (!parsed.ok) throw new Error(`generator made an invalid scenario: ${JSON.stringify(parsed.errors)}`);
        const r = evaluateScenario(parsed.scenario);
        for (const n of numbersIn(r)) expect(Number.isFinite(n.value), n.path).toBe(true);
        const s = parsed.scenario;
        for (const v of r.variants) {
          for (const c of v.cells) {
            if (!c.feasible) {
              expect(c.reason).toMatch(/infeasible/);
              continue;
            }
            const m = c.monthly;
            expect(m.total).toBeCloseTo(m.compute + m.storage + m.network + m.energy + m.maintenance, 6);
            for (const part of Object.values(m)) expect(part).toBeGreaterThanOrEqual(0);
            expect(c.costPer1M).toBeGreaterThanOrEqual(0);
            expect(c.energy.kWhPerMonth).toBeGreaterThanOrEqual(0);
            if (c.throughput.p99Ms !== null) expect(c.throughput.p99Ms).toBeLessThanOrEqual(s.slo.p99Ms);
            if (c.instances) {
              // The smallest count that carries the peak at the target utilisation.
              const cap = c.throughput.itemsPerSecond * s.targetUtilization;
              const { forLoad } = c.instances;
              expect(forLoad).toBeGreaterThanOrEqual(1);
              expect(forLoad * cap).toBeGreaterThanOrEqual(s.traffic.peakRps * (1 - 1e-9));
              expect((forLoad - 1) * cap).toBeLessThan(s.traffic.peakRps * (1 + 1e-9));
              expect(c.instances.total).toBe(forLoad + s.redundancy);
              expect(c.utilization!.peak).toBeLessThanOrEqual(1 + 1e-9);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a bad value in any numeric field is refused at that field', () => {
    const bad = fc.constantFrom(-1, NaN, Infinity, -Infinity, '12', null, {}, 1e300);
    const withField = scenarioArb.chain((s) => {
      const fields = numbersIn(s).filter((n) => n.path !== 'version');
      return fc.tuple(fc.constant(s), fc.constantFrom(...fields.map((f) => f.path)), bad);
    });
    fc.assert(
      fc.property(withField, ([s, path, value]) => {
        const copy = structuredClone(s);
        setPath(copy, path, value);
        // Typed perTarget keys are ids: the number under them is still a field.
        const r = parseScenario(copy);
        // 1e300 fits a few fields' range? None: every field has a finite upper bound below it.
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(Object.keys(r.fieldErrors)).toContain(path);
        for (const e of r.errors) expect(e.message.length).toBeGreaterThan(3);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary input: a result or field errors', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ version: fc.constant(1), traffic: fc.anything(), variants: fc.anything(), targets: fc.anything() })), (x) => {
        const r = evaluate(x);
        if (r.ok) expect(nonFinite(r.result)).toBeUndefined();
        else expect(r.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('defaults are used only when a figure is not typed', () => {
    const r = evaluateScenario(
      scenario((x) => {
        x.storage = { pricePerGBMonth: 0.02 };
        x.network = { pricePerGB: 0.05 };
        x.energy = { pricePerKWh: 0.2, gramsCO2ePerKWh: 100 };
        x.maintenance = { loadedHourlyRate: 100 };
        x.targets[0].pue = 1.2;
      }),
    );
    expect(r.defaultsUsed).toEqual([]);
    expect(cell(r).energy.kgCO2ePerMonth).toBeCloseTo((cell(r).energy.kWhPerMonth * 100) / 1000, 12);
    expect(DEFAULTS.storagePrice.value).not.toBe(0.02);
  });
});
