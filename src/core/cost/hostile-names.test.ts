/**
 * Names the user chooses (target and variant ids, instance names) are data, never keys into an object's prototype:
 * a scenario whose ids are `toString`, `valueOf`, `hasOwnProperty`… evaluates to the same figures as with ordinary ids,
 * and `__proto__`, `constructor` and `prototype` are refused at the field; nothing fails with a NaN.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESERVED_NAMES } from '../own';
import { evaluate } from './tco';

const example = JSON.parse(readFileSync(join(import.meta.dirname, '../../../examples/scenario.json'), 'utf8'));
const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf', '__defineGetter__'];

/** The example with target `from` renamed to `to` everywhere (its id and every perTarget key). */
function renameTarget(from: string, to: string): unknown {
  const s = JSON.parse(JSON.stringify(example));
  for (const t of s.targets) if (t.id === from) t.id = to;
  for (const v of s.variants) {
    const pt = v.throughput?.perTarget;
    if (pt && from in pt) {
      const value = pt[from];
      delete pt[from];
      Object.defineProperty(pt, to, { value, enumerable: true, configurable: true, writable: true });
    }
  }
  return s;
}

function renameVariant(from: string, to: string): unknown {
  const s = JSON.parse(JSON.stringify(example));
  for (const v of s.variants) if (v.id === from) v.id = to;
  if (s.baseline === from) s.baseline = to;
  return s;
}

/** Every number in a result, in order: renaming an id changes strings, never a figure. */
function numbers(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (Array.isArray(x)) x.forEach((e) => numbers(e, out));
  else if (x && typeof x === 'object') Object.keys(x).sort().forEach((k) => numbers((x as Record<string, unknown>)[k], out));
  return out;
}

describe('prototype names as ids', () => {
  const reference = evaluate(example);
  it('the example evaluates', () => expect(reference.ok).toBe(true));
  for (const name of NAMES) {
    for (const [kind, input] of [
      ['target aws', renameTarget('aws', name)],
      ['target gcp', renameTarget('gcp', name)],
      ['variant fp32 (the baseline)', renameVariant('fp32', name)],
      ['variant int8', renameVariant('int8', name)],
    ] as const) {
      it(`${kind} named "${name}"`, () => {
        const r = evaluate(input);
        if (RESERVED_NAMES.has(name)) {
          // A schema validator drops these keys from records, so they are refused as ids, at the field.
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.errors.map((e) => e.message).join('; ')).toContain(`"${name}" is a reserved name`);
          return;
        }
        expect(r.ok, r.ok ? '' : JSON.stringify(r.errors)).toBe(true);
        if (!r.ok || !reference.ok) return;
        expect(JSON.stringify(r.result)).not.toMatch(/NaN/);
        expect(numbers(r.result)).toEqual(numbers(reference.result));
      });
    }
  }
});
