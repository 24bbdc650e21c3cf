import { describe, expect, it } from 'vitest';
import { floatTensor, graph, model, node, attr, valueInfo } from '../../formats/onnx/builder';
import { DataType, type ModelProto } from '../../formats/onnx/proto';
import { randomFloats } from '../../testing/fixtures';
import { floatFeed, openSession, roundTrip } from './harness.testkit';
import { applyQuantize, defaultQuantizeOptions } from './index';
import type { QuantizeMode } from './options';

/** Issue 11, item 3: LSTM weights int8 in dynamic mode (com.microsoft DynamicQuantizeLSTM, run by onnxruntime-node and -web), recurrent weights float16 in fp16. */

const T = 6;
const B = 2;
const I = 16;
const H = 24;

/** X[T,B,I] -> LSTM|GRU (D directions, hidden H, bias) -> Y[T,D,B,H], Y_h -> MatMul head -> out. */
function recurrentModel(op: 'LSTM' | 'GRU' | 'RNN', D = 1): ModelProto {
  const gates = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
  return model({
    graph: graph({
      name: `${op}-model`,
      nodes: [
        node(op, ['X', 'W', 'R', 'B'], ['Y', 'Y_h'], { hidden_size: attr.i(H), ...(D === 2 ? { direction: attr.s('bidirectional') } : {}) }, { name: 'rnn' }),
        node('MatMul', ['Y_h', 'head'], ['out'], {}, { name: 'head' }),
      ],
      inputs: [valueInfo('X', DataType.FLOAT, [T, B, I])],
      outputs: [valueInfo('Y', DataType.FLOAT, [T, D, B, H]), valueInfo('out', DataType.FLOAT, [D, B, 5])],
      initializers: [
        floatTensor('W', [D, gates * H, I], randomFloats(D * gates * H * I, 11).map((v) => v * 0.4)),
        floatTensor('R', [D, gates * H, H], randomFloats(D * gates * H * H, 12).map((v) => v * 0.4)),
        floatTensor('B', [D, 2 * gates * H], randomFloats(D * 2 * gates * H, 13).map((v) => v * 0.1)),
        floatTensor('head', [H, 5], randomFloats(H * 5, 14)),
      ],
    }),
    opset: 14,
  });
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

async function outputs(m: ModelProto, runtime: 'node' | 'web' = 'node') {
  const s = await openSession(m, runtime);
  try {
    const x = floatFeed(randomFloats(T * B * I, 21), [T, B, I]);
    return await s.run({ X: x });
  } finally {
    await s.release();
  }
}

const dtypeOf = (m: ModelProto, name: string) => m.graph!.initializer.find((t) => t.name === name)?.dataType;

describe('recurrent layers', () => {
  for (const D of [1, 2]) {
    it(`dynamic: LSTM (${D === 2 ? 'bidirectional' : 'forward'}) becomes DynamicQuantizeLSTM with int8 W and R; cosine >= 0.99 in onnxruntime-node`, async () => {
      const m = recurrentModel('LSTM', D);
      const r = await applyQuantize(roundTrip(m), { ...defaultQuantizeOptions, mode: 'dynamic' });
      const q = r.model.graph!.node.find((n) => n.opType === 'DynamicQuantizeLSTM')!;
      expect(q.domain).toBe('com.microsoft');
      expect(r.model.opsetImport.some((o) => o.domain === 'com.microsoft')).toBe(true);
      expect(r.model.graph!.node.some((n) => n.opType === 'LSTM')).toBe(false);
      expect(dtypeOf(r.model, q.input[1])).toBe(DataType.INT8);
      expect(dtypeOf(r.model, q.input[2])).toBe(DataType.INT8);
      expect(r.model.graph!.initializer.find((t) => t.name === q.input[1])!.dims.map(Number)).toEqual([D, I, 4 * H]);
      expect(r.model.graph!.initializer.find((t) => t.name === q.input[2])!.dims.map(Number)).toEqual([D, H, 4 * H]);
      // The float W and R are gone.
      expect(dtypeOf(r.model, 'W')).toBeUndefined();
      expect(dtypeOf(r.model, 'R')).toBeUndefined();
      const nodes = (r.report.stats as { nodes: { opType: string; scheme: string }[] }).nodes;
      expect(nodes.map((n) => n.opType).sort()).toEqual(['LSTM', 'MatMul']);
      const [want, got] = [await outputs(m), await outputs(r.model)];
      for (const k of ['Y', 'out']) expect(cosine(got[k], want[k])).toBeGreaterThanOrEqual(0.99);
      // The app's runtime (onnxruntime-web, wasm) has the kernel too.
      const web = await outputs(r.model, 'web');
      for (const k of ['Y', 'out']) expect(cosine(web[k], want[k])).toBeGreaterThanOrEqual(0.99);
    });
  }

  for (const op of ['LSTM', 'GRU', 'RNN'] as const) {
    it(`fp16: ${op} weights stored as float16, Cast to float32 before the op; cosine >= 0.99`, async () => {
      const m = recurrentModel(op);
      const r = await applyQuantize(roundTrip(m), { ...defaultQuantizeOptions, mode: 'fp16' });
      const rnn = r.model.graph!.node.find((n) => n.opType === op)!;
      for (const i of [1, 2, 3]) {
        const cast = r.model.graph!.node.find((n) => n.output[0] === rnn.input[i])!;
        expect(cast.opType).toBe('Cast');
        expect(dtypeOf(r.model, cast.input[0])).toBe(DataType.FLOAT16);
      }
      expect(r.report.skipped).toEqual([]);
      const [want, got] = [await outputs(m), await outputs(r.model)];
      for (const k of ['Y', 'out']) expect(cosine(got[k], want[k])).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('dynamic: GRU and RNN stay float, with the reason in skipped', async () => {
    for (const op of ['GRU', 'RNN'] as const) {
      const r = await applyQuantize(roundTrip(recurrentModel(op)), { ...defaultQuantizeOptions, mode: 'dynamic' });
      expect(r.report.skipped).toEqual([expect.objectContaining({ opType: op, reason: expect.stringMatching(/no int8 .* kernel.*DynamicQuantizeLSTM only/) })]);
      expect(dtypeOf(r.model, 'W')).toBe(DataType.FLOAT);
    }
  });

  it.each<QuantizeMode>(['weight-only'])('%s: LSTM stays float with the reason', async (mode) => {
    const r = await applyQuantize(roundTrip(recurrentModel('LSTM')), { ...defaultQuantizeOptions, mode });
    expect(r.report.skipped).toEqual([expect.objectContaining({ opType: 'LSTM', reason: expect.stringMatching(/leaves recurrent weights in float32/) })]);
  });

  it('--exclude LSTM keeps it float', async () => {
    const r = await applyQuantize(roundTrip(recurrentModel('LSTM')), { ...defaultQuantizeOptions, mode: 'dynamic', excludeOpTypes: ['LSTM'] });
    expect(r.model.graph!.node.some((n) => n.opType === 'LSTM')).toBe(true);
    expect(r.report.skipped.map((s) => s.opType)).toEqual(['LSTM']);
  });
});
