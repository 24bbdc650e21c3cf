/**
 * A report as files: JSON (the report schema itself, long keys: `parseReportFile` reads it back), CSV (one row per
 * variant × backend, the smallest batch size measured; every batch size with `allBatches`) and a Markdown summary.
 *
 * Text from the report (model names, notes) is untrusted: CSV cells that a spreadsheet would run as a formula are
 * prefixed with `'`, and Markdown escapes its own syntax and HTML so a name shows as the text it is.
 * Pure: no DOM, no React, no store.
 */
import type { Report, ReportFigure } from './schema';
import { resultLabel } from './tco';

export const reportJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;

/* ------------------------------------------------------------------ CSV ------------------------------------------------------------------ */

function csvCell(x: string | number | boolean | null): string {
  if (x === null) return '';
  if (typeof x !== 'string') return String(x);
  const safe = /^[=+\-@\t\r]/.test(x) ? `'${x}` : x;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const CSV_COLUMNS = [
  'model', 'variant', 'recipe', 'backend', 'threads', 'runtime', 'host', 'cores', 'data', 'items', 'batch', 'runs',
  'p50_ms', 'p90_ms', 'p99_ms', 'items_per_second', 'median_ci_low_ms', 'median_ci_high_ms', 'cold_start_create_ms',
  'cold_start_first_run_ms', 'model_bytes', 'quality_kind', 'quality_label', 'quality_percent', 'quality_low', 'quality_high',
  'sparsity', 'degraded', 'degraded_reasons', 'input_spec', 'cost_target', 'cost_per_1m_usd', 'monthly_usd', 'instances',
] as const;

/** The shared figure of a result on the chart's target (or the scenario's first target). */
function figureOf(report: Report, k: number): ReportFigure | undefined {
  const figs = report.tco?.figures.filter((f) => f.result === k) ?? [];
  return figs.find((f) => f.targetId === report.chart.targetId) ?? figs[0];
}

export function reportCsv(report: Report, opts: { allBatches?: boolean } = {}): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  report.results.forEach((r, k) => {
    const names = resultLabel(report, r);
    const v = r.variant === null ? null : report.variants[r.variant];
    const env = report.environments[r.environment];
    const fig = figureOf(report, k);
    const batches = [...r.batches].sort((a, b) => a.batch - b.batch);
    for (const b of opts.allBatches ? batches : batches.slice(0, 1)) {
      const cells: (string | number | boolean | null)[] = [
        names.model, names.variant, v?.recipe ?? 'original', r.backend, r.threads, r.runtime, env?.host ?? null, env?.cores ?? null,
        r.data.name, r.data.items, b.batch, b.runs, b.p50Ms, b.p90Ms, b.p99Ms, b.itemsPerSecond, b.medianCI?.lowerMs ?? null,
        b.medianCI?.upperMs ?? null, r.coldStart.createSessionMs, r.coldStart.firstRunMs, r.modelBytes, r.quality?.kind ?? null,
        r.quality?.label ?? null, r.quality?.value ?? null, r.quality?.lower ?? null, r.quality?.upper ?? null, v?.sparsity ?? null,
        v ? v.degraded : false, v?.reasons.join('; ') ?? '', r.inputSpec.join(' | '), fig?.targetId ?? null, fig?.costPer1M ?? null,
        fig?.monthly ? Number(fig.monthly.reduce((a, c) => a + c, 0).toPrecision(6)) : null, fig?.instances ?? null,
      ];
      rows.push(cells.map(csvCell).join(','));
    }
  });
  return `${rows.join('\n')}\n`;
}

/* ------------------------------------------------------------------ Markdown ------------------------------------------------------------------ */

/** Text as Markdown shows it literally: its syntax characters and HTML escaped, on one line. */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1');
}

const n = (x: number | null | undefined, unit = '') =>
  x === null || x === undefined ? '–' : `${(Number.isInteger(x) ? x : Number(x.toPrecision(4))).toLocaleString('en-US')}${unit}`;
const usd = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `$${x < 1 ? x.toPrecision(3) : x.toLocaleString('en-US', { maximumFractionDigits: 2 })}`);

