import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './in-process';
import { isParetoError } from '../core/errors';
import { external, HOSTILE } from '../core/formats/onnx/hostile/corpus';
import { CliError } from './errors';
import { openModelPath, readFileOrFail } from './load';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/pareto.mjs');

/** The CLI in-process: main(), as bin/pareto.mjs runs it. */
async function pareto(args: string[]) {
  const r = await runCli(args, { cwd: root });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The real process, with a time limit: for a read that could block (a FIFO). */
function spawned(args: string[], timeout: number) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

let tmp: string;
/** A folder holding model.onnx, whose [4, 4] weight lives in `location` (offset 0, 64 bytes). */
function folder(name: string, location = 'w.bin'): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), external('0', '64', 64, location).model);
  return dir;
}
const data = external('0', '64').data!['w.bin'];

function loadError(path: string): Error {
  try {
    openModelPath(path);
  } catch (e) {
    return e as Error;
  }
  throw new Error('opened');
}

let server: Server;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'pareto-load-'));
  server = createServer();
  await new Promise<void>((r) => server.listen(join(mkdirSync(join(tmp, 'sock'), { recursive: true })!, 'w.bin'), r));
});
afterAll(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('external data is read only from regular files inside the model folder', () => {
  it('a data file in the folder, or a symlink to one in the folder, is read', async () => {
    const dir = folder('ok');
    writeFileSync(join(dir, 'w.bin'), data);
    expect(openModelPath(join(dir, 'model.onnx')).summary.parameters.total).toBe(16);
    const linked = folder('linked-inside', 'l.bin');
    mkdirSync(join(linked, 'real'));
    writeFileSync(join(linked, 'real', 'w.bin'), data);
    symlinkSync('real/w.bin', join(linked, 'l.bin'));
    expect(openModelPath(join(linked, 'model.onnx')).summary.parameters.total).toBe(16);
  });

  it('a data file that is a symlink to /etc/passwd is refused, naming the tensor, the location and the target', async () => {
    const dir = folder('passwd');
    symlinkSync('/etc/passwd', join(dir, 'w.bin'));
    const e = loadError(join(dir, 'model.onnx'));
    expect(isParetoError(e)).toBe(true);
    expect(e.message).toMatch(
      /^external data file "w\.bin" \(of tensor "w"\) resolves \(through a symbolic link\) to "\/etc\/passwd", outside the model's folder ".*passwd": refused/,
    );
  });

  it('a folder symlink to / is refused the same way (location "root/etc/passwd")', async () => {
    const dir = folder('slash', 'root/etc/passwd');
    symlinkSync('/', join(dir, 'root'));
    expect(loadError(join(dir, 'model.onnx')).message).toMatch(/"root\/etc\/passwd" .* to "\/etc\/passwd", outside the model's folder/);
  });

  it('only the bytes the tensors name are read: no gap before them, nothing after them', async () => {
    const dir = join(tmp, 'ranges');
    mkdirSync(dir);
    const c = external('32', '64', 128); // bytes 32..96 of a 128-byte file of non-zero floats
    writeFileSync(join(dir, 'model.onnx'), c.model);
    writeFileSync(join(dir, 'w.bin'), c.data!['w.bin']);
    const opened = openModelPath(join(dir, 'model.onnx'));
    const read = opened.model.external.get('w.bin')!;
    expect(read.length).toBe(96); // nothing after the last tensor
    expect(Array.from(read.subarray(0, 32))).toEqual(new Array(32).fill(0)); // the gap was never read
    expect(Array.from(read.subarray(32))).toEqual(Array.from(c.data!['w.bin'].subarray(32, 96)));
    expect(opened.summary.parameters.total).toBe(16);
  });

  it('a symlink to /dev/zero is refused without reading it', async () => {
    const dir = folder('zero');
    symlinkSync('/dev/zero', join(dir, 'w.bin'));
    expect(loadError(join(dir, 'model.onnx')).message).toMatch(/to "\/dev\/zero", outside the model's folder/);
  });

  it('a FIFO, a directory and a socket in the folder are refused at once, never read', async () => {
    const fifo = folder('fifo');
    execFileSync('mkfifo', [join(fifo, 'w.bin')]);
    const t0 = performance.now();
    expect(loadError(join(fifo, 'model.onnx')).message).toBe(
      'external data file "w.bin" (of tensor "w") is a named pipe (FIFO), not a regular file: refused (nothing was read from it).',
    );
    // A hang guard, not a speed figure: opening a FIFO for reading would block until a writer came.
    expect(performance.now() - t0).toBeLessThan(5000);
    const d = folder('dir');
    mkdirSync(join(d, 'w.bin'));
    expect(loadError(join(d, 'model.onnx')).message).toMatch(/"w\.bin" \(of tensor "w"\) is a directory, not a regular file/);
    const s = join(tmp, 'sock');
    writeFileSync(join(s, 'model.onnx'), external('0', '64').model);
    const e = loadError(join(s, 'model.onnx'));
    expect(e).toBeInstanceOf(CliError);
    expect(e.message).toMatch(/cannot read external data file "w\.bin" \(of tensor "w"\): it is a socket/);
  });

  it('a model path that is a FIFO or /dev/zero is refused at once', async () => {
    const p = join(tmp, 'model-fifo.onnx');
    execFileSync('mkfifo', [p]);
    expect(() => readFileOrFail(p, 'model')).toThrow(/is a named pipe \(FIFO\), not a regular file/);
    expect(() => readFileOrFail('/dev/zero', 'model')).toThrow('cannot read model "/dev/zero": it is a character device, not a regular file.');
  });

  it('an offset past the end of an existing file says so, not "not found"', async () => {
    const dir = join(tmp, 'past-end');
    mkdirSync(dir);
    const c = HOSTILE['external-offset-past-end']();
    writeFileSync(join(dir, 'model.onnx'), c.model);
    writeFileSync(join(dir, 'w.bin'), c.data!['w.bin']);
    const e = loadError(join(dir, 'model.onnx'));
    expect(e.message).toContain('Tensor "w" starts at byte 1000 of "w.bin", past the end of that file (64 bytes)');
    expect(e.message).not.toMatch(/not found/);
  });
});

describe('pareto inspect and quantize on hostile models: exit 1, one line, no stack trace', () => {
  const cases = [
    'negative-dims',
    'dims-overflow-2^53',
    'external-negative-length',
    'external-nan-offset',
    'external-offset-past-end',
    'graph-cycle',
    'long-name-negative-dims',
  ];
  it.each(cases)('%s', async (name) => {
    const dir = join(tmp, `cli-${name}`);
    mkdirSync(dir);
    const c = HOSTILE[name]();
    writeFileSync(join(dir, 'model.onnx'), c.model);
    for (const [loc, bytes] of Object.entries(c.data ?? {})) writeFileSync(join(dir, loc), bytes);
    for (const args of [['inspect', join(dir, 'model.onnx')], ['quantize', join(dir, 'model.onnx'), '-o', join(dir, 'out.onnx')]]) {
      const r = await pareto(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^pareto: error: /);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error|RangeError/);
      expect(r.stderr.length).toBeLessThan(700);
    }
    expect(existsSync(join(dir, 'out.onnx'))).toBe(false);
  });

  // Every case of the corpus, through `pareto inspect`: its own message from list.json.
  const list = JSON.parse(readFileSync(join(import.meta.dirname, '../core/formats/onnx/hostile/list.json'), 'utf8')) as { file: string; error: string }[];
  // The CLI looks on disk, so a missing file is named as not found in the model's folder (the app: "not provided").
  const cliWords: Record<string, string> = { 'external-missing-file': 'external data file not found next to it: w.bin' };
  it.each(list)('pareto inspect $file: exit 1 with its message', async ({ file, error: coreError }) => {
    const error = cliWords[file] ?? coreError;
    const dir = join(tmp, `inspect-${file.replace(/[^\w-]/g, '_')}`);
    mkdirSync(dir);
    const c = HOSTILE[file]();
    writeFileSync(join(dir, 'model.onnx'), c.model);
    for (const [loc, bytes] of Object.entries(c.data ?? {})) writeFileSync(join(dir, loc), bytes);
    const r = await pareto(['inspect', join(dir, 'model.onnx')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pareto: error: /);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain(error.replace(/\s+/g, ' '));
    expect(r.stderr).not.toMatch(/\n\s+at |internal error|RangeError/);
  });

  it('a CSV over the size cap is refused by its size, before a byte of it is read', async () => {
    const big = join(tmp, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, 300 * 2 ** 20); // sparse: 300 MiB on paper, nothing on disk
    const r = await pareto(['bench', 'public/samples/mnist-mlp.onnx', '--data', big, '--label-column', 'label']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read CSV file ".*big\.csv": it is 300 MiB, more than the 256 MiB a CSV file may be \(nothing was read\)\./);
  });

  it('quantize with a data file symlinked to /etc/passwd exits 1 and writes nothing; a FIFO ends within seconds', async () => {
    const dir = folder('cli-passwd');
    symlinkSync('/etc/passwd', join(dir, 'w.bin'));
    const r = await pareto(['quantize', join(dir, 'model.onnx'), '-o', join(dir, 'out.onnx')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/outside the model's folder/);
    expect(existsSync(join(dir, 'out.onnx'))).toBe(false);
    const fifo = folder('cli-fifo');
    execFileSync('mkfifo', [join(fifo, 'w.bin')]);
    const f = spawned(['inspect', join(fifo, 'model.onnx')], 20_000);
    expect(f.signal).toBeNull();
    expect(f.code).toBe(1);
    expect(f.stderr).toMatch(/is a named pipe \(FIFO\), not a regular file/);
  });
});
