/**
 * Reports made by earlier versions keep opening: one migration per version, each taking a report of version N (as
 * decoded JSON, unvalidated) to version N + 1. `migrateReport` runs them in order up to REPORT_VERSION; the result is
 * then validated as a current report (schema.ts).
 *
 * Version 0 was never written by a release: it is the pre-release layout (models and variants without the summary
 * block and degraded reasons as one string) kept so the migration path is exercised by a test from the start. When
 * the schema changes, bump REPORT_VERSION, add `N: (r) => …` here and a test with a version-N report.
 */
import { describeValue } from '../cost/scenario-fields';
import { REPORT_VERSION } from './schema';

type Json = Record<string, unknown>;
type Migration = (r: Json) => Json;

const isObj = (x: unknown): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x);

export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  /** v0 → v1: `degradedReason` (one string) became `reasons` (a list) and `rule`; models gained `summary` and `sha256`. */
  0: (r) => ({
    ...r,
    version: 1,
    models: Array.isArray(r.models)
      ? r.models.map((m) =>
          isObj(m) ? { sha256: null, summary: { parameters: null, nodes: null, opsets: '', inputs: [], outputs: [] }, ...m } : m,
        )
      : r.models,
    variants: Array.isArray(r.variants)
      ? r.variants.map((x) => {
          if (!isObj(x)) return x;
          const { degradedReason, ...rest } = x;
          return { ...rest, reasons: typeof degradedReason === 'string' && degradedReason ? [degradedReason] : [], rule: '' };
        })
      : r.variants,
  }),
};

export type MigrateResult = { ok: true; report: Json; from: number } | { ok: false; message: string };

/** Bring a decoded report of any known version up to REPORT_VERSION. */
export function migrateReport(input: unknown): MigrateResult {
  if (!isObj(input)) return { ok: false, message: `the link holds ${describeValue(input)}, not a report` };
  const version = input.version;
  if (version === undefined) return { ok: false, message: 'the report has no version' };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return { ok: false, message: `the report's version ${describeValue(version)} is not a version number` };
  if (version > REPORT_VERSION) {
    return { ok: false, message: `the report is version ${version}, made by a newer Pareto Studio; this one reads versions up to ${REPORT_VERSION}` };
  }
  let r = input;
  for (let k = version; k < REPORT_VERSION; k++) {
    const m = MIGRATIONS[k];
    if (!m) return { ok: false, message: `the report is version ${version}, which this Pareto Studio cannot read (no migration from version ${k})` };
    r = m(r);
  }
  return { ok: true, report: r, from: version };
}
