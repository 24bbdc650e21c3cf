import { dtypeName } from '../../formats/onnx/dtypes';
import { DataType, type ModelProto, type NodeProto, type TensorProto } from '../../formats/onnx/proto';
import { dimsOf } from '../../formats/onnx/tensor';
import { lookup, scopesOf, topoSort, type Def, type Scope } from './graph';
import { QUANTIZABLE_OPS, type QuantizableOp, type QuantizeOptions } from './options';

/**
 * Which nodes the quantize transform will rewrite, and why the others stay float. Pure analysis: reads the model,
 * changes nothing. Used by apply() and by calibration (which activations need ranges).
 */

/** A constant tensor a node reads: an initializer, or the value of a Constant node, in this graph or an enclosing one. */
export interface ConstRef {
  name: string;
  tensor: TensorProto;
  def: Extract<Def, { kind: 'initializer' | 'constant' }>;
}

export interface NodePlan {
  node: NodeProto;
  /** The node's name, or "Conv#3 in main/if0.then_branch" when it has none (as in the report). */
  label: string;
  scope: Scope;
  op: QuantizableOp;
  /** Float activation input (input 0) and output 0. */
  activation: string;
  output: string;
  weight: ConstRef;
  weightDims: number[];
  /** Gemm C or Conv B: a constant when it is one, else just its name. */
  bias?: { name: string; ref?: ConstRef };
  transB: boolean;
  alpha: number;
  beta: number;
  /** A depthwise Conv (group = input channels, one input channel per filter): its input channels, for channel equalization. */
  depthwiseChannels?: number;
}

export interface Skip {
  node: string;
  opType: string;
  reason: string;
}

export interface QuantPlan {
  plans: NodePlan[];
  skipped: Skip[];
  scopes: Scope[];
}

const QUANTIZABLE = new Set<string>(QUANTIZABLE_OPS);
const attrOf = (n: NodeProto, name: string) => n.attribute.find((a) => a.name === name);
const intAttr = (n: NodeProto, name: string, d: number) => {
  const a = attrOf(n, name);
  return a ? Number(a.i) : d;
};
const floatAttr = (n: NodeProto, name: string, d: number) => {
  const a = attrOf(n, name);
  return a ? a.f : d;
};

export function nodeLabel(n: NodeProto, scope: Scope, index: number): string {
  return n.name || `${n.opType}#${index}${scope.path === 'main' ? '' : ` in ${scope.path}`}`;
}

/** Resolves a name to a constant tensor, or says why it is not one. */
export function resolveConst(scope: Scope, name: string): ConstRef | string {
  const def = lookup(scope, name);
  if (!def) return `"${name}" is not defined in the graph`;
  if (def.kind === 'initializer') return { name, tensor: def.tensor, def };
  if (def.kind === 'constant') {
    if (!def.tensor) return `"${name}" is a Constant without a tensor value`;
    return { name, tensor: def.tensor, def };
  }
  if (def.kind === 'input') return `"${name}" is a graph input, not a constant`;
  if (def.kind === 'sparse') return `"${name}" is a sparse initializer (not supported)`;
  const p = def.node;
  if (p.opType === 'Cast' && p.input[0]) {
    const src = lookup(scope, p.input[0]);
    const t = src?.kind === 'initializer' ? src.tensor : src?.kind === 'constant' ? src.tensor : undefined;
    if (t && t.dataType === DataType.FLOAT16) return `"${name}" is float16 cast to float32 at run time (already converted to float16)`;
  }
  return `"${name}" is computed by a ${p.opType} node, not a constant`;
}

/**
 * The plan. `needRanges`: static mode, where a node whose activations have no calibrated range stays float.
 */
