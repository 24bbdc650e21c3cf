import { baseName, pickModelFile } from './files';
import type { ExternalRange, OnnxModel } from './onnx/read';
import { normaliseLocation } from './onnx/tensor';
import { formatOf, type InputFile } from './registry';

export { pickModelFile };
export type { InputFile };

/** A model read from the user's files, before any inspection (core/model adds the summary). */
export interface ReadModel {
  fileName: string;
  /** The model file's bytes as read (the model's tensors view them). */
  bytes: Uint8Array;
  /** Which format read it (formats/registry.ts). */
  format: string;
  model: OnnxModel;
}

/**
 * Read a model from the files the user dropped: the model file plus any companion files (external data), matched by
 * relative path, else by file name. The format is sniffed (registry.ts), then opens the file. `loadExternal` lets the
 * CLI read companion files from disk instead.
 */
export function readModelFiles(
  files: readonly InputFile[],
  loadExternal?: (location: string, tensor: string, ranges: readonly ExternalRange[]) => Uint8Array | undefined,
): ReadModel {
  const main = files[pickModelFile(files)];
  const others = files.filter((f) => f !== main);
  const byPath = new Map(others.map((f) => [normaliseLocation(f.name), f.bytes]));
  const byBase = new Map(others.map((f) => [baseName(f.name), f.bytes]));
  // Locations are relative to the model's folder: a dropped folder gives "export/model.onnx", "export/weights/w.bin".
  const dir = main.name.replace(/\\/g, '/').split('/').slice(0, -1).join('/');
  const format = formatOf(main);
  const model = format.read(
    main,
    (loc, tensor, ranges) =>
      (dir ? byPath.get(normaliseLocation(`${dir}/${loc}`)) : undefined) ??
      byPath.get(loc) ??
      byBase.get(baseName(loc)) ??
      loadExternal?.(loc, tensor, ranges),
  );
  return { fileName: main.name, bytes: main.bytes, format: format.id, model };
}
