import type { TfjsQuantizeOptions } from '../../core/transforms/tfjs-quantize/options';

/** The TF.js quantization form's state: mode, per-layer lines ("wildcard=mode"), mixed precision's count. */
export interface TfjsQuantizeState {
  mode: TfjsQuantizeOptions['mode'];
  layersText: string;
  keep: string;
}

export const TFJS_QUANTIZE_START: TfjsQuantizeState = { mode: 'uint8', layersText: '', keep: '0' };

/** The options the state stands for (checked by validateTfjsQuantizeOptions, which names what is wrong). */
export function tfjsQuantizeOptions(s: TfjsQuantizeState): Partial<TfjsQuantizeOptions> {
  const layers: Record<string, string> = {};
  for (const line of s.layersText.split(/[\n,]/).map((l) => l.trim()).filter(Boolean)) {
    const i = line.lastIndexOf('=');
    layers[i > 0 ? line.slice(0, i).trim() : line] = i > 0 ? line.slice(i + 1).trim() : '(missing: write wildcard=mode)';
  }
  return { mode: s.mode, layers: layers as TfjsQuantizeOptions['layers'], keepSensitive: s.keep.trim() === '' ? 0 : Number(s.keep), keepAs: 'fp16' };
}

const HELP: Record<TfjsQuantizeOptions['mode'], string> = {
  uint8: 'uint8 affine weights (4× smaller download): TF.js dequantizes them to float32 as the model loads.',
  uint16: 'uint16 affine weights (2× smaller, nearly lossless): dequantized to float32 at load.',
  fp16: 'float16 weights (2× smaller): dequantized to float32 at load.',
};

/** Quantization for a TF.js model: what TF.js itself reads from model.json. */
export function TfjsQuantizeFields({ value, onChange, error }: { value: TfjsQuantizeState; onChange: (s: TfjsQuantizeState) => void; error?: string }) {
  return (
    <fieldset data-testid="tfjs-quantize">
      <legend>Quantization (TF.js weights)</legend>
      <label>
        Mode
        <select value={value.mode} onChange={(e) => onChange({ ...value, mode: e.target.value as TfjsQuantizeState['mode'] })} aria-label="TF.js quantization mode">
          <option value="uint8">uint8 weights</option>
          <option value="uint16">uint16 weights</option>
          <option value="fp16">float16 weights</option>
        </select>
      </label>
      <p className="hint">
        {HELP[value.mode]} Weight-only: a download and storage win, not a speed win (inference runs in float32).
      </p>
      <label>
        Per-layer choices (one <code>wildcard=mode</code> per line; mode uint8, uint16, fp16 or float32)
        <textarea rows={2} value={value.layersText} placeholder="*depthwise*=fp16" onChange={(e) => onChange({ ...value, layersText: e.target.value })} aria-label="Per-layer choices" />
      </label>
      <label>
        Mixed precision: keep the
        <input type="number" min={0} step={1} value={value.keep} onChange={(e) => onChange({ ...value, keep: e.target.value })} aria-label="Weights kept in float16" style={{ width: '4em' }} />
        weights whose quantization hurts the outputs most (each measured alone on the data below) in float16
      </label>
      {error && <p className="field-error" role="alert" data-testid="quantize-error">{error}</p>}
    </fieldset>
  );
}
