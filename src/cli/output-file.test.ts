import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';
import * as b from '../core/formats/onnx/builder';
import { DataType } from '../core/formats/onnx/proto';
import { writeOnnx } from '../core/formats/onnx/write';
import { AtomicOutput, removeStaleTemps } from './output-file';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/pareto.mjs');
const dir = mkdtempSync(join(tmpdir(), 'pareto-output-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The id of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const temps = (d: string) => readdirSync(d).filter((f) => f.endsWith('.tmp'));

describe('stale temp files of killed runs', () => {
  it('removes only temps of the same output whose process is gone', () => {
    const d = mkdtempSync(join(dir, 'unit-'));
    const dead = deadPid();
    const files = [
      `.out.onnx.${dead}.abc123.tmp`, // a killed run writing out.onnx: removed
      `.out.onnx.${process.pid}.abc123.tmp`, // a live run (this one): kept
      `.other.onnx.${dead}.abc123.tmp`, // another output: kept
      `.out.onnx.notapid.abc123.tmp`, // not our pattern: kept
      'out.onnx.tmp',
    ];
    for (const f of files) writeFileSync(join(d, f), 'x');
    const target = { path: join(d, 'out.onnx'), dir: d };
    expect(removeStaleTemps(target)).toEqual([files[0]]);
    expect(readdirSync(d).sort()).toEqual(files.slice(1).sort());
    const out = new AtomicOutput(target);
    try {
      expect(out.staleRemoved).toEqual([]);
      expect(out.tempPath).toMatch(new RegExp(`/\\.out\\.onnx\\.${process.pid}\\.[a-z0-9]{6}\\.tmp$`));
    } finally {
      out.close();
    }
  });

  it('a quantize run killed with SIGKILL mid-run leaves its temp; the next run writing that output removes it', async () => {
    // ~16 MB of float32 weights: x[1,2048] -> MatMul(W[2048,2048]) -> y.
    const n = 2048;
    const w = new Float32Array(n * n);
    for (let i = 0; i < w.length; i++) w[i] = Math.sin(i * 0.37) * 0.05;
    const big = join(dir, 'big.onnx');
    writeFileSync(
      big,
      writeOnnx(
        b.model({
          graph: b.graph({
            name: 'big',
            nodes: [b.node('MatMul', ['x', 'W'], ['y'])],
            inputs: [b.valueInfo('x', DataType.FLOAT, [1, n])],
            outputs: [b.valueInfo('y', DataType.FLOAT, [1, n])],
            initializers: [b.floatTensor('W', [n, n], w)],
          }),
        }),
      ),
    );
    expect(statSync(big).size).toBeGreaterThan(16e6);
    const outDir = mkdtempSync(join(dir, 'kill-'));
    const out = join(outDir, 'out.onnx');

    const child = spawn(process.execPath, [bin, 'quantize', big, '-o', out, '--mode', 'fp16'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_c, sig) => res(sig)));
    // Kill it as soon as its temp file holds bytes (being written, or written and waiting for the fidelity check).
    const deadline = Date.now() + 120_000;
    let seen: string | undefined;
    while (!seen && Date.now() < deadline && child.exitCode === null) {
      seen = temps(outDir).find((f) => statSync(join(outDir, f)).size > 0);
      if (!seen) await new Promise((r) => setTimeout(r, 5));
    }
    expect(seen, 'the run never wrote its temp file').toBeDefined();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(temps(outDir)).toEqual([seen]);
    expect(seen).toMatch(new RegExp(`^\\.out\\.onnx\\.${child.pid}\\.[a-z0-9]{6}\\.tmp$`));
    expect(existsSync(out)).toBe(false);

    // The next run writing out.onnx (a small model) removes it, and leaves only its output.
    const r = await runCli(['quantize', join(root, 'public/samples/mnist-mlp.onnx'), '-o', out, '--mode', 'dynamic']);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(outDir)).toEqual(['out.onnx']);
  }, 240_000);
});
