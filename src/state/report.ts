/**
 * Share and export: the store's models, variants, bench runs and cost scenario as a report (src/core/report), and
 * the way back: a shared report's scenario loaded into the studio ("Open in studio"). Nothing is sent anywhere: the
 * link's fragment holds the report and browsers do not send fragments.
 */
import { draftToInput } from '../core/cost/draft-evaluation';
import { draftFromScenario } from '../core/cost/draft-from-scenario';
import { parseScenario } from '../core/cost/scenario';
import { LINK_LIMIT, reportLink } from '../core/report/codec';
import { reportFromApp } from '../core/report/from-app';
import type { Report } from '../core/report/schema';
import { reportScenarioInput } from '../core/report/tco';
import { recipeName } from '../core/transforms/recipe';
import type { StudioState } from './store';
import { studio } from './store';

/** The report of the store: every benchmarked model (or only `modelId`'s), with the calculator's scenario. */
export function reportOfState(s: StudioState, opts: { modelId?: string } = {}): Report {
  const models = s.models.filter((m) => !opts.modelId || m.id === opts.modelId);
  const floor = Number(s.costDraft.floorPoints.trim());
  return reportFromApp({
    models: models.map((m) => ({ id: m.id, name: m.name, summary: m.summary })),
    variants: s.variants.map((v) => ({
      id: v.id,
      modelId: v.modelId,
      name: v.name,
      status: v.status,
      recipe: recipeName(v.recipe),
      metrics: v.metrics && { size: v.metrics.size, composition: v.metrics.composition, verdict: v.metrics.verdict, fidelityNote: v.metrics.fidelityNote },
    })),
    runs: s.benchRuns.map((r) => ({ modelId: r.modelId, startedAt: r.startedAt, settings: r.settings, data: r.data, cells: r.cells })),
    scenario: draftToInput(s.costDraft).input,
    chart: { x: s.tradeoff.x, targetId: s.tradeoff.targetId, floorPoints: s.costDraft.floorPoints.trim() !== '' && Number.isFinite(floor) && floor >= 0 && floor <= 100 ? floor : null },
  });
}

export type ShareResult =
  | { ok: true; report: Report; link: string; fits: boolean; limit: number }
  | { ok: false; message: string };

/** The share link of the store (the page's own address, fragment replaced). */
export function shareLink(base: string, modelId?: string): ShareResult {
  try {
    const report = reportOfState(studio.getState(), { modelId });
    const link = reportLink(report, base);
    return { ok: true, report, link, fits: link.length <= LINK_LIMIT, limit: LINK_LIMIT };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * "Open in studio": the report's scenario (the reader's what-if edits included) becomes the calculator's, its
 * measured variants with it, and its chart settings the Trade-off's. Models are not in a report: they stay as they are.
 */
export function openReportInStudio(report: Report, scenario?: Record<string, unknown>): { ok: true } | { ok: false; message: string } {
  if (!report.tco) return { ok: true };
  const parsed = parseScenario(reportScenarioInput(report, scenario));
  if (!parsed.ok) return { ok: false, message: `the scenario cannot be used: ${parsed.errors.map((e) => `${e.path || 'scenario'}: ${e.message}`).join('; ')}` };
  const draft = draftFromScenario(parsed.scenario);
  studio.setState((s) => ({ costDraft: draft, costImportErrors: null, tradeoff: { ...s.tradeoff, x: report.chart.x, targetId: report.chart.targetId } }));
  return { ok: true };
}
