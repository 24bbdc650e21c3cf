import type { ModelSummary } from '../../core/inspect/summary';
import { count } from '../../core/units';

/**
 * What the Nodes card counts: every node of every graph (subgraphs included). The layer table lists the same nodes
 * except Constant nodes, whose tensors it shows as the weights of the nodes that use them; the hint says so, with
 * the same numbers the table shows.
 */
export function nodesHint(s: Pick<ModelSummary, 'nodeCount' | 'layers' | 'ops' | 'subgraphs'>): string {
  const constants = s.nodeCount - s.layers.length;
  const parts = [
    constants > 0 ? `${count(s.layers.length, 'layer')} + ${count(constants, 'Constant node')}` : count(s.layers.length, 'layer'),
    count(s.ops.length, 'op type'),
  ];
  if (s.subgraphs.length > 0) parts.push(`incl. ${count(s.subgraphs.length, 'subgraph')}`);
  return parts.join(' · ');
}
