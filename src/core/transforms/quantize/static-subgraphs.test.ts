/**
 * Static mode in If branches: each graph holds the scale and zero point its QuantizeLinear/DequantizeLinear read
 * (onnxruntime's extended QDQ fusions refuse a branch whose Q/DQ parameters come from the outer scope: "two nodes
 * with same node name", seen on Silero VAD's legacy model; ../../../cli/real-models-convert.test.ts runs that one).
 */
import { describe, expect, it } from 'vitest';
import type { GraphProto } from '../../formats/onnx/proto';
import { BIG_N, ifSubgraphModel, randomFloats } from '../../testing/fixtures';
import { asModel, floatFeed, ortNodeRunner, openSession } from './harness.testkit';
import { calibrate, quantize } from './index';

describe('static quantization inside If branches', () => {
  it('puts every Q/DQ parameter in the graph that reads it, with names unique across all graphs, and runs in onnxruntime-node', async () => {
    const m = asModel(ifSubgraphModel());
    const bool = (b: boolean) => ({ type: 'bool', data: Uint8Array.of(b ? 1 : 0), dims: [] as number[] });
    const batches = [true, false].map((c, i) => ({ cond: bool(c), x: { data: randomFloats(128, 40 + i), dims: [1, 128] } }));
    const cal = await calibrate(m, batches, ortNodeRunner);
    const { model } = await quantize.apply(m, quantize.validate({ mode: 'static', activationRanges: cal.ranges }));
    const names: string[] = [];
    let checked = 0;
    const visit = (g: GraphProto) => {
      const inits = new Set(g.initializer.map((t) => t.name));
      for (const t of g.initializer) names.push(t.name);
      for (const n of g.node) {
        if (n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear') {
          for (const p of n.input.slice(1)) expect(inits.has(p), `${n.name} reads ${p} from ${g.name}`).toBe(true);
          checked++;
        }
        if (n.name) names.push(n.name);
        for (const a of n.attribute) if (a.g) visit(a.g);
      }
    };
    visit(model.graph!);
    // x is quantized in both branches: two Q/DQ pairs, each branch with its own parameters
    expect(checked).toBeGreaterThanOrEqual(8);
    expect(new Set(names).size).toBe(names.length);
    const s = await openSession(model, 'node');
    try {
      for (const c of [true, false]) {
        const y = (await s.run({ cond: bool(c), x: floatFeed(randomFloats(128, 50), [1, 128]) })).y;
        expect(y.length).toBe(BIG_N);
      }
    } finally {
      await s.release();
    }
  });
});
