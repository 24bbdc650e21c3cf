import { attr, node as makeNode, tensor as makeTensor } from '../../formats/onnx/builder';
import { DataType, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../../formats/onnx/proto';
import { elementCount, tensorBytes, type ExternalData } from '../../formats/onnx/tensor';
import { channelMaxAbs, channelMinMax } from './channel-ranges';
import { F32Source, type Layout } from './f32-source';
import { toFloat16Into } from './float16';
import type { Scope } from './graph';
import { GraphEdits } from './graph-edits';
import { quantizeInto, quantizeTransposedInto, quantParams, type QuantParams } from './int8';
import type { QuantizeOptions } from './options';
import type { ConstRef, NodePlan } from './plan';

/**
 * The tensors and small node chains the quantize rewrites share (rewrite.ts), each made once: int8 weights per (tensor,
 * axis, transposed) with their scales, zero points and DequantizeLinear per graph; float16 weights with their Cast per
 * graph; DynamicQuantizeLinear per activation; calibrated activation parameters and their Q/DQ pairs.
 */

/** Thrown while rewriting a node that must stay float after all (the reason is the message). */
export class SkipNode extends Error {}

export interface QWeight {
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

export const FLOAT_BYTES = 4;

export class QuantizedTensors extends GraphEdits {
  private readonly weights = new Map<TensorProto, Map<string, QWeight>>();
  private readonly half = new Map<TensorProto, { home: Scope; name: string; casts: Map<GraphProto, string>; bytes: number }>();
  private readonly dynQuant = new Map<GraphProto, Map<string, { q: string; s: string; z: string }>>();
  private readonly actQdq = new Map<GraphProto, Map<string, string>>();
  private readonly actParams = new Map<string, { p: QuantParams; byGraph: Map<GraphProto, { scale: string; zp: string }> }>();
  private readonly converted = new Set<TensorProto>();
  convertedFloatBytes = 0;
  convertedTensors = 0;
  private fp16Clamped = 0;

  constructor(
    model: ModelProto,
    protected readonly external: ExternalData,
    protected readonly o: QuantizeOptions,
    notes: string[],
  ) {
    super(model, notes);
  }

  protected nodeReport(p: NodePlan, qw: QWeight) {
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
  protected quantWeight(p: NodePlan, axis: number | undefined, transpose: boolean, scaled?: { key: string; factors: Float32Array }): QWeight {
    const t = p.weight.tensor;
    if (transpose && axis !== undefined) axis = 0; // per output column N, which is axis 0 of [N, K]
    const key = `${axis}|${transpose}${scaled ? `|${scaled.key}` : ''}`;
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
    let src = new F32Source(tensorBytes(t, this.external), n);
    if (scaled) {
      // Each slice along axis 0 (a Conv's output channel) times its factor (channel equalization, equalize.ts).
      const raw = src.view(0, n);
      const inner = n / dims[0];
      const out = new Float32Array(n);
      for (let o = 0; o < dims[0]; o++) for (let i = o * inner; i < (o + 1) * inner; i++) out[i] = raw[i] * scaled.factors[o];
      src = new F32Source(new Uint8Array(out.buffer), n);
    }
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
  protected scaleConst(qw: QWeight, dims: number[], factor: number): string {
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
  protected zeroPoint(qw: QWeight, perAxis: boolean): string {
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
  protected weightDq(g: GraphProto, qw: QWeight): string {
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
  protected dqNode(inputs: string[], out: string, axis: number | undefined, dims: number[], scaleLength: number): NodeProto {
    if (axis !== undefined && dims[axis] !== scaleLength) {
      throw new Error(`internal: per-axis scale of ${inputs[0]} has ${scaleLength} values, axis ${axis} has ${dims[axis]}`);
    }
    if (axis === undefined && scaleLength !== 1) throw new Error(`internal: per-tensor scale of ${inputs[0]} has ${scaleLength} values`);
    return makeNode('DequantizeLinear', inputs, [out], axis === undefined ? {} : { axis: attr.i(axis) }, { name: this.names.fresh(`${out.replace(/_Output$/, '')}`) });
  }

  protected dynamicQuant(g: GraphProto, x: string) {
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

  /**
   * Scale and zero point initializers of a calibrated activation in graph `g`: one pair per graph that quantizes the
   * tensor, each with its own name. Never read from an enclosing graph: onnxruntime's QDQ fusions (extended
   * optimisation) in an If branch whose Q/DQ parameters come from the outer scope add the fused node and keep the
   * original, and then refuse the model ("two nodes with same node name"), as with Silero VAD's legacy model.
   */
  protected activationParams(x: string, g: GraphProto) {
    let r = this.actParams.get(x);
    if (!r) {
      const range = this.o.activationRanges?.[x];
      if (!range) throw new SkipNode(`no calibrated range for activation "${x}"`);
      r = { p: quantParams([range[0]], [range[1]], this.o.activationType, false), byGraph: new Map() };
      this.actParams.set(x, r);
    }
    let names = r.byGraph.get(g);
    if (!names) {
      const scale = this.names.fresh(`${x}_scale`);
      const zp = this.names.fresh(`${x}_zero_point`);
      this.addInitToGraph(g, makeTensor(scale, DataType.FLOAT, [], r.p.scale));
      this.addInitToGraph(
        g,
        this.o.activationType === 'int8'
          ? makeTensor(zp, DataType.INT8, [], Int8Array.of(r.p.zeroPoint[0]))
          : makeTensor(zp, DataType.UINT8, [], Uint8Array.of(r.p.zeroPoint[0])),
      );
      r.byGraph.set(g, (names = { scale, zp }));
    }
    return { ...names, s: r.p.scale[0] };
  }

  /**
   * x times 1 / factor_c per channel (a Mul with a [1, C, 1, ...] constant of the given rank), then the usual
   * per-tensor QuantizeLinear -> DequantizeLinear with the equalized range: the DQ output is x_c / factor_c, made once
   * per graph (equalize.ts). Not a per-channel QuantizeLinear: onnxruntime-node 1.30 runs that about 4x slower than Mul + Q.
   */
  protected equalizedQdq(g: GraphProto, x: string, rank: number, e: { scales: readonly number[]; range: readonly [number, number] }): { out: string; s: number } {
    const key = `${x}|equalized`;
    let m = this.actQdq.get(g);
    if (!m) this.actQdq.set(g, (m = new Map()));
    const p = quantParams([e.range[0]], [e.range[1]], this.o.activationType, false);
    let out = m.get(key);
    if (!out) {
      const C = e.scales.length;
      const z = p.zeroPoint[0];
      const inv = this.names.fresh(`${x}_equalize_inverse_scale`);
      const scale = this.names.fresh(`${x}_equalized_scale`);
      const zp = this.names.fresh(`${x}_equalized_zero_point`);
      const dims = [1, C, ...new Array<number>(Math.max(0, rank - 2)).fill(1)];
      this.addInitToGraph(g, makeTensor(inv, DataType.FLOAT, dims, Float32Array.from(e.scales, (f) => 1 / f)));
      this.addInitToGraph(g, makeTensor(scale, DataType.FLOAT, [], p.scale));
      this.addInitToGraph(g, this.o.activationType === 'int8' ? makeTensor(zp, DataType.INT8, [], Int8Array.of(z)) : makeTensor(zp, DataType.UINT8, [], Uint8Array.of(z)));
      const xe = this.names.fresh(`${x}_equalized`);
      const q = this.names.fresh(`${x}_equalized_QuantizeLinear_Output`);
      out = this.names.fresh(`${x}_equalized_DequantizeLinear_Output`);
      this.prepend(g, makeNode('Mul', [x, inv], [xe], {}, { name: this.names.fresh(`${x}_equalize`) }));
      this.prepend(g, makeNode('QuantizeLinear', [xe, scale, zp], [q], {}, { name: this.names.fresh(`${x}_equalized_QuantizeLinear`) }));
      this.prepend(g, makeNode('DequantizeLinear', [q, scale, zp], [out], {}, { name: this.names.fresh(`${x}_equalized_DequantizeLinear`) }));
      m.set(key, out);
    }
    return { out, s: p.scale[0] };
  }

  protected activationQdq(g: GraphProto, x: string): string {
    let m = this.actQdq.get(g);
    if (!m) this.actQdq.set(g, (m = new Map()));
    let out = m.get(x);
    if (!out) {
      const p = this.activationParams(x, g);
      const q = this.names.fresh(`${x}_QuantizeLinear_Output`);
      out = this.names.fresh(`${x}_DequantizeLinear_Output`);
      this.prepend(g, makeNode('QuantizeLinear', [x, p.scale, p.zp], [q], {}, { name: this.names.fresh(`${x}_QuantizeLinear`) }));
      this.prepend(g, makeNode('DequantizeLinear', [q, p.scale, p.zp], [out], {}, { name: this.names.fresh(`${x}_DequantizeLinear`) }));
      m.set(x, out);
    }
    return out;
  }

  protected halfCast(scope: Scope, ref: ConstRef): { name: string; bytes: number } {
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

  /** Applies the edits (graph-edits.ts), then notes the float16 values that were clamped. */
  override finish(): void {
    super.finish();
    if (this.fp16Clamped > 0) {
      this.notes.push(`${this.fp16Clamped} weight values exceeded the float16 range and were clamped to +-65504.`);
    }
  }
}

/** Per-tensor params repeated for each of `n` channels (the transposed kernel reads per-row params). */
function broadcastParams(p: QuantParams, n: number): QuantParams {
  return { ...p, scale: new Float32Array(n).fill(p.scale[0]), zeroPoint: new Int32Array(n).fill(p.zeroPoint[0]) };
}
