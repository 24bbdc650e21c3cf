import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ortWebNode } from '../../runtimes/ort-web-node';
import type { Feeds, HostTensor } from '../bench/session';
import { readOnnx } from '../formats/onnx/read';
import { writeOnnx } from '../formats/onnx/write';
import { sessionParts, tensorBuffers } from './session-parts';

const SAMPLES = 'public/samples';

/** The first 4 MNIST test images, shaped for the model's input. */
function mnistFeeds(inputName: string, dims: number[]): Feeds {
  const npy = readFileSync(`${SAMPLES}/mnist-test-x.npy`);
  const header = npy.readUInt16LE(8) + 10;
  const n = dims.slice(1).reduce((a, b) => a * b, 1) * 4;
  const data = new Float32Array(npy.buffer.slice(npy.byteOffset + header, npy.byteOffset + header + n * 4));
  return { [inputName]: { dtype: 'float32', dims: [4, ...dims.slice(1)], data } };
}

describe('sessionParts: a model for onnxruntime-web with its weights as external data viewing the file', () => {
  for (const [file, dims] of [['mnist-cnn.onnx', [1, 1, 28, 28]]] as const) {
    it(`${file}: the same outputs as the whole file, from views of its bytes lent to another realm and given back`, async () => {
      const bytes = new Uint8Array(readFileSync(`${SAMPLES}/${file}`));
      const model = readOnnx(bytes, { fileName: file });
      const before = writeOnnx(model.proto);
      const parts = sessionParts(model);

      // Weights moved out: the graph is a small fraction of the file, and every moved tensor views the file's buffer.
      expect(parts.externalData.length).toBeGreaterThan(0);
      expect(parts.graph.length).toBeLessThan(bytes.length / 10);
      expect(new Set(parts.externalData.map((e) => e.data.buffer))).toEqual(new Set([bytes.buffer]));
      expect(parts.externalData.reduce((s, e) => s + e.data.length, 0) + parts.graph.length).toBeGreaterThan(bytes.length * 0.95);
      expect(writeOnnx(model.proto)).toEqual(before);

      // Lend the file's buffer as a worker would get it (transferred: the model's views are detached meanwhile).
      const lent = tensorBuffers(model.proto, model.external, 1024);
      expect(lent.buffers).toEqual([bytes.buffer]);
      const there = structuredClone({ parts, buffers: lent.buffers }, { transfer: lent.buffers });
      expect(bytes.byteLength).toBe(0);
      expect(model.proto.graph!.initializer.every((t) => t.rawData.byteLength === 0)).toBe(true);

      const runtime = ortWebNode();
      const inputName = model.proto.graph!.input[0].name;
      const feeds = mnistFeeds(inputName, [...dims]);
      const whole = await runtime.createSession(before);
      const split = await runtime.createSession(there.parts.graph, { externalData: there.parts.externalData, lowMemory: true });
      try {
        const a = await whole.run(feeds);
        const b = await split.run(feeds);
        const name = whole.outputNames[0];
        expect((b[name] as HostTensor).dims).toEqual((a[name] as HostTensor).dims);
        expect(Array.from((b[name] as HostTensor).data as Float32Array)).toEqual(Array.from((a[name] as HostTensor).data as Float32Array));
      } finally {
        await whole.release();
        await split.release();
      }
      // Given back: every tensor views the returned buffer and the model writes the same bytes as before.
      const back = structuredClone(there.buffers, { transfer: there.buffers });
      lent.reattach(back);
      expect(writeOnnx(model.proto)).toEqual(before);
    });
  }
});
