/**
 * `pareto bench <model>`: the studio's benchmark harness (src/core/bench/harness.ts, accuracy.ts, datasets.ts) on
 * onnxruntime-node, or onnxruntime-web's WASM backend under Node (`--backend wasm`). Prints cold start, latency per
 * batch size, memory, accuracy (with labels) or fidelity (with `--reference`), and the environment. The JSON keys
 * are documented in docs/cli.md.
 */
import type { CliCommand } from '../command';
import { UsageError } from '../errors';
import { stringOption as str, wholeNumberOption as wholeNumber, lastValue as last } from '../options';

export const DEFAULT_WARMUP = 5;
export const DEFAULT_BUDGET_S = 10;
const TASKS = ['classification', 'binary', 'regression'] as const;

/* ------------------------------------------------------------------ option parsing ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ the command ------------------------------------------------------------------ */

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
    const [{ runBench }, { renderBench }] = await Promise.all([import('../bench/run'), import('../bench/render')]);
    const result = await runBench(args, io);
    if (args.json) io.out(JSON.stringify(result, null, 2) + '\n');
    else io.out(renderBench(result, io.color));
  },
};
