import { describe, expect, it } from 'vitest';
import { CAP_WITHOUT_ESTIMATE, keepDecision, MAX_KEPT_MODEL_BYTES, modelCap } from './cap';

describe('which models the workspace keeps', () => {
  it('caps at half the free quota, at most 1 GiB, 256 MiB without an estimate', () => {
    expect(modelCap({ quota: 10e9, usage: 0 }).bytes).toBe(MAX_KEPT_MODEL_BYTES);
    expect(modelCap({ quota: 1e9, usage: 600e6 })).toEqual({ bytes: 200e6, basis: 'half of the 400 MB this site may still store' });
    expect(modelCap({ quota: 1e9, usage: 2e9 }).bytes).toBe(0);
    expect(modelCap(null).bytes).toBe(CAP_WITHOUT_ESTIMATE);
    expect(modelCap({}).bytes).toBe(CAP_WITHOUT_ESTIMATE);
  });

  it('a model over the cap is refused with a sentence naming it, its size and the cap', () => {
    const cap = modelCap({ quota: 1e9, usage: 600e6 });
    expect(keepDecision('small.onnx', 200e6, cap)).toEqual({ keep: true });
    const r = keepDecision('big.onnx', 300e6, cap);
    expect(r.keep).toBe(false);
    if (!r.keep) expect(r.why).toMatch(/^big\.onnx \(300 MB\) is too large to keep .*cap 200 MB: half of the 400 MB/);
  });
});
