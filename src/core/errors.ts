/**
 * Errors the core raises for bad input. Every one carries a stable `code` (for the UI and the CLI's
 * exit paths) and a message written for the user: what is wrong, and where possible what to do.
 */
export type ErrorCode =
  | 'not-onnx'
  | 'truncated'
  | 'invalid-model'
  | 'invalid-graph'
  | 'too-large'
  | 'missing-external-data'
  | 'unsupported-format'
  | 'bad-input'
  | 'aborted';

export class ParetoError extends Error {
  override readonly name = 'ParetoError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
  }
}

export function isParetoError(e: unknown): e is ParetoError {
  return e instanceof Error && (e as { name?: string }).name === 'ParetoError' && 'code' in e;
}

/** Plain-object form, for posting across a worker boundary and printing as JSON. */
export interface ErrorInfo {
  code: ErrorCode | 'internal';
  message: string;
  details?: string[];
}

export function toErrorInfo(e: unknown): ErrorInfo {
  if (isParetoError(e)) return { code: e.code, message: e.message, details: e.details };
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return { code: 'internal', message: String(e) };
}

