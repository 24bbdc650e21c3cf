/**
 * Data files for several inputs (an .npz named after the inputs), with the input spec making what they leave out;
 * run in onnxruntime-node against the same feeds written by hand.
 */
import { describe, expect, it } from 'vitest';
import { ortNode } from '../../runtimes/ort-node';
import { writeNpz } from '../data/npz';
import { writeOnnx } from '../formats/onnx/write';
import { datasetJobData } from '../job/data';
import { openModelFiles } from '../model/open';
import { seededRandom } from '../random';
import { datasetFeeds, specDataOf } from './dataset';
import { datasetFromFile } from './dataset-files';
import { recurrentModel } from './input-spec-models';
import { resolveInputSpec } from './input-spec';
import type { Feeds } from './session';

const vad = () => openModelFiles([{ name: 'vad.onnx', bytes: writeOnnx(recurrentModel()) }]);
const frames = (n: number) => {
  const r = seededRandom(5);
  return Float32Array.from({ length: n * 512 }, () => r() * 2 - 1);
};

async function runAll(batches: Feeds[]) {
  const s = await ortNode.createSession(writeOnnx(recurrentModel()));
  try {
    const out = [];
    for (const f of batches) out.push(await s.run(f));
    return out;
  } finally {
    await s.release();
  }
}

describe('an .npz for a several-input model', () => {
  it('members named after inputs: frames batch-first, sr a scalar used for every sample, state made by the spec (zeros)', async () => {
    const { summary } = vad();
    const npz = writeNpz({ input: { dtype: 'float32', shape: [5, 512], data: frames(5) }, sr: { dtype: 'int64', shape: [], data: BigInt64Array.of(8000n) } });
    expect(() => datasetFromFile(summary, { bytes: npz, fileName: 'vad.npz' })).toThrow(/the model.s input\(s\) "state" have no array named after them/);
    const d = datasetFromFile(summary, { bytes: npz, fileName: 'vad.npz' }, undefined, { partialInputs: true });
    expect(d.count).toBe(5);
    expect(Object.keys(d.inputs)).toEqual(['input']);
    expect(Object.keys(d.constants ?? {})).toEqual(['sr']);
    const spec = resolveInputSpec(summary, { data: specDataOf(d) });
    expect(spec.inputs.map((e) => [e.name, e.shape, e.values.kind])).toEqual([
      ['input', [1, 512], 'data'],
      ['state', [2, 1, 128], 'synthetic'],
      ['sr', [], 'data'],
    ]);
    // --value wins over the file, in the spec and in the feeds.
    const over = resolveInputSpec(summary, { data: specDataOf(d), values: { sr: 16000 } });
    expect(over.inputs[2].values).toMatchObject({ kind: 'fixed', value: 16000 });
    expect((datasetFeeds(d, over, 0, 2).sr.data as BigInt64Array)[0]).toBe(16000n);
    const job = datasetJobData(d, spec, { kind: 'data', file: 'vad.npz' }, 64, 4);
    expect(job.use.rows).toBe(5);
    expect(job.batches.map((b) => [b.input.dims, b.state.dims, b.sr.dims])).toEqual([
      [[4, 512], [2, 4, 128], []],
      [[1, 512], [2, 1, 128], []],
    ]);
    const out = await runAll(job.batches);
    // stateN = tanh(0 + 8000 / 16000): the file's sample rate reached the model.
    expect((out[0].stateN.data as Float32Array)[0]).toBeCloseTo(Math.tanh(0.5), 5);
    // The frames are the file's: item 4 (second batch) scores as the same frame fed alone.
    const alone = await runAll([{ input: { dtype: 'float32', dims: [1, 512], data: frames(5).slice(4 * 512) }, state: job.batches[1].state, sr: { dtype: 'int64', dims: [], data: BigInt64Array.of(8000n) } }]);
    expect((out[1].output.data as Float32Array)[0]).toBeCloseTo((alone[0].output.data as Float32Array)[0], 6);
  });

  it('a member with a leading sample axis feeds one sample per run; the shared batch dim is then 1 everywhere', async () => {
    const { summary } = vad();
    const state = Float32Array.from({ length: 3 * 2 * 128 }, (_, i) => (i < 256 ? 0 : 0.25));
    const npz = writeNpz({
      input: { dtype: 'float32', shape: [3, 512], data: frames(3) },
      state: { dtype: 'float32', shape: [3, 2, 1, 128], data: state },
    });
    const d = datasetFromFile(summary, { bytes: npz, fileName: 'vad.npz' }, undefined, { partialInputs: true });
    expect(Object.keys(d.perSample ?? {})).toEqual(['state']);
    expect(() => resolveInputSpec(summary, { data: specDataOf(d) })).toThrow(/"sr" is an int64 scalar/);
    const spec = resolveInputSpec(summary, { data: specDataOf(d), values: { sr: 16000 } });
    expect(spec.inputs.flatMap((e) => e.dims.filter((x) => x.batch))).toEqual([]);
    expect(() => datasetFeeds(d, spec, 0, 2)).toThrow(/run at batch 1/);
    const job = datasetJobData(d, spec, { kind: 'data', file: 'vad.npz' }, 64, 8);
    expect(job.batches).toHaveLength(3);
    const out = await runAll(job.batches);
    expect((out[0].stateN.data as Float32Array)[0]).toBeCloseTo(Math.tanh(1), 5);
    expect((out[1].stateN.data as Float32Array)[0]).toBeCloseTo(Math.tanh(1.25), 5);
  });

  it('a member that fits no layout is refused with the expected shape', () => {
    const { summary } = vad();
    const npz = writeNpz({ input: { dtype: 'float32', shape: [3, 512], data: frames(3) }, state: { dtype: 'float32', shape: [3, 2, 1, 64], data: new Float32Array(3 * 128) } });
    expect(() => datasetFromFile(summary, { bytes: npz, fileName: 'vad.npz' }, undefined, { partialInputs: true })).toThrow(
      /array "state" has shape \[3, 2, 1, 64\], but the model's input "state" is \[2, batch, 128\]: expected \[N, 2, batch, 128\] \(a leading sample axis\)/,
    );
  });
});
