/**
 * backendSupport against reality: the shipped samples and their quantized variants (made with applyRecipe) in
 * onnxruntime-web under Node and, when Chromium with a WebGPU adapter is there, ORT's own node placement log for
 * 'webgpu' and 'webgl'; and a set of edge-case ops that loads in onnxruntime-web (wasm) exactly when the wasm table
 * says it does. The tables and rules themselves: ./support.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromiumTestArgs } from '../../../e2e/browser';
import { ortWebApi as ortWeb } from '../../runtimes/ort-web-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../data/npy';
import { attr, floatTensor } from '../formats/onnx/builder';
import { DataType, type ModelProto } from '../formats/onnx/proto';
import { readOnnx, type OnnxModel } from '../formats/onnx/read';
import { oneNode } from '../testing/one-node';
import { writeOnnx } from '../formats/onnx/write';
import { applyRecipe } from '../transforms/apply-recipe';
import type { CalibrationBatch } from '../transforms/quantize/calibrate';
import { ortNodeRunner } from '../transforms/quantize/harness.testkit';
import { backendSupport, supportMatrix, type BackendSupport } from './support';

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.logLevel = 'fatal';


const ORT_WEB = resolve(__dirname, '../../../node_modules/onnxruntime-web');
const SAMPLES = process.env.PARETO_SAMPLES_DIR ?? resolve(__dirname, '../../../public/samples');
const SAMPLE_FILES = ['mnist-mlp.onnx', 'mnist-cnn.onnx', 'mnist-test-x.npy'];
const missingSamples = SAMPLE_FILES.filter((f) => !existsSync(join(SAMPLES, f)));
const F = DataType.FLOAT;

const opTypes = (refs: { opType: string }[]) => [...new Set(refs.map((r) => r.opType))].sort();

async function ortWebLoads(m: ModelProto): Promise<{ ok: boolean; error?: string }> {
  try {
    const s = await ortWeb.InferenceSession.create(writeOnnx(m));
    await s.release();
    return { ok: true };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}

type VariantName = 'fp32' | 'dynamic' | 'weight-only' | 'static' | 'fp16';
const VARIANTS: VariantName[] = ['fp32', 'dynamic', 'weight-only', 'static', 'fp16'];

async function makeVariants(name: string): Promise<Record<VariantName, ModelProto>> {
  const input: OnnxModel = readOnnx(readFileSync(join(SAMPLES, `${name}.onnx`)));
  const xs = readNpy(readFileSync(join(SAMPLES, 'mnist-test-x.npy')));
  const x = xs.data instanceof Float32Array ? xs.data : Float32Array.from(xs.data as ArrayLike<number>);
  const per = xs.shape.slice(1).reduce((a, b) => a * b, 1);
  const g = input.proto.graph!;
  const inputName = g.input.find((i) => !g.initializer.some((t) => t.name === i.name))!.name;
  const batches = (): CalibrationBatch[] =>
    [0, 1].map((k) => ({ [inputName]: { data: x.slice(k * 25 * per, (k + 1) * 25 * per), dims: [25, ...xs.shape.slice(1)] } }));
  const out = { fp32: input.proto } as Record<VariantName, ModelProto>;
  for (const mode of ['dynamic', 'weight-only', 'static', 'fp16'] as const) {
    const r = await applyRecipe(
      input,
      { steps: [{ transform: 'quantize', options: { mode } }] },
      {},
      mode === 'static' ? { calibrationRunner: ortNodeRunner, calibrationBatches: batches } : {},
    );
    out[mode] = r.model;
  }
  return out;
}

/**
 * Runs in the page: opens a model with onnxruntime-web (bundle from /dist/) on one backend with ORT's verbose log on,
 * runs it once. A string, so that the test transform leaves its dynamic import alone.
 */
const OPEN_IN_PAGE = `async ([bundle, ep, key, dims]) => {
  const ort = await import('/dist/' + bundle);
  ort.env.logLevel = 'verbose';
  ort.env.wasm.numThreads = 1;
  const bytes = new Uint8Array(await (await fetch('/models/' + key)).arrayBuffer());
  try {
    const s = await ort.InferenceSession.create(bytes, { executionProviders: [ep], logSeverityLevel: 0, logVerbosityLevel: 0 });
    let run = 'ok';
    try {
      const n = dims.reduce((a, b) => a * b, 1);
      await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', new Float32Array(n).fill(0.3), dims) });
    } catch (e) {
      run = String(e);
    }
    await s.release();
    return { ok: true, run };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}`;