export function reportMarkdown(report: Report, opts: { link?: string } = {}): string {
  const out: string[] = [`# ${mdText(report.title)}`, ''];
  out.push(`Made by Pareto Studio (${report.source === 'cli' ? '`pareto report`' : 'the app'}) on ${report.createdAt}. Figures rounded to 4 significant digits.`);
  if (opts.link) out.push('', `[Open the report](${opts.link.replace(/[()\s]/g, encodeURIComponent)})`);
  out.push('', '## Models', '');
  for (const m of report.models) {
    out.push(`- **${mdText(m.name)}** (${mdText(m.format)}, ${n(m.bytes)} bytes${m.summary.parameters !== null ? `, ${n(m.summary.parameters)} parameters` : ''})${m.sha256 ? `, SHA-256 \`${m.sha256}\`` : ''}`);
  }
  if (report.variants.length) {
    out.push('', '## Variants', '', '| variant | recipe | bytes | sparsity | degraded |', '|---|---|--:|--:|---|');
    for (const v of report.variants) {
      const deg = v.degraded === null ? 'not judged' : v.degraded ? `**yes**: ${v.reasons.map(mdText).join('; ')}` : 'no';
      out.push(`| ${mdText(v.name)} | ${mdText(v.recipe)} | ${n(v.bytes)} | ${v.sparsity === null ? '–' : `${(v.sparsity * 100).toFixed(1)}%`} | ${deg} |`);
    }
  }
  if (report.results.length) {
    out.push('', '## Results', '', '| variant | backend | batch | p50 | p99 | items/s | quality | cost per 1M | environment |', '|---|---|--:|--:|--:|--:|---|--:|---|');
    report.results.forEach((r, k) => {
      const names = resultLabel(report, r);
      const b = [...r.batches].sort((a, c) => a.batch - c.batch)[0];
      const env = report.environments[r.environment];
      const q = r.quality ? `${n(r.quality.value, '%')} ${mdText(r.quality.label)}` : '–';
      const fig = figureOf(report, k);
      out.push(
        `| ${mdText(report.models.length > 1 ? `${names.model} · ${names.variant}` : names.variant)} | ${mdText(names.backend)} | ${b.batch} | ${n(b.p50Ms, ' ms')} | ${n(b.p99Ms, ' ms')} | ${n(b.itemsPerSecond)} | ${q} | ${fig ? (fig.costPer1M === null ? 'infeasible' : usd(fig.costPer1M)) : '–'} | ${mdText(`${env?.host ?? ''}, ${r.runtime}`)} |`,
      );
    });
    const specs = [...new Set(report.results.flatMap((r) => r.inputSpec))];
    const data = [...new Set(report.results.map((r) => `${r.data.name}${r.data.items !== null ? ` (${r.data.items} items)` : ''}`))];
    out.push('', `Data: ${data.map(mdText).join('; ')}.`, '', 'Inputs:', ...specs.map((s) => `- ${mdText(s)}`));
  }
  if (report.tco) {
    const s = report.tco.scenario as { name?: unknown; traffic?: { averageRps?: unknown; peakRps?: unknown }; slo?: { p99Ms?: unknown } };
    out.push('', '## Costs', '', `Scenario${typeof s.name === 'string' ? ` "${mdText(s.name)}"` : ''}: ${String(s.traffic?.averageRps)} requests/s on average, ${String(s.traffic?.peakRps)} at peak, p99 SLO ${String(s.slo?.p99Ms)} ms.`);
    out.push('', '| variant | target | cost per 1M | monthly | instances |', '|---|---|--:|--:|--:|');
    for (const f of report.tco.figures) {
      const r = f.result === null ? null : report.results[f.result];
      const name = r ? resultLabel(report, r).full : f.variantId;
      const monthly = f.monthly ? usd(f.monthly.reduce((a, c) => a + c, 0)) : `infeasible: ${mdText(f.reason ?? '')}`;
      out.push(`| ${mdText(name)} | ${mdText(f.targetId)} | ${usd(f.costPer1M)} | ${monthly} | ${n(f.instances)} |`);
    }
  }
  if (report.notes.length) out.push('', '## Notes', '', ...report.notes.map((x) => `- ${mdText(x)}`));
  return `${out.join('\n')}\n`;
}
