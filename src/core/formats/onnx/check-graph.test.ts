import { describe, expect, it } from 'vitest';
import { isParetoError, type ParetoError } from '../../errors';
import * as b from './builder';
import { checkGraph } from './check-graph';
import { DataType, type NodeProto } from './proto';
import { readOnnx } from './read';
import { writeOnnx } from './write';

function graphError(f: () => void): ParetoError {
  try {
    f();
  } catch (e) {
    if (isParetoError(e)) return e;
    throw e;
  }
  throw new Error('did not throw');
}

/** x -> Relu -> Relu -> ... -> y: `n` nodes, written in reverse order (not topological) when `reversed`. */
function chain(n: number, opts: { reversed?: boolean; backEdge?: boolean } = {}) {
  const nodes: NodeProto[] = [];
  for (let i = 0; i < n; i++) {
    // With backEdge, the first node reads the last node's output: one cycle through every node.
    const input = i === 0 ? (opts.backEdge ? `t${n - 1}` : 'x') : `t${i - 1}`;
    nodes.push(b.node('Relu', [input], [i === n - 1 && !opts.backEdge ? 'y' : `t${i}`], {}, { name: `r${i}` }));
  }
  if (opts.backEdge) nodes.push(b.node('Identity', [`t${n - 1}`], ['y'], {}, { name: 'out' }));
  if (opts.reversed) nodes.reverse();
  return b.model({
    graph: b.graph({
      name: 'chain',
      inputs: [b.valueInfo('x', DataType.FLOAT, [1])],
      outputs: [b.valueInfo('y', DataType.FLOAT, [1])],
      nodes,
    }),
  });
}

describe('checkGraph', () => {
  it('accepts a graph whose nodes are not in topological order', () => {
    expect(() => checkGraph(chain(5, { reversed: true }))).not.toThrow();
  });

  it('names a self-loop', () => {
    const m = b.model({
      graph: b.graph({
        name: 'self',
        inputs: [b.valueInfo('x', DataType.FLOAT, [1])],
        outputs: [b.valueInfo('y', DataType.FLOAT, [1])],
        nodes: [b.node('Add', ['x', 'y'], ['y'], {}, { name: 'acc' })],
      }),
    });
    const e = graphError(() => checkGraph(m));
    expect(e.code).toBe('invalid-graph');
    expect(e.message).toContain('main: node "acc" (Add) → "acc" (Add)');
  });

  it('a subgraph may read outer names, two levels up; a name nothing provides is named with its path', () => {
    const inner = (read: string) =>
      b.graph({
        name: 'inner',
        inputs: [],
        outputs: [b.valueInfo('i_out', DataType.FLOAT, [1])],
        nodes: [b.node('Identity', [read], ['i_out'], {}, { name: 'inner_id' })],
      });
    const outer = (read: string) =>
      b.graph({
        name: 'outer',
        inputs: [],
        outputs: [b.valueInfo('o_out', DataType.FLOAT, [1])],
        nodes: [b.node('If', ['c'], ['o_out'], { then_branch: b.attr.g(inner(read)), else_branch: b.attr.g(inner(read)) }, { name: 'if2' })],
      });
    const model = (read: string) =>
      b.model({
        graph: b.graph({
          name: 'm',
          inputs: [b.valueInfo('x', DataType.FLOAT, [1]), b.valueInfo('c', DataType.BOOL, [])],
          outputs: [b.valueInfo('y', DataType.FLOAT, [1])],
          nodes: [
            b.node('Relu', ['x'], ['rx'], {}, { name: 'relu' }),
            b.node('If', ['c'], ['y'], { then_branch: b.attr.g(outer(read)), else_branch: b.attr.g(outer(read)) }, { name: 'if1' }),
          ],
        }),
      });
    expect(() => checkGraph(model('rx'))).not.toThrow();
    const e = graphError(() => checkGraph(model('nowhere')));
    expect(e.message).toContain('main/if1.then_branch/if2.then_branch: node "inner_id" (Identity) reads "nowhere"');
    expect(e.details).toHaveLength(4);
  });

  // How long it takes is for `npm run bench` (the chain case); here, that 100,000-node graphs in any order are checked.
  it('100,000-node chains: in order, reversed, and one big cycle named from its first node', () => {
    for (const opts of [{}, { reversed: true }]) expect(() => checkGraph(chain(100_000, opts))).not.toThrow();
    const cyclic = chain(100_000, { backEdge: true });
    const e = graphError(() => checkGraph(cyclic));
    expect(e.message).toContain('main: node "r0" (Relu) → "r1" (Relu) → "r2" (Relu)');
    expect(e.message).toContain('(100000 nodes) → "r0" (Relu)');
  });

  it('readOnnx refuses a cyclic model before anything else looks at it', () => {
    const e = graphError(() => readOnnx(writeOnnx(chain(3, { backEdge: true }))));
    expect(e.code).toBe('invalid-graph');
    expect(e.message).toMatch(/^The graph has a cycle, so it can never run: main: node "r0" \(Relu\)/);
  });
});
