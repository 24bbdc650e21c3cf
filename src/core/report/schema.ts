/**
 * The shareable report: what a benchmark (in the app or from `pareto bench --json`) found, with the TCO scenario and
 * its figures, as versioned plain data. Never weights: models are described (name, format, size, content hash,
 * summary), not included.
 *
 * `REPORT_VERSION` is the version this code writes; older versions are migrated (migrate.ts) before validation.
 * A report is untrusted input when it arrives in a link: `validateReport` checks every field and every list's
 * length with valibot, then the cross references (indices into models, variants and environments).
 *
 * Numbers are rounded when a report is built (build.ts, `sig`), so a report survives JSON and the link unchanged.
 */
import * as v from 'valibot';
import { batch, describeValue, list, num, obj, oneOf, text } from '../cost/scenario-fields';
import { parseScenario } from '../cost/scenario';
import { X_METRICS, type XMetric } from '../cost/tradeoff';

export const REPORT_VERSION = 1;

/** Every list's cap (the decoder refuses longer ones before anything else reads them). */
export const REPORT_LIMITS = {
  models: 16,
  variants: 64,
  environments: 32,
  results: 256,
  batches: 32,
  lines: 32,
  figures: 2048,
  notes: 64,
} as const;

const count = () => num({ min: 0, max: 1e15, int: true });
const nonNeg = () => num({ min: 0, max: 1e15 });
const index = (what: string) => num({ min: 0, max: 10_000, int: true, why: `an index into the report's ${what}` });
const nullable = <S extends v.GenericSchema>(s: S) => v.nullable(s);
const lines = (max = 500) => list(text(max), 0, REPORT_LIMITS.lines, 'lines of text');
const pct = () => num({ min: 0, max: 100, unit: '%' });

const modelSchema = obj({
  name: text(),
  /** "onnx", "tfjs". */
  format: text(20),
  bytes: count(),
  /** SHA-256 of the model file (hex), null when not computed. */
  sha256: nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (SHA-256)'))),
  summary: obj({
    parameters: nullable(count()),
    nodes: nullable(count()),
    /** "ai.onnx 13, com.microsoft 1". */
    opsets: text(300),
    /** One line per input / output: `x float32 [batch, 1, 28, 28]`. */
    inputs: lines(300),
    outputs: lines(300),
  }),
});

const variantSchema = obj({
  /** Index into `models`: what it was made from. */
  model: index('models'),
  name: text(),
  /** The recipe in words ("int8 dynamic, per-channel"). */
  recipe: text(300),
  bytes: count(),
  gzipBytes: nullable(count()),
  /** Share of weights that are zero (0..1); null when not measured. */
  sparsity: nullable(num({ min: 0, max: 1 })),
  /** Null: fidelity could not be judged. */
  degraded: nullable(v.boolean('must be true or false')),
  reasons: lines(),
  /** The thresholds in words. */
  rule: text(300),
});

const environmentSchema = obj({
  /** "Chrome 156 (Linux x86_64)" or "Node v20.11.0 linux x64". */
  host: text(300),
  cores: nullable(count()),
  cpu: nullable(text(200)),
  crossOriginIsolated: nullable(v.boolean('must be true or false')),
  /** The WebGPU adapter, when there was one. */
  gpu: nullable(text(300)),
  gpuFallback: v.boolean('must be true or false'),
});

const batchSchema = obj({
  batch: batch(),
  runs: count(),
  p50Ms: nonNeg(),
  p90Ms: nonNeg(),
  p99Ms: nonNeg(),
  itemsPerSecond: nonNeg(),
  /** The median's confidence interval (ms), null with too few runs. */
  medianCI: nullable(obj({ lowerMs: nonNeg(), upperMs: nonNeg(), level: num({ gt: 0, max: 1 }) })),
  /** Fastest and slowest run (ms): the throughput interval when there is no median CI; null when there is one. */
  minMs: nullable(nonNeg()),
  maxMs: nullable(nonNeg()),
});

const qualitySchema = obj({
  kind: oneOf(['accuracy', 'fidelity']),
  value: pct(),
  lower: nullable(pct()),
  upper: nullable(pct()),
  label: text(),
});

const resultSchema = obj({
  model: index('models'),
  /** Index into `variants`; null: the original model. */
  variant: nullable(index('variants')),
  /** "wasm", "webgpu", "webgl", "node". */
  backend: text(40),
  threads: num({ min: 1, max: 4096, int: true }),
  /** "onnxruntime-web 1.22.0". */
  runtime: text(100),
  environment: index('environments'),
  data: obj({ name: text(300), items: nullable(count()), labelled: v.boolean('must be true or false') }),
  /** The input spec the cell ran with, one line per input (core's describeSpecEntry). */
  inputSpec: lines(600),
  coldStart: obj({ createSessionMs: nonNeg(), firstRunMs: nonNeg() }),
  batches: list(batchSchema, 1, REPORT_LIMITS.batches, 'batch sizes'),
  modelBytes: count(),
  quality: nullable(qualitySchema),
  notes: lines(),
});

