import { fromBinary } from '@bufbuild/protobuf';
import { strToU8, zipSync } from 'fflate';
import { ModelProtoSchema } from '../onnx/proto';
import { writeTfjs } from './write';

/**
 * A TF.js variant (core's serialised model) as a zip of model.json and its shards, side by side at the top level, as
 * tf.loadLayersModel / tf.loadGraphModel load them once unpacked. Stored, not deflated: the weights barely compress.
 */
export function tfjsZip(serialised: Uint8Array): Uint8Array {
  const files = writeTfjs(fromBinary(ModelProtoSchema, serialised));
  return zipSync({ 'model.json': strToU8(files.modelJson), ...Object.fromEntries(files.shards.map((s) => [s.path, s.bytes])) }, { level: 0 });
}
