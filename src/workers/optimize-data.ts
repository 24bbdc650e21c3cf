/**
 * The optimize worker's data: what the comparison with the original and static calibration run on. The page's
 * choice (src/workers/protocol.ts DataSource): synthetic inputs made by the input spec; an .npy of items for a
 * one-input model (the sample's split, or the user's file); or an .npz whose arrays are named after the inputs (a
 * leading sample axis, or shaped exactly like the input to be used for every sample; the spec makes the inputs it
 * leaves out), as the CLI's --data / --calibration take it.
 */
import { inputTensorFromNpy, specDataOf } from '../core/bench/dataset';
import { datasetFromFile } from '../core/bench/dataset-files';
import { resolveInputSpec, type InputSpec } from '../core/bench/input-spec';
import { readNpy } from '../core/data/npy';
import { ParetoError } from '../core/errors';
import type { ModelSummary } from '../core/inspect/summary';
import { datasetJobData, FIDELITY_ROWS, jobData, specJobData, type JobData } from '../core/job/data';
import { dataFile } from './data-source';
import type { DataSource, InputChoice } from './protocol';

const CALIBRATION_ITEMS = 256;
/** Items per batch when the model's batch dim is open. */
export const BATCH = 16;

/** "image [1, 3, 320, 320] image-like: values in [0, 1) (seeded); sr [] = 16000": the shapes (batch 1) and values. */
function syntheticNote(spec: InputSpec): string {
  return spec.inputs.map((e) => `${e.name} [${e.shape.join(', ')}] ${e.values.kind === 'fixed' ? `= ${e.values.value}` : e.values.reason}`).join('; ');
}

export interface OptimizeData {
  fidelity: JobData;
  calibration: JobData;
  /** What the comparison ran on, for the variant's row. */
  note: string;
}

/** The comparison's and the calibration's data: the first items of the chosen .npy or .npz, or synthetic inputs. */
export async function loadOptimizeData(data: DataSource, model: ModelSummary, choice: InputChoice | undefined): Promise<OptimizeData> {
  const inputs = model.inputs;
  if (data.kind === 'synthetic') {
    // The input spec resolves every dim (the user's, the model's, declared defaults) or refuses naming the open ones.
    // As many synthetic items as the CLI compares (core's default), so both shells judge a variant on the same inputs.
    const spec = resolveInputSpec(model, { ...choice, surface: 'app' });
    const fidelity = specJobData(spec);
    return { fidelity, calibration: fidelity, note: `${fidelity.use.rows} synthetic inputs: no dataset given; ${syntheticNote(spec)}` };
  }
  const file = await dataFile(data);
  if (!file || data.kind === 'csv') throw new ParetoError('bad-input', 'Calibration and comparisons take an .npy file of inputs, or an .npz with an array per input.');
  const use = { kind: data.kind === 'url' ? ('samples' as const) : ('data' as const), file: file.fileName };
  if (/\.npz$/i.test(file.fileName)) {
    const dataset = datasetFromFile(model, file, undefined, { format: 'npz', partialInputs: true });
    const spec = resolveInputSpec(model, { ...choice, data: specDataOf(dataset), surface: 'app' });
    const fidelity = datasetJobData(dataset, spec, use, FIDELITY_ROWS, BATCH);
    const made = spec.inputs.filter((e) => e.values.kind !== 'data');
    return {
      fidelity,
      calibration: datasetJobData(dataset, spec, use, CALIBRATION_ITEMS, BATCH),
      note: `the first ${fidelity.use.rows} samples of ${file.fileName}${made.length > 0 ? `; ${syntheticNote({ inputs: made })}` : ''}`,
    };
  }
  if (inputs.length !== 1) {
    throw new ParetoError('bad-input', `An .npy file feeds one input; this model has ${inputs.length} (${inputs.map((i) => i.name).join(', ')}): choose an .npz with an array named after each.`);
  }
  const layoutNotes: string[] = [];
  const tensor = inputTensorFromNpy(readNpy(file.bytes), inputs[0], `"${file.fileName}"`, layoutNotes);
  const fidelity = jobData(tensor, inputs[0], use, FIDELITY_ROWS, BATCH);
  return {
    fidelity,
    calibration: jobData(tensor, inputs[0], use, CALIBRATION_ITEMS, BATCH),
    note: `the first ${fidelity.use.rows} inputs of ${file.fileName}${layoutNotes.length > 0 ? ` (${layoutNotes.join(' ').replace(/^"[^"]*": /, '').replace(/\.$/, '')})` : ''}`,
  };
}
