import { attr, node as makeNode, tensor as makeTensor } from '../../formats/onnx/builder';
import { DataType, type ModelProto, type NodeProto } from '../../formats/onnx/proto';
import { elementCount, tensorBytes, type ExternalData } from '../../formats/onnx/tensor';
import { F32Source } from './f32-source';
import { roundInt32 } from './int8';
import type { QuantizeOptions } from './options';
import type { NodePlan } from './plan';
import { FLOAT_BYTES, QuantizedTensors, type QWeight } from './quantized-tensors';

/**
 * How each planned node is rewritten, per mode (apply.ts describes what each mode writes), from the shared tensors of
 * quantized-tensors.ts; the graph edits are applied by finish() (graph-edits.ts).
 */

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

export class Writer extends QuantizedTensors {
  /** Outputs of quantized nodes in static mode: already followed by Q -> DQ. */
  private readonly staticOutputs = new Set<string>();
  private conv4PerTensorNoted = false;
  /** Depthwise Convs whose input channels were equalized (static mode, `equalizeChannels`). */
  equalizedNodes = 0;

  constructor(
    model: ModelProto,
    external: ExternalData,
    o: QuantizeOptions,
    private readonly perChannel: boolean,
    notes: string[],
  ) {
    super(model, external, o, notes);
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
    // Channel equalization (equalize.ts): a depthwise Conv with per-channel weights whose input was measured for it.
    const eq = this.o.equalizeChannels && axis === 0 && p.depthwiseChannels && !this.staticOutputs.has(p.activation) ? this.o.equalizedActivations?.[p.activation] : undefined;
    const equalized = eq && eq.scales.length === p.depthwiseChannels ? this.equalizedQdq(g, p.activation, p.weightDims.length, eq) : undefined;
    const perFilter = p.weightDims[0] / (p.depthwiseChannels ?? 1);
    const qw = equalized
      ? this.quantWeight(p, axis, false, { key: `equalized ${p.activation}`, factors: Float32Array.from({ length: p.weightDims[0] }, (_, o) => eq!.scales[Math.floor(o / perFilter)]) })
      : this.quantWeight(p, axis, false);
    if (equalized) this.equalizedNodes++;
    const xIn = equalized ? equalized.out : this.staticOutputs.has(p.activation) ? p.activation : this.activationQdq(g, p.activation);
    const newNode = this.cloneNode(n);
    newNode.input[0] = xIn;
    newNode.input[1] = this.weightDq(g, qw);
    const xs = equalized ? equalized.s : this.activationParams(p.activation, g).s;
    if (p.bias?.ref && p.beta === 1) {
      const biasDq = this.staticBias(p, qw, xs);
      if (biasDq) newNode.input[2] = biasDq;
    }
    // The op's output goes through Q -> DQ under its own name, so every consumer (and a graph output) reads the DQ.
    const pre = this.names.fresh(`${p.output}_prequant`);
    newNode.output[0] = pre;
    const y = this.activationParams(p.output, g);
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

}
