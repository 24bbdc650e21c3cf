/**
 * The cost calculator's form, as the user types it: every number is kept as typed text (so "-5", "" and "abc" can
 * be shown and refused next to their field), percentages are in percent. Each field's errors are keyed by the
 * scenario path of the field (`DRAFT_PATHS`: `traffic.peakRps`, `targets.1.instance`), which is also how the form
 * finds where to show them. draft-evaluation.ts turns a draft into scenario JSON and evaluates it;
 * draft-from-scenario.ts goes the other way.
 *
 * Pure: no DOM, no React, no store.
 */
import type { DeviceClass, Processor } from './scenario';

/** A number as typed ('' = left empty: the field's default, or "required"). */
export type Text = string;

export interface DraftPoint {
  batchSize: number;
  itemsPerSecond: number;
  p99Ms: number;
  /** From the benchmark's latency interval (bench-candidates.ts); absent when it gave none. */
  itemsPerSecondInterval?: { low: number; high: number; level?: number };
}

export interface DraftMeasured {
  device: { name: string; class: DeviceClass; cores: number; processor?: Processor };
  points: DraftPoint[];
  /** Where the figures come from, for display ("benchmark of mnist-cnn.onnx, WASM 1 thread"). */
  origin: string;
}

export interface DraftPerTarget {
  itemsPerSecond: Text;
  /** Blank: the variant's own p99 / batch size. */
  p99Ms: Text;
  batchSize: Text;
}

export interface DraftVariant {
  id: string;
  name: Text;
  /** Percent, 0–100. */
  accuracy: Text;
  modelSizeMB: Text;
  source: 'typed' | 'measured';
  /** Typed throughput, per instance (per device on edge). */
  itemsPerSecond: Text;
  p99Ms: Text;
  batchSize: Text;
  /** Typed: per target id, where it differs. */
  perTarget: Record<string, DraftPerTarget>;
  note: Text;
  /** Set when source is 'measured'. */
  measured: DraftMeasured | null;
}

export type TargetKind = 'cloud' | 'owned' | 'edge';
export type PricingModel = 'on-demand' | 'spot' | 'committed';
/** 'auto': the scenario's implicit scaling (core count for CPU targets); the others are written out. */
export type ScaleChoice = 'auto' | 'cores' | 'factor' | 'none';

/** One target. Fields of every kind live side by side, so switching the kind back keeps what was typed. */
export interface DraftTarget {
  id: string;
  kind: TargetKind;
  name: Text;
  // cloud
  instance: string;
  pricing: PricingModel;
  /** Percent off on-demand, 0–95. */
  discountPct: Text;
  hourlyPrice: Text;
  // owned
  purchasePrice: Text;
  lifetimeYears: Text;
  /** Percent of the price left at the end of the lifetime. */
  residualPct: Text;
  colocationPerKWMonth: Text;
  opexPerYear: Text;
  vcpus: Text;
  accelerator: Text;
  // owned and edge
  powerIdleW: Text;
  powerMaxW: Text;
  // edge
  devices: Text;
  cores: Text;
  // every kind
  pue: Text;
  scale: ScaleChoice;
  factor: Text;
  latencyFactor: Text;
  derivation: Text;
}

export interface CostDraft {
  name: Text;
  averageRps: Text;
  peakRps: Text;
  activeHoursPerDay: Text;
  sloP99Ms: Text;
  /** Percent, 1–100. */
  utilizationPct: Text;
  maxBatchSize: Text;
  redundancy: Text;
  schedule: 'always-on' | 'active-hours';
  /** Variant id; '' = the first variant. */
  baseline: string;
  /** Accuracy points below the baseline the cheapest variant may be; '' = no floor. */
  floorPoints: Text;
  variants: DraftVariant[];
  targets: DraftTarget[];
  modelVersions: Text;
  replicas: Text;
  retainedBytesPerRequest: Text;
  retentionDays: Text;
  storagePrice: Text;
  egressBytesPerRequest: Text;
  egressPrice: Text;
  ownedPue: Text;
  electricityPrice: Text;
  gridIntensity: Text;
  updatesPerYear: Text;
  hoursPerUpdate: Text;
  loadedHourlyRate: Text;
  onCallPerMonth: Text;
}

