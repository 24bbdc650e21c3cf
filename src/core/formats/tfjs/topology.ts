/**
 * A TF.js topology as ONNX nodes in the 'tfjs' domain, so that inspect (op histogram, per-layer table, weights) and
 * the transforms see TF.js models through the one model core works on. Layers models: one node per layer call, op
 * type the Keras class ("Conv2D"), inputs the tensors it reads then its weights. Graph models: one node per
 * GraphDef node, op type the TensorFlow op ("_FusedConv2D"); Const nodes with a weight become initializers and
 * Placeholders graph inputs. These nodes describe; TF.js runs the model (src/runtimes/tfjs*.ts) from the original
 * topology, which the model keeps (read.ts).
 */
import { DataType, type NodeProto, type ValueInfoProto } from '../onnx/proto';
import { node, valueInfo, attr, type Dim } from '../onnx/builder';
import { ParetoError } from '../../errors';
import { GRAPH_OPS, LAYER_CLASSES } from './known';
import { GraphNodeSchema, LayerSchema, parseWith, type KerasLayer } from './schema';
import * as v from 'valibot';

export const TFJS_DOMAIN = 'tfjs';

export interface Topology {
  kind: 'layers' | 'graph';
  nodes: NodeProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
}

const DTYPES: Record<string, DataType> = {
  float32: DataType.FLOAT,
  int32: DataType.INT32,
  bool: DataType.BOOL,
  DT_FLOAT: DataType.FLOAT,
  DT_INT32: DataType.INT32,
  DT_BOOL: DataType.BOOL,
  DT_INT64: DataType.INT64,
  DT_UINT8: DataType.UINT8,
  DT_STRING: DataType.STRING,
};

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Whether a modelTopology is a layers model's (Keras JSON) or a graph model's (GraphDef JSON). */
export function topologyKind(topology: Record<string, unknown>, format: string | undefined): 'layers' | 'graph' | undefined {
  if (Array.isArray(topology.node) || format === 'graph-model') return 'graph';
  if (isObj(topology.model_config) || typeof topology.class_name === 'string' || format === 'layers-model') return 'layers';
  return undefined;
}

const shapeDims = (s: unknown): Dim[] | undefined =>
  Array.isArray(s) ? s.map((d, i) => (typeof d === 'number' && d >= 0 ? d : i === 0 ? 'batch' : null)) : undefined;

/** Every layer, nested models flattened (their own layers listed after them), with the config they carry. */
function layersOf(config: unknown, where: string): KerasLayer[] {
  const list = Array.isArray(config) ? config : isObj(config) && Array.isArray(config.layers) ? config.layers : undefined;
  if (!list) throw new ParetoError('invalid-model', `${where}: the layers model's topology lists no layers.`);
  return list.map((l, i) => parseWith(LayerSchema, l, `${where} (layer ${i})`));
}

const layerName = (l: KerasLayer) => l.config.name ?? l.name ?? l.class_name;

/** Nested models' layers, for weight naming: [outer layer, inner layers]. */
function allLayers(layers: KerasLayer[], where: string, depth = 0): KerasLayer[] {
  if (depth > 32) throw new ParetoError('invalid-model', `${where}: models are nested more than 32 deep inside each other; refused.`);
  const out: KerasLayer[] = [];
  for (const l of layers) {
    if (!LAYER_CLASSES.has(l.class_name)) {
      throw new ParetoError(
        'invalid-model',
        `${where}: layer "${layerName(l)}" is of class "${l.class_name}", which TF.js does not know (a custom layer?); ` +
          'TF.js cannot load this model without registering that class.',
      );
    }
    out.push(l);
    if (['Sequential', 'Model', 'Functional'].includes(l.class_name)) out.push(...allLayers(layersOf(l.config, where), where, depth + 1));
  }
  return out;
}

/** The weights each layer owns, by the weight names' path segments (the innermost segment naming a layer wins). */
function weightsByLayer(layerNames: string[], weightNames: readonly string[]): Map<string, string[]> {
  const known = new Set(layerNames);
  const by = new Map<string, string[]>(layerNames.map((n) => [n, []]));
  for (const w of weightNames) {
    const segs = w.split('/').slice(0, -1);
    let owner: string | undefined;
    for (let i = segs.length - 1; i >= 0 && !owner; i--) if (known.has(segs[i])) owner = segs[i];
    // Keras prefixes ("dense_Dense1/kernel" for layer "dense_Dense1"), or a name joined with '/' inside it.
    if (!owner) for (let i = segs.length; i > 0 && !owner; i--) if (known.has(segs.slice(0, i).join('/'))) owner = segs.slice(0, i).join('/');
    if (owner) by.get(owner)!.push(w);
  }
  return by;
}

