/**
 * Quantizing a TF.js model's weights into the forms TF.js itself reads from a weights manifest: uint8 or uint16
 * affine per tensor (value = q * scale + min, with min and max widened to include 0 so that zero, and so every pruned
 * weight, stays exactly zero, as tfjs-converter does) or float16. This is weight-only: TF.js dequantizes every weight
 * to float32 as the model loads, so the download and the stored files shrink and inference runs exactly as before
 * (same speed, same memory once loaded).
 *
 * Mixed precision: with `keepSensitive` and a sensitivity runner (the fidelity of a model in which only one weight is
 * quantized, measured by a runtime on calibration data: core runs no models), the weights whose quantization hurts
 * most stay in float16 or float32.
 */
import { DataType, type ModelProto, type TensorProto } from '../../formats/onnx/proto';
import type { OnnxModel } from '../../formats/onnx/read';
import { elementCount, tensorToNumbers } from '../../formats/onnx/tensor';
import { isTfjsModel } from '../../formats/tfjs/read';
import { quantizationOf, quantizedTensor } from '../../formats/tfjs/weights';
import { ParetoError } from '../../errors';
import { cloneModelSharingBytes } from '../common/clone-sharing-bytes';
import { toFloat16Into } from '../quantize/float16';
import { F32Source } from '../quantize/f32-source';
import { makeCheckpoint, type TransformContext, type TransformResult } from '../types';
import { wildcard, type TfjsLayerChoice, type TfjsQuantizeOptions } from './options';

/** Fidelity (cosine of outputs, 1 = identical) of `candidate` against the original, on calibration data. */
export type TfjsSensitivityRunner = (candidate: ModelProto) => Promise<number>;

export interface TfjsWeightStat {
  name: string;
  layers: string[];
  params: number;
  to: TfjsLayerChoice;
  bytesBefore: number;
  bytesAfter: number;
  /** Mixed precision: output fidelity with only this weight quantized to `mode`. */
  sensitivity?: number;
}

const BYTES: Record<TfjsLayerChoice, number> = { uint8: 1, uint16: 2, fp16: 2, float32: 4 };

/** tfjs-converter's affine range: [min, max] widened to hold 0, nudged so that 0 is a whole step. */
export function affineRange(min: number, max: number, bits: 8 | 16): { scale: number; min: number } {
  const qmax = 2 ** bits - 1;
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  const scale = hi > lo ? (hi - lo) / qmax : 1;
  const zero = Math.round(-lo / scale);
  return { scale, min: -zero * scale };
}

/** A float32 tensor's values, aligned (raw_data views are often not). */
function floatsOf(t: TensorProto, n: number): Float32Array {
  if (t.dataType === DataType.FLOAT16) return Float32Array.from(tensorToNumbers(t));
  if (t.rawData.length === 0 && t.floatData.length === n) return Float32Array.from(t.floatData);
  if (t.rawData.length !== n * 4) throw new ParetoError('bad-input', `Weight "${t.name}" holds ${t.rawData.length} bytes where ${n} float32 values need ${n * 4}.`);
  const v = new Float32Array(n);
  new Uint8Array(v.buffer).set(t.rawData);
  return v;
}

/** One float32 tensor in TF.js's storage form for `to` (uint8, uint16, fp16). */
export function quantizeWeight(t: TensorProto, to: 'uint8' | 'uint16' | 'fp16'): TensorProto {
  const n = elementCount(t);
  const v = floatsOf(t, n);
  const dims = t.dims.map(Number);
  if (to === 'fp16') {
    const out = new Uint16Array(n);
    toFloat16Into(new F32Source(new Uint8Array(v.buffer), n), out);
    return quantizedTensor(t.name, dims, 'float32', { dtype: 'float16' }, new Uint8Array(out.buffer));
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) throw new ParetoError('bad-input', `Weight "${t.name}" holds ${x}; it cannot be quantized.`);
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const bits = to === 'uint8' ? 8 : 16;
  const { scale, min } = affineRange(n ? lo : 0, n ? hi : 0, bits);
  const qmax = 2 ** bits - 1;
  const out = bits === 8 ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(qmax, Math.max(0, Math.round((v[i] - min) / scale)));
  return quantizedTensor(t.name, dims, 'float32', { dtype: to, scale, min }, new Uint8Array(out.buffer));
}

/** Which layers (nodes) read each weight. */
function readersOf(proto: ModelProto): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const n of proto.graph?.node ?? []) for (const i of n.input) by.set(i, [...(by.get(i) ?? []), n.name]);
  return by;
}

