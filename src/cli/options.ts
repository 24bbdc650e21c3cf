/**
 * Option parsing shared by every command: cac gives strings, booleans or arrays (a repeated option); these check them
 * and turn a bad value into a usage error (exit 2). No heavy imports here: every command's module loads at start.
 */
import { UsageError } from './errors';

/** A repeatable, comma-separable list option (`--exclude a --exclude b,c`) as a flat list. */
export function listOption(value: unknown): string[] {
  if (value === undefined || value === false || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The last value of an option given once or more (cac makes an array of repeated options). */
export function lastValue(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** A string option, or undefined; `--flag` without a value is a usage error. */
export function stringOption(value: unknown, flag: string): string | undefined {
  const v = lastValue(value);
  if (v === undefined) return undefined;
  if (v === true || v === false || v === '') throw new UsageError(`${flag} needs a value.`);
  return String(v);
}

/** A number option, or undefined. */
export function numberOption(value: unknown, flag: string, what = 'a number'): number | undefined {
  const s = stringOption(value, flag);
  if (s === undefined) return undefined;
  const n = Number(s.trim());
  if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} takes ${what}, not "${s}".`);
  return n;
}

/** A whole number >= min, or undefined. */
export function wholeNumberOption(value: unknown, flag: string, min: number): number | undefined {
  const s = stringOption(value, flag);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s.trim()) || Number(s) < min) throw new UsageError(`${flag} takes a whole number >= ${min}, not "${s}".`);
  return Number(s);
}

/** `--layers N|all` → a count or 'all'; anything else is a usage error. */
export function parseLayers(value: unknown, fallback: number): number | 'all' {
  if (value === undefined) return fallback;
  const s = String(value).trim().toLowerCase();
  if (s === 'all') return 'all';
  if (/^\d+$/.test(s)) return Number(s);
  throw new UsageError(`--layers takes a number of layers or "all", not "${String(value)}".`);
}
