import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as build from '../../formats/onnx/builder';
import { DataType } from '../../formats/onnx/proto';
import type { OnnxModel } from '../../formats/onnx/read';
import { prune, type PruneOptions, type PruneStats } from './index';

/**
 * Speed and memory on a ~400 MB float32 model (100M weights in 8 MatMuls). Opt-in, not part of the suite:
 *   PRUNE_BENCH=1 npx vitest run src/core/transforms/prune/prune.bench.test.ts
 * Prints MB/s of weights (copy + threshold + zeros) and the peak of ArrayBuffer memory relative to the model.
 */
const LAYERS = 8;
const K = 4096;
const N = 3072;

/** unaligned: every tensor's raw_data starts 1 byte past a 4-byte boundary, as views into a decoded file do. */
function bigModel(unaligned: boolean): OnnxModel {
  const { node, graph, valueInfo, floatTensor } = build;
  const nodes = [];
  const inits = [];
  let s = 2463534242;
  for (let l = 0; l < LAYERS; l++) {
    const w = new Float32Array(K * N);
    for (let i = 0; i < w.length; i++) {
      // Roughly Gaussian (sum of 3 uniforms), like trained weights.
      let a = 0;
      for (let j = 0; j < 3; j++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        a += (s >>> 0) / 4294967296;
      }
      w[i] = (a - 1.5) * 0.05;
    }
    if (unaligned) {
      const bytes = new Uint8Array(w.byteLength + 1);
      bytes.set(new Uint8Array(w.buffer), 1);
      inits.push(build.tensor(`W${l}`, DataType.FLOAT, [K, N], bytes.subarray(1)));
    } else inits.push(floatTensor(`W${l}`, [K, N], w));
    nodes.push(node('MatMul', [l === 0 ? 'x' : `h${l - 1}`, `W${l}`], [l === LAYERS - 1 ? 'y' : `h${l}`], {}, { name: `mm${l}` }));
  }
  const proto = build.model({
    graph: graph({
      name: 'big',
      nodes,
      inputs: [valueInfo('x', DataType.FLOAT, [1, K])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, N])],
      initializers: inits,
    }),
  });
  return { proto, external: new Map(), byteLength: LAYERS * K * N * 4 };
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe.runIf(process.env.PRUNE_BENCH)('prune speed on a ~400 MB model', () => {
  it('measures MB/s and peak memory', async () => {
    for (const unaligned of [false, true]) await bench(unaligned);
  }, 600_000);
});

async function bench(unaligned: boolean) {
    const model = bigModel(unaligned);
    console.info(`--- ${unaligned ? 'unaligned' : 'aligned'} raw_data`);
    const modelBytes = LAYERS * K * N * 4;
    const cases: Partial<PruneOptions>[] = [
      { sparsity: 0.5, scope: 'global', compressedSize: 'off' },
      { sparsity: 0.5, scope: 'layer', compressedSize: 'off' },
      { sparsity: 0.9, scope: 'global', compressedSize: 'off' },
      { pattern: '2:4', compressedSize: 'off' },
      { sparsity: 0.5, scope: 'global', compressedSize: 'estimate' },
    ];
    for (const options of cases) {
      for (let rep = 0; rep < 3; rep++) {
        gc();
        const base = process.memoryUsage().arrayBuffers;
        let peak = base;
        const t = performance.now();
        const cpu0 = process.cpuUsage();
        const r = await prune.apply(model, prune.validate(options), {
          onProgress: () => {
            peak = Math.max(peak, process.memoryUsage().arrayBuffers);
          },
        });
        const total = performance.now() - t;
        const cpu = process.cpuUsage(cpu0);
        const cpuMs = (cpu.user + cpu.system) / 1000;
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        const s = r.report.stats as unknown as PruneStats;
        console.info(
          `${JSON.stringify(options)} rep ${rep}: prune ${s.timing.pruneMs.toFixed(0)} ms = ${s.timing.mbPerSecond.toFixed(0)} MB/s; ` +
            `sizes ${s.timing.sizeMs.toFixed(0)} ms; total ${total.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU ` +
            `(${(cpu.system / 1000).toFixed(0)} sys) = ${(modelBytes / 1e6 / (cpuMs / 1000)).toFixed(0)} MB per CPU-s; achieved ${s.sparsity.achieved.toFixed(6)}; ` +
            `ArrayBuffers peak ${((peak - base) / modelBytes + 1).toFixed(2)}x model` +
            (s.size.after.gzipBytes ? `; gzip ${(s.size.before.gzipBytes! / 1e6).toFixed(1)} -> ${(s.size.after.gzipBytes / 1e6).toFixed(1)} MB` : ''),
        );
        expect(s.params.pruned).toBe(LAYERS * K * N);
      }
    }
}
