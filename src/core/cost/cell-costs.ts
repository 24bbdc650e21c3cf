/**
 * The costs of one variant on one target: instances for the peak, compute, energy, storage, network and
 * maintenance per month, cost per 1M inferences and the chart against traffic, each step recorded in the trace.
 */
import { HOURS_PER_MONTH } from './catalogue';
import type { CellResult, ChartPoint, CostParts, TraceLine } from './result';
import type { Variant } from './scenario';
import type { Context, ResolvedTarget } from './targets';
import { cellRange } from './range';
import { throughputFor } from './throughput';
import { ceilTolerant, fmt, noTrace, type Trace } from './trace';

export const CHART_MULTIPLIERS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100] as const;

interface CostAt {
  instances: { forLoad: number; redundancy: number; total: number } | null;
  utilization: { average: number; peak: number } | null;
  monthly: CostParts;
  kWh: number;
  kgCO2e: number;
  inferences: number;
}

/** Monthly costs of `variant` on `rt` at the given traffic, with throughput `x` per instance (items/s). */
function costAt(ctx: Context, rt: ResolvedTarget, variant: Variant, x: number, averageRps: number, peakRps: number, tr: Trace = noTrace): CostAt {
  const s = ctx.s;
  const t = rt.target;
  const H = HOURS_PER_MONTH;
  const hd = s.traffic.activeHoursPerDay;
  const activeH = tr('activeHoursPerMonth', 'Active hours per month', `${fmt(hd)} h/day × ${fmt(H)} h ÷ 24 h`, (hd * H) / 24, 'h');
  const q = tr('inferences', 'Inferences per month', `${fmt(averageRps)} req/s × 3600 s × ${fmt(activeH)} h`, averageRps * 3600 * activeH, 'inferences');

  let instances: CostAt['instances'] = null;
  let utilization: CostAt['utilization'] = null;
  let compute = 0;
  let kWh: number;

  if (t.kind === 'edge') {
    const busy = tr('busySeconds', "Busy time on users' devices", `${fmt(q)} inferences ÷ ${fmt(x)} items/s`, q / x, 's');
    kWh = tr(
      'kWh',
      'Energy per month (marginal: above idle)',
      `${fmt(busy)} s × (${fmt(rt.maxW)} W − ${fmt(rt.idleW)} W) × PUE ${fmt(rt.pue)} ÷ 3.6e6 J/kWh`,
      (busy * (rt.maxW - rt.idleW) * rt.pue) / 3.6e6,
      'kWh',
    );
  } else {
    const U = s.targetUtilization;
    const raw = peakRps / (x * U);
    const instancesUnit = (k: number) => (k === 1 ? 'instance' : 'instances');
    const need = ceilTolerant(raw);
    const forLoad = tr('instances.forLoad', 'Instances for the peak', `ceil(${fmt(peakRps)} req/s ÷ (${fmt(x)} items/s × ${fmt(U)})) = ceil(${fmt(raw)})`, need, instancesUnit(need));
    const n = tr('instances.total', 'Instances', `${forLoad} + redundancy ${s.redundancy}`, forLoad + s.redundancy, instancesUnit(forLoad + s.redundancy));
    instances = { forLoad, redundancy: s.redundancy, total: n };
    const uAvg = tr('utilization.average', 'Average utilisation (active hours)', `${fmt(averageRps)} req/s ÷ (${n} × ${fmt(x)} items/s)`, averageRps / (n * x), '');
    const uPeak = tr('utilization.peak', 'Peak utilisation', `${fmt(peakRps)} req/s ÷ (${n} × ${fmt(x)} items/s)`, peakRps / (n * x), '');
    utilization = { average: uAvg, peak: uPeak };
    const alwaysOn = s.schedule === 'always-on';
    if (t.kind === 'cloud') {
      const billed = alwaysOn ? H : activeH;
      compute = tr('compute', 'Compute (cloud)', `${n} × $${fmt(rt.hourly)}/h × ${fmt(billed)} h${alwaysOn ? ' (always on)' : ' (active hours only)'}`, n * rt.hourly * billed, 'USD/month');
    } else {
      const sm = rt.summary.ownedMonthly;
      if (sm) {
        tr(
          'owned.depreciation',
          'Depreciation per instance',
          `$${fmt(t.purchasePrice)} × (1 − ${fmt(t.residualFraction)}) ÷ (${fmt(t.lifetimeYears)} y × 12)`,
          sm.depreciation,
          'USD/month',
        );
        tr('owned.colocation', 'Colocation per instance', `$${fmt(rt.coloRate)}/kW-month × ${fmt(t.powerMaxW)} W ÷ 1000`, sm.colocation, 'USD/month');
        tr('owned.opex', 'Other opex per instance', `$${fmt(t.opexPerYear)}/y ÷ 12`, sm.opex, 'USD/month');
      }
      compute = tr('compute', 'Compute (owned)', `${n} × $${fmt(rt.ownedMonthly)}/month (depreciation + colocation + opex)`, n * rt.ownedMonthly, 'USD/month');
    }
    const pAct = tr('power.active', 'Power per instance, active hours', `${fmt(rt.idleW)} W + ${fmt(uAvg)} × (${fmt(rt.maxW)} − ${fmt(rt.idleW)}) W`, rt.idleW + uAvg * (rt.maxW - rt.idleW), 'W');
    const pOff = alwaysOn ? rt.idleW : 0;
    kWh = tr(
      'kWh',
      'Energy per month',
      `${n} × (${fmt(pAct)} W × ${fmt(activeH)} h + ${fmt(pOff)} W × ${fmt(H - activeH)} h${alwaysOn ? ' idle' : ' off'}) × PUE ${fmt(rt.pue)} ÷ 1000`,
      (n * (pAct * activeH + pOff * (H - activeH)) * rt.pue) / 1000,
      'kWh',
    );
  }

  const energy = tr(
    'energy',
    rt.paidBy === 'in-price' ? 'Energy cost (in the instance price)' : rt.paidBy === 'users' ? 'Energy cost (paid by users)' : 'Energy cost',
    rt.paidBy === 'in-price' ? 'included in the hourly price: $0' : `${fmt(kWh)} kWh × $${fmt(rt.pricePerKWh)}/kWh`,
    rt.paidBy === 'in-price' ? 0 : kWh * rt.pricePerKWh,
    'USD/month',
  );
  const kg = tr('kgCO2e', 'CO2e per month', `${fmt(kWh)} kWh × ${fmt(rt.grams)} g/kWh ÷ 1000`, (kWh * rt.grams) / 1000, 'kg');

  const st = s.storage;
  const retained = tr(
    'storage.retainedGB',
    'Retained request data',
    `${fmt(averageRps)} req/s × 3600 s × ${fmt(hd)} h/day × ${fmt(st.retentionDays)} days × ${fmt(st.retainedBytesPerRequest)} B ÷ 1e9`,
    (averageRps * 3600 * hd * st.retentionDays * st.retainedBytesPerRequest) / 1e9,
    'GB',
  );
  const modelGB = variant.modelSizeMB / 1000;
  const gb = tr(
    'storage.GB',
    'Storage',
    `${fmt(modelGB)} GB model × ${st.modelVersions} versions × ${st.replicas} replicas + ${fmt(retained)} GB retained`,
    modelGB * st.modelVersions * st.replicas + retained,
    'GB',
  );
  const storage = tr('storage', 'Storage cost', `${fmt(gb)} GB × $${fmt(ctx.storagePrice)}/GB-month`, gb * ctx.storagePrice, 'USD/month');

  const responseGB = (q * s.network.egressBytesPerRequest) / 1e9;
  const devices = t.kind === 'edge' ? t.devices : 0;
  const distributionGB = (modelGB * devices * s.maintenance.updatesPerYear) / 12;
  const egressGB = tr(
    'network.GB',
    'Egress',
    `${fmt(q)} × ${fmt(s.network.egressBytesPerRequest)} B ÷ 1e9` +
      (t.kind === 'edge' ? ` + ${fmt(modelGB)} GB model × ${devices} devices × ${fmt(s.maintenance.updatesPerYear)} updates/y ÷ 12` : ''),
    responseGB + distributionGB,
    'GB',
  );
  const network = tr('network', 'Network cost', `${fmt(egressGB)} GB × $${fmt(ctx.egressPrice)}/GB`, egressGB * ctx.egressPrice, 'USD/month');
  const maintenance = tr(
    'maintenance',
    'Maintenance',
    `${fmt(s.maintenance.updatesPerYear)} updates/y × ${fmt(s.maintenance.hoursPerUpdate)} h × $${fmt(ctx.rate)}/h ÷ 12 + on-call $${fmt(s.maintenance.onCallPerMonth)}`,
    ctx.maintenanceMonthly,
    'USD/month',
  );
  const total = tr(
    'total',
    'Total per month',
    `${fmt(compute)} + ${fmt(storage)} + ${fmt(network)} + ${fmt(energy)} + ${fmt(maintenance)}`,
    compute + storage + network + energy + maintenance,
    'USD/month',
  );
  return { instances, utilization, monthly: { compute, storage, network, energy, maintenance, total }, kWh, kgCO2e: kg, inferences: q };
}

