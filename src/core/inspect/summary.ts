import { dtypeName } from '../formats/onnx/dtypes';
import { isTfjsModel } from '../formats/tfjs/read';
import type { OnnxModel } from '../formats/onnx/read';
import type { GraphProto, NodeProto, TensorProto } from '../formats/onnx/proto';
import { dimsOf, elementCount, isExternal, tensorByteLength } from '../formats/onnx/tensor';
import { graphsOf } from '../formats/onnx/walk';
import { isBatchLikeDim, type InputHint, type InputSpec } from '../bench/input-spec';
import { inputHints } from './input-hints';
import { inferGraphShapes, shapeOfValueInfo, type GraphShapes, type Shape } from './shapes';
import { MAX_VALUES, type Val } from './shape-values';
import { prod } from './shape-util';

/**
 * What `pareto inspect --json` prints and the app shows. Keys are stable and documented in the README;
 * add keys, never rename or remove them (bump SUMMARY_VERSION when a meaning changes).
 */
export const SUMMARY_VERSION = 1;

export interface TensorSignature {
  name: string;
  dtype: string;
  /** Numbers for fixed dims, strings for symbolic dims ("batch"), null for unknown. */
  shape: (number | string | null)[] | null;
}

export interface WeightStat {
  tensors: number;
  parameters: number;
  bytes: number;
}

export type WeightLocation = 'initializer' | 'constant' | 'subgraph';

export interface LayerRow {
  /** Node name, or "<OpType>#<index>" when the node has none. */
  name: string;
  opType: string;
  domain: string;
  /** "main" or the subgraph path ("main/If_0.then_branch"). */
  graph: string;
  weights: { name: string; dtype: string; shape: number[]; location: WeightLocation; external: boolean }[];
  parameters: number;
  bytes: number;
  /** Share of all weight bytes in the model (0..1). */
  share: number;
  /** Multiply-accumulates at `macs.inputShapes` (batch dims as 1: per item); null when shapes do not allow it. */
  macs: number | null;
}

export interface ModelSummary {
  summaryVersion: number;
  /** Which format the model was read from ('tfjs': a TF.js model.json; its nodes are layers or TensorFlow ops). */
  format: 'onnx' | 'tfjs';
  fileName: string;
  /** Size of the .onnx file. */
  fileBytes: number;
  /** Bytes of external data files the model reads. */
  externalDataBytes: number;
  externalDataFiles: string[];
  irVersion: number;
  producer: { name: string; version: string };
  domain: string;
  modelVersion: number;
  docString: string;
  opsets: { domain: string; version: number }[];
  metadata: { key: string; value: string }[];
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  parameters: {
    total: number;
    bytes: number;
    byDtype: { dtype: string; parameters: number; bytes: number }[];
  };
  /** Where weights live. `external` is a subset of the others (data kept in external files). */
  weightLocations: Record<WeightLocation, WeightStat> & { external: WeightStat };
  ops: { opType: string; domain: string; count: number }[];
  nodeCount: number;
  graphCount: number;
  subgraphs: { path: string; nodes: number; owner: string }[];
  /**
   * `undecidedIfs` (only when some): Ifs whose condition the input shapes and values do not decide (a sample rate no
   * --value set): the nodes of both their branches are counted.
   */
  macs: { total: number; nodesWithMacs: number; nodesUnknown: number; undecidedIfs?: number };

  layers: LayerRow[];
  /**
   * Per input, the shape `macs` were computed at (null: a dim no rule or option resolved; nodes needing it count as
   * unknown), and `value` where a fixed value was set (`--value sr=16000`): it decides an If whose condition it sets.
   */
  macsAt: { name: string; shape: (number | null)[] | null; value?: number }[];
  /** What the model's ops reveal about each input (vocabulary of a Gather, dims an op forces), for the input spec. */
  inputHints: InputHint[];
}

export interface SummarizeOptions {
  /** Graph inputs' shapes to compute MACs at (an input spec's resolved shapes); others: batch-like dims 1, else unknown. */
  inputShapes?: Readonly<Record<string, readonly (number | null)[] | null>>;
  /** Fixed values of inputs (a sample rate): shape computations and If conditions that read them follow. */
  inputValues?: Readonly<Record<string, number>>;
}

/** What to count MACs at for a resolved input spec: its shapes, and the fixed values it sets (`--value sr=16000`). */
export function macsOptionsOf(spec: Pick<InputSpec, 'inputs'>): SummarizeOptions {
  const inputValues: Record<string, number> = {};
  for (const e of spec.inputs) if (e.values.kind === 'fixed') inputValues[e.name] = e.values.value;
  return { inputShapes: Object.fromEntries(spec.inputs.map((e) => [e.name, e.shape])), inputValues };
}

