import { ort } from '../../../runtimes/ort-node';
import { ortWebApi as ortWeb } from '../../../runtimes/ort-web-node';
import { describe, expect, it } from 'vitest';
import { isParetoError } from '../../errors';
import * as build from '../../formats/onnx/builder';
import { DataType, type ModelProto } from '../../formats/onnx/proto';
import { readOnnx, type OnnxModel } from '../../formats/onnx/read';
import { writeOnnx } from '../../formats/onnx/write';
import {
  BIG_K,
  BIG_N,
  constantWeightsModel,
  convNetModel,
  externalDataModel,
  ifSubgraphModel,
  mlpModel,
  randomFloats,
  toTypedFields,
} from '../../testing/fixtures';
import { prune, type PruneLayerStat, type PruneOptions, type PruneStats } from './index';
import type { TransformContext } from '../types';
import { floatWeights, relL2, zerosIn } from './testing';

ortWeb.env.wasm.numThreads = 1;

const open = (m: ModelProto, external?: Record<string, Uint8Array>): OnnxModel =>
  readOnnx(writeOnnx(m), { loadExternal: (loc) => external?.[loc] });

async function pruned(m: ModelProto | OnnxModel, options: Partial<PruneOptions> = {}, ctx: TransformContext = {}) {
  const model = 'proto' in m ? m : open(m);
  const r = await prune.apply(model, prune.validate(options), ctx);
  const bytes = writeOnnx(r.model);
  readOnnx(bytes, { loadExternal: (loc) => model.external.get(loc) }); // the pruned model passes validation
  return { ...r, bytes, stats: r.report.stats as unknown as PruneStats, model: r.model, input: model };
}

type Feeds = Record<string, { type: 'float32' | 'bool'; data: Float32Array | Uint8Array; dims: number[] }>;

async function runBoth(bytes: Uint8Array, feeds: Feeds): Promise<Float32Array> {
  const outs: Float32Array[] = [];
  for (const lib of [ort, ortWeb] as const) {
    const session = await (lib as typeof ort).InferenceSession.create(bytes, { executionProviders: lib === ort ? ['cpu'] : ['wasm'] } as never);
    const f: Record<string, ort.Tensor> = {};
    for (const [k, v] of Object.entries(feeds)) {
      f[k] = new (lib as typeof ort).Tensor(v.type, v.type === 'bool' ? Uint8Array.from(v.data) : v.data, v.dims) as ort.Tensor;
    }
    const res = await session.run(f);
    outs.push(res[session.outputNames[0]].data as Float32Array);
    await session.release();
  }
  expect(relL2(outs[1], outs[0])).toBeLessThan(1e-5); // node and web agree
  return outs[0];
}

/** Byte equality (vitest's deep equality walks typed arrays element by element: slow for models). */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const layerOf = (s: PruneStats, name: string): PruneLayerStat => s.layers.find((l) => l.tensor === name)!;

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isParetoError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    if (message) expect((e as Error).message).toMatch(message);
    return (e as Error).message;
  }
  throw new Error(`expected a ParetoError('${code}')`);
}

/** x[1,128] -> MatMul(W) -> Relu -> MatMul(W, shared) -> y: one weight tensor read by two nodes. */
function sharedWeightModel(): ModelProto {
  const { node, graph, valueInfo, floatTensor } = build;
  return build.model({
    graph: graph({
      name: 'shared',
      nodes: [
        node('MatMul', ['x', 'W'], ['h'], {}, { name: 'mm1' }),
        node('Relu', ['h'], ['r'], {}, { name: 'relu' }),
        node('MatMul', ['r', 'W'], ['y'], {}, { name: 'mm2' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 64])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 64])],
      initializers: [floatTensor('W', [64, 64], randomFloats(64 * 64, 91, 0.2))],
    }),
    opset: 17,
  });
}

const xBig = { x: { type: 'float32' as const, data: randomFloats(BIG_K, 5), dims: [1, BIG_K] } };

