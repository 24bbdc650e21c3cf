import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledWasmBinary, heldRuntimeModules, holdRuntimeModules, ORT_WASM_URL } from './wasm-modules';
import { ortWebApi as ort } from './ort-web-node';

/** (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)) */
const ADD = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00,
  0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b,
]);

type Instantiated = { module: WebAssembly.Module; instance: WebAssembly.Instance };

describe('compiled runtime modules handed to a worker', () => {
  it('a marker for a held module instantiates that very module; other sources go through unchanged', async () => {
    const url = '/assets/add.wasm';
    expect(compiledWasmBinary(url)).toBeUndefined(); // nothing held: the runtime fetches it itself
    const module = await WebAssembly.compile(ADD);
    holdRuntimeModules({ [url]: module, '/not-a-module.wasm': {} as WebAssembly.Module });
    expect(Object.keys(heldRuntimeModules())).toEqual([url]);

    const marker = compiledWasmBinary(url)!;
    expect(marker.byteLength).toBeLessThan(200);
    // As Emscripten's loader calls it: a copy of the given binary, and its imports.
    const got = (await WebAssembly.instantiate(new Uint8Array(marker), {})) as unknown as Instantiated;
    expect(got.module).toBe(module);
    expect((got.instance.exports.add as (a: number, b: number) => number)(2, 40)).toBe(42);

    // Real bytes, and a module, still instantiate as WebAssembly says.
    const fromBytes = (await WebAssembly.instantiate(ADD, {})) as unknown as Instantiated;
    expect(fromBytes.module).not.toBe(module);
    expect((fromBytes.instance.exports.add as (a: number, b: number) => number)(1, 2)).toBe(3);
    expect(await WebAssembly.instantiate(module, {})).toBeInstanceOf(WebAssembly.Instance);
    // A marker naming a module not held is no module at all.
    await expect(WebAssembly.instantiate(new TextEncoder().encode('pareto: the compiled module of /other.wasm'), {})).rejects.toThrow(WebAssembly.CompileError);
  });

  it('onnxruntime-web runs a model on its WebAssembly module compiled beforehand (no fetch, no compile of its own)', async () => {
    const bytes = readFileSync(join(import.meta.dirname, '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'));
    const module = await WebAssembly.compile(bytes);
    holdRuntimeModules({ [ORT_WASM_URL.wasm]: module });
    const binary = compiledWasmBinary(ORT_WASM_URL.wasm); // before the spy below, so that the spy sees what it returns
    const seen: WebAssembly.Module[] = [];
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = (async (source: never, imports: never) => {
      const r = (await instantiate(source, imports)) as unknown as Instantiated;
      seen.push(r.module);
      return r;
    }) as typeof WebAssembly.instantiate;
    try {
      ort.env.wasm.numThreads = 1;
      ort.env.wasm.wasmBinary = binary;
      const session = await ort.InferenceSession.create(readFileSync(join(import.meta.dirname, '../../public/samples/mnist-cnn.onnx')));
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(784).fill(0.5), [1, 1, 28, 28]) });
      const logits = Object.values(out)[0].data as Float32Array;
      expect(logits).toHaveLength(10);
      expect(logits.every(Number.isFinite)).toBe(true);
      await session.release();
    } finally {
      WebAssembly.instantiate = instantiate;
    }
    expect(seen).toEqual([module]);
  });
});