describe.skipIf(missingSamples.length > 0)(
  missingSamples.length > 0 ? `samples (skipped: ${missingSamples.join(', ')} not in ${SAMPLES})` : 'samples and their quantized variants',
  () => {
    const variants: Record<string, Record<VariantName, ModelProto>> = {};
    beforeAll(async () => {
      variants['mnist-mlp'] = await makeVariants('mnist-mlp');
      variants['mnist-cnn'] = await makeVariants('mnist-cnn');
    }, 120_000);

    it.each(['mnist-mlp', 'mnist-cnn'])('%s (float32): every node native on wasm, webgpu and webgl', (name) => {
      const s = supportMatrix(variants[name].fp32);
      for (const b of ['wasm', 'webgpu', 'webgl'] as const) {
        expect(s[b].summary.fallback + s[b].summary.unsupported, b).toBe(0);
        expect(s[b].summary.native, b).toBe(variants[name].fp32.graph!.node.length);
      }
      expect(s.wasm.verdict).toMatch(/^Runs entirely on wasm \(CPU\)/);
      expect(s.webgpu.verdict).toMatch(/^Runs entirely on WebGPU/);
      // The samples declare a symbolic batch dim: the WebGL engine of 1.30 rejects their inputs at run().
      expect(s.webgl.issues.map((i) => i.kind)).toEqual(['run-fails']);
    });

    it.each(['mnist-mlp', 'mnist-cnn'])('%s dynamic int8: DynamicQuantizeLinear and the integer matmuls fall back to the CPU on webgpu', (name) => {
      const m = variants[name].dynamic;
      const s = supportMatrix(m);
      const want = name === 'mnist-mlp' ? ['DynamicQuantizeLinear', 'MatMulInteger'] : ['ConvInteger', 'DynamicQuantizeLinear', 'MatMulInteger'];
      expect(s.wasm.summary.native).toBe(m.graph!.node.length);
      expect(opTypes(s.webgpu.fallback)).toEqual(want);
      expect(s.webgpu.fallback.every((r) => /^no WebGPU kernel for op \w+ in domain ai\.onnx at opset \d+: runs on the CPU EP$/.test(r.reason ?? ''))).toBe(true);
      expect(s.webgpu.summary.transfers).toBeGreaterThan(0);
      expect(s.webgpu.verdict).toMatch(/^Partly on WebGPU/);
      expect(opTypes(s.webgl.unsupported)).toEqual(want);
      expect(s.webgl.loads).toBe(false);
      expect(s.webgl.verdict).toMatch(/^Will not load on WebGL: .*WebGL has no CPU fallback\.$/);
    });

    it.each(['mnist-mlp', 'mnist-cnn'])('%s weight-only int8: DequantizeLinear runs natively on webgpu', (name) => {
      const m = variants[name]['weight-only'];
      const s = supportMatrix(m);
      expect(m.graph!.node.some((n) => n.opType === 'DequantizeLinear')).toBe(true);
      expect(s.webgpu.summary).toMatchObject({ fallback: 0, unsupported: 0, transfers: 0 });
      expect(s.webgpu.native.filter((r) => r.opType === 'DequantizeLinear').length).toBeGreaterThan(0);
      expect(opTypes(s.webgl.unsupported)).toEqual(['DequantizeLinear']);
    });

    it.each(['mnist-mlp', 'mnist-cnn'])('%s static QDQ: QuantizeLinear (no WebGPU kernel in 1.30) falls back, DequantizeLinear stays', (name) => {
      const s = supportMatrix(variants[name].static);
      expect(opTypes(s.webgpu.fallback)).toEqual(['QuantizeLinear']);
      expect(s.wasm.loads).toBe(true);
      expect(opTypes(s.webgl.unsupported)).toEqual(['DequantizeLinear', 'QuantizeLinear']);
    });

    it.each(['mnist-mlp', 'mnist-cnn'])('%s fp16 weights: Casts fold at load; WebGL cannot load float16', (name) => {
      const s = supportMatrix(variants[name].fp16);
      expect(s.webgpu.summary.fallback).toBe(0);
      expect(s.webgpu.native.filter((r) => r.opType === 'Cast').every((r) => /folds it at load/.test(r.note ?? ''))).toBe(true);
      expect(s.webgl.loads).toBe(false);
      expect(s.webgl.verdict).toMatch(/float16 tensors/);
    });

    it('reality (Node): onnxruntime-web wasm loads and runs every variant the wasm table calls loadable', async () => {
      for (const [name, vs] of Object.entries(variants)) {
        for (const v of VARIANTS) {
          const m = vs[v];
          expect(backendSupport(m, 'wasm').loads, `${name} ${v}`).toBe(true);
          const s = await ortWeb.InferenceSession.create(writeOnnx(m));
          const x = new ortWeb.Tensor('float32', new Float32Array(2 * 784).fill(0.3), [2, 1, 28, 28]);
          const out = await s.run({ [s.inputNames[0]]: x });
          const y = out[s.outputNames[0]].data as Float32Array;
          expect(y.length, `${name} ${v}`).toBe(20);
          expect(y.every(Number.isFinite), `${name} ${v}`).toBe(true);
          await s.release();
        }
      }
    });

    describe('reality (Chromium): ORT\'s own placement log', () => {
      const chromiumPath = process.env.PARETO_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
      const haveChromium = existsSync(chromiumPath);
      let server: Server | undefined;
      let base = '';
      const files = new Map<string, Uint8Array>();
      beforeAll(async () => {
        if (!haveChromium) return;
        server = createServer((req, res) => {
          const url = (req.url ?? '/').split('?')[0];
          let body: Uint8Array | undefined;
          let type = 'application/octet-stream';
          if (url === '/') [body, type] = [new TextEncoder().encode('<!doctype html><title>support</title>'), 'text/html'];
          else if (url.startsWith('/models/')) body = files.get(url.slice(8));
          else if (url.startsWith('/dist/') && /^[\w.-]+$/.test(url.slice(6)) && existsSync(join(ORT_WEB, 'dist', url.slice(6)))) {
            body = readFileSync(join(ORT_WEB, 'dist', url.slice(6)));
            type = url.endsWith('.wasm') ? 'application/wasm' : url.endsWith('.mjs') ? 'text/javascript' : type;
          }
          if (!body) {
            res.statusCode = 404;
            res.end();
            return;
          }
          res.setHeader('content-type', type);
          res.end(body);
        });
        await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
        base = `http://localhost:${(server.address() as AddressInfo).port}`;
      });
      afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

      interface PageResult {
        ok: boolean;
        error?: string;
        run?: string;
        logs: string[];
      }

      it.skipIf(!haveChromium)('webgpu (JSEP) places exactly the predicted op types on the CPU; webgl fails where predicted', async (ctx) => {
        const { chromium } = await import('@playwright/test');
        const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumTestArgs() });
        try {
          const page = await browser.newPage();
          const logs: string[] = [];
          page.on('console', (m) => logs.push(m.text()));
          await page.goto(`${base}/`);
          const hasGpu = await page.evaluate(async () => {
            const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
            return !!(gpu && (await gpu.requestAdapter()));
          });
          if (!hasGpu) ctx.skip();

          const open = async (bundle: string, ep: string, key: string, dims: number[]): Promise<PageResult> => {
            logs.length = 0;
            const r = (await page.evaluate(`(${OPEN_IN_PAGE})(${JSON.stringify([bundle, ep, key, dims])})`)) as Omit<PageResult, 'logs'>;
            await new Promise((r) => setTimeout(r, 50));
            return { ...r, logs: [...logs] };
          };

          /** "Node placements" lines of ORT's verbose log: op types by execution provider. */
          const placements = (lines: string[]) => {
            const byEp = new Map<string, string[]>();
            let ep: string | undefined;
            for (const raw of lines) {
              if (!raw.includes('VerifyEachNodeIsAssignedToAnEp]')) continue;
              const l = raw.replace(/^.*VerifyEachNodeIsAssignedToAnEp\]/, '');
              const h = l.match(/placed on \[(\w+)\]/);
              if (h) {
                ep = h[1];
                if (!byEp.has(ep)) byEp.set(ep, []);
                continue;
              }
              const n = l.match(/^\s+(\w+) \(/);
              if (n && ep) byEp.get(ep)!.push(n[1]);
            }
            return byEp;
          };

          for (const [name, vs] of Object.entries(variants)) {
            for (const v of VARIANTS) {
              const key = `${name}-${v}.onnx`;
              files.set(key, writeOnnx(vs[v]));
              const predicted: BackendSupport = backendSupport(vs[v], 'webgpu');
              const r = await open('ort.min.mjs', 'webgpu', key, [1, 1, 28, 28]);
              expect(r.ok, `${key}: ${r.error}`).toBe(true);
              expect(r.run, key).toBe('ok');
              const placed = placements(r.logs);
              expect(placed.size, `${key}: no placement log`).toBeGreaterThan(0);
              const cpu = placed.get('CPUExecutionProvider') ?? [];
              expect([...new Set(cpu)].sort(), key).toEqual(opTypes(predicted.fallback));
              if (name === 'mnist-mlp') {
                // No graph rewrites around these: node for node, copy for copy.
                const copies = (placed.get('JsExecutionProvider') ?? []).filter((op) => op.startsWith('Memcpy')).length;
                expect(cpu.length, key).toBe(predicted.summary.fallback);
                expect(copies, key).toBe(predicted.summary.transfers);
              }

              const gl = backendSupport(vs[v], 'webgl');
              const g = await open('ort.webgl.min.mjs', 'webgl', key, [1, 1, 28, 28]);
              expect(g.ok, `${key} webgl: ${g.error}`).toBe(gl.loads);
              if (!gl.loads && gl.unsupported.length > 0) {
                const op = g.error?.match(/cannot resolve operator '(\w+)'/)?.[1];
                expect(gl.unsupported.map((u) => u.opType), `${key}: ${g.error}`).toContain(op);
              } else if (!gl.loads) {
                expect(g.error, key).toMatch(/unsupported data type: FLOAT16/);
              } else {
                // The samples' symbolic batch dim: loads, but run() fails, as predicted.
                expect(gl.issues.map((i) => i.kind)).toEqual(['run-fails']);
                expect(g.run, key).toMatch(/input tensor\[0\] check failed/);
              }
            }
          }
          // The same graph with a fixed batch dim runs on WebGL.
          const fixed = readOnnx(writeOnnx(variants['mnist-mlp'].fp32)).proto;
          const t = fixed.graph!.input[0].type!;
          if (t.value.case === 'tensorType') t.value.value.shape!.dim[0].value = { case: 'dimValue', value: 1n };
          expect(backendSupport(fixed, 'webgl').verdict).toMatch(/^Runs entirely on WebGL/);
          files.set('fixed.onnx', writeOnnx(fixed));
          const f = await open('ort.webgl.min.mjs', 'webgl', 'fixed.onnx', [1, 1, 28, 28]);
          expect([f.ok, f.run]).toEqual([true, 'ok']);
          // Below ai.onnx opset 7 ORT's layout transformer refuses the model, so the WebGPU EP takes no node at all; and
          // JSEP's Conv throws at run when dilations or strides are left to their defaults, as predicted.
          const w = floatTensor('w', [1, 1, 3, 3], new Float32Array(9).fill(0.1));
          const convs: [string, number, boolean][] = [['conv6', 6, true], ['conv7', 7, true], ['conv7-bare', 7, false]];
          for (const [key, v, explicit] of convs) {
            const attrs: Record<string, ReturnType<typeof attr.ints>> = explicit ? { dilations: attr.ints([1, 1]), strides: attr.ints([1, 1]) } : {};
            const conv = oneNode('Conv', v, [['x', F, [1, 1, 4, 4]], ['w', F, [1, 1, 3, 3]]], [['y', F]], attrs, { initializers: [w] });
            files.set(`${key}.onnx`, writeOnnx(conv));
            const predicted = backendSupport(conv, 'webgpu');
            const r = await open('ort.min.mjs', 'webgpu', `${key}.onnx`, [1, 1, 4, 4]);
            expect(r.ok, `${key}: ${r.error}`).toBe(true);
            expect([...placements(r.logs).keys()], key).toEqual([v < 7 ? 'CPUExecutionProvider' : 'JsExecutionProvider']);
            expect(opTypes(predicted.fallback), key).toEqual(v < 7 ? ['Conv'] : []);
            expect(predicted.gpuUnused === undefined, key).toBe(v >= 7);
            expect(predicted.issues.filter((i) => i.kind === 'run-fails').length, key).toBe(explicit ? 0 : 1);
            expect(r.run, key).toMatch(explicit ? /^ok$/ : /dilations should be 2D/);
          }
        } finally {
          await browser.close();
        }
      }, 180_000);
    });
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Edge-case ops: does onnxruntime-web (wasm, Node) load them exactly when the wasm table says it does?

