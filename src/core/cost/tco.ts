/**
 * The TCO model: pure formulas from a parsed scenario (scenario.ts) to costs per variant and target. Every figure
 * in the result is traceable: each cell carries `trace`, the formulas with the numbers put in, and the result lists
 * every default figure it used with its source and date (`defaultsUsed`). The formulas are written out in
 * docs/tco.md; the tests in tco.test.ts check them by hand.
 *
 * Conventions: money in USD, a month is 730 h (8,760 h ÷ 12), one request = one inference item, MB/GB are decimal
 * (10^6 / 10^9 bytes). No output is NaN or Infinity: inputs are bounded by the schema and the result is checked.
 */
import {
  CLOUD_PUE,
  DEFAULTS,
  findInstance,
  HOURS_PER_MONTH,
  type CatalogueInstance,
  type DefaultFigure,
  type DefaultKey,
} from './catalogue';
import { accuracyFloor, cheapestMeetingFloor, paretoFrontier } from './pareto';
import {
  implicitScale,
  parseScenario,
  SCENARIO_VERSION,
  type ParseResult,
  type DeviceClass,
  type MeasuredThroughput,
  type Scenario,
  type Target,
  type Variant,
} from './scenario';

// ---------------------------------------------------------------------------------------------------------------
// Result types (the API the UI renders).

export interface CostParts {
  compute: number;
  storage: number;
  network: number;
  energy: number;
  maintenance: number;
  total: number;
}

export const COST_PARTS = ['compute', 'storage', 'network', 'energy', 'maintenance'] as const;

/** One step of the arithmetic: `value` = `formula` (with the numbers put in). */
export interface TraceLine {
  key: string;
  label: string;
  formula: string;
  value: number;
  unit: string;
}

export interface ThroughputCandidate {
  batchSize: number | null;
  /** As measured or typed. */
  measuredItemsPerSecond: number;
  /** After scaling to the target (× factor). */
  itemsPerSecond: number;
  /** p99 on the target (measured × latency factor); null when typed without one. */
  p99Ms: number | null;
  allowed: boolean;
  /** Why not allowed. */
  reason?: string;
}

export interface ScaleInfo {
  method: 'cores' | 'factor' | 'none';
  factor: number;
  latencyFactor: number;
  /** How the factor was derived, for display next to the figure. */
  derivation: string;
}

export interface ThroughputInfo {
  /** typed: typed in by the user, used as is; measured: a benchmark used unscaled; scaled: a benchmark × factor. */
  source: 'typed' | 'measured' | 'scaled';
  measuredOn: { name: string; class: DeviceClass; cores: number } | null;
  scale: ScaleInfo | null;
  /**
   * True when the figure does not come from this target: a measurement on another device (scaled or not). The UI and
   * the CLI must show `label` with it.
   */
  estimate: boolean;
  /** One line: where the figure comes from ("laptop measurement (MacBook Air, 8 cores) scaled ×0.5 by core count"). */
  label: string;
  candidates: ThroughputCandidate[];
}

export interface ChosenThroughput extends ThroughputInfo {
  /** SLO-bounded throughput per instance (items/s), after scaling. */
  itemsPerSecond: number;
  batchSize: number | null;
  p99Ms: number | null;
}

export interface ChartPoint {
  /** Multiple of the scenario's traffic. */
  multiplier: number;
  averageRps: number;
  peakRps: number;
  instances: number | null;
  monthlyTotal: number;
  costPer1M: number;
}

export interface Savings {
  /** Baseline's monthly total − this variant's (positive: this variant is cheaper). */
  monthly: number;
  yearly: number;
  /** monthly ÷ baseline monthly total; null when the baseline costs nothing. */
  fraction: number | null;
}

