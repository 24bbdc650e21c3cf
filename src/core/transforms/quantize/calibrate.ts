import { ParetoError } from '../../errors';
import { node as makeNode, tensor as makeTensor, valueInfo } from '../../formats/onnx/builder';
import { dtypeName } from '../../formats/onnx/dtypes';
import { DataType, type GraphProto, type ModelProto } from '../../formats/onnx/proto';
import type { OnnxModel } from '../../formats/onnx/read';
import type { ExternalData } from '../../formats/onnx/tensor';
import { writeOnnx } from '../../formats/onnx/write';
import { makeCheckpoint, type TransformContext } from '../types';
import { refuseQuantized } from './detect';
import { editableCopy, Names, scopesOf, type Scope } from './graph';
import { validateQuantizeOptions, type ActivationRanges, type EqualizedActivations, type QuantizeOptions } from './options';
import { planQuantization } from './plan';
import { dict } from '../../own';
import { createCalibrator } from './calibrators';
import { ChannelEqualizer } from './equalize';

export { createCalibrator, MinMaxCalibrator, MseCalibrator, PercentileCalibrator, type Calibrator } from './calibrators';

/**
 * Calibration for static quantization. The core cannot run models, so it is split in three:
 * 1. `calibrationTensors` says which activations need ranges (inputs and outputs of the nodes static mode quantizes);
 * 2. `buildCalibrationModel` writes a copy of the model that returns those tensors as extra graph outputs (tensors
 *    inside If/Loop bodies are routed out through extra outputs of the If/Loop node);
 * 3. the caller runs that model on sample batches with its runtime, and a `Calibrator` turns what it saw into ranges.
 * `calibrate()` does all three with an injected runner (onnxruntime-node in the CLI and tests, onnxruntime-web in the app).
 */

/** Activation tensors whose [min, max] static quantization needs, for the given options. */
export function calibrationTensors(model: ModelProto, options: Partial<QuantizeOptions> = {}): string[] {
  const o = validateQuantizeOptions({ ...options, mode: 'dynamic', activationRanges: undefined });
  const { plans } = planQuantization(model, o, false);
  const out = new Set<string>();
  for (const p of plans) {
    out.add(p.activation);
    out.add(p.output);
  }
  return [...out];
}

export interface CalibrationModel {
  model: ModelProto;
  /** Tensor name -> name of the graph output that carries it. */
  outputs: Record<string, string>;
  /** Tensors that are inputs of the main graph: read their values from the feeds. */
  fromInputs: string[];
  /** Tensors that cannot be exposed (inside a Scan or another op's body, or not found). */
  unavailable: string[];
}

/**
 * A copy of the model that also outputs the given tensors (the input model is not changed). A tensor inside an If
 * branch is added to that branch's outputs, and the other branch outputs an empty tensor in its place, so the If
 * output holds the values when the branch ran and nothing otherwise. Inside a Loop body it becomes a scan output
 * (values of every iteration, stacked).
 */
export function buildCalibrationModel(model: ModelProto, tensors: readonly string[]): CalibrationModel {
  const m = editableCopy(model);
  const scopes = scopesOf(m);
  const names = new Names(m);
  const main = scopes[0];
  const outputs: Record<string, string> = dict();
  const fromInputs: string[] = [];
  const unavailable: string[] = [];
  if (!main) return { model: m, outputs, fromInputs, unavailable: [...tensors] };
  const mainOutputs = new Set(main.graph.output.map((o) => o.name));
  // The scope defining each name (the first, as a search of the scopes in order finds it): one pass, not one per tensor.
  const scopeOf = new Map<string, Scope>();
  for (const s of scopes) for (const name of s.defs.keys()) if (!scopeOf.has(name)) scopeOf.set(name, s);
  const addOutput = (g: GraphProto, name: string) => g.output.push(valueInfo(name, DataType.FLOAT));

  for (const t of tensors) {
    const scope = scopeOf.get(t);
    if (!scope) {
      unavailable.push(t);
      continue;
    }
    if (scope === main) {
      const def = scope.defs.get(t)!;
      if (def.kind === 'input') fromInputs.push(t);
      else {
        if (!mainOutputs.has(t)) {
          addOutput(main.graph, t);
          mainOutputs.add(t);
        }
        outputs[t] = t;
      }
      continue;
    }
    const routed = route(scope, t, names);
    if (!routed) {
      unavailable.push(t);
      continue;
    }
    addOutput(main.graph, routed);
    outputs[t] = routed;
  }
  return { model: m, outputs, fromInputs, unavailable };
}

