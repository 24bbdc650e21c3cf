import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ort } from '../../../runtimes/ort-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ParetoError } from '../../errors';
import * as build from '../../formats/onnx/builder';
import { DataType, type GraphProto, type ModelProto } from '../../formats/onnx/proto';
import { readOnnx } from '../../formats/onnx/read';
import { dimsOf, tensorToNumbers } from '../../formats/onnx/tensor';
import { writeOnnx } from '../../formats/onnx/write';
import { constantWeightsModel, convNetModel, externalDataModel, ifSubgraphModel, mlpModel, msOpsetModel, quantizedModel, randomFloats } from '../../testing/fixtures';
import { unknownBytes, unknownFieldCarriers, unknownFieldsModel } from '../../testing/unknown-fields';
import type { FeedTensor } from './calibrate';
import { asModel, floatFeed, openSession, ortNodeRunner, relL2, roundTrip, runOnce, type Feeds } from './harness.testkit';
import { calibrate, defaultQuantizeOptions, detectQuantization, quantize, type QuantizeMode, type QuantizeOptions } from './index';
import { gemmModel, loopModel, oldOpsetModel, sharedWeightModel, unquantizableModel, wideRangeModel } from './local-fixtures.testkit';
import { expectSame } from '../../testing/same.testkit';

const opsOf = (m: ModelProto): string[] => {
  const out: string[] = [];
  const visit = (g: GraphProto) => {
    for (const n of g.node) {
      out.push(n.opType);
      for (const a of n.attribute) if (a.g) visit(a.g);
    }
  };
  visit(m.graph!);
  return out;
};

async function expectBadInput(p: Promise<unknown>, message: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ParetoError);
  expect((e as ParetoError).code).toBe('bad-input');
  expect((e as Error).message).toMatch(message);
}

const opts = (o: Partial<QuantizeOptions>) => quantize.validate(o);

/* ---------------------------------------------------------------- every mode x fixture ---------------------------------------------------------------- */

interface Case {
  name: string;
  model: () => ModelProto;
  /** Evaluation batches (several, to cover branches). */
  feeds: (seed: number) => Feeds[];
  quantizable: number;
}

const bool = (v: boolean): FeedTensor => ({ type: 'bool', data: Uint8Array.of(v ? 1 : 0), dims: [] });
const cases: Case[] = [
  { name: 'MLP (Gemm transB + MatMul)', model: mlpModel, feeds: (s) => [{ x: floatFeed(randomFloats(64 * 4, s), [64, 4]) }], quantizable: 2 },
  { name: 'Conv net (Conv + Gemm)', model: convNetModel, feeds: (s) => [{ x: floatFeed(randomFloats(8 * 3 * 64, s), [8, 3, 8, 8]) }], quantizable: 2 },
  {
    name: 'weights in Constant nodes',
    model: constantWeightsModel,
    feeds: (s) => [0, 1, 2, 3].map((i) => ({ x: floatFeed(randomFloats(128, s + i), [1, 128]) })),
    quantizable: 1,
  },
  {
    name: 'If subgraphs',
    model: ifSubgraphModel,
    feeds: (s) => [0, 1, 2, 3].map((i) => ({ cond: bool(i % 2 === 0), x: floatFeed(randomFloats(128, s + i), [1, 128]) })),
    quantizable: 2,
  },
  { name: 'com.microsoft opset import', model: msOpsetModel, feeds: (s) => [{ x: floatFeed(randomFloats(32 * 8, s), [32, 8]) }], quantizable: 1 },
  { name: 'Loop body', model: loopModel, feeds: (s) => [0, 1].map((i) => ({ x: floatFeed(randomFloats(16, s + i), [1, 16]) })), quantizable: 1 },
];

const LIMIT: Record<QuantizeMode, number> = { dynamic: 0.05, static: 0.05, 'weight-only': 0.05, fp16: 0.005 };
const table: string[] = [];

