import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseData, hashedSampleNames, sampleDatasetFiles, sampleOfFiles } from './data-choice';

const SAMPLES = resolve(__dirname, '../../../public/samples');
const manifest = JSON.parse(readFileSync(resolve(SAMPLES, 'manifest.json'), 'utf8'));

describe('sampleDatasetFiles', () => {
  it('points the sample models at the test split', () => {
    expect(sampleDatasetFiles(manifest, { id: 'mnist-cnn' })).toEqual({ x: 'mnist-test-x.npy', y: 'mnist-test-y.npy' });
    expect(sampleDatasetFiles(manifest, { file: 'mnist-mlp.onnx' })).toEqual({ x: 'mnist-test-x.npy', y: 'mnist-test-y.npy' });
    expect(sampleDatasetFiles(manifest, { file: 'other.onnx' })).toBeNull();
    // A sample's TF.js version, by its folder: the same split.
    expect(sampleDatasetFiles(manifest, { tfjs: 'mnist-cnn.tfjs' })).toEqual({ x: 'mnist-test-x.npy', y: 'mnist-test-y.npy' });
    expect(sampleDatasetFiles(manifest, { tfjs: 'other.tfjs' })).toBeNull();
  });
});

describe('sampleOfFiles: dropped files recognised as a sample by their SHA-256', () => {
  const file = (path: string) => ({ name: path.split('/').pop()!, sha256: createHash('sha256').update(readFileSync(resolve(SAMPLES, path))).digest('hex') });
  it("the TF.js folder's model.json and shard, or the .onnx, name their sample", () => {
    expect(sampleOfFiles(manifest, [file('mnist-cnn.tfjs/model.json'), file('mnist-cnn.tfjs/group1-shard1of1.bin')])).toEqual({ id: 'mnist-cnn' });
    expect(sampleOfFiles(manifest, [file('mnist-mlp.tfjs/group1-shard1of1.bin'), file('mnist-mlp.tfjs/model.json')])).toEqual({ id: 'mnist-mlp' });
    expect(sampleOfFiles(manifest, [file('mnist-cnn.onnx')])).toEqual({ id: 'mnist-cnn' });
    expect(hashedSampleNames(manifest)).toEqual(new Set(['mnist-mlp.onnx', 'mnist-cnn.onnx', 'model.json', 'group1-shard1of1.bin']));
  });
  it('a version matched in part, or a file with other bytes, is no sample', () => {
    expect(sampleOfFiles(manifest, [file('mnist-cnn.tfjs/model.json')])).toBeNull();
    // The CNN's model.json with the MLP's shard (same name, other bytes).
    expect(sampleOfFiles(manifest, [file('mnist-cnn.tfjs/model.json'), file('mnist-mlp.tfjs/group1-shard1of1.bin')])).toBeNull();
    expect(sampleOfFiles(manifest, [{ name: 'mnist-cnn.onnx', sha256: '0'.repeat(64) }])).toBeNull();
  });
});

describe('chooseData', () => {
  const split = sampleDatasetFiles(manifest, { file: 'mnist-cnn.onnx' });

  it('given data wins, with or without labels, over a sample split', () => {
    expect(chooseData({ inputs: 'x.npy', labels: 'y.npy' }, split)).toEqual({ source: 'given', inputs: 'x.npy', labels: 'y.npy' });
    expect(chooseData({ inputs: 'x.npy' }, split)).toEqual({ source: 'given', inputs: 'x.npy' });
  });

  it("a sample model without given data uses its test split; any other model, synthetic inputs", () => {
    expect(chooseData({}, split)).toEqual({ source: 'samples', inputs: 'mnist-test-x.npy', labels: 'mnist-test-y.npy' });
    expect(chooseData({}, sampleDatasetFiles(manifest, { file: 'mine.onnx' }))).toEqual({ source: 'synthetic' });
  });
});
