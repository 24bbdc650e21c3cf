import { graph, model, node, tensor, valueInfo } from '../../formats/onnx/builder';
import { DataType, type ModelProto } from '../../formats/onnx/proto';

/**
 * A long chain for the graph-edit tests and bench/chain.ts (issue 11: edits in linear time):
 * x -> [MatMul(W_i) -> Add(b_i) -> Relu] x floor(nodes / 3) -> y, with small width x width weights (seeded).
 */
export function chainModel(nodes: number, width = 8): ModelProto {
  const blocks = Math.max(1, Math.floor(nodes / 3));
  const ns = [];
  const inits = [];
  let x = 'x';
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5) * (2 / Math.sqrt(width));
  for (let i = 0; i < blocks; i++) {
    const w = new Float32Array(width * width).map(rand);
    inits.push(tensor(`W${i}`, DataType.FLOAT, [width, width], w));
    inits.push(tensor(`b${i}`, DataType.FLOAT, [width], new Float32Array(width).map(() => 0.01)));
    ns.push(node('MatMul', [x, `W${i}`], [`m${i}`], {}, { name: `matmul${i}` }));
    ns.push(node('Add', [`m${i}`, `b${i}`], [`a${i}`], {}, { name: `add${i}` }));
    x = i === blocks - 1 ? 'y' : `r${i}`;
    ns.push(node('Relu', [`a${i}`], [x], {}, { name: `relu${i}` }));
  }
  return model({
    graph: graph({
      name: 'chain',
      nodes: ns,
      inputs: [valueInfo('x', DataType.FLOAT, [1, width])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, width])],
      initializers: inits,
    }),
    opset: 17,
  });
}