async function outputs(model: ModelProto | Uint8Array, feeds: Feeds[], runtime: 'node' | 'web'): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  const s = await openSession(model, runtime);
  for (const f of feeds) parts.push((await s.run(f))[s.outputNames[0]]);
  await s.release();
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe.each(cases)('quantize $name', (c) => {
  const modes: QuantizeMode[] = ['dynamic', 'static', 'weight-only', 'fp16'];
  it.each(modes)('%s: valid, runs in onnxruntime-node and -web, close to float32', async (mode) => {
    const input = asModel(c.model());
    const before = writeOnnx(input.proto);
    const evalFeeds = c.feeds(1000);
    const want = await outputs(input.proto, evalFeeds, 'node');
    let ranges: QuantizeOptions['activationRanges'];
    if (mode === 'static') {
      // Static ranges clip what calibration did not see: calibrate on several batches of the same distribution.
      const batches = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((s) => c.feeds(s)).map((f) =>
        Object.fromEntries(Object.entries(f).map(([k, v]) => [k, { data: v.data, dims: v.dims }])),
      );
      const cal = await calibrate(input, batches, ortNodeRunner);
      expect(cal.unavailable).toEqual([]);
      ranges = cal.ranges;
    }
    const { model, report } = await quantize.apply(input, opts({ mode, activationRanges: ranges }));
    expectSame(writeOnnx(input.proto), before); // input untouched
    expect(report.skipped).toEqual([]);
    expect(report.stats.quantizedNodes).toBe(c.quantizable);
    const read = roundTrip(model); // readOnnx validates the graph
    const bytes = writeOnnx(read.proto);
    const errNode = relL2(await outputs(bytes, evalFeeds, 'node'), want);
    const errWeb = relL2(await outputs(bytes, evalFeeds, 'web'), want);
    table.push(`${c.name.padEnd(28)} ${mode.padEnd(12)} node ${errNode.toFixed(5)}  web ${errWeb.toFixed(5)}  weights ${report.stats.weightBytesBefore} -> ${report.stats.weightBytesAfter} B`);
    expect(errNode).toBeLessThan(LIMIT[mode]);
    expect(errWeb).toBeLessThan(LIMIT[mode]);
    expect(errNode).toBeGreaterThan(0); // something changed
    expect(report.stats.weightBytesAfter as number).toBeLessThan(report.stats.weightBytesBefore as number);
    // Extra opset domains survive; the default one is raised only when needed (fixtures are opset 17).
    expect(read.proto.opsetImport.map((o) => o.domain)).toEqual(input.proto.opsetImport.map((o) => o.domain));
    expect(report.notes.filter((n) => /opset raised/.test(n))).toEqual([]);
    expect(detectQuantization(read.proto).quantized).toBe(mode !== 'fp16');
  });
});

afterAll(() => {
  if (table.length) console.log(`relative L2 error of outputs vs float32:\n${table.join('\n')}`);
});

/* -------------------------------------------------------------------- layouts -------------------------------------------------------------------- */

