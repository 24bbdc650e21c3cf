import type { OnnxModel } from './onnx/read';
import { selfContainedBytes } from './onnx/self-contained';
import { writeOnnx } from './onnx/write';
import { isTfjsModel } from './tfjs/read';

/**
 * The bytes a runtime loads for a model: the .onnx with its external data inlined; for a TF.js model (read from its
 * model.json, or a variant of one) core's serialised model, which the TF.js runtime adapters unpack into TF.js's
 * topology and weights (src/runtimes/tfjs-common.ts).
 */
export function runnableBytes(model: OnnxModel, fileBytes: Uint8Array): Uint8Array {
  return isTfjsModel(model.proto) ? writeOnnx(model.proto) : selfContainedBytes(model, fileBytes);
}

/** The runtime backend for a model: TF.js models run on TF.js's backend of that name ('tfjs-wasm', 'tfjs-webgl', ...). */
export const backendFor = <B extends string>(model: OnnxModel, backend: B): B | `tfjs-${B}` => (isTfjsModel(model.proto) ? `tfjs-${backend}` : backend);
