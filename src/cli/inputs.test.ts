/**
 * `--shape`, `--dim`, `--value` and several-input `--data` on `pareto bench|quantize|prune|inspect`, end to end (the
 * CLI in-process): models shaped like real ones (a detector with symbolic H/W, a voice-activity-like recurrent model
 * with an int64 scalar, an embedding) and a model of ONNX's own backend tests (libonnx-testdata) with its test data.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';
import { detectorModel, embeddingModel, recurrentModel } from '../core/bench/input-spec-models';
import { writeNpy } from '../core/data/npy';
import { writeNpz } from '../core/data/npz';
import { TensorProtoSchema } from '../core/formats/onnx/proto';
import { dimsOf, tensorToNumbers } from '../core/formats/onnx/tensor';
import { writeOnnx } from '../core/formats/onnx/write';


async function pareto(args: string[]) {
  const r = await runCli(args, { cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function json(args: string[]) {
  const r = await pareto([...args, '--json']);
  if (r.code !== 0) throw new Error(`pareto ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

let dir: string;
const p = (name: string) => join(dir, name);
const dimsBy = (spec: { inputs: { name: string; dims: { name: string | null; value: number; source: string }[] }[] }, input: string) =>
  spec.inputs.find((i) => i.name === input)!.dims.map((d) => `${d.name ?? '-'}=${d.value}:${d.source}`);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pareto-inputs-'));
  writeFileSync(p('det.onnx'), writeOnnx(detectorModel()));
  writeFileSync(p('vad.onnx'), writeOnnx(recurrentModel()));
  writeFileSync(p('emb.onnx'), writeOnnx(embeddingModel()));
  const frames = Float32Array.from({ length: 6 * 512 }, (_, i) => Math.sin(i / 7));
  writeFileSync(p('vad.npz'), writeNpz({ input: { dtype: 'float32', shape: [6, 512], data: frames }, sr: { dtype: 'int64', shape: [], data: BigInt64Array.of(8000n) } }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a detector with input [batch, 3, H, W]', () => {
  it('bench refuses without H and W, naming them and the flags; runs at 320x320 with --dim, the shape in the JSON', async () => {
    const refused = await pareto(['bench', 'det.onnx', '--runs', '3']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('input "image" [batch, 3, H, W]: give H and W (--dim H=320 --dim W=320 or --shape image=1x3x320x320)');
    const r = await json(['bench', 'det.onnx', '--runs', '3', '--warmup', '1', '--dim', 'H=320', '--dim', 'W=320']);
    expect(r.inputSpec.inputs[0].shape).toEqual([1, 3, 320, 320]);
    expect(dimsBy(r.inputSpec, 'image')).toEqual(['batch=1:default', '-=3:model', 'H=320:user', 'W=320:user']);
    expect(r.inputSpec.inputs[0].values).toMatchObject({ kind: 'synthetic', fill: 'image' });
    expect(r.model.macs).toEqual({ total: (8 * 3 * 9 + 8 * 9) * 320 * 320, nodesUnknown: 0, at: [{ name: 'image', shape: [1, 3, 320, 320] }] });
    const text = (await pareto(['bench', 'det.onnx', '--runs', '3', '--warmup', '1', '--shape', 'image=1x3x64x96'])).stdout;
    expect(text).toMatch(/inputs\s+image float32 \[1, 3, 64, 96\]: batch=1 user \(--shape image\), H=64 user \(--shape image\), W=96 user \(--shape image\); values image-like/);
  });

  it('prune and quantize take the same flags; the fidelity check runs at that shape and the JSON says so', async () => {
    const refused = await pareto(['prune', 'det.onnx', '-o', 'det.p.onnx', '--sparsity', '0.5']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('give H and W');
    expect(existsSync(p('det.p.onnx'))).toBe(false);
    const r = await json(['prune', 'det.onnx', '-o', 'det.p.onnx', '--sparsity', '0.5', '--dim', 'H=48', '--dim', 'W=40']);
    expect(r.inputSpec.inputs[0].shape).toEqual([1, 3, 48, 40]);
    expect(r.fidelity).toMatchObject({ inputs: 'synthetic', rows: 16 });
    expect(r.fidelity.outputs.scores.rows).toBe(16);
    const q = await json(['quantize', 'det.onnx', '-o', 'det.q.onnx', '--shape', 'image=2x3x32x32']);
    expect(q.inputSpec.inputs[0].shape).toEqual([2, 3, 32, 32]);
    expect(q.fidelity.error).toBeUndefined();
  });

  it('inspect counts MACs at the given shape, and leaves them unknown (never 1x1) without one', async () => {
    const open = await json(['inspect', 'det.onnx']);
    expect(open.macsAt).toEqual([{ name: 'image', shape: [1, 3, null, null] }]);
    expect(open.layers.filter((l: { opType: string }) => l.opType === 'Conv').map((l: { macs: number | null }) => l.macs)).toEqual([null, null]);
    const text = (await pareto(['inspect', 'det.onnx', '--dim', 'H=320', '--dim', 'W=320'])).stdout;
    expect(text).toContain('29.5M (29,491,200) MACs per inference item, at image [1, 3, 320, 320]');
    expect((await pareto(['inspect', 'det.onnx'])).stdout).toContain('? MACs per inference item, at image [1, 3, ?, ?]');
  });

  it('usage errors (exit 2) name the bad item; unknown inputs or dims are refused', async () => {
    for (const args of [['--dim', 'H'], ['--dim', 'H=abc'], ['--shape', 'image=1x3xHx320'], ['--value', 'sr=loud']]) {
      const r = await pareto(['bench', 'det.onnx', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
    }
    expect((await pareto(['bench', 'det.onnx', '--dim', 'Height=320'])).stderr).toContain('the model has no dim named "Height" (its named dims: batch, H, W)');
    expect((await pareto(['bench', 'det.onnx', '--shape', 'img=1x3x8x8'])).stderr).toContain('the model has no input "img"');
  });
});

describe('a recurrent model: input [batch, 512], state [2, batch, 128], sr an int64 scalar', () => {
  it('bench needs only the scalar: --value sr=16000; state is zeros, batch-like dims default to 1', async () => {
    const refused = await pareto(['bench', 'vad.onnx', '--runs', '3']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('input "sr" is an int64 scalar: give its value (--value sr=<number>)');
    const r = await json(['bench', 'vad.onnx', '--runs', '3', '--warmup', '1', '--value', 'sr=16000']);
    expect(r.inputSpec.inputs.map((i: { name: string; shape: number[] }) => [i.name, i.shape])).toEqual([
      ['input', [1, 512]],
      ['state', [2, 1, 128]],
      ['sr', []],
    ]);
    expect(dimsBy(r.inputSpec, 'state')).toEqual(['-=2:model', 'batch=1:default', '-=128:model']);
    expect(r.inputSpec.inputs[1].values).toMatchObject({ kind: 'synthetic', fill: 'zeros' });
    expect(r.inputSpec.inputs[2].values).toEqual({ kind: 'fixed', value: 16000, reason: '--value sr=16000' });
    // MACs are counted at the spec in force, its fixed value included.
    expect(r.model.macs.at[2]).toEqual({ name: 'sr', shape: [], value: 16000 });
    expect(r.latency[0].runs).toBe(3);
    // The same spec on onnxruntime-web's WASM backend (the browser's engine): an int64 scalar feed included.
    const w = await json(['bench', 'vad.onnx', '--runs', '3', '--warmup', '1', '--value', 'sr=16000', '--backend', 'wasm']);
    expect(w.environment.runtime).toBe('onnxruntime-web/wasm');
    expect(w.inputSpec).toEqual(r.inputSpec);
    expect(w.latency[0].runs).toBe(3);
  });

  it('quantize and prune on an .npz holding the frames and sr (a scalar used for every sample)', async () => {
    const q = await json(['quantize', 'vad.onnx', '-o', 'vad.q.onnx', '--data', 'vad.npz']);
    expect(q.fidelity).toMatchObject({ inputs: 'data', file: 'vad.npz', rows: 6 });
    expect(q.fidelity.error).toBeUndefined();
    expect(q.inputSpec.inputs.map((i: { values: { kind: string } }) => i.values.kind)).toEqual(['data', 'synthetic', 'data']);
    // stateN = tanh(state + sr / 16000) does not depend on the weights: identical when sr reached the model.
    expect(q.fidelity.outputs.stateN.maxAbsError).toBe(0);
    const pr = await json(['prune', 'vad.onnx', '-o', 'vad.p.onnx', '--sparsity', '0.5', '--value', 'sr=16000']);
    expect(pr.fidelity).toMatchObject({ inputs: 'synthetic' });
    // Static calibration reads the same file (several inputs per batch).
    const st = await json(['quantize', 'vad.onnx', '-o', 'vad.s.onnx', '--mode', 'static', '--calibration', 'vad.npz']);
    expect(st.calibration).toMatchObject({ file: 'vad.npz', samples: 6, batches: 1 });
    expect(st.fidelity).toMatchObject({ inputs: 'calibration', rows: 6 });
    // --value wins over the file: the spec says so and the feeds follow it (stateN = tanh(16000 / 16000)).
    const over = await json(['quantize', 'vad.onnx', '-o', 'vad.q2.onnx', '--data', 'vad.npz', '--value', 'sr=16000']);
    expect(over.inputSpec.inputs[2].values).toMatchObject({ kind: 'fixed', value: 16000 });
    const b = await json(['bench', 'vad.onnx', '--runs', '3', '--warmup', '1', '--data', 'vad.npz', '--batch', '1']);
    expect(b.data).toMatchObject({ source: 'file', items: 6 });
    expect(dimsBy(b.inputSpec, 'input')).toEqual(['batch=1:data', '-=512:model']);
    // --reference on the file: frames and sr from it, the state made by the spec (zeros), one item a run; every output compared.
    const ref = await json(['bench', 'vad.p.onnx', '--data', 'vad.npz', '--reference', 'vad.onnx', '--runs', '3', '--warmup', '1']);
    expect(ref.accuracy).toMatchObject({ kind: 'fidelity', items: 6, output: 'output' });
    expect(ref.accuracy.perOutput.map((o: { output: string }) => o.output)).toEqual(['output', 'stateN']);
    // stateN = tanh(state + sr / 16000) does not depend on the pruned weights: identical.
    expect(ref.accuracy.perOutput[1].maxAbsError).toBe(0);
    expect(ref.notes).toContain('Run one item at a time because input "state" is fed per sample.');
    expect(ref.notes).toContain('Accuracy and fidelity feed "state" as the input spec makes it (see inputSpec), the rest from vad.npz.');
  });
});

describe('an embedding model: ids [batch, seq] index a Gather of 100 rows', () => {
  it('bench asks for seq, then runs with ids inside the vocabulary (the runtime fails on an id >= 100)', async () => {
    expect((await pareto(['bench', 'emb.onnx', '--runs', '3'])).stderr).toContain('input "ids" [batch, seq]: give seq (--dim seq=320 or --shape ids=1x320)');
    const r = await json(['bench', 'emb.onnx', '--runs', '3', '--warmup', '1', '--dim', 'seq=256', '--batch', '1,4']);
    expect(r.inputSpec.inputs[0].values).toMatchObject({ kind: 'synthetic', fill: 'ids', vocab: 100 });
    expect(r.latency.map((l: { batch: number }) => l.batch)).toEqual([1, 4]);
  });
});

/* ------------------------------------------------------------------ ONNX's backend test models ------------------------------------------------------------------ */

