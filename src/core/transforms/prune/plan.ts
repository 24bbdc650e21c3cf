import { ParetoError } from '../../errors';
import { DataType } from '../../formats/onnx/proto';
import { dtypeName } from '../../formats/onnx/dtypes';
import { dimsOf, elementCount } from '../../formats/onnx/tensor';
import type { TransformReport } from '../types';
import type { NMPattern, PruneOptions } from './options';
import { groupOf, indexConstants, pruneOpType, roleOf, type ConstantTensor, type NodeRef, type Reader } from './weights';

/**
 * Which weight tensors a prune run changes, and why every other prunable node stays dense (the report's skipped list).
 * Pure analysis of the indexed model: reads it, changes nothing. Used by apply.ts.
 */

export interface Layer {
  entry: ConstantTensor;
  uses: Reader[];
  dims: number[];
  n: number;
  /** Unstructured: own target (layer scope or override); undefined = the global group. */
  target?: number;
  /** N:M: the group axis. */
  axis?: number;
}

export interface Plan {
  layers: Layer[];
  skipped: TransformReport['skipped'];
  notes: string[];
}

export const bad = (msg: string, details?: string[]): never => {
  throw new ParetoError('bad-input', msg, details);
};

export function planPrune(index: ReturnType<typeof indexConstants>, options: PruneOptions, nm: NMPattern | undefined): Plan {
  const notes: string[] = [];
  const skip = new Set(options.skip);
  const opTypes = new Set<string>(options.opTypes);
  const inSkip = (r: { nodeName: string; opType: string; node: { name: string } }) =>
    skip.has(r.nodeName) || skip.has(r.node.name) || skip.has(r.opType);
  const overrideOf = (r: { nodeName: string; node: { name: string } }): number | undefined =>
    options.overrides[r.node.name] ?? options.overrides[r.nodeName];

  // Why each prunable node was left alone (first reason wins); nodes that get a pruned tensor are removed.
  const reasons = new Map<NodeRef['node'], string>();
  const pruned = new Set<NodeRef['node']>();
  const reason = (node: NodeRef['node'], why: string) => {
    if (!reasons.has(node)) reasons.set(node, why);
  };

  const layers: Layer[] = [];
  /** N:M: weights left dense because M does not divide their reduction axis. */
  const nmUnfit: string[] = [];
  for (const entry of index.tensors) {
    const t = entry.tensor;
    const dims = dimsOf(t);
    const uses: Reader[] = [];
    const axes = new Set<number>();
    for (const r of entry.readers) {
      if (!opTypes.has(pruneOpType(r))) continue;
      const { role, axis } = roleOf(r.node, r.inputIndex, dims.length);
      if (role === 'weight' || (role === 'bias' && options.includeBias && !nm)) {
        uses.push(r);
        if (role === 'weight' && axis !== undefined) axes.add(axis);
      }
    }
    if (uses.length === 0) continue;
    const useNodes = uses.map((u) => u.node);
    const skipAll = (why: string) => useNodes.forEach((n) => reason(n, why));
    const n = elementCount(t);
    if (t.dataType !== DataType.FLOAT) {
      skipAll(`weight "${entry.name}" is ${dtypeName(t.dataType)}; pruning handles float32 weights (prune before quantizing)`);
      continue;
    }
    if (n === 0) continue;
    const isBiasOnly = uses.every((u) => roleOf(u.node, u.inputIndex, dims.length).role === 'bias');
    if (dims.length < 2 && !isBiasOnly) {
      skipAll(`weight "${entry.name}" is ${dims.length}-D; 1-D tensors are not pruned`);
      continue;
    }
    const skipper = entry.readers.find(inSkip);
    if (skipper) {
      for (const u of uses) {
        reason(u.node, u.node === skipper.node ? 'in the skip list' : `weight "${entry.name}" is shared with "${skipper.nodeName}", which is in the skip list`);
      }
      continue;
    }
    const overridden = uses.map(overrideOf).filter((v): v is number => v !== undefined);
    const target = overridden.length > 0 ? Math.min(...overridden) : undefined;
    if (overridden.length > 1 && new Set(overridden).size > 1) {
      notes.push(`Weight "${entry.name}" is shared by nodes with different overrides (${overridden.join(', ')}); the lowest, ${target}, was used.`);
    }
    if (target === 0) {
      skipAll(`override sparsity 0 for ${uses.find((u) => overrideOf(u) === 0)!.nodeName}`);
      continue;
    }
    const others = entry.readers.filter((r) => !uses.includes(r));
    if (others.length > 0) {
      notes.push(
        `Weight "${entry.name}" is also read by ${others.map((r) => `"${r.nodeName}" (${r.opType})`).join(', ')}; ` +
          'those nodes see the pruned values too.',
      );
    }
    const layer: Layer = { entry, uses, dims, n };
    if (nm) {
      if (axes.size !== 1) {
        skipAll(
          axes.size === 0
            ? `weight "${entry.name}" has no reduction axis for N:M`
            : `weight "${entry.name}" is read along different reduction axes (${[...axes].join(', ')}) by its nodes`,
        );
        continue;
      }
      const axis = [...axes][0];
      let size = dims[axis];
      const conv = uses.find((u) => u.opType === 'ConvTranspose');
      if (conv) size = dims[axis] / groupOf(conv.node);
      if (!Number.isInteger(size) || size % nm.m !== 0) {
        // Groups of M cannot tile this axis: the layer stays dense, the others are pruned.
        const length = `${size} along its reduction axis ${axis}${conv ? ' per group' : ''}`;
        skipAll(`weight "${entry.name}" [${dims.join(', ')}] has ${length}, not a multiple of ${nm.m}: pattern ${options.pattern} cannot group it, so it stays dense`);
        nmUnfit.push(`${uses.map((u) => `"${u.nodeName}" (${u.opType})`).join(', ')}: weight "${entry.name}" [${dims.join(', ')}] has ${length}`);
        continue;
      }
      layer.axis = axis;
    } else if (options.scope === 'layer' || target !== undefined) {
      layer.target = target ?? options.sparsity;
    }
    layers.push(layer);
    useNodes.forEach((u) => pruned.add(u));
  }
  if (nm && nmUnfit.length > 0 && layers.length === 0) {
    bad(
      `Pattern ${options.pattern} fits no weight of this model: it groups ${nm.m} consecutive weights along a weight's reduction ` +
        `axis, and no prunable weight has a reduction axis that is a multiple of ${nm.m} (${nmUnfit.slice(0, 3).join('; ')}` +
        `${nmUnfit.length > 3 ? '; …' : ''}). Use the unstructured pattern with a target sparsity (--sparsity / Target sparsity) instead.`,
      nmUnfit,
    );
  }
  if (nmUnfit.length > 0 && layers.length > 0) {
    notes.push(
      `${nmUnfit.length} weight ${nmUnfit.length === 1 ? 'tensor was' : 'tensors were'} left dense: ${nm!.m} does not divide ` +
        `${nmUnfit.length === 1 ? 'its' : 'their'} reduction axis (listed under skipped).`,
    );
  }

  const skipped: TransformReport['skipped'] = [];
  for (const r of index.nodes) {
    if (!opTypes.has(pruneOpType(r)) || pruned.has(r.node)) continue;
    const why = reasons.get(r.node) ?? (inSkip(r) ? 'in the skip list' : 'no constant weight input (its inputs are computed at run time)');
    skipped.push({ node: r.nodeName, opType: r.opType, reason: why });
  }
  const matched = options.skip.filter((s) => !index.nodeNames.has(s) && !index.nodes.some((r) => r.opType === s));
  if (matched.length > 0) notes.push(`Skip entries that match no node name or op type: ${matched.join(', ')}.`);
  return { layers, skipped, notes };
}
