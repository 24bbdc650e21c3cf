import { ParetoError } from '../../errors';
import { isTfjsModel } from '../../formats/tfjs/read';
import { DataLocation, type TensorProto } from '../../formats/onnx/proto';
import { elementCount, isExternal, tensorBytes, type ExternalData } from '../../formats/onnx/tensor';
import type { OnnxModel } from '../../formats/onnx/read';
import { refuseQuantized } from '../quantize/detect';
import { cloneModelSharingBytes } from '../common/clone-sharing-bytes';
import { makeCheckpoint, type TransformContext, type TransformResult } from '../types';
import { applyNM, nmRowCount, nmShape } from './nm';
import { parsePattern, validatePruneOptions, type PruneOptions } from './options';
import { bad, planPrune, type Layer } from './plan';
import { pruneSmallestCapped } from './capped';
import { sparsityNotes } from './layer-notes';
import { describeMethod, measureSize, type SizeFigures } from './sizes';
import { bitsView, CHUNK_ELEMENTS, keyToMagnitude, pruneCount, pruneSmallest } from './threshold';
import { indexConstants } from './weights';

/**
 * Magnitude pruning of a model's weights (see options.ts for the options, plan.ts for which weights and why others
 * stay dense, threshold.ts for the exact selection, nm.ts for N:M and its axis).
 *
 * What is pruned: float32 tensors of rank >= 2 that a node of `opTypes` reads as its weight (MatMul A/B, Gemm A/B,
 * Conv/ConvTranspose W), wherever they live: initializers or Constant nodes, in the main graph or inside If/Loop/Scan
 * subgraphs (names resolve through enclosing graphs). A tensor read by several nodes is pruned once; if any of its
 * readers is skipped it stays dense. Biases only with includeBias. Other dtypes (float16, int8) are reported as
 * skipped. External-data weights come back inline (raw_data) in the output; the input model is left untouched (the
 * output shares the untouched tensors' bytes with it) unless the run owns it (ctx.ownsModel, types.ts): then
 * unstructured pruning writes the zeros into the input's raw_data bytes themselves (no copy) and the output aliases
 * them; external-data and float_data tensors, and N:M patterns, still get copies. Both give bit-identical results.
 *
 * What the report says: per layer and overall the exact zeros before/after and the achieved sparsity, parameter
 * counts, raw and gzip sizes before/after when `compressedSize` asks (exact or estimated, as stated), the global
 * threshold, timings, and a note that dense runtimes do not run zeros faster.
 */

/** Achieved figures for one pruned weight tensor. */
export interface PruneLayerStat {
  /** Initializer name, or the output name of the Constant node holding it. */
  tensor: string;
  where: 'initializer' | 'constant';
  /** "main" or the subgraph path where the tensor is defined. */
  graph: string;
  /** The prunable nodes that read it (several when shared). */
  nodes: string[];
  opTypes: string[];
  shape: number[];
  params: number;
  /** Target sparsity; null when a global threshold decided (scope 'global', no override). */
  target: number | null;
  zerosBefore: number;
  zerosAfter: number;
  /** zerosAfter / params. */
  sparsity: number;
  /** N:M only: the axis the groups run along. */
  axis?: number;
  /** Held at maxLayerSparsity (it would have been pruned further). */
  capped?: true;
}

export interface PruneStats {
  pattern: string;
  scope: string;
  /** Weight elements: in all constant tensors of the model (any dtype), and in the pruned tensors. */
  params: { model: number; pruned: number };
  /** Exact zeros in the pruned tensors. */
  zeros: { before: number; after: number };
  sparsity: {
    /** The asked-for sparsity (1 - N/M for N:M). */
    target: number;
    /** zeros.after / params.pruned. */
    achieved: number;
    /** zeros.after / params.model (zeros outside the pruned tensors not counted). */
    ofAllWeights: number;
  };
  /** Global scope: the exact |w| threshold (weights below it are zero; ties at it pruned in order). */
  threshold?: number;
  layers: PruneLayerStat[];
  size: { before: SizeFigures; after: SizeFigures; compression: string };
  timing: {
    /** Finding the threshold and writing the zeros (copies of the weights included). */
    pruneMs: number;
    /** Measuring sizes (serialising, gzip). */
    sizeMs: number;
    /** Bytes of float32 weights pruned / pruneMs. */
    mbPerSecond: number;
  };
}

