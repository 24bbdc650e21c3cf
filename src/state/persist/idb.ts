/**
 * A small typed IndexedDB wrapper (no dependency): one database, named object stores with out-of-line string keys.
 * Values are structured clones: Blobs and Files are stored as blobs (the browser copies their bytes off the main
 * thread), ArrayBuffers as bytes. Every failure (quota, a closed database, private mode) rejects with the browser's
 * own error, named, so callers can show it.
 */

export type StoreName = 'meta' | 'blobs';

export interface Idb {
  get<T>(store: StoreName, key: string): Promise<T | undefined>;
  getAll<T>(store: StoreName): Promise<{ key: string; value: T }[]>;
  /** Puts and deletes in one transaction: all or nothing. */
  write(ops: { store: StoreName; key: string; value?: unknown; del?: boolean }[]): Promise<void>;
  clear(): Promise<void>;
  close(): void;
}

export class StorageError extends Error {
  constructor(
    message: string,
    /** The DOMException's name ("QuotaExceededError", "InvalidStateError"...). */
    readonly code: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

const STORES: StoreName[] = ['meta', 'blobs'];

/** The browser's error as a StorageError that says what was being done; a full quota says so in words. */
export function storageError(e: unknown, what: string): StorageError {
  const name = e instanceof DOMException || e instanceof Error ? e.name : 'Error';
  const msg = e instanceof Error ? e.message : String(e);
  if (name === 'QuotaExceededError') return new StorageError(`${what}: the browser's storage for this site is full (${msg || name})`, name);
  return new StorageError(`${what}: ${name}${msg ? `: ${msg}` : ''}`, name);
}

const done = <T>(req: IDBRequest<T>, what: string) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storageError(req.error, what));
  });

export function openIdb(name: string, version = 1): Promise<Idb> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new StorageError('this browser offers no IndexedDB: the workspace cannot be kept', 'NoIndexedDB'));
  return new Promise<Idb>((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open(name, version);
    } catch (e) {
      reject(storageError(e, 'opening the workspace storage'));
      return;
    }
    req.onupgradeneeded = () => {
      for (const s of STORES) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s);
    };
    req.onerror = () => reject(storageError(req.error, 'opening the workspace storage'));
    req.onblocked = () => reject(new StorageError('the workspace storage is blocked by another tab of the studio: close it and reload', 'Blocked'));
    req.onsuccess = () => resolve(api(req.result));
  });
}

function api(db: IDBDatabase): Idb {
  const tx = (stores: StoreName[], mode: IDBTransactionMode) => db.transaction(stores, mode);
  return {
    get: <T>(store: StoreName, key: string) => done(tx([store], 'readonly').objectStore(store).get(key), `reading ${key}`) as Promise<T | undefined>,
    async getAll<T>(store: StoreName) {
      const os = tx([store], 'readonly').objectStore(store);
      const [keys, values] = await Promise.all([done(os.getAllKeys(), `listing ${store}`), done(os.getAll(), `reading ${store}`)]);
      return keys.map((key, i) => ({ key: String(key), value: values[i] as T }));
    },
    write(ops) {
      if (ops.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let t: IDBTransaction;
        try {
          t = tx([...new Set(ops.map((o) => o.store))], 'readwrite');
          for (const o of ops) {
            const os = t.objectStore(o.store);
            if (o.del) os.delete(o.key);
            else os.put(o.value, o.key);
          }
        } catch (e) {
          reject(storageError(e, 'saving the workspace'));
          return;
        }
        t.oncomplete = () => resolve();
        t.onabort = () => reject(storageError(t.error, 'saving the workspace'));
        t.onerror = () => undefined; // onabort follows with the transaction's error
      });
    },
    clear() {
      return new Promise<void>((resolve, reject) => {
        const t = tx(STORES, 'readwrite');
        for (const s of STORES) t.objectStore(s).clear();
        t.oncomplete = () => resolve();
        t.onabort = () => reject(storageError(t.error, 'clearing the workspace'));
      });
    },
    close: () => db.close(),
  };
}
