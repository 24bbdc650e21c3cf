/**
 * `pareto quantize|prune` judge the variant: `degraded` (with reasons) in --json and in the summary; a variant whose
 * fidelity could not be measured exits 1 (the file is written) unless --no-fidelity skips the check.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';
import * as b from '../core/formats/onnx/builder';
import { DataType } from '../core/formats/onnx/proto';
import { writeOnnx } from '../core/formats/onnx/write';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'pareto-fidelity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pareto = async (args: string[]) => {
  const r = await runCli(args, { cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('degraded verdict and fidelity that could not be measured', () => {
  it('a 97% pruned CNN sample is degraded (top-1 agreement on its test split), an int8 one is not', async () => {
    const bad = await pareto(['prune', 'public/samples/mnist-cnn.onnx', '-o', join(dir, 'p97.onnx'), '--sparsity', '0.97', '--json']);
    expect(bad.code, bad.stderr).toBe(0);
    const j = JSON.parse(bad.stdout);
    expect(j.degraded).toBe(true);
    expect(j.degradedReasons[0]).toMatch(/^output "probabilities": top-1 agreement \d+\.\d% < 99\.0% \(64 items\)$/);
    expect(j.fidelity.outputs.probabilities.kind).toBe('class-scores');
    expect(j.fidelity.rule).toContain('below 99.0%');
    const good = JSON.parse((await pareto(['quantize', 'public/samples/mnist-cnn.onnx', '-o', join(dir, 'q.onnx'), '--json'])).stdout);
    expect(good.degraded).toBe(false);
    expect(good.degradedReasons).toEqual([]);
    const text = (await pareto(['prune', 'public/samples/mnist-cnn.onnx', '-o', join(dir, 'p97b.onnx'), '--sparsity', '0.97'])).stdout;
    expect(text).toMatch(/DEGRADED: output "probabilities": top-1 agreement/);
  });

  it('a model onnxruntime cannot run: quantized and written, but exit 1 with the reason; --no-fidelity exits 0', async () => {
    // A MatMul with a weight, then an op of a domain no runtime knows: the transform works, a session cannot open.
    const w = b.floatTensor('w', [8, 4], Float32Array.from({ length: 32 }, (_, i) => Math.sin(i)));
    const m = b.model({
      opset: [{ domain: '', version: 17 }, { domain: 'com.example', version: 1 }],
      graph: b.graph({
        name: 'g',
        inputs: [b.valueInfo('x', DataType.FLOAT, [1, 8])],
        outputs: [b.valueInfo('y', DataType.FLOAT, [1, 4])],
        initializers: [w],
        nodes: [b.node('MatMul', ['x', 'w'], ['h'], {}, { name: 'mm' }), b.node('Mystery', ['h'], ['y'], {}, { name: 'odd', domain: 'com.example' })],
      }),
    });
    const input = join(dir, 'odd.onnx');
    writeFileSync(input, writeOnnx(m));
    const r = await pareto(['quantize', input, '-o', join(dir, 'odd.int8.onnx'), '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pareto: error: the variant was written to .*odd\.int8\.onnx, but its fidelity could not be measured \(.+\); .*--no-fidelity/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(JSON.parse(r.stdout).fidelity.error).toBeTruthy();
    expect(existsSync(join(dir, 'odd.int8.onnx'))).toBe(true);
    const skip = await pareto(['quantize', input, '-o', join(dir, 'odd.int8b.onnx'), '--no-fidelity', '--json']);
    expect(skip.code, skip.stderr).toBe(0);
    const j = JSON.parse(skip.stdout);
    expect(j.fidelity.skipped).toBe(true);
    expect(j.degraded).toBeNull();
  });
});
