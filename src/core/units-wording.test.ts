import { describe, expect, it } from 'vitest';
import { count, sizeChange } from './units';

describe('count', () => {
  it('says 1 core and 2 cores, with irregular plurals', () => {
    expect(count(1, 'core')).toBe('1 core');
    expect(count(2, 'core')).toBe('2 cores');
    expect(count(0, 'core')).toBe('0 cores');
    expect(count(1, 'branch', 'branches')).toBe('1 branch');
    expect(count(3, 'branch', 'branches')).toBe('3 branches');
    expect(count(12345, 'node')).toBe('12,345 nodes');
  });
});

describe('sizeChange', () => {
  it('never says "1.00× smaller": equal sizes are the same size', () => {
    expect(sizeChange(426_000, 426_000)).toBe('same size');
    expect(sizeChange(426_000, 426_900)).toBe('same size'); // +0.2%
    expect(sizeChange(426_000, 425_000)).toBe('same size');
  });
  it('big reductions as a factor, small ones as a percentage', () => {
    expect(sizeChange(426_000, 107_000)).toBe('4.0× smaller');
    expect(sizeChange(1_000_000, 50_000)).toBe('20× smaller');
    expect(sizeChange(1000, 920)).toBe('8% smaller');
    expect(sizeChange(1000, 600)).toBe('40% smaller');
    expect(sizeChange(1000, 500)).toBe('2.0× smaller');
  });
  it('growth as a percentage, or a factor from 2× up', () => {
    expect(sizeChange(1000, 1030)).toBe('3% larger');
    expect(sizeChange(1000, 2100)).toBe('2.1× larger');
  });
  it('is empty when a size is unknown', () => {
    expect(sizeChange(0, 10)).toBe('');
    expect(sizeChange(10, 0)).toBe('');
    expect(sizeChange(Number.NaN, 10)).toBe('');
  });
});
