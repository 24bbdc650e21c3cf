import { node as makeNode, tensor as makeTensor } from '../../formats/onnx/builder';
import { create } from '@bufbuild/protobuf';
import { DataType, OperatorSetIdProtoSchema, type NodeProto } from '../../formats/onnx/proto';
import { elementCount, tensorBytes } from '../../formats/onnx/tensor';
import { F32Source } from './f32-source';
import type { Scope } from './graph';
import type { QuantizeOptions } from './options';
import { nodeLabel, resolveConst, type ConstRef, type Skip } from './plan';
import { FLOAT_BYTES } from './quantized-tensors';
import { Writer, type NodeReport } from './rewrite';

/**
 * Recurrent layers (LSTM, GRU, RNN; issue 11). What each mode does with their weights W (input) and R (recurrence):
 * - dynamic: LSTM -> com.microsoft DynamicQuantizeLSTM (onnxruntime's CPU kernel: int8 W and R, activations quantized
 *   inside the kernel). Its W is [D, input, 4H] and R [D, H, 4H] (the ONNX LSTM's W [D, 4H, input] and R [D, 4H, H]
 *   transposed), symmetric int8 with one scale per direction and gate row ([D, 4H]), zero points 0. The bias B,
 *   peepholes P and the states stay float32. GRU and RNN stay float: onnxruntime has no int8 kernel for them.
 * - fp16: W, R (and a constant B) -> float16 initializers, each Cast back to float32 before the unchanged op.
 * - weight-only and static: the recurrent ops stay float (listed in skipped with the reason).
 * A layer whose W or R is not a float32 constant, or an LSTM with layout=1 (batch first, which DynamicQuantizeLSTM
 * lacks), stays float with the reason in skipped.
 */

export const RECURRENT_OPS = ['LSTM', 'GRU', 'RNN'] as const;
const RECURRENT = new Set<string>(RECURRENT_OPS);
export const MS_DOMAIN = 'com.microsoft';

export interface RecurrentPlan {
  node: NodeProto;
  scope: Scope;
  label: string;
  op: string;
  W: ConstRef;
  R: ConstRef;
  B?: ConstRef;
}

/** The recurrent nodes of every graph that the mode converts, and the others with their reasons. */
export function planRecurrent(scopes: readonly Scope[], o: QuantizeOptions): { plans: RecurrentPlan[]; skipped: Skip[] } {
  const plans: RecurrentPlan[] = [];
  const skipped: Skip[] = [];
  const excludeNodes = new Set(o.excludeNodes);
  const excludeOps = new Set(o.excludeOpTypes);
  for (const scope of scopes) {
    scope.graph.node.forEach((n, index) => {
      if (!RECURRENT.has(n.opType) || (n.domain !== '' && n.domain !== 'ai.onnx')) return;
      const label = nodeLabel(n, scope, index);
      const skip = (reason: string) => skipped.push({ node: label, opType: n.opType, reason });
      if (excludeOps.has(n.opType)) return skip('excluded by op type (--exclude / Exclude)');
      if ((n.name && excludeNodes.has(n.name)) || excludeNodes.has(label)) return skip('excluded by name (--exclude / Exclude)');
      if (o.mode === 'static' || o.mode === 'weight-only') {
        return skip(
          `${o.mode} mode leaves recurrent weights in float32 (onnxruntime fuses no QDQ ${n.opType}); ` +
            (n.opType === 'LSTM' ? 'dynamic mode stores them as int8 (DynamicQuantizeLSTM), fp16 as float16' : 'fp16 mode stores them as float16'),
        );
      }
      if (o.mode === 'dynamic' && n.opType !== 'LSTM') {
        return skip(`onnxruntime has no int8 ${n.opType} kernel (com.microsoft has DynamicQuantizeLSTM only): its weights stay float32; fp16 mode halves them`);
      }
      if (o.mode === 'dynamic' && n.attribute.some((a) => a.name === 'layout' && Number(a.i) !== 0)) {
        return skip('layout=1 (batch first): DynamicQuantizeLSTM takes sequence-first tensors only');
      }
      const refs: ConstRef[] = [];
      for (const [i, what] of [[1, 'W'], [2, 'R']] as const) {
        const r = n.input[i] ? resolveConst(scope, n.input[i]) : 'missing';
        if (typeof r === 'string') return skip(`weight ${what} ${r}`);
        if (r.tensor.dataType !== DataType.FLOAT) return skip(`weight ${what} "${r.name}" is not float32`);
        if (r.tensor.dims.length !== 3) return skip(`weight ${what} "${r.name}" has rank ${r.tensor.dims.length}, not 3`);
        refs.push(r);
      }
      const b = n.input[3] ? resolveConst(scope, n.input[3]) : undefined;
      plans.push({ node: n, scope, label, op: n.opType, W: refs[0], R: refs[1], B: typeof b === 'object' && b.tensor.dataType === DataType.FLOAT ? b : undefined });
    });
  }
  return { plans, skipped };
}

