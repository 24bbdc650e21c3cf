/**
 * What the app's forms (benchmark, optimize) ask about a model's inputs before a run: a value per open symbolic dim
 * ("H", "W"), a whole shape for an input whose open dims have no name, and a value per numeric scalar input ("sr").
 * The fields come from core's input spec (inputSpecNeeds with nothing set); what is still missing is asked again
 * with what the user typed, so the Run button can name it.
 */
import { inputSpecNeeds, type InputSpecJson, type SpecModel } from '../core/bench/input-spec';
import type { InputChoice } from '../workers/protocol';

export type { InputChoice };

/** The form's fields for a model. */
export interface InputFields {
  /** Named open dims, in the order the inputs name them. */
  dims: { name: string; inputs: string[] }[];
  /** Inputs with open dims that have no name: a whole shape ("1x3x320x320"). */
  shapes: { input: string; declared: string }[];
  /** Numeric scalar inputs that need a value. */
  values: string[];
}

/** The text the user typed, by field name. */
export interface InputChoiceText {
  dims: Record<string, string>;
  shapes: Record<string, string>;
  values: Record<string, string>;
}

export const emptyChoiceText = (): InputChoiceText => ({ dims: {}, shapes: {}, values: {} });

export function inputFields(model: SpecModel): InputFields {
  const needs = inputSpecNeeds(model, {});
  const dims: InputFields['dims'] = [];
  const shapes: InputFields['shapes'] = [];
  const values: string[] = [];
  for (const n of needs) {
    if (n.value) values.push(n.input);
    for (const d of n.dims) {
      if (d.startsWith('axis ')) {
        if (!shapes.some((s) => s.input === n.input)) {
          const sig = model.inputs.find((i) => i.name === n.input);
          shapes.push({ input: n.input, declared: `[${(sig?.shape ?? []).map((x) => (typeof x === 'number' && x > 0 ? x : x || '?')).join(', ')}]` });
        }
        continue;
      }
      const seen = dims.find((x) => x.name === d);
      if (seen) seen.inputs.push(n.input);
      else dims.push({ name: d, inputs: [n.input] });
    }
  }
  return { dims, shapes, values };
}

const positiveInt = (s: string) => /^\s*\d+\s*$/.test(s) && Number(s) >= 1;

/**
 * The choice from the typed text, what is wrong with it (one message per bad field) and what is still missing
 * (dim names and scalar inputs, as the Run button's message names them).
 */
export function parseInputChoice(model: SpecModel, text: InputChoiceText): { choice: InputChoice; errors: string[]; missing: string[] } {
  const fields = inputFields(model);
  const errors: string[] = [];
  const choice: InputChoice = {};
  for (const { name } of fields.dims) {
    const t = (text.dims[name] ?? '').trim();
    if (t === '') continue;
    if (!positiveInt(t)) errors.push(`${name}: a whole number of at least 1.`);
    else (choice.dims ??= {})[name] = Number(t);
  }
  for (const { input } of fields.shapes) {
    const t = (text.shapes[input] ?? '').trim();
    if (t === '') continue;
    const parts = t.split(/\s*[x×,]\s*/);
    if (!parts.every(positiveInt)) errors.push(`${input}: a shape like 1x3x320x320.`);
    else (choice.shapes ??= {})[input] = parts.map(Number);
  }
  for (const input of fields.values) {
    const t = (text.values[input] ?? '').trim();
    if (t === '') continue;
    const v = Number(t);
    if (!Number.isFinite(v)) errors.push(`${input}: a number.`);
    else (choice.values ??= {})[input] = v;
  }
  let missing: string[] = [];
  try {
    missing = inputSpecNeeds(model, choice).flatMap((n) => (n.value ? [n.input] : n.dims.map((d) => (d.startsWith('axis ') ? `${n.input} ${d}` : d))));
  } catch (e) {
    errors.push(e instanceof Error ? e.message : String(e));
  }
  return { choice, errors, missing: [...new Set(missing)] };
}

/** "H and W" / "H, W and sr". */
export const namesList = (names: readonly string[]): string =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** "image [1, 3, 320, 320]" for each input of a spec a run used, at a batch size (batch dims at that size). */
export function specShapes(spec: Pick<InputSpecJson, 'inputs'> | undefined, batch: number): string {
  if (!spec) return '';
  return spec.inputs.map((e) => `${e.name} [${e.dims.map((d) => (d.batch ? batch : d.value)).join(', ')}]`).join(' · ');
}
