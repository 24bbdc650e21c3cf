import * as Comlink from 'comlink';
import { toErrorInfo } from '../core/errors';
import { openModelFiles } from '../core/model/open';
import { readModelFiles } from '../core/formats/open';
import { baseName } from '../core/formats/files';
import { summarize } from '../core/inspect/summary';
import { backendSupport } from '../core/bench/support';
import { tfjsSupport } from '../core/bench/tfjs-support';
import { isTfjsModel } from '../core/formats/tfjs/read';
import { compileRuntimeModule, ORT_WASM_URL } from '../runtimes/wasm-modules';
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
  async compileRuntime(backend) {
    try {
      const url = ORT_WASM_URL[backend];
      return { ok: true, url, module: await compileRuntimeModule(url) };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
  async macs(source, inputShapes, inputValues) {
    try {
      const read = readModelFiles(await readSource(source));
      const s = summarize(read.model, baseName(read.fileName), { inputShapes, inputValues });
      return { ok: true, macs: s.macs, macsAt: s.macsAt, layerMacs: s.layers.map((l) => l.macs) };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
  async support(source) {
    try {
      const { model } = openModelFiles(await readSource(source));
      const tfjs = isTfjsModel(model.proto);
      return { ok: true, support: BACKENDS.map((b) => (tfjs ? tfjsSupport(model.proto, b) : backendSupport(model.proto, b))) };
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) };
    }
  },
};

const BACKENDS = ['wasm', 'webgpu', 'webgl'] as const;

Comlink.expose(api);
