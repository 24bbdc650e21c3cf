import { describe, expect, it } from 'vitest';
import { tradeoffOf } from '../../core/cost/test-bench-runs';
import { hasSpread, money, rangeText, savingText } from './format';

describe('savingText', () => {
  it('says how much cheaper or dearer, in percent and per month', () => {
    expect(savingText({ monthly: 520.1, fraction: 0.377 })).toBe('saves 37.7% ($520.10/month)');
    expect(savingText({ monthly: -12, fraction: -0.05 })).toBe('costs 5.0% more ($12.00/month)');
    expect(savingText({ monthly: 3, fraction: null })).toBe('saves ($3.00/month)');
  });

  it('never says "0.0%": a difference that rounds to zero is about the same cost, either way', () => {
    expect(savingText({ monthly: 0.887, fraction: 0.0007 })).toBe('saves 0.1% ($0.887/month)');
    expect(savingText({ monthly: 0.5, fraction: 0.0004 })).toBe('about the same cost ($0.5/month less)');
    expect(savingText({ monthly: -0.5, fraction: -0.0004 })).toBe('about the same cost ($0.5/month more)');
    expect(savingText({ monthly: 0.004, fraction: 0.000001 })).toBe('about the same cost (within a cent a month)');
    expect(savingText({ monthly: -0.004, fraction: -0.000001 })).toBe('about the same cost (within a cent a month)');
    for (const monthly of [-0.6, -0.01, 0.01, 0.6]) expect(savingText({ monthly, fraction: monthly / 10000 })).not.toMatch(/0\.0%/);
  });

  it('shows "–" when there is nothing to compare', () => {
    expect(savingText(null)).toBe('–');
    expect(savingText({ monthly: Number.NaN, fraction: null })).toBe('–');
  });
});

describe('savings from noisy benchmarks (20 runs each, as the harness reports them)', () => {
  it('medians differing by less than their CIs: "no measurable difference" with both ranges, never a percentage', () => {
    const { variant } = tradeoffOf(2.1);
    const text = savingText(variant.savings);
    const d = variant.savings!.difference;
    expect(text).toBe(`no measurable difference (${rangeText(d.variant)} against ${rangeText(d.baseline)}/month)`);
    expect(text).toMatch(/^no measurable difference \(\$[\d,.]+–\$[\d,.]+ against \$[\d,.]+–\$[\d,.]+\/month\)$/);
    expect(text).not.toMatch(/%/);
    expect(hasSpread(variant.range)).toBe(true);
  });

  it('clearly different medians: the saving, as before', () => {
    const { variant } = tradeoffOf(1);
    expect(savingText(variant.savings)).toMatch(/^saves \d+\.\d% \(\$[\d,.]+\/month\)$/);
  });

  it('a range is shown as low–high, or as one figure when both ends print the same', () => {
    expect(rangeText({ low: 5863.7, high: 7297.1 })).toBe('$5,863.70–$7,297.10');
    expect(rangeText({ low: 12.001, high: 12.004 })).toBe('$12.00');
    expect(rangeText(null)).toBe('–');
    expect(hasSpread({ basis: 'none', monthly: { low: 1, high: 1 } })).toBe(false);
    expect(money(1)).toBe('$1.00');
  });
});
