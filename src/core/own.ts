/**
 * Lookups keyed by names the user chose (target and variant ids, input names, archive members): never through an
 * object's prototype. `own(record, "constructor")` is undefined unless the record itself has that key, where
 * `record["constructor"]` would be Object's constructor function.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined | null, key: string): T | undefined {
  return record != null && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** An empty record with no prototype: assigning `__proto__` or `constructor` to it stores data like any other key. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Names a schema validator drops from records (valibot skips them for safety), so they cannot serve as ids. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);
