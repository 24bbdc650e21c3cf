import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_RUNTIMES } from './browser';
import { NODE_RUNTIMES, nodeRuntime } from './node';

const model = new Uint8Array(readFileSync(resolve(__dirname, '../../public/samples/mnist-mlp.onnx')));
const digit = { input: { dtype: 'float32', dims: [1, 1, 28, 28], data: new Float32Array(784).fill(0.5) } };

describe('runtime registry', () => {
  it('lists each environment once, one entry per backend', () => {
    expect(NODE_RUNTIMES.map((e) => `${e.family}:${e.backend}`)).toEqual(['onnxruntime:node', 'onnxruntime:wasm', 'tfjs:tfjs-wasm', 'tfjs:tfjs-cpu']);
    expect(BROWSER_RUNTIMES.map((e) => e.backend)).toEqual(['wasm', 'webgpu', 'webgl', 'tfjs-wasm', 'tfjs-webgl', 'tfjs-webgpu', 'tfjs-cpu']);
    const all = [...NODE_RUNTIMES, ...BROWSER_RUNTIMES];
    expect(new Set(all.map((e) => `${e.environment}:${e.backend}`)).size).toBe(all.length);
  });

  it('gives a runtime that runs a model, the same outputs on both Node backends', async () => {
    const outputs: Float32Array[] = [];
    for (const backend of ['node', 'wasm'] as const) {
      const runtime = await nodeRuntime(backend);
      expect(runtime.info().backend).toBe(backend === 'node' ? 'cpu' : 'wasm');
      const s = await runtime.createSession(model);
      const out = await s.run(digit);
      outputs.push(out.probabilities.data as Float32Array);
      await s.release();
    }
    expect(outputs[0].length).toBe(10);
    for (let i = 0; i < 10; i++) expect(outputs[1][i]).toBeCloseTo(outputs[0][i], 5);
  });

  it('an unknown backend is refused, naming the known ones', async () => {
    await expect(nodeRuntime('webgpu' as never)).rejects.toThrow(/No runtime for backend "webgpu" here; the backends are node \(onnxruntime-node, CPU\), wasm/);
  });
});
