/**
 * Speed and memory on a ~400 MB float32 model (one core). Opt-in, slow:
 *   NODE_OPTIONS=--expose-gc PARETO_QUANT_BENCH=1 npx vitest run src/core/transforms/quantize/bench.test.ts
 * (--expose-gc lets it drop one mode's output before measuring the next one's memory). The model is written and read back, so weights are raw_data views
 * into the file buffer (unaligned ones included), as when a user opens a file.
 */
import { describe, expect, it } from 'vitest';
import * as build from '../../formats/onnx/builder';
import { DataType } from '../../formats/onnx/proto';
import { readOnnx } from '../../formats/onnx/read';
import { writeOnnxParts } from '../../formats/onnx/write';
import { concatBytes, rng } from '../../testing/fixtures';
import { quantize, type QuantizeMode } from './index';

const { node, graph, valueInfo, floatTensor, attr } = build;

function bigModel(layers: number, dim: number): Uint8Array {
  const r = rng(1);
  const nodes = [];
  const inits = [];
  let x = 'x';
  for (let l = 0; l < layers; l++) {
    const w = new Float32Array(dim * dim);
    for (let i = 0; i < w.length; i++) w[i] = r() - 0.5;
    const y = `h${l}`;
    // Half MatMul [K, N] (per-column channels), half Gemm transB [N, K] (per-row channels, transposed for dynamic).
    nodes.push(l % 2 ? node('Gemm', [x, `W${l}`], [y], { transB: attr.i(1) }, { name: `gemm${l}` }) : node('MatMul', [x, `W${l}`], [y], {}, { name: `mm${l}` }));
    inits.push(floatTensor(`W${l}`, [dim, dim], w));
    x = y;
  }
  const m = build.model({
    graph: graph({ name: 'big', nodes, inputs: [valueInfo('x', DataType.FLOAT, [1, dim])], outputs: [valueInfo(x, DataType.FLOAT, [1, dim])], initializers: inits }),
    opset: 17,
  });
  return concatBytes(writeOnnxParts(m));
}

describe.skipIf(!process.env.PARETO_QUANT_BENCH)('quantize speed (PARETO_QUANT_BENCH=1)', () => {
  it('~400 MB model: MB/s of float32 weights and peak memory', async () => {
    const layers = 4;
    const dim = 5000; // 4 x 5000 x 5000 x 4 B = 400 MB
    const bytes = bigModel(layers, dim);
    const model = readOnnx(bytes);
    const weightMB = (layers * dim * dim * 4) / 1e6;
    const lines = [`model ${(bytes.length / 1e6).toFixed(0)} MB (${weightMB.toFixed(0)} MB float32 weights), node ${process.version}`];
    for (const mode of ['dynamic', 'weight-only', 'fp16', 'dynamic-per-tensor'] as const) {
      globalThis.gc?.();
      const base = process.memoryUsage().arrayBuffers;
      let peak = base;
      const opts = quantize.validate(mode === 'dynamic-per-tensor' ? { mode: 'dynamic', perChannel: false } : { mode: mode as QuantizeMode });
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let r: Awaited<ReturnType<typeof quantize.apply>> | undefined = await quantize.apply(model, opts, {
        onProgress: () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)),
      });
      const dt = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(c0);
      const cpuS = (cpu.user + cpu.system) / 1e6;
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      expect(r.report.stats.quantizedNodes).toBe(layers);
      lines.push(
        `${mode.padEnd(19)} ${(weightMB / dt).toFixed(0).padStart(5)} MB/s wall (${(dt * 1000).toFixed(0)} ms), ` +
          `${(weightMB / cpuS).toFixed(0).padStart(5)} MB per CPU-second (the machine is shared); ` +
          `array buffers: ${(base / 1e6).toFixed(0)} MB before, peak ${(peak / 1e6).toFixed(0)} MB = ${(peak / bytes.length).toFixed(2)}x the model file` +
          (globalThis.gc ? '' : ' (no --expose-gc: includes earlier garbage)'),
      );
      r = undefined;
    }
    console.log(lines.join('\n'));
  }, 600_000);
});
