/**
 * The TCO scenario: what the user types (or the app fills from a benchmark), as versioned JSON.
 * `parseScenario(unknown)` validates untrusted input with a valibot schema plus cross-field checks and returns either
 * the typed scenario (structural defaults filled in; sourced default figures are resolved later, in tco.ts, so the
 * result can list them) or field-keyed errors the UI can show next to each field.
 *
 * Field paths are dotted, with array indices as numbers: `traffic.peakRps`, `targets.1.instance`,
 * `variants.0.throughput.points.2.p99Ms`. The empty path `""` is the scenario as a whole.
 * Every field is documented in docs/tco.md.
 */
import * as v from 'valibot';
import { CATALOGUE, findInstance } from './catalogue';
import {
  batch,
  describeValue,
  fraction,
  grid,
  id,
  kwhPrice,
  list,
  money,
  ms,
  num,
  obj,
  oneOf,
  pue,
  rps,
  text,
  throughputValue,
  variantOf,
  watts,
} from './scenario-fields';
import { dict } from '../own';

export const SCENARIO_VERSION = 1;

// ---------------------------------------------------------------------------------------------------------------
// The schema.

const DEVICE_CLASSES = ['laptop', 'desktop', 'server', 'cloud', 'phone', 'other'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];
const PROCESSORS = ['cpu', 'gpu'] as const;
export type Processor = (typeof PROCESSORS)[number];

const benchPoint = obj({
  batchSize: batch(),
  itemsPerSecond: throughputValue(),
  p99Ms: ms(),
  /**
   * The interval of itemsPerSecond from the benchmark's noise: from the median latency's confidence interval (`level`
   * its confidence, e.g. 0.95), or the fastest–slowest spread of too few runs (no `level`). Costs get a low–high range
   * from it, and differences inside it are reported as "no measurable difference".
   */
  itemsPerSecondInterval: v.optional(
    obj({
      low: throughputValue(),
      high: throughputValue(),
      level: v.optional(num({ gt: 0, max: 0.9999, why: 'a confidence level, as a fraction: 0.95 = 95%' })),
    }),
  ),
});

const measuredThroughput = obj({
  source: v.literal('measured'),
  /** The device the benchmark ran on. `cores`: logical cores, as the benchmark saw them. */
  device: obj({
    name: text(),
    class: oneOf(DEVICE_CLASSES),
    cores: num({ min: 1, max: 1e5, int: true }),
    /**
     * What ran the model: 'cpu' (WASM, onnxruntime on CPU) or 'gpu' (WebGPU, WebGL, CUDA). A target of the other
     * kind never inherits the figure: it needs a factor with its derivation (or a typed figure).
     */
    processor: v.optional(oneOf(PROCESSORS)),
  }),
  points: list(benchPoint, 1, 1000, 'benchmark points'),
});

const typedFigure = {
  itemsPerSecond: throughputValue(),
  p99Ms: v.optional(ms()),
  batchSize: v.optional(batch()),
};

const typedThroughput = obj({
  source: v.literal('typed'),
  ...typedFigure,
  /** Per-target throughput, by target id, where it differs from `itemsPerSecond`. */
  perTarget: v.optional(v.record(v.string(), obj(typedFigure), 'must be an object of target id → { itemsPerSecond, p99Ms? }')),
  note: v.optional(text(500)),
});

const variantSchema = obj({
  id: id(),
  name: v.optional(text()),
  /** Accuracy in percent (0–100). */
  accuracy: v.optional(num({ min: 0, max: 100, unit: '%' })),
  modelSizeMB: num({ min: 0, max: 1e7, unit: 'MB' }),
  throughput: variantOf('source', [measuredThroughput, typedThroughput], ['measured', 'typed']),
});

const scaleSchema = variantOf(
  'method',
  [
    obj({ method: v.literal('cores') }),
    obj({
      method: v.literal('factor'),
      factor: num({ gt: 0, min: 1e-3, max: 1e3 }),
      derivation: v.pipe(
        text(500),
        v.check((s) => s.trim().length > 0, 'say how the factor was derived (shown next to every scaled figure)'),
      ),
      latencyFactor: v.optional(num({ gt: 0, min: 1e-3, max: 1e3 })),
    }),
    obj({ method: v.literal('none') }),
  ],
  ['cores', 'factor', 'none'],
);

