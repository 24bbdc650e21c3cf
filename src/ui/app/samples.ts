import { openSample } from '../../state/actions';
import { studio } from '../../state/store';

export interface SampleEntry {
  id: string;
  name: string;
  file: string;
  description?: string;
  testAccuracy?: number;
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
  const dataset = m?.dataset
    ? { inputsUrl: `/samples/${m.dataset.x.file}`, labelsUrl: `/samples/${m.dataset.y.file}`, name: `MNIST test split (${m.dataset.x.file})` }
    : undefined;
  return openSample(`/samples/${entry.file}`, entry.file, dataset);
}

/** Opens the default sample at start-up, unless the user has already opened something (never overrides them). */
export async function openDefaultSample(): Promise<boolean> {
  const m = await loadManifest();
  const s = studio.getState();
  if (!m || s.loading || s.models.length > 0) return false;
  return openSampleById(m.default);
}