describe('what each mode writes', () => {
  it('dynamic: DynamicQuantizeLinear + MatMulInteger (activation zero point given) + Cast + Mul + Mul (+ Add)', async () => {
    const { model } = await quantize.apply(asModel(mlpModel()), opts({ mode: 'dynamic' }));
    const g = model.graph!;
    expect(opsOf(model).sort()).toEqual(
      ['DynamicQuantizeLinear', 'DynamicQuantizeLinear', 'MatMulInteger', 'MatMulInteger', 'Cast', 'Cast', 'Mul', 'Mul', 'Mul', 'Mul', 'Add', 'Relu', 'Add'].sort(),
    );
    for (const n of g.node.filter((x) => x.opType === 'MatMulInteger')) {
      expect(n.input).toHaveLength(4);
      const wq = g.initializer.find((t) => t.name === n.input[1])!;
      const wz = g.initializer.find((t) => t.name === n.input[3])!;
      expect(wq.dataType).toBe(DataType.INT8);
      expect(wz.dataType).toBe(DataType.INT8); // same type as the weight
    }
    // Gemm transB=1: W1 [8, 4] stored transposed [4, 8]
    expect(dimsOf(g.initializer.find((t) => t.name === 'W1_quantized')!)).toEqual([4, 8]);
    expect(g.initializer.some((t) => t.name === 'W1' || t.name === 'W2')).toBe(false); // float weights gone
  });

  it('static: Q -> DQ on inputs, DQ on per-channel int8 weights, int32 bias, and Q -> DQ after each op', async () => {
    const m = asModel(convNetModel());
    const cal = await calibrate(m, [{ x: randomFloats(2 * 3 * 64, 5) }], ortNodeRunner);
    const { model } = await quantize.apply(m, opts({ mode: 'static', activationRanges: cal.ranges }));
    const g = model.graph!;
    const conv = g.node.find((n) => n.opType === 'Conv')!;
    const producer = (name: string) => g.node.find((n) => n.output.includes(name));
    expect(producer(conv.input[0])!.opType).toBe('DequantizeLinear');
    const wdq = producer(conv.input[1])!;
    expect(wdq.opType).toBe('DequantizeLinear');
    expect(Number(wdq.attribute.find((a) => a.name === 'axis')!.i)).toBe(0);
    expect(g.initializer.find((t) => t.name === wdq.input[1])!.dims.map(Number)).toEqual([4]);
    const bdq = producer(conv.input[2])!;
    expect(g.initializer.find((t) => t.name === bdq.input[0])!.dataType).toBe(DataType.INT32);
    const after = g.node.filter((n) => n.input.includes(conv.output[0]));
    expect(after.map((n) => n.opType)).toEqual(['QuantizeLinear']);
    const act = g.initializer.find((t) => t.name === producer(conv.input[0])!.input[2])!;
    expect(act.dataType).toBe(DataType.UINT8);
    // int8 activations on request
    const { model: m8 } = await quantize.apply(m, opts({ mode: 'static', activationRanges: cal.ranges, activationType: 'int8' }));
    const q = m8.graph!.node.find((n) => n.opType === 'QuantizeLinear')!;
    expect(m8.graph!.initializer.find((t) => t.name === q.input[2])!.dataType).toBe(DataType.INT8);
    expect(relL2(await runOnce(m8, { x: floatFeed(randomFloats(2 * 3 * 64, 5), [2, 3, 8, 8]) }, 'node'), await runOnce(m.proto, { x: floatFeed(randomFloats(2 * 3 * 64, 5), [2, 3, 8, 8]) }, 'node'))).toBeLessThan(0.05);
  });

  it('weight-only: int8 + DequantizeLinear(axis) feeding the float op; fp16: float16 + Cast', async () => {
    const { model } = await quantize.apply(asModel(mlpModel()), opts({ mode: 'weight-only' }));
    expect(opsOf(model).sort()).toEqual(['DequantizeLinear', 'DequantizeLinear', 'Gemm', 'Relu', 'MatMul', 'Add'].sort());
    const { model: h, report } = await quantize.apply(asModel(mlpModel()), opts({ mode: 'fp16' }));
    expect(opsOf(h).filter((o) => o === 'Cast')).toHaveLength(3); // W1, b1 (Gemm C), W2
    expect(h.graph!.initializer.filter((t) => t.dataType === DataType.FLOAT16)).toHaveLength(3);
    expect(h.graph!.input.map((i) => i.name)).toEqual(['x']);
    expect(report.stats.weightsQuantizedShare).toBeCloseTo((32 + 8 + 24) / 67, 5);
  });

  it('onnxruntime fuses them as onnx-int8.md says (QLinearMatMul/QGemm/QLinearConv, DynamicQuantizeMatMul)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pareto-q-'));
    const fused = async (model: ModelProto, name: string) => {
      const path = join(dir, `${name}.onnx`);
      const s = await ort.InferenceSession.create(writeOnnx(model), { optimizedModelFilePath: path, graphOptimizationLevel: 'all' });
      await s.release();
      return opsOf(readOnnx(readFileSync(path)).proto);
    };
    const mlp = asModel(mlpModel());
    const conv = asModel(convNetModel());
    const dyn = await fused((await quantize.apply(mlp, opts({ mode: 'dynamic' }))).model, 'dyn');
    expect(dyn.filter((o) => o === 'DynamicQuantizeMatMul')).toHaveLength(2);
    const calM = await calibrate(mlp, [{ x: randomFloats(64, 3) }], ortNodeRunner);
    const st = await fused((await quantize.apply(mlp, opts({ mode: 'static', activationRanges: calM.ranges }))).model, 'st');
    expect(st).toContain('QGemm');
    expect(st).toContain('QLinearMatMul');
    const calC = await calibrate(conv, [{ x: randomFloats(3 * 64, 3) }], ortNodeRunner);
    const stc = await fused((await quantize.apply(conv, opts({ mode: 'static', activationRanges: calC.ranges }))).model, 'stc');
    expect(stc).toContain('QLinearConv');
  });
});

