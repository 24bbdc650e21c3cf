import { describe, expect, it } from 'vitest';
import { isParetoError } from '../../errors';
import { DEFAULT_PRUNE_OPTIONS, parsePattern, prune, validatePruneOptions } from './index';

function badInput(options: unknown): string {
  try {
    validatePruneOptions(options);
  } catch (e) {
    expect(isParetoError(e)).toBe(true);
    expect((e as { code: string }).code).toBe('bad-input');
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(options)}`);
}

describe('validatePruneOptions', () => {
  it('fills in defaults and returns fresh objects', () => {
    const v = validatePruneOptions({});
    expect(v).toEqual({ ...DEFAULT_PRUNE_OPTIONS });
    expect(validatePruneOptions(undefined)).toEqual(v);
    v.skip.push('x');
    expect(DEFAULT_PRUNE_OPTIONS.skip).toEqual([]);
    expect(prune.defaults).toBe(DEFAULT_PRUNE_OPTIONS);
    expect(prune.validate).toBe(validatePruneOptions);
    const w = validatePruneOptions({ sparsity: 0.9, pattern: ' 2 : 4 ', scope: 'layer', overrides: { a: 0 }, skip: ['Conv'], opTypes: ['MatMul', 'MatMul'] });
    expect(w.pattern).toBe('2:4');
    expect(parsePattern(w.pattern)).toEqual({ n: 2, m: 4 });
    expect(parsePattern('unstructured')).toBeUndefined();
    expect(w.opTypes).toEqual(['MatMul']);
  });

  it('rejects sparsity outside [0, 1) with the value and a hint', () => {
    expect(badInput({ sparsity: 1.5 })).toBe(
      'sparsity must be a number in [0, 1) (the fraction of weights set to zero), got 1.5 (for 1.5% write 0.015).',
    );
    expect(badInput({ sparsity: 50 })).toMatch(/got 50 \(for 50% write 0\.5\)/);
    expect(badInput({ sparsity: 1 })).toMatch(/\[0, 1\).*got 1/);
    expect(badInput({ sparsity: -0.1 })).toMatch(/got -0\.1\./);
    expect(badInput({ sparsity: '0.5' })).toMatch(/got "0\.5"/);
    expect(badInput({ sparsity: Number.NaN })).toMatch(/got NaN/);
  });

  it('rejects unknown patterns and bad N:M', () => {
    expect(badInput({ pattern: 'block' })).toBe(`Unknown pruning pattern "block": use 'unstructured' or 'N:M' such as '2:4'.`);
    expect(badInput({ pattern: '4:4' })).toMatch(/Pattern 4:4: N must be smaller than M/);
    expect(badInput({ pattern: '5:4' })).toMatch(/N must be smaller than M/);
    expect(badInput({ pattern: '0:4' })).toMatch(/N must be at least 1/);
    expect(badInput({ pattern: '1:128' })).toMatch(/M can be at most 64/);
    expect(badInput({ pattern: 24 })).toMatch(/Unknown pruning pattern 24/);
  });

  it('rejects unknown scopes, op types, options and malformed lists', () => {
    expect(badInput({ scope: 'model' })).toBe(`Unknown scope "model": use 'global' or 'layer'.`);
    expect(badInput({ opTypes: ['Add'] })).toMatch(/"Add" is not an op type that can be pruned; choose from MatMul, Gemm, Conv, ConvTranspose/);
    expect(badInput({ sparsty: 0.5 })).toMatch(/Unknown pruning option "sparsty"; known: sparsity, pattern/);
    expect(badInput({ skip: 'conv1' })).toMatch(/skip must be a list of non-empty strings/);
    expect(badInput({ skip: [''] })).toMatch(/skip must be a list/);
    expect(badInput({ overrides: [] })).toMatch(/overrides must be an object/);
    expect(badInput({ overrides: { fc1: 2 } })).toMatch(/The override for node "fc1" must be a number in \[0, 1\).*got 2/);
    expect(badInput({ includeBias: 'yes' })).toMatch(/includeBias must be true or false/);
    expect(badInput({ compressedSize: 'fast' })).toMatch(/compressedSize must be/);
    expect(badInput('0.5')).toMatch(/must be an object/);
  });

  it('N:M fixes the sparsity: only 0 overrides are accepted', () => {
    expect(badInput({ pattern: '2:4', overrides: { fc1: 0.3 } })).toMatch(/fixes every layer's sparsity at 0\.5; use 0 to keep that node dense/);
    expect(validatePruneOptions({ pattern: '2:4', overrides: { fc1: 0 } }).overrides).toEqual({ fc1: 0 });
  });
});
