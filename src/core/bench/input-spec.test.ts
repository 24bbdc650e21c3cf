/**
 * The input spec on models shaped like real ones (builder-made, run in onnxruntime-node) and on ONNX's own backend
 * test models (Debian's libonnx-testdata, when installed): every dim resolved by a stated rule or refused by name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ortNode } from '../../runtimes/ort-node';
import { writeOnnx } from '../formats/onnx/write';
import { openModelFiles } from '../model/open';
import { specFeedsMaker, syntheticFeeds } from './dataset';
import { detectorModel, EMBEDDING_VOCAB, embeddingModel, recurrentModel } from './input-spec-models';
import { inputSpecNeeds, isBatchLikeDim, resolveInputSpec, specFeeds, specSignatures } from './input-spec';
import { summarize } from '../inspect/summary';
import type { ModelProto } from '../formats/onnx/proto';
import { readOnnx } from '../formats/onnx/read';
import * as b from '../formats/onnx/builder';
import { DataType } from '../formats/onnx/proto';

const open = (m: ModelProto, name: string) => openModelFiles([{ name, bytes: writeOnnx(m) }]);

async function run(m: ModelProto, feeds: Parameters<Awaited<ReturnType<typeof ortNode.createSession>>['run']>[0]) {
  const s = await ortNode.createSession(writeOnnx(m));
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

describe('resolveInputSpec', () => {
  it('a --shape that sets one input\'s batch sets it for unnamed batch dims elsewhere (Silero: input [?, ?], state [2, ?, 128])', () => {
    const inputs = [
      { name: 'input', dtype: 'float32', shape: [null, null] },
      { name: 'state', dtype: 'float32', shape: [2, null, 128] },
      { name: 'sr', dtype: 'int64', shape: [] },
    ];
    const spec = resolveInputSpec({ inputs }, { shapes: { input: [1, 512] }, values: { sr: 16000 } });
    expect(spec.inputs.map((e) => e.shape)).toEqual([[1, 512], [2, 1, 128], []]);
    // no batch dim is left to vary: runs at another batch would feed state [2, 16, 128] with input [1, 512]
    expect(spec.inputs.some((e) => e.dims.some((d) => d.batch))).toBe(false);
    expect(spec.inputs[1].dims[1]).toMatchObject({ value: 1, source: 'user', reason: 'the batch of --shape input' });
    expect(specSignatures(spec).map((s) => s.shape)).toEqual([[1, 512], [2, 1, 128], []]);
    // at batch 4 the shapes agree
    expect(resolveInputSpec({ inputs }, { shapes: { input: [4, 512] }, values: { sr: 16000 } }).inputs[1].shape).toEqual([2, 4, 128]);
  });

  it('detector [batch, 3, H, W]: refused without H and W, naming them; --dim or --shape resolve them, marked user', async () => {
    const { summary } = open(detectorModel(), 'det.onnx');
    expect(() => resolveInputSpec(summary)).toThrow(/input "image" \[batch, 3, H, W\]: give H and W \(--dim H=320 --dim W=320 or --shape image=1x3x320x320\)/);
    // The old rule (every symbolic dim 1) is gone from synthetic inputs too.
    expect(() => syntheticFeeds(summary.inputs)).toThrow(/give H and W/);
    // What the app's form asks for, structured.
    expect(inputSpecNeeds(summary)).toEqual([{ input: 'image', dims: ['H', 'W'], value: false }]);
    expect(inputSpecNeeds(summary, { dims: { H: 320 } })).toEqual([{ input: 'image', dims: ['W'], value: false }]);
    const spec = resolveInputSpec(summary, { dims: { H: 320, W: 320 } });
    expect(inputSpecNeeds(summary, { dims: { H: 320, W: 320 } })).toEqual([]);
    const e = spec.inputs[0];
    expect(e.shape).toEqual([1, 3, 320, 320]);
    expect(e.dims.map((d) => [d.name, d.value, d.source, d.batch])).toEqual([
      ['batch', 1, 'default', true],
      [null, 3, 'model', false],
      ['H', 320, 'user', false],
      ['W', 320, 'user', false],
    ]);
    expect(e.values).toMatchObject({ kind: 'synthetic', fill: 'image' });
    const byShape = resolveInputSpec(summary, { shapes: { image: [1, 3, 64, 96] } });
    expect(byShape.inputs[0].shape).toEqual([1, 3, 64, 96]);
    expect(byShape.inputs[0].dims.map((d) => d.source)).toEqual(['user', 'model', 'user', 'user']);
    expect(() => resolveInputSpec(summary, { shapes: { image: [1, 4, 64, 64] } })).toThrow(/dim 1 is fixed at 3/);
    expect(() => resolveInputSpec(summary, { dims: { Height: 3 } })).toThrow(/no dim named "Height"/);
    // The feeds run, at the resolved shape and at another batch size.
    const feeds = specFeeds(spec, { batch: 2 });
    expect(feeds.image.dims).toEqual([2, 3, 320, 320]);
    const out = await run(detectorModel(), feeds);
    expect(out.scores.dims).toEqual([2, 1, 320, 320]);
    expect(specSignatures(spec)[0].shape).toEqual(['batch', 3, 320, 320]);
  });

  it('recurrent [batch, 512] + state [2, batch, 128] + int64 scalar sr: only the scalar needs a value; state is zeros', async () => {
    const { summary } = open(recurrentModel(), 'vad.onnx');
    expect(() => resolveInputSpec(summary)).toThrow(/input "sr" is an int64 scalar: give its value \(--value sr=<number>\)/);
    expect(inputSpecNeeds(summary)).toEqual([{ input: 'sr', dims: [], value: true }]);
    const spec = resolveInputSpec(summary, { values: { sr: 16000 } });
    const [input, state, sr] = spec.inputs;
    expect(input.shape).toEqual([1, 512]);
    expect(state.shape).toEqual([2, 1, 128]);
    expect(state.dims[1]).toMatchObject({ name: 'batch', value: 1, source: 'default', batch: true });
    expect(state.values).toMatchObject({ kind: 'synthetic', fill: 'zeros' });
    expect(sr).toMatchObject({ shape: [], values: { kind: 'fixed', value: 16000 } });
    const feeds = specFeeds(spec, { batch: 3 });
    expect(feeds.state.dims).toEqual([2, 3, 128]);
    // The harness's MakeFeeds: the same feeds, fresh copies every run.
    const make = specFeedsMaker(spec);
    const a = make(3, 0);
    const b2 = make(3, 1);
    expect(a.state.data).not.toBe(b2.state.data);
    expect(Array.from(a.input.data as Float32Array)).toEqual(Array.from(feeds.input.data as Float32Array));
    expect(Array.from(feeds.state.data as Float32Array).every((v) => v === 0)).toBe(true);
    expect(feeds.sr.dims).toEqual([]);
    expect((feeds.sr.data as BigInt64Array)[0]).toBe(16000n);
    const out = await run(recurrentModel(), feeds);
    expect(out.output.dims).toEqual([3, 1]);
    // stateN = tanh(0 + 16000 / 16000)
    expect((out.stateN.data as Float32Array)[0]).toBeCloseTo(Math.tanh(1), 5);
  });

  it('embedding ids: the Gather reveals the vocabulary; synthetic ids spread over it and stay inside', async () => {
    const { summary } = open(embeddingModel(), 'emb.onnx');
    expect(summary.inputHints).toEqual([{ name: 'ids', vocabSize: EMBEDDING_VOCAB, forcedDims: [] }]);
    expect(() => resolveInputSpec(summary)).toThrow(/input "ids" \[batch, seq\]: give seq \(--dim seq=320 or --shape ids=1x320\)/);
    const spec = resolveInputSpec(summary, { dims: { seq: 64 } });
    expect(spec.inputs[0].values).toMatchObject({ kind: 'synthetic', fill: 'ids', vocab: EMBEDDING_VOCAB });
    const ids = Array.from(specFeeds(spec, { batch: 4 }).ids.data as BigInt64Array, Number);
    expect(Math.min(...ids)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...ids)).toBeLessThan(EMBEDDING_VOCAB);
    expect(Math.max(...ids)).toBeGreaterThan(50);
    const out = await run(embeddingModel(), specFeeds(spec, { batch: 4 }));
    expect(out.pooled.dims).toEqual([4, 16]);
  });

  it('values: --value sets a fill kind too; data shapes resolve dims, marked data', () => {
    const { summary } = open(detectorModel(), 'det.onnx');
    const spec = resolveInputSpec(summary, { dims: { H: 8, W: 8 }, values: { image: 'normal' } });
    const v = Array.from(specFeeds(spec).image.data as Float32Array);
    expect(Math.min(...v)).toBeLessThan(-1);
    const fromData = resolveInputSpec(summary, { data: { image: { dims: [10, 3, 32, 48] } } });
    expect(fromData.inputs[0].shape).toEqual([1, 3, 32, 48]);
    expect(fromData.inputs[0].dims.map((d) => d.source)).toEqual(['data', 'model', 'data', 'data']);
    expect(fromData.inputs[0].values.kind).toBe('data');
    expect(() => resolveInputSpec(summary, { values: { nope: 1 } })).toThrow(/no input "nope"/);
  });

  it('the model resolves dims: an op that forces one (MatMul inner dim), metadata naming a dim; marked model', async () => {
    const mlp = b.model({
      graph: b.graph({
        name: 'mlp',
        inputs: [b.valueInfo('x', DataType.FLOAT, ['batch', 'features'])],
        outputs: [b.valueInfo('y', DataType.FLOAT, ['batch', 4])],
        initializers: [b.floatTensor('w', [16, 4], new Float32Array(64).fill(0.5))],
        nodes: [b.node('MatMul', ['x', 'w'], ['y'], {}, { name: 'fc' })],
      }),
    });
    const { summary } = open(mlp, 'mlp.onnx');
    expect(summary.inputHints[0].forcedDims).toEqual([{ axis: 1, value: 16, by: 'MatMul fc' }]);
    const spec = resolveInputSpec(summary);
    expect(spec.inputs[0].dims[1]).toMatchObject({ name: 'features', value: 16, source: 'model', reason: 'MatMul fc' });
    expect((await run(mlp, specFeeds(spec, { batch: 3 }))).y.dims).toEqual([3, 4]);
    // The user still wins over the model.
    expect(() => resolveInputSpec(summary, { dims: { features: 8 } })).not.toThrow();
    expect(resolveInputSpec(summary, { dims: { features: 8 } }).inputs[0].dims[1].source).toBe('user');

    const withMeta = b.model({ graph: detectorModel().graph!, metadata: { H: '96', W: '128' } });
    const meta = resolveInputSpec(open(withMeta, 'det.onnx').summary);
    expect(meta.inputs[0].shape).toEqual([1, 3, 96, 128]);
    expect(meta.inputs[0].dims[2]).toMatchObject({ source: 'model', reason: 'metadata H' });
  });

  it('batch-like dims: named batch/N/unk__ or unnamed at axis 0, the middle of [layers, batch, hidden]; never spatial', () => {
    expect(isBatchLikeDim(['N', 3, 'H', 'W'], 0)).toBe(true);
    expect(isBatchLikeDim(['unk__12', 3], 0)).toBe(true);
    expect(isBatchLikeDim([null, 784], 0)).toBe(true);
    expect(isBatchLikeDim([-1, 784], 0)).toBe(true);
    expect(isBatchLikeDim(['N', 3, 'H', 'W'], 2)).toBe(false);
    expect(isBatchLikeDim(['seq', 'batch', 64], 1)).toBe(true);
    expect(isBatchLikeDim([2, null, 128], 1)).toBe(true);
    expect(isBatchLikeDim(['sequence', 8], 0)).toBe(false);
  });
});

describe('MACs at the input spec', () => {
  it('symbolic H and W: "?" (unknown) by default, never counted at 1x1; exact at 320x320', () => {
    const m = readOnnx(writeOnnx(detectorModel()));
    const open = summarize(m, 'det.onnx');
    expect(open.layers.filter((l) => l.opType === 'Conv').map((l) => l.macs)).toEqual([null, null]);
    expect(open.macs).toMatchObject({ total: 0, nodesUnknown: expect.any(Number) });
    expect(open.macsAt).toEqual([{ name: 'image', shape: [1, 3, null, null] }]);
    const at = summarize(m, 'det.onnx', { inputShapes: { image: [1, 3, 320, 320] } });
    expect(at.layers.filter((l) => l.opType === 'Conv').map((l) => l.macs)).toEqual([8 * 3 * 9 * 320 * 320, 8 * 9 * 320 * 320]);
    expect(at.macs.total).toBe((8 * 3 * 9 + 8 * 9) * 320 * 320);
    expect(at.macsAt).toEqual([{ name: 'image', shape: [1, 3, 320, 320] }]);
  });
});

/* ------------------------------------------------------------------ ONNX's backend test models ------------------------------------------------------------------ */

