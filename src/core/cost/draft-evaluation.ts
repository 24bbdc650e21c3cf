/**
 * A draft (draft.ts) into scenario JSON (scenario.ts), and its evaluation: `draftToInput` converts the typed text
 * and reports what cannot be converted, keyed by scenario path; `evaluateDraft` parses and evaluates it, the draft's
 * own problems first.
 *
 * Pure: no DOM, no React, no store.
 */
import { dict } from '../own';
import type { CostDraft, DraftField, DraftTarget, DraftVariant, Text } from './draft';
import { DRAFT_PATHS } from './draft';
import { parseScenario, SCENARIO_VERSION, type FieldError, type Scenario } from './scenario';
import { evaluateScenario, type TcoResult } from './tco';

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
    const perTarget = dict<unknown>();
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
function mergeErrors(local: Record<string, string>, parsed: FieldError[]): { errors: FieldError[]; fieldErrors: Record<string, string> } {
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
