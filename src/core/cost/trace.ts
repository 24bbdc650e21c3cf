/**
 * How the TCO formulas are written down: numbers as they appear in a trace line, a ceiling that ignores
 * floating-point noise, and the recorder each formula reports to (`Trace`).
 */

/** A number for a formula: 6 significant digits, no trailing zeros. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e15 || Math.abs(x) < 1e-6)) return x.toExponential(4);
  return String(Number(x.toPrecision(6)));
}

/** ceil, ignoring floating-point noise: 3.0000000000000004 → 3 (relative tolerance 1e-9; 1e-12 still gives 1). */
export function ceilTolerant(x: number): number {
  const r = Math.round(x);
  return r !== 0 && Math.abs(x - r) <= 1e-9 * Math.abs(x) ? r : Math.ceil(x);
}

/** Records one step of the arithmetic and returns its value. */
export type Trace = (key: string, label: string, formula: string, value: number, unit: string) => number;
/** For evaluations nobody reads the arithmetic of (the chart's points). */
export const noTrace: Trace = (_k, _l, _f, value) => value;
