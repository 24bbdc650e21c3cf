import { useMemo, useState } from 'react';
import type { ModelSummary } from '../../core/inspect/summary';
import { count } from '../../core/units';
import { ownersText, subgraphTree, type SubgraphNode } from './subgraph-tree';

/** Top-level subgraphs shown before "Show all". */
const FIRST = 12;
/** Up to this many subgraphs in all, nested ones start open. */
const OPEN_UP_TO = 16;

/** The subgraphs as a tree (nested ones under the subgraph that holds them), with counts; long lists collapse. */
export function SubgraphList({ subgraphs }: { subgraphs: ModelSummary['subgraphs'] }) {
  const tree = useMemo(() => subgraphTree(subgraphs), [subgraphs]);
  const [all, setAll] = useState(false);
  const total = subgraphs.reduce((n, g) => n + g.nodes, 0);
  const open = subgraphs.length <= OPEN_UP_TO;
  const shown = all ? tree : tree.slice(0, FIRST);
  return (
    <>
      <h4>Subgraphs (walked, weights included)</h4>
      <p className="small muted" data-testid="subgraph-counts">
        {count(subgraphs.length, 'subgraph')} ({ownersText(subgraphs)}) · {count(total, 'node')} in all
        {tree.length < subgraphs.length && ` · ${tree.length} at the top level`}
      </p>
      <ul className="subgraph-tree" data-testid="subgraphs">
        {shown.map((n) => <Item key={n.path} node={n} open={open} />)}
      </ul>
      {shown.length < tree.length && (
        <button className="link" onClick={() => setAll(true)} data-testid="subgraphs-all">
          Show all {tree.length} top-level subgraphs ({tree.length - shown.length} more)
        </button>
      )}
    </>
  );
}

function Item({ node, open }: { node: SubgraphNode; open: boolean }) {
  const line = (
    <>
      <code title={node.path}>{node.label}</code> — {node.owner}, {count(node.nodes, 'node')}
    </>
  );
  if (node.children.length === 0) return <li data-path={node.path}>{line}</li>;
  return (
    <li data-path={node.path}>
      <details open={open}>
        <summary>
          {line}; {count(node.descendants, 'nested subgraph')} ({count(node.totalNodes, 'node')} in all)
        </summary>
        <ul>
          {node.children.map((c) => <Item key={c.path} node={c} open={open} />)}
        </ul>
      </details>
    </li>
  );
}
