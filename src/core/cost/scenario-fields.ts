/**
 * The building blocks of the scenario schema (scenario.ts): numbers with their bounds and units, text, ids,
 * lists and choices, each refusing a bad value with a message that says what was expected and what was given.
 * The bounds keep every output of the TCO model finite (no overflow to Infinity) and catch unit mistakes.
 */
import { RESERVED_NAMES } from '../own';
import * as v from 'valibot';

export function describeValue(x: unknown): string {
  if (x === undefined) return 'nothing';
  if (x === null) return 'null';
  if (typeof x === 'number') return Number.isNaN(x) ? 'NaN' : String(x);
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (Array.isArray(x)) return 'a list';
  return typeof x === 'object' ? 'an object' : typeof x;
}

interface NumSpec {
  /** Strictly greater than. */
  gt?: number;
  /** At least. */
  min?: number;
  max?: number;
  int?: boolean;
  /** Added to range messages ("requests/s"). */
  unit?: string;
  /** Why the bound exists, appended to the message. */
  why?: string;
}

const u = (spec: NumSpec) => (spec.unit ? ` ${spec.unit}` : '');

/** The reason a number breaks `spec`, or undefined. */
function numberProblem(x: number, spec: NumSpec): string | undefined {
  if (!Number.isFinite(x)) return `must be a finite number, not ${describeValue(x)}`;
  const why = spec.why ? ` (${spec.why})` : '';
  if (spec.gt !== undefined && !(x > spec.gt)) return `must be greater than ${spec.gt}${u(spec)}, not ${x}${why}`;
  if (spec.min !== undefined && x < spec.min) return `must be at least ${spec.min}${u(spec)}, not ${x}${why}`;
  if (spec.max !== undefined && x > spec.max) return `must be at most ${spec.max}${u(spec)}, not ${x}${why}`;
  if (spec.int && !Number.isInteger(x)) return `must be a whole number, not ${x}`;
  return undefined;
}

export function num(spec: NumSpec) {
  return v.pipe(
    v.number((issue) => (issue.input === undefined ? 'required' : `must be a number, not ${describeValue(issue.input)}`)),
    v.check(
      (x) => numberProblem(x, spec) === undefined,
      (issue) => numberProblem(issue.input as number, spec) ?? 'invalid number',
    ),
  );
}

export const text = (max = 200) =>
  v.pipe(
    v.string((issue) => (issue.input === undefined ? 'required' : `must be text, not ${describeValue(issue.input)}`)),
    v.check((s) => s.length <= max, `must be at most ${max} characters`),
  );

export const id = () =>
  v.pipe(
    text(100),
    v.check((s) => s.trim().length > 0, 'must not be empty'),
    v.check((s) => !RESERVED_NAMES.has(s), (issue) => `"${String(issue.input)}" is a reserved name; choose another id`),
  );

function objectMessage(issue: v.StrictObjectIssue | v.ObjectIssue): string {
  if (issue.expected === 'never') return `unknown field ${issue.received} (check the spelling; docs/tco.md lists every field)`;
  if (issue.received === 'undefined' && issue.expected !== 'Object') return 'required';
  return `must be an object, not ${describeValue(issue.input)}`;
}

export const obj = <E extends v.ObjectEntries>(entries: E) => v.strictObject(entries, objectMessage);

export const list = <S extends v.GenericSchema>(item: S, min: number, max: number, what: string) =>
  v.pipe(
    v.array(item, (issue) => (issue.input === undefined ? 'required' : `must be a list of ${what}, not ${describeValue(issue.input)}`)),
    v.check((a) => a.length >= min, min === 1 ? `needs at least one ${what.replace(/s$/, '')}` : `needs at least ${min} ${what}`),
    v.check((a) => a.length <= max, `at most ${max} ${what}`),
  );

export function oneOf<const T extends readonly [string, ...string[]]>(options: T) {
  return v.picklist(options, (issue) =>
    issue.input === undefined ? `required: one of ${options.join(', ')}` : `must be one of ${options.join(', ')}, not ${describeValue(issue.input)}`,
  );
}

export function variantOf<const K extends string, const O extends v.VariantOptions<K>>(key: K, options: O, choices: readonly string[]) {
  // The issue is either about the discriminator (its path ends at `key`) or about the value not being an object.
  return v.variant(key, options, (issue) =>
    issue.path?.[issue.path.length - 1]?.key === key
      ? issue.input === undefined
        ? `required: one of ${choices.join(', ')}`
        : `must be one of ${choices.join(', ')}, not ${describeValue(issue.input)}`
      : `must be an object with "${key}" (${choices.join(', ')}), not ${describeValue(issue.input)}`,
  );
}

// Limits.

const MAX_RPS = 1e9;
const MAX_MONEY = 1e12;
const MAX_WATTS = 1e7;
const MIN_THROUGHPUT = 1e-4;
const MAX_MS = 3.6e6;

export const rps = (allowZero = false) => num({ ...(allowZero ? { min: 0 } : { gt: 0 }), max: MAX_RPS, unit: 'requests/s' });
export const money = (max = MAX_MONEY) => num({ min: 0, max });
export const watts = () => num({ min: 0, max: MAX_WATTS, unit: 'W' });
export const ms = () => num({ gt: 0, max: MAX_MS, unit: 'ms' });
export const throughputValue = () => num({ gt: 0, min: MIN_THROUGHPUT, max: MAX_RPS, unit: 'items/s', why: 'zero throughput cannot serve any traffic' });
export const batch = () => num({ min: 1, max: 1e6, int: true });
export const fraction = (what: string, max = 1) => num({ min: 0, max, why: `${what}, as a fraction: 0.3 = 30%` });
export const pue = () => num({ min: 1, max: 5, why: 'PUE is total facility power ÷ IT power, at least 1' });
export const grid = () => num({ min: 0, max: 5000, unit: 'gCO2e/kWh' });
export const kwhPrice = () => num({ min: 0, max: 100, unit: 'USD/kWh' });