const pricingSchema = variantOf(
  'model',
  [
    obj({ model: v.literal('on-demand') }),
    obj({ model: v.literal('spot') }),
    obj({ model: v.literal('committed'), discount: num({ min: 0, max: 0.95, why: 'committed-use discount, as a fraction: 0.37 = 37% off' }) }),
  ],
  ['on-demand', 'spot', 'committed'],
);

const energyOverrides = {
  pue: v.optional(pue()),
  pricePerKWh: v.optional(kwhPrice()),
  gramsCO2ePerKWh: v.optional(grid()),
};

const cloudTarget = obj({
  kind: v.literal('cloud'),
  id: id(),
  name: v.optional(text()),
  /** Catalogue id, e.g. "aws/c7i.xlarge". */
  instance: v.pipe(
    v.string((issue) => (issue.input === undefined ? 'required: choose an instance from the catalogue' : `must be a catalogue id, not ${describeValue(issue.input)}`)),
    v.check((s) => s.trim().length > 0, 'choose an instance from the catalogue'),
  ),
  pricing: v.optional(pricingSchema, { model: 'on-demand' }),
  /** Typed hourly price (USD), replacing the catalogue's. */
  hourlyPrice: v.optional(num({ gt: 0, max: 1e6, unit: 'USD/h' })),
  ...energyOverrides,
  scale: v.optional(scaleSchema),
});

const ownedTarget = obj({
  kind: v.literal('owned'),
  id: id(),
  name: v.optional(text()),
  purchasePrice: money(),
  lifetimeYears: num({ gt: 0, max: 50, unit: 'years' }),
  residualFraction: v.optional(fraction('value left at the end of the lifetime'), 0),
  powerIdleW: watts(),
  powerMaxW: watts(),
  colocationPerKWMonth: v.optional(money(1e6)),
  opexPerYear: v.optional(money(), 0),
  vcpus: v.optional(num({ min: 1, max: 1e5, int: true })),
  accelerator: v.optional(text()),
  ...energyOverrides,
  scale: v.optional(scaleSchema),
});

const edgeTarget = obj({
  kind: v.literal('edge'),
  id: id(),
  name: v.optional(text()),
  powerIdleW: watts(),
  powerMaxW: watts(),
  /** Users' devices that download each model update (for the distribution egress). */
  devices: v.optional(num({ min: 0, max: 1e11, int: true }), 0),
  cores: v.optional(num({ min: 1, max: 1e5, int: true })),
  ...energyOverrides,
  scale: v.optional(scaleSchema),
});

const targetSchema = variantOf('kind', [cloudTarget, ownedTarget, edgeTarget], ['cloud', 'owned', 'edge']);

const scenarioSchema = obj({
  version: v.literal(SCENARIO_VERSION),
  name: v.optional(text()),
  description: v.optional(text(2000)),
  traffic: obj({
    averageRps: rps(),
    peakRps: rps(),
    activeHoursPerDay: num({ gt: 0, max: 24, unit: 'h' }),
  }),
  slo: obj({ p99Ms: ms() }),
  targetUtilization: num({ min: 0.01, max: 1, why: 'a fraction of capacity: 0.6 = 60%, at most 1 = 100%' }),
  maxBatchSize: v.optional(batch()),
  redundancy: v.optional(num({ min: 0, max: 1e4, int: true }), 0),
  schedule: v.optional(oneOf(['always-on', 'active-hours']), 'always-on'),
  baseline: v.optional(id()),
  accuracyFloor: v.optional(obj({ maxDropPoints: num({ min: 0, max: 100, unit: 'points' }) })),
  variants: list(variantSchema, 1, 100, 'variants'),
  targets: list(targetSchema, 1, 100, 'targets'),
  storage: v.optional(
    obj({
      modelVersions: v.optional(num({ min: 1, max: 1e4, int: true }), 1),
      replicas: v.optional(num({ min: 1, max: 1e4, int: true }), 1),
      retainedBytesPerRequest: v.optional(num({ min: 0, max: 1e10, unit: 'bytes' }), 0),
      retentionDays: v.optional(num({ min: 0, max: 36500, unit: 'days' }), 0),
      pricePerGBMonth: v.optional(money(1e3)),
    }),
    {},
  ),
  network: v.optional(
    obj({
      egressBytesPerRequest: v.optional(num({ min: 0, max: 1e10, unit: 'bytes' }), 0),
      pricePerGB: v.optional(money(1e3)),
    }),
    {},
  ),
  energy: v.optional(obj({ ...energyOverrides }), {}),
  maintenance: v.optional(
    obj({
      updatesPerYear: v.optional(num({ min: 0, max: 1e4 }), 0),
      hoursPerUpdate: v.optional(num({ min: 0, max: 1e5, unit: 'h' }), 0),
      loadedHourlyRate: v.optional(money(1e5)),
      onCallPerMonth: v.optional(money(), 0),
    }),
    {},
  ),
});

