import { describe, expect, it } from 'vitest';
import { build, DataType, readOnnx, writeOnnx } from '../../core/formats/onnx/index';
import { summarize } from '../../core/inspect/summary';
import { initialCostState } from '../cost';
import type { LoadedModel } from '../models';
import type { StudioState } from '../store';
import { isStoredHead, joinMeta, metaOf, restoredState, runKey, splitMeta, summaryKey, variantKey, variantRecord } from './snapshot';

const bytes = new Uint8Array((() => {
  const { graph, node, valueInfo, model } = build;
  return writeOnnx(model({ graph: graph({ name: 'g', nodes: [node('Relu', ['x'], ['y'])], inputs: [valueInfo('x', DataType.FLOAT, [1])], outputs: [valueInfo('y', DataType.FLOAT, [1])] }) }));
})());
const summary = summarize(readOnnx(bytes), 'relu.onnx');

function state(): StudioState {
  const file: LoadedModel = { id: 'm1', name: 'relu.onnx', source: 'file', origin: { kind: 'files', files: [new File([bytes], 'relu.onnx')] }, summary, readMs: 1, parseMs: 2, loadedAt: 3 };
  const sample: LoadedModel = { id: 'm2', name: 'mnist-cnn.onnx', source: 'sample', origin: { kind: 'url', url: '/samples/mnist-cnn.onnx', name: 'mnist-cnn.onnx' }, summary, readMs: 1, parseMs: 2, loadedAt: 3 };
  const progress = { fraction: 1, stage: 'done' };
  return {
    models: [file, sample],
    activeModelId: 'm1',
    loading: null,
    error: null,
    variants: [
      { id: 'v1', modelId: 'm1', name: 'int8 dynamic', recipe: { steps: [] } as never, data: { kind: 'synthetic' }, status: 'done', progress, startedAt: 1, blob: new Blob([bytes]) },
      { id: 'v2', modelId: 'm1', name: 'prune', recipe: { steps: [] } as never, data: { kind: 'synthetic' }, status: 'running', progress, startedAt: 1 },
    ],
    benchRuns: [
      { id: 'b1', modelId: 'm1', startedAt: 1, settings: { batchSizes: [1], runs: 10, warmupRuns: 1, timeBudgetMs: 1, dataName: 'd', labelled: false }, cells: [{ targetId: 'original', targetName: 'original', backend: 'wasm', threads: 1, status: 'running', progress }] },
    ],
    support: {},
    ...initialCostState(),
    workspace: { restored: null, restoreNotes: [], notKept: [], saveError: null, savedAt: null },
  };
}

describe('the saved workspace', () => {
  it('round trip: models by bytes or URL, variants with bytes, runs and scenarios; running work comes back interrupted', async () => {
    const s = state();
    // As stored: the head under "workspace", each run and variant under its own key (a save clones only what changed).
    const whole = metaOf(s, new Set(), 42);
    const head = structuredClone(splitMeta(whole));
    expect(isStoredHead(head)).toBe(true);
    const stored = new Map<string, unknown>([
      ...whole.benchRuns.map((r) => [runKey(r.id), structuredClone(r)] as const),
      ...s.variants.map((v) => [variantKey(v.id), structuredClone(variantRecord(v))] as const),
    ]);
    const meta = joinMeta(head, (k) => stored.get(k));
    expect(meta).toEqual(structuredClone(whole));
    expect(JSON.stringify(meta)).not.toContain('"summary"'); // summaries are kept apart (big models have big ones)
    expect(meta.models.map((m) => m.origin.kind)).toEqual(['stored', 'url']);
    const blobs = new Map<string, Blob>([
      ['model/m1/0', new Blob([bytes])],
      ['variant/v1', new Blob([bytes])],
    ]);
    const { state: back, notes } = restoredState(meta, { summaries: new Map([['m1', summary], ['m2', summary]]), blobs });
    expect(notes).toEqual([]);
    expect(back.models.map((m) => [m.id, m.origin.kind])).toEqual([['m1', 'files'], ['m2', 'url']]);
    const f = back.models[0].origin.kind === 'files' ? back.models[0].origin.files[0] : null;
    expect(f?.name).toBe('relu.onnx');
    expect(new Uint8Array(await f!.arrayBuffer())).toEqual(bytes);
    expect(back.activeModelId).toBe('m1');
    expect(back.variants.map((v) => [v.id, v.status, !!v.blob])).toEqual([['v1', 'done', true], ['v2', 'cancelled', false]]);
    expect(back.benchRuns[0].cells[0].status).toBe('cancelled');
    expect(back.benchRuns[0].cells[0].error?.message).toMatch(/reloaded/);
    expect(back.costDraft).toEqual(s.costDraft);
    expect(summaryKey('m1')).toBe('summary/m1');
  });

  it('a model not kept leaves with its variants and runs; missing bytes are said, never a crash', () => {
    const s = state();
    const meta = metaOf(s, new Set(['m1']), 1);
    expect(meta.models.map((m) => m.id)).toEqual(['m2']);
    expect(meta.variants).toEqual([]);
    expect(meta.benchRuns).toEqual([]);
    expect(meta.activeModelId).toBe('m2');
    const full = metaOf(s, new Set(), 1);
    const { state: back, notes } = restoredState(full, { summaries: new Map([['m2', summary]]), blobs: new Map() });
    expect(back.models.map((m) => m.id)).toEqual(['m2']);
    expect(notes).toEqual(['relu.onnx could not be restored: its summary is missing from the saved workspace.']);
    const { notes: n2 } = restoredState(full, { summaries: new Map([['m1', summary], ['m2', summary]]), blobs: new Map() });
    expect(n2[0]).toMatch(/relu\.onnx could not be restored: its bytes are missing/);
    expect(isStoredHead({ version: 2 })).toBe(false);
    expect(isStoredHead(null)).toBe(false);
    // a run record lost: the rest comes back
    expect(joinMeta(splitMeta(full), (k) => (k.startsWith('run/') ? undefined : full.variants.find((v) => `vmeta/${v.id}` === k))).benchRuns).toEqual([]);
  });
});
