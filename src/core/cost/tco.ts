/**
 * The TCO model: pure formulas from a parsed scenario (scenario.ts) to costs per variant and target. Every figure
 * in the result is traceable: each cell carries `trace`, the formulas with the numbers put in, and the result lists
 * every default figure it used with its source and date (`defaultsUsed`). The formulas are written out in
 * docs/tco.md; the tests in tco.test.ts check them by hand.
 *
 * Conventions: money in USD, a month is 730 h (8,760 h ÷ 12), one request = one inference item, MB/GB are decimal
 * (10^6 / 10^9 bytes). No output is NaN or Infinity: inputs are bounded by the schema and the result is checked.
 */
import { HOURS_PER_MONTH } from './catalogue';
import { breakEvens } from './break-even';
import { evaluateCell } from './cell-costs';
import { compareRanges } from './range';
import { accuracyFloor, cheapestMeetingFloor, paretoFrontier } from './pareto';
import type { FrontierResult, TcoResult, VariantResult } from './result';
import { parseScenario, SCENARIO_VERSION, type ParseResult, type Scenario, type Variant } from './scenario';
import { pick, resolveTarget, type Context } from './targets';

export type * from './result';

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** Evaluate a scenario parsed by `parseScenario` (defaults are resolved here and listed in `defaultsUsed`). */
export function evaluateScenario(s: Scenario): TcoResult {
  const ctx: Context = { s, storagePrice: 0, egressPrice: 0, rate: 0, maintenanceMonthly: 0, defaults: new Map() };
  ctx.storagePrice = pick(ctx, s.storage.pricePerGBMonth, 'storagePrice', 'storage');
  ctx.egressPrice = pick(ctx, s.network.pricePerGB, 'egressPrice', 'network egress');
  const m = s.maintenance;
  ctx.rate = pick(ctx, m.loadedHourlyRate, 'loadedHourlyRate', 'maintenance');
  ctx.maintenanceMonthly = (m.updatesPerYear * m.hoursPerUpdate * ctx.rate) / 12 + m.onCallPerMonth;

  const targets = s.targets.map((t) => resolveTarget(ctx, t));
  const baselineId = s.baseline ?? s.variants[0].id;
  const variants: VariantResult[] = s.variants.map((variant) => {
    const cells = targets.map((rt) => evaluateCell(ctx, variant, rt));
    return {
      id: variant.id,
      name: variant.name ?? variant.id,
      accuracy: variant.accuracy ?? null,
      isBaseline: variant.id === baselineId,
      modelSizeMB: variant.modelSizeMB,
      cells,
      breakEven: breakEvens(variant, cells, targets),
    };
  });

  // Savings against the baseline, target by target.
  const base = variants.find((x) => x.isBaseline) as VariantResult;
  targets.forEach((_, j) => {
    const b = base.cells[j];
    for (const vr of variants) {
      const c = vr.cells[j];
      if (vr.isBaseline || !c.feasible || !b.feasible) continue;
      const monthly = b.monthly.total - c.monthly.total;
      // A share of the baseline's cost, where it has one: a baseline that costs (next to) nothing, so little that the
      // ratio overflows, has no meaningful share.
      const fraction = b.monthly.total > 0 ? monthly / b.monthly.total : null;
      c.savings = {
        monthly,
        yearly: monthly * 12,
        fraction: fraction !== null && Number.isFinite(fraction) ? fraction : null,
        difference: compareRanges(b.range.monthly, c.range.monthly),
      };
    }
  });

  const warnings: string[] = [];
  const baseVariant = s.variants.find((x) => x.id === baselineId) as Variant;
  const frontiers: FrontierResult[] = targets.map((rt, j) => {
    const points = variants.flatMap((vr) => {
      const c = vr.cells[j];
      return c.feasible && vr.accuracy !== null ? [{ id: vr.id, cost: c.costPer1M, accuracy: vr.accuracy }] : [];
    });
    let floor: FrontierResult['cheapestMeetingFloor'] = null;
    if (s.accuracyFloor && baseVariant.accuracy !== undefined) {
      const best = cheapestMeetingFloor(points, baseVariant.accuracy, s.accuracyFloor.maxDropPoints);
      floor = { floor: accuracyFloor(baseVariant.accuracy, s.accuracyFloor.maxDropPoints), variantId: best?.id ?? null };
    }
    return { targetId: rt.target.id, frontier: paretoFrontier(points).map((p) => p.id), cheapestMeetingFloor: floor };
  });
  const noAccuracy = s.variants.filter((x) => x.accuracy === undefined).map((x) => x.id);
  if (noAccuracy.length && noAccuracy.length < s.variants.length) {
    warnings.push(`Variants without an accuracy are left out of the cost/accuracy frontier: ${noAccuracy.join(', ')}.`);
  }
  if (s.schedule === 'active-hours' && targets.some((t) => t.target.kind === 'owned')) {
    warnings.push('Schedule "active-hours": owned hardware is taken as powered off outside active hours (its depreciation and colocation still count).');
  }

  const result: TcoResult = {
    version: SCENARIO_VERSION,
    name: s.name ?? null,
    baselineId,
    traffic: {
      averageRps: s.traffic.averageRps,
      peakRps: s.traffic.peakRps,
      activeHoursPerDay: s.traffic.activeHoursPerDay,
      activeHoursPerMonth: s.traffic.activeHoursPerDay * DAYS_PER_MONTH,
      monthlyInferences: s.traffic.averageRps * 3600 * s.traffic.activeHoursPerDay * DAYS_PER_MONTH,
    },
    sloP99Ms: s.slo.p99Ms,
    targetUtilization: s.targetUtilization,
    redundancy: s.redundancy,
    schedule: s.schedule,
    hoursPerMonth: HOURS_PER_MONTH,
    storage: { pricePerGBMonth: ctx.storagePrice },
    network: { pricePerGB: ctx.egressPrice },
    maintenance: { loadedHourlyRate: ctx.rate, monthly: ctx.maintenanceMonthly },
    targets: targets.map((t) => t.summary),
    variants,
    frontiers,
    defaultsUsed: [...ctx.defaults.values()],
    warnings,
  };
  const bad = nonFinite(result);
  if (bad) throw new Error(`internal: the TCO result has a non-finite number at ${bad}`);
  return result;
}

/** The path of the first NaN or ±Infinity in `x`, or undefined. */
export function nonFinite(x: unknown, path = 'result'): string | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? undefined : path;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const r = nonFinite(x[i], `${path}[${i}]`);
      if (r) return r;
    }
    return undefined;
  }
  if (x && typeof x === 'object') {
    for (const [k, val] of Object.entries(x)) {
      const r = nonFinite(val, `${path}.${k}`);
      if (r) return r;
    }
  }
  return undefined;
}

/**
 * Parse then evaluate: for callers holding untrusted input (the CLI, an imported file, the UI's form state).
 * Bad input gives the field-keyed errors of `parseScenario`, never a result.
 */
export function evaluate(input: unknown): { ok: true; scenario: Scenario; result: TcoResult } | Extract<ParseResult, { ok: false }> {
  const parsed = parseScenario(input);
  if (!parsed.ok) return parsed;
  return { ok: true, scenario: parsed.scenario, result: evaluateScenario(parsed.scenario) };
}