const TESTDATA = '/usr/share/libonnx-testdata/data';
const haveTestdata = existsSync(join(TESTDATA, 'node'));

describe.skipIf(!haveTestdata)('ONNX backend test models (libonnx-testdata)', () => {
  it('every input resolves by a declared rule or is refused naming what it needs; resolved specs run in onnxruntime-node', async () => {
    let ran = 0;
    let failed = 0;
    let refused = 0;
    for (const sub of ['node', 'pytorch-converted', 'pytorch-operator', 'simple', 'real']) {
      if (!existsSync(join(TESTDATA, sub))) continue;
      for (const d of readdirSync(join(TESTDATA, sub))) {
        const p = join(TESTDATA, sub, d, 'model.onnx');
        if (!existsSync(p)) continue;
        let opened;
        try {
          opened = openModelFiles([{ name: 'model.onnx', bytes: new Uint8Array(readFileSync(p)) }]);
        } catch {
          continue; // a model this reader does not take
        }
        let spec;
        try {
          spec = resolveInputSpec(opened.summary);
        } catch (e) {
          expect((e as Error).message).toMatch(/^The inputs are not fully specified: .*(give|cannot make)/);
          refused++;
          continue;
        }
        for (const e of spec.inputs) for (const dim of e.dims) expect(['model', 'default']).toContain(dim.source);
        try {
          const s = await ortNode.createSession(opened.bytes);
          await s.run(specFeeds(spec));
          await s.release();
          ran++;
        } catch {
          failed++; // value-dependent ops (indices, shapes, divisors fed as inputs) or kernels the runtime lacks
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(ran).toBeGreaterThan(750);
    expect(ran / (ran + failed)).toBeGreaterThan(0.8);
  }, 120_000);
});
