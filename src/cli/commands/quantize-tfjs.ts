/**
 * `pareto quantize model.json -o DIR --mode uint8|uint16|fp16`: a TF.js model's weights stored as TF.js reads them
 * (core's 'quantize-tfjs' step), written as a folder (model.json + shards), checked on TF.js's wasm backend.
 */
import type { CommandIO } from '../command';
import { CliError, UsageError } from '../errors';
import { parseInputSpecFlags } from '../options';
import { optimizeKit, runAndPrint } from './run-optimize';

/** quantize's flags that only mean something for ONNX models. */
const ONNX_ONLY: [string, string][] = [
  ['perTensor', '--per-tensor'],
  ['asymmetric', '--asymmetric'],
  ['activationType', '--activation-type'],
  ['opTypes', '--op-types'],
  ['exclude', '--exclude'],
  ['keepFirst', '--keep-first'],
  ['keepLast', '--keep-last'],
  ['calibrationMethod', '--calibration-method'],
  ['percentile', '--percentile'],
  ['equalizeChannels', '--equalize-channels'],
  ['calibrationSamples', '--calibration-samples'],
];

export const TFJS_QUANTIZE_FLAGS = [
  { flags: '--weights <wildcards>', description: 'TF.js: weights (or layers) --mode applies to, tfjs-converter wildcards, comma-separated (default: *)' },
  { flags: '--layer <wildcard=mode>', description: 'TF.js: a per-layer choice, e.g. --layer "conv1/*=fp16" or --layer dense_1=float32; repeat' },
  { flags: '--keep-sensitive <n>', description: 'TF.js mixed precision: keep the n weights whose quantization hurts the outputs most (measured one at a time on --data) in --keep-as' },
  { flags: '--keep-as <type>', description: 'TF.js mixed precision: fp16 | float32 (default: fp16)' },
];

export async function quantizeTfjs(input: string, options: Record<string, unknown>, io: CommandIO, layers: number | 'all'): Promise<void> {
  const opt = await optimizeKit();
  const mode = opt.stringOption(options.mode, '--mode') ?? 'uint8';
  if (!['uint8', 'uint16', 'fp16'].includes(mode)) {
    throw new UsageError(`--mode ${mode} is for ONNX models; a TF.js model is quantized with --mode uint8, uint16 or fp16 (what TF.js reads from model.json).`);
  }
  const onnxOnly = ONNX_ONLY.filter(([k]) => options[k] !== undefined && options[k] !== false).map(([, f]) => f);
  if (onnxOnly.length) throw new UsageError(`${onnxOnly.join(', ')} apply to ONNX models; a TF.js model takes --mode, --weights, --layer, --keep-sensitive and --keep-as.`);
  const layerChoices: Record<string, string> = {};
  for (const l of opt.listOption(options.layer)) {
    const m = /^(.+)=([a-z0-9]+)$/.exec(l);
    if (!m) throw new UsageError(`--layer takes <wildcard>=<mode> (e.g. "conv1/*=fp16"), not "${l}".`);
    layerChoices[m[1]] = m[2];
  }
  const weights = opt.listOption(options.weights);
  const keepSensitive = opt.numberOption(options.keepSensitive, '--keep-sensitive', 'a whole number');
  const specFlags = parseInputSpecFlags(options);
  const checked = opt.checkRecipe({
    steps: [
      {
        transform: 'quantize-tfjs',
        options: {
          mode,
          ...(weights.length ? { weights } : {}),
          layers: layerChoices,
          ...(keepSensitive !== undefined ? { keepSensitive } : {}),
          ...(options.keepAs !== undefined ? { keepAs: opt.stringOption(options.keepAs, '--keep-as') } : {}),
        } as never,
      },
    ],
  });
  const { checkOutputDir } = await import('../tfjs-output');
  const outputArg = opt.stringOption(options.output, '-o');
  const output = checkOutputDir(input, outputArg, io.cwd);
  const dataPath = opt.stringOption(options.data, '--data') ?? opt.stringOption(options.calibration, '--calibration');

  const { openModelPath } = await import('../load');
  const opened = openModelPath(input, io.cwd);
  if (opened.format !== 'tfjs') throw new CliError(`"${input}" is not a TF.js model.json; --mode ${mode} is for TF.js models.`);
  const data = dataPath ? opt.readInputsFile(dataPath, opened, 'data', io.cwd) : undefined;
  // No inputs given: the sample's TF.js version is checked on the samples' test split (transposed to NHWC), as its ONNX version.
  const split = data ? undefined : opt.sampleSplitInputs(input, opened, io.cwd);
  const spec = opt.resolveRunSpec(opened, specFlags, data ?? split);
  const notes: string[] = [];
  if (keepSensitive && !data && !split) notes.push('Mixed precision measured each weight on synthetic inputs made by the input spec; give --data <inputs.npy> for a check on real inputs.');
  await runAndPrint(
    {
      command: 'quantize',
      input,
      output,
      outputArg: outputArg!,
      opened,
      recipe: checked,
      fidelityInputs: data ? { inputs: data, source: 'data' } : split ? { inputs: split, source: 'samples' } : undefined,
      notes,
      spec,
      noFidelity: options.fidelity === false,
    },
    { json: Boolean(options.json), layers },
    io,
  );
}
