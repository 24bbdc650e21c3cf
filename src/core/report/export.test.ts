import { describe, expect, it } from 'vitest';
import { parseReportFile } from './codec';
import { reportCsv, reportJson, reportMarkdown } from './export';
import { reportFromApp } from './from-app';
import { appInput } from './test-reports';

const report = reportFromApp(appInput(3, 2, { modelName: '=HYPERLINK("x") <img src=x onerror=alert(1)>' }));

/** A CSV line split into cells (quotes honoured). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q && c === '"' && line[i + 1] === '"') (cur += '"'), i++;
    else if (c === '"') q = !q;
    else if (c === ',' && !q) out.push(cur), (cur = '');
    else cur += c;
  }
  return [...out, cur];
}

describe('report exports', () => {
  it('JSON is the report schema: it reads back identical', () => {
    expect(parseReportFile(reportJson(report))).toStrictEqual(report);
  });

  it('CSV: one row per variant × backend with the shared figures; formulas defused', () => {
    const lines = reportCsv(report).trimEnd().split('\n');
    const head = cells(lines[0]);
    expect(lines).toHaveLength(1 + 6);
    const rows = lines.slice(1).map(cells);
    for (const [k, row] of rows.entries()) {
      const r = report.results[k];
      expect(row).toHaveLength(head.length);
      expect(Number(row[head.indexOf('p50_ms')])).toBe(r.batches[0].p50Ms);
      expect(Number(row[head.indexOf('items_per_second')])).toBe(r.batches[0].itemsPerSecond);
      const fig = report.tco!.figures.find((f) => f.result === k)!;
      // A WebGPU (GPU) figure is not carried over to a CPU instance without a stated scaling rule: no cost, an empty cell.
      if (fig.costPer1M === null) expect(row[head.indexOf('cost_per_1m_usd')]).toBe('');
      else expect(Number(row[head.indexOf('cost_per_1m_usd')])).toBe(fig.costPer1M);
      expect(row[head.indexOf('model')].startsWith("'=HYPERLINK")).toBe(true);
    }
    expect(reportCsv(reportFromApp(appInput(2, 1, { batches: [1, 8] })), { allBatches: true }).trimEnd().split('\n')).toHaveLength(1 + 2 * 2);
  });

  it('Markdown shows every result, the costs and names as text', () => {
    const md = reportMarkdown(report);
    expect(md).not.toMatch(/<img/);
    expect(md).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(md.match(/^\| .* \| WASM 1 thread \|/gm)).toHaveLength(3);
    expect(md).toContain('## Costs');
    expect(report.variants.filter((v) => v.degraded)).toHaveLength(1);
    expect(md).toContain('**yes**: output "logits": top-1 agreement 97.9% &lt; 99% \\(2000 items\\)');
  });
});
