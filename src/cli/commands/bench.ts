/**
 * `pareto bench <model>`: the studio's benchmark harness (src/core/bench/harness.ts, accuracy.ts, dataset-files.ts) on
 * onnxruntime-node, or onnxruntime-web's WASM backend under Node (`--backend wasm`). Prints cold start, latency per
 * batch size, memory, accuracy (with labels) or fidelity (with `--reference`), and the environment. The JSON keys
 * are documented in docs/cli.md.
 */
import type { CliCommand } from '../command';
import { DEFAULT_BUDGET_S, DEFAULT_WARMUP, parseBenchArgs } from '../bench/args';
import { INPUT_SPEC_OPTIONS } from '../options';

/* ------------------------------------------------------------------ the command ------------------------------------------------------------------ */

export const bench: CliCommand = {
  signature: 'bench <model>',
  description: 'Benchmark an ONNX model: cold start, latency percentiles per batch size, memory, accuracy or fidelity',
  options: [
    { flags: '--data <file>', description: 'Inputs: .npy (one input), .npz (arrays named after the inputs, and labels) or .csv (default: the samples test split for the sample models, else synthetic)' },
    ...INPUT_SPEC_OPTIONS,
    { flags: '--labels <labels.npy>', description: 'Labels for --data (.npy), one per item: accuracy with 95% intervals' },
    { flags: '--label-column <name>', description: 'CSV: the column holding the labels (the others are features)' },
    { flags: '--reference <original.onnx>', description: 'Without labels: fidelity to this model (top-1 agreement, cosine, SNR)' },
    { flags: '--task <task>', description: 'classification | binary | regression (default: detected from the labels and the output)' },
    { flags: '--runs <n>', description: 'Measured runs per batch size (default: adaptive, until the median is known to ±2% at 95%)' },
    { flags: '--warmup <n>', description: `Unmeasured warm-up runs per batch size (default: ${DEFAULT_WARMUP})` },
    { flags: '--batch <n[,n...]>', description: 'Batch sizes, e.g. 1,8,32 (default: 1, or the model\'s fixed batch)' },
    { flags: '--backend <backend>', description: 'node (onnxruntime-node, CPU) | wasm (onnxruntime-web WASM, as in the browser) (default: node); a TF.js model.json: wasm (TF.js WASM, default) | cpu (TF.js plain JS)' },
    { flags: '--threads <n>', description: 'Intra-op threads (default: 1)' },
    { flags: '--time-budget <seconds>', description: `Time limit per batch size, warm-up included (default: ${DEFAULT_BUDGET_S} when adaptive, none with --runs)` },
    { flags: '--json', description: 'Print the result as JSON (keys documented in docs/cli.md)' },
  ],
  examples: [
    'pareto bench public/samples/mnist-cnn.onnx',
    'pareto bench model.onnx --data x.npy --labels y.npy --batch 1,8,32',
    'pareto bench detector.onnx --dim H=320 --dim W=320',
    'pareto bench vad.onnx --value sr=16000',
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
