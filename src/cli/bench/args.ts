/** `pareto bench`'s options, checked (usage errors, exit 2) before anything runs. */
import { UsageError } from '../errors';
import { parseInputSpecFlags, stringOption as str, wholeNumberOption as wholeNumber, lastValue as last, type InputSpecFlags } from '../options';

export const DEFAULT_WARMUP = 5;
export const DEFAULT_BUDGET_S = 10;
const TASKS = ['classification', 'binary', 'regression'] as const;

/** `--batch 1,8,32` (or repeated) → [1, 8, 32]. */
function parseBatchList(value: unknown): number[] | undefined {
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
  /** ONNX: 'node' (default) or 'wasm'; a TF.js model.json: 'wasm' (default) or 'cpu'. */
  backend: 'node' | 'wasm' | 'cpu';
  threads: number;
  timeBudgetS?: number;
  /** --shape, --dim, --value. */
  spec: InputSpecFlags;
  json: boolean;
}

export function parseBenchArgs(model: string, options: Record<string, unknown>): BenchArgs {
  const tfjs = /\.json$/i.test(model);
  const backend = str(options.backend, '--backend') ?? (tfjs ? 'wasm' : 'node');
  if (tfjs && backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend for a TF.js model takes wasm or cpu (TF.js's backends under Node), not "${backend}".`);
  if (!tfjs && backend !== 'node' && backend !== 'wasm') throw new UsageError(`--backend takes node or wasm, not "${backend}"${backend === 'cpu' ? ' (cpu is TF.js\'s backend, for a model.json)' : ''}.`);
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
    backend: backend as BenchArgs['backend'],
    threads: wholeNumber(options.threads, '--threads', 1) ?? 1,
    timeBudgetS,
    spec: parseInputSpecFlags(options),
    json: Boolean(options.json),
  };
  if (args.labels && !args.data) throw new UsageError('--labels needs --data (the inputs the labels belong to).');
  if (args.labelColumn && args.data && !/\.csv$/i.test(args.data)) throw new UsageError('--label-column applies to CSV data (--data file.csv).');
  return args;
}

