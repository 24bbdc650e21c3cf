import { describe, expect, it } from 'vitest';
import { readOnnx, writeOnnx } from './formats/onnx/index';
import { build, DataType } from './formats/onnx/index';
import { applyRecipe } from './transforms/apply-recipe';
import { forSurface } from './surface';

describe('forSurface: a core message names the CLI flag in the CLI and the form field in the app', () => {
  it('keeps one of "--flag / Field"', () => {
    const m = 'kept in float: first quantizable layer (--keep-first / keep first layer float)';
    expect(forSurface(m, 'cli')).toBe('kept in float: first quantizable layer (--keep-first)');
    expect(forSurface(m, 'app')).toBe('kept in float: first quantizable layer (keep first layer float)');
    expect(forSurface('no flag here (a / b)', 'app')).toBe('no flag here (a / b)');
  });

  it('rewords the reasons a real quantize run gives, so no app message names a flag', async () => {
    const { graph, node, valueInfo, floatTensor, model } = build;
    const w = (name: string) => floatTensor(name, [4, 4], Float32Array.from({ length: 16 }, (_, i) => Math.sin(i + name.length)));
    const g = graph({
      name: 'g',
      nodes: [node('MatMul', ['x', 'W1'], ['h'], {}, { name: 'first' }), node('MatMul', ['h', 'W2'], ['y'], {}, { name: 'second' })],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 4])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 4])],
      initializers: [w('W1'), w('W2')],
    });
    const r = await applyRecipe(readOnnx(writeOnnx(model({ graph: g, opset: 17 }))), {
      steps: [{ transform: 'quantize', options: { mode: 'dynamic', activationType: 'int8', keepFirstLayerFloat: true, excludeNodes: ['second'] } }],
    });
    const texts = r.reports.flatMap((x) => [...x.notes, ...x.skipped.map((s) => s.reason)]);
    expect(texts.some((t) => t.includes('--'))).toBe(true); // core writes both names
    const app = texts.map((t) => forSurface(t, 'app'));
    expect(app.filter((t) => /--[a-z]/.test(t))).toEqual([]);
    expect(app).toContain('kept in float: first quantizable layer (keep first layer float)');
    expect(app).toContain('excluded by name (Exclude)');
    expect(app.some((t) => t.startsWith('int8 activations (Activation type) apply to static mode'))).toBe(true);
  });
});
