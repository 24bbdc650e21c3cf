/** `pareto convert`, end to end: the real CLI (bin/pareto.mjs) on builder-made old-opset models in a temp dir. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../in-process';
import * as b from '../../core/formats/onnx/builder';
import { DataType } from '../../core/formats/onnx/proto';
import { readOnnx } from '../../core/formats/onnx/read';
import { writeOnnx } from '../../core/formats/onnx/write';
import { ort } from '../../runtimes/ort-node';
import { oldModel } from '../../core/testing/old-model';

const dir = mkdtempSync(join(tmpdir(), 'pareto-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pareto(args: string[]) {
  const r = await runCli(args, { cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function runY(path: string): Promise<number[]> {
  const s = await ort.InferenceSession.create(readFileSync(path));
  const r = await s.run({ x: new ort.Tensor('float32', Float32Array.from({ length: 8 }, (_, i) => i / 3 - 1), [1, 8]) });
  await s.release();
  return Array.from(r.y.data as Float32Array);
}

describe('pareto convert', () => {
  it('converts an opset-9 model to 17 (the default) with the same outputs, and says what changed per node', async () => {
    writeFileSync(join(dir, 'old.onnx'), writeOnnx(oldModel(9)));
    const r = await pareto(['convert', 'old.onnx', '-o', 'new.onnx']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('old.onnx: opset 9 → 17, 3 nodes changed; written to new.onnx');
    expect(r.stdout).toContain("Clip (opset 11): min/max attributes → inputs — node 'relu6'.");
    expect(r.stdout).toContain("Softmax (opset 13): axis 1 over the input flattened to 2D");
    expect(r.stdout).toMatch(/Outputs vs the original on \d+ synthetic rows: relative L2 0 \(identical\)/);
    expect(Number(readOnnx(readFileSync(join(dir, 'new.onnx'))).proto.opsetImport[0].version)).toBe(17);
    expect(await runY(join(dir, 'new.onnx'))).toEqual(await runY(join(dir, 'old.onnx')));

    const j = await pareto(['convert', 'old.onnx', '-o', 'new13.onnx', '--opset', '13', '--json']);
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout);
    expect(out).toMatchObject({ command: 'convert', from: 9, to: 13, changedNodes: 3, output: 'new13.onnx', fidelity: { inputs: 'synthetic' } });
    expect(out.changes.map((c: { node: string; opset: number }) => `${c.node}@${c.opset}`)).toEqual(['relu6@11', 'unsq@13', 'sm@13']);
    expect(Object.values(out.fidelity.outputs as Record<string, { relativeL2: number }>)[0].relativeL2).toBe(0);
  });

  it('exits 1 with a clear message for a target older than the model, or an op it cannot convert; no file left behind', async () => {
    writeFileSync(join(dir, 'm11.onnx'), writeOnnx(oldModel(11)));
    const older = await pareto(['convert', 'm11.onnx', '-o', 'x.onnx', '--opset', '10']);
    expect(older.code).toBe(1);
    expect(older.stderr).toContain('pareto: error: The model has opset 11, newer than the target 10: conversion only raises the opset');
    const { node, graph, valueInfo, floatTensor, attr } = b;
    const bn = b.model({
      graph: graph({
        name: 'bn',
        nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], { spatial: attr.i(0) }, { name: 'bn0' })],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 2, 3])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 2, 3])],
        initializers: ['s', 'b', 'm', 'v'].map((n) => floatTensor(n, [2, 3], Float32Array.from({ length: 6 }, (_, i) => i + 1))),
      }),
      opset: 8,
    });
    writeFileSync(join(dir, 'bn.onnx'), writeOnnx(bn));
    const refused = await pareto(['convert', 'bn.onnx', '-o', 'x.onnx']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Cannot convert the model from opset 8 to 17 exactly: BatchNormalization 'bn0': spatial=0");
    const bad = await pareto(['convert', 'bn.onnx', '-o', 'x.onnx', '--opset', 'new']);
    expect(bad.code).toBe(2);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
