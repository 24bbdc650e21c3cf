/**
 * Data propagation where a dim is open: an attention block whose head split is computed from Shape (as exporters
 * write `x.view(b, t, heads, -1)`) counts its MatMuls once the sequence length is set, and leaves them unknown (null),
 * never at a made-up length, while it is open.
 */
import { describe, expect, it } from 'vitest';
import * as b from '../formats/onnx/builder';
import { DataType } from '../formats/onnx/proto';
import { readOnnx } from '../formats/onnx/read';
import { writeOnnx } from '../formats/onnx/write';
import { summarize } from './summary';

const D = 16;
const HEADS = 2;
const ints = (name: string, v: number[]) => b.tensor(name, DataType.INT64, [v.length], BigInt64Array.from(v.map(BigInt)));

/** x [batch, seq, 16] (batch counted as 1) → q = x·Wq, k = x·Wk → per head [1, 2, seq, 8] (shape from Shape/Gather/Concat) → q·kᵀ, softmax, ·v. */
function attention() {
  return b.model({
    graph: b.graph({
      name: 'attn',
      inputs: [b.valueInfo('x', DataType.FLOAT, ['batch', 'seq', D])],
      outputs: [b.valueInfo('y', DataType.FLOAT, undefined)],
      initializers: [
        b.floatTensor('wq', [D, D], new Float32Array(D * D)),
        b.floatTensor('wk', [D, D], new Float32Array(D * D)),
        ints('i1', [1]),
        ints('heads', [HEADS]),
        ints('minus1', [-1]),
        ints('zero', [0]),
        ints('seqAt', [1]),
        ints('half', [D / HEADS]),
      ],
      nodes: [
        b.node('MatMul', ['x', 'wq'], ['q'], {}, { name: 'q_proj' }),
        b.node('MatMul', ['x', 'wk'], ['k'], {}, { name: 'k_proj' }),
        b.node('Shape', ['q'], ['qs']),
        b.node('Gather', ['qs', 'seqAt'], ['t'], { axis: b.attr.i(0) }),
        b.node('Concat', ['i1', 't', 'heads', 'minus1'], ['split'], { axis: b.attr.i(0) }),
        b.node('Reshape', ['q', 'split'], ['q4']),
        b.node('Reshape', ['k', 'split'], ['k4']),
        b.node('Transpose', ['q4'], ['qh'], { perm: b.attr.ints([0, 2, 1, 3]) }),
        b.node('Transpose', ['k4'], ['kt'], { perm: b.attr.ints([0, 2, 3, 1]) }),
        b.node('MatMul', ['qh', 'kt'], ['scores'], {}, { name: 'scores' }),
        b.node('Softmax', ['scores'], ['p'], { axis: b.attr.i(-1) }),
        b.node('MatMul', ['p', 'qh'], ['y'], {}, { name: 'context' }),
      ],
    }),
  });
}

describe('data propagation of a computed head split', () => {
  const m = readOnnx(writeOnnx(attention()));
  const macsOf = (s: ReturnType<typeof summarize>, name: string) => s.layers.find((l) => l.name === name)!.macs;

  it('seq set: the attention MatMuls between activations are counted (per head seq × seq × 8, twice)', () => {
    const seq = 10;
    const s = summarize(m, 'attn.onnx', { inputShapes: { x: [1, seq, D] } });
    expect(macsOf(s, 'q_proj')).toBe(seq * D * D);
    expect(macsOf(s, 'scores')).toBe(HEADS * seq * (D / HEADS) * seq);
    expect(macsOf(s, 'context')).toBe(HEADS * seq * seq * (D / HEADS));
    expect(s.macs).toEqual({ total: 2 * seq * D * D + 2 * HEADS * seq * seq * (D / HEADS), nodesWithMacs: 4, nodesUnknown: 0 });
  });

  it('seq open: the projections and attention are unknown, not counted at seq = 1', () => {
    const s = summarize(m, 'attn.onnx');
    expect(s.macsAt).toEqual([{ name: 'x', shape: [1, null, D] }]);
    expect([macsOf(s, 'q_proj'), macsOf(s, 'scores'), macsOf(s, 'context')]).toEqual([null, null, null]);
    expect(s.macs).toEqual({ total: 0, nodesWithMacs: 0, nodesUnknown: 4 });
  });
});
