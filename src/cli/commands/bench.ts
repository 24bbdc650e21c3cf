/**
 * `pareto bench <model>`: the studio's benchmark harness (src/core/bench/harness.ts, accuracy.ts, datasets.ts) on
 * onnxruntime-node, or onnxruntime-web's WASM backend under Node (`--backend wasm`). Prints cold start, latency per
 * batch size, memory, accuracy (with labels) or fidelity (with `--reference`), and the environment. The JSON keys
 * are documented in docs/cli.md.
 */
import { formatBytes } from '../../core/units';
import type { CliCommand, CommandIO } from '../command';
import { CliError, UsageError } from '../errors';

const DEFAULT_WARMUP = 5;
const DEFAULT_BUDGET_S = 10;
const EVAL_BATCH = 64;
const TASKS = ['classification', 'binary', 'regression'] as const;

/* ------------------------------------------------------------------ option parsing ------------------------------------------------------------------ */

const last = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v);

function str(value: unknown, flag: string): string | undefined {
  const v = last(value);
  if (v === undefined) return undefined;
  if (v === true || v === false || v === '') throw new UsageError(`${flag} needs a value.`);
  return String(v);
}

function wholeNumber(value: unknown, flag: string, min: number): number | undefined {
  const s = str(value, flag);
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s.trim()) || Number(s) < min) throw new UsageError(`${flag} takes a whole number >= ${min}, not "${s}".`);
  return Number(s);
}

/** `--batch 1,8,32` (or repeated) → [1, 8, 32]. */
export function parseBatchList(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => {
    if (v === true || v === '') throw new UsageError('--batch needs a value, e.g. --batch 1,8,32.');
    return String(v).split(',');
  });
  const out = items.map((s) => {
    const t = s.trim();
    if (!/^\d+$/.test(t) || Number(t) < 1) throw new UsageError(`--batch takes whole numbers >= 1 separated by commas (e.g. 1,8,32), not "${String(last(value))}".`);
    return Number(t);
  });
  return [...new Set(out)];
}

export interface BenchArgs {
  model: string;
  data?: string;
  labels?: string;
  labelColumn?: string;
  reference?: string;
  task?: (typeof TASKS)[number];
  runs?: number;
  warmup: number;
  batch?: number[];
  backend: 'node' | 'wasm';
  threads: number;
  timeBudgetS?: number;
  json: boolean;
}

export function parseBenchArgs(model: string, options: Record<string, unknown>): BenchArgs {
  const backend = str(options.backend, '--backend') ?? 'node';
  if (backend !== 'node' && backend !== 'wasm') throw new UsageError(`--backend takes node or wasm, not "${backend}".`);
  const task = str(options.task, '--task');
  if (task !== undefined && !(TASKS as readonly string[]).includes(task)) throw new UsageError(`--task takes ${TASKS.join(', ')}, not "${task}".`);
  const budget = str(options.timeBudget, '--time-budget');
  let timeBudgetS: number | undefined;
  if (budget !== undefined) {
    timeBudgetS = Number(budget);
    if (!Number.isFinite(timeBudgetS) || timeBudgetS <= 0) throw new UsageError(`--time-budget takes seconds > 0, not "${budget}".`);
  }
  const args: BenchArgs = {
    model,
    data: str(options.data, '--data'),
    labels: str(options.labels, '--labels'),
    labelColumn: str(options.labelColumn, '--label-column'),
    reference: str(options.reference, '--reference'),
    task: task as BenchArgs['task'],
    runs: wholeNumber(options.runs, '--runs', 1),
    warmup: wholeNumber(options.warmup, '--warmup', 0) ?? DEFAULT_WARMUP,
    batch: parseBatchList(options.batch),
    backend,
    threads: wholeNumber(options.threads, '--threads', 1) ?? 1,
    timeBudgetS,
    json: Boolean(options.json),
  };
  if (args.labels && !args.data) throw new UsageError('--labels needs --data (the inputs the labels belong to).');
  if (args.labelColumn && args.data && !/\.csv$/i.test(args.data)) throw new UsageError('--label-column applies to CSV data (--data file.csv).');
  return args;
}

/* ------------------------------------------------------------------ the run ------------------------------------------------------------------ */

