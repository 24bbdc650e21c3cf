import { create } from '@bufbuild/protobuf';
import {
  OperatorSetIdProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../../formats/onnx/proto';
import { irVersionForOpset } from '../../formats/onnx/builder';

/** Graph plumbing for the quantize transform: editable copies, scopes and name lookup, topological order, opsets. */

/** A copy of a message's own fields on the same prototype (keeps proto2 presence and unknown fields). */
export function shallowCopy<T extends object>(msg: T): T {
  const c = Object.create(Object.getPrototypeOf(msg)) as T;
  for (const key of Object.keys(msg)) (c as Record<string, unknown>)[key] = (msg as Record<string, unknown>)[key];
  return c;
}

/**
 * A copy of the model that can be edited: every graph, node, and list is new; tensors (the big part) are shared
 * with the original and must not be mutated.
 */
export function editableCopy(model: ModelProto): ModelProto {
  const m = shallowCopy(model);
  m.opsetImport = [...model.opsetImport];
  if (model.graph) m.graph = copyGraph(model.graph);
  return m;
}

function copyGraph(g: GraphProto): GraphProto {
  const c = shallowCopy(g);
  c.node = g.node.map(copyNode);
  c.initializer = [...g.initializer];
  c.input = [...g.input];
  c.output = [...g.output];
  c.valueInfo = [...g.valueInfo];
  return c;
}

function copyNode(n: NodeProto): NodeProto {
  const c = shallowCopy(n);
  c.input = [...n.input];
  c.output = [...n.output];
  c.attribute = n.attribute.map((a) => (a.g || a.graphs.length > 0 ? copyGraphAttr(a) : a));
  return c;
}

function copyGraphAttr(a: AttributeProto): AttributeProto {
  const c = shallowCopy(a);
  if (a.g) c.g = copyGraph(a.g);
  c.graphs = a.graphs.map(copyGraph);
  return c;
}

/* ------------------------------------------------------------------ scopes ------------------------------------------------------------------ */

export type Def =
  | { kind: 'initializer'; tensor: TensorProto; scope: Scope }
  | { kind: 'constant'; node: NodeProto; tensor: TensorProto | undefined; scope: Scope }
  | { kind: 'input'; scope: Scope }
  | { kind: 'sparse'; scope: Scope }
  | { kind: 'value'; node: NodeProto; scope: Scope };

export interface Scope {
  graph: GraphProto;
  /** "main", "main/if0.then_branch", ... */
  path: string;
  parent?: Scope;
  owner?: NodeProto;
  defs: Map<string, Def>;
  children: Scope[];
}

/** All graphs of the model as scopes (parents before children), each with the names it defines. */
export function scopesOf(model: ModelProto): Scope[] {
  const out: Scope[] = [];
  const visit = (graph: GraphProto, path: string, parent?: Scope, owner?: NodeProto): Scope => {
    const defs = new Map<string, Def>();
    const scope: Scope = { graph, path, parent, owner, defs, children: [] };
    for (const i of graph.input) defs.set(i.name, { kind: 'input', scope });
    // An initializer that is also a graph input (IR < 4 style) is still a constant with a default value.
    for (const t of graph.initializer) defs.set(t.name, { kind: 'initializer', tensor: t, scope });
    for (const sp of graph.sparseInitializer) if (sp.values) defs.set(sp.values.name, { kind: 'sparse', scope });
    for (const n of graph.node) {
      const isConst = n.opType === 'Constant' && (n.domain === '' || n.domain === 'ai.onnx');
      for (const o of n.output) {
        if (!o) continue;
        if (isConst) defs.set(o, { kind: 'constant', node: n, tensor: n.attribute.find((a) => a.name === 'value')?.t, scope });
        else defs.set(o, { kind: 'value', node: n, scope });
      }
    }
    out.push(scope);
    graph.node.forEach((n, i) => {
      for (const a of n.attribute) {
        const label = `${path}/${n.name || `${n.opType}_${i}`}.${a.name}`;
        if (a.g) scope.children.push(visit(a.g, label, scope, n));
        a.graphs.forEach((g, j) => scope.children.push(visit(g, `${label}[${j}]`, scope, n)));
      }
    });
    return scope;
  };
  if (model.graph) visit(model.graph, 'main');
  return out;
}

export function lookup(scope: Scope, name: string): Def | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const d = s.defs.get(name);
    if (d) return d;
  }
  return undefined;
}

/** Names a node reads, its subgraphs' outer-scope reads included. */
export function readsOf(node: NodeProto): string[] {
  const out = node.input.filter((x) => x);
  for (const a of node.attribute) {
    if (a.g) out.push(...outerReads(a.g));
    for (const g of a.graphs) out.push(...outerReads(g));
  }
  return out;
}

function outerReads(g: GraphProto): string[] {
  const local = new Set<string>();
  for (const i of g.input) local.add(i.name);
  for (const t of g.initializer) local.add(t.name);
  for (const n of g.node) for (const o of n.output) local.add(o);
  const out: string[] = [];
  for (const n of g.node) for (const r of readsOf(n)) if (!local.has(r)) out.push(r);
  for (const o of g.output) if (!local.has(o.name)) out.push(o.name);
  return out;
}

/**
 * Stable topological order of a graph's nodes (Kahn's algorithm, ties broken by the original position). Names not
 * produced in the graph count as available. A cycle (invalid model) keeps the remaining nodes in their order.
 */
