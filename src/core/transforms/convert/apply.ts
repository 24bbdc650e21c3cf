import { ParetoError } from '../../errors';
import type { GraphProto, ModelProto, NodeProto } from '../../formats/onnx/proto';
import type { OnnxModel } from '../../formats/onnx/read';
import { validateGraph } from '../../formats/onnx/read';
import { create } from '@bufbuild/protobuf';
import * as build from '../../formats/onnx/builder';
import { ModelProtoSchema, OperatorSetIdProtoSchema, ValueInfoProtoSchema } from '../../formats/onnx/proto';
import { defaultOpset, editableCopy, setDefaultOpset, shallowCopy } from '../quantize/graph';
import { makeCheckpoint, type TransformContext, type TransformResult } from '../types';
import { ADAPTERS, Unconvertible, type Adapter } from './adapters';
import { GraphEdit, namesOf, type Change } from './edit';
import { dropConsumedInputs, LEGACY } from './legacy';
import { MAX_TARGET_OPSET, MIN_SOURCE_OPSET, validateConvertOptions, type ConvertOptions } from './options';

export type { Change } from './edit';

export interface ConvertResult {
  /** The converted model (an edited copy: graphs and nodes are new, weight tensors are shared with the input). */
  model: ModelProto;
  from: number;
  to: number;
  /** Every node that changed, with the opset at which it did and how. */
  changes: Change[];
  /** What the user must know, per node (grouped by change): "Clip min/max attributes → inputs (opset 11): clip1, clip2". */
  notes: string[];
}

const adapterCache = new Map<string, Adapter | null>();

/** Both tables' adapters for an op at one opset (chained: the legacy change first); cached per op and opset. */
function adapterFor(opType: string, v: number): Adapter | undefined {
  const key = `${opType}@${v}`;
  let a = adapterCache.get(key);
  if (a === undefined) {
    a = chain([v === 6 ? dropConsumedInputs : undefined, LEGACY[opType]?.[v], ADAPTERS[opType]?.[v]].filter((x): x is Adapter => x !== undefined)) ?? null;
    adapterCache.set(key, a);
  }
  return a ?? undefined;
}

function chain(list: Adapter[]): Adapter | undefined {
  if (list.length <= 1) return list[0];
  return (n, e) => {
    const done = list.map((a) => a(n, e)).filter((r) => r !== undefined);
    if (done.length === 0) return undefined;
    return { what: done.map((r) => r.what).join('; '), before: done.flatMap((r) => r.before ?? []), after: done.flatMap((r) => r.after ?? []) };
  };
}

const isDefault = (n: NodeProto) => n.domain === '' || n.domain === 'ai.onnx';

/**
 * Converts a model's default-domain opset from its own (1 or newer) up to `target`, as onnx.version_converter does:
 * ops whose signature or meaning changed on the way are rewritten (adapters.ts), all other ops keep their meaning and
 * only the opset_import changes. Throws ParetoError('bad-input') naming every node it cannot convert exactly, and
 * for a target older than the model's opset. The input model is left untouched.
 */
