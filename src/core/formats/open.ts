import { ParetoError } from '../errors';
import { summarize, type ModelSummary } from '../inspect/summary';
import { readOnnx, type OnnxModel } from './onnx/read';
import { normaliseLocation } from './onnx/tensor';
import { baseName, pickModelFile } from './files';

export { pickModelFile };

/** A file the user gave us: a name (or relative path) and its bytes. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export interface OpenedModel {
  fileName: string;
  /** The model file's bytes as read (the model's tensors view them). */
  bytes: Uint8Array;
  model: OnnxModel;
  summary: ModelSummary;
}

/**
 * Open a model from the files the user dropped: the .onnx plus any external data files, matched by relative
 * path, else by file name. `loadExternal` lets the CLI read data files from disk instead.
 */
export function openModelFiles(
  files: readonly InputFile[],
  loadExternal?: (location: string) => Uint8Array | undefined,
): OpenedModel {
  const main = files[pickModelFile(files)];
  const others = files.filter((f) => f !== main);
  const byPath = new Map(others.map((f) => [normaliseLocation(f.name), f.bytes]));
  const byBase = new Map(others.map((f) => [baseName(f.name), f.bytes]));
  // Locations are relative to the model's folder: a dropped folder gives "export/model.onnx", "export/weights/w.bin".
  const dir = main.name.replace(/\\/g, '/').split('/').slice(0, -1).join('/');
  const model = readOnnx(main.bytes, {
    fileName: main.name,
    loadExternal: (loc) =>
      (dir ? byPath.get(normaliseLocation(`${dir}/${loc}`)) : undefined) ??
      byPath.get(loc) ??
      byBase.get(baseName(loc)) ??
      loadExternal?.(loc),
  });
  return { fileName: main.name, bytes: main.bytes, model, summary: summarize(model, baseName(main.name)) };
}
