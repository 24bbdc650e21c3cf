import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { build, DataType, readOnnx, writeOnnx } from '../../core/formats/onnx/index';
import { summarize } from '../../core/inspect/summary';
import { nodesHint } from './counts';

const { graph, node, valueInfo, floatTensor, model, attr } = build;

describe('nodesHint', () => {
  it('splits the node count into the layers the table lists and the Constant nodes it shows as weights', () => {
    // 3 Constant nodes feeding 2 MatMuls and an Add: 6 nodes, 3 layers
    const c = (name: string, shape: number[]) => node('Constant', [], [name], { value: attr.t(floatTensor(`${name}_t`, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5))) });
    const g = graph({
      name: 'g',
      nodes: [c('w1', [4, 4]), c('w2', [4, 4]), c('b', [4]), node('MatMul', ['x', 'w1'], ['h']), node('MatMul', ['h', 'w2'], ['h2']), node('Add', ['h2', 'b'], ['y'])],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 4])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 4])],
    });
    const s = summarize(readOnnx(writeOnnx(model({ graph: g }))), 'c.onnx');
    expect(s.nodeCount).toBe(6);
    expect(s.layers).toHaveLength(3);
    expect(nodesHint(s)).toBe('3 layers + 3 Constant nodes · 3 op types');
  });

  it('for the sample (no Constant nodes, no subgraphs) says layers and op types', () => {
    const s = summarize(readOnnx(new Uint8Array(readFileSync('public/samples/mnist-cnn.onnx'))), 'mnist-cnn.onnx');
    expect(s.nodeCount).toBe(s.layers.length);
    expect(nodesHint(s)).toBe(`${s.layers.length} layers · ${s.ops.length} op types`);
  });

  it('counts subgraphs, singular when there is one', () => {
    expect(nodesHint({ nodeCount: 5, layers: new Array(3), ops: [{ opType: 'If', domain: '', count: 1 }], subgraphs: [{ path: 'main/if.then_branch', nodes: 2, owner: 'If' }] })).toBe(
      '3 layers + 2 Constant nodes · 1 op type · incl. 1 subgraph',
    );
  });
});
