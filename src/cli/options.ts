/**
 * Option parsing shared by every command: cac gives strings, booleans or arrays (a repeated option); these check them
 * and turn a bad value into a usage error (exit 2). No heavy imports here: every command's module loads at start.
 */
import { FILL_KINDS, type FillKind } from '../core/bench/input-spec';
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

/** What `--shape`, `--dim` and `--value` set (core's InputSpecOptions, without the data). */
export interface InputSpecFlags {
  shapes: Record<string, number[]>;
  dims: Record<string, number>;
  values: Record<string, number | FillKind>;
}

const FILLS: readonly string[] = FILL_KINDS;

/** NAME=VALUE items of a repeatable option (also comma-separated). */
function pairs(value: unknown, flag: string, example: string): [string, string][] {
  if (value === true || value === '') throw new UsageError(`${flag} needs NAME=VALUE, e.g. ${flag} ${example}.`);
  return listOption(value).map((item) => {
    const i = item.lastIndexOf('=');
    if (i <= 0 || i === item.length - 1) throw new UsageError(`${flag} takes NAME=VALUE (e.g. ${flag} ${example}), not "${item}".`);
    return [item.slice(0, i).trim(), item.slice(i + 1).trim()];
  });
}

/**
 * `--shape NAME=1x3x320x320`, `--dim DIMNAME=320`, `--value NAME=16000|uniform|normal|image|zeros|ids|small-ints|mask`,
 * each repeatable: what quantize, prune, bench (and inspect, for shapes) share. Usage errors name the bad item.
 */
export function parseInputSpecFlags(options: Record<string, unknown>): InputSpecFlags {
  const out: InputSpecFlags = { shapes: {}, dims: {}, values: {} };
  for (const [name, v] of pairs(options.shape, '--shape', 'image=1x3x320x320')) {
    const dims = v.split(/[x×,]/).map((d) => d.trim());
    if (!dims.every((d) => /^\d+$/.test(d) && Number(d) >= 1) && !(v === 'scalar')) {
      throw new UsageError(`--shape ${name}= takes whole numbers >= 1 joined by "x" (e.g. 1x3x320x320, or "scalar"), not "${v}".`);
    }
    out.shapes[name] = v === 'scalar' ? [] : dims.map(Number);
  }
  for (const [name, v] of pairs(options.dim, '--dim', 'H=320')) {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--dim ${name}= takes a whole number >= 1, not "${v}".`);
    out.dims[name] = Number(v);
  }
  for (const [name, v] of pairs(options.value, '--value', 'sr=16000')) {
    if (FILLS.includes(v)) out.values[name] = v as FillKind;
    else if (v !== '' && Number.isFinite(Number(v))) out.values[name] = Number(v);
    else throw new UsageError(`--value ${name}= takes a number or one of ${FILLS.join(', ')}, not "${v}".`);
  }
  return out;
}

/** The option lines for --shape, --dim and --value, the same on every command that takes them. */
export const INPUT_SPEC_OPTIONS = [
  { flags: '--shape <name=1x3x320x320>', description: 'The whole shape of an input (repeatable)' },
  { flags: '--dim <dimname=320>', description: 'The value of a named symbolic dim, e.g. H=320 (repeatable)' },
  { flags: '--value <name=16000>', description: 'A fixed value for an input (a scalar such as a sample rate), or its fill: uniform | normal | image | zeros | ids | small-ints | mask (repeatable)' },
] as const;
