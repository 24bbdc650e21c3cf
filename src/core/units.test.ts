import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatMs, formatNumber, formatPercent, formatSeconds } from './units';

describe('units: the one number formatter of the CLI and the UI', () => {
  it('sizes, counts and percentages', () => {
    expect(formatBytes(426_000)).toBe('426 KB');
    expect(formatBytes(1_234_567)).toBe('1.23 MB');
    expect(formatCount(105_866)).toBe('106k');
    expect(formatPercent(0.377)).toBe('37.7%');
  });

  it('milliseconds and seconds keep 3 significant digits', () => {
    expect([formatMs(123.4), formatMs(12.34), formatMs(1.234), formatMs(0.01234)]).toEqual(['123', '12.3', '1.23', '0.0123']);
    expect([formatSeconds(1250), formatSeconds(12_345)]).toEqual(['1.25 s', '12.3 s']);
  });

  it('plain numbers switch to exponent form outside [0.001, 1000)', () => {
    expect([formatNumber(0), formatNumber(3.14159), formatNumber(12345), formatNumber(0.0001234)]).toEqual(['0', '3.142', '1.235e+4', '1.234e-4']);
  });

  it('never prints NaN or Infinity', () => {
    for (const f of [formatBytes, formatCount, formatPercent, formatMs, formatNumber, formatSeconds]) {
      expect(f(Number.NaN)).toBe('–');
      expect(f(Infinity)).toBe('–');
    }
    expect(formatMs(null)).toBe('–');
    expect(formatNumber('x')).toBe('–');
  });
});
