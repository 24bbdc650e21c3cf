import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ortNode } from '../../runtimes/ort-node';
import { inputTensorFromNpy } from '../bench/dataset';
import { readNpy } from '../data/npy';
import { externalTensors } from '../formats/onnx/self-contained';
import { readOnnx } from '../formats/onnx/read';
import { writeOnnx } from '../formats/onnx/write';
import { openModelFiles } from '../model/open';
import { externalDataModel } from '../testing/fixtures';
import { FIDELITY_ROWS, jobData, syntheticJobData } from './data';
import { runOptimizeJob } from './optimize';
import { ortWebNode } from '../../runtimes/ort-web-node';
import { recordOnce } from '../bench/compare';
import type { Feeds } from '../bench/session';
import type { ModelProto } from '../formats/onnx/proto';
import type { ExternalData } from '../formats/onnx/tensor';
import { sessionParts, tensorBuffers } from './session-parts';
import { expectSame } from '../testing/same.testkit';

const SAMPLES = resolve(__dirname, '../../../public/samples');
const open = (name: string) => openModelFiles([{ name, bytes: new Uint8Array(readFileSync(resolve(SAMPLES, name))) }]);

/** The sample's test split, as the shells hand it to the job. */
function split(opened: ReturnType<typeof open>, limit: number, batch: number) {
  const sig = opened.summary.inputs[0];
  const t = inputTensorFromNpy(readNpy(readFileSync(resolve(SAMPLES, 'mnist-test-x.npy'))), sig);
  return jobData(t, sig, { kind: 'samples', file: 'mnist-test-x.npy' }, limit, batch);
}

describe('runOptimizeJob on the MNIST samples (onnxruntime-node)', () => {
  it('prune: the original is recorded before pruning writes into its bytes, on the real test split', async () => {
    const opened = open('mnist-cnn.onnx');
    const parts: number[] = [];
    const { report, bytes } = await runOptimizeJob({
      model: opened.model,
      fileBytes: opened.bytes,
      recipe: { steps: [{ transform: 'prune', options: { sparsity: 0.5 } }] },
      runtime: ortNode,
      fidelity: split(opened, FIDELITY_ROWS, 16),
      onVariant: (p) => void parts.push(p.length),
    });
    expect(parts).toHaveLength(1);
    expect(report.fidelity.data).toEqual({ kind: 'samples', file: 'mnist-test-x.npy', rows: 64 });
    const f = report.fidelity.outputs.probabilities;
    expect(report.fidelity.error).toBeUndefined();
    // Not identical (the reference was not taken from the already pruned bytes), yet close on real digits.
    expect(f.relativeL2).toBeGreaterThan(0);
    expect(f.top1Agreement).toBeGreaterThanOrEqual(0.95);
    expect(report.weights.after.sparsity).toBeGreaterThan(0.45);
    expect(report.size.gzipRatio).toBeGreaterThan(1);
    expect(report.layers.map((l) => l.weight)).toEqual(['conv1.weight', 'conv2.weight', 'dense1.weight', 'logits.weight']);
    expect(readOnnx(bytes).proto.graph?.node.length).toBe(opened.model.proto.graph?.node.length);
  });

  it('static quantization calibrates on the job data and reports what it used', async () => {
    const opened = open('mnist-mlp.onnx');
    const { report } = await runOptimizeJob({
      model: opened.model,
      recipe: { steps: [{ transform: 'quantize', options: { mode: 'static' } }] },
      runtime: ortNode,
      fidelity: split(opened, FIDELITY_ROWS, 64),
      calibration: { ...split(opened, 128, 32), method: 'minmax', batchSize: 32 },
    });
    expect(report.calibration).toMatchObject({ batches: 4, batchSize: 32, data: { kind: 'samples', rows: 128 } });
    expect(report.timing.calibrationMs).toBeGreaterThan(0);
    expect(report.size.ratio).toBeGreaterThan(3);
    expect(report.fidelity.outputs.probabilities.top1Agreement).toBeGreaterThanOrEqual(0.95);
  });

  it('a model with external data: compared on synthetic rows, and the variant stands alone', async () => {
    const fx = externalDataModel();
    const opened = openModelFiles([{ name: 'm.onnx', bytes: writeOnnx(fx.model) }, ...Object.entries(fx.files).map(([name, bytes]) => ({ name, bytes }))]);
    const { report, model, bytes } = await runOptimizeJob({
      model: opened.model,
      fileBytes: opened.bytes,
      recipe: { steps: [{ transform: 'quantize', options: { mode: 'weight-only', opTypes: ['MatMul'] } }] },
      runtime: ortNode,
      fidelity: syntheticJobData(opened.summary.inputs),
    });
    expect(report.fidelity.data).toEqual({ kind: 'synthetic', file: null, rows: 16 });
    expect(report.fidelity.outputs.y.cosine).toBeGreaterThan(0.99);
    expect(externalTensors(model)).toEqual([]);
    const s = await ortNode.createSession(bytes);
    await s.release();
  });
});

describe('runOptimizeJob with the runs done by the caller (as the app does, each in a worker of its own)', () => {
  /** What the app's fidelity worker does, in this thread: the model's buffers transferred away and back. */
  const lendAndRecord = async (model: { proto: ModelProto; external: ExternalData }, batches: Feeds[]) => {
    const parts = sessionParts(model);
    const lent = tensorBuffers(model.proto, model.external, 1024); // the app lends buffers of 1 MiB and more; this file is smaller
    const there = structuredClone({ parts, buffers: lent.buffers }, { transfer: lent.buffers });
    const open = () => ortWebNode().createSession(there.parts.graph, { externalData: there.parts.externalData, lowMemory: true });
    const outputs = await recordOnce(open, batches);
    lent.reattach(structuredClone(there.buffers, { transfer: there.buffers }));
    return { outputs };
  };

  it('prune: the same variant bytes and fidelity as when the job runs both models itself', async () => {
    const recipe = { steps: [{ transform: 'prune' as const, options: { sparsity: 0.5 } }] };
    const a = open('mnist-cnn.onnx');
    const data = split(a, FIDELITY_ROWS, 16);
    const own = await runOptimizeJob({ model: a.model, fileBytes: a.bytes, recipe, runtime: ortWebNode(), fidelity: data });

    const b = open('mnist-cnn.onnx');
    const reference = await lendAndRecord(b.model, data.batches);
    expect(b.bytes.byteLength).toBe(0); // the file's buffer was lent: the model's tensors were pointed at it again
    const lent = await runOptimizeJob({
      model: b.model,
      recipe,
      runtime: ortWebNode(),
      fidelity: data,
      reference,
      recordVariant: (variant) => lendAndRecord({ proto: variant, external: new Map() }, data.batches),
    });
    expectSame(lent.bytes, own.bytes);
    expect(lent.report.fidelity.error).toBeUndefined();
    const [x, y] = [own.report.fidelity.outputs.probabilities, lent.report.fidelity.outputs.probabilities];
    expect(y.top1Agreement).toBe(x.top1Agreement);
    expect(y.cosine).toBeCloseTo(x.cosine, 6);
    expect(lent.report.weights).toEqual(own.report.weights);
  });
});
