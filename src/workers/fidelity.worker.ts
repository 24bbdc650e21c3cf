/**
 * One fidelity run for the optimize worker (./fidelity-client.ts): run the comparison batches through a model on
 * onnxruntime-web's WASM backend and keep the outputs. The model comes as a small graph plus its weights as external
 * data viewing the buffers lent here (core/job/session-parts.ts), so onnxruntime-web's WebAssembly memory holds the
 * weights once and without pre-packed copies; the buffers go back when done, and the worker is terminated
 * afterwards, which is the only way to give that memory back.
 */
import * as Comlink from 'comlink';
import { recordOnce } from '../core/bench/compare';
import { browserRuntime } from '../runtimes/browser';
import { holdRuntimeModules } from '../runtimes/wasm-modules';
import type { FidelityRecord, FidelityWorkerApi } from './protocol';

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

const api: FidelityWorkerApi = {
  async record({ parts, buffers }, batches, threads, runtimeModules): Promise<FidelityRecord> {
    let result: FidelityRecord;
    try {
      holdRuntimeModules(runtimeModules);
      const runtime = await browserRuntime('wasm');
      const open = () => runtime.createSession(parts.graph, { threads, externalData: parts.externalData, lowMemory: true });
      result = { ok: true, outputs: await recordOnce(open, batches), buffers };
    } catch (e) {
      result = { ok: false, message: firstLine(e), buffers };
    }
    return Comlink.transfer(result, buffers);
  },
};

Comlink.expose(api);
