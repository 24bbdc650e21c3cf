import type { CliCommand } from '../command';
import { parseInputSpecFlags, parseLayers } from '../options';
import { CliError } from '../errors';

const DEFAULT_LAYERS = 20;

export const inspect: CliCommand = {
  signature: 'inspect <model>',
  description: 'Summarise an ONNX model: I/O, parameters, weights, ops, MACs, largest layers',
  options: [
    { flags: '--json', description: 'Print the model summary as JSON (keys documented in docs/cli.md)' },
    { flags: '--shape <name=1x3x320x320>', description: 'Count MACs at this shape of an input (repeatable)' },
    { flags: '--dim <dimname=320>', description: 'Count MACs with this value of a named symbolic dim, e.g. H=320 (repeatable)' },
    { flags: '--value <name=16000>', description: 'Count MACs with this fixed value of an input, e.g. a sample rate sr=16000 (repeatable)' },
    { flags: '--layers <n>', description: `Layers to list: a number (largest first) or "all" (graph order) (default: ${DEFAULT_LAYERS})` },
  ],
  examples: ['pareto inspect model.onnx', 'pareto inspect model.onnx --layers all', 'pareto inspect detector.onnx --dim H=320 --dim W=320', 'pareto inspect silero_vad.onnx --shape input=1x512 --value sr=16000', 'pareto inspect model.onnx --json > summary.json'],
  async run([path], options, io) {
    const layers = parseLayers(options.layers, DEFAULT_LAYERS);
    const flags = parseInputSpecFlags({ shape: options.shape, dim: options.dim, value: options.value });
    const inputValues: Record<string, number> = {};
    for (const [name, v] of Object.entries(flags.values)) {
      if (typeof v !== 'number') throw new CliError(`--value ${name}=${v}: inspect counts MACs at a fixed value (a number such as sr=16000), not a fill.`);
      inputValues[name] = v;
    }
    // Loaded lazily so `pareto --help` does not pay for the protobuf schema.
    const [{ openModelPath }, { renderSummary }, { makeStyle }, { macsShapes }, { summarize }] = await Promise.all([
      import('../load'),
      import('../render/summary'),
      import('../render/text'),
      import('../../core/bench/input-spec'),
      import('../../core/inspect/summary'),
    ]);
    const opened = openModelPath(path, io.cwd);
    let summary = opened.summary;
    if (Object.keys(flags.shapes).length > 0 || Object.keys(flags.dims).length > 0 || Object.keys(inputValues).length > 0) {
      const names = summary.inputs.map((i) => i.name);
      const unknown = Object.keys(inputValues).filter((k) => !names.includes(k));
      if (unknown.length > 0) throw new CliError(`--value: the model has no input ${unknown.map((k) => `"${k}"`).join(', ')} (its inputs: ${names.join(', ')}).`);
      let inputShapes;
      try {
        inputShapes = macsShapes(summary, flags);
      } catch (e) {
        throw new CliError(e instanceof Error ? e.message : String(e));
      }
      summary = summarize(opened.model, summary.fileName, { inputShapes, inputValues });
    }
    if (options.json) io.out(JSON.stringify(summary, null, 2) + '\n');
    else io.out(renderSummary(summary, { layers, style: makeStyle(io.color) }));
  },
};
