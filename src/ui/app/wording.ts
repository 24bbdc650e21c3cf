/** Small wording helpers for the UI: counts with the right plural, and how a size changed. */

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