export interface FeasibleCell {
  variantId: string;
  targetId: string;
  feasible: true;
  throughput: ChosenThroughput;
  /** Null for edge targets (every user's device serves its own requests). */
  instances: { forLoad: number; redundancy: number; total: number } | null;
  /** Average and peak load over capacity during active hours (instances × throughput); null for edge. */
  utilization: { average: number; peak: number } | null;
  monthly: CostParts;
  yearly: CostParts;
  /** Each part per 1M inferences. */
  per1M: CostParts;
  costPer1M: number;
  energy: {
    kWhPerMonth: number;
    kgCO2ePerMonth: number;
    /** in-price: cloud energy is in the instance price (reported, not billed); owner: billed to the owner; users: paid by the users. */
    paidBy: 'in-price' | 'owner' | 'users';
  };
  /** Against the baseline variant on the same target; null for the baseline itself or when the baseline is infeasible there. */
  savings: Savings | null;
  /** Cost per 1M inferences against traffic (the scenario's traffic × multiplier, same peak/average ratio). */
  chart: ChartPoint[];
  trace: TraceLine[];
  warnings: string[];
}

export interface InfeasibleCell {
  variantId: string;
  targetId: string;
  feasible: false;
  /** Why no figure is given (e.g. no batch size meets the p99 SLO). */
  reason: string;
  throughput: ThroughputInfo;
  warnings: string[];
}

export type CellResult = FeasibleCell | InfeasibleCell;

export interface BreakEven {
  ownedTargetId: string;
  cloudTargetId: string;
  /**
   * Utilisation of the owned hardware above which owning costs less than renting the same capacity by the hour
   * (may exceed 1: owning never wins). Null when renting costs less than the owned hardware's electricity alone.
   */
  utilization: number | null;
  /** Plain-language verdict. */
  verdict: string;
  trace: TraceLine[];
}

export interface VariantResult {
  id: string;
  name: string;
  accuracy: number | null;
  isBaseline: boolean;
  modelSizeMB: number;
  /** One per target, in the scenario's target order. */
  cells: CellResult[];
  breakEven: BreakEven[];
}

export interface TargetSummary {
  id: string;
  name: string;
  kind: 'cloud' | 'owned' | 'edge';
  /** Cloud: the catalogue entry. */
  instance: CatalogueInstance | null;
  /** Cloud: the hourly price used and where it comes from. */
  hourlyPrice: { value: number; basis: string; source: string; date: string } | null;
  /** Owned: fixed cost per instance per month. */
  ownedMonthly: { depreciation: number; colocation: number; opex: number; total: number } | null;
  vcpus: number | null;
  power: { idleW: number; maxW: number; estimate: boolean; derivation: string; incomplete?: string };
  pue: number;
  pricePerKWh: number;
  gramsCO2ePerKWh: number;
}

export interface FrontierResult {
  targetId: string;
  /** Variant ids on the cost-per-1M / accuracy frontier, cheapest first (variants with an accuracy, feasible here). */
  frontier: string[];
  /** With `accuracyFloor` set: the cheapest variant at or above the floor (null if none). */
  cheapestMeetingFloor: { floor: number; variantId: string | null } | null;
}

export interface DefaultUsed {
  key: string;
  figure: DefaultFigure;
  usedFor: string[];
}

export interface TcoResult {
  version: typeof SCENARIO_VERSION;
  name: string | null;
  baselineId: string;
  traffic: {
    averageRps: number;
    peakRps: number;
    activeHoursPerDay: number;
    activeHoursPerMonth: number;
    monthlyInferences: number;
  };
  sloP99Ms: number;
  targetUtilization: number;
  redundancy: number;
  schedule: 'always-on' | 'active-hours';
  hoursPerMonth: number;
  storage: { pricePerGBMonth: number };
  network: { pricePerGB: number };
  maintenance: { loadedHourlyRate: number; monthly: number };
  targets: TargetSummary[];
  variants: VariantResult[];
  frontiers: FrontierResult[];
  defaultsUsed: DefaultUsed[];
  /** Scenario-wide caveats (cell caveats are in each cell's `warnings`). */
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers.

/** A number for a formula: 6 significant digits, no trailing zeros. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e15 || Math.abs(x) < 1e-6)) return x.toExponential(4);
  return String(Number(x.toPrecision(6)));
}

/** ceil, ignoring floating-point noise: 3.0000000000000004 → 3 (relative tolerance 1e-9; 1e-12 still gives 1). */
export function ceilTolerant(x: number): number {
  const r = Math.round(x);
  return r !== 0 && Math.abs(x - r) <= 1e-9 * Math.abs(x) ? r : Math.ceil(x);
}

const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
export const CHART_MULTIPLIERS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100] as const;

