import type { OpsetChoice } from './opset-choice';

/**
 * The recipe's "Convert opset" step: raises the model's default ONNX opset to the chosen target, as `pareto convert
 * --opset` does. `value` is the target opset.
 */
export function ConvertFieldset({ choice, value, onChange, error }: { choice: OpsetChoice; value: string; onChange: (v: string) => void; error?: string }) {
  return (
    <fieldset data-testid="convert-fields">
      <legend>Convert opset</legend>
      {choice.current !== null && <p className="hint">The model has opset {choice.current} (default domain).</p>}
      {choice.targets.length > 0 && (
        <label>
          Target opset
          <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="Target opset">
            {choice.targets.map((o) => (
              <option key={o} value={String(o)}>
                {o}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className="hint">
        Rewrites every op whose signature or meaning changed on the way (Clip, Slice, Pad, Upsample → Resize, Squeeze/Unsqueeze
        axes, Softmax's axis…) and refuses, naming the nodes, what it cannot convert exactly. The variant's details list what
        changed. Quantizing converts by itself when a mode needs a newer opset.
      </p>
      {error && <p className="field-error" role="alert" data-testid="convert-error">{error}</p>}
    </fieldset>
  );
}
