/** Number formats of the cost views. Nothing here ever prints NaN or Infinity: a non-finite value shows as "–". */

const ok = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

/** $1,354.44; small amounts keep 3 significant digits ($0.0123); large ones drop the cents ($12,345). */
export function money(x: number | null | undefined): string {
  if (!ok(x)) return '–';
  const a = Math.abs(x);
  const sign = x < 0 ? '−' : '';
  if (a === 0) return '$0';
  if (a < 1) return `${sign}$${Number(a.toPrecision(3))}`;
  if (a >= 10000) return `${sign}$${Math.round(a).toLocaleString('en-US')}`;
  return `${sign}$${a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** 3 significant digits, grouped: 12,300 · 1.23 · 0.00123. */
export function num(x: number | null | undefined, digits = 3): string {
  if (!ok(x)) return '–';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  if (a < 1e-4) return x.toExponential(2);
  return String(Number(x.toPrecision(digits)));
}

/** A fraction as percent: 0.377 → "37.7%". */
export function percent(fraction: number | null | undefined, digits = 1): string {
  return ok(fraction) ? `${(fraction * 100).toFixed(digits)}%` : '–';
}

/** A value already in percent: 98.5 → "98.50%". */
export function pctValue(x: number | null | undefined, digits = 2): string {
  return ok(x) ? `${x.toFixed(digits)}%` : '–';
}

export function ms(x: number | null | undefined): string {
  if (!ok(x)) return '–';
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3)} ms`;
}

/** Joules, in the unit that reads best. */
export function joules(x: number | null | undefined): string {
  if (!ok(x)) return '–';
  const a = Math.abs(x);
  if (a >= 1) return `${num(x)} J`;
  if (a >= 1e-3) return `${num(x * 1e3)} mJ`;
  return `${num(x * 1e6)} µJ`;
}

/** "$5,864–$7,297", or one figure when both ends show the same. */
export function rangeText(r: { low: number; high: number } | null | undefined, fmt: (x: number) => string = money): string {
  if (!r || !ok(r.low) || !ok(r.high)) return '–';
  const [a, b] = [fmt(r.low), fmt(r.high)];
  return a === b ? a : `${a}–${b}`;
}

/** A range worth showing next to its point figure: from a measurement with an interval, and not a single value. */
export function hasSpread(r: { basis: string; monthly: { low: number; high: number } } | null | undefined): boolean {
  return !!r && r.basis !== 'none' && rangeText(r.monthly) !== money(r.monthly.low);
}

/**
 * Against the baseline: "saves 37.7% ($520.10/month)" or "costs 5.0% more ($12.00/month)"; a difference that rounds
 * to 0.0% is "about the same cost ($0.89/month less)", and one under a cent "about the same cost (within a cent a
 * month)". Positive `monthly` means this variant is cheaper. When the monthly ranges overlap (`difference.measurable`
 * false: within the benchmarks' noise), no figure is quoted: "no measurable difference ($6,646–$7,688 against
 * $5,864–$7,297/month)".
 */
export function savingText(
  s: { monthly: number; fraction: number | null; difference?: { measurable: boolean; baseline: { low: number; high: number }; variant: { low: number; high: number } } } | null | undefined,
): string {
  if (!s || !ok(s.monthly)) return '–';
  const d = s.difference;
  if (d && !d.measurable) return `no measurable difference (${rangeText(d.variant)} against ${rangeText(d.baseline)}/month)`;
  if (Math.abs(s.monthly) < 0.005) return 'about the same cost (within a cent a month)';
  const cheaper = s.monthly > 0;
  if (s.fraction !== null && Math.abs(s.fraction) < 0.0005) {
    return `about the same cost (${money(Math.abs(s.monthly))}/month ${cheaper ? 'less' : 'more'})`;
  }
  const p = s.fraction === null ? '' : `${percent(Math.abs(s.fraction))} `;
  return cheaper ? `saves ${p}(${money(s.monthly)}/month)` : `costs ${p}more (${money(-s.monthly)}/month)`;
}
