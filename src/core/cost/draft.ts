/**
 * The cost calculator's form, as the user types it: every number is kept as typed text (so "-5", "" and "abc" can
 * be shown and refused next to their field), percentages are in percent. `draftToInput` turns it into scenario JSON
 * (scenario.ts); `evaluateDraft` parses and evaluates it, with every problem keyed by the scenario path of its field
 * (`traffic.peakRps`, `targets.1.instance`), which is also how the form finds where to show it.
 * `draftFromScenario` goes the other way (an imported or example scenario into the form).
 *
 * Pure: no DOM, no React, no store.
 */
import { parseScenario, SCENARIO_VERSION, type DeviceClass, type FieldError, type Scenario } from './scenario';
import { evaluateScenario, type TcoResult } from './tco';

/** A number as typed ('' = left empty: the field's default, or "required"). */
export type Text = string;

export interface DraftPoint {
  batchSize: number;
  itemsPerSecond: number;
  p99Ms: number;
}

export interface DraftMeasured {
  device: { name: string; class: DeviceClass; cores: number };
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

// ---------------------------------------------------------------------------------------------------------------
// Draft → scenario JSON.

interface Builder {
  /** Problems found before the schema sees the input (unparseable text, percent ranges), keyed by scenario path. */
  local: Record<string, string>;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Typed text → number; '' → undefined; anything else that is not a plain number → undefined and a local error. */
function num(b: Builder, path: string, text: Text): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!NUMBER_RE.test(t)) {
    b.local[path] = `must be a number, not "${t.length > 24 ? `${t.slice(0, 24)}…` : t}"`;
    return undefined;
  }
  return Number(t);
}

/** A percentage typed in percent → a fraction, with the range said in percent. */
function pct(b: Builder, path: string, text: Text, min: number, max: number, what: string): number | undefined {
  const x = num(b, path, text);
  if (x === undefined) return undefined;
  if (x < min || x > max) {
    b.local[path] = `must be between ${min}% and ${max}%, not ${x}% (${what})`;
    return undefined;
  }
  return x / 100;
}

const str = (text: Text): string | undefined => (text.trim() === '' ? undefined : text.trim());

/** Leaves out undefined values, so optional fields left empty take their defaults. */
function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
}

function variantInput(b: Builder, v: DraftVariant, i: number, targetIds: ReadonlySet<string>): Record<string, unknown> {
  const at = (f: string) => `variants.${i}.${f}`;
  let throughput: Record<string, unknown>;
  if (v.source === 'measured' && v.measured) {
    throughput = { source: 'measured', device: { ...v.measured.device }, points: v.measured.points.map((p) => ({ ...p })) };
  } else {
    const perTarget: Record<string, unknown> = {};
    for (const [tid, f] of Object.entries(v.perTarget)) {
      if (!targetIds.has(tid) || f.itemsPerSecond.trim() === '') continue; // a removed target, or nothing typed
      const p = `throughput.perTarget.${tid}`;
      perTarget[tid] = compact({
        itemsPerSecond: num(b, at(`${p}.itemsPerSecond`), f.itemsPerSecond),
        p99Ms: num(b, at(`${p}.p99Ms`), f.p99Ms) ?? num({ local: {} }, '', v.p99Ms),
        batchSize: num(b, at(`${p}.batchSize`), f.batchSize) ?? num({ local: {} }, '', v.batchSize),
      });
    }
    throughput = compact({
      source: 'typed',
      itemsPerSecond: num(b, at('throughput.itemsPerSecond'), v.itemsPerSecond),
      p99Ms: num(b, at('throughput.p99Ms'), v.p99Ms),
      batchSize: num(b, at('throughput.batchSize'), v.batchSize),
      perTarget: Object.keys(perTarget).length ? perTarget : undefined,
      note: str(v.note),
    });
  }
  return compact({
    id: v.id,
    name: str(v.name),
    accuracy: num(b, at('accuracy'), v.accuracy),
    modelSizeMB: num(b, at('modelSizeMB'), v.modelSizeMB),
    throughput,
  });
}

