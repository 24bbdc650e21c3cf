import { describe, expect, it } from 'vitest';
import { readOnnx, writeOnnx } from '../../core/formats/onnx/index';
import { summarize } from '../../core/inspect/summary';
import { oldModel } from '../../core/testing/old-model';
import { MAX_TARGET_OPSET } from '../../core/transforms/convert/options';
import { opsetChoice } from './opset-choice';

describe('the Optimize form\'s Convert opset choice', () => {
  it('offers every opset newer than the model\'s own up to the newest onnxruntime-web runs, 17 first', () => {
    const s = summarize(readOnnx(writeOnnx(oldModel(9))), 'old.onnx');
    const c = opsetChoice(s.opsets);
    expect(c.current).toBe(9);
    expect(c.targets[0]).toBe(10);
    expect(c.targets[c.targets.length - 1]).toBe(MAX_TARGET_OPSET);
    expect(c.preferred).toBe(17);
    expect(c.none).toBeUndefined();
  });
  it('prefers the newest when the model is already at 17 or later, and offers nothing at the newest', () => {
    expect(opsetChoice([{ domain: 'ai.onnx', version: 18 }]).preferred).toBe(MAX_TARGET_OPSET);
    const top = opsetChoice([{ domain: 'ai.onnx', version: MAX_TARGET_OPSET }, { domain: 'com.microsoft', version: 1 }]);
    expect(top.targets).toEqual([]);
    expect(top.none).toMatch(new RegExp(`already has opset ${MAX_TARGET_OPSET}.*nothing to convert`));
  });
  it('says so when the model imports no default opset', () => {
    expect(opsetChoice([{ domain: 'com.microsoft', version: 1 }]).none).toMatch(/no default ONNX opset/);
  });
});
