/**
 * What a model's own ops reveal about its inputs, for the input spec (src/core/bench/input-spec.ts): the vocabulary of
 * a Gather (embedding) an integer input indexes, and dims an op forces (a Conv's input channels, a MatMul's inner
 * dim). Only ops reading the input directly (or through a Cast) count; spatial and sequence dims are never forced.
 */
import type { GraphProto, NodeProto, TensorProto } from '../formats/onnx/proto';
import { dimsOf } from '../formats/onnx/tensor';
import type { InputHint } from '../bench/input-spec';

const attrInt = (n: NodeProto, name: string, dflt: number): number => {
  const a = n.attribute.find((x) => x.name === name);
  return a ? Number(a.i) : dflt;
};

const nodeLabel = (n: NodeProto, i: number) => `${n.opType} ${n.name || `#${i}`}`;

export function inputHints(graph: GraphProto, inputNames: readonly string[], constants: ReadonlyMap<string, TensorProto>, ranks: ReadonlyMap<string, number>): InputHint[] {
  const weights = new Map<string, number[]>([...constants].map(([k, t]) => [k, dimsOf(t)]));
  for (const t of graph.initializer) weights.set(t.name, dimsOf(t));
  return inputNames.map((name) => {
    const hint: InputHint = { name, vocabSize: null, forcedDims: [] };
    const rank = ranks.get(name);
    // The input and what a Cast makes of it.
    const aliases = new Set([name]);
    for (const n of graph.node) if (n.opType === 'Cast' && aliases.has(n.input[0]) && n.output[0]) aliases.add(n.output[0]);
    const force = (axis: number, value: number, by: string) => {
      if (value > 0 && !hint.forcedDims.some((f) => f.axis === axis)) hint.forcedDims.push({ axis, value, by });
    };
    graph.node.forEach((n, i) => {
      const op = n.domain === '' || n.domain === 'ai.onnx' ? n.opType : '';
      if (op === 'Gather' && aliases.has(n.input[1]) && weights.has(n.input[0])) {
        const data = weights.get(n.input[0])!;
        let axis = attrInt(n, 'axis', 0);
        if (axis < 0) axis += data.length;
        const v = data[axis];
        if (v > 0 && hint.vocabSize === null) hint.vocabSize = v;
      }
      if (!aliases.has(n.input[0]) || rank === undefined) return;
      if (op === 'Conv' && weights.has(n.input[1])) {
        const w = weights.get(n.input[1])!;
        if (w.length >= 2) force(1, w[1] * attrInt(n, 'group', 1), nodeLabel(n, i));
      } else if (op === 'MatMul' && weights.has(n.input[1])) {
        const b = weights.get(n.input[1])!;
        if (b.length === 2) force(rank - 1, b[0], nodeLabel(n, i));
      } else if (op === 'Gemm' && weights.has(n.input[1]) && rank === 2) {
        const b = weights.get(n.input[1])!;
        if (b.length === 2) force(attrInt(n, 'transA', 0) ? 0 : 1, attrInt(n, 'transB', 0) ? b[1] : b[0], nodeLabel(n, i));
      }
    });
    return hint;
  });
}
