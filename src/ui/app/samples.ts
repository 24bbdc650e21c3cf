import { hashedSampleNames, sampleOfFiles } from '../../core/bench/data-choice';
import { openFiles, openSample } from '../../state/actions';
import type { LoadedModel } from '../../state/models';
import { studio } from '../../state/store';

export interface SampleEntry {
  id: string;
  name: string;
  file: string;
  description?: string;
  testAccuracy?: number;
  /** The folder of its TF.js version. */
  tfjs?: string;
  /** SHA-256 of its files, by path relative to the manifest. */
  sha256?: Record<string, string>;
}

export interface SampleManifest {
  default: string;
  models: SampleEntry[];
  /** The labelled test split every sample was evaluated on. */
  dataset?: { name: string; x: { file: string }; y: { file: string } };
}

let manifest: Promise<SampleManifest | null> | null = null;

/** The samples shipped under public/samples (served from this origin: no network beyond it). */
export function loadManifest(): Promise<SampleManifest | null> {
  manifest ??= fetch('/samples/manifest.json')
    .then((r) => (r.ok ? (r.json() as Promise<SampleManifest>) : null))
    .catch(() => null);
  return manifest;
}

export async function openSampleById(id: string): Promise<boolean> {
  const m = await loadManifest();
  const entry = m?.models.find((e) => e.id === id);
  if (!entry) return false;
  return openSample(`/samples/${entry.file}`, entry.file, m ? sampleDataset(m) : undefined);
}

/** The labelled test split the samples come with, as a model's default data. */
function sampleDataset(m: SampleManifest): LoadedModel['dataset'] {
  return m.dataset
    ? { inputsUrl: `/samples/${m.dataset.x.file}`, labelsUrl: `/samples/${m.dataset.y.file}`, name: `MNIST test split (${m.dataset.x.file})` }
    : undefined;
}

/** Files of at most this size are hashed to tell whether they are a sample's (its largest file is under 1 MB). */
const HASH_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The samples' test split when the files are a sample's own (its .onnx, or its TF.js model.json and shards, each with
 * the SHA-256 the manifest records), so a sample dropped as files is benchmarked on the same data as when it is
 * opened from the list; undefined otherwise. Only files named like a sample's are read, and hashed off the page's
 * thread by the browser's crypto.
 */
async function datasetOfFiles(files: readonly File[]): Promise<LoadedModel['dataset']> {
  const m = await loadManifest();
  if (!m?.dataset || typeof crypto === 'undefined' || !crypto.subtle) return undefined;
  const names = hashedSampleNames(m);
  const candidates = files.filter((f) => names.has(f.name) && f.size <= HASH_MAX_BYTES);
  if (candidates.length === 0) return undefined;
  const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
  const hashed = await Promise.all(candidates.map(async (f) => ({ name: f.name, sha256: hex(await crypto.subtle.digest('SHA-256', await f.arrayBuffer())) })));
  return sampleOfFiles(m, hashed) ? sampleDataset(m) : undefined;
}

/** Files the user dropped or picked, opened; a sample's own files come with the samples' test split (datasetOfFiles). */
export async function openDroppedFiles(files: File[]): Promise<boolean> {
  if (files.length === 0) return false;
  return openFiles(files, await datasetOfFiles(files).catch(() => undefined));
}

/** Opens the default sample at start-up, unless the user has already opened something (never overrides them). */
export async function openDefaultSample(): Promise<boolean> {
  const m = await loadManifest();
  const s = studio.getState();
  if (!m || s.loading || s.models.length > 0) return false;
  return openSampleById(m.default);
}
