/**
 * Models for the quantize tests beyond src/core/testing/fixtures.ts (a `.testkit.ts` file: kept out of the core
 * build like a test file, but registers no tests; quantize.test.ts checks that they load).
 */
import * as build from '../../formats/onnx/builder';
import { DataType, type ModelProto } from '../../formats/onnx/proto';
import { randomFloats } from '../../testing/fixtures';

const { node, graph, valueInfo, floatTensor, tensor, attr } = build;

/** x[batch, 64] -> MatMul(W[64, 16]) -> y: column j of W scaled by 4^(j/2), so channel ranges differ by 10^4.8. */
export function wideRangeModel(): ModelProto {
  const K = 64;
  const N = 16;
  const w = randomFloats(K * N, 81);
  for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) w[k * N + j] *= 4 ** (j / 2);
  return build.model({
    graph: graph({
      name: 'wide',
      nodes: [node('MatMul', ['x', 'W'], ['y'], {}, { name: 'mm' })],
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', K])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', N])],
      initializers: [floatTensor('W', [K, N], w)],
    }),
    opset: 17,
  });
}

/**
 * Shared weights: x[b, 32] -> MatMul(W) -> Relu -> MatMul(W2) -> Add(MatMul(x, W) again) -> y; W [32, 32] is read
 * by two MatMuls (mm1, mm3). With `alsoOutput`, W is also a graph output (read by a float consumer).
 */
export function sharedWeightModel(alsoOutput = false): ModelProto {
  return build.model({
    graph: graph({
      name: 'shared',
      nodes: [
        node('MatMul', ['x', 'W'], ['h1'], {}, { name: 'mm1' }),
        node('Relu', ['h1'], ['r1'], {}, { name: 'relu' }),
        node('MatMul', ['r1', 'W2'], ['h2'], {}, { name: 'mm2' }),
        node('MatMul', ['x', 'W'], ['h3'], {}, { name: 'mm3' }),
        node('Add', ['h2', 'h3'], ['y'], {}, { name: 'add' }),
        ...(alsoOutput ? [node('Identity', ['W'], ['w_out'], {}, { name: 'id' })] : []),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', 32])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', 32]), ...(alsoOutput ? [valueInfo('w_out', DataType.FLOAT, [32, 32])] : [])],
      initializers: [floatTensor('W', [32, 32], randomFloats(1024, 82, 0.3)), floatTensor('W2', [32, 32], randomFloats(1024, 83, 0.3))],
    }),
    opset: 17,
  });
}