export function topoSort(nodes: readonly NodeProto[]): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
  const deps: number[][] = nodes.map(() => []);
  const indeg = new Int32Array(nodes.length);
  // lastReader[p] === i: the edge p -> i is recorded (one array for all nodes, not a Set per node).
  const lastReader = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((n, i) => {
    for (const r of readsOf(n)) {
      const p = producer.get(r);
      if (p !== undefined && p !== i && lastReader[p] !== i) {
        lastReader[p] = i;
        deps[p].push(i);
        indeg[i]++;
      }
    }
  });
  // A binary heap on the original index keeps the order stable.
  const heap: number[] = [];
  const push = (v: number) => {
    heap.push(v);
    for (let i = heap.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (heap[p] <= heap[i]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l] < heap[m]) m = l;
        if (r < heap.length && heap[r] < heap[m]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  indeg.forEach((d, i) => d === 0 && push(i));
  const order: NodeProto[] = [];
  const done = new Uint8Array(nodes.length);
  while (heap.length > 0) {
    const i = pop();
    done[i] = 1;
    order.push(nodes[i]);
    for (const j of deps[i]) if (--indeg[j] === 0) push(j);
  }
  if (order.length < nodes.length) nodes.forEach((n, i) => !done[i] && order.push(n));
  return order;
}

/* ------------------------------------------------------------------ names ------------------------------------------------------------------ */

/** Fresh tensor and node names that collide with nothing in the model. */
export class Names {
  private readonly used = new Set<string>();
  /** Per base: the next suffix to try, so that asking for one base k times costs O(k), not O(k^2). */
  private readonly nextSuffix = new Map<string, number>();
  /** Candidate names tried so far (the tests check that it stays linear in the names made). */
  probes = 0;
  constructor(model: ModelProto) {
    const visit = (g: GraphProto) => {
      for (const i of g.input) this.used.add(i.name);
      for (const o of g.output) this.used.add(o.name);
      for (const t of g.initializer) this.used.add(t.name);
      for (const v of g.valueInfo) this.used.add(v.name);
      for (const n of g.node) {
        if (n.name) this.used.add(n.name);
        for (const x of n.input) this.used.add(x);
        for (const x of n.output) this.used.add(x);
        for (const a of n.attribute) {
          if (a.g) visit(a.g);
          a.graphs.forEach(visit);
        }
      }
    };
    if (model.graph) visit(model.graph);
  }
  fresh(base: string): string {
    let name = base;
    let i = this.nextSuffix.get(base) ?? 1;
    for (this.probes++; this.used.has(name); this.probes++) name = `${base}_${i++}`;
    this.nextSuffix.set(base, i);
    this.used.add(name);
    return name;
  }
}

/* ------------------------------------------------------------------ opsets ------------------------------------------------------------------ */

export function defaultOpset(model: ModelProto): number | undefined {
  const o = model.opsetImport.find((x) => x.domain === '' || x.domain === 'ai.onnx');
  return o ? Number(o.version) : undefined;
}

/**
 * Default-domain ops whose signature or meaning changed at the given opset version, so a model using them cannot
 * simply be relabelled with a newer opset (attributes became inputs, or the semantics changed).
 */
const BREAKING: Record<string, number[]> = {
  Softmax: [13],
  LogSoftmax: [13],
  Hardmax: [13],
  Squeeze: [13],
  Unsqueeze: [13],
  Split: [13],
  ReduceSum: [13],
  Clip: [11],
  Pad: [11],
  Resize: [11],
  Upsample: [10],
  Slice: [10],
  TopK: [10],
  Dropout: [10, 12],
  Scatter: [11],
  BatchNormalization: [9],
  Gemm: [7],
  Add: [7],
  Sub: [7],
  Mul: [7],
  Div: [7],
  Pow: [7],
  Equal: [7],
  Greater: [7],
  Less: [7],
  And: [7],
  Or: [7],
  Xor: [7],
  PRelu: [7],
  Cast: [6],
};

/** Ops of the model that would change meaning if its default opset went from `from` to `to`. */
export function opsetBlockers(model: ModelProto, from: number, to: number): string[] {
  const found = new Set<string>();
  const visit = (g: GraphProto) => {
    for (const n of g.node) {
      if (n.domain === '' || n.domain === 'ai.onnx') {
        const v = BREAKING[n.opType];
        if (v?.some((x) => x > from && x <= to)) found.add(n.opType);
      }
      for (const a of n.attribute) {
        if (a.g) visit(a.g);
        a.graphs.forEach(visit);
      }
    }
  };
  if (model.graph) visit(model.graph);
  return [...found].sort();
}

/** Sets the default-domain opset (and the IR version it needs) on an editable model. */
export function setDefaultOpset(model: ModelProto, version: number): void {
  const i = model.opsetImport.findIndex((x) => x.domain === '' || x.domain === 'ai.onnx');
  const entry = create(OperatorSetIdProtoSchema, { domain: i >= 0 ? model.opsetImport[i].domain : '', version: BigInt(version) });
  if (i >= 0) model.opsetImport[i] = entry;
  else model.opsetImport.push(entry);
  const ir = BigInt(irVersionForOpset(version));
  if (model.irVersion < ir) model.irVersion = ir;
}
