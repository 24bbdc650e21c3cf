/** A new id `<prefix><n>` not used by any of `taken` (a restored workspace already holds m1, v1, b1...). */
export function unusedId(prefix: string, next: () => number, taken: readonly { id: string }[]): string {
  for (;;) {
    const id = `${prefix}${next()}`;
    if (!taken.some((t) => t.id === id)) return id;
  }
}
