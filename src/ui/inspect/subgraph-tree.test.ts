import { describe, expect, it } from 'vitest';
import { build, DataType, writeOnnx, readOnnx } from '../../core/formats/onnx/index';
import { summarize } from '../../core/inspect/summary';
import { ownersText, subgraphTree } from './subgraph-tree';

const { graph, node, valueInfo, model, attr } = build;

/** `n` If nodes in the main graph; each then-branch holds a nested If with its own two branches. */
function nestedIfs(n: number, name: (i: number) => string) {
  const leaf = (tag: string) =>
    graph({ name: tag, nodes: [node('Identity', ['x'], [`${tag}_y`], {}, { name: `${tag}_id` })], inputs: [], outputs: [valueInfo(`${tag}_y`, DataType.FLOAT, [1])] });
  const nodes = Array.from({ length: n }, (_, i) => {
    const inner = node('If', ['c'], [`in${i}`], { then_branch: attr.g(leaf(`a${i}`)), else_branch: attr.g(leaf(`b${i}`)) }, { name: `inner/${i}` });
    const thenBranch = graph({ name: `t${i}`, nodes: [inner, node('Identity', [`in${i}`], [`t${i}_y`])], inputs: [], outputs: [valueInfo(`t${i}_y`, DataType.FLOAT, [1])] });
    return node('If', ['c'], [`y${i}`], { then_branch: attr.g(thenBranch), else_branch: attr.g(leaf(`e${i}`)) }, { name: name(i) });
  });
  const g = graph({
    name: 'main',
    nodes,
    inputs: [valueInfo('c', DataType.BOOL, []), valueInfo('x', DataType.FLOAT, [1])],
    outputs: nodes.map((_, i) => valueInfo(`y${i}`, DataType.FLOAT, [1])),
  });
  return summarize(readOnnx(writeOnnx(model({ graph: g }))), 'nested.onnx');
}

describe('subgraphTree', () => {
  it('nests the subgraphs of a real model under their parents, with counts, and keeps the model order', () => {
    // node names with slashes, as exporters write them
    const s = nestedIfs(12, (i) => `/model/layers.${i}/If`);
    expect(s.subgraphs).toHaveLength(12 * 4);
    const tree = subgraphTree(s.subgraphs);
    expect(tree).toHaveLength(24); // then and else of each outer If
    expect(tree[0].label).toBe('/model/layers.0/If.then_branch');
    expect(tree[1].label).toBe('/model/layers.0/If.else_branch');
    expect(tree[0].children.map((c) => c.label)).toEqual(['inner/0.then_branch', 'inner/0.else_branch']);
    expect(tree[0].descendants).toBe(2);
    expect(tree[0].totalNodes).toBe(2 + 1 + 1); // its own If and Identity, one Identity in each nested branch
    expect(tree[1].children).toEqual([]);
    // every subgraph appears exactly once
    const all: string[] = [];
    const visit = (ns: typeof tree) => ns.forEach((n) => (all.push(n.path), visit(n.children)));
    visit(tree);
    expect(all.sort()).toEqual(s.subgraphs.map((g) => g.path).sort());
  });

  it('finds parents whatever the input order', () => {
    const s = nestedIfs(2, (i) => `if${i}`);
    const tree = subgraphTree([...s.subgraphs].reverse());
    expect(tree.map((t) => t.label).sort()).toEqual(['if0.else_branch', 'if0.then_branch', 'if1.else_branch', 'if1.then_branch']);
    expect(tree.find((t) => t.label === 'if1.then_branch')!.children).toHaveLength(2);
  });

  it('counts subgraphs by the op that owns them', () => {
    const s = nestedIfs(3, (i) => `if${i}`);
    expect(ownersText(s.subgraphs)).toBe('12 under If');
    expect(ownersText([...s.subgraphs, { path: 'main/loop.body', nodes: 3, owner: 'Loop' }])).toBe('12 under If, 1 under Loop');
  });
});