export const bench: CliCommand = {
  signature: 'bench <model>',
  description: 'Benchmark an ONNX model: cold start, latency percentiles per batch size, memory, accuracy or fidelity',
  options: [
    { flags: '--data <file>', description: 'Inputs: .npy, .npz (inputs and labels) or .csv (default: the samples test split for the sample models, else synthetic)' },
    { flags: '--labels <labels.npy>', description: 'Labels for --data (.npy), one per item: accuracy with 95% intervals' },
    { flags: '--label-column <name>', description: 'CSV: the column holding the labels (the others are features)' },
    { flags: '--reference <original.onnx>', description: 'Without labels: fidelity to this model (top-1 agreement, cosine, SNR)' },
    { flags: '--task <task>', description: 'classification | binary | regression (default: detected from the labels and the output)' },
    { flags: '--runs <n>', description: 'Measured runs per batch size (default: adaptive, until the median is known to ±2% at 95%)' },
    { flags: '--warmup <n>', description: `Unmeasured warm-up runs per batch size (default: ${DEFAULT_WARMUP})` },
    { flags: '--batch <n[,n...]>', description: 'Batch sizes, e.g. 1,8,32 (default: 1, or the model\'s fixed batch)' },
    { flags: '--backend <backend>', description: 'node (onnxruntime-node, CPU) | wasm (onnxruntime-web WASM, as in the browser) (default: node)' },
    { flags: '--threads <n>', description: 'Intra-op threads (default: 1)' },
    { flags: '--time-budget <seconds>', description: `Time limit per batch size, warm-up included (default: ${DEFAULT_BUDGET_S} when adaptive, none with --runs)` },
    { flags: '--json', description: 'Print the result as JSON (keys documented in docs/cli.md)' },
  ],
  examples: [
    'pareto bench public/samples/mnist-cnn.onnx',
    'pareto bench model.onnx --data x.npy --labels y.npy --batch 1,8,32',
    'pareto bench model.int8.onnx --data x.npy --reference model.onnx --backend wasm --json > bench.json',
  ],
  async run([model], options, io) {
    const args = parseBenchArgs(model, options);
    const result = await runBench(args, io);
    if (args.json) io.out(JSON.stringify(result, null, 2) + '\n');
    else io.out(renderBench(result, io.color));
  },
};

