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

/** A manifest's file hashes, per sample (`sha256`: path relative to the manifest → hex digest). */
export interface HashedSamples {
  models: { id: string; file: string; tfjs?: string; sha256?: Record<string, string> }[];
}

/**
 * The sample whose files these are, when the user drops or picks a sample's files rather than opening it from the
 * samples list: one of its versions (the ONNX file, or the TF.js folder's model.json and every shard) is among
 * `files` with the manifest's SHA-256 for each. Files are matched by base name; a version is matched whole, never in
 * part. Null when none matches.
 */
export function sampleOfFiles(manifest: HashedSamples, files: readonly { name: string; sha256: string }[]): { id: string } | null {
  const base = (p: string) => p.split('/').pop() as string;
  const has = (path: string, digest: string) => files.some((f) => base(f.name) === base(path) && f.sha256.toLowerCase() === digest.toLowerCase());
  for (const m of manifest.models) {
    const hashes = Object.entries(m.sha256 ?? {});
    const versions = [hashes.filter(([p]) => p === m.file), m.tfjs ? hashes.filter(([p]) => p.startsWith(`${m.tfjs}/`)) : []];
    if (versions.some((v) => v.length > 0 && v.every(([p, d]) => has(p, d)))) return { id: m.id };
  }
  return null;
}

/** The base names of the files a manifest hashes: only dropped files with one of these names need hashing. */
export function hashedSampleNames(manifest: HashedSamples): Set<string> {
  return new Set(manifest.models.flatMap((m) => Object.keys(m.sha256 ?? {}).map((p) => p.split('/').pop() as string)));
}