/** A float32 tensor's data as little-endian bytes (a view of raw_data or external data; packed from float_data). */
function sourceBytes(t: TensorProto, external: ExternalData, n: number): Uint8Array {
  const src = tensorBytes(t, external);
  if (src.length < n * 4) {
    throw new ParetoError('invalid-model', `Tensor "${t.name}" has ${src.length} bytes of data for ${n} float32 values.`);
  }
  return src.length === n * 4 ? src : src.subarray(0, n * 4);
}

/** Puts new float32 data into a tensor of the output model as raw_data (external and typed fields dropped).
 * Returns whether the data was in an external file. */
function setData(t: TensorProto, bits: Uint32Array): boolean {
  t.rawData = new Uint8Array(bits.buffer as ArrayBuffer, bits.byteOffset, bits.byteLength);
  t.floatData = [];
  if (!isExternal(t)) return false;
  t.dataLocation = DataLocation.DEFAULT;
  t.externalData = [];
  return true;
}

/**
 * ownsModel: a tensor whose float32 data can be pruned in its own bytes: inline raw_data at any alignment (unaligned
 * bytes go through an aligned one-chunk scratch, threshold.ts); not external data, not float_data (those are copied).
 */
const prunableInPlace = (t: TensorProto, n: number): boolean => !isExternal(t) && t.rawData.length >= n * 4;

