/**
 * Chart export without libraries: the recharts SVG is cloned and serialised (with a white background, a title and
 * a legend drawn into it, since recharts draws its legend and tooltip in HTML), and the PNG is that SVG drawn on
 * an offscreen canvas at twice the size.
 */

export interface LegendEntry {
  label: string;
  color: string;
  /** 'dot' (default), 'line' or 'diamond'. */
  mark?: 'dot' | 'line' | 'diamond' | 'ring';
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** The chart's own SVG (not the small legend icons recharts also draws as SVG). */
export function chartSvgElement(container: HTMLElement | null): SVGSVGElement | null {
  if (!container) return null;
  const main = container.querySelector<SVGSVGElement>('.recharts-wrapper > svg');
  if (main) return main;
  const all = [...container.querySelectorAll<SVGSVGElement>('svg')];
  return all.sort((a, b) => b.clientWidth * b.clientHeight - a.clientWidth * a.clientHeight)[0] ?? null;
}

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A standalone SVG document of the chart, with `title` above it and `legend` below. */
export function serializeChart(svg: SVGSVGElement, opts: { title?: string; subtitle?: string; legend?: LegendEntry[] } = {}): { svg: string; width: number; height: number } {
  const box = svg.getBoundingClientRect();
  const width = Math.round(Number(svg.getAttribute('width')) || box.width || 600);
  const height = Math.round(Number(svg.getAttribute('height')) || box.height || 300);
  const titleH = opts.title ? (opts.subtitle ? 46 : 30) : 0;
  const legend = opts.legend ?? [];
  // Legend entries flow left to right and wrap.
  const placed: { entry: LegendEntry; x: number; y: number }[] = [];
  let x = 12;
  let row = 0;
  for (const entry of legend) {
    const w = 26 + entry.label.length * 6.4;
    if (x + w > width - 8 && x > 12) {
      x = 12;
      row++;
    }
    placed.push({ entry, x, y: row * 20 });
    x += w + 12;
  }
  const legendH = legend.length ? (row + 1) * 20 + 10 : 0;
  const total = titleH + height + legendH;

  const out = el('svg', { xmlns: SVG_NS, width, height: total, viewBox: `0 0 ${width} ${total}`, 'font-family': FONT, 'font-size': 12 }) as SVGSVGElement;
  out.appendChild(el('rect', { x: 0, y: 0, width, height: total, fill: '#ffffff' }));
  if (opts.title) out.appendChild(el('text', { x: 12, y: 20, 'font-size': 15, 'font-weight': 600, fill: '#1b2430' }, opts.title));
  if (opts.subtitle) out.appendChild(el('text', { x: 12, y: 38, 'font-size': 11, fill: '#5d6b7c' }, opts.subtitle));
  const body = el('g', { transform: `translate(0, ${titleH})` });
  const clone = svg.cloneNode(true) as SVGSVGElement;
  // Nested as an <svg> so its own coordinate system and clip paths stay as they are.
  clone.removeAttribute('style');
  clone.removeAttribute('class');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  if (!clone.getAttribute('viewBox')) clone.setAttribute('viewBox', `0 0 ${width} ${height}`);
  body.appendChild(clone);
  out.appendChild(body);
  if (legend.length) {
    const g = el('g', { transform: `translate(0, ${titleH + height + 6})` });
    for (const { entry, x: lx, y } of placed) {
      const cy = y + 8;
      const m = entry.mark ?? 'dot';
      if (m === 'line') g.appendChild(el('line', { x1: lx, y1: cy, x2: lx + 16, y2: cy, stroke: entry.color, 'stroke-width': 2 }));
      else if (m === 'diamond') g.appendChild(el('path', { d: `M${lx + 8} ${cy - 6} L${lx + 14} ${cy} L${lx + 8} ${cy + 6} L${lx + 2} ${cy} Z`, fill: entry.color }));
      else if (m === 'ring') g.appendChild(el('circle', { cx: lx + 8, cy, r: 6, fill: 'none', stroke: entry.color, 'stroke-width': 2 }));
      else g.appendChild(el('circle', { cx: lx + 8, cy, r: 5, fill: entry.color }));
      g.appendChild(el('text', { x: lx + 22, y: cy + 4, fill: '#1b2430' }, entry.label));
    }
    out.appendChild(g);
  }
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(out)}`, width, height: total };
}

/** The SVG drawn on an offscreen canvas, as PNG. */
export async function svgToPng(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser gives no 2D canvas');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
}

/** Saves `data` as a file through a temporary link. */
export function downloadFile(data: Blob | string, fileName: string, type = 'application/octet-stream'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a title: "Cost per 1M" → "cost-per-1m". */
export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