function targetInput(b: Builder, t: DraftTarget, i: number): Record<string, unknown> {
  const at = (f: string) => `targets.${i}.${f}`;
  const n = (f: keyof DraftTarget) => num(b, at(f), t[f] as Text);
  const scale =
    t.scale === 'auto'
      ? undefined
      : t.scale === 'factor'
        ? compact({ method: 'factor', factor: num(b, at('scale.factor'), t.factor), derivation: t.derivation, latencyFactor: num(b, at('scale.latencyFactor'), t.latencyFactor) })
        : { method: t.scale };
  const common = { id: t.id, name: str(t.name), pue: n('pue'), scale };
  if (t.kind === 'cloud') {
    return compact({
      kind: 'cloud',
      ...common,
      instance: t.instance,
      pricing:
        t.pricing === 'committed'
          ? compact({ model: 'committed', discount: pct(b, at('pricing.discount'), t.discountPct, 0, 95, 'the committed-use discount') })
          : { model: t.pricing },
      hourlyPrice: n('hourlyPrice'),
    });
  }
  if (t.kind === 'owned') {
    return compact({
      kind: 'owned',
      ...common,
      purchasePrice: n('purchasePrice'),
      lifetimeYears: n('lifetimeYears'),
      residualFraction: pct(b, at('residualFraction'), t.residualPct, 0, 100, 'value left at the end of the lifetime'),
      powerIdleW: n('powerIdleW'),
      powerMaxW: n('powerMaxW'),
      colocationPerKWMonth: n('colocationPerKWMonth'),
      opexPerYear: n('opexPerYear'),
      vcpus: n('vcpus'),
      accelerator: str(t.accelerator),
    });
  }
  return compact({
    kind: 'edge',
    ...common,
    powerIdleW: n('powerIdleW'),
    powerMaxW: n('powerMaxW'),
    devices: n('devices'),
    cores: n('cores'),
  });
}

/** The draft as scenario JSON (unvalidated), and the problems found on the way (keyed by scenario path). */
export function draftToInput(d: CostDraft): { input: Record<string, unknown>; local: Record<string, string> } {
  const b: Builder = { local: {} };
  const top = (f: DraftField) => num(b, DRAFT_PATHS[f], d[f] as Text);
  const targetIds = new Set(d.targets.map((t) => t.id));
  const floor = top('floorPoints');
  const section = (o: Record<string, unknown>) => compact(o);
  const input = compact({
    version: SCENARIO_VERSION,
    name: str(d.name),
    traffic: compact({ averageRps: top('averageRps'), peakRps: top('peakRps'), activeHoursPerDay: top('activeHoursPerDay') }),
    slo: compact({ p99Ms: top('sloP99Ms') }),
    targetUtilization: pct(b, DRAFT_PATHS.utilizationPct, d.utilizationPct, 1, 100, 'share of capacity used at the peak'),
    maxBatchSize: top('maxBatchSize'),
    redundancy: top('redundancy'),
    schedule: d.schedule,
    baseline: d.baseline && d.variants.some((v) => v.id === d.baseline) ? d.baseline : undefined,
    accuracyFloor: floor === undefined ? undefined : { maxDropPoints: floor },
    variants: d.variants.map((v, i) => variantInput(b, v, i, targetIds)),
    targets: d.targets.map((t, i) => targetInput(b, t, i)),
    storage: section({
      modelVersions: top('modelVersions'),
      replicas: top('replicas'),
      retainedBytesPerRequest: top('retainedBytesPerRequest'),
      retentionDays: top('retentionDays'),
      pricePerGBMonth: top('storagePrice'),
    }),
    network: section({ egressBytesPerRequest: top('egressBytesPerRequest'), pricePerGB: top('egressPrice') }),
    energy: section({ pue: top('ownedPue'), pricePerKWh: top('electricityPrice'), gramsCO2ePerKWh: top('gridIntensity') }),
    maintenance: section({
      updatesPerYear: top('updatesPerYear'),
      hoursPerUpdate: top('hoursPerUpdate'),
      loadedHourlyRate: top('loadedHourlyRate'),
      onCallPerMonth: top('onCallPerMonth'),
    }),
  });
  return { input, local: b.local };
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation.

export type DraftEvaluation =
  | { ok: true; scenario: Scenario; result: TcoResult; input: Record<string, unknown> }
  | { ok: false; errors: FieldError[]; fieldErrors: Record<string, string>; input: Record<string, unknown> };

/**
 * Merges the draft's own problems with the schema's, the draft's first: its message is about what was typed
 * ("120%"), the schema's about the converted value ("1.2").
 */
export function mergeErrors(local: Record<string, string>, parsed: FieldError[]): { errors: FieldError[]; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = { ...local };
  for (const e of parsed) {
    // "required" from the schema for a field the draft already explained (it passed undefined on).
    if (local[e.path] !== undefined) continue;
    fieldErrors[e.path] = fieldErrors[e.path] ? `${fieldErrors[e.path]}; ${e.message}` : e.message;
  }
  const errors = Object.entries(fieldErrors).map(([path, message]) => ({ path, message }));
  return { errors, fieldErrors };
}

/** Validate and evaluate the form. Never throws; the result has no NaN or Infinity (tco.ts checks it). */
export function evaluateInput(input: Record<string, unknown>, local: Record<string, string>): DraftEvaluation {
  const parsed = parseScenario(input);
  if (!parsed.ok || Object.keys(local).length > 0) {
    return { ok: false, ...mergeErrors(local, parsed.ok ? [] : parsed.errors), input };
  }
  try {
    return { ok: true, scenario: parsed.scenario, result: evaluateScenario(parsed.scenario), input };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [{ path: '', message }], fieldErrors: { '': message }, input };
  }
}