/* ------------------------------------------------------------------- behaviour ------------------------------------------------------------------- */

describe('already quantized models', () => {
  it('are recognised and refused', async () => {
    const info = detectQuantization(quantizedModel());
    expect(info.quantized).toBe(true);
    expect(info.ops).toEqual({ DynamicQuantizeLinear: 1, MatMulInteger: 1 });
    expect(info.quantizedWeights).toBe(1);
    await expectBadInput(quantize.apply(asModel(quantizedModel()), opts({})), /already quantized \(dynamic int8.*1 DynamicQuantizeLinear, 1 MatMulInteger/);
    for (const mode of ['dynamic', 'weight-only'] as const) {
      const once = await quantize.apply(asModel(mlpModel()), opts({ mode }));
      await expectBadInput(quantize.apply(roundTrip(once.model), opts({ mode: 'dynamic' })), /already quantized/);
    }
    expect(detectQuantization(mlpModel())).toMatchObject({ quantized: false, ops: {}, kind: '' });
  });

  it('float16 weights (the fp16 output) are left alone with the reason', async () => {
    const half = await quantize.apply(asModel(mlpModel()), opts({ mode: 'fp16' }));
    expect(detectQuantization(half.model)).toMatchObject({ quantized: false, castFloat16Weights: 3 });
    const again = await quantize.apply(asModel(half.model), opts({ mode: 'dynamic' }));
    expect(again.report.stats.quantizedNodes).toBe(0);
    expect(again.report.skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/float16 cast to float32 at run time \(already converted to float16\)/),
      expect.stringMatching(/already converted to float16/),
    ]);
  });
});