export function layersTopology(topology: Record<string, unknown>, weightNames: readonly string[], where: string): Topology {
  const mc = isObj(topology.model_config) ? topology.model_config : topology;
  const cls = typeof mc.class_name === 'string' ? mc.class_name : '';
  const layers = layersOf(mc.config, where);
  const flat = allLayers(layers, where);
  const owned = weightsByLayer(flat.map(layerName), weightNames);
  // A nested model's weights belong to its inner layers; the outer node reads them all.
  const weightsOf = (l: KerasLayer, depth = 0): string[] => {
    const own = owned.get(layerName(l)) ?? [];
    if (!['Sequential', 'Model', 'Functional'].includes(l.class_name) || depth > 32) return own;
    return [...own, ...layersOf(l.config, where).flatMap((x) => weightsOf(x, depth + 1))];
  };
  const nodes: NodeProto[] = [];
  const inputs: ValueInfoProto[] = [];
  const outputs: ValueInfoProto[] = [];
  const mk = (l: KerasLayer, data: string[], out: string) =>
    node(l.class_name, [...data, ...weightsOf(l)], [out], { config: attr.s(layerConfig(l)), keras_layer: attr.i(1) }, { name: layerName(l), domain: TFJS_DOMAIN });
  const cfg = isObj(mc.config) ? mc.config : {};
  if (cls === 'Sequential' || !Array.isArray(cfg.input_layers)) {
    // A chain: the first layer (or an InputLayer) says the input's shape.
    const first = layers[0];
    const fc = first?.config as Record<string, unknown> | undefined;
    const inName = first?.class_name === 'InputLayer' ? layerName(first) : 'input';
    inputs.push(valueInfo(inName, DTYPES[String(fc?.dtype ?? 'float32')] ?? DataType.FLOAT, shapeDims(fc?.batch_input_shape ?? fc?.batch_shape)));
    let prev = inName;
    for (const l of layers) {
      if (l.class_name === 'InputLayer') continue;
      const out = layerName(l);
      nodes.push(mk(l, [prev], out));
      prev = out;
    }
    outputs.push(valueInfo(prev, DataType.FLOAT));
    return { kind: 'layers', nodes, inputs, outputs };
  }
  const ref = (r: unknown): string | undefined => {
    if (!Array.isArray(r) || typeof r[0] !== 'string') return undefined;
    const [n, k = 0, t = 0] = r as [string, number, number];
    return k === 0 && t === 0 ? n : `${n}:${k}:${t}`;
  };
  for (const l of layers) {
    const c = l.config as Record<string, unknown>;
    if (l.class_name === 'InputLayer') {
      inputs.push(valueInfo(layerName(l), DTYPES[String(c.dtype ?? 'float32')] ?? DataType.FLOAT, shapeDims(c.batch_input_shape ?? c.batch_shape)));
      continue;
    }
    l.inbound_nodes.forEach((call, k) => {
      const refs = Array.isArray(call) ? call : isObj(call) && Array.isArray(call.args) ? call.args : [];
      const data = refs.map(ref).filter((x): x is string => x !== undefined);
      nodes.push(mk(l, data, k === 0 ? layerName(l) : `${layerName(l)}:${k}:0`));
      if (k > 0) nodes[nodes.length - 1].name = `${layerName(l)}:${k}`;
    });
  }
  const outs = Array.isArray(cfg.output_layers) ? cfg.output_layers : [];
  for (const o of outs) {
    const n = ref(o);
    if (n) outputs.push(valueInfo(n, DataType.FLOAT));
  }
  return { kind: 'layers', nodes, inputs, outputs };
}

/** The config keys shapes and MACs need (inspect/tfjs-shapes.ts), as JSON: initializers and the like left out. */
const SHAPE_KEYS = ['filters', 'kernel_size', 'strides', 'padding', 'dilation_rate', 'units', 'pool_size', 'data_format', 'target_shape', 'depth_multiplier', 'axis', 'dims', 'cropping', 'size', 'n'];