const deviceWord: Record<DeviceClass, string> = {
  laptop: 'laptop',
  desktop: 'desktop',
  server: 'server',
  cloud: 'cloud instance',
  phone: 'phone',
  other: 'device',
};

type Trace = (key: string, label: string, formula: string, value: number, unit: string) => number;
const noTrace: Trace = (_k, _l, _f, value) => value;

interface ResolvedTarget {
  target: Target;
  summary: TargetSummary;
  /** Effective hourly price (cloud). */
  hourly: number;
  /** Owned: fixed monthly cost per instance, and the colocation rate (USD per kW-month) in it. */
  ownedMonthly: number;
  coloRate: number;
  idleW: number;
  maxW: number;
  pue: number;
  pricePerKWh: number;
  grams: number;
  paidBy: 'in-price' | 'owner' | 'users';
  warnings: string[];
}

interface Context {
  s: Scenario;
  storagePrice: number;
  egressPrice: number;
  rate: number;
  maintenanceMonthly: number;
  defaults: Map<string, DefaultUsed>;
}

function useDefault(ctx: Context, key: string, figure: DefaultFigure, usedFor: string): number {
  const d = ctx.defaults.get(key) ?? { key, figure, usedFor: [] };
  if (!d.usedFor.includes(usedFor)) d.usedFor.push(usedFor);
  ctx.defaults.set(key, d);
  return figure.value;
}

function pick(ctx: Context, given: number | undefined, key: DefaultKey, usedFor: string): number {
  return given ?? useDefault(ctx, key, DEFAULTS[key], usedFor);
}

// ---------------------------------------------------------------------------------------------------------------
// Targets.

