/**
 * A report from `pareto bench --json` results (docs/cli.md), for `pareto report`. Each file is one model on one
 * backend. The first file's model is the original; every other model file is a variant of it (named after its file).
 * Several files of the same model (another backend, another thread count) are more results of that model.
 *
 * The JSON is checked as it is read: a file that is not a bench result gets a message naming the file and the field.
 * Pure: the CLI reads the files and hashes the models; this only maps data.
 */
import type { AccuracyResult } from '../bench/accuracy';
import type { InputSpecJson } from '../bench/input-spec';
import { parseScenario } from '../cost/scenario';
import { buildReport, clip, environmentIndex, quality, specLines, type ReportParts } from './build';
import type { Report, ReportEnvironment, ReportModel, ReportResult, ReportVariant } from './schema';

/** The fields of a `pareto bench --json` result a report reads. */
export interface BenchJsonLike {
  resultVersion: 1;
  command: 'bench';
  model: { file: string; path: string; bytes: number; externalDataBytes: number; inputs: { name: string; dtype: string; shape: (number | string | null)[] | null }[]; outputs: { name: string; dtype: string; shape: (number | string | null)[] | null }[] };
  environment: { runtime: string; runtimeVersion: string; backend: string; threads: number; node: string; platform: string; arch: string; cores: number; cpuModel: string };
  data: { source: string; inputs: string | null; labels: string | null; items: number | null; task: string | null };
  inputSpec: InputSpecJson;
  coldStart: { createSessionMs: number; firstRunMs: number };
  latency: { batch: number; runs: number; p50Ms: number; p90Ms: number; p99Ms: number; minMs: number; maxMs: number; itemsPerSecond: number; medianCI: { lowerMs: number; upperMs: number; level: number } | null }[];
  memory: { modelBytes: number };
  accuracy: Record<string, unknown> | null;
  notes: string[];
}

export class BenchJsonError extends Error {}

const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

/** Checks the shape of one parsed bench result; throws BenchJsonError naming the field. */
export function checkBenchJson(x: unknown, file: string): BenchJsonLike {
  const fail = (what: string): never => {
    throw new BenchJsonError(`${file}: not a \`pareto bench --json\` result: ${what}`);
  };
  if (!isObj(x)) return fail('the file is not a JSON object');
  if (x.command !== 'bench') return fail(x.command === undefined ? 'no "command": "bench"' : `"command" is ${JSON.stringify(x.command)}, not "bench"`);
  if (x.resultVersion !== 1) return fail(`"resultVersion" ${JSON.stringify(x.resultVersion)} is not 1`);
  const need = (o: unknown, path: string, keys: Record<string, 'number' | 'string' | 'object' | 'array'>) => {
    if (!isObj(o)) return fail(`"${path}" is missing`);
    for (const [k, t] of Object.entries(keys)) {
      const val = o[k];
      const ok = t === 'array' ? Array.isArray(val) : t === 'object' ? isObj(val) : typeof val === t && (t !== 'number' || Number.isFinite(val));
      if (!ok) fail(`"${path}.${k}" should be ${t === 'array' ? 'a list' : `a ${t}`}`);
    }
  };
  need(x.model, 'model', { file: 'string', bytes: 'number', externalDataBytes: 'number', inputs: 'array', outputs: 'array' });
  need(x.environment, 'environment', { runtime: 'string', runtimeVersion: 'string', backend: 'string', threads: 'number', node: 'string', platform: 'string', arch: 'string', cores: 'number', cpuModel: 'string' });
  need(x.data, 'data', {});
  need(x.inputSpec, 'inputSpec', { inputs: 'array' });
  need(x.coldStart, 'coldStart', { createSessionMs: 'number', firstRunMs: 'number' });
  need(x.memory, 'memory', { modelBytes: 'number' });
  if (!Array.isArray(x.latency) || x.latency.length === 0) fail('"latency" should list at least one batch size');
  (x.latency as unknown[]).forEach((b, i) => need(b, `latency.${i}`, { batch: 'number', runs: 'number', p50Ms: 'number', p90Ms: 'number', p99Ms: 'number', minMs: 'number', maxMs: 'number', itemsPerSecond: 'number' }));
  if (x.accuracy !== null && !isObj(x.accuracy)) fail('"accuracy" should be an object or null');
  return x as unknown as BenchJsonLike;
}

const hostOf = (e: BenchJsonLike['environment']) => `Node ${e.node} ${e.platform} ${e.arch}`;

/**
 * The report of some bench results (files in the order given) and an optional scenario. `hashes` are the models'
 * SHA-256 by bench file name (null when the model file could not be read again).
 */
