import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';
import * as b from '../core/formats/onnx/builder';
import { DataLocation, DataType, StringStringEntryProtoSchema, TensorProtoSchema, type TensorProto } from '../core/formats/onnx/proto';
import { writeOnnx } from '../core/formats/onnx/write';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/pareto.mjs');
const sample = join(root, 'public/samples/mnist-cnn.onnx');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI in-process: main(), as bin/pareto.mjs runs it, with its output captured. */
async function pareto(args: string[], cwd = root): Promise<Result> {
  const r = await runCli(args, { cwd });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The real `pareto` process (bin/pareto.mjs): for what only a process shows (exit status, the bin script). */
function spawned(args: string[], cwd = root): Result {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Deterministic weights. */
const fill = (n: number, seed = 1) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.1);

function mlp() {
  return b.model({
    producerName: 'cli-test',
    producerVersion: '1.2',
    docString: 'A small MLP for the CLI tests',
    metadata: { author: 'tests' },
    graph: b.graph({
      name: 'mlp',
      inputs: [b.valueInfo('x', DataType.FLOAT, ['batch', 784])],
      outputs: [b.valueInfo('y', DataType.FLOAT, ['batch', 10])],
      initializers: [
        b.floatTensor('w1', [128, 784], fill(128 * 784)),
        b.floatTensor('b1', [128], fill(128, 2)),
        b.floatTensor('w2', [10, 128], fill(10 * 128, 3)),
        b.floatTensor('b2', [10], fill(10, 4)),
      ],
      nodes: [
        b.node('Gemm', ['x', 'w1', 'b1'], ['h'], { transB: b.attr.i(1) }, { name: 'fc1' }),
        b.node('Relu', ['h'], ['hr'], {}, { name: 'relu1' }),
        b.node('Gemm', ['hr', 'w2', 'b2'], ['y'], { transB: b.attr.i(1) }, { name: 'fc2' }),
      ],
    }),
  });
}

function externalTensor(name: string, dims: number[], location: string, offset: number, length: number): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType: DataType.FLOAT,
    dims: dims.map(BigInt),
    dataLocation: DataLocation.EXTERNAL,
    externalData: [
      create(StringStringEntryProtoSchema, { key: 'location', value: location }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(length) }),
    ],
  });
}