const CONV = '/usr/share/libonnx-testdata/data/pytorch-converted/test_Conv2d';

describe.skipIf(!existsSync(join(CONV, 'model.onnx')))('libonnx-testdata: test_Conv2d with its own test data', () => {
  it('fixed dims come from the model; its input_0.pb as --data gives the data source, and the runs use it', async () => {
    const t = fromBinary(TensorProtoSchema, new Uint8Array(readFileSync(join(CONV, 'test_data_set_0/input_0.pb'))));
    const dims = dimsOf(t);
    writeFileSync(p('conv-x.npy'), writeNpy('float32', dims, Float32Array.from(tensorToNumbers(t))));
    const model = join(CONV, 'model.onnx');
    const plain = await json(['bench', model, '--runs', '3', '--warmup', '1']);
    expect(plain.inputSpec.inputs[0].shape).toEqual(dims);
    expect(plain.inputSpec.inputs[0].dims.every((d: { source: string }) => d.source === 'model')).toBe(true);
    expect(plain.model.macs.nodesUnknown).toBe(0);
    const fed = await json(['bench', model, '--runs', '3', '--warmup', '1', '--data', p('conv-x.npy')]);
    expect(fed.data).toMatchObject({ source: 'file', items: dims[0] });
    expect(fed.inputSpec.inputs[0].values.kind).toBe('data');
    const pr = await json(['prune', model, '-o', p('conv.p.onnx'), '--sparsity', '0.5', '--data', p('conv-x.npy')]);
    expect(pr.fidelity).toMatchObject({ inputs: 'data', rows: dims[0] });
  });
});
