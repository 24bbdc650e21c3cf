import type { CliCommand } from '../command';
import { UsageError } from '../errors';

const DEFAULT_LAYERS = 20;

/** `--layers N|all` → a count or 'all'; anything else is a usage error. */
export function parseLayers(value: unknown): number | 'all' {
  if (value === undefined) return DEFAULT_LAYERS;
  const s = String(value).trim().toLowerCase();
  if (s === 'all') return 'all';
  if (/^\d+$/.test(s)) return Number(s);
  throw new UsageError(`--layers takes a number of layers or "all", not "${String(value)}".`);
}

export const inspect: CliCommand = {
  signature: 'inspect <model>',
  description: 'Summarise an ONNX model: I/O, parameters, weights, ops, MACs, largest layers',
  options: [
    { flags: '--json', description: 'Print the model summary as JSON (keys documented in docs/cli.md)' },
    { flags: '--layers <n>', description: `Layers to list: a number (largest first) or "all" (graph order) (default: ${DEFAULT_LAYERS})` },
  ],
  examples: ['pareto inspect model.onnx', 'pareto inspect model.onnx --layers all', 'pareto inspect model.onnx --json > summary.json'],
  async run([path], options, io) {
    const layers = parseLayers(options.layers);
    // Loaded lazily so `pareto --help` does not pay for the protobuf schema.
    const [{ openModelPath }, { renderSummary }, { makeStyle }] = await Promise.all([
      import('../load'),
      import('../render/summary'),
      import('../render/text'),
    ]);
    const { summary } = openModelPath(path, io.cwd);
    if (options.json) io.out(JSON.stringify(summary, null, 2) + '\n');
    else io.out(renderSummary(summary, { layers, style: makeStyle(io.color) }));
  },
};
