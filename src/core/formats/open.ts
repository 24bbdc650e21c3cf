import { ParetoError } from '../errors';
import { summarize, type ModelSummary } from '../inspect/summary';
import { readOnnx, type OnnxModel } from './onnx/read';
import { normaliseLocation } from './onnx/tensor';

/** A file the user gave us: a name (or relative path) and its bytes. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export interface OpenedModel {
  fileName: string;
  model: OnnxModel;
  summary: ModelSummary;
}

const baseName = (p: string) => p.replace(/\\/g, '/').split('/').pop() ?? p;

/** Which of several dropped files is the model; the rest are its external data. */
export function pickModelFile(files: readonly { name: string }[]): number {
  if (files.length === 0) throw new ParetoError('bad-input', 'No file was given.');
  const onnx = files.map((f, i) => [f, i] as const).filter(([f]) => /\.onnx$/i.test(f.name));
  if (onnx.length > 1) {
    throw new ParetoError(
      'bad-input',
      `Open one model at a time: got ${onnx.map(([f]) => f.name).join(', ')}. ` +
        'Drop a single .onnx file, together with its external data files if it has any.',
    );
  }
  if (onnx.length === 1) return onnx[0][1];
  if (files.length === 1) return 0; // no extension: let the reader sniff it and say what it is
  throw new ParetoError(
    'bad-input',
    `None of the ${files.length} files (${files.map((f) => f.name).join(', ')}) is an .onnx model.`,
  );
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
  const model = readOnnx(main.bytes, {
    fileName: main.name,
    loadExternal: (loc) => byPath.get(loc) ?? byBase.get(baseName(loc)) ?? loadExternal?.(loc),
  });
  return { fileName: main.name, model, summary: summarize(model, baseName(main.name)) };
}
