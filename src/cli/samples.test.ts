/**
 * `pareto quantize` / `pareto prune` on the committed samples without --data: the fidelity check runs on the
 * sample's own test split (public/samples/manifest.json names it); and onnxruntime's own log never reaches stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as b from '../core/formats/onnx/builder';
import { DataType } from '../core/formats/onnx/proto';
import { writeOnnx } from '../core/formats/onnx/write';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/pareto.mjs');
const out = mkdtempSync(join(tmpdir(), 'pareto-samples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const pareto = (args: string[]) => {
  // FORCE_COLOR asks for colour everywhere: still no escape codes may reach stderr (no TTY, so no progress line).
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const ANSI = /\x1b\[/;

describe('CLI on the samples', () => {
  it("quantize checks fidelity on the sample's test split, with a clean stderr", () => {
    const r = pareto(['quantize', 'public/samples/mnist-cnn.onnx', '-o', join(out, 'q.onnx'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(ANSI);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j.fidelity).toMatchObject({ inputs: 'samples', file: 'public/samples/mnist-test-x.npy', rows: 64 });
    expect(j.fidelity.outputs.probabilities.top1Agreement).toBeGreaterThanOrEqual(0.95);
    expect(j.notes.join(' ')).toMatch(/sample's test split/);
  });

  it('prune says which data it used in its summary; --data still wins', () => {
    const r = pareto(['prune', 'public/samples/mnist-mlp.onnx', '-o', join(out, 'p.onnx'), '--sparsity', '0.5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(ANSI);
    expect(r.stdout).toMatch(/first 64 rows of public\/samples\/mnist-test-x\.npy \(the sample's test split\)/);
    const given = pareto(['prune', 'public/samples/mnist-mlp.onnx', '-o', join(out, 'p2.onnx'), '--sparsity', '0.5', '--data', 'public/samples/mnist-test-x.npy', '--json']);
    expect(JSON.parse(given.stdout).fidelity).toMatchObject({ inputs: 'data', rows: 64 });
  });
});

describe("onnxruntime's log stays off the CLI's stderr", () => {
  it('a model onnxruntime warns about (an unused initializer): bench and quantize print no coloured log lines', () => {
    // onnxruntime-node logs "[W:onnxruntime:...] Removing initializer 'unused'" in colour at its default level.
    const m = b.model({
      opset: 17,
      graph: b.graph({
        name: 'g',
        nodes: [b.node('MatMul', ['x', 'w'], ['y'], {}, { name: 'mm' })],
        inputs: [b.valueInfo('x', DataType.FLOAT, ['N', 4])],
        outputs: [b.valueInfo('y', DataType.FLOAT, ['N', 3])],
        initializers: [b.floatTensor('w', [4, 3], Float32Array.from({ length: 12 }, (_, i) => i / 12)), b.floatTensor('unused', [4], new Float32Array(4))],
      }),
    });
    const model = join(out, 'warns.onnx');
    writeFileSync(model, writeOnnx(m));
    for (const args of [['bench', model, '--runs', '3', '--warmup', '0'], ['quantize', model, '-o', join(out, 'warns.int8.onnx')]]) {
      const r = pareto(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(ANSI);
      expect(r.stderr).not.toMatch(/onnxruntime/);
    }
  });
});
