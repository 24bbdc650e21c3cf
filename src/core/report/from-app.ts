/**
 * A report from the studio's state, structurally (the store's models, variants and bench runs; src/state/report.ts
 * passes them in). For each model × variant × backend × threads the latest finished run wins, as in the Trade-off.
 *
 * Pure: no DOM, no React, no store.
 */
import type { AccuracyResult } from '../bench/accuracy';
import type { InputSpecJson } from '../bench/input-spec';
import type { Verdict } from '../bench/verdict';
import type { ModelSummary } from '../inspect/summary';
import type { XMetric } from '../cost/tradeoff';
import { buildReport, clip, environmentIndex, modelEntry, quality, specLines } from './build';
import type { Report, ReportEnvironment, ReportResult, ReportVariant } from './schema';

export interface AppModelLike {
  id: string;
  name: string;
  summary: Pick<ModelSummary, 'format' | 'fileBytes' | 'externalDataBytes' | 'parameters' | 'nodeCount' | 'opsets' | 'inputs' | 'outputs'>;
  sha256?: string | null;
}

export interface AppVariantLike {
  id: string;
  modelId: string;
  name: string;
  status: string;
  /** The recipe in words (recipeName). */
  recipe: string;
  metrics?: { size: { bytes: number; gzipBytes?: number }; composition: { sparsity: number }; verdict: Verdict | null; fidelityNote?: string };
}

export interface AppEnvLike {
  userAgent: string;
  cores: number;
  crossOriginIsolated: boolean;
  webgpu: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean } | null;
}

export interface AppBatchLike {
  batch: number;
  runs: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  itemsPerSecond: number;
  medianCI: { lower: number; upper: number; level: number } | null;
}

export interface AppRunLike {
  modelId: string;
  startedAt: number;
  settings: { dataName: string; labelled: boolean };
  data?: { items: number } | undefined;
  cells: readonly {
    targetId: string;
    backend: string;
    threads: number;
    status: string;
    outcome?: {
      benchmark: {
        runtime: { id: string; version: string; threads?: number };
        coldStart: { createSessionMs: number; firstRunMs: number };
        latency: { batches: readonly AppBatchLike[]; notes?: readonly string[] };
        memory: { modelBytes: number };
        after: AccuracyResult | null;
      };
      environment: AppEnvLike;
      inputSpec: InputSpecJson;
    };
  }[];
}

/** "Chrome 156 (Linux x86_64)" from a user agent. */
export function hostOf(userAgent: string): string {
  const m = userAgent.match(/(Edg|Firefox|Chrome|Safari)\/(\d+)/);
  const browser = m ? `${m[1] === 'Edg' ? 'Edge' : m[1]} ${m[2]}` : 'a browser';
  const os = userAgent.match(/\(([^)]*)\)/)?.[1]?.split(';').map((s) => s.trim()).filter((s) => s && s !== 'X11').slice(0, 2).join(', ');
  return os ? `${browser} (${os})` : browser;
}

function environmentOf(e: AppEnvLike): ReportEnvironment {
  const g = e.webgpu;
  return {
    host: clip(hostOf(e.userAgent), 300),
    cores: Number.isFinite(e.cores) ? Math.max(0, Math.round(e.cores)) : null,
    cpu: null,
    crossOriginIsolated: e.crossOriginIsolated,
    gpu: g ? clip([g.vendor, g.architecture, g.device, g.description].filter(Boolean).join(' ') || 'WebGPU adapter', 300) : null,
    gpuFallback: g?.isFallbackAdapter === true,
  };
}

export interface AppReportInput {
  models: readonly AppModelLike[];
  variants: readonly AppVariantLike[];
  runs: readonly AppRunLike[];
  /** The calculator's scenario JSON (draftToInput(costDraft).input), or null. */
  scenario: Record<string, unknown> | null;
  chart: { x: XMetric; targetId: string | null; floorPoints: number | null };
  title?: string;
  createdAt?: string;
}

