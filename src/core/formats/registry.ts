/**
 * The model formats core reads, behind one interface: a format claims files by name, recognises its bytes, and reads
 * a model (with its companion files: external data, weight shards). open.ts picks the format; a second format (TF.js
 * layers models) is a new folder beside ./onnx with its own descriptor, listed once in FORMATS below.
 *
 * Every format reads into the one in-memory model the rest of core works on (OnnxModel: an ONNX ModelProto and its
 * external data), so inspect, the transforms and the runtimes need no change for a new format.
 */
import { onnxFormat } from './onnx/format';
import { tfjsFormat } from './tfjs/format';
import type { InputFile, ModelFormat } from './types';

export type { InputFile, ModelFormat };

/** Every format, the default (the one that explains a file nothing recognises) first. */
export const FORMATS: readonly ModelFormat[] = [onnxFormat, tfjsFormat];

/** The format of a file: the one that claims its name, else the one that recognises its bytes, else the default. */
export function formatOf(file: InputFile): ModelFormat {
  return FORMATS.find((f) => f.claims(file.name)) ?? FORMATS.find((f) => f.sniff(file.bytes, file.name)) ?? FORMATS[0];
}

/** Whether any format claims this file name as a model file. */
export const isModelFileName = (name: string) => FORMATS.some((f) => f.claims(name));