/** A 2-layer MatMul model whose weights live in `location` (relative to the model). */
function externalModel(location: string) {
  const w1 = fill(64 * 32);
  const w2 = fill(32 * 8, 5);
  const data = new Uint8Array(w1.byteLength + w2.byteLength);
  data.set(new Uint8Array(w1.buffer), 0);
  data.set(new Uint8Array(w2.buffer), w1.byteLength);
  const proto = b.model({
    opset: [
      { domain: '', version: 18 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: b.graph({
      name: 'ext',
      inputs: [b.valueInfo('x', DataType.FLOAT, [1, 64])],
      outputs: [b.valueInfo('y', DataType.FLOAT, [1, 8])],
      initializers: [
        externalTensor('w1', [64, 32], location, 0, w1.byteLength),
        externalTensor('w2', [32, 8], location, w1.byteLength, w2.byteLength),
      ],
      nodes: [b.node('MatMul', ['x', 'w1'], ['h'], {}, { name: 'mm1' }), b.node('MatMul', ['h', 'w2'], ['y'], {}, { name: 'mm2' })],
    }),
  });
  return { bytes: writeOnnx(proto), data };
}

/** Constant node weights and an If with two subgraphs. */
function branchyModel() {
  const branch = (name: string, k: number) =>
    b.graph({
      name,
      inputs: [],
      outputs: [b.valueInfo(`${name}_out`, DataType.FLOAT, [1, 4])],
      initializers: [b.floatTensor(`${name}_w`, [4, 4], fill(16, k))],
      nodes: [b.node('MatMul', ['x', `${name}_w`], [`${name}_out`], {}, { name: `${name}_mm` })],
    });
  return writeOnnx(
    b.model({
      graph: b.graph({
        name: 'branchy',
        inputs: [b.valueInfo('x', DataType.FLOAT, [1, 4]), b.valueInfo('cond', DataType.BOOL, [])],
        outputs: [b.valueInfo('y', DataType.FLOAT, [1, 4])],
        nodes: [
          b.node('Constant', [], ['c'], { value: b.attr.t(b.floatTensor('c_value', [4], fill(4, 9))) }, { name: 'const' }),
          b.node('Add', ['x', 'c'], ['xc'], {}, { name: 'add' }),
          b.node('If', ['cond'], ['y'], { then_branch: b.attr.g(branch('then', 1)), else_branch: b.attr.g(branch('else', 2)) }, { name: 'if' }),
        ],
      }),
    }),
  );
}

let dir: string;
const p = (...parts: string[]) => join(dir, ...parts);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pareto-cli-'));
  writeFileSync(p('mlp.onnx'), writeOnnx(mlp()));

  const ext = externalModel('ext.onnx.data');
  mkdirSync(p('ext'));
  writeFileSync(p('ext', 'ext.onnx'), ext.bytes);
  writeFileSync(p('ext', 'ext.onnx.data'), ext.data);

  const nested = externalModel('./weights/../weights/w.bin');
  mkdirSync(p('nested', 'weights'), { recursive: true });
  writeFileSync(p('nested', 'model.onnx'), nested.bytes);
  writeFileSync(p('nested', 'weights', 'w.bin'), nested.data);

  mkdirSync(p('missing'));
  writeFileSync(p('missing', 'model.onnx'), externalModel('gone.bin').bytes);

  const full = writeOnnx(mlp());
  writeFileSync(p('truncated.onnx'), full.subarray(0, Math.floor(full.length / 3)));
  writeFileSync(p('garbage.onnx'), Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
  writeFileSync(p('model.zip'), Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...new Array(60).fill(0)]));
  writeFileSync(p('branchy.onnx'), branchyModel());
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** An expected error: one line, no stack trace, no colour. */
function expectCleanError(r: Result) {
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toContain('\x1b[');
}

describe('pareto (global)', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = spawned(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('inspect <model>');
    expect(r.stdout).toMatch(/Exit codes/);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const r = spawned(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`pareto ${version}`);
  });

  it('the built CLI imports no runtime at start-up (onnxruntime, TF.js): a command that needs one loads it', () => {
    expect(spawned(['--version']).code).toBe(0); // (re)built if a source changed
    // The package imports of the entry file and of every part it imports statically, transitively.
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)) {
        if (m[1].startsWith('.')) visit(join(dirname(file), m[1]));
        else packages.add(m[1]);
      }
    };
    visit(join(root, 'dist-cli/pareto.mjs'));
    expect(packages.has('cac')).toBe(true); // the walk sees package imports
    expect([...packages].filter((p) => /onnxruntime|@tensorflow/.test(p))).toEqual([]);
  });

  it('inspect --help shows the command options', async () => {
    const r = await pareto(['inspect', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toContain('--layers <n>');
  });

  it('an unknown command is a usage error (exit 2) with a hint', async () => {
    const r = spawned(['frobnicate', 'x.onnx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
    expect(r.stderr).toContain('pareto --help');
    expectCleanError(r);
  });

  it('an unknown option is a usage error', async () => {
    const r = await pareto(['inspect', p('mlp.onnx'), '--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--frob/);
    expect(r.stderr).toContain('pareto inspect --help');
    expectCleanError(r);
    expect((await pareto(['--frob'])).code).toBe(2);
  });

  it('a missing argument is a usage error', async () => {
    const r = await pareto(['inspect']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required args/);
    expectCleanError(r);
  });

  it('a bad --layers value is a usage error', async () => {
    const r = await pareto(['inspect', p('mlp.onnx'), '--layers', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--layers/);
    expectCleanError(r);
    expect((await pareto(['inspect', p('mlp.onnx'), '--layers'])).code).toBe(2);
  });
});

describe('pareto inspect', () => {
  it('prints a readable summary of an MLP', async () => {
    const r = await pareto(['inspect', p('mlp.onnx')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).not.toContain('\x1b['); // not a TTY: no colour
    expect(out.split('\n')[0]).toBe('mlp.onnx');
    expect(out).toMatch(/Producer\s+cli-test 1\.2/);
    expect(out).toMatch(/IR version\s+8/);
    expect(out).toMatch(/Opsets\s+ai\.onnx 17/);
    expect(out).toMatch(/x\s+float32\s+\[batch, 784\]/);
    expect(out).toMatch(/y\s+float32\s+\[batch, 10\]/);
    expect(out).toContain('101,770');
    expect(out).toMatch(/initializers\s+4\s+102k\s+407 KB/);
    expect(out).toMatch(/Gemm\s+2/);
    expect(out).toContain('101,632'); // MACs: 784*128 + 128*10
    expect(out).toMatch(/fc1\s+Gemm\s+128×784, 128\s+100k\s+402 KB\s+98\.7%\s+100k/);
    // Layers: largest first.
    expect(out.indexOf('fc1 ')).toBeLessThan(out.indexOf('fc2 '));
    expect(out.indexOf('fc2 ')).toBeLessThan(out.indexOf('relu1'));
  });

  it('aligns table columns', async () => {
    const lines = (await pareto(['inspect', p('mlp.onnx')])).stdout.split('\n');
    const start = lines.findIndex((l) => l.startsWith('Layers'));
    const rows = lines.slice(start + 1, start + 5);
    const col = (l: string) => l.indexOf('MACs') >= 0 ? l.indexOf('MACs') + 4 : l.length;
    // Right-aligned last column: every row ends at the header's MACs column.
    expect(new Set(rows.map((l, i) => (i === 0 ? col(l) : l.length))).size).toBe(1);
  });

  it('--layers N limits the table; --layers all lists every layer in graph order', async () => {
    const one = (await pareto(['inspect', p('mlp.onnx'), '--layers', '1'])).stdout;
    expect(one).toMatch(/top 1 of 3/);
    expect(one).toMatch(/^\s+fc1\s/m);
    expect(one).not.toMatch(/^\s+fc2\s/m);
    const all = (await pareto(['inspect', p('mlp.onnx'), '--layers', 'all'])).stdout;
    expect(all).toMatch(/all 3, in graph order/);
    const at = (s: string) => all.search(new RegExp(`^\\s+${s}\\s`, 'm'));
    expect(at('fc1')).toBeLessThan(at('relu1'));
    expect(at('relu1')).toBeLessThan(at('fc2'));
  });

  it('--json prints the ModelSummary with every documented key', async () => {
    const r = await pareto(['inspect', p('mlp.onnx'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s)).toEqual([
      'summaryVersion', 'format', 'fileName', 'fileBytes', 'externalDataBytes', 'externalDataFiles', 'irVersion',
      'producer', 'domain', 'modelVersion', 'docString', 'opsets', 'metadata', 'inputs', 'outputs', 'parameters',
      'weightLocations', 'ops', 'nodeCount', 'graphCount', 'subgraphs', 'macs', 'layers', 'macsAt', 'inputHints',
    ]);
    expect(s.summaryVersion).toBe(1);
    expect(s.fileName).toBe('mlp.onnx');
    expect(s.producer).toEqual({ name: 'cli-test', version: '1.2' });
    expect(s.opsets).toEqual([{ domain: 'ai.onnx', version: 17 }]);
    expect(s.metadata).toEqual([{ key: 'author', value: 'tests' }]);
    expect(s.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 784] }]);
    expect(s.parameters.total).toBe(101_770);
    expect(s.parameters.bytes).toBe(101_770 * 4);
    expect(s.parameters.byDtype).toEqual([{ dtype: 'float32', parameters: 101_770, bytes: 407_080 }]);
    expect(s.weightLocations.initializer).toEqual({ tensors: 4, parameters: 101_770, bytes: 407_080 });
    expect(s.macs).toEqual({ total: 101_632, nodesWithMacs: 2, nodesUnknown: 0 });
    expect(s.layers).toHaveLength(3); // --json always holds every layer, in graph order
    expect(s.layers[0]).toMatchObject({ name: 'fc1', opType: 'Gemm', graph: 'main', parameters: 100_480, macs: 100_352 });
    expect(Object.keys(s.layers[0])).toEqual(['name', 'opType', 'domain', 'graph', 'weights', 'parameters', 'bytes', 'share', 'macs']);
    expect(Object.keys(s.layers[0].weights[0])).toEqual(['name', 'dtype', 'shape', 'location', 'external']);
  });

  it('docs/cli.md documents every key of the JSON output', async () => {
    const docs = readFileSync(join(root, 'docs/cli.md'), 'utf8');
    const paths = new Set<string>();
    const walk = (v: unknown, path: string) => {
      if (Array.isArray(v)) v.forEach((e) => walk(e, `${path}[]`));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          const kp = path ? `${path}.${k}` : k;
          paths.add(kp);
          walk(x, kp);
        }
      }
    };
    for (const f of ['mlp.onnx', 'branchy.onnx', 'ext/ext.onnx']) walk(JSON.parse((await pareto(['inspect', p(f), '--json'])).stdout), '');
    const undocumented = [...paths].filter((k) => !docs.includes(`\`${k}\``));
    expect(undocumented).toEqual([]);
  });

  it('reads external data next to the model, from any working directory', async () => {
    const r = await pareto(['inspect', relative(tmpdir(), p('ext', 'ext.onnx'))], tmpdir());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/external data in ext\.onnx\.data/);
    expect(r.stdout).toMatch(/Opsets\s+ai\.onnx 18, com\.microsoft 1/);
    expect(r.stdout).toMatch(/external data \(of the above\)\s+2\s+2304\s+9\.22 KB/);
    const s = JSON.parse((await pareto(['inspect', p('ext', 'ext.onnx'), '--json'])).stdout);
    expect(s.externalDataFiles).toEqual(['ext.onnx.data']);
    expect(s.externalDataBytes).toBe((64 * 32 + 32 * 8) * 4);
    expect(s.weightLocations.external).toEqual({ tensors: 2, parameters: 64 * 32 + 32 * 8, bytes: 9216 });
    expect(s.layers.map((l: { weights: { external: boolean }[] }) => l.weights[0].external)).toEqual([true, true]);
    expect(s.macs.total).toBe(64 * 32 + 32 * 8);
  });

  it('follows external locations in subdirectories', async () => {
    const r = await pareto(['inspect', p('nested', 'model.onnx'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).externalDataFiles).toEqual(['weights/w.bin']);
  });

  it('shows Constant-node weights and subgraphs', async () => {
    const r = await pareto(['inspect', p('branchy.onnx')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Constant nodes\s+1\s+4\s+16 B/);
    expect(r.stdout).toMatch(/subgraphs\s+2\s+32\s+128 B/);
    expect(r.stdout).toMatch(/Subgraphs\n\s+path\s+owner\s+nodes\n\s+main\/if\.then_branch\s+If\s+1/);
    expect(r.stdout).toMatch(/3 nodes in 3 graphs|5 nodes in 3 graphs/);
  });

  it('reports a missing external data file (exit 1)', async () => {
    const r = await pareto(['inspect', p('missing', 'model.onnx')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pareto: error: .*external data file not found next to it: gone\.bin \(looked in .*missing\)/);
    expectCleanError(r);
  });

  it('reports a truncated model (exit 1)', async () => {
    const r = await pareto(['inspect', p('truncated.onnx')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pareto: error: "truncated\.onnx" /);
    expectCleanError(r);
  });

  it('reports a file that is not ONNX (exit 1)', async () => {
    for (const f of ['garbage.onnx', 'model.zip']) {
      const r = await pareto(['inspect', p(f)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^pareto: error: /);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expectCleanError(r);
    }
  });

  it('reports a nonexistent path and a directory (exit 1)', async () => {
    const r = await pareto(['inspect', p('nope.onnx')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pareto: error: cannot read model ".*nope\.onnx": no such file\.\n$/);
    expectCleanError(r);
    const d = await pareto(['inspect', dir]);
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/directory/);
    expectCleanError(d);
  });

  it.skipIf(!existsSync(sample))('inspects the bundled MNIST sample', async () => {
    const r = await pareto(['inspect', sample]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('mnist-cnn.onnx');
    expect(r.stdout).toMatch(/Conv/);
    const s = JSON.parse((await pareto(['inspect', sample, '--json'])).stdout);
    expect(s.parameters.total).toBeGreaterThan(0);
    expect(s.macs.total).toBeGreaterThan(0);
    expect(s.layers.some((l: { opType: string }) => l.opType === 'Conv')).toBe(true);
  });
});

describe('signals', () => {
  /** Whether the process has a handler for the signal (Linux: the SigCgt mask in /proc/<pid>/status). */
  const catches = (pid: number, signo: number) => {
    try {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^SigCgt:\s*([0-9a-f]+)/m);
      return line ? (BigInt(`0x${line[1]}`) >> BigInt(signo - 1)) & 1n ? true : false : false;
    } catch {
      return false;
    }
  };

  it('Ctrl-C or SIGTERM during start-up or a run ends with a message, never silently', async () => {
    const { spawn } = await import('node:child_process');
    // The CLI's first lines catch SIGINT, SIGTERM and then SIGHUP; Node itself already catches the first two, so SIGHUP
    // shows when those lines have run (with SIGHUP first, a SIGTERM sent then could beat its handler on a busy
    // machine). SIGTERM right then (start-up: the bundle still loading); SIGINT during the run.
    for (const [sig, code, extraMs] of [['SIGTERM', 143, 0], ['SIGINT', 130, 500]] as const) {
      const child = spawn(process.execPath, [bin, 'bench', 'public/samples/mnist-cnn.onnx', '--runs', '100000'], { cwd: root });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const t0 = Date.now();
      while (!catches(child.pid!, 1) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, extraMs));
      child.kill(sig);
      const exit = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
      expect(exit).toBe(code);
      expect(stderr).toContain(`pareto: interrupted (${sig})`);
    }
  });
});
