/**
 * Opening a model for the shells: read it (formats/open.ts: sniff the format, then read) and summarise it
 * (inspect/summary.ts). Formats know nothing of inspection; this layer joins the two.
 */
import { readModelFiles, type InputFile, type ReadModel } from '../formats/open';
import { baseName } from '../formats/files';
import type { ExternalRange } from '../formats/onnx/read';
import { summarize, type ModelSummary } from '../inspect/summary';

export type { InputFile };

export interface OpenedModel extends ReadModel {
  summary: ModelSummary;
}

/** Read and summarise a model from the user's files (see readModelFiles). */
export function openModelFiles(
  files: readonly InputFile[],
  loadExternal?: (location: string, tensor: string, ranges: readonly ExternalRange[]) => Uint8Array | undefined,
): OpenedModel {
  const read = readModelFiles(files, loadExternal);
  return { ...read, summary: summarize(read.model, baseName(read.fileName)) };
}
