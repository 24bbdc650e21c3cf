/**
 * backendSupport: the tables against the installed onnxruntime-web's own op lists, and the rules on small models.
 * The checks against real runs (the samples and their variants in onnxruntime-web, Chromium's placement log) are in
 * ./support.reality.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attr, floatTensor, graph, model, node, tensor, valueInfo } from '../formats/onnx/builder';
import { DataType } from '../formats/onnx/proto';
import { oneNode } from '../testing/one-node';
import { backendSupport } from './support';
import { WEBGL_TABLE, WEBGPU_TABLE, type OpList, type OpRange } from './support-data';

const ORT_WEB = resolve(__dirname, '../../../node_modules/onnxruntime-web');
const F = DataType.FLOAT;

// ---------------------------------------------------------------------------------------------------------------
// The tables against the op lists shipped inside the installed onnxruntime-web.

function parseSelectors(text: string): OpRange[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s): OpRange => (s.endsWith('+') ? [Number(s.slice(0, -1))] : s.includes('-') ? [Number(s.split('-')[0]), Number(s.split('-')[1])] : [Number(s), Number(s)]));
}

/** Contiguous selectors merged, the way the tables write them. */
function mergeRanges(rs: OpRange[]): OpRange[] {
  const sorted = [...rs].sort((a, b) => a[0] - b[0]);
  const out: [number, number | undefined][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] !== undefined && a <= last[1] + 1) last[1] = b === undefined ? undefined : Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out.map(([a, b]) => (b === undefined ? [a] : [a, b]));
}

const asMap = (list: OpList): Record<string, OpRange> =>
  Array.isArray(list) ? Object.fromEntries((list as readonly string[]).map((n) => [n, [1] as OpRange])) : { ...(list as Record<string, OpRange>) };

