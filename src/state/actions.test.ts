import { beforeEach, describe, expect, it } from 'vitest';
import { build, DataType, readOnnx, writeOnnx } from '../core/formats/onnx/index';
import { summarize } from '../core/inspect/summary';
import { activeModel, closeModel, dismissError, selectModel } from './actions';
import type { LoadedModel } from './models';
import { studio } from './store';

function loaded(id: string, name: string): LoadedModel {
  const { graph, node, valueInfo, model } = build;
  const g = graph({
    name: 'g',
    nodes: [node('Relu', ['x'], ['y'])],
    inputs: [valueInfo('x', DataType.FLOAT, [1])],
    outputs: [valueInfo('y', DataType.FLOAT, [1])],
  });
  const summary = summarize(readOnnx(writeOnnx(model({ graph: g }))), name);
  return { id, name, source: 'file', origin: { kind: 'buffers', files: [] }, summary, readMs: 0, parseMs: 0, loadedAt: 0 };
}

describe('model actions (store without rendering)', () => {
  beforeEach(() => {
    studio.setState({ models: [loaded('a', 'a.onnx'), loaded('b', 'b.onnx')], activeModelId: 'b', error: null, loading: null });
  });

  it('selects only models that exist', () => {
    selectModel('a');
    expect(activeModel(studio.getState())?.name).toBe('a.onnx');
    selectModel('nope');
    expect(studio.getState().activeModelId).toBe('a');
  });

  it('closing the active model activates the last remaining one; closing others keeps the selection', () => {
    closeModel('b');
    expect(studio.getState().models.map((m) => m.id)).toEqual(['a']);
    expect(studio.getState().activeModelId).toBe('a');
    studio.setState({ models: [loaded('a', 'a.onnx'), loaded('b', 'b.onnx')], activeModelId: 'a' });
    closeModel('b');
    expect(studio.getState().activeModelId).toBe('a');
    closeModel('a');
    expect(studio.getState().activeModelId).toBeNull();
  });

  it('dismissing an error keeps every model', () => {
    studio.setState({ error: { code: 'not-onnx', message: 'x', context: 'f' } });
    dismissError();
    expect(studio.getState().error).toBeNull();
    expect(studio.getState().models).toHaveLength(2);
  });
});