function resolveTarget(ctx: Context, t: Target): ResolvedTarget {
  const s = ctx.s;
  const name = t.name ?? (t.kind === 'cloud' ? (findInstance(t.instance)?.name ?? t.instance) : t.id);
  const label = `${name} (${t.id})`;
  const price = t.pricePerKWh ?? s.energy.pricePerKWh ?? useDefault(ctx, 'electricityPrice', DEFAULTS.electricityPrice, label);
  const grams = t.gramsCO2ePerKWh ?? s.energy.gramsCO2ePerKWh ?? useDefault(ctx, 'gridIntensity', DEFAULTS.gridIntensity, label);
  const warnings: string[] = [];

  if (t.kind === 'cloud') {
    const inst = findInstance(t.instance);
    if (!inst) throw new Error(`internal: unknown instance ${t.instance} (parseScenario checks this)`);
    const pue = t.pue ?? useDefault(ctx, `cloudPue.${inst.provider}`, CLOUD_PUE[inst.provider], label);
    let hourly: number;
    let basis: string;
    let source = inst.source;
    let date = inst.date;
    if (t.hourlyPrice !== undefined) {
      hourly = t.hourlyPrice;
      basis = `typed: $${fmt(hourly)}/h`;
      source = 'typed by the user';
      date = 'n/a';
    } else if (t.pricing.model === 'spot') {
      hourly = inst.spotHourly as number;
      basis = `spot $${fmt(hourly)}/h`;
    } else if (t.pricing.model === 'committed') {
      hourly = inst.onDemandHourly * (1 - t.pricing.discount);
      basis = `committed: on-demand $${fmt(inst.onDemandHourly)}/h × (1 − ${fmt(t.pricing.discount)}) = $${fmt(hourly)}/h`;
    } else {
      hourly = inst.onDemandHourly;
      basis = `on-demand $${fmt(hourly)}/h`;
    }
    if (inst.power.incomplete) warnings.push(`${name}: power ${inst.power.incomplete}.`);
    return {
      target: t,
      hourly,
      ownedMonthly: 0,
      coloRate: 0,
      idleW: inst.power.idleW,
      maxW: inst.power.maxW,
      pue,
      pricePerKWh: price,
      grams,
      paidBy: 'in-price',
      warnings,
      summary: {
        id: t.id,
        name,
        kind: 'cloud',
        instance: inst,
        hourlyPrice: { value: hourly, basis, source, date },
        ownedMonthly: null,
        vcpus: inst.vcpus,
        power: {
          idleW: inst.power.idleW,
          maxW: inst.power.maxW,
          estimate: true,
          derivation: `idle ${inst.power.idleDerivation}; max ${inst.power.maxDerivation} (CCF model)`,
          ...(inst.power.incomplete ? { incomplete: inst.power.incomplete } : {}),
        },
        pue,
        pricePerKWh: price,
        gramsCO2ePerKWh: grams,
      },
    };
  }

  const power = { idleW: t.powerIdleW, maxW: t.powerMaxW, estimate: false, derivation: 'typed by the user' };
  if (t.kind === 'owned') {
    const pue = t.pue ?? s.energy.pue ?? useDefault(ctx, 'pueOwned', DEFAULTS.pueOwned, label);
    const colo = t.colocationPerKWMonth ?? useDefault(ctx, 'colocationPerKWMonth', DEFAULTS.colocationPerKWMonth, label);
    const depreciation = (t.purchasePrice * (1 - t.residualFraction)) / (t.lifetimeYears * 12);
    const colocation = (colo * t.powerMaxW) / 1000;
    const opex = t.opexPerYear / 12;
    return {
      target: t,
      hourly: 0,
      ownedMonthly: depreciation + colocation + opex,
      coloRate: colo,
      idleW: t.powerIdleW,
      maxW: t.powerMaxW,
      pue,
      pricePerKWh: price,
      grams,
      paidBy: 'owner',
      warnings,
      summary: {
        id: t.id,
        name,
        kind: 'owned',
        instance: null,
        hourlyPrice: null,
        ownedMonthly: { depreciation, colocation, opex, total: depreciation + colocation + opex },
        vcpus: t.vcpus ?? null,
        power,
        pue,
        pricePerKWh: price,
        gramsCO2ePerKWh: grams,
      },
    };
  }
  const pue = t.pue ?? useDefault(ctx, 'pueEdge', DEFAULTS.pueEdge, label);
  return {
    target: t,
    hourly: 0,
    ownedMonthly: 0,
    coloRate: 0,
    idleW: t.powerIdleW,
    maxW: t.powerMaxW,
    pue,
    pricePerKWh: price,
    grams,
    paidBy: 'users',
    warnings,
    summary: {
      id: t.id,
      name,
      kind: 'edge',
      instance: null,
      hourlyPrice: null,
      ownedMonthly: null,
      vcpus: t.cores ?? null,
      power,
      pue,
      pricePerKWh: price,
      gramsCO2ePerKWh: grams,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Throughput.

export interface BenchPoint {
  batchSize: number;
  itemsPerSecond: number;
  p99Ms: number;
}

/**
 * SLO-bounded throughput: scale every measured point (items/s × factor, p99 × latencyFactor), drop batch sizes whose
 * p99 exceeds the SLO (or above `maxBatchSize`), and pick the highest throughput left (ties: the smaller batch).
 * `best` is null when no batch size is allowed: the variant is infeasible on that target.
 */
export function sloBoundedThroughput(
  points: readonly BenchPoint[],
  opts: { sloMs: number; factor: number; latencyFactor?: number; maxBatchSize?: number },
): { best: ThroughputCandidate | null; candidates: ThroughputCandidate[] } {
  const lf = opts.latencyFactor ?? 1;
  const candidates = [...points]
    .sort((a, b) => a.batchSize - b.batchSize)
    .map((p): ThroughputCandidate => {
      const p99 = p.p99Ms * lf;
      const reasons: string[] = [];
      if (p99 > opts.sloMs) reasons.push(`p99 ${fmt(p99)} ms exceeds the SLO of ${fmt(opts.sloMs)} ms`);
      if (opts.maxBatchSize !== undefined && p.batchSize > opts.maxBatchSize) reasons.push(`batch size above the maximum of ${opts.maxBatchSize}`);
      return {
        batchSize: p.batchSize,
        measuredItemsPerSecond: p.itemsPerSecond,
        itemsPerSecond: p.itemsPerSecond * opts.factor,
        p99Ms: p99,
        allowed: reasons.length === 0,
        ...(reasons.length ? { reason: reasons.join('; ') } : {}),
      };
    });
  let best: ThroughputCandidate | null = null;
  for (const c of candidates) if (c.allowed && (!best || c.itemsPerSecond > best.itemsPerSecond)) best = c;
  return { best, candidates };
}

function resolveScale(t: MeasuredThroughput, rt: ResolvedTarget): ScaleInfo {
  const target = rt.target;
  const method = target.scale?.method ?? implicitScale(target) ?? 'none';
  const dev = t.device;
  if (target.scale?.method === 'factor') {
    return { method: 'factor', factor: target.scale.factor, latencyFactor: target.scale.latencyFactor ?? 1, derivation: target.scale.derivation };
  }
  if (method === 'cores') {
    const cores = rt.summary.vcpus;
    if (cores === null) throw new Error('internal: core-count scaling without target cores (parseScenario checks this)');
    const factor = cores / dev.cores;
    return {
      method: 'cores',
      factor,
      latencyFactor: 1,
      derivation: `by core count: ${cores} ${target.kind === 'edge' ? 'cores' : 'vCPUs'} (${rt.summary.name}) ÷ ${dev.cores} cores (${dev.name}) = ${fmt(factor)}`,
    };
  }
  return { method: 'none', factor: 1, latencyFactor: 1, derivation: `unscaled: taken as measured on ${dev.name}` };
}

function throughputFor(ctx: Context, variant: Variant, rt: ResolvedTarget): { info: ThroughputInfo; chosen: ChosenThroughput | null; reason: string; warnings: string[] } {
  const s = ctx.s;
  const t = variant.throughput;
  const slo = s.slo.p99Ms;
  const warnings: string[] = [];
  const where = `"${variant.name ?? variant.id}" on ${rt.summary.name}`;
  if (t.source === 'typed') {
    const fig = t.perTarget?.[rt.target.id] ?? t;
    const reasons: string[] = [];
    if (fig.p99Ms !== undefined && fig.p99Ms > slo) reasons.push(`typed p99 ${fmt(fig.p99Ms)} ms exceeds the SLO of ${fmt(slo)} ms`);
    if (fig.batchSize !== undefined && s.maxBatchSize !== undefined && fig.batchSize > s.maxBatchSize) {
      reasons.push(`typed batch size ${fig.batchSize} is above the maximum of ${s.maxBatchSize}`);
    }
    const candidate: ThroughputCandidate = {
      batchSize: fig.batchSize ?? null,
      measuredItemsPerSecond: fig.itemsPerSecond,
      itemsPerSecond: fig.itemsPerSecond,
      p99Ms: fig.p99Ms ?? null,
      allowed: reasons.length === 0,
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    };
    const label = t.perTarget?.[rt.target.id] ? `typed for ${rt.summary.name}` : 'typed (same figure for every target)';
    const info: ThroughputInfo = { source: 'typed', measuredOn: null, scale: null, estimate: false, label, candidates: [candidate] };
    if (fig.p99Ms === undefined) warnings.push(`Throughput of ${where} is typed without a p99: taken as meeting the ${fmt(slo)} ms SLO.`);
    if (!candidate.allowed) return { info, chosen: null, reason: `${where} is infeasible: ${candidate.reason}.`, warnings };
    return {
      info,
      chosen: { ...info, itemsPerSecond: candidate.itemsPerSecond, batchSize: candidate.batchSize, p99Ms: candidate.p99Ms },
      reason: '',
      warnings,
    };
  }

  const scale = resolveScale(t, rt);
  const { best, candidates } = sloBoundedThroughput(t.points, {
    sloMs: slo,
    factor: scale.factor,
    latencyFactor: scale.latencyFactor,
    ...(s.maxBatchSize !== undefined ? { maxBatchSize: s.maxBatchSize } : {}),
  });
  const dev = t.device;
  const devText = `${deviceWord[dev.class]} measurement (${dev.name}, ${dev.cores} cores)`;
  const targetKind = rt.target.kind === 'cloud' ? 'cloud instance' : rt.target.kind === 'owned' ? 'server' : "users' devices";
  const crossDevice = scale.method !== 'none' || (rt.target.kind !== 'edge' && !['server', 'cloud'].includes(dev.class));
  const source = scale.method === 'none' ? 'measured' : 'scaled';
  const label =
    scale.method === 'none'
      ? `${devText}, unscaled`
      : `${devText} × ${fmt(scale.factor)}${scale.latencyFactor !== 1 ? `, p99 × ${fmt(scale.latencyFactor)}` : ''} (${scale.derivation})`;
  const info: ThroughputInfo = { source, measuredOn: { ...dev }, scale, estimate: crossDevice, label, candidates };
  if (crossDevice) {
    warnings.push(
      scale.method === 'none'
        ? `Throughput of ${where} is a ${devText} used unscaled for a ${targetKind}: not a measurement on ${rt.summary.name}.`
        : `Throughput of ${where} is a ${devText} scaled × ${fmt(scale.factor)} (${scale.derivation}): an estimate, not a ${targetKind} measurement.`,
    );
  }
  if (rt.target.kind !== 'edge' && scale.method === 'cores' && (rt.summary.instance?.accelerator || (rt.target.kind === 'owned' && rt.target.accelerator))) {
    warnings.push(`${rt.summary.name} has an accelerator, which core-count scaling ignores: type a factor derived from a benchmark on it.`);
  }
  if (!best) {
    const why = candidates.map((c) => `batch ${c.batchSize}: ${c.reason}`).join('; ');
    return { info, chosen: null, reason: `${where} is infeasible: no measured batch size meets the constraints (${why}).`, warnings };
  }
  return { info, chosen: { ...info, itemsPerSecond: best.itemsPerSecond, batchSize: best.batchSize, p99Ms: best.p99Ms }, reason: '', warnings };
}

// ---------------------------------------------------------------------------------------------------------------
// Costs.

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
    const forLoad = tr('instances.forLoad', 'Instances for the peak', `ceil(${fmt(peakRps)} req/s ÷ (${fmt(x)} items/s × ${fmt(U)})) = ceil(${fmt(raw)})`, ceilTolerant(raw), 'instances');
    const n = tr('instances.total', 'Instances', `${forLoad} + redundancy ${s.redundancy}`, forLoad + s.redundancy, 'instances');
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

function evaluateCell(ctx: Context, variant: Variant, rt: ResolvedTarget): CellResult {
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
    energy: { kWhPerMonth: c.kWh, kgCO2ePerMonth: c.kgCO2e, paidBy: rt.paidBy },
    savings: null,
    chart,
    trace,
    warnings: [...warnings, ...rt.warnings],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Break-even utilisation of owned against rented hardware.

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

function breakEvens(variant: Variant, cells: CellResult[], targets: ResolvedTarget[]): BreakEven[] {
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

// ---------------------------------------------------------------------------------------------------------------
// The whole scenario.

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
      c.savings = { monthly, yearly: monthly * 12, fraction: b.monthly.total > 0 ? monthly / b.monthly.total : null };
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
