// Served from this origin (no CDN). Importing them with ?url is what works under Vite dev and build alike.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortJsepUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

/**
 * onnxruntime-web's WebAssembly, compiled once per page and handed to every worker that runs it.
 *
 * Every benchmark cell, fidelity check and calibration runs in a fresh worker (a clean runtime, a real cold start, and
 * the only way to give WebAssembly memory back). Left to itself, each such worker fetches the 14 MB (WASM) or 28 MB
 * (WebGPU) module and compiles it again: from the network wherever the browser's HTTP cache does not keep it (private
 * windows, a server that says no-cache, the dev server), so a cell's cold start depended on the cache's state. Instead,
 * the page has a worker compile the module once (compileRuntimeModule below, in a model worker that
 * src/workers/client.ts starts) and keeps the WebAssembly.Module; each worker gets it with its job (a Module is shared
 * between a page's workers, not copied) and onnxruntime-web instantiates it: no download, no compilation, the same
 * for every cell.
 */

/** The compiled modules a job brings, by the URL of the .wasm they were compiled from. */
export type RuntimeModules = Record<string, WebAssembly.Module>;

/** The .wasm onnxruntime-web loads in the browser for each ONNX backend: the plain build, or the JSEP (WebGPU) one. */
export const ORT_WASM_URL = { wasm: ortWasmUrl, webgpu: ortJsepUrl } as const;

export type CompiledBackend = keyof typeof ORT_WASM_URL;

/** Fetches and compiles a runtime's .wasm (streaming where the server sends application/wasm). */
export async function compileRuntimeModule(url: string): Promise<WebAssembly.Module> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  if (response.headers.get('content-type')?.startsWith('application/wasm')) return WebAssembly.compileStreaming(response);
  return WebAssembly.compile(await response.arrayBuffer());
}

const held = new Map<string, WebAssembly.Module>();
const PREFIX = 'pareto: the compiled module of ';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Keeps the modules a job brought, for the runtimes this worker loads (and the workers it starts). */
export function holdRuntimeModules(modules: RuntimeModules | undefined): void {
  for (const [url, module] of Object.entries(modules ?? {})) if (module instanceof WebAssembly.Module) held.set(url, module);
}

/** The modules this worker holds, to hand on to a worker it starts. */
export function heldRuntimeModules(): RuntimeModules {
  return Object.fromEntries(held);
}

/**
 * What to give onnxruntime-web as `env.wasm.wasmBinary` so that it instantiates the held module compiled from `url`:
 * undefined when none is held (it then fetches and compiles the .wasm itself). onnxruntime-web's Emscripten loader
 * passes a given wasmBinary to WebAssembly.instantiate and offers no way to pass a compiled module, so the binary given
 * is a short marker naming the module, and WebAssembly.instantiate, in this worker only, answers a marker with an
 * instance of the held module (every other call goes through unchanged).
 */
export function compiledWasmBinary(url: string): Uint8Array | undefined {
  if (!held.has(url)) return undefined;
  answerMarkers();
  return encoder.encode(PREFIX + url);
}

let answering = false;
function answerMarkers() {
  if (answering) return;
  answering = true;
  const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (source: unknown, imports?: WebAssembly.Imports) => Promise<unknown>;
  const markerModule = (source: unknown): WebAssembly.Module | undefined => {
    if (!ArrayBuffer.isView(source) || source.byteLength > PREFIX.length + 4096) return undefined;
    let text: string;
    try {
      text = decoder.decode(source);
    } catch {
      return undefined; // a view of shared memory: not a marker
    }
    return text.startsWith(PREFIX) ? held.get(text.slice(PREFIX.length)) : undefined;
  };
  (WebAssembly as { instantiate: unknown }).instantiate = (source: unknown, imports?: WebAssembly.Imports) => {
    const module = markerModule(source);
    if (!module) return instantiate(source, imports);
    return (instantiate(module, imports) as Promise<WebAssembly.Instance>).then((instance) => ({ module, instance }));
  };
}
