/** A small model of an old opset, for the opset-conversion tests and the docs' `pareto convert` example. */
import * as b from '../formats/onnx/builder';
import { DataType } from '../formats/onnx/proto';

/** x[1, 8] -> MatMul -> Clip(0, 6) (attributes: opset < 11) -> Unsqueeze(axes attribute) -> Softmax(axis 1) -> y[1, 1, 4]. */
export function oldModel(opset: number) {
  const { node, graph, valueInfo, floatTensor, attr } = b;
  return b.model({
    graph: graph({
      name: 'old',
      nodes: [
        node('MatMul', ['x', 'W'], ['h'], {}, { name: 'mm' }),
        node('Clip', ['h'], ['c'], { min: attr.f(0), max: attr.f(6) }, { name: 'relu6' }),
        node('Unsqueeze', ['c'], ['u'], { axes: attr.ints([1]) }, { name: 'unsq' }),
        node('Softmax', ['u'], ['y'], { axis: attr.i(1) }, { name: 'sm' }),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 8])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 1, 4])],
      initializers: [floatTensor('W', [8, 4], Float32Array.from({ length: 32 }, (_, i) => Math.cos(i) * 2))],
    }),
    opset,
  });
}

