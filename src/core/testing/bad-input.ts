import { isParetoError } from '../errors';

/** The message of the 'bad-input' ParetoError that `f` throws; throws itself when `f` throws nothing or another error. */
export function badInputMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isParetoError(e) && e.code === 'bad-input') return e.message;
    throw new Error(`expected a bad-input error, got: ${e instanceof Error ? e.message : String(e)}`);
  }
  throw new Error('expected an error');
}
