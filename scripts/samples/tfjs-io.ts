import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * TF.js layers-model files (model.json + one weight shard) without tfjs-node: save through a custom save
 * handler, load with tf.io.fromMemory from the files read with fs.
 */

export const SHARD = 'group1-shard1of1.bin';

export interface SavedTfjs {
  modelJson: string;
  weights: Uint8Array;
}

export async function saveTfjs(model: tf.LayersModel, dir: string): Promise<SavedTfjs> {
  let saved: SavedTfjs | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData
        ? tf.io.CompositeArrayBuffer.join(artifacts.weightData)
        : new ArrayBuffer(0);
      // The layout of tfjs-node's file:// save (and tf.io's getModelJSONForModelArtifacts, not exported).
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [SHARD], weights: artifacts.weightSpecs ?? [] }],
      } as tf.io.ModelJSON;
      saved = { modelJson: JSON.stringify(json), weights: new Uint8Array(weightData) };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!saved) throw new Error('tfjs save handler was not called');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.json'), saved.modelJson);
  await writeFile(path.join(dir, SHARD), saved.weights);
  return saved;
}

export async function loadTfjs(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(await readFile(path.join(dir, p)));
  }
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    weightData.set(b, off);
    off += b.length;
  }
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: weightData.buffer }),
  );
}
