import type { CliCommand } from '../command';
import { UsageError } from '../errors';
import { INPUT_SPEC_OPTIONS, parseInputSpecFlags } from '../options';
import { optimizeKit } from './run-optimize';

const DEFAULT_OPSET = 17;

export const convert: CliCommand = {
  signature: 'convert <model>',
  description: "Convert an ONNX model to a newer opset (like onnx.version_converter) and check its outputs didn't change",
  options: [
    { flags: '-o, --output <out.onnx>', description: 'Where to write the converted model (required; never the input)' },
    { flags: '--opset <n>', description: `Target default-domain opset, newer than the model's, up to 21 (default: ${DEFAULT_OPSET})` },
    { flags: '--data <inputs.npy|.npz>', description: 'Inputs for the check that the outputs did not change (first 64 rows; .npz: arrays named after the inputs; default: made by the input spec)' },
    ...INPUT_SPEC_OPTIONS,
    { flags: '--json', description: 'Print the result as JSON (keys documented in docs/cli.md)' },
  ],
  examples: [
    'pareto convert model.onnx -o model.op17.onnx',
    'pareto convert old.onnx -o new.onnx --opset 13 --json',
    'pareto convert detector.onnx -o detector.op17.onnx --shape x=1x3x320x320',
  ],
  async run([input], options, io) {
    const opt = await optimizeKit();
    const opset = opt.numberOption(options.opset, '--opset', 'a whole number') ?? DEFAULT_OPSET;
    if (!Number.isInteger(opset)) throw new UsageError(`--opset takes a whole number, not ${opset}.`);
    const { validateConvertOptions } = await import('../../core/transforms/convert/options');
    const checked = validateConvertOptions({ opset });
    const specFlags = parseInputSpecFlags(options);
    const dataPath = opt.stringOption(options.data, '--data');
    const outputArg = opt.stringOption(options.output, '-o');
    const output = opt.checkOutputPath(input, outputArg, io.cwd);

    const [{ openModelPath }, { runOptimizeJob }, jobs, { nodeRuntime }, { AtomicOutput }, { makeProgress }] = await Promise.all([
      import('../load'),
      import('../../core/job/optimize'),
      import('../../core/job/data'),
      import('../../runtimes/node'),
      import('../output-file'),
      import('../progress'),
    ]);
    const opened = openModelPath(input, io.cwd);
    // The check's inputs: the data file's first rows, the rest made by the input spec (--shape/--dim/--value), which
    // refuses, naming them, dims that nothing resolves.
    const data = dataPath ? opt.readInputsFile(dataPath, opened, 'data', io.cwd) : undefined;
    const spec = opt.resolveRunSpec(opened, specFlags, data);
    const use = { kind: 'data' as const, file: dataPath ?? null };
    const fidelity = !data
      ? jobs.specJobData(spec)
      : opt.isNpz(data)
        ? jobs.datasetJobData(data.dataset, spec, use, jobs.FIDELITY_ROWS, jobs.FIDELITY_ROWS)
        : jobs.jobData(opt.tensorOf(data), opened.summary.inputs[0], use, jobs.FIDELITY_ROWS, jobs.FIDELITY_ROWS);
    const out = new AtomicOutput(output);
    const bar = makeProgress('convert');
    let report;
    try {
      ({ report } = await runOptimizeJob({
        model: opened.model,
        fileBytes: opened.bytes,
        recipe: { steps: [{ transform: 'convert', options: checked }] },
        runtime: await nodeRuntime('node'),
        threads: 1,
        fidelity,
        onVariant: (parts) => out.write(parts),
        onProgress: (p) => bar.update(p.fraction, p.stage),
      }));
      out.commit();
    } finally {
      bar.done();
      out.close();
    }
    const { inputSpecJson } = await import('../../core/bench/input-spec');
    const r = report.reports[0];
    const stats = r.stats as { from: number; to: number; changedNodes: number; changes: unknown[] };
    const f = report.fidelity;
    const outputs = Object.fromEntries(Object.entries(f.outputs).map(([k, v]) => [k, { relativeL2: v.relativeL2, maxAbsError: v.maxAbsError }]));
    const result = {
      resultVersion: 1,
      command: 'convert',
      input,
      output: outputArg,
      from: stats.from,
      to: stats.to,
      changedNodes: stats.changedNodes,
      changes: stats.changes,
      notes: report.notes,
      fidelity: { inputs: f.data.kind, file: f.data.file, rows: f.data.rows, outputs, ...(f.error ? { error: f.error.message } : {}) },
      inputSpec: inputSpecJson(spec),
    };
    if (options.json) {
      io.out(JSON.stringify(result, null, 2) + '\n');
      return;
    }
    const lines = [`${input}: opset ${stats.from} → ${stats.to}, ${stats.changedNodes} node${stats.changedNodes === 1 ? '' : 's'} changed; written to ${outputArg}`];
    for (const n of report.notes.slice(1)) lines.push(`  ${n}`);
    if (f.error) lines.push(`Outputs not compared: the ${f.error.model} did not run (${f.error.message}).`);
    else {
      const worst = Math.max(0, ...Object.values(outputs).map((o) => o.relativeL2));
      lines.push(`Outputs vs the original on ${f.data.rows} ${f.data.kind === 'synthetic' ? 'synthetic rows' : `rows of ${f.data.file}`}: relative L2 ${worst === 0 ? '0 (identical)' : worst.toExponential(2)}${worst > 1e-5 ? ' — they differ: please report it' : ''}.`);
    }
    io.out(lines.join('\n') + '\n');
  },
};
