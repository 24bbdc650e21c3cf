import { useMemo, useState } from 'react';
import { toErrorInfo } from '../../core/errors';
import { forSurface } from '../../core/surface';
import { validatePruneOptions, type PruneOptions } from '../../core/transforms/prune/options';
import { QUANTIZABLE_OPS, QUANTIZE_MODES, validateQuantizeOptions, type QuantizeOptions } from '../../core/transforms/quantize/options';
import { withPendingCalibration, type Recipe } from '../../core/transforms/recipe';
import { validateTfjsQuantizeOptions } from '../../core/transforms/tfjs-quantize/options';
import { TFJS_QUANTIZE_START, TfjsQuantizeFields, tfjsQuantizeOptions } from './TfjsQuantizeFields';
import type { LoadedModel } from '../../state/models';
import { createVariant } from '../../state/variant-actions';
import type { DataSource } from '../../state/variants';
import { emptyChoiceText, namesList, parseInputChoice } from '../../state/input-choice';
import { InputSpecFields } from '../spec/InputSpecFields';
import { ConvertFieldset } from './ConvertFieldset';
import { opsetChoice } from './opset-choice';

type Kind = 'quantize' | 'prune' | 'prune+quantize' | 'convert';

const KIND_LABEL: Record<Kind, string> = { quantize: 'Quantize', prune: 'Prune', 'prune+quantize': 'Prune, then quantize', convert: 'Convert opset' };

const MODE_HELP: Record<QuantizeOptions['mode'], string> = {
  dynamic: 'int8 weights; activations quantized at run time (MatMulInteger/ConvInteger). Fast on native CPUs; in WASM it can be slower than float at batch 1.',
  static: 'int8 weights and activations (QDQ), ranges calibrated on sample inputs. Fuses to QLinearMatMul/QLinearConv.',
  'weight-only': 'int8 weights with DequantizeLinear: 4x smaller file. WebGPU runs it natively; on CPU/WASM it runs slower than float.',
  fp16: 'float16 weights with a Cast back to float32: 2x smaller, nearly lossless.',
};

const csv = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

