import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy, type NpyArray } from '../data/npy';
import type { TensorSignature } from '../inspect/summary';
import { badInputMessage } from '../testing/bad-input';
import type { ModelIO } from './dataset';
import { datasetFromArrays, datasetFromNpy } from './dataset-files';
import { matchChannelLayout } from './layout';

const SAMPLES = resolve(__dirname, '../../../public/samples');
const sig = (name: string, shape: TensorSignature['shape']): TensorSignature => ({ name, dtype: 'float32', shape });
const io = (shape: TensorSignature['shape']): ModelIO => ({ inputs: [sig('input', shape)], outputs: [sig('probabilities', ['batch', 10])] });
const counting = (shape: number[]): NpyArray => ({ dtype: 'float32', shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i) });

describe('data in the other channel layout', () => {
  it('transposes NCHW RGB items to an NHWC input exactly, value by value, and back', () => {
    // [2, 3, 4, 5]: the value at (n, c, h, w) is n·60 + c·20 + h·5 + w.
    const m = matchChannelLayout(counting([2, 3, 4, 5]), sig('image', ['batch', 4, 5, 3]))!;
    expect(m.from).toBe('NCHW');
    expect(m.array.shape).toEqual([2, 4, 5, 3]);
    const out = m.array.data as Float32Array;
    for (let n = 0; n < 2; n++)
      for (let h = 0; h < 4; h++)
        for (let w = 0; w < 5; w++) for (let c = 0; c < 3; c++) expect(out[((n * 4 + h) * 5 + w) * 3 + c]).toBe(n * 60 + c * 20 + h * 5 + w);
    // The first pixel's three channels, then the next pixel's: written out.
    expect([...out.slice(0, 6)]).toEqual([0, 20, 40, 1, 21, 41]);
    expect([...out.slice(60, 63)]).toEqual([60, 80, 100]);
    expect(m.note).toBe(`data NCHW [2, 3, 4, 5] transposed to the model's NHWC [2, 4, 5, 3] (input "image")`);
    // NHWC data for an NCHW input: the reverse, which gives the counting array back.
    const back = matchChannelLayout(m.array, sig('image', [null, 3, 4, 5]))!;
    expect(back.from).toBe('NHWC');
    expect(back.array.shape).toEqual([2, 3, 4, 5]);
    expect([...(back.array.data as Float32Array)]).toEqual([...(counting([2, 3, 4, 5]).data as Float32Array)]);
  });

  it("feeds the samples' NCHW MNIST test split to an NHWC model (the TF.js sample), the same bytes, with a note", () => {
    const bytes = readFileSync(resolve(SAMPLES, 'mnist-test-x.npy'));
    const ds = datasetFromNpy(io(['batch', 28, 28, 1]), { bytes, fileName: 'mnist-test-x.npy' }, { bytes: readFileSync(resolve(SAMPLES, 'mnist-test-y.npy')), fileName: 'mnist-test-y.npy' });
    expect(ds.count).toBe(2000);
    expect(ds.inputs.input.dims).toEqual([2000, 28, 28, 1]);
    expect(ds.task).toBe('classification');
    const x = readNpy(bytes);
    expect(x.shape).toEqual([2000, 1, 28, 28]);
    const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(ds.inputs.input.data.length).toBe(2000 * 784);
    expect(bytesOf(ds.inputs.input.data).equals(bytesOf(x.data))).toBe(true);
    expect(ds.notes).toContain(`mnist-test-x.npy: data NCHW [2000, 1, 28, 28] transposed to the model's NHWC [2000, 28, 28, 1] (input "input"); with one channel the values keep their order.`);
    // The ONNX sample takes it as it is: no note.
    expect(datasetFromNpy(io(['batch', 1, 28, 28]), { bytes, fileName: 'mnist-test-x.npy' }).notes.join(' ')).not.toMatch(/transposed/);
  });

  it('refuses, as before, what is not an unambiguous channel permutation', () => {
    const names = { source: 't', inputs: 'x.npy' };
    // Sizes that differ after the permutation too.
    expect(badInputMessage(() => datasetFromArrays(io(['batch', 32, 32, 1]), { inputs: counting([2, 1, 28, 28]) }, names))).toMatch(/x\.npy has shape \[2, 1, 28, 28\].*expected \[N, 32, 32, 1\]/);
    // Not image-like: 8 "channels", or channels as many as the height.
    expect(matchChannelLayout(counting([2, 8, 6, 6]), sig('x', ['batch', 6, 6, 8]))).toBeNull();
    expect(matchChannelLayout(counting([2, 3, 3, 5]), sig('x', ['batch', 3, 5, 3]))).toBeNull();
    // Other ranks.
    expect(matchChannelLayout(counting([2, 3, 5]), sig('x', ['batch', 5, 3]))).toBeNull();
    // Data that already fits is left alone.
    expect(matchChannelLayout(counting([2, 3, 4, 5]), sig('x', ['batch', 3, 4, 5]))).toBeNull();
  });
});