describe('skipped nodes are listed with the reason', () => {
  it('not constant, float16 weight, transA, exclusions, first/last layer', async () => {
    const { report } = await quantize.apply(asModel(unquantizableModel()), opts({}));
    expect(report.skipped).toEqual([
      { node: 'mm_fp16', opType: 'MatMul', reason: 'weight "W16f" is float16 cast to float32 at run time (already converted to float16)' },
      { node: 'mm_input', opType: 'MatMul', reason: 'weight "Win" is a graph input, not a constant' },
      { node: 'gemm_transA', opType: 'Gemm', reason: 'transA=1 is not supported by dynamic mode (MatMulInteger has no transpose)' },
    ]);
    // The other modes keep the Gemm (and its transA).
    const wo = await quantize.apply(asModel(unquantizableModel()), opts({ mode: 'weight-only' }));
    expect(wo.report.skipped.map((s) => s.node)).toEqual(['mm_fp16', 'mm_input']);
    const conv = asModel(convNetModel());
    const r1 = await quantize.apply(conv, opts({ excludeOpTypes: ['Conv'] }));
    expect(r1.report.skipped).toEqual([{ node: 'conv', opType: 'Conv', reason: 'excluded by op type (--exclude / Exclude)' }]);
    const r2 = await quantize.apply(conv, opts({ excludeNodes: ['head'] }));
    expect(r2.report.skipped).toEqual([{ node: 'head', opType: 'Gemm', reason: 'excluded by name (--exclude / Exclude)' }]);
    const r3 = await quantize.apply(conv, opts({ keepFirstLayerFloat: true }));
    expect(r3.report.skipped[0]).toMatchObject({ node: 'conv', reason: 'kept in float: first quantizable layer (--keep-first / keep first layer float)' });
    const r4 = await quantize.apply(conv, opts({ keepLastLayerFloat: true, opTypes: ['Conv', 'Gemm'] }));
    expect(r4.report.skipped[0]).toMatchObject({ node: 'head', reason: 'kept in float: last quantizable layer (--keep-last / keep last layer float)' });
    const r5 = await quantize.apply(conv, opts({ opTypes: ['Gemm'] }));
    expect(r5.report.skipped).toEqual([{ node: 'conv', opType: 'Conv', reason: 'op type Conv not selected (--op-types / Ops)' }]);
    expect(opsOf(r5.model)).toContain('Conv');
    // Reasons name the CLI flag and the form field, never an option key (excludeOpTypes, keepFirstLayerFloat, ...).
    const keys = new RegExp(`\\b(${Object.keys(defaultQuantizeOptions).filter((k) => /[A-Z]/.test(k)).join('|')})\\b`);
    for (const r of [r1, r2, r3, r4, r5]) for (const s of r.report.skipped) expect(s.reason).not.toMatch(keys);
    // static: a node whose activation has no range stays float
    const cal = await calibrate(conv, [{ x: randomFloats(3 * 64, 1) }], ortNodeRunner);
    const partial = { ...cal.ranges };
    delete partial.y;
    const r6 = await quantize.apply(conv, opts({ mode: 'static', activationRanges: partial }));
    expect(r6.report.skipped).toEqual([{ node: 'head', opType: 'Gemm', reason: 'no calibrated range for activation "y"' }]);
  });
});

