import { tfjsPruneFamily, tfjsRoleOf } from '../../formats/tfjs/roles';
import { TFJS_DOMAIN } from '../../formats/tfjs/topology';
import { AttrType, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../../formats/onnx/proto';

/**
 * Finds the constant tensors that nodes read, wherever they live: initializers and Constant nodes, in the main
 * graph and in If/Loop/Scan subgraphs (a subgraph sees the names of its enclosing graphs unless it shadows them).
 * A tensor read by several nodes is one entry with several readers, so it is pruned once.
 */

export interface Reader {
  node: NodeProto;
  /** node.name, or `<OpType>_<index>` for an unnamed node. */
  nodeName: string;
  opType: string;
  /** "main", or the subgraph path (as in walk.ts). */
  graph: string;
  inputIndex: number;
}

export interface ConstantTensor {
  tensor: TensorProto;
  /** The name nodes read it by (initializer name, or the Constant node's output). */
  name: string;
  where: 'initializer' | 'constant';
  graph: string;
  readers: Reader[];
}

export type NodeRef = Omit<Reader, 'inputIndex'>;

export interface ConstantsIndex {
  /** In discovery order: graphs depth-first, readers in node order. */
  tensors: ConstantTensor[];
  /** Every node with its scope, in graph order (depth-first). */
  nodes: NodeRef[];
  /** Every node name (and `<OpType>_<index>` label of unnamed nodes). */
  nodeNames: Set<string>;
}

type Source = ConstantTensor | 'dynamic';

export function nodeLabel(node: NodeProto, index: number): string {
  return node.name || `${node.opType}_${index}`;
}

const isDefaultDomain = (d: string) => d === '' || d === 'ai.onnx';

/** The tensor a Constant node holds in its `value` attribute (other forms are scalars or sparse). */
function constantValue(node: NodeProto): TensorProto | undefined {
  if (node.opType !== 'Constant' || !isDefaultDomain(node.domain)) return undefined;
  const a = node.attribute.find((x) => x.name === 'value');
  return a && (a.t !== undefined && (a.type === AttrType.TENSOR || a.type === AttrType.UNDEFINED)) ? a.t : undefined;
}

export function indexConstants(model: ModelProto): ConstantsIndex {
  const tensors: ConstantTensor[] = [];
  const byTensor = new Map<TensorProto, ConstantTensor>();
  const nodes: NodeRef[] = [];
  const nodeNames = new Set<string>();

  const entry = (tensor: TensorProto, name: string, where: ConstantTensor['where'], graph: string): ConstantTensor => {
    let e = byTensor.get(tensor);
    if (!e) {
      e = { tensor, name, where, graph, readers: [] };
      byTensor.set(tensor, e);
      tensors.push(e);
    }
    return e;
  };

  const walk = (g: GraphProto, path: string, outer: (name: string) => Source | undefined) => {
    const local = new Map<string, Source>();
    for (const i of g.input) local.set(i.name, 'dynamic');
    // An initializer that is also a graph input is a default value; it is still the weight the model runs with.
    for (const t of g.initializer) local.set(t.name, entry(t, t.name, 'initializer', path));
    for (const n of g.node) {
      const value = constantValue(n);
      n.output.forEach((o, j) => {
        if (!o) return;
        local.set(o, value && j === 0 ? entry(value, o, 'constant', path) : 'dynamic');
      });
    }
    const lookup = (name: string): Source | undefined => local.get(name) ?? outer(name);
    g.node.forEach((node, index) => {
      const nodeName = nodeLabel(node, index);
      nodeNames.add(nodeName);
      if (node.name) nodeNames.add(node.name);
      nodes.push({ node, nodeName, opType: node.opType, graph: path });
      node.input.forEach((input, inputIndex) => {
        if (!input) return;
        const src = lookup(input);
        if (src && src !== 'dynamic') src.readers.push({ node, nodeName, opType: node.opType, graph: path, inputIndex });
      });
      for (const a of node.attribute) {
        const label = `${path}/${nodeName}.${a.name}`;
        if (a.g) walk(a.g, label, lookup);
        a.graphs.forEach((sg, j) => walk(sg, `${label}[${j}]`, lookup));
      }
    });
  };
  if (model.graph) walk(model.graph, 'main', () => undefined);
  return { tensors, nodes, nodeNames };
}

export type WeightRole = 'weight' | 'bias' | 'data';

/**
 * What a constant input of a prunable node is, and along which axis its N:M groups run (see nm.ts).
 * `rank` is the tensor's rank.
 */
export function roleOf(node: NodeProto, inputIndex: number, rank: number): { role: WeightRole; axis?: number } {
  if (node.domain === TFJS_DOMAIN) return tfjsRoleOf(node, inputIndex, rank);
  if (!isDefaultDomain(node.domain)) return { role: 'data' };
  const attrInt = (name: string, dflt: number) => {
    const a = node.attribute.find((x) => x.name === name);
    return a ? Number(a.i) : dflt;
  };
  switch (node.opType) {
    case 'MatMul':
      if (inputIndex === 1) return { role: 'weight', axis: rank >= 2 ? rank - 2 : undefined };
      if (inputIndex === 0) return { role: 'weight', axis: rank >= 2 ? rank - 1 : undefined };
      return { role: 'data' };
    case 'Gemm':
      if (inputIndex === 1) return { role: 'weight', axis: attrInt('transB', 0) ? 1 : 0 };
      if (inputIndex === 0) return { role: 'weight', axis: attrInt('transA', 0) ? 0 : 1 };
      if (inputIndex === 2) return { role: 'bias' };
      return { role: 'data' };
    case 'Conv':
      if (inputIndex === 1) return { role: 'weight', axis: 1 };
      if (inputIndex === 2) return { role: 'bias' };
      return { role: 'data' };
    case 'ConvTranspose':
      if (inputIndex === 1) return { role: 'weight', axis: 0 };
      if (inputIndex === 2) return { role: 'bias' };
      return { role: 'data' };
    default:
      return { role: 'data' };
  }
}

/** The op type options and skip lists match: a TF.js layer or op counts as its ONNX family (Dense → MatMul, Conv2D → Conv). */
export const pruneOpType = (r: { node: NodeProto; opType: string }): string =>
  (r.node.domain === TFJS_DOMAIN ? tfjsPruneFamily(r.node) : undefined) ?? r.opType;

/** The `group` attribute of a Conv/ConvTranspose (1 when absent). */
export function groupOf(node: NodeProto): number {
  const a = node.attribute.find((x) => x.name === 'group');
  return a ? Math.max(1, Number(a.i)) : 1;
}