export type Scenario = v.InferOutput<typeof scenarioSchema>;
export type Variant = Scenario['variants'][number];
export type Target = Scenario['targets'][number];
export type Scale = NonNullable<Target['scale']>;
export type MeasuredThroughput = Extract<Variant['throughput'], { source: 'measured' }>;

export interface FieldError {
  /** Dotted path of the field (`targets.1.instance`); `""` for the scenario as a whole. */
  path: string;
  message: string;
}

export type ParseResult =
  | { ok: true; scenario: Scenario }
  | {
      ok: false;
      errors: FieldError[];
      /** The same, keyed by path (messages of one field joined with "; "), for showing next to each field. */
      fieldErrors: Record<string, string>;
    };

function failure(errors: FieldError[]): ParseResult {
  const fieldErrors: Record<string, string> = dict();
  for (const e of errors) fieldErrors[e.path] = fieldErrors[e.path] ? `${fieldErrors[e.path]}; ${e.message}` : e.message;
  return { ok: false, errors, fieldErrors };
}

/** Validate untrusted input (parsed JSON, or the UI's form state) into a scenario, or say what is wrong where. */
export function parseScenario(input: unknown): ParseResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return failure([{ path: '', message: `a scenario must be a JSON object, not ${describeValue(input)}` }]);
  }
  const version = (input as Record<string, unknown>).version;
  if (version !== SCENARIO_VERSION) {
    return failure([
      {
        path: 'version',
        message:
          version === undefined
            ? `required: the scenario format version (${SCENARIO_VERSION})`
            : `unsupported version ${describeValue(version)}: this version of Pareto reads version ${SCENARIO_VERSION}`,
      },
    ]);
  }
  const parsed = v.safeParse(scenarioSchema, input);
  if (!parsed.success) {
    const errors = parsed.issues.map((issue) => ({ path: v.getDotPath(issue) ?? '', message: issue.message }));
    // One message per path is enough (valibot can report a field twice, e.g. a variant and its key).
    const seen = new Set<string>();
    return failure(errors.filter((e) => (seen.has(`${e.path}\0${e.message}`) ? false : (seen.add(`${e.path}\0${e.message}`), true))));
  }
  const errors = crossFieldErrors(parsed.output);
  return errors.length ? failure(errors) : { ok: true, scenario: parsed.output };
}

/** How the throughput of measured variants is scaled to a target when the target does not say. */
export function implicitScale(target: Target): Scale['method'] | undefined {
  if (target.kind === 'edge') return 'none';
  if (target.kind === 'cloud') {
    const inst = findInstance(target.instance);
    return inst && !inst.accelerator ? 'cores' : undefined;
  }
  return target.vcpus !== undefined && target.accelerator === undefined ? 'cores' : undefined;
}

