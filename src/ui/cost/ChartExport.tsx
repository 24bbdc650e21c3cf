import { useState, type RefObject } from 'react';
import { chartSvgElement, downloadFile, serializeChart, slug, svgToPng, type LegendEntry } from './export';

/** SVG and PNG buttons for the recharts chart inside `target`. */
export function ChartExport({ target, title, subtitle, legend, name }: { target: RefObject<HTMLDivElement | null>; title: string; subtitle?: string; legend?: LegendEntry[]; name?: string }) {
  const [error, setError] = useState<string | null>(null);
  const file = slug(name ?? title);
  const serialize = () => {
    const svg = chartSvgElement(target.current);
    if (!svg) throw new Error('the chart is not drawn yet');
    return serializeChart(svg, { title, subtitle, legend });
  };
  const run = async (kind: 'svg' | 'png') => {
    try {
      setError(null);
      const s = serialize();
      if (kind === 'svg') downloadFile(s.svg, `${file}.svg`, 'image/svg+xml');
      else downloadFile(await svgToPng(s.svg, s.width, s.height), `${file}.png`);
    } catch (e) {
      setError(`Could not export: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  return (
    <span className="cost-export">
      <span className="small muted">Export</span>
      <button className="small-button" onClick={() => void run('svg')} data-testid="export-svg" title={`Download ${file}.svg`}>
        SVG
      </button>
      <button className="small-button" onClick={() => void run('png')} data-testid="export-png" title={`Download ${file}.png`}>
        PNG
      </button>
      {error && <span className="field-error">{error}</span>}
    </span>
  );
}
