/** `pareto bench`: the run (core's harness and accuracy on a Node runtime) and its JSON result (docs/cli.md). */
import { CSV_MAX_CHARS } from '../../core/data/csv';
import { writeOnnx } from '../../core/formats/onnx/write';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import type { ReferenceOutputs } from '../../core/bench/accuracy';
import { collectOutputs, evaluateAccuracy } from '../../core/bench/accuracy';
import { specDataOf, specFeedsMaker, type Dataset } from '../../core/bench/dataset';
import { datasetFromFile, specDataset } from '../../core/bench/dataset-files';
import { benchmarkModel, feedsFromTensors, resolveBatchSizes } from '../../core/bench/harness';
import { inputSpecJson, resolveInputSpec, specSignatures, type InputSpec, type InputSpecJson } from '../../core/bench/input-spec';
import { macsOptionsOf, summarize } from '../../core/inspect/summary';
import { isParetoError } from '../../core/errors';
import { selfContainedBytes } from '../../core/formats/onnx/self-contained';
import { nodeRuntime } from '../../runtimes/node';
import type { CommandIO } from '../command';
import { DEFAULT_BUDGET_S, type BenchArgs } from './args';
import { CliError } from '../errors';
import { openModelPath, readFileOrFail } from '../load';
import { makeProgress } from '../progress';
import { chooseRunData } from '../sample-inputs';

const EVAL_BATCH = 64;

