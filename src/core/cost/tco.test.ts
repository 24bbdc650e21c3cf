/**
 * The TCO formulas, checked by hand: each case writes its arithmetic in the comments, so a reader can redo it with a
 * calculator. Then properties over random valid and invalid scenarios: every numeric output is finite, instance counts
 * are the smallest that carry the peak, parts add up to the total, and bad input is refused at the field.
 */
import { describe, expect, it } from 'vitest';
import { breakEvenUtilization } from './break-even';
import { CHART_MULTIPLIERS } from './cell-costs';
import { evaluateScenario } from './tco';
import { cell, scenario, traced } from './test-scenarios';

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
    for (const d of r.defaultsUsed) expect(d.figure.source.publisher && d.figure.source.date).toBeTruthy();
    expect(r.targets[0].hourlyPrice).toMatchObject({ value: 0.1785, basis: 'on-demand $0.1785/h', source: { date: '2026-07-20' } });
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
    expect(r.targets[2].hourlyPrice).toMatchObject({ basis: 'typed: $0.1/h', source: null }); // typed by the user
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
