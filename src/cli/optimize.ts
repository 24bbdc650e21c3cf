/**
 * What `pareto quantize` and `pareto prune` share: option parsing helpers, checking the output path, reading
 * sample inputs (.npy) against the model's input, running the recipe, writing the result atomically (temp file in
 * the output's directory, renamed at the end, removed on any error or Ctrl-C), and the fidelity check against the
 * original with onnxruntime-node. The JSON object it returns is documented in docs/cli.md.
 */
import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { compareOneAtATime } from '../core/bench/compare';
import type { Fidelity } from '../core/bench/fidelity';
import { syntheticFeeds } from '../core/bench/inputs';
import type { Feeds, HostTensor, InferenceSession } from '../core/bench/session';
import { readNpy } from '../core/data/npy';
import { isParetoError } from '../core/errors';
import type { OpenedModel } from '../core/formats/open';
import type { TensorProto } from '../core/formats/onnx/proto';
import { readOnnx, type OnnxModel } from '../core/formats/onnx/read';
import { inlineExternalTensor, isExternal, normaliseLocation, tensorByteLength, type ExternalData } from '../core/formats/onnx/tensor';
import { graphsOf, nodesOf } from '../core/formats/onnx/walk';
import { partsLength, writeOnnx, writeOnnxParts } from '../core/formats/onnx/write';
import { MAX_PROTOBUF_BYTES } from '../core/formats/limits';
import type { TensorSignature } from '../core/inspect/summary';
import { weightComposition, type WeightComposition } from '../core/inspect/composition';
import { applyRecipe } from '../core/transforms/apply-recipe';
import { recipeName, validateRecipe, type Recipe } from '../core/transforms/recipe';
import type { CalibrationBatch, CalibrationRunner, FeedTensor } from '../core/transforms/quantize/calibrate';
import { describeMethod, EXACT_LIMIT, measureSize, type SizeMethod } from '../core/transforms/prune/sizes';
import type { TransformReport } from '../core/transforms/types';
import { wrapOrtSession } from '../runtimes/ort-common';
import { readFileOrFail } from './load';
import { CliError, UsageError } from './errors';

ort.env.logLevel = 'error';

/* ------------------------------------------------------------------ option parsing ------------------------------------------------------------------ */