export function reportFromBenchJson(
  benches: readonly { file: string; json: BenchJsonLike; sha256: string | null }[],
  scenario: Record<string, unknown> | null,
  opts: { title?: string; createdAt?: string } = {},
): Report {
  const models: ReportModel[] = [];
  const variants: ReportVariant[] = [];
  const environments: ReportEnvironment[] = [];
  const results: ReportResult[] = [];
  const notes: string[] = [];
  const variantByFile = new Map<string, number | null>();
  for (const { json: b, sha256 } of benches) {
    const file = b.model.file;
    if (!variantByFile.has(file)) {
      if (models.length === 0) {
        models.push({
          name: clip(file),
          format: 'onnx',
          bytes: b.model.bytes + b.model.externalDataBytes,
          sha256,
          summary: {
            parameters: null,
            nodes: null,
            opsets: '',
            inputs: b.model.inputs.slice(0, 32).map((t) => clip(`${t.name} ${t.dtype} ${t.shape ? `[${t.shape.map((d) => d ?? '?').join(', ')}]` : '(shape unknown)'}`, 300)),
            outputs: b.model.outputs.slice(0, 32).map((t) => clip(`${t.name} ${t.dtype} ${t.shape ? `[${t.shape.map((d) => d ?? '?').join(', ')}]` : '(shape unknown)'}`, 300)),
          },
        });
        variantByFile.set(file, null);
      } else {
        variants.push({ model: 0, name: clip(file), recipe: `${clip(file, 120)} (a model file given to pareto report; its recipe is not in the bench result)`, bytes: b.model.bytes + b.model.externalDataBytes, gzipBytes: null, sparsity: null, degraded: null, reasons: [], rule: '' });
        variantByFile.set(file, variants.length - 1);
      }
    }
    const variant = variantByFile.get(file) ?? null;
    const e = b.environment;
    const env = environmentIndex(environments, { host: clip(hostOf(e), 300), cores: e.cores, cpu: clip(e.cpuModel) || null, crossOriginIsolated: null, gpu: null, gpuFallback: false });
    const backend = e.runtime === 'onnxruntime-node' ? 'node' : e.backend === 'wasm' || e.runtime.includes('web') ? 'wasm' : clip(e.backend, 40);
    const dataName = b.data.inputs ?? (b.data.source === 'samples' ? 'the sample\'s test split' : b.data.source === 'synthetic' ? 'synthetic inputs' : b.data.source);
    results.push({
      model: 0,
      variant,
      backend,
      threads: Math.max(1, Math.round(e.threads)),
      runtime: clip(`${e.runtime} ${e.runtimeVersion}`, 100),
      environment: env,
      data: { name: clip(String(dataName), 300), items: b.data.items, labelled: b.data.labels !== null },
      inputSpec: specLines(b.inputSpec),
      coldStart: { createSessionMs: b.coldStart.createSessionMs, firstRunMs: b.coldStart.firstRunMs },
      batches: b.latency.slice(0, 32).map((l) => ({
        batch: l.batch,
        runs: l.runs,
        p50Ms: l.p50Ms,
        p90Ms: l.p90Ms,
        p99Ms: l.p99Ms,
        itemsPerSecond: l.itemsPerSecond,
        medianCI: l.medianCI ? { lowerMs: l.medianCI.lowerMs, upperMs: l.medianCI.upperMs, level: l.medianCI.level } : null,
        minMs: l.medianCI ? null : l.minMs,
        maxMs: l.medianCI ? null : l.maxMs,
      })),
      modelBytes: b.memory.modelBytes,
      quality: quality(b.accuracy as AccuracyResult | null, variant === null),
      notes: b.notes.slice(0, 8).map((n) => clip(String(n), 500)),
    });
  }
  if (benches.length > 1) notes.push(`The first file's model (${models[0]?.name ?? ''}) is the original; the other model files are taken as its variants.`);
  let parsedScenario: Record<string, unknown> | null = null;
  if (scenario) {
    const p = parseScenario(scenario);
    if (!p.ok) throw new BenchJsonError(`the scenario is not valid: ${p.errors.slice(0, 3).map((x) => `${x.path || '(scenario)'}: ${x.message}`).join('; ')}`);
    parsedScenario = scenario;
  }
  const parts: ReportParts = {
    source: 'cli',
    title: opts.title ?? `Benchmark of ${models[0]?.name ?? 'a model'}`,
    createdAt: opts.createdAt,
    models,
    variants,
    environments,
    results,
    scenario: parsedScenario,
    chart: { x: 'cost', targetId: null, floorPoints: null },
    notes,
  };
  return buildReport(parts);
}