describe('weights', () => {
  it('shared by several nodes are quantized once; the float copy goes when nothing else reads it', async () => {
    for (const mode of ['dynamic', 'weight-only', 'static', 'fp16'] as const) {
      const m = asModel(sharedWeightModel());
      const cal = mode === 'static' ? (await calibrate(m, [{ x: randomFloats(64, 2) }], ortNodeRunner)).ranges : undefined;
      const { model, report } = await quantize.apply(m, opts({ mode, activationRanges: cal }));
      expect(report.stats.quantizedNodes).toBe(3);
      expect(report.stats.convertedWeights).toBe(2);
      const names = model.graph!.initializer.map((t) => t.name);
      expect(names.filter((n) => n.startsWith('W_') && (n.endsWith('_quantized') || n.endsWith('_fp16')))).toHaveLength(1);
      expect(names).not.toContain('W');
      const x = { x: floatFeed(randomFloats(64, 2), [2, 32]) };
      expect(relL2(await runOnce(roundTrip(model).proto, x, 'node'), await runOnce(m.proto, x, 'node'))).toBeLessThan(0.05);
    }
    const kept = await quantize.apply(asModel(sharedWeightModel(true)), opts({}));
    expect(kept.model.graph!.initializer.map((t) => t.name)).toContain('W');
    expect(kept.report.notes.join(' ')).toMatch(/4096 bytes of float weights are kept because other \(float\) nodes also read them/);
  });

  it('per-channel beats per-tensor when channel ranges differ', async () => {
    const m = asModel(wideRangeModel());
    const B = 32;
    const N = 16;
    const x = { x: floatFeed(randomFloats(B * 64, 3), [B, 64]) };
    const want = await runOnce(m.proto, x, 'web');
    /** Mean over output channels of each channel's relative L2 error (the overall L2 only sees the widest channels). */
    const channelErr = (got: Float32Array) => {
      let s = 0;
      for (let j = 0; j < N; j++) {
        const col = (a: Float32Array) => Array.from({ length: B }, (_, b) => a[b * N + j]);
        s += relL2(col(got), col(want));
      }
      return s / N;
    };
    // (Not static: its per-tensor Q after the op squashes the narrow output channels either way.)
    for (const mode of ['weight-only', 'dynamic'] as const) {
      const run = async (perChannel: boolean) => channelErr(await runOnce((await quantize.apply(m, opts({ mode, perChannel }))).model, x, 'web'));
      const pc = await run(true);
      const pt = await run(false);
      console.log(`wide-range channels, ${mode}: mean per-channel error ${pc.toFixed(5)} (per-channel scales), ${pt.toFixed(5)} (per-tensor)`);
      expect(pc).toBeLessThan(pt / 10);
    }
  });

  it('Gemm: transB, alpha, beta, non-constant C; asymmetric weights', async () => {
    const c = { C: floatFeed(randomFloats(20, 5), [20]) };
    for (const g of [
      { transB: false },
      { transB: true },
      { transB: true, alpha: 0.5, beta: 2 },
      { transB: false, alpha: 3, beta: 0.25, cInput: true },
      { transB: true, transA: true },
    ]) {
      const m = asModel(gemmModel(g));
      const x = { x: floatFeed(randomFloats(8 * 24, 4), g.transA ? [24, 8] : [8, 24]) };
      const feeds = g.cInput ? { ...x, ...c } : x;
      const want = await runOnce(m.proto, feeds, 'node');
      for (const mode of ['dynamic', 'weight-only', 'fp16'] as const) {
        for (const symmetric of [true, false]) {
          const { model, report } = await quantize.apply(m, opts({ mode, symmetric }));
          expect(report.stats.quantizedNodes).toBe(g.transA && mode === 'dynamic' ? 0 : 1);
          const err = relL2(await runOnce(roundTrip(model).proto, feeds, 'web'), want);
          expect(err, `${JSON.stringify(g)} ${mode} symmetric=${symmetric}`).toBeLessThan(mode === 'fp16' ? 0.005 : 0.03);
        }
      }
    }
  });

  it('asymmetric dynamic Conv falls back to per-tensor (ConvInteger takes no per-channel zero point) and says so', async () => {
    const m = asModel(convNetModel());
    const { model, report } = await quantize.apply(m, opts({ symmetric: false }));
    expect(report.notes.join(' ')).toMatch(/ConvInteger rejects per-channel zero points/);
    expect(report.stats.nodes).toEqual(
      expect.arrayContaining([expect.objectContaining({ node: 'conv', scheme: 'int8 per-tensor' }), expect.objectContaining({ node: 'head', scheme: 'int8 per-channel' })]),
    );
    const x = { x: floatFeed(randomFloats(2 * 3 * 64, 9), [2, 3, 8, 8]) };
    for (const rt of ['node', 'web'] as const) expect(relL2(await runOnce(model, x, rt), await runOnce(m.proto, x, 'node'))).toBeLessThan(0.05);
  });

  it('Conv variants: 1-D, 3-D, depthwise (group), strided + dilated + asymmetric pads', async () => {
    const variants: [string, number[], number[], Record<string, build.AttrValue>][] = [
      ['conv1d', [2, 4, 16], [6, 4, 3], { pads: build.attr.ints([1, 1]) }],
      ['conv3d', [1, 2, 6, 6, 6], [3, 2, 3, 3, 3], {}],
      ['depthwise', [2, 4, 8, 8], [4, 1, 3, 3], { group: build.attr.i(4) }],
      ['strided', [2, 3, 12, 12], [5, 3, 3, 3], { strides: build.attr.ints([2, 2]), dilations: build.attr.ints([2, 2]), pads: build.attr.ints([1, 0, 2, 1]) }],
    ];
    const size = (d: number[]) => d.reduce((a, b) => a * b, 1);
    for (const [name, xd, wd, attrs] of variants) {
      const m = build.model({
        graph: build.graph({
          name,
          nodes: [build.node('Conv', ['x', 'W', 'B'], ['y'], attrs, { name: 'conv' })],
          inputs: [build.valueInfo('x', DataType.FLOAT, xd)],
          outputs: [build.valueInfo('y', DataType.FLOAT)],
          initializers: [build.floatTensor('W', wd, randomFloats(size(wd), 3)), build.floatTensor('B', [wd[0]], randomFloats(wd[0], 4))],
        }),
        opset: 17,
      });
      const x = { x: floatFeed(randomFloats(size(xd), 5), xd) };
      const want = await runOnce(m, x, 'node');
      for (const mode of ['dynamic', 'weight-only'] as const) {
        const { model } = await quantize.apply(asModel(m), opts({ mode }));
        for (const rt of ['node', 'web'] as const) expect(relL2(await runOnce(model, x, rt), want), `${name} ${mode} ${rt}`).toBeLessThan(0.02);
      }
    }
  });

  it('external data: reads weights from the data files, writes int8 inline', async () => {
    const f = externalDataModel();
    const m = readOnnx(writeOnnx(f.model), { loadExternal: (loc) => f.files[loc] });
    const { model } = await quantize.apply(m, opts({ mode: 'weight-only' }));
    const g = model.graph!;
    const q = g.initializer.find((t) => t.name === 'W1_quantized')!;
    const s = g.initializer.find((t) => t.name === 'W1_scale')!;
    const qv = tensorToNumbers(q);
    const sv = tensorToNumbers(s);
    expect(sv.length).toBe(8); // per output column of W1 [4, 8]
    for (let i = 0; i < 32; i++) expect(Math.abs(qv[i] * sv[i % 8] - f.values.W1[i])).toBeLessThanOrEqual(sv[i % 8] / 2 + 1e-7);
    expect(g.initializer.find((t) => t.name === 'B1')).toBeDefined(); // untouched, still external
  });
});