/** The scenario path of each top-level text field (where its errors are keyed). */
export const DRAFT_PATHS = {
  name: 'name',
  averageRps: 'traffic.averageRps',
  peakRps: 'traffic.peakRps',
  activeHoursPerDay: 'traffic.activeHoursPerDay',
  sloP99Ms: 'slo.p99Ms',
  utilizationPct: 'targetUtilization',
  maxBatchSize: 'maxBatchSize',
  redundancy: 'redundancy',
  schedule: 'schedule',
  baseline: 'baseline',
  floorPoints: 'accuracyFloor.maxDropPoints',
  modelVersions: 'storage.modelVersions',
  replicas: 'storage.replicas',
  retainedBytesPerRequest: 'storage.retainedBytesPerRequest',
  retentionDays: 'storage.retentionDays',
  storagePrice: 'storage.pricePerGBMonth',
  egressBytesPerRequest: 'network.egressBytesPerRequest',
  egressPrice: 'network.pricePerGB',
  ownedPue: 'energy.pue',
  electricityPrice: 'energy.pricePerKWh',
  gridIntensity: 'energy.gramsCO2ePerKWh',
  updatesPerYear: 'maintenance.updatesPerYear',
  hoursPerUpdate: 'maintenance.hoursPerUpdate',
  loadedHourlyRate: 'maintenance.loadedHourlyRate',
  onCallPerMonth: 'maintenance.onCallPerMonth',
} as const satisfies Partial<Record<keyof CostDraft, string>>;

export type DraftField = keyof typeof DRAFT_PATHS;

// ---------------------------------------------------------------------------------------------------------------
// New pieces.

export function newVariant(id: string, name = ''): DraftVariant {
  return {
    id,
    name,
    accuracy: '',
    modelSizeMB: '',
    source: 'typed',
    itemsPerSecond: '',
    p99Ms: '',
    batchSize: '',
    perTarget: {},
    note: '',
    measured: null,
  };
}

export function newTarget(id: string, kind: TargetKind = 'cloud'): DraftTarget {
  return {
    id,
    kind,
    name: '',
    instance: '',
    pricing: 'on-demand',
    discountPct: '',
    hourlyPrice: '',
    purchasePrice: '',
    lifetimeYears: '',
    residualPct: '',
    colocationPerKWMonth: '',
    opexPerYear: '',
    vcpus: '',
    accelerator: '',
    powerIdleW: '',
    powerMaxW: '',
    devices: '',
    cores: '',
    pue: '',
    scale: 'auto',
    factor: '',
    latencyFactor: '',
    derivation: '',
  };
}

/** An empty form: one typed variant, one cloud target with no instance chosen yet. */
export function blankDraft(): CostDraft {
  return {
    name: '',
    averageRps: '',
    peakRps: '',
    activeHoursPerDay: '',
    sloP99Ms: '',
    utilizationPct: '',
    maxBatchSize: '',
    redundancy: '',
    schedule: 'always-on',
    baseline: '',
    floorPoints: '',
    variants: [newVariant('v1', 'Current model')],
    targets: [newTarget('t1', 'cloud')],
    modelVersions: '',
    replicas: '',
    retainedBytesPerRequest: '',
    retentionDays: '',
    storagePrice: '',
    egressBytesPerRequest: '',
    egressPrice: '',
    ownedPue: '',
    electricityPrice: '',
    gridIntensity: '',
    updatesPerYear: '',
    hoursPerUpdate: '',
    loadedHourlyRate: '',
    onCallPerMonth: '',
  };
}

/** A fresh id with `prefix` not used by any of `taken`. */
export function freshId(prefix: string, taken: readonly string[]): string {
  for (let i = 1; ; i++) if (!taken.includes(`${prefix}${i}`)) return `${prefix}${i}`;
}
