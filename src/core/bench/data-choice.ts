/**
 * Which data a run uses, decided in one place for the CLI, the workers and the app: the data the user gave; else,
 * for a sample model, the labelled test split its manifest names; else deterministic synthetic inputs.
 */

/** The parts of public/samples/manifest.json this needs. */
export interface SamplesManifest {
  dataset?: { x: { file: string }; y: { file: string } };
  /** `tfjs`: the folder of the sample's TF.js version (model.json and shards), beside the manifest. */
  models: { id: string; file: string; tfjs?: string; dataset?: { x: string; y: string; count?: number } }[];
}

/**
 * The test split files (relative to the manifest) to evaluate a sample model on by default; null if none. A sample is
 * named by its id, its ONNX file, or its TF.js folder (`tfjs`): both versions are evaluated on the same split.
 */
export function sampleDatasetFiles(manifest: SamplesManifest, model: { id?: string; file?: string; tfjs?: string }): { x: string; y: string } | null {
  const entry = manifest.models.find(
    (m) => (model.id !== undefined && m.id === model.id) || (model.file !== undefined && m.file === model.file) || (model.tfjs !== undefined && m.tfjs === model.tfjs),
  );
  if (!entry) return null;
  if (entry.dataset) return { x: entry.dataset.x, y: entry.dataset.y };
  if (manifest.dataset) return { x: manifest.dataset.x.file, y: manifest.dataset.y.file };
  return null;
}

/** Where a run's data comes from. `inputs`/`labels` are whatever names the shell reads (paths, URLs, file names). */
export type DataChoice<Ref = string> =
  | { source: 'given'; inputs: Ref; labels?: Ref }
  | { source: 'samples'; inputs: Ref; labels: Ref }
  | { source: 'synthetic' };

/**
 * The data a run uses: `given` (the user's inputs and optional labels) wins; else the sample's test split when the
 * model is a sample (`sample`, from sampleDatasetFiles, null otherwise); else synthetic inputs.
 */
export function chooseData<Ref>(given: { inputs?: Ref; labels?: Ref }, sample: { x: Ref; y: Ref } | null): DataChoice<Ref> {
  if (given.inputs !== undefined) return given.labels !== undefined ? { source: 'given', inputs: given.inputs, labels: given.labels } : { source: 'given', inputs: given.inputs };
  if (sample) return { source: 'samples', inputs: sample.x, labels: sample.y };
  return { source: 'synthetic' };
}
