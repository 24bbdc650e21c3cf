import { describe, expect, it } from 'vitest';
import { detectorModel, recurrentModel } from '../core/bench/input-spec-models';
import { resolveInputSpec } from '../core/bench/input-spec';
import { build, DataType, readOnnx, writeOnnx } from '../core/formats/onnx/index';
import { summarize } from '../core/inspect/summary';
import type { ModelProto } from '../core/formats/onnx/proto';
import { inputSpecJson } from '../core/bench/input-spec';
import { emptyChoiceText, inputFields, namesList, parseInputChoice, specShapes } from './input-choice';

const summaryOf = (m: ModelProto) => summarize(readOnnx(writeOnnx(m)), 'm.onnx');

describe('the forms\' input fields', () => {
  it('detector [batch, 3, H, W]: fields H and W; missing until both are set; the choice resolves to 1x3x320x320', () => {
    const s = summaryOf(detectorModel());
    expect(inputFields(s)).toEqual({ dims: [{ name: 'H', inputs: ['image'] }, { name: 'W', inputs: ['image'] }], shapes: [], values: [] });
    const none = parseInputChoice(s, emptyChoiceText());
    expect(none.missing).toEqual(['H', 'W']);
    expect(namesList(none.missing)).toBe('H and W');
    const half = parseInputChoice(s, { ...emptyChoiceText(), dims: { H: '320' } });
    expect(half.missing).toEqual(['W']);
    const bad = parseInputChoice(s, { ...emptyChoiceText(), dims: { H: '0', W: 'x' } });
    expect(bad.errors).toEqual(['H: a whole number of at least 1.', 'W: a whole number of at least 1.']);
    expect(bad.missing).toEqual(['H', 'W']);
    const full = parseInputChoice(s, { ...emptyChoiceText(), dims: { H: '320', W: ' 320 ' } });
    expect(full).toEqual({ choice: { dims: { H: 320, W: 320 } }, errors: [], missing: [] });
    const spec = inputSpecJson(resolveInputSpec(s, full.choice));
    expect(spec.inputs[0].shape).toEqual([1, 3, 320, 320]);
    // What a result row shows, at each batch size it ran.
    expect(specShapes(spec, 1)).toBe('image [1, 3, 320, 320]');
    expect(specShapes(spec, 4)).toBe('image [4, 3, 320, 320]');
  });

  it('recurrent model with an int64 scalar sr: one value field; nothing else is asked', () => {
    const s = summaryOf(recurrentModel());
    expect(inputFields(s)).toEqual({ dims: [], shapes: [], values: ['sr'] });
    expect(parseInputChoice(s, emptyChoiceText()).missing).toEqual(['sr']);
    const r = parseInputChoice(s, { ...emptyChoiceText(), values: { sr: '16000' } });
    expect(r).toEqual({ choice: { values: { sr: 16000 } }, errors: [], missing: [] });
    const spec = resolveInputSpec(s, r.choice);
    expect(spec.inputs.map((e) => e.shape)).toEqual([[1, 512], [2, 1, 128], []]);
    expect(specShapes(inputSpecJson(spec), 1)).toBe('input [1, 512] · state [2, 1, 128] · sr []');
  });

  it('open dims without a name: a whole-shape field for that input', () => {
    const { graph, node, valueInfo, model } = build;
    const g = graph({
      name: 'g',
      nodes: [node('Relu', ['x'], ['y'])],
      inputs: [valueInfo('x', DataType.FLOAT, [1, 4, null])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 4, null])],
    });
    const s = summaryOf(model({ graph: g }));
    expect(inputFields(s)).toEqual({ dims: [], shapes: [{ input: 'x', declared: '[1, 4, ?]' }], values: [] });
    expect(parseInputChoice(s, emptyChoiceText()).missing).toEqual(['x axis 2']);
    const r = parseInputChoice(s, { ...emptyChoiceText(), shapes: { x: '1x4x7' } });
    expect(r).toEqual({ choice: { shapes: { x: [1, 4, 7] } }, errors: [], missing: [] });
  });

  it('a model with every dim fixed asks for nothing', () => {
    const { graph, node, valueInfo, model } = build;
    const g = graph({ name: 'g', nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', DataType.FLOAT, ['batch', 4])], outputs: [valueInfo('y', DataType.FLOAT, ['batch', 4])] });
    const s = summaryOf(model({ graph: g }));
    expect(inputFields(s)).toEqual({ dims: [], shapes: [], values: [] });
    expect(parseInputChoice(s, emptyChoiceText())).toEqual({ choice: {}, errors: [], missing: [] });
  });
});
