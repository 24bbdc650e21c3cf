import type { SpecModel } from '../../core/bench/input-spec';
import { inputFields, namesList, type InputChoiceText } from '../../state/input-choice';

/**
 * The inputs' open choices, shared by the benchmark and the recipe forms: a field per open symbolic dim ("H", "W"),
 * a whole shape for an input whose open dims have no name, and a value per numeric scalar input ("sr"). Renders
 * nothing when the model's inputs are fully specified.
 */
export function InputSpecFields({ model, text, onChange, testId, hint }: { model: SpecModel; text: InputChoiceText; onChange: (t: InputChoiceText) => void; testId: string; hint?: string }) {
  const fields = inputFields(model);
  if (fields.dims.length === 0 && fields.shapes.length === 0 && fields.values.length === 0) return null;
  const set = (kind: keyof InputChoiceText, key: string, value: string) => onChange({ ...text, [kind]: { ...text[kind], [key]: value } });
  return (
    <fieldset data-testid={testId}>
      <legend>Input shapes and values</legend>
      <p className="hint">{hint ?? 'The model leaves these open; runs use exactly what you set here (nothing is picked silently).'}</p>
      {fields.dims.map((d) => (
        <label key={`d-${d.name}`}>
          {d.name} <span className="hint">(dim of {namesList(d.inputs)})</span>
          <input type="number" min={1} value={text.dims[d.name] ?? ''} onChange={(e) => set('dims', d.name, e.target.value)} aria-label={`Dim ${d.name}`} data-testid={`dim-${d.name}`} />
        </label>
      ))}
      {fields.shapes.map((s) => (
        <label key={`s-${s.input}`}>
          {s.input} shape <span className="hint">(declared {s.declared}; e.g. 1x3x320x320)</span>
          <input value={text.shapes[s.input] ?? ''} onChange={(e) => set('shapes', s.input, e.target.value)} aria-label={`Shape of ${s.input}`} data-testid={`shape-${s.input}`} />
        </label>
      ))}
      {fields.values.map((v) => (
        <label key={`v-${v}`}>
          {v} <span className="hint">(scalar input: its value)</span>
          <input type="number" value={text.values[v] ?? ''} onChange={(e) => set('values', v, e.target.value)} aria-label={`Value of ${v}`} data-testid={`value-${v}`} />
        </label>
      ))}
    </fieldset>
  );
}
