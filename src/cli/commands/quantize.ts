import type { CliCommand } from '../command';
import { UsageError, CliError } from '../errors';
import { INPUT_SPEC_OPTIONS, parseInputSpecFlags, parseLayers } from '../options';
import { optimizeKit, runAndPrint } from './run-optimize';
import { quantizeTfjs, TFJS_QUANTIZE_FLAGS } from './quantize-tfjs';

const DEFAULT_SAMPLES = 256;
const CALIBRATION_BATCH = 32;
const DEFAULT_LAYERS = 10;

export const quantize: CliCommand = {
  signature: 'quantize <model>',
  description: 'Quantize an ONNX model (int8 dynamic/static/weight-only, or float16) or a TF.js model.json (uint8/uint16/float16 weights) and compare it with the original',
  options: [
    { flags: '-o, --output <out.onnx>', description: 'Where to write the quantized model (required; never the input); a folder for a TF.js model (model.json + shards)' },
    { flags: '--mode <mode>', description: 'ONNX: dynamic | static | weight-only | fp16 (default: dynamic); TF.js: uint8 | uint16 | fp16 (default: uint8)' },
    { flags: '--per-tensor', description: 'One scale per weight tensor instead of one per output channel' },
    { flags: '--asymmetric', description: 'Asymmetric int8 weights (zero point per channel/tensor) instead of symmetric' },
    { flags: '--calibration <inputs.npy|.npz>', description: 'Sample inputs (float32 .npy, samples first; or an .npz named after the inputs) for static mode; also used for the fidelity check' },
    { flags: '--calibration-samples <n>', description: `Samples of --calibration to calibrate on, in batches of ${CALIBRATION_BATCH} (default: ${DEFAULT_SAMPLES})` },
    { flags: '--calibration-method <method>', description: 'minmax | percentile | mse (default: minmax; mse: the range with the least quantization error per activation)' },
    { flags: '--percentile <p>', description: 'Percentile kept by --calibration-method percentile, in (50, 100] (default: 99.99)' },
    { flags: '--equalize-channels', description: 'Static mode: give each input channel of a depthwise Conv the whole 8-bit range (scales folded into its per-channel weights; measured by calibration)' },
    { flags: '--activation-type <type>', description: 'Static mode activations: uint8 | int8 (default: uint8)' },
    { flags: '--op-types <list>', description: 'Op types to quantize, comma-separated (default: MatMul,Gemm,Conv)' },
    { flags: '--exclude <name-or-op>', description: 'Leave a node (by name) or an op type float; repeat or comma-separate' },
    { flags: '--keep-first', description: 'Leave the first quantizable layer float' },
    { flags: '--keep-last', description: 'Leave the last quantizable layer float' },
    { flags: '--data <inputs.npy|.npz>', description: 'Inputs for the fidelity check (first 64 rows; .npz: arrays named after the inputs; default: --calibration, else the sample models\' test split, else made by the input spec)' },
    ...INPUT_SPEC_OPTIONS,
    ...TFJS_QUANTIZE_FLAGS,
    { flags: '--layers <n>', description: `Layers to list: a number (largest first) or "all" (default: ${DEFAULT_LAYERS})` },
    { flags: '--no-fidelity', description: 'Skip the comparison with the original (by default a variant whose fidelity cannot be measured exits 1)' },
    { flags: '--json', description: 'Print the result as JSON (keys documented in docs/cli.md)' },
  ],
  examples: [
    'pareto quantize model.onnx -o model.int8.onnx',
    'pareto quantize model.onnx -o model.static.onnx --mode static --calibration inputs.npy',
    'pareto quantize model.onnx -o model.fp16.onnx --mode fp16 --json > report.json',
    'pareto quantize detector.onnx -o detector.int8.onnx --dim H=320 --dim W=320',
    'pareto quantize web_model/model.json -o web_model_uint8 --mode uint8 --layer "*depthwise*=fp16"',
  ],
  async run([input], options, io) {
    const opt = await optimizeKit();
    const layers = parseLayers(options.layers, DEFAULT_LAYERS);
    // A TF.js model.json: weights stored as TF.js reads them, written as a folder.
    if (/\.json$/i.test(input)) return quantizeTfjs(input, options, io, layers);
    for (const f of ['weights', 'layer', 'keepSensitive', 'keepAs']) {
      if (options[f] !== undefined) throw new UsageError('--weights, --layer, --keep-sensitive and --keep-as apply to TF.js models (model.json).');
    }

    // Options first (usage errors, exit 2), before touching any file.
    const mode = opt.stringOption(options.mode, '--mode') ?? 'dynamic';
    const samples = opt.numberOption(options.calibrationSamples, '--calibration-samples', 'a positive whole number') ?? DEFAULT_SAMPLES;
    if (!Number.isInteger(samples) || samples < 1) throw new UsageError(`--calibration-samples takes a positive whole number, not ${samples}.`);
    const specFlags = parseInputSpecFlags(options);
    const opTypes = opt.listOption(options.opTypes);
    const excludes = opt.listOption(options.exclude);
    const quantizeOptions = {
      mode,
      perChannel: !options.perTensor,
      symmetric: !options.asymmetric,
      ...(options.activationType !== undefined ? { activationType: opt.stringOption(options.activationType, '--activation-type') } : {}),
      ...(opTypes.length ? { opTypes } : {}),
      keepFirstLayerFloat: Boolean(options.keepFirst),
      keepLastLayerFloat: Boolean(options.keepLast),
      ...(options.equalizeChannels ? { equalizeChannels: true } : {}),
      ...(options.calibrationMethod !== undefined ? { calibrationMethod: opt.stringOption(options.calibrationMethod, '--calibration-method') } : {}),
      ...(options.percentile !== undefined ? { percentile: opt.numberOption(options.percentile, '--percentile') } : {}),
    };
    const checked = opt.checkRecipe({ steps: [{ transform: 'quantize', options: quantizeOptions as never }] });
    const calibrationPath = opt.stringOption(options.calibration, '--calibration');
    const dataPath = opt.stringOption(options.data, '--data');
    if (mode === 'static' && !calibrationPath) {
      throw new CliError(
        'static mode needs calibration data: pass --calibration <inputs.npy> (float32 sample inputs, samples first, ' +
          `e.g. a few hundred rows shaped like the model's input), or use --mode dynamic, which needs none.`,
      );
    }
    const output = opt.checkOutputPath(input, opt.stringOption(options.output, '-o'), io.cwd);

    // The model and the sample inputs, checked before any work.
    const { openModelPath } = await import('../load');
    const opened = openModelPath(input, io.cwd);
    const calibration = calibrationPath ? opt.readInputsFile(calibrationPath, opened, 'calibration data', io.cwd) : undefined;
    const data = dataPath ? opt.readInputsFile(dataPath, opened, 'data', io.cwd) : undefined;
    // No inputs given: a sample model is checked on its own test split.
    const split = data || calibration ? undefined : opt.sampleSplitInputs(input, opened, io.cwd);
    const spec = opt.resolveRunSpec(opened, specFlags, data ?? calibration ?? split);
    const ex = opt.resolveNamesOrOps(opened.model, excludes, '--exclude');
    const step = checked.steps[0];
    const recipe = {
      steps: [{ ...step, options: { ...step.options, excludeNodes: ex.nodes, excludeOpTypes: ex.opTypes } }],
    } as typeof checked;
    const notes: string[] = [];
    if (calibration && mode !== 'static') notes.push(`--calibration is used for static mode only; with --mode ${mode} it only feeds the fidelity check.`);

    await runAndPrint(
      {
        command: 'quantize',
        input,
        output,
        outputArg: opt.stringOption(options.output, '-o')!,
        opened,
        recipe,
        calibration:
          mode === 'static' && calibration
            ? { inputs: calibration, samples, batch: CALIBRATION_BATCH, method: String(quantizeOptions.calibrationMethod ?? 'minmax') }
            : undefined,
        fidelityInputs: data ? { inputs: data, source: 'data' } : calibration ? { inputs: calibration, source: 'calibration' } : split ? { inputs: split, source: 'samples' } : undefined,
        notes,
        spec,
        noFidelity: options.fidelity === false,
      },
      { json: Boolean(options.json), layers },
      io,
    );
  },
};
