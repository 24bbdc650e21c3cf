/**
 * The graph's wiring, checked before anything runs: every node input is provided (by a graph input, an
 * initializer, a node of the same graph, or, in a subgraph, a value of an enclosing graph), every graph output is
 * produced, and the nodes have no cycle (a node that needs, through other nodes, its own output can never run).
 * Node order is not required to be topological (real exports are not always sorted).
 *
 * Linear in the size of the model: one pass per graph to index producers, Kahn's algorithm for cycles, and a
 * subgraph's reads of outer names count as inputs of the node that owns it (so a cycle through an If branch is
 * found too). readOnnx runs it on every model it reads; transforms run it on what they are given.
 */
import { ParetoError } from '../../errors';
import { quote } from '../../text';
import type { GraphProto, ModelProto, NodeProto } from './proto';

/** Names visible from enclosing graphs, innermost first. */
interface Scope {
  has(name: string): boolean;
  parent?: Scope;
}

const inChain = (scope: Scope | undefined, name: string): boolean => {
  for (let s = scope; s; s = s.parent) if (s.has(name)) return true;
  return false;
};

/** At most this many problems are kept in the error's details. */
const MAX_PROBLEMS = 100;

const opText = (op: string) => (/^[\w.]{1,40}$/.test(op) ? op : quote(op, 40));
const nodeLabel = (n: NodeProto, idx: number) => `${n.name ? quote(n.name, 60) : `#${idx}`} (${opText(n.opType)})`;

class Checker {
  readonly missing: string[] = [];
  missingCount = 0;
  cycle: string | undefined;

  private addMissing(text: string) {
    this.missingCount++;
    if (this.missing.length < MAX_PROBLEMS) this.missing.push(text);
  }

  /** Checks one graph and its subgraphs; returns the names it reads from enclosing graphs. */
  graph(graph: GraphProto, parent: Scope | undefined, path: string): Set<string> {
    const local = new Set<string>();
    for (const i of graph.input) local.add(i.name);
    for (const t of graph.initializer) local.add(t.name);
    for (const s of graph.sparseInitializer) if (s.values) local.add(s.values.name);
    const producer = new Map<string, number>();
    graph.node.forEach((n, i) => {
      for (const o of n.output) if (o && !producer.has(o)) producer.set(o, i);
    });
    const here: Scope = { has: (name) => local.has(name) || producer.has(name), parent };
    const free = new Set<string>();
    const nodes = graph.node;
    const preds: number[][] = nodes.map(() => []);
    const succs: number[][] = nodes.map(() => []);

    const use = (name: string, i: number, where: () => string) => {
      if (!name || local.has(name)) return;
      const p = producer.get(name);
      if (p !== undefined) {
        preds[i].push(p);
        succs[p].push(i);
      } else if (inChain(parent, name)) {
        free.add(name);
      } else {
        this.addMissing(`${where()} reads ${quote(name, 60)}, which no input, initializer or node provides`);
      }
    };

    nodes.forEach((n, i) => {
      const where = () => `${path}: node ${nodeLabel(n, i)}`;
      for (const input of n.input) use(input, i, where);
      for (const a of n.attribute) {
        const label = `${path}/${n.name || `${n.opType}_${i}`}.${a.name}`;
        const subs: [GraphProto, string][] = a.g ? [[a.g, label]] : [];
        a.graphs.forEach((g, j) => subs.push([g, `${label}[${j}]`]));
        for (const [g, gPath] of subs) {
          // A subgraph's reads of this graph's values are inputs of the node that owns it.
          for (const name of this.graph(g, here, gPath)) {
            if (local.has(name)) continue;
            const p = producer.get(name);
            if (p !== undefined) {
              preds[i].push(p);
              succs[p].push(i);
            } else free.add(name);
          }
        }
      }
    });
    for (const o of graph.output) {
      if (local.has(o.name) || producer.has(o.name)) continue;
      if (inChain(parent, o.name)) free.add(o.name);
      else this.addMissing(`${path}: graph output ${quote(o.name, 60)} is not produced by any node`);
    }
    if (!this.cycle) this.cycle = findCycle(nodes, preds, succs, path);
    return free;
  }
}

/** Kahn's algorithm; when some nodes never become ready, walks back through them to name one cycle. */
function findCycle(nodes: NodeProto[], preds: number[][], succs: number[][], path: string): string | undefined {
  const indeg = preds.map((p) => p.length);
  const queue: number[] = [];
  indeg.forEach((d, i) => d === 0 && queue.push(i));
  let done = 0;
  for (let q = 0; q < queue.length; q++) {
    done++;
    for (const s of succs[queue[q]]) if (--indeg[s] === 0) queue.push(s);
  }
  if (done === nodes.length) return undefined;
  // Every node left over has a predecessor that is left over too: walking back must revisit one.
  let v = indeg.findIndex((d) => d > 0);
  const seenAt = new Map<number, number>();
  const walk: number[] = [];
  while (!seenAt.has(v)) {
    seenAt.set(v, walk.length);
    walk.push(v);
    v = preds[v].find((p) => indeg[p] > 0)!;
  }
  const back = walk.slice(seenAt.get(v)).reverse();
  // Start at the node that comes first in the file, as a reader would look for it.
  const first = back.indexOf(back.reduce((a, b) => Math.min(a, b)));
  const cycle = [...back.slice(first), ...back.slice(0, first)];
  const shown = cycle.slice(0, 6).map((i) => nodeLabel(nodes[i], i));
  const more = cycle.length > 6 ? ` → … (${cycle.length} nodes)` : '';
  return `${path}: node ${shown.join(' → ')}${more} → ${nodeLabel(nodes[cycle[0]], cycle[0])}`;
}

/**
 * Refuses a model whose graph reads a tensor nothing provides, leaves a graph output unproduced, or has a cycle,
 * naming the first problems (ParetoError 'invalid-graph'; all of them, up to 100, in `details`).
 */
export function checkGraph(model: ModelProto | { proto: ModelProto }): void {
  const proto = 'proto' in model ? model.proto : model;
  if (!proto.graph) return;
  const c = new Checker();
  c.graph(proto.graph, undefined, 'main');
  if (c.missingCount > 0) {
    const n = c.missingCount;
    throw new ParetoError(
      'invalid-graph',
      `The graph references tensors that do not exist (${n} problem${n > 1 ? 's' : ''}): ` +
        c.missing.slice(0, 3).join('; ') + (n > 3 ? '; …' : '.'),
      c.missing,
    );
  }
  if (c.cycle) {
    throw new ParetoError(
      'invalid-graph',
      `The graph has a cycle, so it can never run: ${c.cycle}. Each node must depend only on inputs, initializers and ` +
        'nodes that do not need its output.',
      [c.cycle],
    );
  }
}
