import { describe, expect, it } from 'vitest';
import { openIdb, storageError } from './idb';

describe('storage errors are named, never swallowed', () => {
  it('a full quota says so in words; other errors keep the browser\'s name and message', () => {
    const q = storageError(new DOMException('Quota exceeded.', 'QuotaExceededError'), 'saving the workspace');
    expect(q.code).toBe('QuotaExceededError');
    expect(q.message).toBe("saving the workspace: the browser's storage for this site is full (Quota exceeded.)");
    const other = storageError(new DOMException('The database connection is closing.', 'InvalidStateError'), 'reading x');
    expect(other.message).toBe('reading x: InvalidStateError: The database connection is closing.');
  });

  it('without IndexedDB (Node here, some private modes), opening refuses with a sentence', async () => {
    await expect(openIdb('x')).rejects.toThrow('this browser offers no IndexedDB: the workspace cannot be kept');
  });
});