function signature(v: { name: string; type?: unknown }): TensorSignature {
  const vi = v as Parameters<typeof shapeOfValueInfo>[0];
  const t = vi.type?.value;
  if (t?.case !== 'tensorType') return { name: v.name, dtype: t?.case ?? 'unknown', shape: null };
  return {
    name: v.name,
    dtype: dtypeName(t.value.elemType),
    shape: t.value.shape
      ? t.value.shape.dim.map((d) =>
          d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : null,
        )
      : null,
  };
}

const emptyStat = (): WeightStat => ({ tensors: 0, parameters: 0, bytes: 0 });

function constantTensor(n: NodeProto): TensorProto | undefined {
  if (n.opType !== 'Constant' || (n.domain !== '' && n.domain !== 'ai.onnx')) return undefined;
  return n.attribute.find((a) => a.name === 'value')?.t;
}

export function summarize(model: OnnxModel, fileName: string, options: SummarizeOptions = {}): ModelSummary {
  const { proto } = model;
  const mainInputs = inputsOf(proto.graph!).map(signature);
  // The shapes MACs are computed at: the given ones, else declared dims, batch-like dims 1, other symbolic dims unknown.
  const dimNames = new Map<string, number | null>();
  const atShapes = new Map<string, Shape>();
  for (const sig of mainInputs) {
    const given = options.inputShapes?.[sig.name] ?? undefined;
    const shape: Shape | undefined = given ? [...given] : sig.shape?.map((d, i) => (typeof d === 'number' && d > 0 ? d : isBatchLikeDim(sig.shape!, i) ? 1 : null));
    if (!shape) continue;
    atShapes.set(sig.name, shape);
    sig.shape?.forEach((d, i) => {
      if (typeof d === 'string' && d && (shape[i] !== null || !dimNames.has(d))) dimNames.set(d, shape[i]);
    });
  }
  // A fixed value fills its input (a scalar, or a small tensor of known shape).
  const atValues = new Map<string, Val>();
  for (const [name, value] of Object.entries(options.inputValues ?? {})) {
    const shape = atShapes.get(name);
    const count = shape ? prod(shape) : null;
    const sig = mainInputs.find((i) => i.name === name);
    if (count !== null && count <= MAX_VALUES) atValues.set(name, { v: Array(count).fill(value), float: /float|bfloat/.test(sig?.dtype ?? '') });
  }
  const symbolicDims = (name: string | null, axis: number, rank: number): number | null => {
    if (name !== null && dimNames.has(name)) return dimNames.get(name)!;
    const probe: (string | null)[] = Array(rank).fill(null);
    probe[axis] = name;
    return isBatchLikeDim(probe, axis) ? 1 : null;
  };
  let hints: InputHint[] = [];
  const byDtype = new Map<string, { parameters: number; bytes: number }>();
  const locations = { initializer: emptyStat(), constant: emptyStat(), subgraph: emptyStat(), external: emptyStat() };
  const ops = new Map<string, { opType: string; domain: string; count: number }>();
  const layers: LayerRow[] = [];
  const subgraphs: ModelSummary['subgraphs'] = [];
  let nodeCount = 0;
  let graphCount = 0;
  let macsTotal = 0;
  let nodesWithMacs = 0;
  let nodesUnknown = 0;
  let undecidedIfs = 0;

  const addWeight = (t: TensorProto, location: WeightLocation) => {
    const count = elementCount(t);
    const bytes = tensorByteLength(t);
    const dt = dtypeName(t.dataType);
    const e = byDtype.get(dt) ?? { parameters: 0, bytes: 0 };
    e.parameters += count;
    e.bytes += bytes;
    byDtype.set(dt, e);
    const s = locations[location];
    s.tensors++;
    s.parameters += count;
    s.bytes += bytes;
    if (isExternal(t)) {
      locations.external.tensors++;
      locations.external.parameters += count;
      locations.external.bytes += bytes;
    }
  };

  // Shapes of an enclosing graph are visible in its subgraphs.
  const scopeShapes = new Map<GraphProto, Map<string, Shape>>();
  // If branches are inferred with their If (in the enclosing graph's context); other subgraphs (Loop, Scan) on their own.
  const inferred = new Map<GraphProto, GraphShapes & { runs: boolean }>();
  for (const scope of graphsOf(proto)) {
    graphCount++;
    const { graph, path, depth } = scope;
    if (depth > 0) subgraphs.push({ path, nodes: graph.node.length, owner: scope.owner?.opType ?? '' });
    const weights = new Map<string, { t: TensorProto; location: WeightLocation }>();
    for (const t of graph.initializer) {
      const location: WeightLocation = depth > 0 ? 'subgraph' : 'initializer';
      weights.set(t.name, { t, location });
      addWeight(t, location);
    }
    for (const n of graph.node) {
      const t = constantTensor(n);
      if (t && n.output[0]) {
        const location: WeightLocation = depth > 0 ? 'subgraph' : 'constant';
        weights.set(n.output[0], { t, location });
        addWeight(t, location);
      }
    }
    const constants = new Map<string, TensorProto>([...weights].map(([k, v]) => [k, v.t]));
    const outer = scope.owner ? findOuterShapes(scopeShapes, proto.graph!, scope.owner) : undefined;
    const ofIf = inferred.get(graph);
    const result = ofIf ?? {
      ...inferGraphShapes(graph, constants, model.external, symbolicDims, outer, depth === 0 ? atShapes : undefined, depth === 0 ? atValues : undefined),
      runs: true,
    };
    for (const [g, sub] of result.subgraphs) inferred.set(g, sub);
    if (!ofIf) undecidedIfs += result.undecidedIfs;
    const { shapes, perNode, runs } = result;
    if (depth === 0) {
      const ranks = new Map(mainInputs.filter((i) => i.shape).map((i) => [i.name, i.shape!.length]));
      hints = inputHints(graph, mainInputs.map((i) => i.name), constants, ranks);
    }
    scopeShapes.set(graph, shapes);

    graph.node.forEach((n, i) => {
      nodeCount++;
      const key = `${n.domain}:${n.opType}`;
      const op = ops.get(key) ?? { opType: n.opType, domain: n.domain, count: 0 };
      op.count++;
      ops.set(key, op);
      if (constantTensor(n)) return; // a Constant's tensor is listed on the nodes that use it
      const ws = n.input
        .filter((name) => name && weights.has(name))
        .map((name) => {
          const { t, location } = weights.get(name)!;
          return { name, dtype: dtypeName(t.dataType), shape: dimsOf(t), location, external: isExternal(t), t };
        });
      // A node in an If branch that does not run at these shapes does no work.
      const macs = runs ? (perNode[i]?.macs ?? null) : 0;
      if (macs === null) nodesUnknown++;
      else if (macs > 0) {
        nodesWithMacs++;
        macsTotal += macs;
      }
      layers.push({
        name: n.name || `${n.opType}#${i}`,
        opType: n.opType,
        domain: n.domain,
        graph: path,
        weights: ws.map(({ t: _t, ...w }) => w),
        parameters: ws.reduce((s, w) => s + elementCount(w.t), 0),
        bytes: ws.reduce((s, w) => s + tensorByteLength(w.t), 0),
        share: 0,
        macs,
      });
    });
  }

  const totalBytes = [...byDtype.values()].reduce((s, v) => s + v.bytes, 0);
  for (const l of layers) l.share = totalBytes > 0 ? l.bytes / totalBytes : 0;
  const externalFiles = [...model.external.keys()];

  return {
    summaryVersion: SUMMARY_VERSION,
    format: isTfjsModel(proto) ? 'tfjs' : 'onnx',
    fileName,
    fileBytes: model.byteLength,
    externalDataBytes: externalFiles.reduce((s, k) => s + model.external.get(k)!.length, 0),
    externalDataFiles: externalFiles,
    irVersion: Number(proto.irVersion),
    producer: { name: proto.producerName, version: proto.producerVersion },
    domain: proto.domain,
    modelVersion: Number(proto.modelVersion),
    docString: proto.docString,
    opsets: proto.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: Number(o.version) })),
    metadata: proto.metadataProps.map((m) => ({ key: m.key, value: m.value })),
    inputs: mainInputs,
    outputs: proto.graph!.output.map(signature),
    parameters: {
      total: [...byDtype.values()].reduce((s, v) => s + v.parameters, 0),
      bytes: totalBytes,
      byDtype: [...byDtype].map(([dtype, v]) => ({ dtype, ...v })).sort((a, b) => b.bytes - a.bytes),
    },
    weightLocations: locations,
    ops: [...ops.values()].sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType)),
    nodeCount,
    graphCount,
    subgraphs,
    macs: { total: macsTotal, nodesWithMacs, nodesUnknown, ...(undecidedIfs > 0 ? { undecidedIfs } : {}) },
    layers,
    macsAt: mainInputs.map((i) => ({
      name: i.name,
      shape: atShapes.get(i.name) ?? null,
      ...(atValues.has(i.name) ? { value: options.inputValues![i.name] } : {}),
    })),
    inputHints: hints,
  };
}

/** Graph inputs that are real inputs (older exporters also list initializers as inputs). */
function inputsOf(graph: GraphProto) {
  const inits = new Set(graph.initializer.map((t) => t.name));
  return graph.input.filter((i) => !inits.has(i.name));
}

function findOuterShapes(
  scopeShapes: Map<GraphProto, Map<string, Shape>>,
  _main: GraphProto,
  owner: NodeProto,
): Map<string, Shape> | undefined {
  for (const [g, shapes] of scopeShapes) if (g.node.includes(owner)) return shapes;
  return undefined;
}
