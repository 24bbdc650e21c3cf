/**
 * The CLI on TF.js models (in process, through main()): inspect a model.json, quantize and prune into a folder that
 * reads back as a TF.js model, bench on TF.js's backends; bad input exits non-zero with a message and writes nothing.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../core/data/npy';
import { openModelFiles } from '../core/model/open';
import { main } from './main';

const ROOT = resolve(__dirname, '../..');
const CNN = join(ROOT, 'public/samples/mnist-cnn.tfjs/model.json');
const EMOTION = join(ROOT, 'node_modules/@vladmandic/human/models/emotion.json');
const tmp = mkdtempSync(join(tmpdir(), 'pareto-tfjs-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function pareto(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t), color: false, cwd: ROOT });
  return { code, out, err };
}

const readFolder = (dir: string) => openModelFiles(readdirSync(dir).map((f) => ({ name: f, bytes: new Uint8Array(readFileSync(join(dir, f))) })));

describe('pareto on TF.js models', () => {
  it('inspect: format, parameters, MACs', async () => {
    const r = await pareto('inspect', CNN, '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.format).toBe('tfjs');
    expect(s.parameters.total).toBe(105866);
    expect(s.macs.total).toBe(1117056);
    const text = await pareto('inspect', EMOTION);
    expect(text.out).toMatch(/Format\s+TF\.js graph model/);
  });

  it('quantize --mode uint8 -o DIR writes model.json + shards that read back quantized, with the fidelity measured on TF.js', async () => {
    const dir = join(tmp, 'cnn-uint8');
    const r = await pareto('quantize', CNN, '-o', dir, '--mode', 'uint8', '--layer', 'logits=fp16', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.fidelity.runtime).toBe('TF.js wasm');
    expect(j.degraded).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const back = readFolder(dir);
    const byDtype = Object.fromEntries(back.summary.parameters.byDtype.map((d) => [d.dtype, d.parameters]));
    expect(byDtype.float16).toBe(64 * 10 + 10); // the logits layer's kernel and bias (matched by layer name)
    expect(byDtype.uint8).toBe(105866 - 650);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0].weights[0].quantization.dtype).toBe('uint8');
  });

  it('prune -o DIR (N:M on a graph model) writes a folder with the zeros', async () => {
    const dir = join(tmp, 'emotion-24');
    const r = await pareto('prune', EMOTION, '-o', dir, '--pattern', '2:4', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.reports[0].stats.sparsity.achieved).toBeCloseTo(0.5, 5);
    const w = readFolder(dir).model.proto.graph!.initializer.find((t) => t.name === 'StatefulPartitionedCall/model_1/conv2d_4/Conv2D_weights')!;
    const v = new Float32Array(w.rawData.slice().buffer);
    expect(v.filter((x) => x === 0).length).toBe(v.length / 2);
  });

  it("bench on TF.js wasm (the samples' NCHW test split by default, transposed: the manifest's accuracy) and cpu", async () => {
    const r = await pareto('bench', CNN, '--runs', '3', '--warmup', '1', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.environment.runtime).toContain('tfjs/wasm');
    expect(j.data).toMatchObject({ source: 'samples', items: 2000, task: 'classification' });
    expect(j.data.notes).toContain(`mnist-test-x.npy: data NCHW [2000, 1, 28, 28] transposed to the model's NHWC [2000, 28, 28, 1] (input "input"); with one channel the values keep their order.`);
    const manifest = JSON.parse(readFileSync(join(ROOT, 'public/samples/manifest.json'), 'utf8'));
    expect(j.accuracy.top1.correct).toBe(manifest.models.find((m: { id: string }) => m.id === 'mnist-cnn').testCorrect);
    // cpu (plain JS, slow): the first 64 digits, given as NCHW .npy files.
    const x = readNpy(new Uint8Array(readFileSync(join(ROOT, 'public/samples/mnist-test-x.npy'))));
    const y = readNpy(new Uint8Array(readFileSync(join(ROOT, 'public/samples/mnist-test-y.npy'))));
    writeFileSync(join(tmp, 'x64.npy'), writeNpy(x.dtype, [64, 1, 28, 28], x.data.slice(0, 64 * 784)));
    writeFileSync(join(tmp, 'y64.npy'), writeNpy(y.dtype, [64], y.data.slice(0, 64)));
    const c = await pareto('bench', CNN, '--backend', 'cpu', '--runs', '3', '--warmup', '1', '--data', join(tmp, 'x64.npy'), '--labels', join(tmp, 'y64.npy'), '--json');
    expect(c.code).toBe(0);
    const k = JSON.parse(c.out);
    expect(k.environment.runtime).toContain('tfjs/cpu');
    expect(k.data).toMatchObject({ source: 'file', items: 64 });
    expect(k.accuracy.top1.value).toBeGreaterThan(0.95);
  });

  it('bad input: ONNX modes and flags, a short shard, a taken folder; nothing written', async () => {
    const dir = join(tmp, 'never');
    expect(await pareto('quantize', CNN, '-o', dir, '--mode', 'dynamic')).toMatchObject({ code: 2, err: expect.stringMatching(/--mode dynamic is for ONNX models/) });
    expect(await pareto('bench', CNN, '--backend', 'node')).toMatchObject({ code: 2, err: expect.stringMatching(/TF\.js model takes wasm or cpu/) });
    const cut = join(tmp, 'cut');
    cpSync(join(ROOT, 'public/samples/mnist-cnn.tfjs'), cut, { recursive: true });
    const shard = join(cut, 'group1-shard1of1.bin');
    writeFileSync(shard, readFileSync(shard).subarray(0, 1000));
    const r = await pareto('quantize', join(cut, 'model.json'), '-o', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/shard "group1-shard1of1.bin" \(1000 bytes\) holds 1000 bytes.*short/);
    const taken = join(tmp, 'taken');
    cpSync(join(ROOT, 'public/samples'), taken, { recursive: true, filter: (p) => !p.endsWith('.npy') });
    expect((await pareto('prune', CNN, '-o', taken, '--sparsity', '0.5')).err).toMatch(/holds other files/);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
