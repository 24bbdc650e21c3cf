import { build, DataType, writeOnnx } from '../src/core/formats/onnx/index';
import type { FilePayload } from './fixtures';

const { graph, node, valueInfo, model, attr } = build;

/** 25 If nodes with exporter-style names; every fifth then-branch holds a nested If: 50 + 10 subgraphs. */
export function manySubgraphs(): FilePayload {
  const leaf = (tag: string) =>
    graph({ name: tag, nodes: [node('Identity', ['x'], [`${tag}_y`], {}, { name: `${tag}_id` })], inputs: [], outputs: [valueInfo(`${tag}_y`, DataType.FLOAT, [1])] });
  const nodes = Array.from({ length: 25 }, (_, i) => {
    const then =
      i % 5 === 0
        ? graph({
            name: `t${i}`,
            nodes: [node('If', ['c'], [`t${i}_y`], { then_branch: attr.g(leaf(`a${i}`)), else_branch: attr.g(leaf(`b${i}`)) }, { name: `/model/layers.${i}/inner/If` })],
            inputs: [],
            outputs: [valueInfo(`t${i}_y`, DataType.FLOAT, [1])],
          })
        : leaf(`t${i}`);
    return node('If', ['c'], [`y${i}`], { then_branch: attr.g(then), else_branch: attr.g(leaf(`e${i}`)) }, { name: `/model/layers.${i}/If` });
  });
  const g = graph({
    name: 'many',
    nodes,
    inputs: [valueInfo('c', DataType.BOOL, []), valueInfo('x', DataType.FLOAT, [1])],
    outputs: nodes.map((_, i) => valueInfo(`y${i}`, DataType.FLOAT, [1])),
  });
  const bytes = writeOnnx(model({ graph: g }));
  return { name: 'many-subgraphs.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
