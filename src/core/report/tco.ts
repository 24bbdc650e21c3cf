/**
 * The cost side of a report: its results as measured variants (bench-candidates.ts's BenchCandidate, as the
 * Trade-off view costs them), the scenario with those variants, its evaluation on every target (the figures a report
 * shares), and the trade-off chart on the chart's target. The report page calls the same functions with the reader's
 * what-if scenario, so shared and what-if figures come from one code path.
 *
 * Pure: no DOM, no React, no store.
 */
import { backendLabel, baselineOf, throughputInterval, type BenchCandidate } from '../cost/bench-candidates';
import type { DraftPoint } from '../cost/draft';
import { draftFromScenario } from '../cost/draft-from-scenario';
import { parseScenario, type FieldError } from '../cost/scenario';
import { evaluateScenario, type FeasibleCell, type TcoResult } from '../cost/tco';
import { evaluateTradeoff, type TradeoffResult, type XMetric } from '../cost/tradeoff';
import type { Report, ReportFigure, ReportResult } from './schema';

/** How a result is named everywhere (tables, chart, CSV): "mnist-cnn · int8 dynamic · WASM 1 thread". */
export function resultLabel(report: Pick<Report, 'models' | 'variants'>, r: ReportResult): { model: string; variant: string; backend: string; full: string } {
  const model = report.models[r.model]?.name ?? `model ${r.model}`;
  const variant = r.variant === null ? 'original' : (report.variants[r.variant]?.name ?? `variant ${r.variant}`);
  const env = r.backend === 'webgpu' ? backendLabel(r.backend, r.threads) : r.backend === 'node' ? `onnxruntime-node ${r.threads} thread${r.threads === 1 ? '' : 's'}` : backendLabel(r.backend, r.threads);
  const backend = env;
  return { model, variant, backend, full: `${report.models.length > 1 ? `${model} · ` : ''}${variant} · ${backend}` };
}

const safeId = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100);

/** The report's results as measured variants, in result order (index k = results[k]). */
export function reportCandidates(report: Report): BenchCandidate[] {
  return report.results.map((r, k) => {
    const env = report.environments[r.environment];
    const names = resultLabel(report, r);
    const fallback = r.backend === 'webgpu' && env?.gpuFallback === true;
    const backend = r.backend === 'node' ? names.backend : backendLabel(r.backend, r.threads, fallback);
    const points: DraftPoint[] = [];
    const notes: string[] = [];
    for (const b of [...r.batches].sort((a, c) => a.batch - c.batch)) {
      if (!(b.itemsPerSecond > 0) || points.some((p) => p.batchSize === b.batch)) continue;
      const like = { batch: b.batch, p50: b.p50Ms, p99: b.p99Ms, itemsPerSecond: b.itemsPerSecond, medianCI: b.medianCI && { lower: b.medianCI.lowerMs, upper: b.medianCI.upperMs, level: b.medianCI.level }, runs: b.runs, min: b.minMs ?? undefined, max: b.maxMs ?? undefined };
      const interval = throughputInterval(like, b.itemsPerSecond);
      points.push({ batchSize: b.batch, itemsPerSecond: b.itemsPerSecond, p99Ms: Math.max(b.p99Ms, 0.001), ...(interval ? { itemsPerSecondInterval: interval } : {}) });
    }
    if (fallback) notes.push('WebGPU ran on a software (fallback) adapter: its speed says nothing about a real GPU');
    const smallest = [...r.batches].sort((a, c) => a.batch - c.batch)[0];
    const recipe = r.variant === null ? 'original (float)' : (report.variants[r.variant]?.recipe ?? names.variant);
    const cores = Math.max(1, r.backend === 'wasm' || r.backend === 'node' ? r.threads : (env?.cores ?? 1));
    return {
      id: safeId(`r${k}-${names.variant}@${r.backend}-${r.threads}`),
      modelTargetId: r.variant === null ? 'original' : `v${r.variant}`,
      isOriginal: r.variant === null,
      name: `${report.models.length > 1 ? `${names.model} · ` : ''}${names.variant} · ${backend}`,
      recipe,
      backend,
      quality: r.quality ? { ...r.quality } : null,
      modelSizeMB: r.modelBytes / 1e6,
      points,
      latency: smallest ? { batch: smallest.batch, p50: smallest.p50Ms, p99: Math.max(smallest.p99Ms, 0.001), itemsPerSecond: smallest.itemsPerSecond } : null,
      device: {
        name: `this machine: ${env?.host ?? 'unknown'}, ${backend}`,
        class: /phone|Android|iPhone|iPad/i.test(env?.host ?? '') ? 'phone' : 'other',
        cores,
        // WASM and onnxruntime-node run on the CPU; WebGPU and WebGL on the GPU (bench-candidates.ts's deviceOf).
        processor: r.backend === 'wasm' || r.backend === 'node' ? 'cpu' : 'gpu',
      },
      runId: 'report',
      notes,
    };
  });
}

