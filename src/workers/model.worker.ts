import * as Comlink from 'comlink';
import { ParetoError, toErrorInfo } from '../core/errors';
import { openModelFiles, type InputFile } from '../core/formats/open';
import type { ModelWorkerApi, OpenResult, OpenSource } from './protocol';

async function readSource(source: OpenSource): Promise<InputFile[]> {
  switch (source.kind) {
    case 'files':
      return Promise.all(
        source.files.map(async (f) => {
          try {
            return { name: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) };
          } catch (e) {
            throw new ParetoError(
              'too-large',
              `The browser could not load "${f.name}" (${(f.size / 2 ** 30).toFixed(2)} GiB) into memory: ` +
                `${e instanceof Error ? e.message : String(e)}. Try the pareto CLI for files this large.`,
            );
          }
        }),
      );
    case 'url': {
      const res = await fetch(source.url);
      if (!res.ok) throw new ParetoError('bad-input', `Could not load ${source.name}: HTTP ${res.status}.`);
      return [{ name: source.name, bytes: new Uint8Array(await res.arrayBuffer()) }];
    }
    case 'buffers':
      return source.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.buffer) }));
  }
}

const api: ModelWorkerApi = {
  async open(source): Promise<OpenResult> {
    try {
      const t0 = performance.now();
      const files = await readSource(source);
      const t1 = performance.now();
      const { summary } = openModelFiles(files);
      return { ok: true, summary, readMs: t1 - t0, parseMs: performance.now() - t1 };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
};

Comlink.expose(api);