export async function applyPrune(model: OnnxModel, optionsIn: PruneOptions, ctx: TransformContext = {}): Promise<TransformResult> {
  const options = validatePruneOptions(optionsIn);
  const nm = parsePattern(options.pattern);
  const check = makeCheckpoint(ctx);
  refuseQuantized(model.proto, 'its weights are already integers, and pruning needs the float32 weights (prune first, then quantize)');
  await check(0, 'finding weights');

  const out = cloneModelSharingBytes(model.proto);
  const index = indexConstants(out);
  const missing = Object.keys(options.overrides).filter((name) => !index.nodeNames.has(name));
  if (missing.length > 0) {
    const some = [...index.nodeNames].slice(0, 8);
    bad(
      `Overrides name ${missing.length === 1 ? 'a node' : 'nodes'} the model does not have: ${missing.map((m) => `"${m}"`).join(', ')}. ` +
        `Nodes are named as in the model${some.length ? `, e.g. ${some.map((s) => `"${s}"`).join(', ')}` : ''}.`,
      missing,
    );
  }
  const { layers, skipped, notes } = planPrune(index, options, nm);

  // Sizes before (on the input model).
  const sizeStart = performance.now();
  await check(0.02, 'measuring size');
  const before = measureSize(model.proto, model.external, options.compressedSize);
  const method = before.method;
  const bytesBefore = before.bytes;
  let sizeMs = performance.now() - sizeStart;

  // Prune.
  const pruneStart = performance.now();
  const totalElements = layers.reduce((s, l) => s + l.n, 0);
  const work = Math.max(1, totalElements);
  /** Elements of the layers finished so far. */
  let done = 0;
  let stage = 'pruning';
  /** Progress within the current group of `size` elements. */
  const tickFor = (size: number) => (fraction: number) => check(0.05 + (0.85 * (done + fraction * size)) / work, stage);
  const results = new Map<Layer, { zerosBefore: number; zerosAfter: number }>();
  let threshold: number | undefined;
  let inlined = 0;
  const cap = options.maxLayerSparsity;
  /** Layers held at maxLayerSparsity. */
  const cappedLayers = new Set<Layer>();
  /** Weights short of the target because every layer ended at its cap. */
  let capShortBy = 0;
  const finish = (l: Layer, bits: Uint32Array, zerosBefore: number, zerosAfter: number, changed: boolean) => {
    if (changed && setData(l.entry.tensor, bits)) inlined++;
    results.set(l, { zerosBefore, zerosAfter });
  };

  if (nm) {
    const scratch: { buf?: Uint32Array } = {};
    for (const l of layers) {
      stage = `pruning ${l.entry.name} (${options.pattern})`;
      await check(0.05 + 0.85 * (done / work), stage);
      const src = sourceBytes(l.entry.tensor, model.external, l.n);
      const dst = new Uint32Array(l.n);
      const s = nmShape(l.dims, l.axis!);
      const rows = nmRowCount(s, nm.m);
      const per = nm.m * s.inner;
      const rowsPerChunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / per));
      let zb = 0;
      let za = 0;
      for (let r = 0; r < rows; r += rowsPerChunk) {
        const e = Math.min(rows, r + rowsPerChunk);
        const c = applyNM(bitsView(src, r * per, e * per, scratch), r * per, dst, s, nm.n, nm.m, r, e);
        zb += c.zerosBefore;
        za += c.zerosAfter;
        await tickFor(l.n)(e / rows);
      }
      done += l.n;
      finish(l, dst, zb, za, true);
    }
  } else {
    const own = layers.filter((l) => l.target !== undefined);
    const shared = layers.filter((l) => l.target === undefined);
    // A layer with its own target (scope 'layer', an override) is held at the cap; the shared group is capped exactly (capped.ts).
    const groups: { layers: Layer[]; target: number }[] = own.map((l) => {
      if (l.target! > cap) cappedLayers.add(l);
      return { layers: [l], target: Math.min(l.target!, cap) };
    });
    if (shared.length > 0) groups.push({ layers: shared, target: shared.length === 1 ? Math.min(options.sparsity, cap) : options.sparsity });
    if (shared.length === 1 && options.sparsity > cap) cappedLayers.add(shared[0]);
    for (const g of groups) {
      stage = g.layers.length === 1 ? `pruning ${g.layers[0].entry.name}` : `pruning ${g.layers.length} weight tensors (global threshold)`;
      await check(0.05 + 0.85 * (done / work), stage);
      const sources = g.layers.map((l) => sourceBytes(l.entry.tensor, model.external, l.n));
      const n = g.layers.reduce((s, l) => s + l.n, 0);
      const isShared = g === groups[groups.length - 1] && shared.length > 0;
      if (isShared && cap < 1 && g.layers.length > 1) {
        const r = await pruneSmallestCapped(sources, g.layers.map((l) => l.n), g.target, cap, tickFor(n));
        done += n;
        if (r.key >= 0) threshold = keyToMagnitude(r.key);
        capShortBy = r.shortBy;
        g.layers.forEach((l, i) => {
          if (r.capped[i]) cappedLayers.add(l);
          const out = r.outputs[i];
          finish(l, out ?? new Uint32Array(0), r.zerosBefore[i], r.zerosAfter[i], out !== undefined && r.zeroed[i] > 0);
        });
        continue;
      }
      const inPlace = g.layers.map((l) => ctx.ownsModel === true && prunableInPlace(l.entry.tensor, l.n));
      const r = await pruneSmallest(sources, pruneCount(g.target, n), { tick: tickFor(n), inPlace });
      done += n;
      if (isShared && r.key >= 0) threshold = keyToMagnitude(r.key);
      g.layers.forEach((l, i) => {
        const out = r.outputs[i];
        finish(l, out ?? new Uint32Array(0), r.zerosBefore[i], r.zerosAfter[i], out !== undefined && r.zeroed[i] > 0);
      });
    }
  }
  const pruneMs = performance.now() - pruneStart;

  // Sizes after.
  await check(0.92, 'measuring size');
  const afterStart = performance.now();
  const after = measureSize(out, model.external, method);
  sizeMs += performance.now() - afterStart;
  await check(1, 'done');

  // Figures.
  let modelParams = 0;
  for (const e of index.tensors) modelParams += elementCount(e.tensor);
  const layerStats: PruneLayerStat[] = layers.map((l) => {
    const r = results.get(l)!;
    return {
      tensor: l.entry.name,
      where: l.entry.where,
      graph: l.entry.graph,
      nodes: [...new Set(l.uses.map((u) => u.nodeName))],
      opTypes: [...new Set(l.uses.map((u) => u.opType))],
      shape: l.dims,
      params: l.n,
      target: nm ? 1 - nm.n / nm.m : (l.target ?? null),
      zerosBefore: r.zerosBefore,
      zerosAfter: r.zerosAfter,
      sparsity: r.zerosAfter / l.n,
      ...(nm ? { axis: l.axis } : {}),
      ...(cappedLayers.has(l) ? { capped: true } : {}),
    };
  });
  const zerosBefore = layerStats.reduce((s, l) => s + l.zerosBefore, 0);
  const zerosAfter = layerStats.reduce((s, l) => s + l.zerosAfter, 0);
  const target = nm ? 1 - nm.n / nm.m : options.sparsity;
  const stats: PruneStats = {
    pattern: options.pattern,
    scope: nm ? 'n/a (N:M)' : options.scope,
    params: { model: modelParams, pruned: totalElements },
    zeros: { before: zerosBefore, after: zerosAfter },
    sparsity: {
      target,
      achieved: totalElements ? zerosAfter / totalElements : 0,
      ofAllWeights: modelParams ? zerosAfter / modelParams : 0,
    },
    ...(threshold !== undefined ? { threshold } : {}),
    layers: layerStats,
    size: { before, after, compression: describeMethod(method, bytesBefore) },
    timing: { pruneMs, sizeMs, mbPerSecond: pruneMs > 0 ? (totalElements * 4) / 1e6 / (pruneMs / 1000) : 0 },
  };

  notes.unshift(
    `Zeros do not make dense runtimes faster: ${isTfjsModel(model.proto) ? 'TF.js (cpu, wasm, WebGL, WebGPU)' : 'ONNX Runtime (CPU, wasm, WebGPU)'} runs pruned weights with the same dense ` +
      'kernels, so latency and memory at run time stay the same. Pruning shrinks the compressed file; measure latency ' +
      'with a benchmark.',
  );
  if (nm) {
    notes.push(
      `${options.pattern} weights are stored densely (with zeros) in ONNX; only runtimes with sparse kernels (e.g. TensorRT on ` +
        'sparse tensor cores) run them faster.',
    );
    if (options.includeBias) notes.push('Biases are not pruned with an N:M pattern (they have no reduction axis).');
  } else if (options.scope === 'global' && layers.some((l) => l.target !== undefined)) {
    notes.push('Nodes with an override were pruned to their own sparsity; the global threshold applies to the other weights.');
  }
  if (layers.length === 0) notes.push('No prunable weights were found: the model is unchanged.');
  notes.push(...sparsityNotes(layerStats, !nm && options.scope === 'global', cap, capShortBy));
  if (inlined > 0) {
    notes.push(
      `${inlined} pruned weight tensor${inlined === 1 ? ' was' : 's were'} kept in external data and ${inlined === 1 ? 'is' : 'are'} ` +
        'now stored inside the .onnx file; the other external tensors still refer to the original data files.',
    );
  }
  if (method !== 'off') notes.push(`Compressed sizes: ${describeMethod(method, bytesBefore)}.`);

  return {
    model: out,
    report: {
      transform: 'prune',
      options: { ...options },
      notes,
      skipped,
      stats: stats as unknown as Record<string, unknown>,
    },
  };
}
