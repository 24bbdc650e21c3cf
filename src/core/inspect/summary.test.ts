import { describe, expect, it } from 'vitest';
import { BIG_K, BIG_N, constantWeightsModel, convNetModel, externalDataModel, ifSubgraphModel, mlpModel, msOpsetModel, quantizedModel } from '../testing/fixtures';
import { unknownFieldsModel } from '../testing/unknown-fields';
import * as build from '../formats/onnx/builder';
import { DataType, type ModelProto } from '../formats/onnx/proto';
import { readOnnx } from '../formats/onnx/read';
import { writeOnnx } from '../formats/onnx/write';
import { summarize, type ModelSummary } from './summary';

const summaryOf = (m: ModelProto, files: Record<string, Uint8Array> = {}, name = 'model.onnx'): ModelSummary =>
  summarize(readOnnx(writeOnnx(m), { loadExternal: (l) => files[l] }), name);

const none = { tensors: 0, parameters: 0, bytes: 0 };
const layer = (s: ModelSummary, name: string) => {
  const l = s.layers.find((x) => x.name === name);
  if (!l) throw new Error(`no layer ${name}: ${s.layers.map((x) => x.name).join(', ')}`);
  return l;
};

describe('summarize', () => {
  it('MLP: header, signatures with symbolic dims, parameters, op histogram, MACs (Gemm 4*8, MatMul 8*3)', () => {
    const bytes = writeOnnx(mlpModel());
    const s = summarize(readOnnx(bytes), 'mlp.onnx');
    expect(s).toMatchObject({
      summaryVersion: 1,
      format: 'onnx',
      fileName: 'mlp.onnx',
      fileBytes: bytes.length,
      externalDataBytes: 0,
      externalDataFiles: [],
      irVersion: 8,
      producer: { name: 'fixtures', version: '1.0' },
      docString: 'a small MLP',
      opsets: [{ domain: 'ai.onnx', version: 17 }],
      metadata: [{ key: 'author', value: 'pareto tests' }],
      inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 3] }],
      nodeCount: 4,
      graphCount: 1,
      subgraphs: [],
    });
    // W1 8x4 + b1 8 + W2 8x3 + b2 3 = 67 float32 = 268 bytes.
    expect(s.parameters).toEqual({ total: 67, bytes: 268, byDtype: [{ dtype: 'float32', parameters: 67, bytes: 268 }] });
    expect(s.weightLocations).toEqual({ initializer: { tensors: 4, parameters: 67, bytes: 268 }, constant: none, subgraph: none, external: none });
    expect(s.ops).toEqual([
      { opType: 'Add', domain: '', count: 1 },
      { opType: 'Gemm', domain: '', count: 1 },
      { opType: 'MatMul', domain: '', count: 1 },
      { opType: 'Relu', domain: '', count: 1 },
    ]);
    expect(layer(s, 'fc1')).toMatchObject({ opType: 'Gemm', macs: 4 * 8, parameters: 40, bytes: 160, graph: 'main' });
    expect(layer(s, 'fc1').weights).toEqual([
      { name: 'W1', dtype: 'float32', shape: [8, 4], location: 'initializer', external: false },
      { name: 'b1', dtype: 'float32', shape: [8], location: 'initializer', external: false },
    ]);
    expect(layer(s, 'fc2')).toMatchObject({ opType: 'MatMul', macs: 8 * 3, parameters: 24 });
    expect(layer(s, 'fc1').share).toBeCloseTo(160 / 268, 10);
    expect(s.macs).toEqual({ total: 32 + 24, nodesWithMacs: 2, nodesUnknown: 0 });
  });

  it('Conv net: Conv MACs = outputs (4*8*8) * kernel volume (3*3*3), Gemm 4*2', () => {
    const s = summaryOf(convNetModel());
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['N', 3, 8, 8] }]);
    expect(s.parameters.total).toBe(108 + 4 + 8 + 2);
    expect(s.parameters.bytes).toBe(122 * 4);
    expect(layer(s, 'conv')).toMatchObject({ opType: 'Conv', macs: 4 * 8 * 8 * (3 * 3 * 3), parameters: 112 });
    expect(layer(s, 'head')).toMatchObject({ opType: 'Gemm', macs: 4 * 2, parameters: 10 });
    expect(s.macs).toEqual({ total: 6912 + 8, nodesWithMacs: 2, nodesUnknown: 0 });
    expect(s.ops.map((o) => o.opType).sort()).toEqual(['Conv', 'Flatten', 'Gemm', 'GlobalAveragePool', 'Relu']);
  });

  it('Conv MACs with stride, groups and no padding', () => {
    // x[1,4,9,9], W[8,2,3,3], group 2, stride 2, no pads: out [1,8,4,4]; MACs = 8*4*4 * (2*3*3) = 2304.
    const m = build.model({
      graph: build.graph({
        name: 'g',
        nodes: [build.node('Conv', ['x', 'W'], ['y'], { group: build.attr.i(2), strides: build.attr.ints([2, 2]) }, { name: 'gconv' })],
        inputs: [build.valueInfo('x', DataType.FLOAT, [1, 4, 9, 9])],
        outputs: [build.valueInfo('y', DataType.FLOAT, [1, 8, 4, 4])],
        initializers: [build.floatTensor('W', [8, 2, 3, 3], new Float32Array(144))],
      }),
    });
    expect(layer(summaryOf(m), 'gconv').macs).toBe(2304);
  });

  it('Constant-node weights are counted as "constant" and listed on the nodes that use them', () => {
    const s = summaryOf(constantWeightsModel());
    const n = BIG_K * BIG_N;
    expect(s.weightLocations).toEqual({
      initializer: none,
      constant: { tensors: 2, parameters: n + BIG_N, bytes: (n + BIG_N) * 4 },
      subgraph: none,
      external: none,
    });
    expect(s.ops).toEqual([
      { opType: 'Constant', domain: '', count: 2 },
      { opType: 'Add', domain: '', count: 1 },
      { opType: 'MatMul', domain: '', count: 1 },
    ]);
    expect(layer(s, 'matmul')).toMatchObject({ macs: BIG_K * BIG_N, parameters: n, bytes: n * 4 });
    expect(layer(s, 'matmul').weights).toEqual([{ name: 'Wc', dtype: 'float32', shape: [BIG_K, BIG_N], location: 'constant', external: false }]);
    // Constant nodes are not layers of their own.
    expect(s.layers.map((l) => l.opType)).toEqual(['MatMul', 'Add']);
  });

  it('If subgraphs are walked: their weights (initializer and Constant) count as "subgraph", their nodes and MACs too', () => {
    const s = summaryOf(ifSubgraphModel());
    const n = BIG_K * BIG_N;
    expect(s.graphCount).toBe(3);
    expect(s.nodeCount).toBe(4); // If + then MatMul + else Constant + else MatMul
    expect(s.subgraphs).toEqual([
      { path: 'main/if0.then_branch', nodes: 1, owner: 'If' },
      { path: 'main/if0.else_branch', nodes: 2, owner: 'If' },
    ]);
    expect(s.weightLocations).toEqual({ initializer: none, constant: none, subgraph: { tensors: 2, parameters: 2 * n, bytes: 8 * n }, external: none });
    expect(layer(s, 'then_matmul')).toMatchObject({ graph: 'main/if0.then_branch', macs: n, parameters: n });
    expect(layer(s, 'then_matmul').weights[0]).toMatchObject({ name: 'Wt', location: 'subgraph' });
    expect(layer(s, 'else_matmul')).toMatchObject({ graph: 'main/if0.else_branch', macs: n, parameters: n });
    expect(layer(s, 'else_matmul').weights[0]).toMatchObject({ name: 'We', location: 'subgraph' });
    expect(s.inputs).toEqual([
      { name: 'cond', dtype: 'bool', shape: [] },
      { name: 'x', dtype: 'float32', shape: [1, BIG_K] },
    ]);
    expect(s.ops).toContainEqual({ opType: 'MatMul', domain: '', count: 2 });
  });

  it('com.microsoft opset import and op domains; MACs flow through a contrib elementwise op', () => {
    const s = summaryOf(msOpsetModel());
    expect(s.opsets).toEqual([
      { domain: 'ai.onnx', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ]);
    expect(s.ops).toEqual([
      { opType: 'Gelu', domain: 'com.microsoft', count: 1 },
      { opType: 'MatMul', domain: '', count: 1 },
    ]);
    expect(layer(s, 'gelu').domain).toBe('com.microsoft');
    expect(layer(s, 'proj').macs).toBe(8 * 4);
  });

  it('already quantized model: parameters by dtype, MatMulInteger MACs through DynamicQuantizeLinear', () => {
    const s = summaryOf(quantizedModel());
    expect(s.parameters).toEqual({
      total: 14,
      bytes: 17,
      byDtype: [
        { dtype: 'int8', parameters: 13, bytes: 13 },
        { dtype: 'float32', parameters: 1, bytes: 4 },
      ],
    });
    expect(layer(s, 'mmi')).toMatchObject({ opType: 'MatMulInteger', macs: 4 * 3, parameters: 13, bytes: 13 });
    expect(s.ops.map((o) => [o.opType, o.count])).toEqual([
      ['Mul', 2],
      ['Cast', 1],
      ['DynamicQuantizeLinear', 1],
      ['MatMulInteger', 1],
    ]);
    expect(s.macs).toEqual({ total: 12, nodesWithMacs: 1, nodesUnknown: 0 });
  });

  it('external data: counted as initializers and as external; files and their sizes listed', () => {
    const fx = externalDataModel();
    const s = summaryOf(fx.model, fx.files);
    expect(s.weightLocations).toEqual({
      initializer: { tensors: 3, parameters: 56, bytes: 224 },
      constant: none,
      subgraph: none,
      external: { tensors: 3, parameters: 56, bytes: 224 },
    });
    expect(s.externalDataFiles.sort()).toEqual(['w2.bin', 'weights/w1.bin']);
    expect(s.externalDataBytes).toBe(3 + 128 + 32 + 64);
    expect(layer(s, 'mm1').weights).toEqual([{ name: 'W1', dtype: 'float32', shape: [4, 8], location: 'initializer', external: true }]);
    expect(s.macs.total).toBe(4 * 8 + 8 * 2);
  });

  it('model with unknown fields and metadata: summary reads the known parts', () => {
    const s = summarize(readOnnx(unknownFieldsModel().bytes), 'u.onnx');
    expect(s.metadata).toEqual([
      { key: 'license', value: 'MIT' },
      { key: 'ünïcode-key', value: 'välue ✓' },
    ]);
    expect(s.outputs.map((o) => o.name)).toEqual(['y', 'scale_out']);
    // Attribute order as in the file: else_branch was encoded first there.
    expect(s.subgraphs.map((g) => g.path)).toEqual(['main/if0.else_branch', 'main/if0.then_branch']);
  });

  it('initializers listed as graph inputs (old exporters) are not reported as inputs', () => {
    const m = mlpModel();
    m.graph!.input.push(build.valueInfo('W1', DataType.FLOAT, [8, 4]));
    expect(summaryOf(m).inputs.map((i) => i.name)).toEqual(['x']);
  });
});
