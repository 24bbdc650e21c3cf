import { ParetoError } from '../../errors';
import { DataType, type GraphProto, type ModelProto, type TensorProto } from '../../formats/onnx/proto';
import type { OnnxModel } from '../../formats/onnx/read';
import { validateGraph } from '../../formats/onnx/read';
import { elementCount, tensorByteLength } from '../../formats/onnx/tensor';
import { makeCheckpoint, type TransformContext, type TransformResult } from '../types';
import { refuseQuantized } from './detect';
import { convertOpset } from '../convert/apply';
import { defaultOpset, editableCopy, opsetBlockers, setDefaultOpset } from './graph';
import { validateQuantizeOptions, type QuantizeOptions } from './options';
import { planQuantization } from './plan';
import { SkipNode } from './quantized-tensors';
import { RecurrentWriter, planRecurrent } from './recurrent';
import type { NodeReport } from './rewrite';

export type { NodeReport } from './rewrite';

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
 * Recurrent layers (LSTM, GRU, RNN): recurrent.ts (dynamic: LSTM -> com.microsoft DynamicQuantizeLSTM; fp16: float16 W, R, B).
 * An already-quantized model is refused by name (detect.ts), as calibration and prune do.
 */
export async function applyQuantize(input: OnnxModel, options: QuantizeOptions, ctx: TransformContext = {}): Promise<TransformResult> {
  const o = validateQuantizeOptions(options);
  const checkpoint = makeCheckpoint(ctx);
  await checkpoint(0, 'analysing the model');

  refuseQuantized(input.proto, 'quantizing it again would stack errors');

  // A model of an older opset than the mode needs, with ops whose meaning changes on the way (Clip, Slice, Softmax…),
  // is converted first (src/core/transforms/convert, as ONNX's version converter does it), and the report says so.
  // Only when the conversion itself refuses does the older handling below apply (per-tensor, or a refusal by name).
  const need0 = o.mode === 'dynamic' ? 11 : o.mode === 'fp16' ? 6 : o.perChannel ? 13 : 10;
  const from0 = defaultOpset(input.proto) ?? 0;
  let converted: Awaited<ReturnType<typeof convertOpset>> | undefined;
  const notes: string[] = [];
  if (from0 > 0 && from0 < need0 && opsetBlockers(input.proto, from0, need0).length > 0) {
    try {
      converted = await convertOpset(input.proto, need0, { signal: ctx.signal });
      notes.push(`Converted the model from opset ${from0} to ${need0} first (mode '${o.mode}' needs it): ${converted.notes.slice(1).join(' ')}`);
    } catch (e) {
      if (!(e instanceof ParetoError) || e.code === 'aborted') throw e;
      notes.push(`The model could not be converted from opset ${from0} to ${need0} (${e.message}).`);
    }
  }
  const model = converted ? converted.model : editableCopy(input.proto);
  const plan = planQuantization(model, o, o.mode === 'static');
  const recurrent = planRecurrent(plan.scopes, o);
  const skipped = [...plan.skipped, ...recurrent.skipped];
  let perChannel = o.perChannel;

  // Opset: raised only when the mode needs it and no op of the model changes meaning in between.
  // DynamicQuantizeLSTM is a com.microsoft op: only fp16's Cast asks something of the default opset for recurrent layers.
  if (plan.plans.length > 0 || (o.mode === 'fp16' && recurrent.plans.length > 0)) {
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
          `${blockers.join(', ')}, and the conversion could not be done (see pareto convert).`,
      );
    }
  }
  if (o.mode === 'dynamic' && o.activationType === 'int8') {
    notes.push("int8 activations (--activation-type / Activation type) apply to static mode; dynamic mode quantizes activations to uint8 (DynamicQuantizeLinear's only type).");
  }

  const w = new RecurrentWriter(model, input.external, o, perChannel, notes);
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
  for (const p of recurrent.plans) {
    await checkpoint(done / total, `quantizing ${p.label}`);
    perNode.push({ node: p.label, opType: p.op, graph: p.scope.path, ...w.rewriteRecurrent(p) });
  }
  if (o.mode !== 'static' && o.equalizeChannels) {
    notes.push(`Channel equalization (--equalize-channels / equalize depthwise channels) applies to static mode, whose calibration measures it; mode '${o.mode}' quantizes without it.`);
  }
  if (o.mode === 'static' && o.equalizeChannels) {
    const depthwise = plan.plans.filter((p) => p.depthwiseChannels).length;
    notes.push(
      depthwise === 0
        ? 'Channel equalization (--equalize-channels / equalize depthwise channels) found no depthwise Conv to equalize.'
        : !perChannel
          ? `Channel equalization needs per-channel weights (it folds one scale per channel into them): the ${depthwise} depthwise Convs are quantized without it.`
          : `Channel equalization: the input channels of ${w.equalizedNodes} of ${depthwise} depthwise Convs each use the whole 8-bit range ` +
            `(a Mul by 1 / scale per channel before their QuantizeLinear, the scales folded into their per-channel weights)` +
            (w.equalizedNodes < depthwise ? '; the others have no equalization measured by calibration, or per-tensor weights, or a quantized input.' : '.'),
    );
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
      options: {
        ...o,
        perChannel,
        activationRanges: o.activationRanges ? `${Object.keys(o.activationRanges).length} tensors` : undefined,
        equalizedActivations: o.equalizedActivations ? `${Object.keys(o.equalizedActivations).length} tensors` : undefined,
      },
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
