import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quote, quoteList, QUOTE_MAX } from './text';

describe('quote', () => {
  it('quotes short values as JSON and cuts long ones with an ellipsis and the length', () => {
    expect(quote('abc')).toBe('"abc"');
    expect(quote('a"b')).toBe('"a\\"b"');
    expect(quote('x'.repeat(QUOTE_MAX))).toBe(`"${'x'.repeat(80)}"`);
    expect(quote('x'.repeat(440_000))).toBe(`"${'x'.repeat(79)}…" (440000 characters)`);
    expect(quote('abcdef', 4)).toBe('"abc…" (6 characters)');
  });
  it('escapes control characters and counts the escapes against the length', () => {
    expect(quote('\u001b[2J')).toBe('"\\u001b[2J"');
    expect(quote('\u0007'.repeat(80))).toBe(`"${'\\u0007'.repeat(13)}…" (80 characters)`);
  });
  it('never splits a surrogate pair', () => {
    expect(quote('😀'.repeat(10), 4)).toBe('"😀…" (20 characters)');
  });
  it('stays within max + 2 characters of quoted text plus the length note (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: 1, max: 120 }), (s, max) => {
        const q = quote(s, max);
        expect(q.length).toBeLessThanOrEqual(max + 2 + ` (${s.length} characters)`.length);
        if (q === JSON.stringify(s)) return;
        expect(q).toMatch(/…" \(\d+ characters\)$/);
      }),
    );
  });
});

describe('quoteList', () => {
  it('shows the first items, cut, and counts the rest', () => {
    expect(quoteList(['a', 'b'])).toBe('"a", "b"');
    expect(quoteList(Array.from({ length: 10 }, (_, i) => `c${i}`), { maxItems: 3 })).toBe('"c0", "c1", "c2", … and 7 more');
    expect(quoteList(['y'.repeat(100)])).toBe(`"${'y'.repeat(39)}…" (100 characters)`);
  });
});