/** A repeatable, comma-separable list option (`--exclude a --exclude b,c`) as a flat list. */
export function listOption(value: unknown): string[] {
  if (value === undefined || value === false || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items
    .flatMap((v) => String(v).split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The last value of an option given once or more (cac makes an array of repeated options). */
export function lastValue(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** A string option, or undefined; `--flag` without a value is a usage error. */
export function stringOption(value: unknown, flag: string): string | undefined {
  const v = lastValue(value);
  if (v === undefined) return undefined;
  if (v === true || v === false || v === '') throw new UsageError(`${flag} needs a value.`);
  return String(v);
}

/** A number option, or undefined. */
export function numberOption(value: unknown, flag: string, what = 'a number'): number | undefined {
  const s = stringOption(value, flag);
  if (s === undefined) return undefined;
  const n = Number(s.trim());
  if (s.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} takes ${what}, not "${s}".`);
  return n;
}

/** Core validation errors about options ("sparsity must be in [0, 1)") are usage errors (exit 2). */
export function checkRecipe(recipe: Recipe): Recipe {
  try {
    return validateRecipe(recipe);
  } catch (e) {
    if (isParetoError(e) && e.code === 'bad-input') throw new UsageError(e.message);
    throw e;
  }
}

/* ------------------------------------------------------------------ model names ------------------------------------------------------------------ */

/** Node names and op types of every graph; unnamed nodes are also known by the labels the transforms use. */
export function modelNames(model: OnnxModel): { nodes: Set<string>; opTypes: Set<string>; examples: string[] } {
  const nodes = new Set<string>();
  const opTypes = new Set<string>();
  const examples: string[] = [];
  for (const { node, scope, index } of nodesOf(model.proto)) {
    opTypes.add(node.opType);
    if (node.name) {
      nodes.add(node.name);
      if (examples.length < 6) examples.push(node.name);
    } else {
      nodes.add(`${node.opType}_${index}`); // prune's label
      nodes.add(`${node.opType}#${index}${scope.path === 'main' ? '' : ` in ${scope.path}`}`); // quantize's label
    }
  }
  return { nodes, opTypes, examples };
}

/**
 * Splits `--exclude`/`--skip` values into op types and node names: a value that is an op type of some node in the
 * model excludes by op type, else by node name. A value that names nothing in the model is an error (a typo would
 * otherwise silently change nothing).
 */
export function resolveNamesOrOps(model: OnnxModel, values: readonly string[], flag: string): { nodes: string[]; opTypes: string[] } {
  const names = modelNames(model);
  const nodes: string[] = [];
  const opTypes: string[] = [];
  const unknown: string[] = [];
  for (const v of values) {
    if (names.opTypes.has(v)) opTypes.push(v);
    else if (names.nodes.has(v)) nodes.push(v);
    else unknown.push(v);
  }
  if (unknown.length > 0) {
    const ops = [...names.opTypes].sort().join(', ');
    const eg = names.examples.length ? `; nodes are named e.g. ${names.examples.map((n) => `"${n}"`).join(', ')}` : '';
    throw new CliError(
      `${flag} ${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'names' : 'name'} no node or op type in the model ` +
        `(op types in the model: ${ops || 'none'}${eg}).`,
    );
  }
  return { nodes: [...new Set(nodes)], opTypes: [...new Set(opTypes)] };
}

/* ------------------------------------------------------------------ paths ------------------------------------------------------------------ */

export interface OutputTarget {
  /** Absolute path of the output file. */
  path: string;
  dir: string;
}

/** Checks `-o` before any work: given, not the input, its directory exists, not a directory itself. */
export function checkOutputPath(input: string, output: string | undefined, cwd: string): OutputTarget {
  if (!output) throw new UsageError('give the output file with -o <out.onnx>.');
  const inFull = resolve(cwd, input);
  const outFull = resolve(cwd, output);
  const same = () => {
    if (inFull === outFull) return true;
    try {
      const a = statSync(inFull);
      const b = statSync(outFull);
      return a.ino === b.ino && a.dev === b.dev;
    } catch {
      return false;
    }
  };
  if (same()) throw new CliError(`-o "${output}" is the input model; write the result to another file.`);
  const dir = dirname(outFull);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw new CliError(`cannot write "${output}": the directory "${dir}" does not exist.`);
  }
  if (!dirStat.isDirectory()) throw new CliError(`cannot write "${output}": "${dir}" is not a directory.`);
  if (existsSync(outFull) && statSync(outFull).isDirectory()) throw new CliError(`cannot write "${output}": it is a directory.`);
  return { path: outFull, dir };
}

/**
 * A temp file next to the output, renamed over it at the end. Removed on any error, on Ctrl-C (SIGINT) and SIGTERM,
 * and at process exit if still there: a half-written model never appears under the output name.
 */
export class AtomicOutput {
  readonly tempPath: string;
  private live = false;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.discard();
    process.stderr.write(`\npareto: interrupted (${sig}); no output written.\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  private readonly onExit = () => this.discard();

  constructor(readonly target: OutputTarget) {
    const rand = Math.random().toString(36).slice(2, 8);
    this.tempPath = join(target.dir, `.${basename(target.path)}.${process.pid}.${rand}.tmp`);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    process.on('exit', this.onExit);
  }

  /** Writes the parts to the temp file (created exclusively, flushed to disk). */
  write(parts: readonly Uint8Array[]): void {
    let fd: number;
    try {
      this.live = true;
      fd = openSync(this.tempPath, 'wx');
    } catch (e) {
      this.live = false;
      throw new CliError(`cannot write into "${this.target.dir}": ${(e as Error).message}.`);
    }
    try {
      for (const p of parts) {
        let off = 0;
        while (off < p.length) off += writeSync(fd, p, off, p.length - off);
      }
      fsyncSync(fd);
    } catch (e) {
      throw new CliError(`writing "${this.target.path}" failed: ${(e as Error).message}.`);
    } finally {
      closeSync(fd);
    }
  }

  /** Renames the temp file to the output name. */
  commit(): void {
    try {
      renameSync(this.tempPath, this.target.path);
      this.live = false;
    } catch (e) {
      throw new CliError(`cannot write "${this.target.path}": ${(e as Error).message}.`);
    }
  }

  /** Removes the temp file if it is still there. */
  discard(): void {
    if (!this.live) return;
    this.live = false;
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  }

  /** Stops listening for signals; removes the temp file unless committed. */
  close(): void {
    this.discard();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    process.off('exit', this.onExit);
  }
}

/* ------------------------------------------------------------------ sample inputs ------------------------------------------------------------------ */

export interface SampleInputs {
  /** The file as given. */
  path: string;
  /** Input it feeds. */
  input: string;
  /** [rows, ...] */
  shape: number[];
  data: Float32Array;
  /** Rows per batch the model accepts: its fixed first dimension, else undefined. */
  fixedBatch?: number;
}

const shapeText = (s: readonly (number | string | null)[]) => `[${s.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** The model's data inputs (graph inputs that are not initializers). */
export function dataInputs(opened: OpenedModel): TensorSignature[] {
  return opened.summary.inputs;
}

/**
 * Reads an .npy of sample inputs and checks it against the model's only input before any work: float32, the same
 * rank as the input (the first axis counts the samples), every fixed dimension after the first equal. Errors name
 * the expected and the actual dtype and shape.
 */
export function readSampleInputs(path: string, opened: OpenedModel, what: string, cwd: string): SampleInputs {
  const inputs = dataInputs(opened);
  if (inputs.length !== 1) {
    throw new CliError(
      `${what} (.npy) feeds a model with one input; this model has ${inputs.length} (${inputs.map((i) => i.name).join(', ') || 'none'}).`,
    );
  }
  const sig = inputs[0];
  if (sig.dtype !== 'float32') throw new CliError(`${what} (.npy) needs a float32 model input; input "${sig.name}" is ${sig.dtype}.`);
  const bytes = readFileOrFail(resolve(cwd, path), what);
  let arr;
  try {
    arr = readNpy(bytes);
  } catch (e) {
    if (isParetoError(e)) throw new CliError(`${what} "${path}": ${e.message}`);
    throw e;
  }
  const expected = sig.shape ? shapeText(sig.shape.map((d, i) => (i === 0 && typeof d !== 'number' ? 'N' : typeof d === 'string' ? '?' : d))) : 'any shape';
  const got = `${arr.dtype} (${arr.shape.join(', ')})`;
  const problems: string[] = [];
  if (arr.dtype !== 'float32') problems.push(`the dtype is ${arr.dtype} (convert with x.astype(np.float32))`);
  if (arr.shape.length === 0 || arr.shape[0] === 0) problems.push('it holds no samples');
  let fixedBatch: number | undefined;
  if (sig.shape && arr.shape.length > 0) {
    if (arr.shape.length !== sig.shape.length) {
      problems.push(`the rank is ${arr.shape.length}, not ${sig.shape.length} (the first axis counts the samples)`);
    } else {
      for (let i = 1; i < sig.shape.length; i++) {
        const d = sig.shape[i];
        if (typeof d === 'number' && d > 0 && arr.shape[i] !== d) problems.push(`dimension ${i} is ${arr.shape[i]}, not ${d}`);
      }
      const d0 = sig.shape[0];
      if (typeof d0 === 'number' && d0 > 0) {
        fixedBatch = d0;
        if (arr.shape[0] < d0) problems.push(`the model takes batches of exactly ${d0} and the file has ${arr.shape[0]} samples`);
      }
    }
  }
  if (problems.length > 0) {
    throw new CliError(
      `${what} "${path}" does not match the model's input "${sig.name}": expected float32 ${expected} (N samples), got ${got}; ` +
        `${problems.join('; ')}.`,
    );
  }
  return { path, input: sig.name, shape: arr.shape, data: arr.data as Float32Array, fixedBatch };
}

/** Rows [start, start + count) as a tensor (a view). */
function rowsOf(s: SampleInputs, start: number, count: number): HostTensor {
  const per = s.shape.slice(1).reduce((a, b) => a * b, 1);
  return { dtype: 'float32', dims: [count, ...s.shape.slice(1)], data: s.data.subarray(start * per, (start + count) * per) };
}

/** The first `limit` samples in batches of `batch` rows (the model's fixed batch when it has one; the rest dropped). */
export function sampleBatches(s: SampleInputs, limit: number, batch: number): HostTensor[] {
  const size = s.fixedBatch ?? batch;
  let n = Math.min(limit, s.shape[0]);
  if (s.fixedBatch) n -= n % s.fixedBatch;
  const out: HostTensor[] = [];
  for (let start = 0; start < n; start += size) out.push(rowsOf(s, start, Math.min(size, n - start)));
  return out;
}

/* ------------------------------------------------------------------ runtimes ------------------------------------------------------------------ */

const threads = () => Math.max(1, Math.min(4, availableParallelism()));

async function ortSession(model: string | Uint8Array): Promise<InferenceSession> {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  const s = typeof model === 'string' ? await ort.InferenceSession.create(model, opts) : await ort.InferenceSession.create(model, opts);
  return wrapOrtSession(s, ort.Tensor as never);
}

/** Model bytes with every external tensor moved inside (onnxruntime-node cannot take external data from memory). */
function selfContained(bytes: Uint8Array, external: ExternalData): Uint8Array {
  if (external.size === 0) return bytes;
  const m = readOnnx(bytes, { loadExternal: (loc) => external.get(normaliseLocation(loc)) ?? external.get(loc) });
  const ext = externalTensors(m.proto);
  if (ext.length === 0) return bytes;
  for (const t of ext) inlineExternalTensor(t, external);
  return writeOnnx(m.proto);
}

/** calibrate()'s runner on onnxruntime-node. */
export const ortNodeCalibrationRunner: CalibrationRunner = async (bytes, outputNames, external) => {
  const session = await ortSession(selfContained(bytes, external));
  return {
    async run(feeds: Record<string, FeedTensor>) {
      const host: Feeds = {};
      for (const [k, v] of Object.entries(feeds)) host[k] = { dtype: v.type, dims: v.dims, data: v.data as HostTensor['data'] };
      const r = await session.run(host, outputNames);
      const out: Record<string, ArrayLike<number>> = {};
      for (const [k, v] of Object.entries(r)) out[k] = v.data as ArrayLike<number>;
      return out;
    },
    release: () => session.release(),
  };
};

function externalTensors(proto: OnnxModel['proto']): TensorProto[] {
  const out: TensorProto[] = [];
  for (const { graph } of graphsOf(proto)) {
    for (const t of graph.initializer) if (isExternal(t)) out.push(t);
    for (const n of graph.node) for (const a of n.attribute) if (a.t && isExternal(a.t)) out.push(a.t);
  }
  return out;
}

/* ------------------------------------------------------------------ the run ------------------------------------------------------------------ */

export interface SizeFigures {
  bytes: number;
  /** Absent when not measured. */
  gzipBytes?: number;
}

const sizeFigures = (s: { bytes: number; gzipBytes?: number }): SizeFigures =>
  s.gzipBytes === undefined ? { bytes: s.bytes } : { bytes: s.bytes, gzipBytes: s.gzipBytes };

export interface LayerLine {
  /** Node name(s). */
  name: string;
  opType: string;
  /** Weight tensor. */
  weight: string;
  /** "int8 per-channel", "float16", "unstructured", "2:4"... */
  scheme: string;
  parameters: number;
  bytesBefore: number;
  bytesAfter: number;
  /** Fraction of zeros after pruning; null for quantize. */
  sparsity: number | null;
}

export interface FidelityReport {
  /** Where the inputs came from. */
  inputs: 'calibration' | 'data' | 'synthetic';
  /** The .npy file, or null for synthetic inputs. */
  file: string | null;
  rows: number;
  /** Per output: relativeL2, cosine, snrDb, top1Agreement, maxAbsError, rows (non-finite values as null). */
  outputs: Record<string, Record<keyof Fidelity, number | null>>;
  /** Set when the comparison could not run (the other keys are then empty). */
  error?: string;
}

export interface OptimizeResult {
  resultVersion: 1;
  command: 'quantize' | 'prune';
  input: string;
  output: string;
  recipe: Recipe;
  recipeName: string;
  timing: { totalMs: number; transformMs: number; calibrationMs: number; fidelityMs: number };
  size: {
    before: SizeFigures;
    after: SizeFigures;
    /** before.bytes / after.bytes */
    ratio: number;
    /** before.gzipBytes / after.gzipBytes, null when not measured */
    gzipRatio: number | null;
    gzipMethod: SizeMethod;
    gzipNote: string;
  };
  weights: { before: WeightComposition; after: WeightComposition };
  calibration: { file: string; samples: number; batches: number; batchSize: number; method: string } | null;
  layers: LayerLine[];
  skipped: TransformReport['skipped'];
  notes: string[];
  fidelity: FidelityReport;
  reports: TransformReport[];
}

export interface OptimizeJob {
  command: 'quantize' | 'prune';
  /** The input as given, and its absolute path. */
  input: string;
  inputPath: string;
  output: OutputTarget;
  outputArg: string;
  opened: OpenedModel;
  recipe: Recipe;
  /** Static quantization: sample inputs and how many to use. */
  calibration?: { inputs: SampleInputs; samples: number; batch: number; method: string };
  /** Inputs for the fidelity check (first 64 rows); synthetic when absent. */
  fidelityInputs?: { inputs: SampleInputs; source: 'calibration' | 'data' };
  /** Notes from the command line layer (e.g. options that do not apply). */
  notes?: string[];
  /** Progress lines on stderr (a TTY). */
  progress?: (fraction: number, stage: string) => void;
}

export const FIDELITY_ROWS = 64;
const SYNTHETIC_ROWS = 16;

const finiteOrNull = (f: Fidelity): Record<keyof Fidelity, number | null> => {
  const out = {} as Record<keyof Fidelity, number | null>;
  for (const [k, v] of Object.entries(f)) out[k as keyof Fidelity] = Number.isFinite(v) ? v : null;
  return out;
};

function layerLines(reports: readonly TransformReport[]): LayerLine[] {
  const out: LayerLine[] = [];
  for (const r of reports) {
    if (r.transform === 'quantize') {
      const nodes = (r.stats.nodes ?? []) as { node: string; opType: string; weight: string; scheme: string; weightBytesBefore: number; weightBytesAfter: number }[];
      for (const n of nodes) {
        out.push({
          name: n.node,
          opType: n.opType,
          weight: n.weight,
          scheme: n.scheme,
          parameters: Math.round(n.weightBytesBefore / 4),
          bytesBefore: n.weightBytesBefore,
          bytesAfter: n.weightBytesAfter,
          sparsity: null,
        });
      }
    } else if (r.transform === 'prune') {
      const pattern = String(r.stats.pattern ?? 'unstructured');
      const layers = (r.stats.layers ?? []) as { tensor: string; nodes: string[]; opTypes: string[]; params: number; target: number | null; sparsity: number }[];
      for (const l of layers) {
        out.push({
          name: l.nodes.join(', '),
          opType: l.opTypes.join(', '),
          weight: l.tensor,
          scheme: pattern !== 'unstructured' ? pattern : l.target === null ? 'global threshold' : `own target ${(l.target * 100).toFixed(1)}%`,
          parameters: l.params,
          bytesBefore: l.params * 4,
          bytesAfter: l.params * 4,
          sparsity: l.sparsity,
        });
      }
    }
  }
  return out;
}

/** Feeds for the fidelity check: the first rows of the sample inputs, else deterministic synthetic ones. */
function fidelityFeeds(job: OptimizeJob): { feeds: Feeds[]; report: Omit<FidelityReport, 'outputs'> } {
  if (job.fidelityInputs) {
    const s = job.fidelityInputs.inputs;
    const batches = sampleBatches(s, FIDELITY_ROWS, FIDELITY_ROWS);
    return {
      feeds: batches.map((t) => ({ [s.input]: t })),
      report: { inputs: job.fidelityInputs.source, file: s.path, rows: batches.reduce((a, t) => a + t.dims[0], 0) },
    };
  }
  const inputs = dataInputs(job.opened);
  const first = inputs[0]?.shape?.[0];
  const fixed = typeof first === 'number' && first > 0 ? first : undefined;
  const feeds: Feeds[] = [];
  if (fixed === undefined) feeds.push(syntheticFeeds(inputs, { batch: SYNTHETIC_ROWS, seed: 1234 }));
  else for (let i = 0; i * fixed < SYNTHETIC_ROWS; i++) feeds.push(syntheticFeeds(inputs, { seed: 1234 + i }));
  const rows = feeds.length * (fixed ?? SYNTHETIC_ROWS);
  return { feeds, report: { inputs: 'synthetic', file: null, rows } };
}

async function compareWithOriginal(job: OptimizeJob, candidatePath: string): Promise<FidelityReport> {
  let base: Omit<FidelityReport, 'outputs'> = { inputs: job.fidelityInputs?.source ?? 'synthetic', file: job.fidelityInputs?.inputs.path ?? null, rows: 0 };
  try {
    const { feeds, report } = fidelityFeeds(job);
    base = report;
    // One model in onnxruntime at a time (each session holds a copy of its weights).
    const per = await compareOneAtATime(() => ortSession(job.inputPath), () => ortSession(candidatePath), feeds);
    const outputs: FidelityReport['outputs'] = {};
    for (const [k, f] of Object.entries(per)) outputs[k] = finiteOrNull(f);
    return { ...base, outputs };
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    return { ...base, outputs: {}, error: msg };
  }
}

/** Runs the recipe, writes the output atomically, measures sizes and fidelity. */
export async function runOptimize(job: OptimizeJob): Promise<OptimizeResult> {
  const t0 = performance.now();
  const model = job.opened.model;
  const progress = job.progress ?? (() => undefined);
  const out = new AtomicOutput(job.output);
  try {
    progress(0, 'measuring the input');
    // gzip exactly up to the core's limit, else estimated from samples; the same method before and after.
    const rawBefore = measureSize(model.proto, model.external, 'off').bytes;
    const method: SizeMethod = rawBefore <= EXACT_LIMIT ? 'exact' : 'estimate';
    const before = sizeFigures(measureSize(model.proto, model.external, method));
    const compositionBefore = weightComposition(model.proto, model.external);

    // Calibration batches (counted as they are used).
    let calibrationMs = 0;
    let calibration: OptimizeResult['calibration'] = null;
    const deps: Parameters<typeof applyRecipe>[3] = {};
    if (job.calibration) {
      const c = job.calibration;
      const batches = sampleBatches(c.inputs, c.samples, c.batch);
      const samples = batches.reduce((a, t) => a + t.dims[0], 0);
      calibration = { file: c.inputs.path, samples, batches: batches.length, batchSize: c.inputs.fixedBatch ?? c.batch, method: c.method };
      deps.calibrationRunner = async (bytes, names, external) => {
        const tc = performance.now();
        try {
          return await ortNodeCalibrationRunner(bytes, names, external);
        } finally {
          calibrationMs += performance.now() - tc;
        }
      };
      deps.calibrationBatches = async function* (): AsyncGenerator<CalibrationBatch> {
        for (const t of batches) {
          const tc = performance.now();
          yield { [c.inputs.input]: { data: t.data as Float32Array, dims: t.dims } };
          calibrationMs += performance.now() - tc; // the consumer's run happens while we are suspended
        }
      };
    }

    const tt = performance.now();
    // The model was read from the file for this run only (fidelity reads the original from the file again), so prune
    // writes into its bytes instead of copying every weight (ownsModel).
    const result = await applyRecipe(model, job.recipe, { onProgress: (p) => progress(p.fraction * 0.9, p.stage), ownsModel: true }, deps);
    const transformMs = performance.now() - tt - calibrationMs;

    // Weights left in external data files are moved inside the output, so it stands alone wherever it is written.
    let parts = result.parts;
    const ext = externalTensors(result.model);
    const notes = [...(job.notes ?? []), ...result.reports.flatMap((r) => r.notes)];
    if (ext.length > 0) {
      const total = result.bytes + ext.reduce((s, t) => s + tensorByteLength(t), 0);
      if (total > MAX_PROTOBUF_BYTES) {
        throw new CliError(
          `the result would be ${(total / 2 ** 30).toFixed(2)} GiB with its external weights inside, over the 2 GiB limit of one ` +
            '.onnx file; writing external data files is not supported yet.',
        );
      }
      for (const t of ext) inlineExternalTensor(t, model.external);
      parts = writeOnnxParts(result.model);
      notes.push(`${ext.length} weight tensor${ext.length === 1 ? '' : 's'} kept in external data by the input ${ext.length === 1 ? 'is' : 'are'} stored inside the output .onnx.`);
    }

    progress(0.92, 'writing');
    out.write(parts);
    const after = sizeFigures(measureSize(result.model, model.external, method));
    const compositionAfter = weightComposition(result.model, model.external);

    progress(0.95, 'comparing outputs with the original');
    const tf = performance.now();
    const fidelity = await compareWithOriginal(job, out.tempPath);
    const fidelityMs = performance.now() - tf;
    if (fidelity.inputs === 'synthetic') {
      notes.push(
        `Fidelity measured on ${fidelity.rows} synthetic input rows (uniform [0, 1), seeded); give real inputs with ` +
          `${job.command === 'quantize' ? '--calibration or --data' : '--data'} <inputs.npy> for figures that mean more.`,
      );
    }
    out.commit();
    progress(1, 'done');

    const skipped = result.reports.flatMap((r) => r.skipped);
    return {
      resultVersion: 1,
      command: job.command,
      input: job.input,
      output: job.outputArg,
      recipe: validateRecipe(job.recipe),
      recipeName: recipeName(job.recipe),
      timing: { totalMs: performance.now() - t0, transformMs, calibrationMs, fidelityMs },
      size: {
        before,
        after,
        ratio: after.bytes ? before.bytes / after.bytes : 0,
        gzipRatio: before.gzipBytes !== undefined && after.gzipBytes ? before.gzipBytes / after.gzipBytes : null,
        gzipMethod: method,
        gzipNote: describeMethod(method, rawBefore),
      },
      weights: { before: compositionBefore, after: compositionAfter },
      calibration,
      layers: layerLines(result.reports),
      skipped,
      notes,
      fidelity,
      reports: result.reports,
    };
  } catch (e) {
    if (isParetoError(e) && e.code === 'aborted') throw new CliError('cancelled; no output written.');
    throw e;
  } finally {
    out.close();
  }
}

/** Progress on stderr, only when it is a terminal: one line rewritten in place, at most 10 times a second. */
export function makeProgress(label: string): { update: (fraction: number, stage: string) => void; done: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  const width = () => Math.max(20, (process.stderr.columns || 80) - 1);
  return {
    update(fraction, stage) {
      const now = performance.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      shown = true;
      const line = `${label} ${String(Math.round(fraction * 100)).padStart(3)}%  ${stage}`;
      process.stderr.write(`\r\x1b[K${line.slice(0, width())}`);
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