/** Exposes `t` (defined in `scope`) through the owners up to the main graph; returns the main graph's name for it. */
function route(scope: Scope, t: string, names: Names): string | undefined {
  // Check the whole path first, so that nothing is half-added for a tensor that cannot get out.
  for (let s: Scope | undefined = scope; s?.parent; s = s.parent) {
    if (s.owner!.opType !== 'If' && s.owner!.opType !== 'Loop') return undefined;
    if (s.owner!.opType === 'Loop' && s.owner!.attribute.find((a) => a.name === 'body')?.g !== s.graph) return undefined;
  }
  let name = t;
  for (let s: Scope = scope; s.parent; s = s.parent) {
    const owner = s.owner!;
    let inside = name;
    if (s.defs.get(name)?.kind === 'input' || s.defs.get(name)?.kind === 'initializer') {
      // A graph output that is directly an input or initializer: go through an Identity.
      inside = names.fresh(`${name}_calib`);
      s.graph.node.push(makeNode('Identity', [name], [inside], {}, { name: names.fresh(`${inside}_node`) }));
    }
    s.graph.output.push(valueInfo(inside, DataType.FLOAT));
    if (owner.opType === 'If') {
      for (const a of owner.attribute) {
        if (!a.g || a.g === s.graph) continue;
        const empty = names.fresh(`${t}_calib_empty`);
        a.g.node.push(
          makeNode('Constant', [], [empty], { value: { t: makeTensor(`${empty}_value`, DataType.FLOAT, [0], new Float32Array(0)) } }, { name: names.fresh(`${empty}_node`) }),
        );
        a.g.output.push(valueInfo(empty, DataType.FLOAT));
      }
    }
    const next = names.fresh(`${t}_calib`);
    owner.output.push(next);
    name = next;
  }
  return name;
}

/* ------------------------------------------------------------------ calibrate() ------------------------------------------------------------------ */

type TypedData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array;

/** A runtime-neutral input tensor. `type` is the ONNX dtype name ("float32", "int64", "bool"). */
export interface FeedTensor {
  type: string;
  data: TypedData;
  dims: number[];
}

/** One calibration batch: the data of the only input, or inputs by name (typed arrays, or with explicit dims). */
export type CalibrationBatch = Float32Array | Record<string, TypedData | { data: TypedData; dims?: readonly number[]; type?: string }>;

/** An output as a runner returns it: its values, or its values and dims (dims are needed by `equalizeChannels`). */
export type CalibrationOutput = ArrayLike<number> | { data: ArrayLike<number>; dims: readonly number[] };

export interface CalibrationSession {
  run(feeds: Record<string, FeedTensor>): Promise<Record<string, CalibrationOutput>>;
  release?(): Promise<void> | void;
}

/** Opens the calibration model with a runtime; `outputNames` are the outputs calibrate() will read. */
export type CalibrationRunner = (model: Uint8Array, outputNames: string[], external: ExternalData) => Promise<CalibrationSession>;

export interface CalibrationResult {
  /** What apply() takes as options.activationRanges. */
  ranges: ActivationRanges;
  /** Tensors that needed ranges. */
  tensors: string[];
  /** Tensors that could not be observed, or held no value in any batch (their nodes stay float in static mode). */
  unavailable: string[];
  batches: number;
  /** With `equalizeChannels`: what apply() takes as options.equalizedActivations (depthwise Conv inputs). */
  equalized?: EqualizedActivations;
  /** With `equalizeChannels`: depthwise Conv inputs that could not be equalized (quantized as usual). */
  notEqualized?: string[];
}

/** Inputs of the depthwise Convs static mode quantizes (tensor -> channels), for `equalizeChannels`. */
export function equalizationTensors(model: ModelProto, options: Partial<QuantizeOptions> = {}): Map<string, number> {
  const o = validateQuantizeOptions({ ...options, mode: 'dynamic', activationRanges: undefined });
  const out = new Map<string, number>();
  for (const p of planQuantization(model, o, false).plans) if (p.depthwiseChannels) out.set(p.activation, p.depthwiseChannels);
  return out;
}

/**
 * Runs the model on the batches with the injected runtime and returns activation ranges for static quantization.
 * Options: the same selection options as apply() (opTypes, exclusions...), calibrationMethod and percentile.
 */