/** Checks that span fields: ranges between fields, references by id, catalogue look-ups. */
function crossFieldErrors(s: Scenario): FieldError[] {
  const errors: FieldError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });

  if (s.traffic.averageRps > s.traffic.peakRps) {
    err('traffic.averageRps', `the average (${s.traffic.averageRps} requests/s) cannot exceed the peak (${s.traffic.peakRps})`);
  }

  const variantIds = new Map<string, number>();
  s.variants.forEach((variant, i) => {
    if (variantIds.has(variant.id)) err(`variants.${i}.id`, `"${variant.id}" is already the id of variants.${variantIds.get(variant.id)}`);
    else variantIds.set(variant.id, i);
  });
  const targetIds = new Map<string, number>();
  s.targets.forEach((target, i) => {
    if (targetIds.has(target.id)) err(`targets.${i}.id`, `"${target.id}" is already the id of targets.${targetIds.get(target.id)}`);
    else targetIds.set(target.id, i);
  });

  if (s.baseline !== undefined && !variantIds.has(s.baseline)) {
    err('baseline', `no variant has the id "${s.baseline}" (variants: ${[...variantIds.keys()].join(', ')})`);
  }
  if (s.accuracyFloor) {
    const base = s.variants.find((x) => x.id === (s.baseline ?? s.variants[0].id));
    if (base && base.accuracy === undefined) err('accuracyFloor', `the baseline variant "${base.id}" has no accuracy to take the floor from`);
  }

  const anyMeasured = s.variants.some((x) => x.throughput.source === 'measured');

  s.variants.forEach((variant, i) => {
    const t = variant.throughput;
    if (t.source === 'measured') {
      const seen = new Map<number, number>();
      t.points.forEach((p, j) => {
        const iv = p.itemsPerSecondInterval;
        if (iv && !(iv.low <= p.itemsPerSecond && p.itemsPerSecond <= iv.high)) {
          err(
            `variants.${i}.throughput.points.${j}.itemsPerSecondInterval`,
            `the interval ${iv.low}–${iv.high} items/s must contain itemsPerSecond (${p.itemsPerSecond}): low ≤ itemsPerSecond ≤ high`,
          );
        }
        if (seen.has(p.batchSize)) err(`variants.${i}.throughput.points.${j}.batchSize`, `batch size ${p.batchSize} is already in points.${seen.get(p.batchSize)}`);
        else seen.set(p.batchSize, j);
      });
    } else {
      for (const key of Object.keys(t.perTarget ?? {})) {
        if (!targetIds.has(key)) err(`variants.${i}.throughput.perTarget.${key}`, `no target has the id "${key}"`);
      }
    }
  });

  s.targets.forEach((target, i) => {
    const at = (field: string) => `targets.${i}.${field}`;
    if (target.kind === 'cloud') {
      const inst = findInstance(target.instance);
      if (!inst) {
        const near = CATALOGUE.filter((c) => c.id.toLowerCase().includes(target.instance.toLowerCase().split('/').pop() ?? '')).map((c) => c.id);
        err(
          at('instance'),
          `"${target.instance}" is not in the catalogue` +
            (near.length && target.instance.trim() ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ' (ids look like "aws/c7i.xlarge"; docs/tco.md lists them)'),
        );
        return;
      }
      if (target.pricing.model === 'spot' && inst.spotHourly === null && target.hourlyPrice === undefined) {
        err(at('pricing.model'), `the catalogue has no spot price for ${inst.id}; type hourlyPrice, or use on-demand or committed`);
      }
      if (anyMeasured && target.scale === undefined && implicitScale(target) === undefined) {
        err(
          at('scale'),
          `${inst.name} has an accelerator (${inst.accelerator?.count}× ${inst.accelerator?.model}): core-count scaling of a measurement does not apply; ` +
            'give a factor with its derivation ({ "method": "factor", ... }), or type the throughput on this target (perTarget)',
        );
      }
    } else {
      if (target.powerMaxW < target.powerIdleW) err(at('powerMaxW'), `the maximum power (${target.powerMaxW} W) cannot be below the idle power (${target.powerIdleW} W)`);
    }
    if (target.scale?.method === 'cores') {
      if (target.kind === 'owned' && target.vcpus === undefined) err(at('vcpus'), 'needed to scale throughput by core count (scale.method "cores")');
      if (target.kind === 'edge' && target.cores === undefined) err(at('cores'), 'needed to scale throughput by core count (scale.method "cores")');
    }
    if (target.kind === 'owned' && anyMeasured && target.scale === undefined && implicitScale(target) === undefined) {
      err(
        at('scale'),
        target.accelerator !== undefined
          ? `the hardware has an accelerator (${target.accelerator}): core-count scaling of a measurement does not apply; give a factor with its derivation`
          : 'say how to scale measured throughput to this hardware: give vcpus (scaled by core count) or scale { "method": "factor", ... }',
      );
    }
  });
  return errors;
}
