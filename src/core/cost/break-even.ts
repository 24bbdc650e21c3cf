/**
 * Break-even utilisation of owned against rented hardware, for every owned × cloud pair of targets.
 */
import type { BreakEven, CellResult, TraceLine } from './result';
import type { Variant } from './scenario';
import type { ResolvedTarget } from './targets';
import { fmt } from './trace';

/**
 * Owned hardware (always on) costs per year F + 8760·(e_idle + u·e_span), where F is depreciation + colocation +
 * opex, e_idle = P_idle·PUE/1000·$/kWh and e_span = (P_max − P_idle)·PUE/1000·$/kWh. Renting the same work by the hour
 * costs 8760·u·r·p, with p the cloud hourly price and r = X_owned / X_cloud (cloud instances per owned one).
 * Equal at u* = (F + 8760·e_idle) / (8760·(r·p − e_span)).
 */
export function breakEvenUtilization(args: {
  ownedFixedPerYear: number;
  idleW: number;
  maxW: number;
  pue: number;
  pricePerKWh: number;
  cloudHourly: number;
  ownedThroughput: number;
  cloudThroughput: number;
}): { utilization: number | null; ratio: number; eIdle: number; eSpan: number } {
  const eIdle = (args.idleW * args.pue * args.pricePerKWh) / 1000;
  const eSpan = ((args.maxW - args.idleW) * args.pue * args.pricePerKWh) / 1000;
  const ratio = args.ownedThroughput / args.cloudThroughput;
  const denominator = 8760 * (ratio * args.cloudHourly - eSpan);
  if (!(denominator > 0)) return { utilization: null, ratio, eIdle, eSpan };
  return { utilization: (args.ownedFixedPerYear + 8760 * eIdle) / denominator, ratio, eIdle, eSpan };
}

/** The break-even of each owned target against each cloud target where the variant is feasible on both. */
export function breakEvens(variant: Variant, cells: CellResult[], targets: ResolvedTarget[]): BreakEven[] {
  const out: BreakEven[] = [];
  targets.forEach((owned, i) => {
    if (owned.target.kind !== 'owned') return;
    const oc = cells[i];
    if (!oc.feasible) return;
    targets.forEach((cloud, j) => {
      const cc = cells[j];
      if (cloud.target.kind !== 'cloud' || !cc.feasible) return;
      const F = owned.ownedMonthly * 12;
      const r = breakEvenUtilization({
        ownedFixedPerYear: F,
        idleW: owned.idleW,
        maxW: owned.maxW,
        pue: owned.pue,
        pricePerKWh: owned.pricePerKWh,
        cloudHourly: cloud.hourly,
        ownedThroughput: oc.throughput.itemsPerSecond,
        cloudThroughput: cc.throughput.itemsPerSecond,
      });
      const trace: TraceLine[] = [
        { key: 'F', label: 'Owned fixed cost per year', formula: `$${fmt(owned.ownedMonthly)}/month × 12`, value: F, unit: 'USD/year' },
        { key: 'eIdle', label: 'Owned idle energy cost per hour', formula: `${fmt(owned.idleW)} W × PUE ${fmt(owned.pue)} ÷ 1000 × $${fmt(owned.pricePerKWh)}/kWh`, value: r.eIdle, unit: 'USD/h' },
        { key: 'eSpan', label: 'Owned extra energy cost per hour at full load', formula: `(${fmt(owned.maxW)} − ${fmt(owned.idleW)}) W × PUE ${fmt(owned.pue)} ÷ 1000 × $${fmt(owned.pricePerKWh)}/kWh`, value: r.eSpan, unit: 'USD/h' },
        { key: 'r', label: 'Cloud instances per owned one', formula: `${fmt(oc.throughput.itemsPerSecond)} ÷ ${fmt(cc.throughput.itemsPerSecond)} items/s`, value: r.ratio, unit: '' },
      ];
      if (r.utilization !== null) {
        trace.push({
          key: 'u',
          label: 'Break-even utilisation',
          formula: `(${fmt(F)} + 8760 × ${fmt(r.eIdle)}) ÷ (8760 × (${fmt(r.ratio)} × $${fmt(cloud.hourly)} − ${fmt(r.eSpan)}))`,
          value: r.utilization,
          unit: '',
        });
      }
      const pct = (x: number) => `${fmt(Math.round(x * 1000) / 10)}%`;
      const verdict =
        r.utilization === null
          ? `renting ${cloud.summary.name} costs less than the electricity of ${owned.summary.name}: owning never wins`
          : r.utilization > 1
            ? `owning ${owned.summary.name} would need ${pct(r.utilization)} utilisation to match renting ${cloud.summary.name}: owning never wins`
            : `owning ${owned.summary.name} costs less than renting ${cloud.summary.name} above ${pct(r.utilization)} utilisation`;
      out.push({ ownedTargetId: owned.target.id, cloudTargetId: cloud.target.id, utilization: r.utilization, verdict, trace });
    });
  });
  return out;
}
