import { ParetoError } from '../../errors';
import { DataType, type GraphProto, type ModelProto, type TensorProto } from '../../formats/onnx/proto';
import { dict } from '../../own';

/** What quantization a model already carries (for the UI, and so that nothing is quantized twice). */
export interface QuantizationInfo {
  /** True when the model holds quantized ops (it must not be quantized again). */
  quantized: boolean;
  /** Quantization op types found (all graphs), with counts: {"DynamicQuantizeLinear": 2, "MatMulInteger": 2}. */
  ops: Record<string, number>;
  /** int8/uint8 (or 4-bit) constants that feed those ops: the quantized weights. */
  quantizedWeights: number;
  /** float16 constants converted to float32 by a Cast (what the fp16 mode writes). */
  castFloat16Weights: number;
  /** The layout, in words: "dynamic int8 (DynamicQuantizeLinear + MatMulInteger)", "QDQ", ... or "" when none. */
  kind: string;
}

const QUANT_OPS = new Set([
  'DynamicQuantizeLinear',
  'QuantizeLinear',
  'DequantizeLinear',
  'MatMulInteger',
  'ConvInteger',
  'MatMulNBits',
  'MatMulBnb4',
  'MatMulFpQ4',
  'MatMulIntegerToFloat',
  'DynamicQuantizeMatMul',
  'DynamicQuantizeLSTM',
  'QGemm',
  'QAttention',
  'QEmbedLayerNormalization',
  'QOrderedMatMul',
  'QOrderedLayerNormalization',
  'QOrderedAttention',
  'QOrderedGelu',
  'QuantizeBFP',
  'DequantizeBFP',
  'GatherBlockQuantized',
  'QMoE',
]);

const isQuantOp = (opType: string) => QUANT_OPS.has(opType) || opType.startsWith('QLinear');

const LOW_BIT = new Set<number>([DataType.INT8, DataType.UINT8, DataType.INT4, DataType.UINT4, 25, 26]);

export function detectQuantization(model: ModelProto): QuantizationInfo {
  const ops: Record<string, number> = dict();
  let quantizedWeights = 0;
  let castFloat16Weights = 0;
  const visit = (g: GraphProto, outer: Map<string, TensorProto>) => {
    const consts = new Map(outer);
    for (const t of g.initializer) consts.set(t.name, t);
    for (const n of g.node) {
      if (n.opType === 'Constant') {
        const t = n.attribute.find((a) => a.name === 'value')?.t;
        if (t && n.output[0]) consts.set(n.output[0], t);
      }
    }
    for (const n of g.node) {
      if (isQuantOp(n.opType)) {
        ops[n.opType] = (ops[n.opType] ?? 0) + 1;
        for (const i of n.input) {
          const t = consts.get(i);
          if (t && LOW_BIT.has(t.dataType) && t.dims.length > 0 && t.dims.reduce((p, d) => p * Number(d), 1) > 1) quantizedWeights++;
        }
      } else if (n.opType === 'Cast') {
        const t = consts.get(n.input[0]);
        if (t && t.dataType === DataType.FLOAT16 && Number(n.attribute.find((a) => a.name === 'to')?.i ?? 0) === DataType.FLOAT) {
          castFloat16Weights++;
        }
      }
      for (const a of n.attribute) {
        if (a.g) visit(a.g, consts);
        for (const sg of a.graphs) visit(sg, consts);
      }
    }
  };
  if (model.graph) visit(model.graph, new Map());

  const has = (...names: string[]) => names.some((x) => ops[x]);
  const kinds: string[] = [];
  if (has('DynamicQuantizeLinear', 'MatMulInteger', 'ConvInteger', 'DynamicQuantizeMatMul', 'MatMulIntegerToFloat')) {
    kinds.push('dynamic int8 (DynamicQuantizeLinear + MatMulInteger/ConvInteger)');
  }
  if (Object.keys(ops).some((o) => o.startsWith('QLinear') || o === 'QGemm' || o === 'QAttention')) kinds.push('QOperator int8 (QLinear* ops)');
  if (has('QuantizeLinear')) kinds.push('static QDQ (QuantizeLinear/DequantizeLinear)');
  else if (has('DequantizeLinear')) kinds.push('weight-only (DequantizeLinear on weights)');
  if (has('MatMulNBits', 'MatMulBnb4', 'MatMulFpQ4', 'GatherBlockQuantized')) kinds.push('block-quantized weights (MatMulNBits)');
  const quantized = Object.keys(ops).length > 0;
  if (!quantized && castFloat16Weights > 0) kinds.push('float16 weights cast to float32');
  return { quantized, ops, quantizedWeights, castFloat16Weights, kind: kinds.join('; ') };
}

/**
 * Refuses, by name, a model that already holds quantized ops (issue 11: static quantize and prune crashed on one):
 * `what` is the step, e.g. "quantizing it again would stack errors". Nothing is thrown for a float model.
 */
export function refuseQuantized(model: ModelProto, what: string): void {
  const found = detectQuantization(model);
  if (!found.quantized) return;
  const ops = Object.entries(found.ops)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  throw new ParetoError('bad-input', `The model is already quantized (${found.kind}: ${ops}); ${what}. Start from the float32 model.`);
}
