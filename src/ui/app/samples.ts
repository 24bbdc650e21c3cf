import { openSample } from '../../state/actions';

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
  return openSample(`/samples/${entry.file}`, entry.file);
}

export async function openDefaultSample(): Promise<boolean> {
  const m = await loadManifest();
  return m ? openSampleById(m.default) : false;
}