export function reportFromApp(input: AppReportInput): Report {
  const runs = [...input.runs].sort((a, b) => a.startedAt - b.startedAt);
  const benched = new Set(runs.flatMap((r) => (r.cells.some((c) => c.status === 'done') ? [r.modelId] : [])));
  const models = input.models.filter((m) => benched.has(m.id) || input.models.length === 1);
  const modelIndex = new Map(models.map((m, i) => [m.id, i]));
  const variants: ReportVariant[] = [];
  const variantIndex = new Map<string, number>();
  for (const v of input.variants) {
    const mi = modelIndex.get(v.modelId);
    if (mi === undefined || v.status !== 'done' || !v.metrics) continue;
    variantIndex.set(v.id, variants.length);
    const verdict = v.metrics.verdict;
    variants.push({
      model: mi,
      name: clip(v.name),
      recipe: clip(v.recipe, 300),
      bytes: v.metrics.size.bytes,
      gzipBytes: v.metrics.size.gzipBytes ?? null,
      sparsity: v.metrics.composition.sparsity,
      degraded: verdict ? verdict.degraded : null,
      reasons: verdict ? verdict.reasons.slice(0, 32).map((r) => clip(r, 500)) : v.metrics.fidelityNote ? [clip(`not judged: ${v.metrics.fidelityNote}`, 500)] : [],
      rule: clip(verdict?.rule ?? '', 300),
    });
  }
  const environments: ReportEnvironment[] = [];
  const latest = new Map<string, ReportResult>();
  for (const run of runs) {
    const mi = modelIndex.get(run.modelId);
    if (mi === undefined) continue;
    for (const cell of run.cells) {
      const o = cell.outcome;
      if (cell.status !== 'done' || !o) continue;
      const vi = cell.targetId === 'original' ? null : variantIndex.get(cell.targetId);
      if (vi === undefined) continue; // a variant since removed
      const threads = Math.max(1, o.benchmark.runtime.threads ?? cell.threads);
      latest.set(`${mi}/${cell.targetId}/${cell.backend}/${threads}`, {
        model: mi,
        variant: vi,
        backend: clip(cell.backend, 40),
        threads,
        runtime: clip(`${o.benchmark.runtime.id} ${o.benchmark.runtime.version}`, 100),
        environment: environmentIndex(environments, environmentOf(o.environment)),
        data: { name: clip(run.settings.dataName, 300), items: run.data?.items ?? null, labelled: run.settings.labelled },
        inputSpec: specLines(o.inputSpec),
        coldStart: { createSessionMs: o.benchmark.coldStart.createSessionMs, firstRunMs: o.benchmark.coldStart.firstRunMs },
        batches: o.benchmark.latency.batches.slice(0, 32).map((b) => ({
          batch: b.batch,
          runs: b.runs,
          p50Ms: b.p50,
          p90Ms: b.p90,
          p99Ms: b.p99,
          itemsPerSecond: b.itemsPerSecond,
          medianCI: b.medianCI ? { lowerMs: b.medianCI.lower, upperMs: b.medianCI.upper, level: b.medianCI.level } : null,
          minMs: b.medianCI ? null : b.min,
          maxMs: b.medianCI ? null : b.max,
        })),
        modelBytes: o.benchmark.memory.modelBytes,
        quality: quality(o.benchmark.after, vi === null),
        notes: (o.benchmark.latency.notes ?? []).slice(0, 8).map((n) => clip(n, 500)),
      });
    }
  }
  const first = models[0];
  return buildReport({
    source: 'app',
    title: input.title ?? (first ? `Benchmark of ${first.name}` : 'Pareto Studio report'),
    createdAt: input.createdAt,
    models: models.map((m) => modelEntry(m.name, m.summary, m.sha256 ?? null)),
    variants,
    environments,
    results: [...latest.values()],
    scenario: input.scenario,
    chart: input.chart,
    notes: [],
  });
}
