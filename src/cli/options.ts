/** Option parsing shared by every command: cac gives strings, booleans or arrays (a repeated option); these check them. */
import { isParetoError } from '../core/errors';
import { validateRecipe, type Recipe } from '../core/transforms/recipe';
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

/** Core validation errors about options ("sparsity must be in [0, 1)") are usage errors (exit 2). */
export function checkRecipe(recipe: Recipe): Recipe {
  try {
    return validateRecipe(recipe);
  } catch (e) {
    if (isParetoError(e) && e.code === 'bad-input') throw new UsageError(e.message);
    throw e;
  }
}