describe('what the user wrote is kept', () => {
  it('metadata, doc strings and fields from a newer ONNX schema survive (model, graphs, nodes, replaced nodes)', async () => {
    const f = unknownFieldsModel();
    const input = readOnnx(f.bytes);
    for (const mode of ['dynamic', 'weight-only'] as const) {
      const { model, report } = await quantize.apply(input, opts({ mode }));
      expect(report.stats.quantizedNodes).toBe(2);
      const back = readOnnx(writeOnnx(model)).proto;
      const carriers = unknownFieldCarriers(back);
      for (const key of ['model', 'graph', 'node', 'tensor', 'subgraph'] as const) expect(unknownBytes(carriers[key] as Parameters<typeof unknownBytes>[0]), key).toEqual(f.appended[key]);
      expect(back.metadataProps.map((p) => p.key)).toEqual(['license', 'ünïcode-key']);
      const sub = back.graph!.node.find((n) => n.opType === 'If')!.attribute.find((a) => a.name === 'then_branch')!.g!;
      const op = sub.node.find((n) => n.opType === (mode === 'dynamic' ? 'MatMulInteger' : 'MatMul'))!;
      expect(op.metadataProps.map((p) => [p.key, p.value])).toEqual([['inner-note', 'in a subgraph']]);
      expect(unknownBytes(op)).toEqual(f.appended.subNode);
    }
  });
});