export interface BenchJson {
  resultVersion: 1;
  command: 'bench';
  model: { file: string; path: string; bytes: number; externalDataBytes: number; inputs: unknown[]; outputs: unknown[] };
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

async function runBench(args: BenchArgs, io: CommandIO): Promise<BenchJson> {
  const [{ readFileSync, existsSync }, { resolve, dirname, basename, extname }, os] = await Promise.all([import('node:fs'), import('node:path'), import('node:os')]);
  const { openModelPath, readFileOrFail } = await import('../load');
  const { isParetoError } = await import('../../core/errors');
  const harness = await import('../../core/bench/harness');
  const accuracy = await import('../../core/bench/accuracy');
  const ds = await import('../../core/bench/datasets');

  // 1. The model (and its signatures).
  const opened = openModelPath(args.model, io.cwd);
  const summary = opened.summary;
  const modelPath = resolve(io.cwd, args.model);
  const modelBytes = await selfContainedBytes(opened, readFileOrFail(args.model, 'model'));
  const notes: string[] = [];

  // 2. The data, checked against the model before anything runs.
  const fileOf = (p: string) => ({ bytes: readFileOrFail(resolve(io.cwd, p), 'data file'), fileName: basename(p) });
  const withContext = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (isParetoError(e) && e.code === 'bad-input') throw new CliError(`${what}: ${e.message}`);
      throw e;
    }
  };
  const task = args.task;
  let dataset: import('../../core/bench/datasets').Dataset | undefined;
  let dataSource: BenchJson['data']['source'] = 'synthetic';
  let inputsFile: string | null = null;
  let labelsFile: string | null = args.labels ?? null;
  if (args.data) {
    const ext = extname(args.data).toLowerCase();
    const data = fileOf(args.data);
    const labels = args.labels ? fileOf(args.labels) : undefined;
    inputsFile = args.data;
    dataSource = 'file';
    dataset = withContext('the data does not fit the model', () => {
      if (ext === '.csv') {
        if (labels) throw new CliError('--labels is for .npy/.npz data; a CSV names its label column with --label-column.');
        return ds.datasetFromCsv(summary, new TextDecoder('utf-8').decode(data.bytes), { fileName: data.fileName, labelColumn: args.labelColumn, task });
      }
      if (ext === '.npz') return ds.datasetFromNpz(summary, data, { labels, task });
      if (ext === '.npy') return ds.datasetFromNpy(summary, data, labels, { task });
      throw new CliError(`--data "${args.data}": use a .npy, .npz or .csv file (images are read by the app, not the CLI).`);
    });
    if (args.labelColumn && !dataset.labels) notes.push('--label-column found no labels.');
  } else {
    // The sample models: their test split, when the manifest next to the model lists it.
    const manifestPath = resolve(dirname(modelPath), 'manifest.json');
    if (existsSync(manifestPath)) {
      try {
        const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
        const files = ds.sampleDatasetFiles(manifest, { file: basename(modelPath) });
        if (files && existsSync(resolve(dirname(modelPath), files.x)) && existsSync(resolve(dirname(modelPath), files.y))) {
          const x = { bytes: readFileSync(resolve(dirname(modelPath), files.x)), fileName: files.x };
          const y = { bytes: readFileSync(resolve(dirname(modelPath), files.y)), fileName: files.y };
          dataset = withContext('the samples test split does not fit the model', () => ds.datasetFromNpy(summary, x, y, { task }));
          dataSource = 'samples';
          inputsFile = resolve(dirname(modelPath), files.x);
          labelsFile = resolve(dirname(modelPath), files.y);
          notes.push(`Data: the samples test split (${files.x}, ${files.y}), from ${basename(manifestPath)} next to the model.`);
        }
      } catch (e) {
        if (e instanceof CliError) throw e;
        // not a samples manifest: synthetic inputs
      }
    }
  }
  if (!dataset) notes.push('No --data: latency on deterministic synthetic inputs (uniform [0, 1)); no accuracy.');
  if (dataset && !dataset.labels && !args.reference) notes.push('The data has no labels and no --reference was given: no accuracy.');

  // 3. Batch sizes and harness options.
  const { sizes } = withContext('--batch', () => harness.resolveBatchSizes(summary.inputs, args.batch));
  const latencyOptions = {
    batchSizes: sizes,
    warmupRuns: args.warmup,
    runs: args.runs ?? ('adaptive' as const),
    ...(args.timeBudgetS !== undefined ? { timeBudgetMs: args.timeBudgetS * 1000 } : {}),
  };

  // 4. The runtime.
  const runtime =
    args.backend === 'wasm' ? (await import('../../runtimes/ort-web-node')).ortWebNode() : (await import('../../runtimes/ort-node')).ortNode;

  // 5. Reference outputs for fidelity (onnxruntime-node, the original model), before measuring.
  let reference: import('../../core/bench/accuracy').ReferenceOutputs | undefined;
  if (args.reference && dataset && !dataset.labels) {
    const refOpened = openModelPath(args.reference, io.cwd);
    const refBytes = await selfContainedBytes(refOpened, readFileOrFail(args.reference, 'reference model'));
    const { ortNode } = await import('../../runtimes/ort-node');
    const refSession = await ortNode.createSession(refBytes, { threads: args.threads });
    try {
      reference = await accuracy.collectOutputs(refSession, dataset, { model: refOpened.summary, batchSize: EVAL_BATCH });
    } finally {
      await refSession.release();
    }
  } else if (args.reference && !dataset) {
    throw new CliError('--reference compares outputs on your data: give --data too.');
  } else if (args.reference && dataset?.labels) {
    notes.push('--reference ignored: the data has labels, so accuracy is measured against them.');
  }

  // 6. Benchmark (+ accuracy with the same session).
  const makeFeeds = dataset ? harness.feedsFromTensors(dataset.inputs) : harness.syntheticFeedsMaker(summary.inputs);
  const progress = makeProgressLine('bench');
  let result;
  try {
    result = await harness.benchmarkModel(
      runtime,
      modelBytes,
      {
        ...latencyOptions,
        inputs: summary.inputs,
        makeFeeds,
        threads: args.threads,
        memory: () => {
          const m = process.memoryUsage();
          return { jsHeapBytes: m.heapUsed, rssBytes: m.rss };
        },
        after: async (session) => {
          if (!dataset || (!dataset.labels && !reference)) return null;
          return accuracy.evaluateAccuracy(session, dataset, { model: summary, batchSize: EVAL_BATCH, task, reference }, { onProgress: (p) => progress.update(p.fraction, p.stage) });
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
  if (args.backend === 'wasm' && threads !== args.threads) notes.push(`onnxruntime-web runs with ${threads} thread(s), not the ${args.threads} asked for.`);

  const acc = result.after;
  return {
    resultVersion: 1,
    command: 'bench',
    model: { file: basename(args.model), path: args.model, bytes: summary.fileBytes, externalDataBytes: summary.externalDataBytes, inputs: summary.inputs, outputs: summary.outputs },
    environment: {
      runtime: info.id,
      runtimeVersion: info.version,
      backend: info.backend,
      threads,
      requestedThreads: args.threads,
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cores: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model?.trim() ?? '',
      memoryBytes: os.totalmem(),
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
      items: dataset?.count ?? null,
      task: acc?.kind ?? dataset?.task ?? null,
      notes: dataset?.notes ?? [],
    },
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

/** The model as one buffer: weights kept in external data files are moved inside (runtimes take bytes). */
async function selfContainedBytes(opened: import('../../core/formats/open').OpenedModel, fileBytes: Uint8Array): Promise<Uint8Array> {
  if (opened.summary.externalDataBytes === 0) return fileBytes;
  const [{ graphsOf }, { inlineExternalTensor, isExternal }, { writeOnnx }] = await Promise.all([
    import('../../core/formats/onnx/walk'),
    import('../../core/formats/onnx/tensor'),
    import('../../core/formats/onnx/write'),
  ]);
  for (const { graph } of graphsOf(opened.model.proto)) {
    for (const t of graph.initializer) if (isExternal(t)) inlineExternalTensor(t, opened.model.external);
    for (const n of graph.node) for (const a of n.attribute) if (a.t && isExternal(a.t)) inlineExternalTensor(a.t, opened.model.external);
  }
  return writeOnnx(opened.model.proto);
}

/** One progress line on stderr, only when it is a terminal. */
function makeProgressLine(label: string) {
  if (!process.stderr.isTTY) return { update: (_f: number, _s: string) => undefined, done: () => undefined };
  let lastAt = 0;
  let shown = false;
  return {
    update(fraction: number, stage: string) {
      const now = performance.now();
      if (now - lastAt < 100 && fraction < 1) return;
      lastAt = now;
      shown = true;
      process.stderr.write(`\r\x1b[K${label} ${String(Math.round(fraction * 100)).padStart(3)}%  ${stage}`.slice(0, Math.max(20, (process.stderr.columns || 80) - 1)));
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

/* ------------------------------------------------------------------ text output ------------------------------------------------------------------ */

/** Milliseconds with 3 significant digits (at least 2 decimals below 10). */
export function formatMs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

const pct = (v: unknown, digits = 2) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '–');
const bytes = (n: number | null) => (n === null ? '–' : formatBytes(n));

export function renderBench(r: BenchJson, color: boolean): string {
  const b = (s: string) => (color ? `\x1b[1m${s}\x1b[22m` : s);
  const d = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
  const e = r.environment;
  const lines: string[] = [];
  const field = (k: string, v: string) => lines.push(`  ${d(k.padEnd(11))}  ${v}`);
  lines.push(b(`pareto bench ${r.model.file}`));
  field('runtime', `${e.runtime} ${e.runtimeVersion} (${e.backend}), ${e.threads} thread${e.threads === 1 ? '' : 's'}`);
  field('machine', `${e.platform} ${e.arch}, ${e.cores} cores${e.cpuModel ? ` (${e.cpuModel})` : ''}, Node ${e.node}`);
  const data =
    r.data.source === 'synthetic'
      ? 'synthetic inputs (no --data)'
      : `${r.data.inputs ? r.data.inputs.split(/[\\/]/).pop() : ''}${r.data.labels && r.data.labels !== r.data.inputs ? ` + ${r.data.labels.split(/[\\/]/).pop()}` : ''}: ${r.data.items} items${r.data.task ? `, ${r.data.task}` : ''}${r.data.source === 'samples' ? ' (samples test split)' : ''}`;
  field('data', data);
  lines.push('');
  lines.push(b('Cold start'));
  field('session', `${formatMs(r.coldStart.createSessionMs)} ms`);
  field('first run', `${formatMs(r.coldStart.firstRunMs)} ms (batch ${r.coldStart.firstRunBatch})`);
  lines.push('');
  const s = r.settings;
  const how =
    s.mode === 'adaptive'
      ? `adaptive: until the median is known to ±${((s.targetRelativeHalfWidth ?? 0) * 100).toFixed(0)}% at ${(s.confidence * 100).toFixed(0)}%, ≤ ${s.timeBudgetSeconds} s per batch size`
      : `${s.runs} runs per batch size${s.timeBudgetSeconds !== null ? `, ≤ ${s.timeBudgetSeconds} s` : ''}`;
  lines.push(`${b('Latency')} ${d(`(ms; ${how}; ${s.warmupRuns} warm-up runs excluded)`)}`);
  const head = ['batch', 'runs', 'p50', '±CI', 'p90', 'p99', 'mean', 'std', 'items/s', 'stopped by'];
  const rows = r.latency.map((l) => [
    String(l.batch),
    String(l.runs),
    formatMs(l.p50Ms),
    l.relativeHalfWidth === null ? '–' : `±${(l.relativeHalfWidth * 100).toFixed(1)}%`,
    formatMs(l.p90Ms),
    formatMs(l.p99Ms),
    formatMs(l.meanMs),
    formatMs(l.stdMs),
    l.itemsPerSecond >= 100 ? Math.round(l.itemsPerSecond).toLocaleString('en-US') : l.itemsPerSecond.toFixed(1),
    l.stoppedBy,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padStart(w[i]))).join('  ')}`.trimEnd();
  lines.push(d(line(head)));
  for (const row of rows) lines.push(line(row));
  lines.push('');
  lines.push(b('Memory'));
  field('model', formatBytes(r.memory.modelBytes));
  field(
    'session',
    r.memory.sessionBytes === null ? '–' : `${formatBytes(r.memory.sessionBytes)}${r.memory.sessionBytesMethod === 'rss-delta' ? ' (RSS growth across session creation)' : ''}`,
  );
  field('JS heap', bytes(r.memory.jsHeapUsedBytes));
  field('RSS', bytes(r.memory.rssBytes));
  const a = r.accuracy as Record<string, any> | null;
  if (a) {
    lines.push('');
    lines.push(`${b(a.kind === 'fidelity' ? 'Fidelity to --reference' : 'Accuracy')} ${d(`(${a.items} items, output "${a.output}"; 95% intervals)`)}`);
    const ci = (i: any, digits = 2, percent = true) =>
      i ? `${percent ? pct(i.value, digits) : fmtNum(i.value)}  [${percent ? pct(i.lower, digits) : fmtNum(i.lower)}, ${percent ? pct(i.upper, digits) : fmtNum(i.upper)}] ${d(i.method)}` : '–';
    if (a.kind === 'classification') {
      field('top-1', `${ci(a.top1)}  ${d(`${a.top1.correct}/${a.items}`)}`);
      field('top-5', a.top5 ? ci(a.top5) : `– ${d(a.classes <= 5 ? `(${a.classes} classes)` : '(predicted labels)')}`);
    } else if (a.kind === 'binary') {
      field('accuracy', `${ci(a.accuracy)}  ${d(`threshold ${a.threshold}`)}`);
    } else if (a.kind === 'regression') {
      field('MSE', ci(a.mse, 2, false));
      field('MAE', ci(a.mae, 2, false));
      field('RMSE', fmtNum(a.rmse));
    } else {
      field('top-1 agree', a.top1Agreement ? ci(a.top1Agreement) : '–');
      field('cosine', ci(a.cosine, 2, false));
      field('SNR', a.snrDb.value === null ? '∞ (identical outputs)' : `${fmtNum(a.snrDb.value)} dB  [${fmtNum(a.snrDb.lower)}, ${fmtNum(a.snrDb.upper)}] ${d('bootstrap')}`);
      field('rel. L2', fmtNum(a.relativeL2));
    }
    if (a.nonFiniteOutputs > 0) field('non-finite', `${a.nonFiniteOutputs} output values were NaN or infinite`);
  }
  const allNotes = [...r.data.notes, ...r.notes];
  if (allNotes.length) {
    lines.push('');
    lines.push(b('Notes'));
    for (const n of allNotes) lines.push(`  - ${n}`);
  }
  return lines.join('\n') + '\n';
}

function fmtNum(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000 || a < 1e-3) return v.toExponential(3);
  return v.toPrecision(4);
}
