import { ParetoError } from '../../errors';
import { attr, node as makeNode, tensor as makeTensor } from '../../formats/onnx/builder';
import { DataType, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../../formats/onnx/proto';
import type { OnnxModel } from '../../formats/onnx/read';
import { validateGraph } from '../../formats/onnx/read';
import { elementCount, tensorByteLength, tensorBytes, type ExternalData } from '../../formats/onnx/tensor';
import { makeCheckpoint, type TransformContext, type TransformResult } from '../types';
import { detectQuantization } from './detect';
import { defaultOpset, editableCopy, Names, opsetBlockers, readsOf, setDefaultOpset, topoSort, type Scope } from './graph';
import { channelMaxAbs, channelMinMax } from './channel-ranges';
import { F32Source, type Layout } from './f32-source';
import { toFloat16Into } from './float16';
import { quantizeInto, quantizeTransposedInto, quantParams, roundInt32, type QuantParams } from './int8';
import { validateQuantizeOptions, type QuantizeOptions } from './options';
import { planQuantization, type ConstRef, type NodePlan } from './plan';

/**
 * The quantize transform. What each mode writes (all in standard ONNX ops, default domain):
 *
 * dynamic (onnxruntime's own dynamic layout; ORT fuses it into DynamicQuantizeMatMul on CPU):
 *   DynamicQuantizeLinear(x) -> xq (uint8), xs, xz            (one per activation and graph, shared by its consumers)
 *   MatMulInteger(xq, Wq, xz, Wz) | ConvInteger(xq, Wq, xz, Wz, same conv attributes) -> int32
 *   Cast(to=FLOAT) ; Mul(xs, Ws) ; Mul ; Add(bias)             (bias: Gemm C (times beta), Conv B reshaped [M,1,1])
 *   Wq int8 [K, N] (Gemm transB=1 weights are transposed when quantized), Ws float32 [N] or [] (times Gemm alpha),
 *   Wz int8 scalar 0 when symmetric (per-channel scales still apply through Ws), else per-channel [N].
 *   ConvInteger in onnxruntime 1.30 rejects a per-channel zero point: asymmetric Conv weights fall back to per-tensor.
 * static (QDQ; ORT fuses DQ -> op -> Q into QLinearMatMul / QLinearConv / QGemm):
 *   x -> QuantizeLinear(xs, xz) -> DequantizeLinear -> op ; weights Wq int8 -> DequantizeLinear(axis) -> op ;
 *   Conv B / Gemm C -> int32 with scale xs * Ws -> DequantizeLinear -> op ; op -> QuantizeLinear -> DequantizeLinear -> y
 *   (the Q after the op is what makes ORT fuse). Activations asymmetric uint8 or int8 with calibrated scales.
 * weight-only: Wq int8 -> DequantizeLinear(Ws, Wz, axis) -> the unchanged float op.
 * fp16: W float16 initializer -> Cast(to=FLOAT) -> the unchanged float op (weights and constant biases); the graph's
 *   inputs, outputs and arithmetic stay float32; the file holds half the bytes.
 *
 * Weights shared by several nodes are converted once. The float original is removed when nothing reads it any more.
 */
export async function applyQuantize(input: OnnxModel, options: QuantizeOptions, ctx: TransformContext = {}): Promise<TransformResult> {
  const o = validateQuantizeOptions(options);
  const checkpoint = makeCheckpoint(ctx);
  await checkpoint(0, 'analysing the model');

  const found = detectQuantization(input.proto);
  if (found.quantized) {
    const ops = Object.entries(found.ops)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    throw new ParetoError(
      'bad-input',
      `The model is already quantized (${found.kind}: ${ops}); quantizing it again would stack errors. ` +
        'Start from the float32 model.',
    );
  }

  const model = editableCopy(input.proto);
  const notes: string[] = [];
  const plan = planQuantization(model, o, o.mode === 'static');
  const skipped = [...plan.skipped];
  let perChannel = o.perChannel;

  // Opset: raised only when the mode needs it and no op of the model changes meaning in between.
  if (plan.plans.length > 0) {
    const opset = defaultOpset(model) ?? 0;
    const why = (v: number) =>
      v === 11 ? 'DynamicQuantizeLinear needs 11' : v === 13 ? 'per-channel QuantizeLinear/DequantizeLinear (axis) need 13' : v === 10 ? 'QuantizeLinear/DequantizeLinear need 10' : 'Cast needs 6';
    const raise = (v: number) => {
      setDefaultOpset(model, v);
      notes.push(`Default opset raised from ${opset} to ${v}: ${why(v)}; no op of the model changes meaning between the two.`);
    };
    const need = o.mode === 'dynamic' ? 11 : o.mode === 'fp16' ? 6 : perChannel ? 13 : 10;
    const blockers = opset < need ? opsetBlockers(model, opset, need) : [];
    if (opset >= need) {
      // nothing to do
    } else if (blockers.length === 0) {
      raise(need);
    } else if ((o.mode === 'static' || o.mode === 'weight-only') && perChannel && (opset >= 10 || opsetBlockers(model, opset, 10).length === 0)) {
      perChannel = false;
      notes.push(
        `Per-tensor scales used instead of per-channel: per-channel DequantizeLinear needs opset 13, and raising the ` +
          `model's opset ${opset} would change ${blockers.join(', ')}. Convert the model to opset 13 for per-channel accuracy.`,
      );
      if (opset < 10) raise(10);
    } else {
      throw new ParetoError(
        'bad-input',
        `Mode '${o.mode}' needs opset ${need} and the model has opset ${opset}; raising it would change ` +
          `${blockers.join(', ')}. Convert the model to opset ${need} or newer first (onnx.version_converter).`,
      );
    }
  }
  if (o.mode === 'dynamic' && o.activationType === 'int8') {
    notes.push("int8 activations (--activation-type / Activation type) apply to static mode; dynamic mode quantizes activations to uint8 (DynamicQuantizeLinear's only type).");
  }

  const w = new Writer(model, input.external, o, perChannel, notes);
  const total = plan.plans.reduce((s, p) => s + elementCount(p.weight.tensor) * 4, 0) || 1;
  let done = 0;
  const perNode: NodeReport[] = [];
  for (const p of plan.plans) {
    await checkpoint(done / total, `quantizing ${p.weight.name}`);
    const label = p.label;
    try {
      perNode.push({ node: label, opType: p.op, graph: p.scope.path, ...w.rewrite(p) });
    } catch (e) {
      if (e instanceof SkipNode) {
        skipped.push({ node: label, opType: p.op, reason: e.message });
        continue;
      }
      throw e;
    }
    done += elementCount(p.weight.tensor) * 4;
  }
  await checkpoint(1, 'writing the graph');
  w.finish();
  validateGraph(model);

  const before = tensorStats(input.proto);
  const after = tensorStats(model);
  const quantizedFloatBytes = w.convertedFloatBytes;
  return {
    model,
    report: {
      transform: 'quantize',
      options: { ...o, perChannel, activationRanges: o.activationRanges ? `${Object.keys(o.activationRanges).length} tensors` : undefined },
      notes,
      skipped,
      stats: {
        mode: o.mode,
        quantizedNodes: perNode.length,
        skippedNodes: skipped.length,
        /** Fraction of the model's float32 weight bytes now stored as int8 (or float16 in fp16 mode). */
        weightsQuantizedShare: before.float32Bytes > 0 ? quantizedFloatBytes / before.float32Bytes : 0,
        convertedWeights: w.convertedTensors,
        weightBytesBefore: before.bytes,
        weightBytesAfter: after.bytes,
        float32WeightBytesBefore: before.float32Bytes,
        opset: defaultOpset(model),
        nodes: perNode,
      },
    },
  };
}

export interface NodeReport {
  node: string;
  opType: string;
  graph: string;
  weight: string;
  /** "int8 per-channel", "int8 per-tensor", "float16". */
  scheme: string;
  weightBytesBefore: number;
  weightBytesAfter: number;
}

class SkipNode extends Error {}

/** Bytes of all constant tensors (initializers and Constant values, all graphs) and how many of them are float32. */
export function tensorStats(model: ModelProto): { bytes: number; float32Bytes: number } {
  let bytes = 0;
  let float32Bytes = 0;
  const add = (t: TensorProto) => {
    const b = tensorByteLength(t);
    bytes += b;
    if (t.dataType === DataType.FLOAT) float32Bytes += b;
  };
  const visit = (g: GraphProto) => {
    g.initializer.forEach(add);
    for (const n of g.node) {
      for (const a of n.attribute) {
        if (a.t && n.opType === 'Constant') add(a.t);
        if (a.g) visit(a.g);
        a.graphs.forEach(visit);
      }
    }
  };
  if (model.graph) visit(model.graph);
  return { bytes, float32Bytes };
}

/* ------------------------------------------------------------------ writer ------------------------------------------------------------------ */

interface QWeight {
  /** Where the new initializers live: the graph that held the float weight. */
  home: Scope;
  q: string;
  params: QuantParams;
  dims: number[];
  /** Channel axis in the stored (possibly transposed) int8 tensor, or undefined for per-tensor. */
  axis: number | undefined;
  consts: Map<string, string>;
  dq: Map<GraphProto, string>;
  bytes: number;
}

const FLOAT_BYTES = 4;

class Writer {
  private readonly names: Names;
  /** Nodes to put in place of a node, per graph. */
  private readonly replace = new Map<GraphProto, Map<NodeProto, NodeProto[]>>();
  private readonly newInits = new Map<GraphProto, TensorProto[]>();
  private readonly weights = new Map<TensorProto, Map<string, QWeight>>();
  private readonly half = new Map<TensorProto, { home: Scope; name: string; casts: Map<GraphProto, string>; bytes: number }>();
  private readonly dynQuant = new Map<GraphProto, Map<string, { q: string; s: string; z: string }>>();
  private readonly actQdq = new Map<GraphProto, Map<string, string>>();
  private readonly actParams = new Map<string, { scale: string; zp: string; s: number }>();
  /** Outputs of quantized nodes in static mode: already followed by Q -> DQ. */
  private readonly staticOutputs = new Set<string>();
  /** Float weights replaced somewhere (removed at the end when nothing reads them). */
  private readonly replaced = new Map<string, ConstRef>();
  private readonly converted = new Set<TensorProto>();
  convertedFloatBytes = 0;
  convertedTensors = 0;
  private fp16Clamped = 0;
  private conv4PerTensorNoted = false;

  constructor(
    private readonly model: ModelProto,
    private readonly external: ExternalData,
    private readonly o: QuantizeOptions,
    private readonly perChannel: boolean,
    private readonly notes: string[],
  ) {
    this.names = new Names(model);
  }

  rewrite(p: NodePlan): Omit<NodeReport, 'node' | 'opType' | 'graph'> {
    switch (this.o.mode) {
      case 'dynamic':
        return this.dynamic(p);
      case 'static':
        return this.static(p);
      case 'weight-only':
        return this.weightOnly(p);
      case 'fp16':
        return this.fp16(p);
    }
  }

  /* ---------------------------------------------------------------- modes ---------------------------------------------------------------- */

  private dynamic(p: NodePlan) {
    const g = p.scope.graph;
    const n = p.node;
    const x = this.dynamicQuant(g, p.activation);
    const Y = p.output;
    const out: NodeProto[] = [];
    let qw: QWeight;
    let scaleDims: number[];
    if (p.op === 'Conv') {
      // ConvInteger (onnxruntime 1.30, node and wasm) only takes a per-tensor weight zero point.
      const perChannel = this.perChannel && this.o.symmetric;
      if (this.perChannel && !this.o.symmetric && !this.conv4PerTensorNoted) {
        this.conv4PerTensorNoted = true;
        this.notes.push('Dynamic Conv weights are per-tensor: onnxruntime\'s ConvInteger rejects per-channel zero points (asymmetric weights); use symmetric weights for per-channel Conv.');
      }
      qw = this.quantWeight(p, perChannel ? 0 : undefined, false);
      const M = p.weightDims[0];
      scaleDims = qw.axis === undefined ? [] : [M, ...p.weightDims.slice(2).map(() => 1)];
      const conv = makeNode('ConvInteger', [x.q, qw.q, x.z, this.zeroPoint(qw, false)], [this.names.fresh(`${Y}_ConvInteger`)], {}, { name: this.names.fresh(`${n.name || Y}_quant`) });
      conv.attribute = n.attribute.filter((a) => ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'].includes(a.name));
      out.push(conv);
    } else {
      qw = this.quantWeight(p, this.perChannel ? 1 : undefined, p.transB);
      scaleDims = qw.axis === undefined ? [] : [qw.dims[1]];
      out.push(makeNode('MatMulInteger', [x.q, qw.q, x.z, this.zeroPoint(qw, false)], [this.names.fresh(`${Y}_MatMulInteger`)], {}, { name: this.names.fresh(`${n.name || Y}_quant`) }));
    }
    // What the user attached to the node (metadata_props, doc string, fields from a newer schema) moves to the integer op.
    out[0].metadataProps = [...n.metadataProps];
    if (n.docString) out[0].docString = n.docString;
    if (n.$unknown) out[0].$unknown = [...n.$unknown];
    const acc = out[0].output[0];
    const cast = this.names.fresh(`${acc}_cast`);
    out.push(makeNode('Cast', [acc], [cast], { to: attr.i(DataType.FLOAT) }, { name: this.names.fresh(`${cast}_node`) }));
    const scale = this.names.fresh(`${Y}_scale`);
    out.push(makeNode('Mul', [x.s, this.scaleConst(qw, scaleDims, p.op === 'Gemm' ? p.alpha : 1)], [scale], {}, { name: this.names.fresh(`${scale}_node`) }));
    const hasBias = !!p.bias;
    const mulOut = hasBias ? this.names.fresh(`${Y}_nobias`) : Y;
    out.push(makeNode('Mul', [cast, scale], [mulOut], {}, { name: this.names.fresh(`${Y}_rescale`) }));
    if (p.bias) out.push(...this.dynamicBias(p, mulOut, Y));
    this.replaceNode(g, n, out);
    return this.nodeReport(p, qw);
  }

  private dynamicBias(p: NodePlan, from: string, Y: string): NodeProto[] {
    const b = p.bias!;
    const nodes: NodeProto[] = [];
    let biasName = b.name;
    if (p.op === 'Conv') {
      const M = p.weightDims[0];
      const shape = [M, ...p.weightDims.slice(2).map(() => 1)];
      if (b.ref) {
        biasName = this.names.fresh(`${b.name}_reshaped`);
        this.addInit(p.scope, makeTensor(biasName, DataType.FLOAT, shape, tensorBytes(b.ref.tensor, this.external)));
        this.replaced.set(b.name, b.ref);
      } else {
        const shapeName = this.names.fresh(`${b.name}_shape`);
        this.addInit(p.scope, makeTensor(shapeName, DataType.INT64, [shape.length], BigInt64Array.from(shape.map(BigInt))));
        biasName = this.names.fresh(`${b.name}_reshaped`);
        nodes.push(makeNode('Reshape', [b.name, shapeName], [biasName], {}, { name: this.names.fresh(`${biasName}_node`) }));
      }
    } else if (p.beta !== 1) {
      if (b.ref) {
        const src = new F32Source(tensorBytes(b.ref.tensor, this.external), elementCount(b.ref.tensor));
        const v = Float32Array.from(src.view(0, src.length), (x) => x * p.beta);
        biasName = this.names.fresh(`${b.name}_beta`);
        this.addInit(p.scope, makeTensor(biasName, DataType.FLOAT, b.ref.tensor.dims.map(Number), v));
        this.replaced.set(b.name, b.ref);
      } else {
        const betaName = this.names.fresh(`${p.node.name || p.output}_beta`);
        this.addInit(p.scope, makeTensor(betaName, DataType.FLOAT, [], Float32Array.of(p.beta)));
        biasName = this.names.fresh(`${b.name}_beta`);
        nodes.push(makeNode('Mul', [b.name, betaName], [biasName], {}, { name: this.names.fresh(`${biasName}_node`) }));
      }
    }
    nodes.push(makeNode('Add', [from, biasName], [Y], {}, { name: this.names.fresh(`${Y}_bias`) }));
    return nodes;
  }

  private static(p: NodePlan) {
    const g = p.scope.graph;
    const n = p.node;
    const axis = this.perChannel ? (p.op === 'Conv' || (p.op === 'Gemm' && p.transB) ? 0 : 1) : undefined;
    const qw = this.quantWeight(p, axis, false);
    const xIn = this.staticOutputs.has(p.activation) ? p.activation : this.activationQdq(g, p.activation);
    const newNode = this.cloneNode(n);
    newNode.input[0] = xIn;
    newNode.input[1] = this.weightDq(g, qw);
    const xs = this.activationParams(p.activation).s;
    if (p.bias?.ref && p.beta === 1) {
      const biasDq = this.staticBias(p, qw, xs);
      if (biasDq) newNode.input[2] = biasDq;
    }
    // The op's output goes through Q -> DQ under its own name, so every consumer (and a graph output) reads the DQ.
    const pre = this.names.fresh(`${p.output}_prequant`);
    newNode.output[0] = pre;
    const y = this.activationParams(p.output);
    const yq = this.names.fresh(`${p.output}_QuantizeLinear_Output`);
    const nodes = [
      newNode,
      makeNode('QuantizeLinear', [pre, y.scale, y.zp], [yq], {}, { name: this.names.fresh(`${p.output}_QuantizeLinear`) }),
      makeNode('DequantizeLinear', [yq, y.scale, y.zp], [p.output], {}, { name: this.names.fresh(`${p.output}_DequantizeLinear`) }),
    ];
    this.staticOutputs.add(p.output);
    this.replaceNode(g, n, nodes);
    return this.nodeReport(p, qw);
  }

  /** int32 bias with scale xs * Ws[c], zero point 0, so ORT can fold it into QLinearConv / QGemm. */
  private staticBias(p: NodePlan, qw: QWeight, xs: number): string | undefined {
    const ref = p.bias!.ref!;
    const n = elementCount(ref.tensor);
    const outChannels = p.op === 'Conv' ? p.weightDims[0] : p.transB ? p.weightDims[0] : p.weightDims[1];
    if (ref.tensor.dims.length !== 1 || n !== outChannels) return undefined;
    const src = new F32Source(tensorBytes(ref.tensor, this.external), n);
    const b = src.view(0, n);
    const perChannel = qw.axis !== undefined;
    const scale = new Float32Array(perChannel ? n : 1);
    for (let c = 0; c < scale.length; c++) scale[c] = xs * qw.params.scale[c];
    const q = new Int32Array(n);
    for (let i = 0; i < n; i++) q[i] = roundInt32(b[i] / scale[perChannel ? i : 0]);
    const qName = this.names.fresh(`${p.bias!.name}_quantized`);
    const sName = this.names.fresh(`${p.bias!.name}_quantized_scale`);
    this.addInit(p.scope, makeTensor(qName, DataType.INT32, [n], q));
    this.addInit(p.scope, makeTensor(sName, DataType.FLOAT, perChannel ? [n] : [], scale));
    this.replaced.set(p.bias!.name, ref);
    const out = this.names.fresh(`${p.bias!.name}_DequantizeLinear_Output`);
    this.insertBefore(p.scope.graph, p.node, [
      this.dqNode([qName, sName], out, perChannel ? 0 : undefined, [n], scale.length),
    ]);
    return out;
  }

  private weightOnly(p: NodePlan) {
    const g = p.scope.graph;
    const axis = this.perChannel ? (p.op === 'Conv' || (p.op === 'Gemm' && p.transB) ? 0 : 1) : undefined;
    const qw = this.quantWeight(p, axis, false);
    const newNode = this.cloneNode(p.node);
    newNode.input[1] = this.weightDq(g, qw);
    this.replaceNode(g, p.node, [newNode]);
    return this.nodeReport(p, qw);
  }

  private fp16(p: NodePlan) {
    const g = p.scope.graph;
    const newNode = this.cloneNode(p.node);
    const w = this.halfCast(p.scope, p.weight);
    newNode.input[1] = w.name;
    let after = w.bytes;
    if (p.bias?.ref) {
      const b = this.halfCast(p.scope, p.bias.ref);
      newNode.input[2] = b.name;
      after += b.bytes;
    }
    this.replaceNode(g, p.node, [newNode]);
    const before = elementCount(p.weight.tensor) * FLOAT_BYTES + (p.bias?.ref ? elementCount(p.bias.ref.tensor) * FLOAT_BYTES : 0);
    return { weight: p.weight.name, scheme: 'float16', weightBytesBefore: before, weightBytesAfter: after };
  }

  /* -------------------------------------------------------------- building blocks -------------------------------------------------------------- */

  private nodeReport(p: NodePlan, qw: QWeight) {
    return {
      weight: p.weight.name,
      scheme: `int8 ${qw.axis === undefined ? 'per-tensor' : 'per-channel'}`,
      weightBytesBefore: elementCount(p.weight.tensor) * FLOAT_BYTES,
      weightBytesAfter: qw.bytes + qw.params.scale.length * 4,
    };
  }

  /**
   * int8 weight for a node, quantized once per (tensor, axis, transposed). `axis` is the channel axis of the weight as
   * stored in the model (undefined: per-tensor). `transpose`: store [K, N] from a [N, K] (Gemm transB=1) weight,
   * for MatMulInteger; the channel axis of the stored tensor is then 1.
   */
  private quantWeight(p: NodePlan, axis: number | undefined, transpose: boolean): QWeight {
    const t = p.weight.tensor;
    if (transpose && axis !== undefined) axis = 0; // per output column N, which is axis 0 of [N, K]
    const key = `${axis}|${transpose}`;
    let byKey = this.weights.get(t);
    const hit = byKey?.get(key);
    if (hit) {
      this.replaced.set(p.weight.name, p.weight);
      return hit;
    }
    const dims = p.weightDims;
    const n = elementCount(t);
    const layout: Layout =
      axis === undefined
        ? { outer: 1, channels: 1, inner: n }
        : { outer: dims.slice(0, axis).reduce((a, b) => a * b, 1), channels: dims[axis], inner: dims.slice(axis + 1).reduce((a, b) => a * b, 1) };
    const src = new F32Source(tensorBytes(t, this.external), n);
    const { min, max } = this.o.symmetric ? channelMaxAbs(src, layout) : channelMinMax(src, layout);
    for (let c = 0; c < min.length; c++) {
      if (!Number.isFinite(min[c]) || !Number.isFinite(max[c])) throw new SkipNode(`weight "${p.weight.name}" holds infinite values`);
    }
    const params = quantParams(min, max, 'int8', this.o.symmetric);
    const data = new Uint8Array(n);
    let storedDims = dims;
    let storedAxis = axis;
    if (transpose) {
      quantizeTransposedInto(src, dims[0], dims[1], params.scale.length === 1 ? broadcastParams(params, dims[0]) : params, data);
      storedDims = [dims[1], dims[0]];
      storedAxis = axis === undefined ? undefined : 1;
    } else {
      quantizeInto(src, layout, params, data);
    }
    const home = p.weight.def.scope;
    const q = this.names.fresh(`${p.weight.name}_quantized`);
    this.addInit(home, makeTensor(q, DataType.INT8, storedDims, data));
    const qw: QWeight = { home, q, params, dims: storedDims, axis: storedAxis, consts: new Map(), dq: new Map(), bytes: n };
    if (!byKey) this.weights.set(t, (byKey = new Map()));
    byKey.set(key, qw);
    this.replaced.set(p.weight.name, p.weight);
    if (!this.converted.has(t)) {
      this.converted.add(t);
      this.convertedFloatBytes += n * FLOAT_BYTES;
      this.convertedTensors++;
    }
    return qw;
  }

  /** The weight's scale as a float32 initializer of the given dims (times `factor`), made once per shape. */
  private scaleConst(qw: QWeight, dims: number[], factor: number): string {
    const key = `scale|${dims.join(',')}|${factor}`;
    let name = qw.consts.get(key);
    if (!name) {
      const count = dims.reduce((a, b) => a * b, 1);
      if (qw.axis !== undefined && count !== qw.params.scale.length) throw new Error(`internal: scale of ${qw.q} has ${qw.params.scale.length} values for dims [${dims}]`);
      const s = factor === 1 ? qw.params.scale : qw.params.scale.map((v) => v * factor);
      name = this.names.fresh(`${qw.q.replace(/_quantized$/, '')}_scale`);
      this.addInit(qw.home, makeTensor(name, DataType.FLOAT, dims, s));
      qw.consts.set(key, name);
    }
    return name;
  }

  /** Zero point: scalar when all are 0 and `perAxis` is false (MatMulInteger/ConvInteger), else one per channel. */
  private zeroPoint(qw: QWeight, perAxis: boolean): string {
    const allZero = qw.params.zeroPoint.every((z) => z === 0);
    const scalar = qw.axis === undefined || (allZero && !perAxis);
    const key = `zp|${scalar}`;
    let name = qw.consts.get(key);
    if (!name) {
      const zp = Int8Array.from(scalar ? [qw.params.zeroPoint[0]] : qw.params.zeroPoint);
      name = this.names.fresh(`${qw.q.replace(/_quantized$/, '')}_zero_point`);
      this.addInit(qw.home, makeTensor(name, DataType.INT8, scalar ? [] : [zp.length], zp));
      qw.consts.set(key, name);
    }
    return name;
  }

  /** DequantizeLinear of a quantized weight, once per graph that reads it. */
  private weightDq(g: GraphProto, qw: QWeight): string {
    let out = qw.dq.get(g);
    if (!out) {
      const perAxis = qw.axis !== undefined;
      const scale = this.scaleConst(qw, perAxis ? [qw.dims[qw.axis!]] : [], 1);
      const zp = this.zeroPoint(qw, true);
      out = this.names.fresh(`${qw.q.replace(/_quantized$/, '')}_DequantizeLinear_Output`);
      this.prepend(g, this.dqNode([qw.q, scale, zp], out, qw.axis, qw.dims, qw.params.scale.length));
      qw.dq.set(g, out);
    }
    return out;
  }

  /** A DequantizeLinear node; per-axis scale lengths are checked against the tensor's dims here. */
  private dqNode(inputs: string[], out: string, axis: number | undefined, dims: number[], scaleLength: number): NodeProto {
    if (axis !== undefined && dims[axis] !== scaleLength) {
      throw new Error(`internal: per-axis scale of ${inputs[0]} has ${scaleLength} values, axis ${axis} has ${dims[axis]}`);
    }
    if (axis === undefined && scaleLength !== 1) throw new Error(`internal: per-tensor scale of ${inputs[0]} has ${scaleLength} values`);
    return makeNode('DequantizeLinear', inputs, [out], axis === undefined ? {} : { axis: attr.i(axis) }, { name: this.names.fresh(`${out.replace(/_Output$/, '')}`) });
  }

  private dynamicQuant(g: GraphProto, x: string) {
    let m = this.dynQuant.get(g);
    if (!m) this.dynQuant.set(g, (m = new Map()));
    let r = m.get(x);
    if (!r) {
      r = { q: this.names.fresh(`${x}_quantized`), s: this.names.fresh(`${x}_scale`), z: this.names.fresh(`${x}_zero_point`) };
      this.prepend(g, makeNode('DynamicQuantizeLinear', [x], [r.q, r.s, r.z], {}, { name: this.names.fresh(`${x}_QuantizeLinear`) }));
      m.set(x, r);
    }
    return r;
  }

  /** Scale and zero point initializers of a calibrated activation (put in the graph that first needs them). */
  private activationParams(x: string) {
    let r = this.actParams.get(x);
    if (!r) {
      const range = this.o.activationRanges?.[x];
      if (!range) throw new SkipNode(`no calibrated range for activation "${x}"`);
      const p = quantParams([range[0]], [range[1]], this.o.activationType, false);
      const scale = this.names.fresh(`${x}_scale`);
      const zp = this.names.fresh(`${x}_zero_point`);
      const main = this.model.graph!;
      // In the main graph: visible from every subgraph that quantizes the same tensor.
      this.addInitToGraph(main, makeTensor(scale, DataType.FLOAT, [], p.scale));
      this.addInitToGraph(
        main,
        this.o.activationType === 'int8'
          ? makeTensor(zp, DataType.INT8, [], Int8Array.of(p.zeroPoint[0]))
          : makeTensor(zp, DataType.UINT8, [], Uint8Array.of(p.zeroPoint[0])),
      );
      r = { scale, zp, s: p.scale[0] };
      this.actParams.set(x, r);
    }
    return r;
  }

  private activationQdq(g: GraphProto, x: string): string {
    let m = this.actQdq.get(g);
    if (!m) this.actQdq.set(g, (m = new Map()));
    let out = m.get(x);
    if (!out) {
      const p = this.activationParams(x);
      const q = this.names.fresh(`${x}_QuantizeLinear_Output`);
      out = this.names.fresh(`${x}_DequantizeLinear_Output`);
      this.prepend(g, makeNode('QuantizeLinear', [x, p.scale, p.zp], [q], {}, { name: this.names.fresh(`${x}_QuantizeLinear`) }));
      this.prepend(g, makeNode('DequantizeLinear', [q, p.scale, p.zp], [out], {}, { name: this.names.fresh(`${x}_DequantizeLinear`) }));
      m.set(x, out);
    }
    return out;
  }

  private halfCast(scope: Scope, ref: ConstRef): { name: string; bytes: number } {
    const t = ref.tensor;
    let h = this.half.get(t);
    if (!h) {
      const n = elementCount(t);
      const data = new Uint16Array(n);
      this.fp16Clamped += toFloat16Into(new F32Source(tensorBytes(t, this.external), n), data);
      const name = this.names.fresh(`${ref.name}_fp16`);
      this.addInit(ref.def.scope, makeTensor(name, DataType.FLOAT16, t.dims.map(Number), data));
      h = { home: ref.def.scope, name, casts: new Map(), bytes: n * 2 };
      this.half.set(t, h);
      this.convertedFloatBytes += n * FLOAT_BYTES;
      this.convertedTensors++;
    }
    this.replaced.set(ref.name, ref);
    const g = scope.graph;
    let cast = h.casts.get(g);
    if (!cast) {
      cast = this.names.fresh(`${ref.name}_fp32`);
      this.prepend(g, makeNode('Cast', [h.name], [cast], { to: attr.i(DataType.FLOAT) }, { name: this.names.fresh(`${cast}_Cast`) }));
      h.casts.set(g, cast);
    }
    return { name: cast, bytes: h.bytes };
  }

  /* ------------------------------------------------------------- graph edits ------------------------------------------------------------- */

  private cloneNode(n: NodeProto): NodeProto {
    const c = Object.create(Object.getPrototypeOf(n)) as NodeProto;
    Object.assign(c, n);
    c.input = [...n.input];
    c.output = [...n.output];
    return c;
  }

  private edits(g: GraphProto): Map<NodeProto, NodeProto[]> {
    let m = this.replace.get(g);
    if (!m) this.replace.set(g, (m = new Map()));
    return m;
  }

  private replaceNode(g: GraphProto, n: NodeProto, nodes: NodeProto[]): void {
    const m = this.edits(g);
    const before = m.get(n) ?? [n];
    // Keep nodes inserted before n (bias DQs), replace n itself.
    m.set(n, [...before.filter((x) => x !== n), ...nodes]);
  }

  private insertBefore(g: GraphProto, n: NodeProto, nodes: NodeProto[]): void {
    const m = this.edits(g);
    const cur = m.get(n) ?? [n];
    m.set(n, [...nodes, ...cur]);
  }

  private readonly prepended = new Map<GraphProto, NodeProto[]>();
  private prepend(g: GraphProto, n: NodeProto): void {
    let l = this.prepended.get(g);
    if (!l) this.prepended.set(g, (l = []));
    l.push(n);
  }

  private addInit(scope: Scope, t: TensorProto): void {
    this.addInitToGraph(scope.graph, t);
  }

  private addInitToGraph(g: GraphProto, t: TensorProto): void {
    let l = this.newInits.get(g);
    if (!l) this.newInits.set(g, (l = []));
    l.push(t);
  }

  /** Applies the edits: new nodes in topological order, new initializers, float weights nothing reads removed. */
  finish(): void {
    const graphs = new Set<GraphProto>([...this.replace.keys(), ...this.prepended.keys(), ...this.newInits.keys()]);
    for (const g of graphs) {
      const edits = this.replace.get(g);
      const nodes: NodeProto[] = [...(this.prepended.get(g) ?? [])];
      for (const n of g.node) nodes.push(...(edits?.get(n) ?? [n]));
      g.node = topoSort(nodes);
      g.initializer.push(...(this.newInits.get(g) ?? []));
    }
    // Remove float weights (initializers, Constant nodes) that nothing reads any more.
    const reads = new Set<string>();
    const visit = (g: GraphProto) => {
      for (const n of g.node) {
        for (const r of readsOf(n)) reads.add(r);
        for (const a of n.attribute) {
          if (a.g) visit(a.g);
          a.graphs.forEach(visit);
        }
      }
      for (const o of g.output) reads.add(o.name);
    };
    visit(this.model.graph!);
    let kept = 0;
    const dropTensors = new Set<TensorProto>();
    const dropNodes = new Set<NodeProto>();
    const dropNames = new Map<GraphProto, Set<string>>();
    for (const [name, ref] of this.replaced) {
      if (reads.has(name)) {
        kept += tensorByteLength(ref.tensor);
        continue;
      }
      const g = ref.def.scope.graph;
      if (ref.def.kind === 'initializer') dropTensors.add(ref.tensor);
      else dropNodes.add(ref.def.node);
      let names = dropNames.get(g);
      if (!names) dropNames.set(g, (names = new Set()));
      names.add(name);
    }
    for (const [g, names] of dropNames) {
      g.initializer = g.initializer.filter((t) => !dropTensors.has(t));
      g.node = g.node.filter((n) => !dropNodes.has(n));
      g.input = g.input.filter((i) => !names.has(i.name));
      g.valueInfo = g.valueInfo.filter((v) => !names.has(v.name));
    }
    if (kept > 0) {
      this.notes.push(`${kept} bytes of float weights are kept because other (float) nodes also read them.`);
    }
    if (this.fp16Clamped > 0) {
      this.notes.push(`${this.fp16Clamped} weight values exceeded the float16 range and were clamped to +-65504.`);
    }
  }
}

/** Per-tensor params repeated for each of `n` channels (the transposed kernel reads per-row params). */
function broadcastParams(p: QuantParams, n: number): QuantParams {
  return { ...p, scale: new Float32Array(n).fill(p.scale[0]), zeroPoint: new Int32Array(n).fill(p.zeroPoint[0]) };
}