const figureSchema = obj({
  /** The priced variant: a result (index into `results`) or, without results, the scenario's variant id. */
  result: nullable(index('results')),
  /** The scenario variant's id when `result` is null; '' otherwise. */
  variantId: text(100),
  targetId: text(100),
  /** Null: infeasible on the target (`reason` says why). */
  costPer1M: nullable(nonNeg()),
  /** Monthly cost by part: compute, storage, network, energy, maintenance (USD). */
  monthly: nullable(v.pipe(v.array(nonNeg()), v.length(5, 'must list the 5 cost parts'))),
  instances: nullable(nonNeg()),
  reason: nullable(text(500)),
});

const tcoSchema = obj({
  /**
   * The scenario (docs/tco.md) as the studio evaluated it. With `variantsFrom: "results"` its `variants` are left out:
   * they are the report's results, each a measured variant (bench-candidates.ts).
   */
  scenario: v.custom<Record<string, unknown>>((x) => x !== null && typeof x === 'object' && !Array.isArray(x), 'must be a scenario object'),
  variantsFrom: oneOf(['results', 'scenario']),
  /** Shared figures: each priced variant on each target, as computed when the report was made. */
  figures: list(figureSchema, 0, REPORT_LIMITS.figures, 'figures'),
});

const X_KEYS = Object.keys(X_METRICS) as [XMetric, ...XMetric[]];

export const reportSchema = obj({
  version: v.literal(REPORT_VERSION),
  /** ISO 8601. */
  createdAt: v.pipe(text(40), v.isoTimestamp('must be an ISO 8601 date and time')),
  /** What made it: "app" or "cli". */
  source: oneOf(['app', 'cli']),
  title: text(),
  models: list(modelSchema, 0, REPORT_LIMITS.models, 'models'),
  variants: list(variantSchema, 0, REPORT_LIMITS.variants, 'variants'),
  environments: list(environmentSchema, 0, REPORT_LIMITS.environments, 'environments'),
  results: list(resultSchema, 0, REPORT_LIMITS.results, 'results'),
  tco: nullable(tcoSchema),
  chart: obj({ x: oneOf(X_KEYS), targetId: nullable(text(100)), floorPoints: nullable(num({ min: 0, max: 100, unit: 'points' })) }),
  notes: list(text(500), 0, REPORT_LIMITS.notes, 'notes'),
});

export type Report = v.InferOutput<typeof reportSchema>;
export type ReportModel = Report['models'][number];
export type ReportVariant = Report['variants'][number];
export type ReportEnvironment = Report['environments'][number];
export type ReportResult = Report['results'][number];
export type ReportBatch = ReportResult['batches'][number];
export type ReportQuality = NonNullable<ReportResult['quality']>;
export type ReportTco = NonNullable<Report['tco']>;
export type ReportFigure = ReportTco['figures'][number];

export type ValidateResult = { ok: true; report: Report } | { ok: false; path: string; message: string };

/** Cross references the schema cannot see: indices in range, the scenario valid. */
function crossCheck(r: Report): { path: string; message: string } | undefined {
  const range = (path: string, i: number | null, n: number, what: string) =>
    i !== null && i >= n ? { path, message: `refers to ${what} ${i}, but the report has ${n}` } : undefined;
  for (const [k, vr] of r.variants.entries()) {
    const e = range(`variants.${k}.model`, vr.model, r.models.length, 'model');
    if (e) return e;
  }
  for (const [k, res] of r.results.entries()) {
    const e =
      range(`results.${k}.model`, res.model, r.models.length, 'model') ??
      range(`results.${k}.variant`, res.variant, r.variants.length, 'variant') ??
      range(`results.${k}.environment`, res.environment, r.environments.length, 'environment');
    if (e) return e;
  }
  if (r.tco) {
    for (const [k, f] of r.tco.figures.entries()) {
      const e = range(`tco.figures.${k}.result`, f.result, r.results.length, 'result');
      if (e) return e;
    }
    const s = r.tco.scenario;
    if (r.tco.variantsFrom === 'results') {
      for (const k of ['variants', 'baseline']) if (k in s) return { path: `tco.scenario.${k}`, message: 'must be left out: the variants are the results' };
    }
    const full = r.tco.variantsFrom === 'results' ? { ...s, variants: [{ id: 'x', accuracy: 50, modelSizeMB: 1, throughput: { source: 'typed', itemsPerSecond: 1 } }] } : s;
    const parsed = parseScenario(full);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      return { path: `tco.scenario${first.path ? `.${first.path}` : ''}`, message: first.message };
    }
  }
  return undefined;
}

/** Validate untrusted data (a decoded link, a report file) as a report of this version. */
export function validateReport(input: unknown): ValidateResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, path: '', message: `a report must be an object, not ${describeValue(input)}` };
  const parsed = v.safeParse(reportSchema, input);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return { ok: false, path: v.getDotPath(issue) ?? '', message: issue.message };
  }
  const cross = crossCheck(parsed.output);
  return cross ? { ok: false, ...cross } : { ok: true, report: parsed.output };
}