export async function calibrate(
  model: OnnxModel,
  batches: Iterable<CalibrationBatch> | AsyncIterable<CalibrationBatch>,
  runner: CalibrationRunner,
  options: Partial<QuantizeOptions> = {},
  ctx: TransformContext = {},
): Promise<CalibrationResult> {
  const o = validateQuantizeOptions({ ...options, mode: 'dynamic', activationRanges: undefined });
  const checkpoint = makeCheckpoint(ctx);
  refuseQuantized(model.proto, 'static quantization would quantize it again and stack errors');
  const tensors = calibrationTensors(model.proto, o);
  if (tensors.length === 0) {
    const { skipped } = planQuantization(model.proto, o, false);
    const why = skipped.slice(0, 3).map((s) => `${s.opType} "${s.node}": ${s.reason}`);
    throw new ParetoError(
      'bad-input',
      `Static quantization has nothing to calibrate: no node of the model can be quantized` +
        (why.length ? ` (${why.join('; ')}${skipped.length > 3 ? `; and ${skipped.length - 3} more` : ''}).` : ' (it has no MatMul, Gemm or Conv).'),
    );
  }
  const cal = buildCalibrationModel(model.proto, tensors);
  const outputNames = [...new Set(Object.values(cal.outputs))];
  const calibrator = createCalibrator(o.calibrationMethod, o.percentile);
  // Channel equalization: only tensors read straight from the main graph (a Loop's scan output adds an axis).
  const eqTargets = o.equalizeChannels ? equalizationTensors(model.proto, o) : new Map<string, number>();
  for (const t of eqTargets.keys()) if (cal.outputs[t] !== t && !cal.fromInputs.includes(t)) eqTargets.delete(t);
  const equalizer = new ChannelEqualizer(createCalibrator(o.calibrationMethod, o.percentile));
  // Nothing to observe in the model (no quantizable node, or only graph inputs): no session, which would have no outputs.
  const session: CalibrationSession =
    outputNames.length > 0 ? await runner(writeOnnx(cal.model), outputNames, model.external) : { run: async () => ({}) };
  const total = Array.isArray(batches) ? batches.length : 0;
  let count = 0;
  try {
    for await (const batch of batches as AsyncIterable<CalibrationBatch>) {
      await checkpoint(total ? count / total : 0, `calibrating: batch ${count + 1}${total ? ` of ${total}` : ''}`);
      const feeds = normalizeFeeds(model.proto, batch);
      const result = await session.run(feeds);
      for (const [t, out] of Object.entries(cal.outputs)) {
        const v = result[out];
        if (!v) throw new ParetoError('bad-input', `The runtime did not return output "${out}" (tensor "${t}").`);
        const withDims = 'dims' in v && 'data' in v;
        calibrator.collect(t, withDims ? v.data : v);
        const channels = eqTargets.get(t);
        if (channels) equalizer.collect(t, withDims ? v.data : v, withDims ? v.dims : undefined, channels);
      }
      for (const t of cal.fromInputs) {
        calibrator.collect(t, feeds[t].data as ArrayLike<number>);
        const channels = eqTargets.get(t);
        if (channels) equalizer.collect(t, feeds[t].data as ArrayLike<number>, feeds[t].dims, channels);
      }
      count++;
    }
  } finally {
    await session.release?.();
  }
  if (count === 0) throw new ParetoError('bad-input', 'Calibration needs at least one batch of sample inputs.');
  await checkpoint(1, 'calibrated');
  const ranges = calibrator.ranges();
  // Never observed: in a branch no batch took, or empty every time.
  const notExposed = new Set(cal.unavailable);
  const unavailable = [...cal.unavailable, ...tensors.filter((t) => !ranges[t] && !notExposed.has(t))];
  if (!o.equalizeChannels) return { ranges, tensors, unavailable, batches: count };
  const equalized = equalizer.result();
  const notEqualized = [...equalizationTensors(model.proto, o).keys()].filter((t) => !equalized[t]);
  return { ranges, tensors, unavailable, batches: count, equalized, notEqualized };
}

/** Feeds for the model's inputs from a batch: dims from the declared shape (one unknown dim is inferred), types from the model. */
export function normalizeFeeds(model: ModelProto, batch: CalibrationBatch): Record<string, FeedTensor> {
  const g = model.graph!;
  const inits = new Set(g.initializer.map((t) => t.name));
  const inputs = g.input.filter((i) => !inits.has(i.name));
  const entries: [string, { data: TypedData; dims?: readonly number[]; type?: string }][] = [];
  if (ArrayBuffer.isView(batch)) {
    if (inputs.length !== 1) {
      throw new ParetoError('bad-input', `The model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}): give each batch as {name: data}.`);
    }
    entries.push([inputs[0].name, { data: batch }]);
  } else {
    for (const [k, v] of Object.entries(batch)) entries.push([k, ArrayBuffer.isView(v) ? { data: v as TypedData } : v]);
  }
  const feeds: Record<string, FeedTensor> = dict();
  for (const i of inputs) {
    const e = entries.find(([k]) => k === i.name);
    if (!e) throw new ParetoError('bad-input', `Calibration batch has no value for input "${i.name}".`);
    const [, v] = e;
    const tt = i.type?.value.case === 'tensorType' ? i.type.value.value : undefined;
    const type = v.type ?? dtypeName(tt?.elemType ?? DataType.FLOAT);
    let dims = v.dims ? [...v.dims] : undefined;
    if (!dims) {
      const shape = tt?.shape?.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : null));
      if (!shape) dims = [v.data.length];
      else {
        const unknown = shape.filter((d) => d === null).length;
        const known = shape.reduce<number>((p, d) => p * (d ?? 1), 1);
        if (unknown > 1) {
          throw new ParetoError('bad-input', `Input "${i.name}" has ${unknown} unknown dimensions: give its batches as {data, dims}.`);
        }
        if (v.data.length % known !== 0 || (unknown === 0 && v.data.length !== known)) {
          throw new ParetoError('bad-input', `Input "${i.name}" expects shape [${shape.map((d) => d ?? '?').join(', ')}]; a batch has ${v.data.length} values.`);
        }
        dims = shape.map((d) => d ?? v.data.length / known);
      }
    }
    feeds[i.name] = { type, data: v.data, dims };
  }
  return feeds;
}
