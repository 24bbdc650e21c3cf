/**
 * What the TCO model returns (the API the UI and the CLI render): per variant and target, costs by part, the
 * throughput used and where it comes from, energy, savings, the chart, and the trace of every formula with its
 * numbers; per scenario, the targets as resolved, the frontiers and every default figure used with its source.
 */
import type { CatalogueInstance, DefaultFigure } from './catalogue';
import type { SourceRef } from './sources';
import type { DeviceClass, SCENARIO_VERSION } from './scenario';

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

/** A closed interval, low ≤ high. */
export interface Range {
  low: number;
  high: number;
}

/** The throughput interval of a measurement: from the median latency's confidence interval (or the run's spread). */
export interface ThroughputInterval extends Range {
  /** Confidence level of the interval (0.95), or null when it is the spread of too few runs (fastest–slowest). */
  level: number | null;
}

export interface ThroughputCandidate {
  batchSize: number | null;
  /** As measured or typed. */
  measuredItemsPerSecond: number;
  /** After scaling to the target (× factor). */
  itemsPerSecond: number;
  /** The measured interval of `itemsPerSecond`, scaled to the target like it; absent when typed or not measured. */
  interval?: ThroughputInterval;
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
  /** The interval of `itemsPerSecond` (after scaling) when the benchmark gave one; null when typed or without one. */
  interval: ThroughputInterval | null;
}

/**
 * The uncertainty of a cell's figures carried from the benchmark's latency: each figure at the fast and the slow end
 * of the throughput interval (costs fall as throughput rises, so `low` is the cost at the interval's high end).
 * Without an interval (typed throughput, or a benchmark that gave none) every range is the point figure.
 */
export interface CellRange {
  /**
   * median-ci: the median latency's confidence interval; spread: the fastest and slowest run (too few runs for a CI);
   * none: no interval (typed throughput has none): each range is the point figure.
   */
  basis: 'median-ci' | 'spread' | 'none';
  /** Confidence level (0.95) for median-ci; null otherwise. */
  level: number | null;
  /** One line saying where the range comes from ("typed throughput has no interval: range = point"). */
  note: string;
  itemsPerSecond: Range;
  /** Null for edge targets. */
  instances: Range | null;
  /** Monthly total. */
  monthly: Range;
  /** Yearly total. */
  yearly: Range;
  costPer1M: Range;
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

/** Whether a cost difference is larger than the noise of the benchmarks behind it. */
export interface Difference {
  /**
   * False when the monthly ranges of the two cells overlap: within the benchmarks' noise the two cost the same, and
   * no saving should be quoted ("no measurable difference"). True when they do not overlap, or when neither cell has
   * an interval (two point figures: the plain difference holds).
   */
  measurable: boolean;
  /** The saving's range: baseline low − this high … baseline high − this low (positive: this variant is cheaper). */
  monthly: Range;
  /** The monthly total ranges compared. */
  baseline: Range;
  variant: Range;
}

export interface Savings {
  /** Baseline's monthly total − this variant's (positive: this variant is cheaper). */
  monthly: number;
  yearly: number;
  /** monthly ÷ baseline monthly total; null when the baseline costs nothing. */
  fraction: number | null;
  /** Is the difference beyond the benchmarks' noise? Quote `monthly` and `fraction` only when `measurable`. */
  difference: Difference;
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
  /** The low–high range of the throughput, instances and costs, from the benchmark's latency interval. */
  range: CellRange;
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
  hourlyPrice: { value: number; basis: string; source: SourceRef | null } | null;
  /** Owned: fixed cost per instance per month. */
  ownedMonthly: { depreciation: number; colocation: number; opex: number; total: number } | null;
  vcpus: number | null;
  /** `source`: the power model's (cloud); null when typed by the user. */
  power: { idleW: number; maxW: number; estimate: boolean; derivation: string; source: SourceRef | null; incomplete?: string };
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
