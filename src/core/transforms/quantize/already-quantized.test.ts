import { describe, expect, it } from 'vitest';
import { ParetoError } from '../../errors';
import { attr, floatTensor, graph, model, node, tensor, valueInfo } from '../../formats/onnx/builder';
import { DataType, type ModelProto } from '../../formats/onnx/proto';
import { quantizedModel } from '../../testing/fixtures';
import { applyPrune, DEFAULT_PRUNE_OPTIONS } from '../prune/index';
import { calibrate } from './calibrate';
import { asModel, floatFeed, ortNodeRunner, roundTrip, runOnce } from './harness.testkit';
import { applyQuantize, defaultQuantizeOptions } from './index';
import type { QuantizeMode } from './options';

/**
 * Issue 11, item 5: an already-quantized model is refused by name in every mode (static quantize used to fail with
 * "'fetches' cannot be an empty array", prune used to kill Node), and a model whose only integer parts are int8
 * initializers (cast to float at run time) goes through with those nodes listed as skipped.
 */

const int8 = (n: number, seed: number) => Int8Array.from({ length: n }, (_, i) => ((i * 37 + seed * 11) % 255) - 127);

/** x[1,1,6,6] -> QuantizeLinear -> QLinearConv(int8 W) -> DequantizeLinear -> y (the QOperator layout). */
function qlinearConvModel(): ModelProto {
  return model({
    graph: graph({
      name: 'qlinear',
      nodes: [
        node('QuantizeLinear', ['x', 'xs', 'xz'], ['xq']),
        node('QLinearConv', ['xq', 'xs', 'xz', 'W', 'ws', 'wz', 'ys', 'yz'], ['yq'], { kernel_shape: attr.ints([3, 3]) }),
        node('DequantizeLinear', ['yq', 'ys', 'yz'], ['y']),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 1, 6, 6])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 2, 4, 4])],
      initializers: [
        floatTensor('xs', [], Float32Array.of(0.01)),
        tensor('xz', DataType.UINT8, [], Uint8Array.of(128)),
        tensor('W', DataType.INT8, [2, 1, 3, 3], int8(18, 1)),
        floatTensor('ws', [], Float32Array.of(0.02)),
        tensor('wz', DataType.INT8, [], Int8Array.of(0)),
        floatTensor('ys', [], Float32Array.of(0.05)),
        tensor('yz', DataType.UINT8, [], Uint8Array.of(128)),
      ],
    }),
    opset: 13,
  });
}

/** QDQ: x -> Q -> DQ -> MatMul(DQ(int8 W)) -> y. */
function qdqModel(): ModelProto {
  return model({
    graph: graph({
      name: 'qdq',
      nodes: [
        node('QuantizeLinear', ['x', 'xs', 'xz'], ['xq']),
        node('DequantizeLinear', ['xq', 'xs', 'xz'], ['xd']),
        node('DequantizeLinear', ['Wq', 'ws'], ['Wd']),
        node('MatMul', ['xd', 'Wd'], ['y']),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 4])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 3])],
      initializers: [
        floatTensor('xs', [], Float32Array.of(0.01)),
        tensor('xz', DataType.UINT8, [], Uint8Array.of(128)),
        tensor('Wq', DataType.INT8, [4, 3], int8(12, 2)),
        floatTensor('ws', [], Float32Array.of(0.02)),
      ],
    }),
    opset: 13,
  });
}

/** int8 initializers cast to float at run time, no quantization op: x -> MatMul(Cast(Wq)) -> y. */
function int8InitializerModel(): ModelProto {
  return model({
    graph: graph({
      name: 'int8-init',
      nodes: [node('Cast', ['Wq'], ['W'], { to: attr.i(DataType.FLOAT) }), node('MatMul', ['x', 'W'], ['y'])],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 4])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 3])],
      initializers: [tensor('Wq', DataType.INT8, [4, 3], int8(12, 3))],
    }),
    opset: 13,
  });
}

const quantized: [string, () => ModelProto, string][] = [
  ['dynamic (DynamicQuantizeLinear + MatMulInteger)', quantizedModel, 'MatMulInteger'],
  ['QOperator (QLinearConv)', qlinearConvModel, 'QLinearConv'],
  ['QDQ (QuantizeLinear/DequantizeLinear)', qdqModel, 'QuantizeLinear'],
];
const modes: QuantizeMode[] = ['dynamic', 'weight-only', 'fp16'];

async function refusal(p: Promise<unknown>): Promise<ParetoError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ParetoError);
  return e as ParetoError;
}

describe('already-quantized models are refused by name in every mode', () => {
  for (const [label, make, op] of quantized) {
    describe(label, () => {
      for (const mode of modes) {
        it(`quantize ${mode}`, async () => {
          const e = await refusal(applyQuantize(roundTrip(make()), { ...defaultQuantizeOptions, mode }));
          expect(e.code).toBe('bad-input');
          expect(e.message).toMatch(/already quantized/);
          expect(e.message).toContain(op);
        });
      }
      it('static: calibration refuses before running anything', async () => {
        const t = make().graph!.input[0].type!.value;
        const dims = t.case === 'tensorType' ? t.value.shape!.dim.map((d) => Number(d.value.value ?? 1)) : [];
        const batches = [{ x: new Float32Array(dims.reduce((s, d) => s * d, 1)) }];
        const e = await refusal(calibrate(roundTrip(make()), batches as never, ortNodeRunner));
        expect(e.message).toMatch(/already quantized.*static/);
        expect(e.message).toContain(op);
        const e2 = await refusal(applyQuantize(roundTrip(make()), { ...defaultQuantizeOptions, mode: 'static', activationRanges: { x: [0, 1] } }));
        expect(e2.message).toContain(op);
      });
      it('prune', async () => {
        const e = await refusal(applyPrune(roundTrip(make()), { ...DEFAULT_PRUNE_OPTIONS, sparsity: 0.5 }));
        expect(e.message).toMatch(/already quantized.*pruning needs the float32 weights/);
        expect(e.message).toContain(op);
      });
    });
  }
});

describe('a model whose only integers are int8 initializers (cast to float)', () => {
  const x = floatFeed(Float32Array.of(0.5, -1, 2, 0.25), [1, 4]);
  for (const mode of modes) {
    it(`quantize ${mode}: succeeds, the MatMul skipped with its reason, outputs unchanged`, async () => {
      const m = int8InitializerModel();
      const r = await applyQuantize(asModel(m), { ...defaultQuantizeOptions, mode });
      expect(r.report.skipped).toEqual([expect.objectContaining({ opType: 'MatMul', reason: expect.stringContaining('computed by a Cast node') })]);
      expect(await runOnce(r.model, { x }, 'node')).toEqual(await runOnce(m, { x }, 'node'));
    });
  }
  it('static: calibration says there is nothing to calibrate, and why, without running a session', async () => {
    const m = int8InitializerModel();
    const e = await refusal(calibrate(asModel(m), [{ x: x.data as Float32Array }], ortNodeRunner));
    expect(e.message).toMatch(/nothing to calibrate.*MatMul ".*computed by a Cast node/);
  });
  it('prune: succeeds, the int8 weight is not a float32 weight to prune', async () => {
    const r = await applyPrune(asModel(int8InitializerModel()), { ...DEFAULT_PRUNE_OPTIONS, sparsity: 0.5, compressedSize: 'off' });
    expect((r.report.stats as { layers: unknown[] }).layers).toEqual([]);
    expect(r.report.notes.join(' ')).toMatch(/No prunable weights/);
  });
});
