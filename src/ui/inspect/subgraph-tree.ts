import type { ModelSummary } from '../../core/inspect/summary';

type Subgraph = ModelSummary['subgraphs'][number];

/** A subgraph with the subgraphs nested in it. `label` is its path relative to its parent's. */
export interface SubgraphNode extends Subgraph {
  label: string;
  children: SubgraphNode[];
  /** Subgraphs nested at any depth below this one. */
  descendants: number;
  /** Nodes of this subgraph and of every subgraph nested in it. */
  totalNodes: number;
}

/**
 * The flat list of subgraph paths (`main/if_node.then_branch`, `main/if_node.then_branch/loop.body`, …) as a tree:
 * a subgraph's parent is the subgraph whose path is the longest prefix of its own followed by `/`. That holds even
 * when node names themselves contain `/` (exporters write `/model/layer.0/If`), since parents are matched on
 * whole paths, never by splitting. Order is kept.
 */
export function subgraphTree(subgraphs: Subgraph[]): SubgraphNode[] {
  const byPath = new Map<string, SubgraphNode>();
  const parents = new Map<SubgraphNode, SubgraphNode | undefined>();
  const nodes: SubgraphNode[] = [];
  // A parent's path is shorter than its children's: visit by length so every parent is known before its children.
  const ordered = subgraphs.map((g, i) => ({ g, i })).sort((a, b) => a.g.path.length - b.g.path.length || a.i - b.i);
  for (const { g, i } of ordered) {
    let parent: SubgraphNode | undefined;
    for (let cut = g.path.lastIndexOf('/'); cut > 0 && !parent; cut = g.path.lastIndexOf('/', cut - 1)) {
      parent = byPath.get(g.path.slice(0, cut));
    }
    const label = parent ? g.path.slice(parent.path.length + 1) : g.path.replace(/^main\//, '');
    const node: SubgraphNode = { ...g, label, children: [], descendants: 0, totalNodes: g.nodes };
    byPath.set(g.path, node);
    parents.set(node, parent);
    nodes[i] = node;
  }
  // Attach in the model's order, so siblings keep it.
  const roots: SubgraphNode[] = [];
  for (const node of nodes) {
    const parent = parents.get(node);
    (parent ? parent.children : roots).push(node);
  }
  const total = (n: SubgraphNode): void => {
    for (const c of n.children) {
      total(c);
      n.descendants += 1 + c.descendants;
      n.totalNodes += c.totalNodes;
    }
  };
  roots.forEach(total);
  return roots;
}

/** "12 under If, 3 under Loop": how many subgraphs each kind of owner node holds, most first. */
export function ownersText(subgraphs: Subgraph[]): string {
  const byOwner = new Map<string, number>();
  for (const g of subgraphs) byOwner.set(g.owner || 'other', (byOwner.get(g.owner || 'other') ?? 0) + 1);
  return [...byOwner]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([owner, n]) => `${n} under ${owner}`)
    .join(', ');
}
