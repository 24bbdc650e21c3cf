import { describe, expect, it } from 'vitest';
import { savingText } from './format';

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