export function RecipeForm({ model }: { model: LoadedModel }) {
  const [kind, setKind] = useState<Kind>('quantize');
  const [mode, setMode] = useState<QuantizeOptions['mode']>('dynamic');
  const [perChannel, setPerChannel] = useState(true);
  const [symmetric, setSymmetric] = useState(true);
  const [activationType, setActivationType] = useState<QuantizeOptions['activationType']>('uint8');
  const [opTypes, setOpTypes] = useState<string[]>([...QUANTIZABLE_OPS]);
  const [exclude, setExclude] = useState('');
  const [keepFirst, setKeepFirst] = useState(false);
  const [keepLast, setKeepLast] = useState(false);
  const [calMethod, setCalMethod] = useState<QuantizeOptions['calibrationMethod']>('minmax');
  const [equalize, setEqualize] = useState(false);
  const [percentile, setPercentile] = useState('99.99');
  const [sparsity, setSparsity] = useState('0.5');
  const [scope, setScope] = useState<PruneOptions['scope']>('global');
  const [maxLayer, setMaxLayer] = useState('');
  const [pattern, setPattern] = useState<string>('unstructured');
  const [skip, setSkip] = useState('');
  const [dataChoice, setDataChoice] = useState<'sample' | 'file' | 'synthetic'>(model.dataset ? 'sample' : 'synthetic');
  const [dataFile, setDataFile] = useState<File | null>(null);
  const [inputText, setInputText] = useState(emptyChoiceText);
  const inputChoice = parseInputChoice(model.summary, inputText);
  const opsets = useMemo(() => opsetChoice(model.summary.opsets), [model.summary.opsets]);
  // The "Convert opset" recipe's target ('' when the model has none to go to; other recipes convert only when a mode needs it).
  const [opsetText, setOpsetText] = useState('');
  const targetOpset = kind === 'convert' && opsets.targets.length > 0 ? opsetText || String(opsets.preferred) : '';
  // A TF.js model is quantized into what TF.js reads (uint8 / uint16 / float16 weights).
  const tfjs = model.summary.format === 'tfjs';
  const [tq, setTq] = useState(TFJS_QUANTIZE_START);

  const opTypesInModel = new Set(model.summary.ops.map((o) => o.opType));
  const quantizeOptions = (): Partial<QuantizeOptions> => {
    const ex = csv(exclude);
    return {
      mode,
      perChannel,
      symmetric,
      activationType,
      opTypes: opTypes as QuantizeOptions['opTypes'],
      excludeNodes: ex.filter((x) => !opTypesInModel.has(x)),
      excludeOpTypes: ex.filter((x) => opTypesInModel.has(x)),
      keepFirstLayerFloat: keepFirst,
      keepLastLayerFloat: keepLast,
      calibrationMethod: calMethod,
      percentile: Number(percentile),
      ...(mode === 'static' && equalize ? { equalizeChannels: true } : {}),
    };
  };
  const pruneOptions = (): Partial<PruneOptions> => ({
    sparsity: Number(sparsity),
    scope,
    ...(maxLayer.trim() !== '' && pattern === 'unstructured' ? { maxLayerSparsity: Number(maxLayer) } : {}),
    pattern: pattern as PruneOptions['pattern'],
    skip: csv(skip),
    compressedSize: 'off', // the worker measures every variant's raw and gzip size the same way
  });

  // Options are checked as they are typed; a reason shows next to the form and Run stays off.
  const errors = useMemo(() => {
    const out: { quantize?: string; prune?: string; data?: string; inputs?: string; convert?: string } = {};
    if (kind === 'convert' && opsets.none) out.convert = opsets.none;
    if (inputChoice.errors.length > 0) out.inputs = inputChoice.errors.join(' ');
    else if (dataChoice === 'synthetic' && inputChoice.missing.length > 0) {
      out.inputs = `Set ${namesList(inputChoice.missing)} under "Input shapes and values": synthetic inputs need ${inputChoice.missing.length > 1 ? 'them' : 'it'} (nothing is picked silently).`;
    }
    if (kind !== 'prune' && kind !== 'convert') {
      try {
        if (tfjs) validateTfjsQuantizeOptions(tfjsQuantizeOptions(tq));
        else validateQuantizeOptions(withPendingCalibration(quantizeOptions()));
      } catch (e) {
        out.quantize = forSurface(toErrorInfo(e).message, 'app');
      }
    }
    if (kind === 'prune' || kind === 'prune+quantize') {
      try {
        validatePruneOptions(pruneOptions());
      } catch (e) {
        out.prune = forSurface(toErrorInfo(e).message, 'app');
      }
    }
    if (dataChoice === 'file' && !dataFile) out.data = 'Choose an .npy file of inputs, or an .npz with an array per input.';
    if ((kind === 'quantize' || kind === 'prune+quantize') && !tfjs && mode === 'static' && dataChoice === 'synthetic') {
      out.data = 'Static quantization calibrates on real inputs: use the sample data or choose an .npy (or .npz) file.';
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tfjs, tq, kind, mode, perChannel, symmetric, activationType, opTypes, exclude, keepFirst, keepLast, calMethod, equalize, percentile, sparsity, scope, maxLayer, pattern, skip, dataChoice, dataFile, inputText, opsets]);

  const run = () => {
    const steps: Recipe['steps'] = [];
    if (targetOpset !== '') steps.push({ transform: 'convert', options: { opset: Number(targetOpset) } });
    if (kind === 'prune' || kind === 'prune+quantize') steps.push({ transform: 'prune', options: pruneOptions() });
    if (kind === 'quantize' || kind === 'prune+quantize') steps.push(tfjs ? { transform: 'quantize-tfjs', options: tfjsQuantizeOptions(tq) } : { transform: 'quantize', options: quantizeOptions() });
    const data: DataSource =
      dataChoice === 'sample' && model.dataset
        ? { kind: 'url', url: model.dataset.inputsUrl, name: model.dataset.name }
        : dataChoice === 'file' && dataFile
          ? { kind: 'file', file: dataFile }
          : { kind: 'synthetic' };
    void createVariant(model.id, { steps }, data, inputChoice.choice);
  };
  const blocked = Object.keys(errors).length > 0;

  return (
    <div className="recipe" data-testid="recipe-form">
      <div className="segmented" role="radiogroup" aria-label="Recipe">
        {(['quantize', 'prune', 'prune+quantize', 'convert'] as Kind[]).map((k) => (
          <label key={k} className={kind === k ? 'on' : ''}>
            <input type="radio" className="visually-hidden" name="recipe" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`recipe-${k}`} />
            {KIND_LABEL[k]}
          </label>
        ))}
      </div>

      <div className="recipe-cols">
        {kind === 'convert' && (
          <ConvertFieldset choice={opsets} value={targetOpset} onChange={setOpsetText} error={errors.convert} />
        )}
        {(kind === 'prune' || kind === 'prune+quantize') && (
          <fieldset>
            <legend>Magnitude pruning</legend>
            <label>
              Pattern
              <select value={pattern} onChange={(e) => setPattern(e.target.value)} aria-label="Pruning pattern">
                <option value="unstructured">unstructured</option>
                <option value="2:4">2:4 (N:M)</option>
                <option value="1:4">1:4 (N:M)</option>
              </select>
            </label>
            {pattern === 'unstructured' && (
              <>
                <label>
                  Target sparsity
                  <input type="number" step="0.05" min="0" max="0.99" value={sparsity} onChange={(e) => setSparsity(e.target.value)} aria-label="Target sparsity" />
                </label>
                <label>
                  Threshold
                  <select value={scope} onChange={(e) => setScope(e.target.value as PruneOptions['scope'])} aria-label="Pruning scope">
                    <option value="global">global (one threshold across layers)</option>
                    <option value="layer">per layer</option>
                  </select>
                </label>
                <label>
                  Max sparsity per layer (empty: no cap)
                  <input type="number" step="0.05" min="0" max="1" value={maxLayer} placeholder="e.g. 0.9" onChange={(e) => setMaxLayer(e.target.value)} aria-label="Max sparsity per layer" />
                </label>
              </>
            )}
            <label>
              Skip (node names or op types, comma separated)
              <input value={skip} onChange={(e) => setSkip(e.target.value)} aria-label="Skip list" />
            </label>
            <p className="hint">Dense runtimes do not run zeros faster: pruning shrinks the compressed file, and latency only changes when you measure it.</p>
            {errors.prune && <p className="field-error" role="alert" data-testid="prune-error">{errors.prune}</p>}
          </fieldset>
        )}
        {(kind === 'quantize' || kind === 'prune+quantize') && tfjs && <TfjsQuantizeFields value={tq} onChange={setTq} error={errors.quantize} />}
        {(kind === 'quantize' || kind === 'prune+quantize') && !tfjs && (
          <fieldset>
            <legend>Quantization</legend>
            <label>
              Mode
              <select value={mode} onChange={(e) => setMode(e.target.value as QuantizeOptions['mode'])} aria-label="Quantization mode">
                {QUANTIZE_MODES.map((m) => (
                  <option key={m} value={m}>
                    {m === 'fp16' ? 'float16 weights' : m === 'weight-only' ? 'int8 weight-only' : `int8 ${m}`}
                  </option>
                ))}
              </select>
            </label>
            <p className="hint">{MODE_HELP[mode]}</p>
            {mode !== 'fp16' && (
              <div className="checks">
                <label><input type="checkbox" checked={perChannel} onChange={(e) => setPerChannel(e.target.checked)} /> per-channel</label>
                <label><input type="checkbox" checked={symmetric} onChange={(e) => setSymmetric(e.target.checked)} /> symmetric weights</label>
                <label><input type="checkbox" checked={keepFirst} onChange={(e) => setKeepFirst(e.target.checked)} /> keep first layer float</label>
                <label><input type="checkbox" checked={keepLast} onChange={(e) => setKeepLast(e.target.checked)} /> keep last layer float</label>
              </div>
            )}
            <div className="checks">
              Ops:
              {QUANTIZABLE_OPS.map((op) => (
                <label key={op}>
                  <input
                    type="checkbox"
                    checked={opTypes.includes(op)}
                    onChange={(e) => setOpTypes((s) => (e.target.checked ? [...s, op] : s.filter((x) => x !== op)))}
                  />{' '}
                  {op}
                </label>
              ))}
            </div>
            {mode === 'static' && (
              <div className="row">
                <label>
                  Activations
                  <select value={activationType} onChange={(e) => setActivationType(e.target.value as 'uint8' | 'int8')} aria-label="Activation type">
                    <option value="uint8">uint8</option>
                    <option value="int8">int8</option>
                  </select>
                </label>
                <label>
                  Calibration
                  <select value={calMethod} onChange={(e) => setCalMethod(e.target.value as QuantizeOptions['calibrationMethod'])} aria-label="Calibration method">
                    <option value="minmax">MinMax</option>
                    <option value="percentile">Percentile</option>
                    <option value="mse">MSE (least quantization error)</option>
                  </select>
                </label>
                <label title="Each input channel of a depthwise Conv gets the whole 8-bit range (scales folded into its per-channel weights)">
                  <input type="checkbox" checked={equalize} onChange={(e) => setEqualize(e.target.checked)} aria-label="Equalize depthwise channels" /> equalize depthwise channels
                </label>
                {calMethod === 'percentile' && (
                  <label>
                    Percentile
                    <input type="number" step="0.01" value={percentile} onChange={(e) => setPercentile(e.target.value)} aria-label="Percentile" />
                  </label>
                )}
              </div>
            )}
            <label>
              Exclude (node names or op types, comma separated)
              <input value={exclude} onChange={(e) => setExclude(e.target.value)} aria-label="Exclude" />
            </label>
            {errors.quantize && <p className="field-error" role="alert" data-testid="quantize-error">{errors.quantize}</p>}
          </fieldset>
        )}
        <fieldset>
          <legend>Sample inputs</legend>
          <p className="hint">Used to compare each variant's outputs with the original, and to calibrate static quantization.</p>
          {model.dataset && (
            <label><input type="radio" name="data" checked={dataChoice === 'sample'} onChange={() => setDataChoice('sample')} /> {model.dataset.name} (ships with the sample)</label>
          )}
          <label><input type="radio" name="data" checked={dataChoice === 'file'} onChange={() => setDataChoice('file')} /> an .npy file of inputs, or an .npz</label>
          {dataChoice === 'file' && (
            <>
              <input type="file" accept=".npy,.npz" aria-label="Inputs .npy or .npz" onChange={(e) => setDataFile(e.target.files?.[0] ?? null)} />
              <p className="hint">
                .npy: items along the first axis, for a one-input model. .npz: an array named after each input, its first axis the
                samples; an array shaped exactly like its input is used for every sample; the fields below make the inputs it leaves out.
              </p>
            </>
          )}
          <label><input type="radio" name="data" checked={dataChoice === 'synthetic'} onChange={() => setDataChoice('synthetic')} /> synthetic (random, seeded)</label>
          {errors.data && <p className="field-error" role="alert">{errors.data}</p>}
        </fieldset>
        <InputSpecFields model={model.summary} text={inputText} onChange={setInputText} testId="recipe-input-spec" />
      </div>
      {errors.inputs && <p className="field-error" role="alert" data-testid="recipe-error-inputs">{errors.inputs}</p>}
      <button className="primary run" disabled={blocked} onClick={run} data-testid="run-recipe">
        Make variant
      </button>
    </div>
  );
}
