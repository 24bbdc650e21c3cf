import { describe, expect, it } from 'vitest';
import { readOnnx, writeOnnx } from '../formats/onnx/index';
import { summarize } from '../inspect/summary';
import { detectorModel, recurrentModel } from './input-spec-models';
import { describeSpecEntry, macsShapes, resolveInputSpec, type InputSpecOptions, type SpecModel } from './input-spec';

const summaryOf = (m: ReturnType<typeof detectorModel>) => summarize(readOnnx(writeOnnx(m)), 'm.onnx');
const detector = summaryOf(detectorModel()); // image [batch, 3, H, W]
const vad = summaryOf(recurrentModel()); // input [batch, 512], state [2, batch, 128], sr int64 scalar
const unnamed: SpecModel = { inputs: [{ name: 'x', dtype: 'float32', shape: [null, 3, null, null] }] };

const refusal = (m: SpecModel, o: InputSpecOptions) => {
  try {
    resolveInputSpec(m, o);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('not refused');
};

describe('input-spec wording: the CLI names flags, the app names the form fields', () => {
  it('open named dims', () => {
    expect(refusal(detector, {})).toContain('give H and W (--dim H=320 --dim W=320 or --shape image=1x3x320x320)');
    const app = refusal(detector, { surface: 'app' });
    expect(app).toContain('give H and W (the "H" and "W" fields under "Input shapes and values")');
    expect(app).not.toMatch(/--[a-z]/);
  });

  it('open unnamed dims: the whole-shape field', () => {
    expect(refusal(unnamed, {})).toContain('--shape x=1x3x320x320');
    const app = refusal(unnamed, { surface: 'app' });
    expect(app).toContain('the "x shape" field under "Input shapes and values", e.g. 1x3x320x320');
    expect(app).not.toMatch(/--[a-z]/);
  });

  it('a scalar that needs its value, and a shape of the wrong rank', () => {
    expect(refusal(vad, {})).toContain('give its value (--value sr=<number>)');
    expect(refusal(vad, { surface: 'app' })).toContain('give its value (the "sr" field under "Input shapes and values")');
    expect(refusal(detector, { shapes: { image: [1, 3, 320] } })).toContain('--shape image has 3 dims');
    expect(refusal(detector, { shapes: { image: [1, 3, 320] }, surface: 'app' })).toContain('the "image shape" field has 3 dims');
    expect(() => macsShapes(detector, { shapes: { image: [1, 3] }, surface: 'app' })).toThrow(/^the "image shape" field has 2 dims/);
  });

  it('the reasons a resolved spec gives for what the user set', () => {
    const at = (surface: 'cli' | 'app') => resolveInputSpec(detector, { dims: { H: 320, W: 320 }, surface }).inputs.map(describeSpecEntry).join(' ');
    expect(at('cli')).toContain('H=320 user (--dim H=320)');
    expect(at('app')).toContain('H=320 user (form field "H")');
    expect(at('app')).not.toMatch(/--[a-z]/);
    const sr = (surface: 'cli' | 'app') => describeSpecEntry(resolveInputSpec(vad, { values: { sr: 16000 }, surface }).inputs.find((e) => e.name === 'sr')!);
    expect(sr('cli')).toContain('16000 (--value sr=16000)');
    expect(sr('app')).toContain('16000 (form field "sr")');
  });
});