export interface BenchJson {
  resultVersion: 1;
  command: 'bench';
  model: {
    file: string;
    path: string;
    bytes: number;
    externalDataBytes: number;
    inputs: unknown[];
    outputs: unknown[];
    /** MACs at the input spec's shapes (batch dims at 1: per item), as `pareto inspect` counts them at those shapes. */
    macs: { total: number; nodesUnknown: number; at: { name: string; shape: (number | null)[] | null }[] };
  };
  environment: {
    runtime: string;
    runtimeVersion: string;
    backend: string;
    threads: number;
    requestedThreads: number;
    node: string;
    platform: string;
    arch: string;
    cores: number;
    cpuModel: string;
    memoryBytes: number;
    timerResolutionMs: number;
  };
  settings: {
    mode: 'adaptive' | 'fixed';
    runs: number | null;
    warmupRuns: number;
    batchSizes: number[];
    timeBudgetSeconds: number | null;
    targetRelativeHalfWidth: number | null;
    confidence: number;
    percentiles: string;
    medianCI: string;
  };
  data: { source: 'file' | 'samples' | 'synthetic'; inputs: string | null; labels: string | null; items: number | null; task: string | null; notes: string[] };
  /** The input spec the run used: every input's shape, where each dim came from, how its values were made. */
  inputSpec: InputSpecJson;
  coldStart: { createSessionMs: number; firstRunMs: number; firstRunBatch: number };
  latency: {
    batch: number;
    runs: number;
    warmupRuns: number;
    stoppedBy: string;
    p50Ms: number;
    p90Ms: number;
    p99Ms: number;
    meanMs: number;
    stdMs: number | null;
    minMs: number;
    maxMs: number;
    medianCI: { lowerMs: number; upperMs: number; level: number; coverage: number } | null;
    relativeHalfWidth: number | null;
    itemsPerSecond: number;
    measuredMs: number;
    wallMs: number;
  }[];
  memory: { modelBytes: number; sessionBytes: number | null; sessionBytesMethod: string | null; jsHeapUsedBytes: number | null; rssBytes: number | null };
  accuracy: Record<string, unknown> | null;
  notes: string[];
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

export async function runBench(args: BenchArgs, io: CommandIO): Promise<BenchJson> {
  // 1. The model (and its signatures).
  const opened = openModelPath(args.model, io.cwd);
  const summary = opened.summary;
  const modelPath = resolve(io.cwd, args.model);
  // A TF.js model runs from core's serialised model (its topology and weights), not from its model.json alone.
  const tfjs = opened.format === 'tfjs';
  const modelBytes = tfjs ? writeOnnx(opened.model.proto) : selfContainedBytes(opened.model, opened.bytes);
  const notes: string[] = [];

  // 2. The data (the given file, else the sample's test split, else synthetic), checked against the model first.
  // A CSV is refused by size before it is read (the parser's own cap counts characters, after decoding).
  const fileOf = (p: string, what = 'data file') => ({
    bytes: readFileOrFail(resolve(io.cwd, p), /\.csv$/i.test(p) ? 'CSV file' : what, /\.csv$/i.test(p) ? CSV_MAX_CHARS : Infinity),
    fileName: basename(p),
  });
  const withContext = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (isParetoError(e) && e.code === 'bad-input') throw new CliError(`${what}: ${e.message}`);
      throw e;
    }
  };
  const task = args.task;
  const { choice, split } = chooseRunData(modelPath, { inputs: args.data, labels: args.labels });
  let dataset: Dataset | undefined;
  let inputsFile: string | null = null;
  let labelsFile: string | null = args.labels ?? null;
  if (choice.source === 'given') {
    const format = /\.csv$/i.test(choice.inputs) ? 'csv' : /\.npz$/i.test(choice.inputs) ? 'npz' : /\.npy$/i.test(choice.inputs) ? 'npy' : undefined;
    if (!format) throw new CliError(`--data "${choice.inputs}": use a .npy, .npz or .csv file (images are read by the app, not the CLI).`);
    if (format === 'csv' && choice.labels) throw new CliError('--labels is for .npy/.npz data; a CSV names its label column with --label-column.');
    const data = fileOf(choice.inputs);
    const labels = choice.labels ? fileOf(choice.labels) : undefined;
    inputsFile = choice.inputs;
    dataset = withContext('the data does not fit the model', () => datasetFromFile(summary, data, labels, { format, labelColumn: args.labelColumn, task, partialInputs: true }));
    if (args.labelColumn && !dataset.labels) notes.push('--label-column found no labels.');
  } else if (choice.source === 'samples' && split) {
    const x = fileOf(choice.inputs, 'the samples test split');
    const y = fileOf(choice.labels, 'the samples test split');
    dataset = withContext('the samples test split does not fit the model', () => datasetFromFile(summary, x, y, { format: 'npy', task }));
    inputsFile = choice.inputs;
    labelsFile = choice.labels;
    notes.push(`Data: the samples test split (${x.fileName}, ${y.fileName}), from ${basename(split.manifest)} ${dirname(split.manifest) === dirname(modelPath) ? 'next to the model' : "beside the model's folder"}.`);
  }
  const dataSource: BenchJson['data']['source'] = choice.source === 'given' ? 'file' : choice.source;

  // 2b. The input spec: every dim from --shape/--dim, the data, the model or a declared default, or a refusal naming it.
  let spec: InputSpec;
  try {
    spec = resolveInputSpec(summary, { ...args.spec, data: dataset ? specDataOf(dataset) : undefined });
  } catch (e) {
    if (isParetoError(e) && e.code === 'bad-input') throw new CliError(`${e.message} See --shape, --dim and --value in pareto bench --help.`);
    throw e;
  }
  const signatures = specSignatures(spec);
  // Latency feeds the data's items as they are when it feeds every input batch-first; else the spec fills in.
  const allBatchFirst = dataset !== undefined && spec.inputs.every((e) => e.values.kind === 'data' && e.name in dataset!.inputs);
  // Accuracy and --reference run on the data (inputs it leaves out made by the spec), else on the spec's synthetic items.
  const madeBySpec = dataset ? spec.inputs.filter((e) => e.values.kind !== 'data').map((e) => `"${e.name}"`) : [];
  if (dataset && madeBySpec.length > 0 && (dataset.labels || args.reference)) {
    notes.push(`Accuracy and fidelity feed ${madeBySpec.join(', ')} as the input spec makes ${madeBySpec.length > 1 ? 'them' : 'it'} (see inputSpec), the rest from ${inputsFile}.`);
  }
  let evalSet: Dataset | undefined = dataset;
  if (!dataset && args.reference) {
    const made = specDataset(spec, summary.outputs);
    if (typeof made === 'string') throw new CliError(`--reference without --data compares outputs on synthetic inputs, but ${made}; give --data.`);
    evalSet = made;
    notes.push(`No --data: fidelity on ${made.source}, compared with ${basename(args.reference)}'s outputs.`);
  }
  if (!dataset && !args.reference) notes.push('No --data: latency on deterministic synthetic inputs made by the input spec (see inputSpec); no accuracy.');
  if (dataset && !dataset.labels && !args.reference) notes.push('The data has no labels and no --reference was given: no accuracy.');
  // The spec tells the evaluation which inputs the user's data feeds (and makes the others); synthetic items feed all.
  const evalSpec = dataset ? spec : undefined;

  // 3. Batch sizes and harness options.
  const { sizes } = withContext('--batch', () => resolveBatchSizes(signatures, args.batch));
  const latencyOptions = {
    batchSizes: sizes,
    warmupRuns: args.warmup,
    runs: args.runs ?? ('adaptive' as const),
    ...(args.timeBudgetS !== undefined ? { timeBudgetMs: args.timeBudgetS * 1000 } : {}),
  };

  // 4. The runtime.
  const runtime = await nodeRuntime(tfjs ? (args.backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm') : (args.backend as 'node' | 'wasm'));

  // 5. Reference outputs for fidelity (onnxruntime-node, the original model), before measuring.
  let reference: ReferenceOutputs | undefined;
  if (args.reference && evalSet && !evalSet.labels) {
    const refOpened = openModelPath(args.reference, io.cwd);
    const refTfjs = refOpened.format === 'tfjs';
    const refBytes = refTfjs ? writeOnnx(refOpened.model.proto) : selfContainedBytes(refOpened.model, refOpened.bytes);
    const refSession = await (await nodeRuntime(refTfjs ? 'tfjs-wasm' : 'node')).createSession(refBytes, { threads: args.threads });
    try {
      reference = await collectOutputs(refSession, evalSet, { model: refOpened.summary, batchSize: EVAL_BATCH, spec: evalSpec, allOutputs: true });
    } catch (e) {
      if (isParetoError(e) && e.code === 'bad-input') throw new CliError(`the reference ${basename(args.reference)}: ${e.message}`);
      throw e;
    } finally {
      await refSession.release();
    }
  } else if (args.reference && dataset?.labels) {
    notes.push('--reference ignored: the data has labels, so accuracy is measured against them.');
  }

  // 6. Benchmark (+ accuracy with the same session).
  const makeFeeds = dataset && allBatchFirst ? feedsFromTensors(dataset.inputs) : specFeedsMaker(spec, dataset);
  const progress = makeProgress('bench');
  let result;
  try {
    result = await benchmarkModel(
      runtime,
      modelBytes,
      {
        ...latencyOptions,
        inputs: signatures,
        makeFeeds,
        threads: args.threads,
        memory: () => {
          const m = process.memoryUsage();
          return { jsHeapBytes: m.heapUsed, rssBytes: m.rss };
        },
        after: async (session) => {
          if (!evalSet || (!evalSet.labels && !reference)) return null;
          return evaluateAccuracy(session, evalSet, { model: summary, batchSize: EVAL_BATCH, task, reference, spec: evalSpec }, { onProgress: (p) => progress.update(p.fraction, p.stage) });
        },
      },
      { onProgress: (p) => progress.update(p.fraction, p.stage) },
    );
  } catch (e) {
    if (isParetoError(e) && e.code === 'bad-input') throw new CliError(e.message);
    if (e instanceof Error && !isParetoError(e) && !(e instanceof CliError)) throw new CliError(`the runtime failed: ${e.message.split('\n')[0]}`);
    throw e;
  } finally {
    progress.done();
  }
  const info = result.runtime;
  const threads = info.threads ?? args.threads;
  if (tfjs) notes.push(`TF.js ${args.backend === 'cpu' ? 'cpu (plain JavaScript)' : 'wasm'} backend under Node, one thread.`);
  else if (args.backend === 'wasm' && threads !== args.threads) notes.push(`onnxruntime-web runs with ${threads} thread(s), not the ${args.threads} asked for.`);

  const acc = result.after;
  const at = summarize(opened.model, opened.summary.fileName, macsOptionsOf(spec));
  return {
    resultVersion: 1,
    command: 'bench',
    model: {
      file: basename(args.model),
      path: args.model,
      bytes: summary.fileBytes,
      externalDataBytes: summary.externalDataBytes,
      inputs: summary.inputs,
      outputs: summary.outputs,
      macs: { total: at.macs.total, nodesUnknown: at.macs.nodesUnknown, at: at.macsAt },
    },
    environment: {
      runtime: info.id,
      runtimeVersion: info.version,
      backend: info.backend,
      threads,
      requestedThreads: args.threads,
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cores: availableParallelism(),
      cpuModel: cpus()[0]?.model?.trim() ?? '',
      memoryBytes: totalmem(),
      timerResolutionMs: result.latency.timerResolutionMs,
    },
    settings: {
      mode: result.latency.method.mode,
      runs: args.runs ?? null,
      warmupRuns: args.warmup,
      batchSizes: sizes,
      timeBudgetSeconds: args.timeBudgetS ?? (args.runs === undefined ? DEFAULT_BUDGET_S : null),
      targetRelativeHalfWidth: result.latency.method.targetRelativeHalfWidth,
      confidence: result.latency.method.confidence,
      percentiles: result.latency.method.percentiles,
      medianCI: result.latency.method.medianCI,
    },
    data: {
      source: dataSource,
      inputs: inputsFile,
      labels: dataset?.labels ? labelsFile ?? inputsFile : null,
      items: evalSet?.count ?? null,
      task: acc?.kind ?? dataset?.task ?? null,
      notes: dataset?.notes ?? [],
    },
    inputSpec: inputSpecJson(spec),
    coldStart: result.coldStart,
    latency: result.latency.batches.map((b) => ({
      batch: b.batch,
      runs: b.runs,
      warmupRuns: b.warmupRuns,
      stoppedBy: b.stoppedBy,
      p50Ms: b.p50,
      p90Ms: b.p90,
      p99Ms: b.p99,
      meanMs: b.mean,
      stdMs: finite(b.std),
      minMs: b.min,
      maxMs: b.max,
      medianCI: b.medianCI ? { lowerMs: b.medianCI.lower, upperMs: b.medianCI.upper, level: b.medianCI.level, coverage: b.medianCI.coverage } : null,
      relativeHalfWidth: finite(b.relativeHalfWidth),
      itemsPerSecond: b.itemsPerSecond,
      measuredMs: b.measuredMs,
      wallMs: b.wallMs,
    })),
    memory: {
      modelBytes: modelBytes.byteLength,
      sessionBytes: result.memory.sessionBytes,
      sessionBytesMethod: result.memory.sessionBytesMethod,
      jsHeapUsedBytes: result.memory.jsHeapBytes,
      rssBytes: result.memory.rssBytes,
    },
    accuracy: acc ? (JSON.parse(JSON.stringify(acc)) as Record<string, unknown>) : null,
    notes: [...notes, ...result.latency.notes, ...(acc?.notes ?? [])],
  };
}