export function planQuantization(model: ModelProto, o: QuantizeOptions, needRanges: boolean): QuantPlan {
  const scopes = scopesOf(model);
  const skipped: Skip[] = [];
  const plans: NodePlan[] = [];

  // Candidate nodes in topological order, subgraph nodes at their owner's place (for keepFirst/LastLayerFloat).
  const ordered: { node: NodeProto; scope: Scope; index: number }[] = [];
  const visit = (scope: Scope) => {
    const order = topoSort(scope.graph.node);
    const idx = new Map(scope.graph.node.map((n, i) => [n, i]));
    // Subgraphs by owner node: one pass, not a scan of all children per node.
    const childrenOf = new Map<NodeProto, Scope[]>();
    for (const child of scope.children) {
      const l = childrenOf.get(child.owner!);
      if (l) l.push(child);
      else childrenOf.set(child.owner!, [child]);
    }
    for (const n of order) {
      if ((n.domain === '' || n.domain === 'ai.onnx') && QUANTIZABLE.has(n.opType)) {
        ordered.push({ node: n, scope, index: idx.get(n)! });
      }
      for (const child of childrenOf.get(n) ?? []) visit(child);
    }
  };
  if (scopes[0]) visit(scopes[0]);

  const opTypes = new Set<string>(o.opTypes);
  const selected = ordered.filter((c) => opTypes.has(c.node.opType));
  const first = o.keepFirstLayerFloat ? selected[0]?.node : undefined;
  const last = o.keepLastLayerFloat ? selected[selected.length - 1]?.node : undefined;
  const excludeNodes = new Set(o.excludeNodes);
  const excludeOps = new Set(o.excludeOpTypes);

  // Reasons name what the user set, as the CLI flag and the form field (not the option key): "--exclude / Exclude".
  for (const { node: n, scope, index } of ordered) {
    const label = nodeLabel(n, scope, index);
    const skip = (reason: string) => skipped.push({ node: label, opType: n.opType, reason });
    if (!opTypes.has(n.opType)) {
      skip(`op type ${n.opType} not selected (--op-types / Ops)`);
      continue;
    }
    if (excludeOps.has(n.opType)) {
      skip('excluded by op type (--exclude / Exclude)');
      continue;
    }
    if ((n.name && excludeNodes.has(n.name)) || excludeNodes.has(label)) {
      skip('excluded by name (--exclude / Exclude)');
      continue;
    }
    if (n === first) {
      skip('kept in float: first quantizable layer (--keep-first / keep first layer float)');
      continue;
    }
    if (n === last) {
      skip('kept in float: last quantizable layer (--keep-last / keep last layer float)');
      continue;
    }
    const r = planNode(n, scope, o, needRanges);
    if (typeof r === 'string') skip(r);
    else plans.push({ ...r, label });
  }
  return { plans, skipped, scopes };
}

function planNode(n: NodeProto, scope: Scope, o: QuantizeOptions, needRanges: boolean): Omit<NodePlan, 'label'> | string {
  const op = n.opType as QuantizableOp;
  const [a, w] = n.input;
  if (!a || !w) return 'missing input';
  if (n.output.length < 1 || !n.output[0]) return 'missing output';
  const aConst = resolveConst(scope, a);
  const weight = resolveConst(scope, w);
  if (typeof weight === 'string') {
    return typeof aConst === 'string' ? `weight ${weight}` : 'the constant is the first input (only x * W with W constant is quantized)';
  }
  if (typeof aConst !== 'string') return 'both inputs are constants (fold constants first)';
  if (weight.tensor.dataType !== DataType.FLOAT) return `weight "${w}" is ${dtypeName(weight.tensor.dataType)}, not float32`;
  const dims = dimsOf(weight.tensor);
  const count = dims.reduce((p, d) => p * d, 1);
  if (count === 0) return `weight "${w}" is empty`;

  let transB = false;
  let alpha = 1;
  let beta = 1;
  let bias: NodePlan['bias'];
  if (op === 'MatMul') {
    if (dims.length !== 2) return `weight "${w}" has rank ${dims.length} (only 2-D MatMul weights are quantized)`;
  } else if (op === 'Gemm') {
    if (dims.length !== 2) return `weight "${w}" has rank ${dims.length}, Gemm needs 2-D`;
    // MatMulInteger has no transpose: only dynamic mode rewrites the Gemm itself.
    if (o.mode === 'dynamic' && intAttr(n, 'transA', 0) !== 0) return 'transA=1 is not supported by dynamic mode (MatMulInteger has no transpose)';
    transB = intAttr(n, 'transB', 0) !== 0;
    alpha = floatAttr(n, 'alpha', 1);
    beta = floatAttr(n, 'beta', 1);
    if (n.input[2]) bias = { name: n.input[2] };
  } else {
    if (dims.length < 3) return `weight "${w}" has rank ${dims.length}, Conv needs rank >= 3`;
    if (n.input[2]) bias = { name: n.input[2] };
  }
  const group = op === 'Conv' ? intAttr(n, 'group', 1) : 1;
  const depthwiseChannels = group > 1 && dims[1] === 1 && dims[0] % group === 0 ? group : undefined;
  if (bias) {
    const b = resolveConst(scope, bias.name);
    if (typeof b !== 'string' && b.tensor.dataType === DataType.FLOAT) bias.ref = b;
  }
  if (needRanges) {
    const ranges = o.activationRanges ?? {};
    for (const t of [a, n.output[0]]) {
      if (!ranges[t]) return `no calibrated range for activation "${t}"`;
    }
  }
  return { node: n, scope, op, activation: a, output: n.output[0], weight, weightDims: dims, bias, transB, alpha, beta, depthwiseChannels };
}