describe('op tables match the installed onnxruntime-web', () => {
  it('webgpu: docs/webgpu-operators.md of onnxruntime-web@1.30.0, op for op and range for range', () => {
    const pkg = JSON.parse(readFileSync(join(ORT_WEB, 'package.json'), 'utf8'));
    expect(pkg.version, 'support-data.ts describes onnxruntime-web 1.30.0: re-read its sources after an upgrade').toBe('1.30.0');
    const md = readFileSync(join(ORT_WEB, 'docs/webgpu-operators.md'), 'utf8');
    const doc: Record<string, Record<string, OpRange>> = {};
    for (const line of md.split('\n')) {
      const m = line.match(/^\| (\w+) \| ([^|]+)\|/);
      if (!m || m[1] === 'Operator' || m[1].startsWith('Memcpy')) continue;
      for (const part of m[2].split(';')) {
        const d = part.trim().match(/^([\w.]+)\((.*)\)$/);
        if (!d || d[1] === 'com.ms.internal.nhwc') continue;
        const ranges = mergeRanges(parseSelectors(d[2]));
        expect(ranges, `${m[1]} ${d[1]}`).toHaveLength(1);
        (doc[d[1]] ??= {})[m[1]] = ranges[0];
      }
    }
    expect(Object.keys(doc).sort()).toEqual(Object.keys(WEBGPU_TABLE.domains).sort());
    for (const [domain, ops] of Object.entries(doc)) expect(asMap(WEBGPU_TABLE.domains[domain]), domain).toEqual(ops);
  });

  it('webgpu: every JS kernel in lib/wasm/jsep/webgpu/op-resolve-rules.ts is in the table', () => {
    const rules = readFileSync(join(ORT_WEB, 'lib/wasm/jsep/webgpu/op-resolve-rules.ts'), 'utf8');
    const names = [...rules.matchAll(/^\s*\['(\w+)', \[/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(80);
    const table = new Set(Object.values(WEBGPU_TABLE.domains).flatMap((l) => Object.keys(asMap(l))));
    expect(names.filter((n) => !table.has(n))).toEqual([]);
    expect(names).not.toContain('QuantizeLinear');
    expect(names).not.toContain('MatMulInteger');
  });

  it('webgl: lib/onnxjs/backends/webgl/op-resolve-rules.ts, op for op and range for range', () => {
    const rules = readFileSync(join(ORT_WEB, 'lib/onnxjs/backends/webgl/op-resolve-rules.ts'), 'utf8');
    const found: Record<string, Record<string, OpRange[]>> = {};
    for (const m of rules.matchAll(/^\s*\['(\w+)', '([\w.]*)', '([\d+-]+)'/gm)) {
      ((found[m[2] || 'ai.onnx'] ??= {})[m[1]] ??= []).push(...parseSelectors(m[3]));
    }
    expect(Object.keys(found).sort()).toEqual(Object.keys(WEBGL_TABLE.domains).sort());
    for (const [domain, ops] of Object.entries(found)) {
      const merged = Object.fromEntries(Object.entries(ops).map(([op, rs]) => [op, mergeRanges(rs)[0]]));
      expect(asMap(WEBGL_TABLE.domains[domain]), domain).toEqual(merged);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Rules on small models.

describe('backendSupport rules', () => {
  it('reads the opset of the node\'s domain: Concat-1 has no CPU kernel (4+), GridSample-20 no WebGPU kernel (16-19)', () => {
    const concat = oneNode('Concat', 3, [['x', F, [2]]], [['y', F]], { axis: attr.i(0) });
    const s = backendSupport(concat, 'wasm');
    expect(s.unsupported).toHaveLength(1);
    expect(s.unsupported[0].reason).toBe('no CPU (wasm) kernel for op Concat in domain ai.onnx at opset 3 (its kernel covers opset 4+): session creation fails');
    expect(s.loads).toBe(false);

    const grid = (v: number) => oneNode('GridSample', v, [['x', F, [1, 1, 4, 4]], ['g', F, [1, 2, 2, 2]]], [['y', F]]);
    expect(backendSupport(grid(19), 'webgpu').summary.native).toBe(1);
    const g20 = backendSupport(grid(20), 'webgpu');
    expect(g20.fallback.map((r) => r.reason)).toEqual(['no WebGPU kernel for op GridSample in domain ai.onnx at opset 20 (its kernel covers opset 16-19): runs on the CPU EP']);
    expect(g20.loads).toBe(true);
  });

  it('walks subgraphs: a DynamicQuantizeLinear inside an If branch is a WebGPU fallback with its graph path', () => {
    const branch = (name: string, nodes: ReturnType<typeof node>[], out: string) =>
      graph({ name, nodes, inputs: [], outputs: [valueInfo(out, DataType.UINT8)] });
    const then = branch('then', [node('DynamicQuantizeLinear', ['x'], ['q', 's', 'z'], {}, { name: 'dq' })], 'q');
    const els = branch('else', [node('Cast', ['x'], ['c'], { to: attr.i(DataType.UINT8) }, { name: 'cast' })], 'c');
    const m = model({
      opset: 17,
      graph: graph({
        name: 'main',
        nodes: [node('If', ['cond'], ['y'], { then_branch: attr.g(then), else_branch: attr.g(els) }, { name: 'branch' })],
        inputs: [valueInfo('cond', DataType.BOOL, []), valueInfo('x', F, [4])],
        outputs: [valueInfo('y', DataType.UINT8)],
      }),
    });
    const s = backendSupport(m, 'webgpu');
    expect(s.summary).toMatchObject({ nodes: 3, native: 2, fallback: 1, unsupported: 0 });
    expect(s.fallback[0]).toMatchObject({ graph: 'main/branch.then_branch', name: 'dq', opType: 'DynamicQuantizeLinear', opset: 17 });
    expect(backendSupport(m, 'webgl').unsupported.map((r) => r.opType).sort()).toEqual(['DynamicQuantizeLinear', 'If']);
  });

  it('counts nodes ORT folds at load as native, but not DequantizeLinear, and counts GPU<->CPU copies', () => {
    const w = tensor('w', DataType.INT8, [4], new Int8Array([1, 2, 3, 4]));
    const s = floatTensor('s', [], new Float32Array([0.5]));
    const h = tensor('h', DataType.FLOAT16, [4], new Uint16Array(4));
    const m = model({
      opset: 17,
      graph: graph({
        name: 'g',
        nodes: [
          node('Cast', ['h'], ['hf'], { to: attr.i(DataType.FLOAT) }, { name: 'cast' }), // folded
          node('DequantizeLinear', ['w', 's'], ['wf'], {}, { name: 'dq' }), // kept (QDQ)
          node('Add', ['x', 'wf'], ['a'], {}, { name: 'add' }),
          node('Add', ['a', 'hf'], ['b'], {}, { name: 'add2' }),
          node('DynamicQuantizeLinear', ['b'], ['q', 'qs', 'qz'], {}, { name: 'dql' }), // CPU
          node('Cast', ['q'], ['qf'], { to: attr.i(DataType.FLOAT) }, { name: 'back' }), // GPU again
          node('Mul', ['qf', 'qs'], ['y'], {}, { name: 'mul' }),
        ],
        inputs: [valueInfo('x', F, [4])],
        outputs: [valueInfo('y', F, [4])],
        initializers: [w, s, h],
      }),
    });
    const r = backendSupport(m, 'webgpu');
    expect(r.native.find((n) => n.name === 'cast')?.note).toMatch(/folds it at load/);
    expect(r.native.find((n) => n.name === 'dq')?.note).toBe('int8/uint8/int32 inputs');
    expect(r.fallback.map((n) => n.name)).toEqual(['dql']);
    // b goes to the CPU; q and qs come back: three copies.
    expect(r.summary.transfers).toBe(3);
    expect(r.verdict).toMatch(/^Partly on WebGPU: 1 of 7 nodes fall back to the CPU \(DynamicQuantizeLinear\), with about 3 GPU↔CPU copies per run/);
    const gl = backendSupport(m, 'webgl');
    expect(gl.issues.map((i) => i.kind)).toContain('load-fails');
    expect(gl.issues.find((i) => i.kind === 'load-fails')?.message).toMatch(/float16 tensor \(e\.g\. 'h'\)/);
  });

  it('contrib ops: DynamicQuantizeMatMul is CPU-only, MatMulNBits runs on WebGPU, BiasAdd has no CPU kernel', () => {
    const ms = [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }];
    const dqmm = oneNode('DynamicQuantizeMatMul', ms, [['a', F], ['b', DataType.INT8], ['bs', F]], [['y', F]], {}, { domain: 'com.microsoft' });
    expect(backendSupport(dqmm, 'wasm').summary.native).toBe(1);
    expect(backendSupport(dqmm, 'webgpu').fallback[0].reason).toBe('no WebGPU kernel for op DynamicQuantizeMatMul in domain com.microsoft at opset 1: runs on the CPU EP');
    const nbits = oneNode('MatMulNBits', ms, [['a', F], ['b', DataType.UINT8], ['s', F]], [['y', F]], { K: attr.i(16), N: attr.i(4), bits: attr.i(4), block_size: attr.i(16) }, { domain: 'com.microsoft' });
    expect(backendSupport(nbits, 'webgpu').summary.native).toBe(1);
    expect(backendSupport(nbits, 'webgl').summary.unsupported).toBe(1);
    const biasAdd = oneNode('BiasAdd', ms, [['a', F], ['b', F], ['c', F]], [['y', F]], {}, { domain: 'com.microsoft' });
    expect(backendSupport(biasAdd, 'webgpu').summary.native).toBe(1);
    expect(backendSupport(biasAdd, 'wasm').unsupported[0].reason).toMatch(/^no CPU \(wasm\) kernel for op BiasAdd in domain com\.microsoft at opset 1/);
  });

  it('an opset newer than onnxruntime-web 1.30 loads makes every node of that domain unsupported', () => {
    const m = oneNode('Relu', 27, [['x', F, [2]]], [['y', F]]);
    const s = backendSupport(m, 'wasm');
    expect(s.loads).toBe(false);
    expect(s.unsupported[0].reason).toBe('onnxruntime-web 1.30 loads ai.onnx up to opset 26; the model imports opset 27');
    expect(s.verdict).toMatch(/^Will not load on wasm \(CPU\)/);
  });

  it('webgpu: below ai.onnx opset 7 the WebGPU EP takes no node (ORT\'s layout transformer), so every node is on the CPU', () => {
    // as Chromium logs for opset 6: "JsExecutionProvider cannot be used with this model due to its ONNX opset not
    // being supported by the layout transformer" (checked against ORT's placement log in support.reality.test.ts)
    const conv = (v: number) => oneNode('Conv', v, [['x', F, [1, 1, 4, 4]], ['w', F, [1, 1, 3, 3]]], [['y', F]]);
    const old = backendSupport(conv(6), 'webgpu');
    expect(old.loads).toBe(true);
    expect(old.summary).toEqual({ nodes: 1, native: 0, fallback: 1, unsupported: 0, transfers: 0 });
    expect(old.gpuUnused).toBe('onnxruntime-web 1.30 uses WebGPU only for models at ONNX opset 7 or newer (its layout transformer\'s range); this one imports opset 6');
    expect(old.fallback[0].reason).toBe(`${old.gpuUnused}: runs on the CPU EP`);
    expect(old.verdict).toMatch(/^Not on WebGPU: .*so all 1 node run on its CPU EP; a WebGPU benchmark of it measures the CPU\.$/);
    const seven = backendSupport(conv(7), 'webgpu');
    expect([seven.summary.native, seven.gpuUnused]).toEqual([1, undefined]);
    // wasm is not concerned
    expect(backendSupport(conv(6), 'wasm').gpuUnused).toBeUndefined();
  });

  it('webgpu: a Conv that leaves dilations or strides to their defaults loads but fails at run (JSEP throws "dilations should be 2D")', () => {
    const conv = (attrs: Record<string, ReturnType<typeof attr.ints>>) => oneNode('Conv', 13, [['x', F, [1, 1, 4, 4]], ['w', F, [1, 1, 3, 3]]], [['y', F]], attrs);
    const bare = backendSupport(conv({ strides: attr.ints([1, 1]) }), 'webgpu');
    expect(bare.loads).toBe(true);
    expect(bare.issues).toEqual([{ kind: 'run-fails', message: expect.stringMatching(/^1 Conv node without an explicit dilations or strides attribute \(y \(no dilations\)\): onnxruntime-web 1\.30's WebGPU Conv loads them but run\(\) throws/) }]);
    expect(bare.verdict).toMatch(/^Loads on WebGPU but will not run/);
    expect(backendSupport(conv({ strides: attr.ints([1, 1]), dilations: attr.ints([1, 1]) }), 'webgpu').issues).toEqual([]);
    expect(backendSupport(conv({}), 'wasm').issues).toEqual([]);
  });

  it('webgl: symbolic input dims load but fail at run; fixed dims run', () => {
    const m = (dims: (number | string)[]) => oneNode('Relu', 13, [['x', F, dims as number[]]], [['y', F]]);
    const sym = backendSupport(m(['batch', 4]), 'webgl');
    expect(sym.loads).toBe(true);
    expect(sym.issues).toEqual([{ kind: 'run-fails', message: expect.stringContaining("input 'x' has symbolic dims ('batch')") }]);
    expect(sym.verdict).toMatch(/^Loads on WebGL but will not run/);
    const fixed = backendSupport(m([1, 4]), 'webgl');
    expect(fixed.issues).toEqual([]);
    expect(fixed.verdict).toBe('Runs entirely on WebGL: all 1 node have WebGL kernels.');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The samples and their variants.
