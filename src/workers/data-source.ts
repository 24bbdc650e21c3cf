import type { DataFile } from '../core/bench/dataset-files';
import type { DataSource } from './protocol';
import { fetchBytes } from './read-source';

/** The bytes of a data file the page chose (a File handle, or a URL on this origin: the sample's split); null otherwise. */
export async function dataFile(d: DataSource): Promise<DataFile | null> {
  if (d.kind === 'url') return { bytes: await fetchBytes(d.url, d.name), fileName: d.name };
  if (d.kind === 'file' || d.kind === 'csv') return { bytes: new Uint8Array(await d.file.arrayBuffer()), fileName: d.file.name };
  return null;
}
