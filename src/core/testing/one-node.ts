import { graph, model, node, valueInfo, type AttrValue } from '../formats/onnx/builder';
import type { DataType, ModelProto, TensorProto } from '../formats/onnx/proto';

/** A one-node model; inputs without an initializer become graph inputs. */
export function oneNode(
  op: string,
  opset: number | { domain: string; version: number }[],
  inputs: [string, DataType, number[]?][],
  outputs: [string, DataType][],
  attrs: Record<string, AttrValue> = {},
  extra: { domain?: string; initializers?: TensorProto[] } = {},
): ModelProto {
  const inits = extra.initializers ?? [];
  const names = [...new Set(inputs.map((i) => i[0]))];
  return model({
    opset,
    graph: graph({
      name: 'g',
      nodes: [node(op, inputs.map((i) => i[0]), outputs.map((o) => o[0]), attrs, { domain: extra.domain })],
      inputs: names.filter((n) => !inits.some((t) => t.name === n)).map((n) => {
        const i = inputs.find((x) => x[0] === n)!;
        return valueInfo(n, i[1], i[2]);
      }),
      outputs: outputs.map(([n, t]) => valueInfo(n, t)),
      initializers: inits,
    }),
  });
}
