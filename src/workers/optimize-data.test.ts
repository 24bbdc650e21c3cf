/**
 * The app's optimize data (what the optimize worker hands core's job): an .npz for a model with several inputs, as the
 * CLI's --data takes it. Run here in Node with onnxruntime-node through the same core job the worker runs.
 */
import { describe, expect, it } from 'vitest';
import { recurrentModel } from '../core/bench/input-spec-models';
import { writeNpz } from '../core/data/npz';
import { writeNpy } from '../core/data/npy';
import { readOnnx, writeOnnx } from '../core/formats/onnx/index';
import { summarize } from '../core/inspect/summary';
import { runOptimizeJob } from '../core/job/optimize';
import { nodeRuntime } from '../runtimes/node';
import { BATCH, loadOptimizeData } from './optimize-data';

const bytes = writeOnnx(recurrentModel()); // input [batch, 512], state [2, batch, 128], sr int64 scalar
const summary = summarize(readOnnx(bytes), 'vad.onnx');
const N = 12;
const npz = (members: Parameters<typeof writeNpz>[0]) => ({ kind: 'file' as const, file: new File([writeNpz(members) as BlobPart], 'vad.npz') });
const inputs = { dtype: 'float32' as const, shape: [N, 512], data: Float32Array.from({ length: N * 512 }, (_, i) => Math.sin(i * 0.37)) };
const state = { dtype: 'float32' as const, shape: [2, 1, 128], data: new Float32Array(256).fill(0.25) };

describe('optimize data from an .npz (members named after the inputs)', () => {
  it('feeds every sample: a leading sample axis per item, a member shaped like its input used for every sample, the scalar from the form', async () => {
    const d = await loadOptimizeData(npz({ input: inputs, state }), summary, { values: { sr: 16000 } });
    expect(d.fidelity.use).toEqual({ kind: 'data', file: 'vad.npz', rows: N });
    const feeds = d.fidelity.batches;
    expect(feeds.length).toBe(N); // state [2, 1, 128] fixes batch to 1: one sample per feed
    expect(feeds[3].input.dims).toEqual([1, 512]);
    expect(Array.from(feeds[3].input.data.slice(0, 3) as Float32Array)).toEqual(Array.from(inputs.data.slice(3 * 512, 3 * 512 + 3)));
    expect(feeds[3].state.dims).toEqual([2, 1, 128]);
    expect((feeds[7].state.data as Float32Array)[5]).toBe(0.25);
    expect(feeds[0].sr.data[0]).toBe(16000n);
    expect(d.note).toMatch(/^the first 12 samples of vad\.npz; sr \[\] = 16000$/);
    expect(BATCH).toBeGreaterThan(1);
  });

  it('static int8 calibrates on it, and the variant is compared on it', async () => {
    const d = await loadOptimizeData(npz({ input: inputs, state, sr: { dtype: 'int64', shape: [], data: BigInt64Array.of(8000n) } }), summary, undefined);
    expect(d.fidelity.batches[0].sr.data[0]).toBe(8000n);
    const { report } = await runOptimizeJob({
      model: readOnnx(bytes),
      fileBytes: bytes,
      recipe: { steps: [{ transform: 'quantize', options: { mode: 'static' } }] },
      runtime: await nodeRuntime(),
      fidelity: d.fidelity,
      calibration: { ...d.calibration, method: 'minmax', batchSize: BATCH },
    });
    expect(report.calibration?.data).toEqual({ kind: 'data', file: 'vad.npz', rows: N });
    expect(report.fidelity.error).toBeUndefined();
    expect(report.fidelity.outputs.output.cosine).toBeGreaterThan(0.99);
  });

  it('refuses an .npy for a model with several inputs, naming them and the way out', async () => {
    const npy = { kind: 'file' as const, file: new File([writeNpy(inputs.dtype, inputs.shape, inputs.data) as BlobPart], 'x.npy') };
    await expect(loadOptimizeData(npy, summary, undefined)).rejects.toThrow('An .npy file feeds one input; this model has 3 (input, state, sr): choose an .npz with an array named after each.');
  });

  it('an .npz without the scalar, and no value set: refused naming the form field', async () => {
    await expect(loadOptimizeData(npz({ input: inputs, state }), summary, undefined)).rejects.toThrow('give its value (the "sr" field under "Input shapes and values")');
  });
});
