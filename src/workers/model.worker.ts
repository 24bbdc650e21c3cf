import * as Comlink from 'comlink';
import { toErrorInfo } from '../core/errors';
import { openModelFiles } from '../core/formats/open';
import type { ModelWorkerApi, OpenResult } from './protocol';
import { readSource } from './read-source';

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