export async function convertOpset(model: ModelProto, target: number, ctx: TransformContext = {}): Promise<ConvertResult> {
  const from = defaultOpset(model);
  const modelFrom = from ?? 0;
  if (from === undefined) throw new ParetoError('bad-input', 'The model imports no default ONNX opset: nothing to convert.');
  if (!Number.isInteger(target) || target > MAX_TARGET_OPSET) {
    throw new ParetoError('bad-input', `Cannot convert to opset ${target}: the newest opset onnxruntime runs is ${MAX_TARGET_OPSET}.`);
  }
  if (target < from) {
    throw new ParetoError('bad-input', `The model has opset ${from}, newer than the target ${target}: conversion only raises the opset (give ${from} to ${MAX_TARGET_OPSET}).`);
  }
  if (from < MIN_SOURCE_OPSET) {
    throw new ParetoError('bad-input', `The model has opset ${from}; conversion starts from opset ${MIN_SOURCE_OPSET}.`);
  }
  const out = editableCopy(model);
  if (target === from) return { model: out, from, to: target, changes: [], notes: [`The model already has opset ${from}: nothing to convert.`] };

  const checkpoint = makeCheckpoint(ctx);
  const total = countNodes(model.graph);
  let done = 0;
  const names = namesOf(out);
  const changes: Change[] = [];
  const refused: { node: string; opType: string; reason: string }[] = [];

  const convertGraph = async (g: GraphProto, outer?: GraphEdit, from = modelFrom) => {
    const e = new GraphEdit(g, names, target, outer);
    for (const original of g.node) {
      if (++done % 256 === 0) await checkpoint(Math.min(1, done / total), `converting ${original.name || original.opType}`);
      let list: NodeProto[] = [original];
      const opType = original.opType;
      const label = original.name || original.output[0] || opType;
      if (isDefault(original)) {
        for (let v = from + 1; v <= target; v++) {
          if (list.length === 1 && !adapterFor(list[0].opType, v)) continue;
          const next: NodeProto[] = [];
          for (const n of list) {
            const adapt = e.fresh.has(n) ? undefined : adapterFor(n.opType, v);
            if (!adapt) {
              next.push(n);
              continue;
            }
            try {
              const r = adapt(n, e);
              if (r) changes.push({ node: label, opType, opset: v, what: r.what });
              next.push(...(r?.before ?? []), n, ...(r?.after ?? []));
            } catch (err) {
              if (!(err instanceof Unconvertible)) throw err;
              refused.push({ node: label, opType: n.opType, reason: err.message });
              next.push(n);
            }
          }
          list = next;
        }
      }
      for (const n of list) {
        for (const a of n.attribute) {
          if (a.g) await convertGraph(a.g, e, from);
          for (const sg of a.graphs) await convertGraph(sg, e, from);
        }
      }
      e.out.push(...list);
    }
    g.node = e.out;
  };
  await checkpoint(0, `converting opset ${from} → ${target}`);
  if (out.graph) await convertGraph(out.graph);
  // Model-local functions: onnxruntime inlines them under the model's opset, so their default-domain nodes convert
  // too (from the function's own opset); the constants the adapters write become Constant nodes (a function has no
  // initializers).
  out.functions = model.functions.map((f) => {
    const own = f.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
    if (!own || Number(own.version) >= target) return f;
    return shallowCopy(f);
  });
  for (const f of out.functions) {
    const i = f.opsetImport.findIndex((o) => o.domain === '' || o.domain === 'ai.onnx');
    if (i < 0 || Number(f.opsetImport[i].version) >= target) continue;
    const fnFrom = Number(f.opsetImport[i].version);
    const body = editableCopy(create(ModelProtoSchema, { graph: build.graph({ name: f.name, nodes: f.node, inputs: [], outputs: f.output.map((name) => create(ValueInfoProtoSchema, { name })) }) })).graph!;
    await convertGraph(body, undefined, fnFrom);
    f.node = [...body.initializer.map((t) => build.node('Constant', [], [t.name], { value: build.attr.t(t) })), ...body.node];
    f.opsetImport = f.opsetImport.map((o, k) => (k === i ? create(OperatorSetIdProtoSchema, { domain: o.domain, version: BigInt(target) }) : o));
  }
  if (refused.length > 0) {
    const shown = refused.slice(0, 10).map((r) => `${r.opType} '${r.node}': ${r.reason}`);
    throw new ParetoError(
      'bad-input',
      `Cannot convert the model from opset ${from} to ${target} exactly: ${shown.join('; ')}` +
        `${refused.length > 10 ? `; and ${refused.length - 10} more` : ''}.`,
    );
  }
  setDefaultOpset(out, target);
  await checkpoint(1, 'converted');
  return { model: out, from, to: target, changes, notes: [`Default opset converted from ${from} to ${target}.`, ...groupNotes(changes)] };
}

/** One note per kind of change, naming its nodes (the first 20; stats.changes has them all). */
function groupNotes(changes: Change[]): string[] {
  const groups = new Map<string, string[]>();
  for (const c of changes) {
    const key = `${c.opType} (opset ${c.opset}): ${c.what}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(c.node);
  }
  return [...groups].map(([key, nodes]) => {
    const shown = nodes.slice(0, 20).map((x) => `'${x}'`).join(', ');
    return `${key} — ${nodes.length === 1 ? 'node' : `${nodes.length} nodes`} ${shown}${nodes.length > 20 ? `, and ${nodes.length - 20} more` : ''}.`;
  });
}

function countNodes(g: GraphProto | undefined): number {
  if (!g) return 1;
  let n = g.node.length;
  for (const x of g.node) for (const a of x.attribute) n += (a.g ? countNodes(a.g) : 0) + a.graphs.reduce((s, sg) => s + countNodes(sg), 0);
  return Math.max(1, n);
}

/** The convert transform: a recipe step, and `pareto convert`. */
export async function applyConvert(input: OnnxModel, options: ConvertOptions, ctx: TransformContext = {}): Promise<TransformResult> {
  const o = validateConvertOptions(options);
  const r = await convertOpset(input.proto, o.opset, ctx);
  validateGraph(r.model);
  return {
    model: r.model,
    report: {
      transform: 'convert',
      options: { ...o },
      notes: r.notes,
      skipped: [],
      stats: { from: r.from, to: r.to, changedNodes: new Set(r.changes.map((c) => c.node)).size, changes: r.changes },
    },
  };
}