/** The scenario the report's TCO evaluates (with the results as its variants when `variantsFrom` is "results"). */
export function reportScenarioInput(report: Report, scenario: Record<string, unknown> = report.tco?.scenario ?? {}): Record<string, unknown> {
  if (report.tco?.variantsFrom !== 'results') return scenario;
  const candidates = reportCandidates(report).filter((c) => c.points.length > 0);
  const base = baselineOf(candidates) ?? candidates[0];
  return {
    ...scenario,
    ...(base ? { baseline: base.id } : {}),
    variants: candidates.map((c) => ({
      id: c.id,
      name: c.name,
      ...(c.quality ? { accuracy: Math.min(100, Math.max(0, c.quality.value)) } : {}),
      modelSizeMB: c.modelSizeMB,
      throughput: { source: 'measured', device: { ...c.device }, points: c.points.map((p) => ({ ...p })) },
    })),
  };
}

export type ReportTcoEvaluation =
  | { ok: true; result: TcoResult; figures: ReportFigure[]; tradeoff: TradeoffResult }
  | { ok: false; errors: FieldError[] };

const PARTS = ['compute', 'storage', 'network', 'energy', 'maintenance'] as const;

/**
 * Evaluate the report's TCO: with `scenario` (the what-if) instead of the shared one when given. Figures are rounded
 * as the report stores them (`round`), so shared and recomputed figures compare digit for digit.
 */
export function evaluateReportTco(report: Report, opts: { scenario?: Record<string, unknown>; x?: XMetric; targetId?: string | null; round?: (x: number) => number } = {}): ReportTcoEvaluation {
  const round = opts.round ?? ((x: number) => x);
  const input = reportScenarioInput(report, opts.scenario);
  const parsed = parseScenario(input);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  let result: TcoResult;
  try {
    result = evaluateScenario(parsed.scenario);
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: e instanceof Error ? e.message : String(e) }] };
  }
  const byResult = report.tco?.variantsFrom === 'results';
  const candidates = byResult ? reportCandidates(report) : [];
  const figures: ReportFigure[] = [];
  for (const vr of result.variants) {
    const k = byResult ? candidates.findIndex((c) => c.id === vr.id) : -1;
    for (const cell of vr.cells) {
      const f = cell.feasible ? (cell as FeasibleCell) : null;
      figures.push({
        result: k >= 0 ? k : null,
        // With a result, the result names the variant (its id is derived from it): not repeated.
        variantId: k >= 0 ? '' : vr.id,
        targetId: cell.targetId,
        costPer1M: f ? round(f.costPer1M) : null,
        monthly: f ? PARTS.map((p) => round(f.monthly[p])) : null,
        instances: f?.instances ? f.instances.total : null,
        reason: f ? null : (cell as { reason: string }).reason.slice(0, 500),
      });
    }
  }
  const draft = draftFromScenario(parsed.scenario);
  const tradeoff = evaluateTradeoff(draft, byResult ? candidates.filter((c) => c.points.length > 0) : [], {
    targetId: opts.targetId ?? report.chart.targetId,
    x: opts.x ?? report.chart.x,
  });
  return { ok: true, result, figures, tradeoff };
}