describe('prune: unstructured magnitude pruning', () => {
  it('global 50% on the MLP: exact count, one threshold, biases untouched, input unchanged, runs', async () => {
    const input = open(mlpModel());
    const inputBytes = writeOnnx(input.proto);
    const r = await pruned(input, { sparsity: 0.5 });
    expect(same(writeOnnx(input.proto), inputBytes)).toBe(true); // input model not mutated
    expect(r.stats.params.pruned).toBe(32 + 24);
    expect(r.stats.zeros.after).toBe(28);
    expect(r.stats.sparsity.achieved).toBe(0.5);
    expect(r.stats.params.model).toBe(67);
    const before = floatWeights(input.proto);
    const after = floatWeights(r.model);
    expect(after.get('b1')).toEqual(before.get('b1'));
    expect(after.get('b2')).toEqual(before.get('b2'));
    // One threshold: every kept |w| >= threshold >= every pruned |w|.
    const t = r.stats.threshold!;
    for (const name of ['W1', 'W2']) {
      before.get(name)!.forEach((v, i) => {
        const kept = after.get(name)![i] !== 0;
        if (kept) expect(Math.abs(v)).toBeGreaterThanOrEqual(t);
        else expect(Math.abs(v)).toBeLessThanOrEqual(t);
        if (kept) expect(after.get(name)![i]).toBe(v);
      });
    }
    for (const l of r.stats.layers) expect(l.zerosAfter).toBe(zerosIn(after.get(l.tensor)!));
    const x = { x: { type: 'float32' as const, data: randomFloats(8, 9), dims: [2, 4] } };
    const y0 = await runBoth(inputBytes, x);
    const y1 = await runBoth(r.bytes, x);
    expect(y1).not.toEqual(y0);
    expect(r.report.notes[0]).toMatch(/do not make dense runtimes faster/);
    expect(r.report.transform).toBe('prune');
  });

  it('layer scope: every layer exactly floor(target * n)', async () => {
    for (const sparsity of [0.1, 0.5, 0.9]) {
      const r = await pruned(convNetModel(), { sparsity, scope: 'layer' });
      const after = floatWeights(r.model);
      expect(r.stats.layers.map((l) => l.tensor).sort()).toEqual(['Wc', 'Wf']);
      for (const l of r.stats.layers) {
        expect(l.zerosAfter).toBe(Math.floor(sparsity * l.params + 1e-9));
        expect(zerosIn(after.get(l.tensor)!)).toBe(l.zerosAfter);
        expect(l.target).toBe(sparsity);
      }
      expect(floatWeights(r.model).get('Bc')).toEqual(floatWeights(convNetModel()).get('Bc'));
      await runBoth(r.bytes, { x: { type: 'float32', data: randomFloats(2 * 3 * 64, 3), dims: [2, 3, 8, 8] } });
    }
  });

  it('weights in Constant nodes are pruned; the Constant bias feeding Add is not', async () => {
    const r = await pruned(constantWeightsModel(), { sparsity: 0.1 });
    const l = layerOf(r.stats, 'Wc');
    expect(l.where).toBe('constant');
    expect(l.zerosAfter).toBe(Math.floor(0.1 * BIG_K * BIG_N));
    expect(r.stats.layers).toHaveLength(1);
    expect(floatWeights(r.model).get('bc')).toEqual(floatWeights(constantWeightsModel()).get('bc'));
    // 10% sparsity: small, non-zero change of the outputs.
    const y0 = await runBoth(writeOnnx(constantWeightsModel()), xBig);
    const y1 = await runBoth(r.bytes, xBig);
    const e10 = relL2(y1, y0);
    expect(e10).toBeGreaterThan(0);
    expect(e10).toBeLessThan(0.05);
    const r50 = await pruned(constantWeightsModel(), { sparsity: 0.5, compressedSize: 'auto' });
    const e50 = relL2(await runBoth(r50.bytes, xBig), y0);
    expect(e50).toBeGreaterThan(e10);
    expect(e50).toBeLessThan(0.5);
    // Compressed size shrinks with the zeros, raw size does not.
    expect(r50.stats.size.after.bytes).toBe(r50.stats.size.before.bytes);
    expect(r50.stats.size.after.gzipBytes!).toBeLessThan(r50.stats.size.before.gzipBytes! * 0.8);
    expect(r50.stats.size.compression).toMatch(/whole serialised model/);
  });

  it('weights inside If subgraphs (initializer and Constant) are pruned and both branches run', async () => {
    const r = await pruned(ifSubgraphModel(), { sparsity: 0.3, scope: 'layer' });
    expect(r.stats.layers.map((l) => [l.tensor, l.where, l.zerosAfter])).toEqual([
      ['Wt', 'initializer', Math.floor(0.3 * BIG_K * BIG_N)],
      ['We', 'constant', Math.floor(0.3 * BIG_K * BIG_N)],
    ]);
    expect(r.stats.layers[0].graph).toMatch(/then_branch/);
    const before = writeOnnx(ifSubgraphModel());
    for (const cond of [1, 0]) {
      const feeds: Feeds = { cond: { type: 'bool', data: Uint8Array.of(cond), dims: [] }, ...xBig };
      const e = relL2(await runBoth(r.bytes, feeds), await runBoth(before, feeds));
      expect(e).toBeGreaterThan(0);
      expect(e).toBeLessThan(0.25); // uniform weights: sqrt(0.3^3) = 0.16 of the energy removed
    }
  });

  it('a weight shared by two nodes is pruned once; skipping one of its readers keeps it dense', async () => {
    const r = await pruned(sharedWeightModel(), { sparsity: 0.5 });
    expect(r.stats.layers).toHaveLength(1);
    expect(r.stats.layers[0].nodes).toEqual(['mm1', 'mm2']);
    expect(r.stats.zeros.after).toBe(64 * 32);
    await runBoth(r.bytes, { x: { type: 'float32', data: randomFloats(64, 1), dims: [1, 64] } });
    const s = await pruned(sharedWeightModel(), { sparsity: 0.5, skip: ['mm2'] });
    expect(s.stats.layers).toHaveLength(0);
    expect(s.report.skipped).toEqual([
      { node: 'mm1', opType: 'MatMul', reason: 'weight "W" is shared with "mm2", which is in the skip list' },
      { node: 'mm2', opType: 'MatMul', reason: 'in the skip list' },
    ]);
  });

  it('per-node overrides and the skip list (by name and op type) are honoured', async () => {
    const r = await pruned(mlpModel(), { sparsity: 0.5, overrides: { fc2: 0.25 } });
    expect(layerOf(r.stats, 'W2').zerosAfter).toBe(6);
    expect(layerOf(r.stats, 'W2').target).toBe(0.25);
    expect(layerOf(r.stats, 'W1').zerosAfter).toBe(16); // the rest: global threshold over W1 only
    expect(r.report.notes.join(' ')).toMatch(/own sparsity/);

    const dense = await pruned(mlpModel(), { sparsity: 0.5, overrides: { fc2: 0 } });
    expect(dense.stats.layers.map((l) => l.tensor)).toEqual(['W1']);
    expect(dense.report.skipped).toEqual([{ node: 'fc2', opType: 'MatMul', reason: 'override sparsity 0 for fc2' }]);

    const byName = await pruned(mlpModel(), { sparsity: 0.5, skip: ['fc1'] });
    expect(byName.stats.layers.map((l) => l.tensor)).toEqual(['W2']);
    expect(floatWeights(byName.model).get('W1')).toEqual(floatWeights(mlpModel()).get('W1'));
    const byType = await pruned(mlpModel(), { sparsity: 0.5, skip: ['Gemm', 'Nothing'] });
    expect(byType.stats.layers.map((l) => l.tensor)).toEqual(['W2']);
    expect(byType.report.skipped).toEqual([{ node: 'fc1', opType: 'Gemm', reason: 'in the skip list' }]);
    expect(byType.report.notes.join(' ')).toMatch(/match no node name or op type: Nothing/);

    const onlyConv = await pruned(convNetModel(), { sparsity: 0.5, opTypes: ['Conv'] });
    expect(onlyConv.stats.layers.map((l) => l.tensor)).toEqual(['Wc']);
    const withBias = await pruned(convNetModel(), { sparsity: 0.5, includeBias: true, scope: 'layer' });
    expect(withBias.stats.layers.map((l) => l.tensor).sort()).toEqual(['Bc', 'Bf', 'Wc', 'Wf']);
  });

  it('overrides naming nodes the model lacks are rejected', async () => {
    await expectCode(pruned(mlpModel(), { overrides: { fc9: 0.3, fc1: 0.2 } }), 'bad-input', /"fc9"/);
  });

  it('external data and float_data tensors are pruned (into raw_data)', async () => {
    const ext = externalDataModel();
    const r = await pruned(open(ext.model, ext.files), { sparsity: 0.5, scope: 'layer' });
    expect(r.stats.layers.map((l) => [l.tensor, l.zerosAfter])).toEqual([['W1', 16], ['W2', 8]]);
    const w = floatWeights(r.model, r.input.external);
    expect(zerosIn(w.get('W1')!)).toBe(16);
    expect(r.report.notes.join(' ')).toMatch(/now stored inside the \.onnx file/);

    const m = mlpModel();
    m.graph!.initializer = m.graph!.initializer.map(toTypedFields);
    const t = await pruned(m, { sparsity: 0.5 });
    expect(zerosIn(floatWeights(t.model).get('W1')!) + zerosIn(floatWeights(t.model).get('W2')!)).toBe(28);
    await runBoth(t.bytes, { x: { type: 'float32', data: randomFloats(4, 9), dims: [1, 4] } });
  });

  it('compressed size: the sampled estimate agrees with exact gzip; off skips it', async () => {
    const exact = await pruned(ifSubgraphModel(), { sparsity: 0.5, compressedSize: 'exact' });
    const est = await pruned(ifSubgraphModel(), { sparsity: 0.5, compressedSize: 'estimate' });
    expect(est.stats.size.after.method).toBe('estimate');
    expect(est.stats.size.compression).toMatch(/^estimated: gzip level 6/);
    for (const k of ['before', 'after'] as const) {
      expect(Math.abs(est.stats.size[k].gzipBytes! / exact.stats.size[k].gzipBytes! - 1)).toBeLessThan(0.05);
    }
    const off = await pruned(ifSubgraphModel(), { sparsity: 0.5, compressedSize: 'off' });
    expect(off.stats.size.after.gzipBytes).toBeUndefined();
    expect(off.stats.size.after.bytes).toBe(exact.stats.size.after.bytes);
  });

  it('0% sparsity changes nothing', async () => {
    const r = await pruned(mlpModel(), { sparsity: 0 });
    expect(r.stats.zeros.after).toBe(0);
    expect(same(r.bytes, writeOnnx(mlpModel()))).toBe(true);
  });
});