describe('opsets', () => {
  it('raises the opset only when needed and safe, and says so', async () => {
    const x = { x: floatFeed(randomFloats(32, 6), [2, 16]) };
    const plain = asModel(oldOpsetModel(11));
    const want = await runOnce(plain.proto, x, 'node');
    const r = await quantize.apply(plain, opts({ mode: 'weight-only' }));
    expect(r.report.notes[0]).toMatch(/Default opset raised from 11 to 13: per-channel QuantizeLinear\/DequantizeLinear \(axis\) need 13/);
    expect(Number(r.model.opsetImport[0].version)).toBe(13);
    expect(Number(r.model.irVersion)).toBe(7);
    expect(r.model.graph!.input.map((i) => i.name)).toEqual(['x']); // the replaced weight's IR-3 input entry is gone
    expect(relL2(await runOnce(roundTrip(r.model).proto, x, 'web'), want)).toBeLessThan(0.05);
    // Per-tensor needs only opset 10: unchanged.
    const pt = await quantize.apply(plain, opts({ mode: 'weight-only', perChannel: false }));
    expect(Number(pt.model.opsetImport[0].version)).toBe(11);
    // Squeeze/Unsqueeze changed at 13: the model is converted to 13 first (axes attribute -> input), then per-channel.
    const sq = asModel(oldOpsetModel(11, 'squeeze'));
    const r2 = await quantize.apply(sq, opts({ mode: 'weight-only' }));
    expect(Number(r2.model.opsetImport[0].version)).toBe(13);
    expect(r2.report.notes[0]).toMatch(/^Converted the model from opset 11 to 13 first \(mode 'weight-only' needs it\)/);
    expect(r2.model.graph!.node.find((n) => n.opType === 'Squeeze')!.input).toHaveLength(2); // axes became an input
    expect(relL2(await runOnce(roundTrip(r2.model).proto, x, 'node'), await runOnce(sq.proto, x, 'node'))).toBeLessThan(0.05);
    // dynamic needs 11 (DynamicQuantizeLinear): an opset-10 model is raised when nothing changes meaning.
    const r3 = await quantize.apply(asModel(oldOpsetModel(10)), opts({ mode: 'dynamic' }));
    expect(Number(r3.model.opsetImport[0].version)).toBe(11);
    expect(r3.report.notes[0]).toMatch(/raised from 10 to 11/);
    // ... and converted first when something would change (Clip's min/max became inputs at 11).
    const clip = asModel(oldOpsetModel(9, 'clip'));
    const r5 = await quantize.apply(clip, opts({ mode: 'dynamic' }));
    expect(Number(r5.model.opsetImport[0].version)).toBe(11);
    expect(r5.report.notes[0]).toMatch(/^Converted the model from opset 9 to 11 first .*Clip/);
    expect(relL2(await runOnce(roundTrip(r5.model).proto, x, 'node'), await runOnce(clip.proto, x, 'node'))).toBeLessThan(0.05);
    // opset 9 + Squeeze, weight-only per-channel: converted to 13.
    const r4 = await quantize.apply(asModel(oldOpsetModel(9, 'squeeze')), opts({ mode: 'weight-only' }));
    expect(Number(r4.model.opsetImport[0].version)).toBe(13);
    expect(relL2(await runOnce(roundTrip(r4.model).proto, x, 'node'), await runOnce(oldOpsetModel(9, 'squeeze'), x, 'node'))).toBeLessThan(0.05);
  });
});

describe('progress and cancellation', () => {
  it('reports progress per tensor up to 1', async () => {
    const seen: number[] = [];
    await quantize.apply(asModel(sharedWeightModel()), opts({}), { onProgress: (p) => seen.push(p.fraction) });
    expect(seen[0]).toBe(0);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('an abort mid-run throws aborted', async () => {
    const ac = new AbortController();
    let calls = 0;
    const run = quantize.apply(asModel(sharedWeightModel()), opts({}), {
      signal: ac.signal,
      onProgress: (p) => {
        calls++;
        if (p.fraction > 0) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'aborted' });
    expect(calls).toBe(3); // start, first tensor (fraction 0), second tensor: aborted there
    const pre = new AbortController();
    pre.abort();
    await expect(quantize.apply(asModel(mlpModel()), opts({}), { signal: pre.signal })).rejects.toMatchObject({ code: 'aborted' });
  });
});

describe('local fixtures (local-fixtures.testkit.ts)', () => {
  it('load and run in onnxruntime', async () => {
    expect((await runOnce(wideRangeModel(), { x: floatFeed(randomFloats(128, 1), [2, 64]) }, 'node')).length).toBe(32);
    expect((await runOnce(loopModel(), { x: floatFeed(randomFloats(16, 1), [1, 16]) }, 'node')).length).toBe(24);
    expect((await runOnce(oldOpsetModel(11, 'squeeze'), { x: floatFeed(randomFloats(32, 1), [2, 16]) }, 'node')).length).toBe(16);
  });
});
