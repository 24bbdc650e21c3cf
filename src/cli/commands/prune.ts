import type { CliCommand } from '../command';
import { UsageError } from '../errors';
import { INPUT_SPEC_OPTIONS, parseInputSpecFlags, parseLayers } from '../options';
import { optimizeKit, runAndPrint } from './run-optimize';

const DEFAULT_LAYERS = 10;

export const prune: CliCommand = {
  signature: 'prune <model>',
  description: 'Magnitude-prune the weights of an ONNX model and compare it with the original',
  options: [
    { flags: '-o, --output <out.onnx>', description: 'Where to write the pruned model (required; never the input); a folder for a TF.js model.json (model.json + shards)' },
    { flags: '--sparsity <s>', description: 'Fraction of weights set to zero, in [0, 1), e.g. 0.5 (required for the unstructured pattern)' },
    { flags: '--scope <scope>', description: 'global (one threshold for all weights) | layer (each weight on its own) (default: global)' },
    { flags: '--pattern <pattern>', description: 'unstructured | N:M such as 2:4 (keep N of every M weights) (default: unstructured)' },
    { flags: '--max-layer-sparsity <s>', description: 'Cap on any one layer\'s sparsity, in (0, 1] (global scope: the rest of the budget is spread over the other layers; default: no cap)' },
    { flags: '--skip <name-or-op>', description: 'Leave a node (by name) or an op type dense; repeat or comma-separate' },
    { flags: '--op-types <list>', description: 'Op types whose weights are pruned, comma-separated (default: MatMul,Gemm,Conv)' },
    { flags: '--data <inputs.npy|.npz>', description: 'Inputs for the fidelity check (first 64 rows; float32 .npy for one input, .npz with arrays named after the inputs; default: the sample models\' test split, else made by the input spec)' },
    ...INPUT_SPEC_OPTIONS,
    { flags: '--layers <n>', description: `Weights to list: a number (largest first) or "all" (default: ${DEFAULT_LAYERS})` },
    { flags: '--no-fidelity', description: 'Skip the comparison with the original (by default a variant whose fidelity cannot be measured exits 1)' },
    { flags: '--json', description: 'Print the result as JSON (keys documented in docs/cli.md)' },
  ],
  examples: [
    'pareto prune model.onnx -o model.p50.onnx --sparsity 0.5',
    'pareto prune model.onnx -o model.24.onnx --pattern 2:4 --skip Conv',
    'pareto prune model.onnx -o model.p70.onnx --sparsity 0.7 --scope layer --json > report.json',
    'pareto prune vad.onnx -o vad.p50.onnx --sparsity 0.5 --value sr=16000',
  ],
  async run([input], options, io) {
    const opt = await optimizeKit();
    const layers = parseLayers(options.layers, DEFAULT_LAYERS);

    const pattern = opt.stringOption(options.pattern, '--pattern') ?? 'unstructured';
    const sparsity = opt.numberOption(options.sparsity, '--sparsity', 'a fraction in [0, 1) such as 0.5');
    const nm = pattern !== 'unstructured';
    if (!nm && sparsity === undefined) throw new UsageError('give the target sparsity with --sparsity <0..1>, e.g. --sparsity 0.5.');
    const specFlags = parseInputSpecFlags(options);
    const opTypes = opt.listOption(options.opTypes);
    const skips = opt.listOption(options.skip);
    const cap = opt.numberOption(options.maxLayerSparsity, '--max-layer-sparsity', 'a fraction in (0, 1] such as 0.9');
    const pruneOptions = {
      pattern,
      ...(sparsity !== undefined ? { sparsity } : {}),
      ...(cap !== undefined ? { maxLayerSparsity: cap } : {}),
      ...(options.scope !== undefined ? { scope: opt.stringOption(options.scope, '--scope') } : {}),
      ...(opTypes.length ? { opTypes } : {}),
      // The CLI measures sizes itself (the same way for quantize and prune).
      compressedSize: 'off',
    };
    const checked = opt.checkRecipe({ steps: [{ transform: 'prune', options: pruneOptions as never }] });
    const dataPath = opt.stringOption(options.data, '--data');
    const outputArg = opt.stringOption(options.output, '-o');
    // A TF.js model.json is written as a folder (model.json + shards).
    const output = /\.json$/i.test(input) ? (await import('../tfjs-output')).checkOutputDir(input, outputArg, io.cwd) : opt.checkOutputPath(input, outputArg, io.cwd);

    const { openModelPath } = await import('../load');
    const opened = openModelPath(input, io.cwd);
    const data = dataPath ? opt.readInputsFile(dataPath, opened, 'data', io.cwd) : undefined;
    // No inputs given: a sample model is checked on its own test split.
    const split = data ? undefined : opt.sampleSplitInputs(input, opened, io.cwd);
    const spec = opt.resolveRunSpec(opened, specFlags, data ?? split);
    const sk = opt.resolveNamesOrOps(opened.model, skips, '--skip');
    const step = checked.steps[0];
    const recipe = { steps: [{ ...step, options: { ...step.options, skip: [...sk.nodes, ...sk.opTypes] } }] } as typeof checked;
    const notes: string[] = [];
    if (nm && sparsity !== undefined) notes.push(`--sparsity does not apply to pattern ${pattern}, whose sparsity is fixed by N:M.`);
    if (nm && options.scope !== undefined) notes.push(`--scope does not apply to pattern ${pattern}: every weight gets N:M groups.`);

    await runAndPrint(
      {
        command: 'prune',
        input,
        output,
        outputArg: outputArg!,
        opened,
        recipe,
        fidelityInputs: data ? { inputs: data, source: 'data' } : split ? { inputs: split, source: 'samples' } : undefined,
        notes,
        spec,
        noFidelity: options.fidelity === false,
      },
      { json: Boolean(options.json), layers },
      io,
    );
  },
};
