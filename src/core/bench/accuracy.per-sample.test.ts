/**
 * Accuracy and fidelity over datasets with inputs fed one sample at a time (a recurrent state [2, batch, 128]) and
 * inputs the same for every item (an int64 sample-rate scalar), on onnxruntime-node, checked against the same
 * model run item by item with onnxruntime's own API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ort, ortNode } from '../../runtimes/ort-node';
import * as b from '../formats/onnx/builder';
import { tensorToNumbers } from '../formats/onnx/tensor';
import { writeOnnx } from '../formats/onnx/write';
import { openModelFiles } from '../model/open';
import { seededRandom } from '../random';
import { collectOutputs, evaluateAccuracy, type FidelityResult, type RegressionResult } from './accuracy';
import { specDataOf, type Dataset, type ModelIO } from './dataset';
import { specDataset } from './dataset-files';
import { recurrentModel } from './input-spec-models';
import { resolveInputSpec } from './input-spec';
import type { InferenceSession } from './session';

const N = 5;
const rand = seededRandom(11);
const frames = Float32Array.from({ length: N * 512 }, () => rand() * 2 - 1);
const states = Float32Array.from({ length: N * 256 }, () => rand() - 0.5);

/** input batch-first [5, 512], state per sample [5, 2, 1, 128], sr 16000 for every item. */
const dataset = (): Dataset => ({
  inputs: { input: { dtype: 'float32', dims: [N, 512], data: frames } },
  perSample: { state: { dtype: 'float32', dims: [N, 2, 1, 128], data: states } },
  constants: { sr: { dtype: 'int64', dims: [], data: BigInt64Array.of(16000n) } },
  count: N,
  source: 'test',
  task: null,
  notes: [],
});

/** The variant: the score's weights scaled by 1.5 (stateN does not depend on them). */
function variantModel() {
  const m = recurrentModel();
  m.graph!.initializer = m.graph!.initializer.map((t) => (t.name === 'w' ? b.floatTensor('w', [512, 1], Float32Array.from(tensorToNumbers(t), (x) => x * 1.5)) : t));
  return m;
}

const original = writeOnnx(recurrentModel());
const variant = writeOnnx(variantModel());
const io: ModelIO = openModelFiles([{ name: 'vad.onnx', bytes: original }]).summary;

/** Every item through onnxruntime's own API, one feed each: { output, stateN } per item. */
async function independent(bytes: Uint8Array, item: (i: number) => { input: Float32Array; state: Float32Array }, n: number) {
  const s = await ort.InferenceSession.create(bytes);
  const out: { output: number[]; stateN: number[] }[] = [];
  for (let i = 0; i < n; i++) {
    const { input, state } = item(i);
    const r = await s.run({
      input: new ort.Tensor('float32', input, [1, 512]),
      state: new ort.Tensor('float32', state, [2, 1, 128]),
      sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []),
    });
    out.push({ output: Array.from(r.output.data as Float32Array), stateN: Array.from(r.stateN.data as Float32Array) });
  }
  await s.release();
  return out;
}

const fromDataset = (i: number) => ({ input: frames.slice(i * 512, (i + 1) * 512), state: states.slice(i * 256, (i + 1) * 256) });

let ref: InferenceSession;
let cand: InferenceSession;
beforeAll(async () => {
  ref = await ortNode.createSession(original);
  cand = await ortNode.createSession(variant);
});

