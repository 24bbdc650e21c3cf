import type { GraphProto, ModelProto, NodeProto } from './proto';

export interface GraphScope {
  graph: GraphProto;
  /** "main", or e.g. "main/If_0.then_branch" for a subgraph. */
  path: string;
  /** The node that owns this subgraph (undefined for the main graph). */
  owner?: NodeProto;
  depth: number;
}

/** Every graph in the model: the main graph, then subgraphs of If/Loop/Scan attributes, depth-first. */
export function* graphsOf(model: ModelProto): Generator<GraphScope> {
  if (model.graph) yield* walk(model.graph, 'main', undefined, 0);
}

function* walk(graph: GraphProto, path: string, owner: NodeProto | undefined, depth: number): Generator<GraphScope> {
  yield { graph, path, owner, depth };
  const subgraphs: [GraphProto, string, NodeProto][] = [];
  graph.node.forEach((node, i) => {
    for (const attr of node.attribute) {
      const label = `${path}/${node.name || `${node.opType}_${i}`}.${attr.name}`;
      if (attr.g) subgraphs.push([attr.g, label, node]);
      attr.graphs.forEach((g, j) => subgraphs.push([g, `${label}[${j}]`, node]));
    }
  });
  for (const [g, label, node] of subgraphs) yield* walk(g, label, node, depth + 1);
}

/** Every node of every graph, with its scope. */
export function* nodesOf(model: ModelProto): Generator<{ node: NodeProto; scope: GraphScope; index: number }> {
  for (const scope of graphsOf(model)) {
    for (let index = 0; index < scope.graph.node.length; index++) yield { node: scope.graph.node[index], scope, index };
  }
}
