/**
 * Building a report: from the app's state (src/state/report.ts maps the store to ReportParts) or from `pareto bench
 * --json` results (bench-json.ts). Both end in `buildReport`, which rounds every fractional number to 4 significant
 * digits (the figures a reader needs, and what keeps links short), cuts text to the schema's lengths, prices the
 * results on the scenario (tco.ts) and validates the result, so every report built here decodes.
 *
 * Pure: no DOM, no React, no store.
 */
import type { ModelSummary } from '../inspect/summary';
import { describeSpecEntry, type InputSpecJson } from '../bench/input-spec';
import type { AccuracyResult } from '../bench/accuracy';
import { qualityOf } from '../cost/bench-candidates';
import type { XMetric } from '../cost/tradeoff';
import { REPORT_LIMITS, REPORT_VERSION, validateReport, type Report, type ReportEnvironment, type ReportModel, type ReportQuality, type ReportResult, type ReportVariant } from './schema';
import { evaluateReportTco } from './tco';

/** x to 4 significant digits; integers stay as they are (byte counts, runs). */
export function sig(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Number(x.toPrecision(4));
}

/** Every fractional number in a JSON value, rounded with `sig`. */
export function roundDeep<T>(x: T): T {
  if (typeof x === 'number') return sig(x) as T;
  if (Array.isArray(x)) return x.map(roundDeep) as T;
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, roundDeep(v)])) as T;
  return x;
}

/** Text cut to `max` characters (an ellipsis says so). */
export const clip = (s: string, max = 200): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

const dimsText = (shape: (number | string | null)[] | null) => (shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : '(shape unknown)');

/** The summary block of a model (names, dtypes and shapes of its inputs and outputs, parameters, opsets). */
export function modelEntry(name: string, summary: Pick<ModelSummary, 'format' | 'fileBytes' | 'externalDataBytes' | 'parameters' | 'nodeCount' | 'opsets' | 'inputs' | 'outputs'>, sha256: string | null): ReportModel {
  return {
    name: clip(name),
    format: summary.format,
    bytes: summary.fileBytes + summary.externalDataBytes,
    sha256,
    summary: {
      parameters: summary.parameters.total,
      nodes: summary.nodeCount,
      opsets: clip(summary.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', '), 300),
      inputs: summary.inputs.slice(0, REPORT_LIMITS.lines).map((t) => clip(`${t.name} ${t.dtype} ${dimsText(t.shape)}`, 300)),
      outputs: summary.outputs.slice(0, REPORT_LIMITS.lines).map((t) => clip(`${t.name} ${t.dtype} ${dimsText(t.shape)}`, 300)),
    },
  };
}

/** One line per input of a spec. */
export const specLines = (spec: InputSpecJson | undefined): string[] => (spec?.inputs ?? []).slice(0, REPORT_LIMITS.lines).map((e) => clip(describeSpecEntry(e), 600));

export function quality(after: AccuracyResult | null, isOriginal: boolean): ReportQuality | null {
  const q = qualityOf(after, isOriginal);
  return q ? { kind: q.kind, value: q.value, lower: q.lower, upper: q.upper, label: clip(q.label) } : null;
}

/** The environments list, each distinct one once; returns the index of `env`. */
export function environmentIndex(list: ReportEnvironment[], env: ReportEnvironment): number {
  const key = JSON.stringify(env);
  const at = list.findIndex((e) => JSON.stringify(e) === key);
  if (at >= 0) return at;
  list.push(env);
  return list.length - 1;
}

export interface ReportParts {
  source: 'app' | 'cli';
  title: string;
  /** ISO 8601; default now. */
  createdAt?: string;
  models: ReportModel[];
  variants: ReportVariant[];
  environments: ReportEnvironment[];
  results: ReportResult[];
  /** Scenario JSON (docs/tco.md) or null. With results, its variants are replaced by them (the Trade-off's pricing). */
  scenario: Record<string, unknown> | null;
  chart: { x: XMetric; targetId: string | null; floorPoints: number | null };
  notes: string[];
}

/** Assemble, round, price and validate. Throws when the parts cannot make a valid report (a bug, not user input). */
export function buildReport(parts: ReportParts): Report {
  const notes = [...parts.notes];
  const cut = <T>(xs: T[], max: number, what: string): T[] => {
    if (xs.length > max) notes.push(`${xs.length - max} ${what} left out: a report holds at most ${max}.`);
    return xs.slice(0, max);
  };
  // An original's "100% fidelity to itself" only means something beside variants measured for fidelity.
  const fidelity = parts.results.some((r) => r.variant !== null && r.quality?.kind === 'fidelity');
  const results = cut(parts.results, REPORT_LIMITS.results, 'results').map((r) =>
    !fidelity && r.variant === null && r.quality?.kind === 'fidelity' && r.quality.lower === null ? { ...r, quality: null } : r,
  );
  const base = roundDeep({
    version: REPORT_VERSION,
    createdAt: parts.createdAt ?? new Date().toISOString(),
    source: parts.source,
    title: clip(parts.title),
    models: cut(parts.models, REPORT_LIMITS.models, 'models'),
    variants: cut(parts.variants, REPORT_LIMITS.variants, 'variants'),
    environments: parts.environments,
    results,
    tco: null,
    chart: parts.chart,
    notes: [],
  }) as Report;
  if (parts.scenario) {
    const { variants, description, baseline, ...rest } = parts.scenario;
    const withResults = results.length > 0;
    // With results, the variants (and so the baseline) are the results': the original, as the Trade-off prices them.
    const scenario = roundDeep(withResults ? rest : { ...rest, variants, ...(baseline === undefined ? {} : { baseline }) });
    // The scenario's description is left out: it is often long prose, and links have a budget.
    void description;
    const draft: Report = { ...base, tco: { scenario, variantsFrom: withResults ? 'results' : 'scenario', figures: [] } };
    const ev = evaluateReportTco(draft, { round: sig });
    if (ev.ok) base.tco = { ...draft.tco!, figures: ev.figures.slice(0, REPORT_LIMITS.figures) };
    else notes.push(clip(`The cost scenario was left out: ${ev.errors.map((e) => `${e.path || 'scenario'}: ${e.message}`).join('; ')}`, 500));
  }
  base.notes = notes.slice(0, REPORT_LIMITS.notes).map((n) => clip(n, 500));
  const valid = validateReport(base);
  if (!valid.ok) throw new Error(`internal: the report built is not valid (${valid.path}: ${valid.message})`);
  return valid.report;
}
