import type { ErrorInfo } from '../core/errors';
import type { ModelSummary } from '../core/inspect/summary';

/**
 * Messages between the page and the model worker. Files travel as File/Blob handles (the browser shares
 * their bytes; nothing is cloned); ArrayBuffers are transferred, never copied.
 */
export type OpenSource =
  | { kind: 'files'; files: File[] }
  | { kind: 'url'; url: string; name: string }
  | { kind: 'buffers'; files: { name: string; buffer: ArrayBuffer }[] };

export type OpenResult =
  | { ok: true; summary: ModelSummary; parseMs: number; readMs: number }
  | { ok: false; error: ErrorInfo };

export interface ModelWorkerApi {
  open(source: OpenSource): Promise<OpenResult>;
}