const scaleParts = (p: CostParts, k: number): CostParts => ({
  compute: p.compute * k,
  storage: p.storage * k,
  network: p.network * k,
  energy: p.energy * k,
  maintenance: p.maintenance * k,
  total: p.total * k,
});

/** One variant on one target: feasible with its costs and trace, or infeasible with the reason. */
export function evaluateCell(ctx: Context, variant: Variant, rt: ResolvedTarget): CellResult {
  const { info, chosen, reason, warnings } = throughputFor(ctx, variant, rt);
  const base = { variantId: variant.id, targetId: rt.target.id };
  if (!chosen) return { ...base, feasible: false, reason, throughput: info, warnings };
  const trace: TraceLine[] = [];
  const tr: Trace = (key, label, formula, value, unit) => {
    trace.push({ key, label, formula, value, unit });
    return value;
  };
  tr(
    'throughput',
    'Throughput per instance (SLO-bounded)',
    chosen.source === 'typed'
      ? `typed: ${fmt(chosen.itemsPerSecond)} items/s`
      : `${fmt(chosen.candidates.find((c) => c.batchSize === chosen.batchSize)?.measuredItemsPerSecond ?? chosen.itemsPerSecond)} items/s at batch ${chosen.batchSize} × ${fmt(chosen.scale?.factor ?? 1)}`,
    chosen.itemsPerSecond,
    'items/s',
  );
  const s = ctx.s;
  const c = costAt(ctx, rt, variant, chosen.itemsPerSecond, s.traffic.averageRps, s.traffic.peakRps, tr);
  const costPer1M = tr('costPer1M', 'Cost per 1M inferences', `$${fmt(c.monthly.total)} ÷ ${fmt(c.inferences)} × 1e6`, (c.monthly.total / c.inferences) * 1e6, 'USD');
  const range = cellRange(chosen, { instances: c.instances?.total ?? null, monthlyTotal: c.monthly.total, costPer1M }, (x) => {
    const p = costAt(ctx, rt, variant, x, s.traffic.averageRps, s.traffic.peakRps);
    return { instances: p.instances?.total ?? null, monthlyTotal: p.monthly.total, costPer1M: (p.monthly.total / p.inferences) * 1e6 };
  });
  if (chosen.interval) {
    const iv = chosen.interval;
    tr('range.monthly.low', 'Total per month, low end', `the same formulas at ${fmt(iv.high)} items/s (fast end of the interval: ${range.note})`, range.monthly.low, 'USD/month');
    tr('range.monthly.high', 'Total per month, high end', `the same formulas at ${fmt(iv.low)} items/s (slow end of the interval)`, range.monthly.high, 'USD/month');
  }
  const chart = CHART_MULTIPLIERS.map((m): ChartPoint => {
    const avg = s.traffic.averageRps * m;
    const peak = s.traffic.peakRps * m;
    const p = costAt(ctx, rt, variant, chosen.itemsPerSecond, avg, peak);
    return { multiplier: m, averageRps: avg, peakRps: peak, instances: p.instances?.total ?? null, monthlyTotal: p.monthly.total, costPer1M: (p.monthly.total / p.inferences) * 1e6 };
  });
  return {
    ...base,
    feasible: true,
    throughput: chosen,
    instances: c.instances,
    utilization: c.utilization,
    monthly: c.monthly,
    yearly: scaleParts(c.monthly, 12),
    per1M: scaleParts(c.monthly, 1e6 / c.inferences),
    costPer1M,
    range,
    energy: { kWhPerMonth: c.kWh, kgCO2ePerMonth: c.kgCO2e, paidBy: rt.paidBy },
    savings: null,
    chart,
    trace,
    warnings: [...warnings, ...rt.warnings],
  };
}
