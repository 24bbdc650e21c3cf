import { ParetoError } from '../core/errors';
import type { InputFile } from '../core/formats/types';
import { quote } from '../core/text';
import type { OpenSource } from './protocol';

/** Reads a model's files inside a worker: File/Blob handles are read here, never on the page. */
export async function readSource(source: OpenSource): Promise<InputFile[]> {
  switch (source.kind) {
    case 'files':
      return Promise.all(
        source.files.map(async (f) => {
          try {
            return { name: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
          } catch (e) {
            throw new ParetoError(
              'too-large',
              `The browser could not load ${quote(f.name)} (${(f.size / 2 ** 30).toFixed(2)} GiB) into memory: ` +
                `${e instanceof Error ? e.message : String(e)}. Try the pareto CLI for files this large.`,
            );
          }
        }),
      );
    case 'url':
      return [{ name: source.name, bytes: await fetchBytes(source.url, source.name) }];
    case 'buffers':
      return source.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.buffer) }));
  }
}

export async function fetchBytes(url: string, name: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new ParetoError('bad-input', `Could not load ${quote(name)}: HTTP ${res.status}.`);
  return new Uint8Array(await res.arrayBuffer());
}