describe('reality (Node): the wasm table on edge-case ops', () => {
  const ms = (d: string) => [{ domain: '', version: 17 }, { domain: d, version: 1 }];
  const unary = (op: string, v: number) => oneNode(op, v, [['x', F, [2, 4]]], [['y', F]]);
  const cases: [string, ModelProto][] = [
    ['Relu-26', unary('Relu', 26)],
    ['Relu at opset 27', unary('Relu', 27)],
    ['Concat-1 (opset 3)', oneNode('Concat', 3, [['x', F, [2]]], [['y', F]], { axis: attr.i(0) })],
    ['GlobalLpPool at 21', oneNode('GlobalLpPool', 21, [['x', F, [1, 2, 4, 4]]], [['y', F]])],
    ['GlobalLpPool at 22', oneNode('GlobalLpPool', 22, [['x', F, [1, 2, 4, 4]]], [['y', F]])],
    ['RandomNormalLike at 21', unary('RandomNormalLike', 21)],
    ['RandomNormalLike at 22', unary('RandomNormalLike', 22)],
    ['Bernoulli at 21 (function)', unary('Bernoulli', 21)],
    ['Bernoulli at 22 (function)', unary('Bernoulli', 22)],
    ['Swish at 24 (function)', unary('Swish', 24)],
    ['Swish at 25 (function)', unary('Swish', 25)],
    ['HardSwish (function)', unary('HardSwish', 22)],
    ['Mish (function)', unary('Mish', 22)],
    ['CastLike (function)', oneNode('CastLike', 21, [['x', F, [2]], ['x', F, [2]]], [['y', F]])],
    ['NonMaxSuppression', oneNode('NonMaxSuppression', 11, [['b', F, [1, 2, 4]], ['s', F, [1, 1, 2]]], [['y', DataType.INT64]])],
    ['DeformConv', oneNode('DeformConv', 22, [['x', F, [1, 1, 4, 4]], ['w', F, [1, 1, 2, 2]], ['o', F, [1, 8, 3, 3]]], [['y', F]])],
    ['ImageDecoder', oneNode('ImageDecoder', 20, [['x', DataType.UINT8, [16]]], [['y', DataType.UINT8]])],
    ['com.microsoft DynamicQuantizeMatMul', oneNode('DynamicQuantizeMatMul', ms('com.microsoft'), [['a', F], ['b', DataType.INT8], ['bs', F]], [['y', F]], {}, { domain: 'com.microsoft' })],
    ['com.microsoft MatMulNBits', oneNode('MatMulNBits', ms('com.microsoft'), [['a', F], ['b', DataType.UINT8], ['s', F]], [['y', F]], { K: attr.i(16), N: attr.i(4), bits: attr.i(4), block_size: attr.i(16) }, { domain: 'com.microsoft' })],
    ['com.microsoft QLinearConcat', oneNode('QLinearConcat', ms('com.microsoft'), [['ys', F], ['yz', DataType.UINT8], ['a', DataType.UINT8], ['as', F], ['az', DataType.UINT8]], [['y', DataType.UINT8]], { axis: attr.i(0) }, { domain: 'com.microsoft' })],
    ['com.microsoft BiasAdd (JSEP only)', oneNode('BiasAdd', ms('com.microsoft'), [['a', F], ['b', F], ['c', F]], [['y', F]], {}, { domain: 'com.microsoft' })],
    ['com.microsoft BiasSplitGelu (JSEP only)', oneNode('BiasSplitGelu', ms('com.microsoft'), [['a', F], ['b', F]], [['y', F]], {}, { domain: 'com.microsoft' })],
    ['ai.onnx.ml Normalizer', oneNode('Normalizer', ms('ai.onnx.ml'), [['a', F]], [['y', F]], { norm: attr.s('L2') }, { domain: 'ai.onnx.ml' })],
  ];

  it.each(cases)('%s', async (_label, m) => {
    const predicted = backendSupport(m, 'wasm');
    const actual = await ortWebLoads(m);
    expect(actual.ok, `${predicted.verdict} | ORT: ${actual.error}`).toBe(predicted.loads);
    if (!actual.ok) expect(actual.error).toMatch(/Could not find an implementation|ValidateOpsetForDomain|opset/);
  });
});
