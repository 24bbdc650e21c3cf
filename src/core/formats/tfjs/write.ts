/**
 * Writing a model read from TF.js (read.ts) back as TF.js: the original model.json (kept in the model's metadata)
 * with a weights manifest made from the model's weight tensors as they are now (pruned, quantized), and the weights
 * in shards of at most 4 MiB, as tfjs-converter writes them. `tfjsArtifacts` gives the same as TF.js's in-memory
 * ModelArtifacts (for tf.io.fromMemory), which the TF.js runtime loads.
 */
import { ParetoError } from '../../errors';
import type { ModelProto } from '../onnx/proto';
import { TFJS_KIND_KEY, TFJS_MODEL_KEY } from './read';
import { manifestEntry, storedBytes, type ManifestEntry } from './weights';

export const SHARD_BYTES = 4 * 1024 * 1024;

export interface TfjsFiles {
  /** model.json's text. */
  modelJson: string;
  /** Shard files, named as the manifest names them (relative to model.json). */
  shards: { path: string; bytes: Uint8Array }[];
}

export interface TfjsArtifacts {
  kind: 'layers' | 'graph';
  /** model.json's fields (modelTopology, format, generatedBy, ...), without the weights manifest. */
  json: Record<string, unknown>;
  weightSpecs: ManifestEntry[];
  /** All weights, one after another. */
  weightData: Uint8Array;
}

const meta = (proto: ModelProto, key: string) => proto.metadataProps.find((m) => m.key === key)?.value;

/** The TF.js parts of a model read from TF.js; a model from another format is refused (it has no TF.js topology). */
export function tfjsArtifacts(proto: ModelProto): TfjsArtifacts {
  const text = meta(proto, TFJS_MODEL_KEY);
  const kind = meta(proto, TFJS_KIND_KEY);
  if (!text || (kind !== 'layers' && kind !== 'graph')) {
    throw new ParetoError('bad-input', 'This model was not read from TF.js, so it cannot be written as TF.js (model.json + shards).');
  }
  const json = JSON.parse(text) as Record<string, unknown>;
  const tensors = proto.graph?.initializer ?? [];
  const weightSpecs = tensors.map(manifestEntry);
  const parts = tensors.map(storedBytes);
  const weightData = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    weightData.set(p, off);
    off += p.length;
  }
  return { kind, json, weightSpecs, weightData };
}

/** model.json and its shards ("group1-shard1of2.bin", ...), as tfjs-converter names them. */
export function writeTfjs(proto: ModelProto, shardBytes = SHARD_BYTES): TfjsFiles {
  const a = tfjsArtifacts(proto);
  const count = Math.max(1, Math.ceil(a.weightData.length / shardBytes));
  const shards = Array.from({ length: count }, (_, i) => ({
    path: `group1-shard${i + 1}of${count}.bin`,
    bytes: a.weightData.subarray(i * shardBytes, Math.min(a.weightData.length, (i + 1) * shardBytes)),
  }));
  const modelJson = JSON.stringify({ ...a.json, weightsManifest: [{ paths: shards.map((s) => s.path), weights: a.weightSpecs }] });
  return { modelJson, shards };
}
