/** What a model format is to core (see registry.ts). */
import type { ExternalRange, OnnxModel } from './onnx/read';

/** A file the user gave us: a name (or relative path) and its bytes. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export interface ModelFormat {
  /** e.g. 'onnx' */
  id: string;
  /** For messages: 'an .onnx model'. */
  description: string;
  /** Whether a file name is this format's model file (by extension). */
  claims(fileName: string): boolean;
  /** Whether the bytes look like this format (a cheap check of the first bytes). */
  sniff(bytes: Uint8Array, fileName: string): boolean;
  /**
   * Reads the model; `companion` returns a file the model names (by its normalised location relative to the model;
   * `tensor`: the first tensor that names it, for messages; `ranges`: the bytes its tensors read), if given.
   */
  read(main: InputFile, companion: (location: string, tensor: string, ranges: readonly ExternalRange[]) => Uint8Array | undefined): OnnxModel;
}
