/**
 * Human-readable numbers (sizes, counts, percentages, milliseconds), the one formatter the CLI and the UI share.
 * A value that is not finite shows as "–", never NaN or Infinity.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 ? 0 : v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${n < 0 ? '-' : ''}${v.toFixed(digits)} ${units[i]}`;
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(a >= 1e10 ? 1 : 2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(a >= 1e7 ? 1 : 2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(a >= 1e5 ? 0 : 1)}k`;
  return String(n);
}

export function formatPercent(fraction: number, digits = 1): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)}%` : '–';
}

/** Milliseconds with 3 significant digits (at least 2 decimals below 10); null shows as "–". */
export function formatMs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

/** A plain number with 4 significant digits; exponent form below 0.001 and from 1000 on. */
export function formatNumber(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000 || a < 1e-3) return v.toExponential(3);
  return v.toPrecision(4);
}

/** Seconds from milliseconds: 2 decimals below 10 s, 1 above ("1.25 s", "12.3 s"). */
export function formatSeconds(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/* Wording shared by the CLI and the UI: counts with the right plural, and how a size changed. */

/** `1 core`, `2 cores`, `0 cores`; `plural` gives the irregular form (`1 branch`, `3 branches`). */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? singular : plural}`;
}

/**
 * How a file's size changed, in words a reader takes at a glance: `4.0× smaller` (half the size or less),
 * `8% smaller`, `same size` (within half a percent), `3% larger`, `2.1× larger`. Empty when a size is unknown.
 */
export function sizeChange(before: number, after: number): string {
  if (!(before > 0) || !(after > 0) || !Number.isFinite(before) || !Number.isFinite(after)) return '';
  const d = (after - before) / before;
  if (Math.abs(d) < 0.005) return 'same size';
  if (after < before) {
    const ratio = before / after;
    return ratio >= 2 ? `${times(ratio)} smaller` : `${Math.round(-d * 100)}% smaller`;
  }
  const ratio = after / before;
  return ratio >= 2 ? `${times(ratio)} larger` : `${Math.round(d * 100)}% larger`;
}

const times = (r: number) => `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`;
