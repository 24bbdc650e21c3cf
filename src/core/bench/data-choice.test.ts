import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseData, sampleDatasetFiles } from './data-choice';

const SAMPLES = resolve(__dirname, '../../../public/samples');
const manifest = JSON.parse(readFileSync(resolve(SAMPLES, 'manifest.json'), 'utf8'));

describe('sampleDatasetFiles', () => {
  it('points the sample models at the test split', () => {
    expect(sampleDatasetFiles(manifest, { id: 'mnist-cnn' })).toEqual({ x: 'mnist-test-x.npy', y: 'mnist-test-y.npy' });
    expect(sampleDatasetFiles(manifest, { file: 'mnist-mlp.onnx' })).toEqual({ x: 'mnist-test-x.npy', y: 'mnist-test-y.npy' });
    expect(sampleDatasetFiles(manifest, { file: 'other.onnx' })).toBeNull();
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
