/**
 * Echoing user-chosen values (file, member, column and tensor names, cells, header text) in messages. A value
 * from a file can be megabytes long or hold control characters (terminal escapes), so every echoed value goes
 * through `quote`: JSON-quoted (control characters escaped), cut to `max` characters with an ellipsis and the
 * original length when longer. A message stays readable whatever the input.
 */

/** Default number of characters of a value shown in a message. */
export const QUOTE_MAX = 80;

/**
 * `"abc"` for short values; `"abcd…" (440123 characters)` for long ones. The quoted text (escapes included) takes
 * at most `max` + 2 characters, never splitting a character or an escape.
 */
export function quote(value: string, max = QUOTE_MAX): string {
  if (value.length <= max) {
    const q = JSON.stringify(value);
    if (q.length <= max + 2) return q;
  }
  let shown = '';
  for (const ch of value) {
    const e = JSON.stringify(ch).slice(1, -1);
    if (shown.length + e.length > max - 1) break;
    shown += e;
  }
  return `"${shown}…" (${value.length} characters)`;
}

/** Up to `maxItems` quoted values joined by ", ", then "… and N more"; each cut to `max` characters. */
export function quoteList(values: readonly string[], options: { maxItems?: number; max?: number } = {}): string {
  const maxItems = options.maxItems ?? 8;
  const max = options.max ?? 40;
  const shown = values.slice(0, maxItems).map((v) => quote(v, max));
  return values.length > maxItems ? `${shown.join(', ')}, … and ${values.length - maxItems} more` : shown.join(', ');
}
