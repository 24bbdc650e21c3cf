import type { CliCommand } from '../command';
import { parseLayers } from '../options';

const DEFAULT_LAYERS = 20;

export const inspect: CliCommand = {
  signature: 'inspect <model>',
  description: 'Summarise an ONNX model: I/O, parameters, weights, ops, MACs, largest layers',
  options: [
    { flags: '--json', description: 'Print the model summary as JSON (keys documented in docs/cli.md)' },
    { flags: '--layers <n>', description: `Layers to list: a number (largest first) or "all" (graph order) (default: ${DEFAULT_LAYERS})` },
  ],
  examples: ['pareto inspect model.onnx', 'pareto inspect model.onnx --layers all', 'pareto inspect model.onnx --json > summary.json'],
  async run([path], options, io) {
    const layers = parseLayers(options.layers, DEFAULT_LAYERS);
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