describe('prune: owning the model (ownsModel: in place)', () => {
  /** Stats without the timings (which differ run to run). */
  const figures = (st: PruneStats) => ({ ...st, timing: undefined });
  const cases: [string, () => OnnxModel, Partial<PruneOptions>][] = [
    ['MLP global', () => open(mlpModel()), { sparsity: 0.5 }],
    ['MLP layer scope', () => open(mlpModel()), { sparsity: 0.3, scope: 'layer' }],
    ['conv net with biases', () => open(convNetModel()), { sparsity: 0.6, includeBias: true }],
    ['Constant weights', () => open(constantWeightsModel()), { sparsity: 0.5 }],
    ['If subgraphs', () => open(ifSubgraphModel()), { sparsity: 0.7 }],
    ['external data (copied)', () => { const e = externalDataModel(); return open(e.model, e.files); }, { sparsity: 0.5 }],
    ['float_data (copied)', () => { const m = mlpModel(); m.graph!.initializer = m.graph!.initializer.map(toTypedFields); return open(m); }, { sparsity: 0.5 }],
    ['0%', () => open(mlpModel()), { sparsity: 0 }],
    ['2:4 (copies)', () => open(mlpModel()), { pattern: '2:4' }],
  ];
  for (const [name, make, options] of cases) {
    it(`gives bit-identical models and stats to the copying path: ${name}`, async () => {
      const copyIn = make();
      const inputBytes = writeOnnx(copyIn.proto);
      const copy = await pruned(copyIn, { ...options, compressedSize: 'exact' });
      expect(same(writeOnnx(copyIn.proto), inputBytes)).toBe(true); // without ownsModel the input is never mutated
      const own = make();
      const inPlace = await pruned(own, { ...options, compressedSize: 'exact' }, { ownsModel: true });
      expect(same(inPlace.bytes, copy.bytes)).toBe(true);
      expect(figures(inPlace.stats)).toEqual(figures(copy.stats));
      expect(inPlace.report.notes).toEqual(copy.report.notes);
      expect(inPlace.report.options).toEqual(copy.report.options); // who owns the bytes is not an option
    });
  }

  it('writes into the input raw_data (no copy) and matches the copy on random weights', async () => {
    const m = mlpModel();
    for (const t of m.graph!.initializer) {
      if (t.dims.length === 2) {
        const n = t.dims.reduce((a, b) => a * Number(b), 1);
        const f = randomFloats(n, 7 + n);
        f[0] = f[1]; // a tie
        t.rawData = Uint8Array.from(new Uint8Array(f.buffer));
        t.floatData = [];
      }
    }
    for (const sparsity of [0.1, 0.5, 0.93]) {
      const copyIn = open(m);
      const inputBytes = writeOnnx(copyIn.proto);
      const copy = await pruned(copyIn, { sparsity });
      expect(same(writeOnnx(copyIn.proto), inputBytes)).toBe(true);
      // The model's bytes at four offsets, so that W1's raw_data takes every alignment (as read from a file).
      const alignments = new Set<number>();
      for (const shift of [0, 1, 2, 3]) {
        const buf = new Uint8Array(inputBytes.length + shift);
        buf.set(inputBytes, shift);
        const own = readOnnx(buf.subarray(shift));
        const w1 = own.proto.graph!.initializer.find((t) => t.name === 'W1')!.rawData;
        alignments.add(w1.byteOffset % 4);
        const r = await pruned(own, { sparsity }, { ownsModel: true });
        expect(same(r.bytes, copy.bytes)).toBe(true);
        expect(figures(r.stats)).toEqual(figures(copy.stats));
        const outW1 = r.model.graph!.initializer.find((t) => t.name === 'W1')!.rawData;
        expect(outW1.buffer).toBe(w1.buffer); // the same bytes: pruned in place
        expect(outW1.byteOffset).toBe(w1.byteOffset);
        expect(zerosIn(floatWeights(own.proto).get('W1')!)).toBe(layerOf(r.stats, 'W1').zerosAfter); // the input changed
      }
      expect(alignments.size).toBe(4);
    }
  });

  it('inPlace is not a pruning option (ownership belongs to the run, not to the recipe)', async () => {
    await expectCode(pruned(mlpModel(), { inPlace: true } as never), 'bad-input', /Unknown pruning option "inPlace"/);
  });
});

