import { expect } from 'vitest';

type Numbers = ArrayLike<number> | ArrayLike<bigint>;

/**
 * Expects two arrays (typed or not, e.g. a model's bytes) to hold the same elements. Compares in a plain loop, which is
 * ~100× cheaper than `expect(got).toEqual(want)` on large typed arrays (its deep equality visits every element through
 * generic iteration); only on a mismatch does it hand the arrays to `toEqual`, whose diff says where they differ.
 */
export function expectSame(got: Numbers, want: Numbers, what?: string): void {
  let ok = got.length === want.length;
  for (let i = 0; ok && i < got.length; i++) ok = Object.is(got[i], want[i]); // as toEqual: NaN equals NaN, 0 is not -0
  if (!ok) expect(Array.from(got as ArrayLike<number>), what).toEqual(Array.from(want as ArrayLike<number>));
}