function layerConfig(l: KerasLayer): string {
  const c = l.config as Record<string, unknown>;
  return JSON.stringify(Object.fromEntries(SHAPE_KEYS.filter((k) => k in c).map((k) => [k, c[k]])));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 to text (GraphDef JSON keeps strings base64-encoded); core has no atob. */
function base64Text(b64: string): string {
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const ch of b64.replace(/=+$/, '')) {
    const v = B64.indexOf(ch);
    if (v < 0) throw new Error('not base64');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 0xff);
    }
  }
  return out;
}

/** A GraphDef attr as plain JSON: lists of ints, strings (base64 in the JSON, decoded), numbers, booleans. */
function plainAttr(a: unknown): unknown {
  if (!isObj(a)) return undefined;
  const s = (b64: unknown) => {
    try {
      return typeof b64 === 'string' ? base64Text(b64) : undefined;
    } catch {
      return undefined;
    }
  };
  if (isObj(a.list)) {
    const l = a.list;
    if (Array.isArray(l.i)) return l.i.map(Number);
    if (Array.isArray(l.s)) return l.s.map(s);
    if (Array.isArray(l.f)) return l.f.map(Number);
    return [];
  }
  if ('i' in a) return Number(a.i);
  if ('s' in a) return s(a.s);
  if ('f' in a) return Number(a.f);
  if ('b' in a) return a.b === true;
  return undefined;
}

const GRAPH_ATTRS = ['strides', 'padding', 'explicit_paddings', 'dilations', 'data_format', 'ksize', 'transpose_a', 'transpose_b', 'keep_dims', 'squeeze_dims', 'fused_ops', 'num_args'];

const graphConfig = (attrs: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(GRAPH_ATTRS.filter((k) => k in attrs).map((k) => [k, plainAttr(attrs[k])])));

const GraphTopologySchema = v.looseObject({ node: v.pipe(v.array(GraphNodeSchema), v.maxLength(1_000_000)) });

/** "name", "name:1" (second output), "^name" (control dependency: not data, dropped). */
const dataInput = (i: string) => (i.startsWith('^') ? undefined : i.endsWith(':0') ? i.slice(0, -2) : i);

export function graphTopology(topology: Record<string, unknown>, weightNames: ReadonlySet<string>, where: string): Topology {
  const { node: gnodes } = parseWith(GraphTopologySchema, topology, where);
  const nodes: NodeProto[] = [];
  const inputs: ValueInfoProto[] = [];
  const consumed = new Set<string>();
  const extraOutputs = new Map<string, Set<string>>();
  for (const g of gnodes) {
    for (const i of g.input) {
      const d = dataInput(i);
      if (!d) continue;
      consumed.add(d.replace(/:\d+$/, ''));
      const m = /^(.*):(\d+)$/.exec(d);
      if (m) (extraOutputs.get(m[1]) ?? extraOutputs.set(m[1], new Set()).get(m[1])!).add(d);
    }
  }
  for (const g of gnodes) {
    if (!GRAPH_OPS.has(g.op)) {
      throw new ParetoError('invalid-model', `${where}: node "${g.name}" runs op "${g.op}", which TF.js does not implement; TF.js cannot run this model.`);
    }
    if (g.op === 'Const' && weightNames.has(g.name)) continue;
    if (g.op === 'Placeholder') {
      const a = g.attr as Record<string, { shape?: { dim?: { size?: string | number }[] }; type?: string }>;
      const dims = a.shape?.shape?.dim?.map((d, i): Dim => {
        const s = Number(d.size ?? -1);
        return s >= 0 ? s : i === 0 ? 'batch' : null;
      });
      inputs.push(valueInfo(g.name, DTYPES[String(a.dtype?.type ?? 'DT_FLOAT')] ?? DataType.FLOAT, dims));
      continue;
    }
    const ins = g.input.map(dataInput).filter((x): x is string => x !== undefined);
    nodes.push(node(g.op, ins, [g.name, ...(extraOutputs.get(g.name) ?? [])], { config: attr.s(graphConfig(g.attr)) }, { name: g.name, domain: TFJS_DOMAIN }));
  }
  const outputs = nodes
    .filter((n) => !consumed.has(n.name) && n.opType !== 'Const' && n.opType !== 'NoOp')
    .map((n) => valueInfo(n.name, DataType.FLOAT));
  return { kind: 'graph', nodes, inputs, outputs };
}
