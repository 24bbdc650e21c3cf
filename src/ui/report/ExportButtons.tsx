import type { Report } from '../../core/report/schema';
import { downloadFile, slug } from '../cost/export';

/** The report as JSON (the report file: the same schema as a link), CSV (a row per variant × backend) or Markdown. */
export function ExportButtons({ report, link, label = 'Export' }: { report: Report | (() => Promise<Report | null>); link?: string; label?: string }) {
  const save = async (kind: 'json' | 'csv' | 'md') => {
    // Loaded when used: the studio's first page stays small.
    const [{ reportCsv, reportJson, reportMarkdown }, r] = await Promise.all([import('../../core/report/export'), typeof report === 'function' ? report() : report]);
    if (!r) return;
    const name = `${slug(r.title)}.report`;
    if (kind === 'json') downloadFile(reportJson(r), `${name}.json`, 'application/json');
    else if (kind === 'csv') downloadFile(reportCsv(r, { allBatches: true }), `${name}.csv`, 'text/csv');
    else downloadFile(reportMarkdown(r, link ? { link } : {}), `${name}.md`, 'text/markdown');
  };
  return (
    <span className="cost-export" data-testid="report-export">
      <span className="muted small">{label}:</span>
      <button className="small-button" onClick={() => void save('json')} data-testid="export-report-json" title="The report file (JSON): opens in the studio like a link">
        JSON
      </button>
      <button className="small-button" onClick={() => void save('csv')} data-testid="export-report-csv" title="A row per variant × backend × batch size">
        CSV
      </button>
      <button className="small-button" onClick={() => void save('md')} data-testid="export-report-md" title="A Markdown summary">
        Markdown
      </button>
    </span>
  );
}
