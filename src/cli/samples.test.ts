/**
 * `pareto quantize` / `pareto prune` on the committed samples without --data: the fidelity check runs on the
 * sample's own test split (public/samples/manifest.json names it), and onnxruntime's log never reaches stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

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
