/** Plain-text layout helpers: aligned tables and optional ANSI styling (only when writing to a terminal). */

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  accent(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;

export function makeStyle(color: boolean): Style {
  if (!color) return { bold: (s) => s, dim: (s) => s, accent: (s) => s };
  return { bold: wrap(1, 22), dim: wrap(2, 22), accent: wrap(36, 39) };
}

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Cells longer than this are shortened in the middle with "…". */
  max?: number;
}

function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = Math.ceil((max - 1) / 2);
  return `${s.slice(0, head)}…${s.slice(s.length - (max - 1 - head))}`;
}

/** Rows of an aligned table, header first; columns separated by two spaces, no trailing blanks. */
export function table(columns: readonly Column[], rows: readonly string[][], style: Style, indent = '  '): string[] {
  const cells = rows.map((r) => columns.map((c, i) => (c.max ? shorten(r[i] ?? '', c.max) : (r[i] ?? ''))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (r: string[], header: boolean) =>
    (
      indent +
      r
        .map((s, i) => {
          const last = i === r.length - 1;
          const pad =
            columns[i].align === 'right' ? s.padStart(widths[i]) : last ? s : s.padEnd(widths[i]);
          return header ? style.dim(pad) : pad;
        })
        .join('  ')
    ).trimEnd();
  return [line(columns.map((c) => c.header), true), ...cells.map((r) => line(r, false))];
}

/** "Label   value" lines with the labels padded to one width. */
export function fields(pairs: readonly [string, string][], style: Style, indent = '  '): string[] {
  const w = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${style.dim(k.padEnd(w))}  ${v}`.trimEnd());
}