describe('prune: N:M', () => {
  /** Groups of m along `axis` of a 2-D W: at most n non-zeros, and the kept ones are the largest. */
  function checkGroups(before: Float32Array, after: Float32Array, dims: number[], axis: number, n: number, m: number) {
    const [R, C] = dims;
    const at = (a: Float32Array, i: number, j: number) => a[i * C + j];
    const groups = axis === 0 ? { count: (R / m) * C } : { count: R * (C / m) };
    let checked = 0;
    for (let g = 0; g < groups.count; g++) {
      const idx: [number, number][] =
        axis === 0
          ? Array.from({ length: m }, (_, r) => [Math.floor(g / C) * m + r, g % C])
          : Array.from({ length: m }, (_, r) => [Math.floor(g / (C / m)), (g % (C / m)) * m + r]);
      const kept = idx.filter(([i, j]) => at(after, i, j) !== 0);
      expect(kept.length).toBeLessThanOrEqual(n);
      const minKept = Math.min(...kept.map(([i, j]) => Math.abs(at(before, i, j))));
      for (const [i, j] of idx) {
        const v = at(after, i, j);
        if (v !== 0) expect(v).toBe(at(before, i, j));
        else expect(Math.abs(at(before, i, j))).toBeLessThanOrEqual(minKept);
      }
      checked++;
    }
    return checked;
  }

  it('2:4 along K for MatMul W[K,N] (Constant weight) and along the last dim for Gemm transB', async () => {
    const r = await pruned(constantWeightsModel(), { pattern: '2:4' });
    const l = layerOf(r.stats, 'Wc');
    expect(l.axis).toBe(0);
    expect(l.zerosAfter).toBe((BIG_K * BIG_N) / 2);
    const groups = checkGroups(floatWeights(constantWeightsModel()).get('Wc')!, floatWeights(r.model).get('Wc')!, [BIG_K, BIG_N], 0, 2, 4);
    expect(groups).toBe((BIG_K / 4) * BIG_N);
    await runBoth(r.bytes, xBig);

    const mlp = await pruned(mlpModel(), { pattern: '2:4' });
    expect(layerOf(mlp.stats, 'W1').axis).toBe(1); // Gemm transB: W1[8,4] = [N,K]
    expect(layerOf(mlp.stats, 'W2').axis).toBe(0); // MatMul W2[8,3] = [K,N]
    checkGroups(floatWeights(mlpModel()).get('W1')!, floatWeights(mlp.model).get('W1')!, [8, 4], 1, 2, 4);
    checkGroups(floatWeights(mlpModel()).get('W2')!, floatWeights(mlp.model).get('W2')!, [8, 3], 0, 2, 4);
    expect(mlp.stats.sparsity.target).toBe(0.5);
    await runBoth(mlp.bytes, { x: { type: 'float32', data: randomFloats(8, 2), dims: [2, 4] } });

    const nm = await pruned(ifSubgraphModel(), { pattern: '1:8' });
    expect(nm.stats.layers.map((x) => x.zerosAfter)).toEqual([(BIG_K * BIG_N * 7) / 8, (BIG_K * BIG_N * 7) / 8]);
  });

  it('Conv groups along input channels; a weight whose axis M does not divide stays dense (an error only when none fits)', async () => {
    const some = await pruned(convNetModel(), { pattern: '2:4' });
    expect(some.stats.layers.map((x) => x.tensor)).toEqual(['Wf']);
    expect(some.report.skipped).toEqual([
      { node: 'conv', opType: 'Conv', reason: expect.stringMatching(/^weight "Wc" \[4, 3, 3, 3\] has 3 along its reduction axis 1, not a multiple of 4/) },
    ]);
    expect(floatWeights(some.model).get('Wc')).toEqual(floatWeights(convNetModel()).get('Wc'));
    const msg = await expectCode(pruned(convNetModel(), { pattern: '2:4', skip: ['head'] }), 'bad-input', /"conv" \(Conv\).*\[4, 3, 3, 3\].*3 along its reduction axis 1/);
    expect(msg).toMatch(/fits no weight.*unstructured/);
    const r = await pruned(convNetModel(), { pattern: '1:3', skip: ['head'] });
    expect(layerOf(r.stats, 'Wc').axis).toBe(1);
    // Wc[4,3,3,3]: for each (o, kh, kw) the 3 input channels keep 1.
    const w0 = floatWeights(convNetModel()).get('Wc')!;
    const w1 = floatWeights(r.model).get('Wc')!;
    for (let o = 0; o < 4; o++) {
      for (let p = 0; p < 9; p++) {
        const idx = [0, 1, 2].map((i) => (o * 3 + i) * 9 + p);
        expect(idx.filter((i) => w1[i] !== 0)).toHaveLength(1);
        const kept = idx.find((i) => w1[i] !== 0)!;
        expect(Math.abs(w0[kept])).toBe(Math.max(...idx.map((i) => Math.abs(w0[i]))));
      }
    }
    const s = await pruned(convNetModel(), { pattern: '2:4', skip: ['conv'] });
    expect(s.stats.layers.map((x) => x.tensor)).toEqual(['Wf']);
    await runBoth(s.bytes, { x: { type: 'float32', data: randomFloats(3 * 64, 3), dims: [1, 3, 8, 8] } });
  });
});

describe('prune: options, progress, cancellation', () => {
  it('reports progress per tensor, ending at 1', async () => {
    const seen: { fraction: number; stage: string }[] = [];
    await pruned(ifSubgraphModel(), { scope: 'layer' }, { onProgress: (p: { fraction: number; stage: string }) => seen.push(p) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.at(-1)!.fraction).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
    expect(seen.some((p) => p.stage.includes('Wt'))).toBe(true);
  });

  it('an aborted signal throws aborted (before and during the run)', async () => {
    const c = new AbortController();
    c.abort();
    await expectCode(pruned(mlpModel(), {}, { signal: c.signal }), 'aborted');
    const d = new AbortController();
    const onProgress = (p: { stage: string }) => {
      if (p.stage.startsWith('pruning')) d.abort();
    };
    await expectCode(pruned(ifSubgraphModel(), { scope: 'layer' }, { signal: d.signal, onProgress }), 'aborted');
  });
});