export async function applyTfjsQuantize(
  model: OnnxModel,
  options: TfjsQuantizeOptions,
  ctx: TransformContext = {},
  deps: { sensitivity?: TfjsSensitivityRunner } = {},
): Promise<TransformResult> {
  if (!isTfjsModel(model.proto)) {
    throw new ParetoError('bad-input', `TF.js quantization (${options.mode}) applies to TF.js models; for an ONNX model use the dynamic, static, weight-only or fp16 modes.`);
  }
  if (options.keepSensitive > 0 && !deps.sensitivity) {
    throw new ParetoError('bad-input', 'Mixed precision (keep the most sensitive weights) needs calibration data to measure each weight on: give sample inputs.');
  }
  const check = makeCheckpoint(ctx);
  const readers = readersOf(model.proto);
  const hits = (pattern: string, name: string) => {
    const m = wildcard(pattern);
    return m(name) || (readers.get(name) ?? []).some(m);
  };
  const out = cloneModelSharingBytes(model.proto);
  const inits = out.graph!.initializer;
  const skipped: TransformResult['report']['skipped'] = [];
  const plan = new Map<number, TfjsLayerChoice>();
  inits.forEach((t, i) => {
    const layer = readers.get(t.name)?.[0] ?? '(no layer)';
    const q = quantizationOf(t);
    // A float16 weight (stored so by the converter) may go down to uint8/uint16, from its float16 values.
    const f16 = q?.quantization.dtype === 'float16' && t.dataType === DataType.FLOAT16;
    if (q && !f16) return skipped.push({ node: layer, opType: t.name, reason: `already stored as ${q.quantization.dtype}` });
    if (!q && t.dataType !== DataType.FLOAT) return skipped.push({ node: layer, opType: t.name, reason: `${DataType[t.dataType]?.toLowerCase() ?? 'non-float'} weight: only float32 weights are quantized` });
    let choice: TfjsLayerChoice = options.weights.some((p) => hits(p, t.name)) ? options.mode : 'float32';
    for (const [p, c] of Object.entries(options.layers)) if (hits(p, t.name)) choice = c;
    if (f16 && (choice === 'fp16' || choice === 'float32')) return skipped.push({ node: layer, opType: t.name, reason: 'already stored as float16' });
    if (choice === 'float32') skipped.push({ node: layer, opType: t.name, reason: 'kept in float32 (not selected)' });
    plan.set(i, choice);
  });
  const unmatched = [...options.weights, ...Object.keys(options.layers)].filter((p) => !inits.some((t) => hits(p, t.name)));

  // Mixed precision: measure each candidate alone, keep the worst ones.
  const sensitivity = new Map<number, number>();
  if (options.keepSensitive > 0 && options.mode !== 'fp16') {
    const candidates = [...plan].filter(([, c]) => c === 'uint8' || c === 'uint16');
    for (let k = 0; k < candidates.length; k++) {
      const [i, c] = candidates[k];
      await check((0.6 * k) / candidates.length, `measuring ${inits[i].name}`);
      const probe = cloneModelSharingBytes(model.proto);
      probe.graph!.initializer[i] = quantizeWeight(inits[i], c as 'uint8' | 'uint16');
      sensitivity.set(i, await deps.sensitivity!(probe));
    }
    const worst = [...sensitivity].sort((a, b) => a[1] - b[1]).slice(0, options.keepSensitive);
    for (const [i] of worst) plan.set(i, options.keepAs);
  }

  const stats: TfjsWeightStat[] = [];
  let k = 0;
  for (const [i, to] of plan) {
    const t = inits[i];
    await check(0.6 + (0.4 * k++) / plan.size, `quantizing ${t.name}`);
    const params = elementCount(t);
    if (to !== 'float32' && !(to === 'fp16' && t.dataType === DataType.FLOAT16)) inits[i] = quantizeWeight(t, to);
    stats.push({ name: t.name, layers: readers.get(t.name) ?? [], params, to, bytesBefore: t.rawData.length, bytesAfter: params * BYTES[to], ...(sensitivity.has(i) ? { sensitivity: sensitivity.get(i) } : {}) });
  }
  const total = (ts: TensorProto[]) => ts.reduce((a, t) => a + t.rawData.length, 0);
  const before = total(model.proto.graph!.initializer);
  const after = total(inits);
  const quantized = stats.filter((s) => s.to !== 'float32');
  const notes = [
    `Weight-only: TF.js stores these weights as ${[...new Set(quantized.map((s) => s.to))].join(' / ') || 'float32'} and dequantizes them to float32 ` +
      'when the model loads. The download and the stored files shrink; inference runs in float32 at the same speed and memory as before.',
    `Weights: ${before} bytes before, ${after} after (${before ? ((100 * after) / before).toFixed(1) : '100'}%).`,
  ];
  if (quantized.length === 0) notes.push('No weight was quantized: the model is unchanged.');
  if (unmatched.length) notes.push(`Wildcards that match no weight or layer: ${unmatched.join(', ')}.`);
  if (sensitivity.size > 0) {
    const kept = stats.filter((s) => s.sensitivity !== undefined && s.to === options.keepAs);
    notes.push(
      `Mixed precision: each of ${sensitivity.size} weights was quantized alone and measured on the calibration data; the ` +
        `${kept.length} that hurt the outputs most stay ${options.keepAs}: ${kept.map((s) => `${s.name} (cosine ${s.sensitivity!.toFixed(4)})`).join(', ')}.`,
    );
  }
  await check(1, 'done');
  return {
    model: out,
    report: {
      transform: 'quantize-tfjs',
      options: { ...options },
      notes,
      skipped,
      stats: { mode: options.mode, bytes: { before, after }, weights: stats } as unknown as Record<string, unknown>,
    },
  };
}
