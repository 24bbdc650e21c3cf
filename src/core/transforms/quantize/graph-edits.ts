import type { GraphProto, ModelProto, NodeProto, TensorProto } from '../../formats/onnx/proto';
import { tensorByteLength } from '../../formats/onnx/tensor';
import { Names, readsOf, topoSort, type Scope } from './graph';
import type { ConstRef } from './plan';

/**
 * The graph edits of the quantize transform, collected while nodes are rewritten (rewrite.ts) and applied at the end
 * (finish): nodes put in place of a node or before it, nodes prepended to a graph, new initializers, and the float
 * weights that were replaced (removed when nothing reads them any more).
 */
export class GraphEdits {
  protected readonly names: Names;
  /** Nodes to put in place of a node, per graph. */
  private readonly replace = new Map<GraphProto, Map<NodeProto, NodeProto[]>>();
  private readonly newInits = new Map<GraphProto, TensorProto[]>();
  private readonly prepended = new Map<GraphProto, NodeProto[]>();
  /** Float weights replaced somewhere (removed at the end when nothing reads them). */
  protected readonly replaced = new Map<string, ConstRef>();

  constructor(
    protected readonly model: ModelProto,
    protected readonly notes: string[],
  ) {
    this.names = new Names(model);
  }

  protected cloneNode(n: NodeProto): NodeProto {
    const c = Object.create(Object.getPrototypeOf(n)) as NodeProto;
    Object.assign(c, n);
    c.input = [...n.input];
    c.output = [...n.output];
    return c;
  }

  private edits(g: GraphProto): Map<NodeProto, NodeProto[]> {
    let m = this.replace.get(g);
    if (!m) this.replace.set(g, (m = new Map()));
    return m;
  }

  protected replaceNode(g: GraphProto, n: NodeProto, nodes: NodeProto[]): void {
    const m = this.edits(g);
    const before = m.get(n) ?? [n];
    // Keep nodes inserted before n (bias DQs), replace n itself.
    m.set(n, [...before.filter((x) => x !== n), ...nodes]);
  }

  protected insertBefore(g: GraphProto, n: NodeProto, nodes: NodeProto[]): void {
    const m = this.edits(g);
    const cur = m.get(n) ?? [n];
    m.set(n, [...nodes, ...cur]);
  }

  protected prepend(g: GraphProto, n: NodeProto): void {
    let l = this.prepended.get(g);
    if (!l) this.prepended.set(g, (l = []));
    l.push(n);
  }

  protected addInit(scope: Scope, t: TensorProto): void {
    this.addInitToGraph(scope.graph, t);
  }

  protected addInitToGraph(g: GraphProto, t: TensorProto): void {
    let l = this.newInits.get(g);
    if (!l) this.newInits.set(g, (l = []));
    l.push(t);
  }

  /** Applies the edits: new nodes in topological order, new initializers, float weights nothing reads removed. */
  finish(): void {
    const graphs = new Set<GraphProto>([...this.replace.keys(), ...this.prepended.keys(), ...this.newInits.keys()]);
    for (const g of graphs) {
      const edits = this.replace.get(g);
      const nodes: NodeProto[] = [...(this.prepended.get(g) ?? [])];
      for (const n of g.node) nodes.push(...(edits?.get(n) ?? [n]));
      g.node = topoSort(nodes);
      g.initializer.push(...(this.newInits.get(g) ?? []));
    }
    // Remove float weights (initializers, Constant nodes) that nothing reads any more.
    const reads = new Set<string>();
    const visit = (g: GraphProto) => {
      for (const n of g.node) {
        for (const r of readsOf(n)) reads.add(r);
        for (const a of n.attribute) {
          if (a.g) visit(a.g);
          a.graphs.forEach(visit);
        }
      }
      for (const o of g.output) reads.add(o.name);
    };
    visit(this.model.graph!);
    let kept = 0;
    const dropTensors = new Set<TensorProto>();
    const dropNodes = new Set<NodeProto>();
    const dropNames = new Map<GraphProto, Set<string>>();
    for (const [name, ref] of this.replaced) {
      if (reads.has(name)) {
        kept += tensorByteLength(ref.tensor);
        continue;
      }
      const g = ref.def.scope.graph;
      if (ref.def.kind === 'initializer') dropTensors.add(ref.tensor);
      else dropNodes.add(ref.def.node);
      let names = dropNames.get(g);
      if (!names) dropNames.set(g, (names = new Set()));
      names.add(name);
    }
    for (const [g, names] of dropNames) {
      g.initializer = g.initializer.filter((t) => !dropTensors.has(t));
      g.node = g.node.filter((n) => !dropNodes.has(n));
      g.input = g.input.filter((i) => !names.has(i.name));
      g.valueInfo = g.valueInfo.filter((v) => !names.has(v.name));
    }
    if (kept > 0) {
      this.notes.push(`${kept} bytes of float weights are kept because other (float) nodes also read them.`);
    }
  }
}