/** The quantize Writer plus the recurrent rewrites. */
export class RecurrentWriter extends Writer {
  private msImported = false;

  rewriteRecurrent(p: RecurrentPlan): Omit<NodeReport, 'node' | 'opType' | 'graph'> {
    return this.o.mode === 'fp16' ? this.recurrentFp16(p) : this.dynamicLstm(p);
  }

  private recurrentFp16(p: RecurrentPlan) {
    const c = this.cloneNode(p.node);
    let before = 0;
    let after = 0;
    for (const [i, ref] of [[1, p.W], [2, p.R], [3, p.B]] as const) {
      if (!ref) continue;
      const h = this.halfCast(p.scope, ref);
      c.input[i] = h.name;
      before += elementCount(ref.tensor) * FLOAT_BYTES;
      after += h.bytes;
    }
    this.replaceNode(p.scope.graph, p.node, [c]);
    return { weight: `${p.W.name}, ${p.R.name}`, scheme: 'float16', weightBytesBefore: before, weightBytesAfter: after };
  }

  private dynamicLstm(p: RecurrentPlan) {
    const w = this.transposedInt8(p.W);
    const r = this.transposedInt8(p.R);
    const n = p.node;
    const inputs = [...n.input];
    while (inputs.length < 8) inputs.push('');
    inputs.length = 8;
    inputs[1] = w.q;
    inputs[2] = r.q;
    inputs.push(w.scale, w.zp, r.scale, r.zp);
    const q = makeNode('DynamicQuantizeLSTM', inputs, [...n.output], {}, { name: this.names.fresh(`${n.name || n.output.find((x) => x) || 'LSTM'}_quant`), domain: MS_DOMAIN });
    q.attribute = n.attribute.filter((a) => a.name !== 'layout');
    q.metadataProps = [...n.metadataProps];
    if (n.docString) q.docString = n.docString;
    this.replaceNode(p.scope.graph, n, [q]);
    if (!this.msImported) {
      this.msImported = true;
      if (!this.model.opsetImport.some((x) => x.domain === MS_DOMAIN)) {
        this.model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: MS_DOMAIN, version: 1n }));
      }
    }
    const before = (elementCount(p.W.tensor) + elementCount(p.R.tensor)) * FLOAT_BYTES;
    return { weight: `${p.W.name}, ${p.R.name}`, scheme: 'int8 per-channel (DynamicQuantizeLSTM)', weightBytesBefore: before, weightBytesAfter: w.bytes + r.bytes };
  }

  /** [D, rows, cols] float32 -> int8 [D, cols, rows], symmetric, one scale per (direction, row): scales and zero points [D, rows]. */
  private transposedInt8(ref: ConstRef) {
    const [D, rows, cols] = ref.tensor.dims.map(Number);
    const n = D * rows * cols;
    const src = new F32Source(tensorBytes(ref.tensor, this.external), n).view(0, n);
    const q = new Int8Array(n);
    const scale = new Float32Array(D * rows);
    for (let d = 0; d < D; d++) {
      for (let c = 0; c < rows; c++) {
        const base = (d * rows + c) * cols;
        let m = 0;
        for (let i = 0; i < cols; i++) m = Math.max(m, Math.abs(src[base + i]));
        const s = m > 0 ? m / 127 : 1;
        scale[d * rows + c] = s;
        for (let i = 0; i < cols; i++) q[(d * cols + i) * rows + c] = Math.max(-127, Math.min(127, Math.round(src[base + i] / s)));
      }
    }
    const home = ref.def.scope;
    const qName = this.names.fresh(`${ref.name}_quantized`);
    const sName = this.names.fresh(`${ref.name}_scale`);
    const zName = this.names.fresh(`${ref.name}_zero_point`);
    this.addInit(home, makeTensor(qName, DataType.INT8, [D, cols, rows], q));
    this.addInit(home, makeTensor(sName, DataType.FLOAT, [D, rows], scale));
    this.addInit(home, makeTensor(zName, DataType.INT8, [D, rows], new Int8Array(D * rows)));
    this.replaced.set(ref.name, ref);
    this.convertedFloatBytes += n * FLOAT_BYTES;
    this.convertedTensors++;
    return { q: qName, scale: sName, zp: zName, bytes: n + D * rows * 5 };
  }
}

export const isRecurrent = (opType: string) => RECURRENT.has(opType);