export function evaluateDraft(d: CostDraft): DraftEvaluation {
  const { input, local } = draftToInput(d);
  return evaluateInput(input, local);
}

// ---------------------------------------------------------------------------------------------------------------
// Scenario → draft.

const t = (x: number | undefined): Text => (x === undefined ? '' : String(x));
/** A fraction as percent text, without float noise (0.37 → "37", not "37.00000000000001"). */
const asPct = (x: number | undefined): Text => (x === undefined ? '' : String(Number((x * 100).toPrecision(12))));

/** A parsed scenario as a form (for the example and for imported files). */
export function draftFromScenario(s: Scenario): CostDraft {
  const d = blankDraft();
  const variants = s.variants.map((v): DraftVariant => {
    const base = { ...newVariant(v.id, v.name ?? ''), accuracy: t(v.accuracy), modelSizeMB: t(v.modelSizeMB) };
    const th = v.throughput;
    if (th.source === 'measured') {
      return { ...base, source: 'measured', measured: { device: { ...th.device }, points: th.points.map((p) => ({ ...p })), origin: 'imported scenario' } };
    }
    const perTarget: Record<string, DraftPerTarget> = {};
    for (const [tid, f] of Object.entries(th.perTarget ?? {})) {
      perTarget[tid] = {
        itemsPerSecond: t(f.itemsPerSecond),
        p99Ms: f.p99Ms === th.p99Ms ? '' : t(f.p99Ms),
        batchSize: f.batchSize === th.batchSize ? '' : t(f.batchSize),
      };
    }
    return { ...base, itemsPerSecond: t(th.itemsPerSecond), p99Ms: t(th.p99Ms), batchSize: t(th.batchSize), perTarget, note: th.note ?? '' };
  });
  const targets = s.targets.map((x): DraftTarget => {
    const base = { ...newTarget(x.id, x.kind), name: x.name ?? '', pue: t(x.pue) };
    const sc = x.scale;
    const scale: Partial<DraftTarget> = !sc
      ? {}
      : sc.method === 'factor'
        ? { scale: 'factor', factor: t(sc.factor), latencyFactor: t(sc.latencyFactor), derivation: sc.derivation }
        : { scale: sc.method };
    if (x.kind === 'cloud') {
      return {
        ...base,
        ...scale,
        instance: x.instance,
        pricing: x.pricing.model,
        discountPct: x.pricing.model === 'committed' ? asPct(x.pricing.discount) : '',
        hourlyPrice: t(x.hourlyPrice),
      };
    }
    if (x.kind === 'owned') {
      return {
        ...base,
        ...scale,
        purchasePrice: t(x.purchasePrice),
        lifetimeYears: t(x.lifetimeYears),
        residualPct: asPct(x.residualFraction),
        powerIdleW: t(x.powerIdleW),
        powerMaxW: t(x.powerMaxW),
        colocationPerKWMonth: t(x.colocationPerKWMonth),
        opexPerYear: t(x.opexPerYear),
        vcpus: t(x.vcpus),
        accelerator: x.accelerator ?? '',
      };
    }
    return { ...base, ...scale, powerIdleW: t(x.powerIdleW), powerMaxW: t(x.powerMaxW), devices: t(x.devices), cores: t(x.cores) };
  });
  return {
    ...d,
    name: s.name ?? '',
    averageRps: t(s.traffic.averageRps),
    peakRps: t(s.traffic.peakRps),
    activeHoursPerDay: t(s.traffic.activeHoursPerDay),
    sloP99Ms: t(s.slo.p99Ms),
    utilizationPct: asPct(s.targetUtilization),
    maxBatchSize: t(s.maxBatchSize),
    redundancy: t(s.redundancy),
    schedule: s.schedule,
    baseline: s.baseline ?? '',
    floorPoints: t(s.accuracyFloor?.maxDropPoints),
    variants,
    targets,
    modelVersions: t(s.storage.modelVersions),
    replicas: t(s.storage.replicas),
    retainedBytesPerRequest: t(s.storage.retainedBytesPerRequest),
    retentionDays: t(s.storage.retentionDays),
    storagePrice: t(s.storage.pricePerGBMonth),
    egressBytesPerRequest: t(s.network.egressBytesPerRequest),
    egressPrice: t(s.network.pricePerGB),
    ownedPue: t(s.energy.pue),
    electricityPrice: t(s.energy.pricePerKWh),
    gridIntensity: t(s.energy.gramsCO2ePerKWh),
    updatesPerYear: t(s.maintenance.updatesPerYear),
    hoursPerUpdate: t(s.maintenance.hoursPerUpdate),
    loadedHourlyRate: t(s.maintenance.loadedHourlyRate),
    onCallPerMonth: t(s.maintenance.onCallPerMonth),
  };
}