/** x[b, 24] -> Gemm(W, C; transB, alpha, beta) -> y[b, 20]. `cInput`: C is a graph input, not a constant. */
export function gemmModel(g: { transB: boolean; alpha?: number; beta?: number; cInput?: boolean; transA?: boolean }): ModelProto {
  const K = 24;
  const N = 20;
  const attrs: Record<string, build.AttrValue> = { transB: attr.i(g.transB ? 1 : 0) };
  if (g.alpha !== undefined) attrs.alpha = attr.f(g.alpha);
  if (g.beta !== undefined) attrs.beta = attr.f(g.beta);
  if (g.transA) attrs.transA = attr.i(1);
  return build.model({
    graph: graph({
      name: 'gemm',
      nodes: [node('Gemm', ['x', 'W', 'C'], ['y'], attrs, { name: 'gemm' })],
      inputs: [valueInfo('x', DataType.FLOAT, g.transA ? [K, 'batch'] : ['batch', K]), ...(g.cInput ? [valueInfo('C', DataType.FLOAT, [N])] : [])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', N])],
      initializers: [
        floatTensor('W', g.transB ? [N, K] : [K, N], randomFloats(K * N, 84, 0.5)),
        ...(g.cInput ? [] : [floatTensor('C', [N], randomFloats(N, 85))]),
      ],
    }),
    opset: 17,
  });
}

/**
 * An older model: opset `opset`, IR 3 style (every initializer also listed as a graph input), optionally with ops
 * whose attributes became inputs in later opsets: Unsqueeze/Squeeze `axes` (opset 13) or Clip `min`/`max` (11).
 * x[b, 16] -> MatMul(W[16, 8]) -> [Unsqueeze -> Squeeze | Clip] -> y.
 */
export function oldOpsetModel(opset: number, extra?: 'squeeze' | 'clip'): ModelProto {
  const nodes = [node('MatMul', ['x', 'W'], [extra ? 'm' : 'y'], {}, { name: 'mm' })];
  if (extra === 'squeeze') {
    nodes.push(node('Unsqueeze', ['m'], ['u'], { axes: attr.ints([0]) }, { name: 'unsq' }));
    nodes.push(node('Squeeze', ['u'], ['y'], { axes: attr.ints([0]) }, { name: 'sq' }));
  } else if (extra === 'clip') {
    nodes.push(node('Clip', ['m'], ['y'], { min: attr.f(-1), max: attr.f(1) }, { name: 'clip' }));
  }
  return build.model({
    graph: graph({
      name: 'old',
      nodes,
      inputs: [valueInfo('x', DataType.FLOAT, ['batch', 16]), valueInfo('W', DataType.FLOAT, [16, 8])],
      outputs: [valueInfo('y', DataType.FLOAT, ['batch', 8])],
      initializers: [floatTensor('W', [16, 8], randomFloats(128, 86))],
    }),
    opset,
    irVersion: 3,
  });
}

/** A Loop running 3 times whose body computes MatMul(x, Wl) + iteration-independent state: y = Loop(...) scan output. */
export function loopModel(): ModelProto {
  const body = graph({
    name: 'body',
    nodes: [
      node('Identity', ['cond_in'], ['cond_out'], {}, { name: 'cond_id' }),
      node('MatMul', ['x', 'Wl'], ['lm'], {}, { name: 'loop_matmul' }),
      node('Relu', ['lm'], ['scan_y'], {}, { name: 'loop_relu' }),
    ],
    inputs: [valueInfo('iter', DataType.INT64, []), valueInfo('cond_in', DataType.BOOL, [])],
    outputs: [valueInfo('cond_out', DataType.BOOL, []), valueInfo('scan_y', DataType.FLOAT, [1, 8])],
    initializers: [floatTensor('Wl', [16, 8], randomFloats(128, 87))],
  });
  return build.model({
    graph: graph({
      name: 'loop',
      nodes: [node('Loop', ['trip', 'cond'], ['y'], { body: attr.g(body) }, { name: 'loop' })],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 16])],
      outputs: [valueInfo('y', DataType.FLOAT, [3, 1, 8])],
      initializers: [tensor('trip', DataType.INT64, [], BigInt64Array.of(3n)), tensor('cond', DataType.BOOL, [], Uint8Array.of(1))],
    }),
    opset: 17,
  });
}

/** MatMul whose weight is a float16 initializer cast to float32 at run time, and one whose weight is an input. */
export function unquantizableModel(): ModelProto {
  return build.model({
    graph: graph({
      name: 'unq',
      nodes: [
        node('Cast', ['W16'], ['W16f'], { to: attr.i(DataType.FLOAT) }, { name: 'cast' }),
        node('MatMul', ['x', 'W16f'], ['a'], {}, { name: 'mm_fp16' }),
        node('MatMul', ['a', 'Win'], ['b'], {}, { name: 'mm_input' }),
        node('Gemm', ['b', 'Wg'], ['y'], { transA: attr.i(1) }, { name: 'gemm_transA' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [4, 4]), valueInfo('Win', DataType.FLOAT, [4, 4])],
      outputs: [valueInfo('y', DataType.FLOAT, [4, 4])],
      initializers: [tensor('W16', DataType.FLOAT16, [4, 4], new Uint16Array(16).fill(0x3c00)), floatTensor('Wg', [4, 4], randomFloats(16, 88))],
    }),
    opset: 17,
  });
}
