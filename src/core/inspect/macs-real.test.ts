/**
 * Shapes and MACs on real public models whose shapes are computed at run time: PaddleOCR's PP-OCRv4 text recogniser
 * (SVTR attention: Shape→Slice→Concat→Reshape, Transpose, MatMul between activations), its direction classifier, and
 * Silero VAD (STFT padding from Shape/Gather/ConstantOfShape/Pad, LSTM, nested Ifs). The expected numbers come from
 * testdata/macs-reference.json, written by scripts/macs-reference.ts without our inference: onnxruntime-node ran each
 * model at these input shapes and its profile recorded every node that ran with its output shapes; MACs counted
 * from those run-time shapes. Each model is skipped only when its package is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOnnx, type OnnxModel } from '../formats/onnx/index';
import type { GraphProto } from '../formats/onnx/proto';
import { graphsOf } from '../formats/onnx/walk';
import { constantsOf, inferGraphShapes, type Shape } from './shapes';
import { summarize, type ModelSummary } from './summary';

interface RefCase {
  id: string;
  model: string;
  inputs: Record<string, number[] | { int64: number }>;
  macs: { total: number; byOp: Record<string, number> };
  nodes?: Record<string, { op: string; outputs: number[][]; macs: number }>;
}
const REF = JSON.parse(readFileSync(new URL('./testdata/macs-reference.json', import.meta.url), 'utf8')) as { cases: RefCase[] };

const models = new Map<string, OnnxModel>();
const load = (path: string) => {
  if (!models.has(path)) models.set(path, readOnnx(new Uint8Array(readFileSync(path))));
  return models.get(path)!;
};
const shapesOf = (c: RefCase) => Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, Array.isArray(v) ? v : []]));
const valuesOf = (c: RefCase) =>
  Object.fromEntries(Object.entries(c.inputs).flatMap(([k, v]) => (Array.isArray(v) ? [] : [[k, v.int64] as const])));
const at = (c: RefCase, values = true): ModelSummary =>
  summarize(load(c.model), c.id, { inputShapes: shapesOf(c), ...(values ? { inputValues: valuesOf(c) } : {}) });
const byOp = (s: ModelSummary) => {
  const out: Record<string, number> = {};
  for (const l of s.layers) if (l.macs) out[l.opType] = (out[l.opType] ?? 0) + l.macs;
  return out;
};

describe.each(REF.cases)('$id: shapes and MACs as onnxruntime ran it', (c) => {
  it.skipIf(!existsSync(c.model))('MACs: the run-time total, op by op, no node unknown', () => {
    const s = at(c);
    expect(s.macs.nodesUnknown).toBe(0);
    expect(s.macs.undecidedIfs).toBeUndefined();
    expect(byOp(s)).toEqual(c.macs.byOp);
    expect(s.macs.total).toBe(c.macs.total);
    if (!c.nodes) return;
    // Node by node: every node that ran has its MACs; every node in a branch that did not run has none.
    for (const l of s.layers) {
      const ran = c.nodes[l.name];
      if (ran) expect(l.macs, `${l.graph}/${l.name}`).toBe(ran.macs);
      else if (l.opType !== 'Constant') expect(l.macs, `${l.graph}/${l.name} did not run`).toBe(0);
    }
  });

  // Cases kept with every node (the others give totals only).
  if (c.nodes) it.skipIf(!existsSync(c.model))('shapes: every output of every node that ran, as it ran', () => {
    const model = load(c.model);
    const main = model.proto.graph!;
    const values = new Map(Object.entries(valuesOf(c)).map(([k, v]) => [k, { v: [v], float: false }]));
    const shapesIn = new Map(Object.entries(shapesOf(c)));
    const r = inferGraphShapes(main, constantsOf(main), model.external, null, undefined, shapesIn, values);
    const inGraph = new Map<GraphProto, Map<string, Shape>>([[main, r.shapes], ...[...r.subgraphs].map(([g, x]) => [g, x.shapes] as const)]);
    let compared = 0;
    for (const { graph } of graphsOf(model.proto)) {
      const shapes = inGraph.get(graph)!;
      for (const n of graph.node) {
        const ran = c.nodes![n.name];
        if (!ran) continue;
        expect(n.output.map((o) => shapes.get(o)), n.name).toEqual(ran.outputs);
        compared++;
      }
    }
    expect(compared).toBe(Object.keys(c.nodes!).length);
  });
});

const find = (id: string) => REF.cases.find((c) => c.id === id)!;

describe('what stays unknown', () => {
  const rec = find('rec-48x320');
  const v5 = find('silero-v5');

  it.skipIf(!existsSync(rec.model))('rec with its width open: nodes after the width are "?", none counted at a made-up width', () => {
    const s = summarize(load(rec.model), 'rec.onnx');
    expect(s.macsAt).toEqual([{ name: 'x', shape: [1, 3, 48, null] }]);
    expect(s.macs.nodesUnknown).toBeGreaterThan(40);
    // The width scales the work: 640 wide is about twice 320 wide, both from the run-time reference.
    expect(find('rec-48x640').macs.total / rec.macs.total).toBeCloseTo(2, 0);
    expect(at(find('rec-48x640')).macs.total).toBe(find('rec-48x640').macs.total);
  });

  it.skipIf(!existsSync(v5.model))('Silero v5 without the sample rate: its If on sr is undecided, both branches counted, said so', () => {
    const s = at(v5, false);
    expect(s.macs.undecidedIfs).toBeGreaterThan(0);
    expect(s.macsAt.find((i) => i.name === 'sr')).toEqual({ name: 'sr', shape: [] });
    // Both the 16 kHz and the 8 kHz branch are in the total: more than the branch that runs at sr=16000.
    expect(s.macs.total).toBeGreaterThan(v5.macs.total);
    expect(at(v5).macsAt.find((i) => i.name === 'sr')).toEqual({ name: 'sr', shape: [], value: 16000 });
  });
});