describe('a dataset with a per-sample state and a scalar constant', () => {
  it('collectOutputs runs one item at a time: every output per item, as onnxruntime gives it item by item', async () => {
    const r = await collectOutputs(ref, dataset(), { model: io, allOutputs: true });
    const want = await independent(original, fromDataset, N);
    expect(r).toMatchObject({ output: 'output', items: N, width: 1 });
    expect(Array.from(r.data)).toEqual(want.map((w) => w.output).flat());
    expect(r.others?.map((o) => [o.output, o.items, o.width])).toEqual([['stateN', N, 256]]);
    expect(Array.from(r.others![0].data)).toEqual(want.map((w) => w.stateN).flat());
  });

  it('fidelity per output equals an independent computation; the notes say why items ran one at a time', async () => {
    const reference = await collectOutputs(ref, dataset(), { model: io, allOutputs: true });
    const f = (await evaluateAccuracy(cand, dataset(), { model: io, reference })) as FidelityResult;
    const a = await independent(original, fromDataset, N);
    const c = await independent(variant, fromDataset, N);
    expect(f.kind).toBe('fidelity');
    expect(f.notes).toContain('Run one item at a time because input "state" is fed per sample.');
    expect(f.perOutput?.map((o) => [o.output, o.items])).toEqual([['output', N], ['stateN', N]]);
    // relative L2 and max |error| of the score, over the items, in float64.
    let s = 0, e = 0, m = 0;
    a.forEach((x, i) => {
      const d = x.output[0] - c[i].output[0];
      s += x.output[0] ** 2;
      e += d * d;
      m = Math.max(m, Math.abs(d));
    });
    expect(e).toBeGreaterThan(0);
    expect(f.output).toBe('output');
    expect(f.relativeL2).toBeCloseTo(Math.sqrt(e / s), 12);
    expect(f.maxAbsError).toBeCloseTo(m, 12);
    // stateN = tanh(state + sr / 16000) does not depend on the weights, and each item's is its own state's.
    const st = f.perOutput![1];
    expect(st.maxAbsError).toBe(0);
    expect(st.cosine.value).toBeCloseTo(1, 12);
    expect(st.top1Agreement?.correct).toBe(N);
  });

  it('labels: a regression on the score, per item, as computed from onnxruntime item by item', async () => {
    const labels = Float32Array.from({ length: N }, (_, i) => i / N);
    const r = (await evaluateAccuracy(cand, { ...dataset(), labels: { dtype: 'float32', dims: [N, 1], data: labels } }, { model: io, task: 'regression' })) as RegressionResult;
    const c = await independent(variant, fromDataset, N);
    const mse = c.reduce((acc, x, i) => acc + (x.output[0] - labels[i]) ** 2, 0) / N;
    expect(r.kind).toBe('regression');
    expect(r.items).toBe(N);
    expect(r.mse.value).toBeCloseTo(mse, 7);
  });

  it('with the input spec: the data feeds input, the spec makes sr and the state (zeros, batch not first: one item a run)', async () => {
    const d: Dataset = { inputs: { input: { dtype: 'float32', dims: [N, 512], data: frames } }, count: N, source: 'test', task: null, notes: [] };
    const spec = resolveInputSpec(io, { values: { sr: 16000 }, data: specDataOf(d) });
    const reference = await collectOutputs(ref, d, { model: io, spec, allOutputs: true });
    const zeros = (i: number) => ({ input: frames.slice(i * 512, (i + 1) * 512), state: new Float32Array(256) });
    const want = await independent(original, zeros, N);
    expect(Array.from(reference.data)).toEqual(want.map((w) => w.output).flat());
    expect(Array.from(reference.others![0].data)).toEqual(want.map((w) => w.stateN).flat());
    const f = (await evaluateAccuracy(cand, d, { model: io, spec, reference })) as FidelityResult;
    expect(f.items).toBe(N);
    expect(f.notes).toContain('Run one item at a time because input "state" is fed per sample.');
    expect(f.perOutput?.map((o) => o.output)).toEqual(['output', 'stateN']);
  });

  it('batched, an output whose first axis is not the batch is left out of the comparison, saying so', async () => {
    const two: InferenceSession = {
      inputNames: ['x'],
      outputNames: ['y', 'z'],
      async run(feeds) {
        return { y: { ...feeds.x }, z: { dtype: 'float32', dims: [3], data: Float32Array.of(1, 2, 3) } };
      },
      async release() {},
    };
    const d: Dataset = { inputs: { x: { dtype: 'float32', dims: [4, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8) } }, count: 4, source: 'test', task: null, notes: [] };
    const reference = await collectOutputs(two, d, { allOutputs: true });
    expect(reference.others).toBeUndefined();
    const f = (await evaluateAccuracy(two, d, { reference: { ...reference, others: [{ output: 'z', items: 4, width: 3, data: new Float32Array(12) }] } })) as FidelityResult;
    expect(f.notes).toContain('The output "z" is [3] for a batch of 4 items: its first dimension is not the batch, so it is not compared per item.');
    expect(f.perOutput?.map((o) => o.output)).toEqual(['y']);
    expect(f.cosine.value).toBe(1);
  });

  it('specDataset on the recurrent spec: per-sample zero states and sr for every item, fidelity on them', async () => {
    const spec = resolveInputSpec(io, { values: { sr: 16000 } });
    const d = specDataset(spec, io.outputs);
    if (typeof d === 'string') throw new Error(d);
    const reference = await collectOutputs(ref, d, { model: io, allOutputs: true });
    const f = (await evaluateAccuracy(cand, d, { model: io, reference })) as FidelityResult;
    const items = d.inputs.input.data as Float32Array;
    const c = await independent(variant, (i) => ({ input: items.slice(i * 512, (i + 1) * 512), state: new Float32Array(256) }), d.count);
    // stateN = tanh(0 + 16000 / 16000) everywhere: sr reached the model, the state was zeros.
    const st = f.perOutput!.find((o) => o.output === 'stateN')!;
    expect(st.maxAbsError).toBe(0);
    expect(c[0].stateN[0]).toBeCloseTo(Math.tanh(1), 6);
    expect(f.items).toBe(d.count);
  });
});
