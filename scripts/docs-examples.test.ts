/**
 * Every `npx pareto …` example in README.md and docs/*.md runs as written, on the MNIST sample: in a scratch folder
 * where `model.onnx` is the CNN sample, `x.npy`/`inputs.npy` its test split's inputs, `y.npy` their labels,
 * `test.npz` both, `digits.csv` the same digits as a table (784 pixel columns and a `label` column), and `public/`
 * and `examples/` are the repository's. The input-spec examples' models stand for real ones of their shape:
 * `detector.onnx` (input [batch, 3, H, W]), `vad.onnx` (input [batch, 512], state [2, batch, 128], sr an int64
 * scalar), `encoder.onnx` (ids [batch, seq] into an embedding), `frames.npz` holds 8 frames and sr, and `old.onnx` is an opset-9 model (Clip, Unsqueeze and Softmax of that opset). Examples run in document order (a later one may read what an earlier one
 * wrote, e.g. model.int8.onnx), with `npx pareto` meaning this checkout's CLI: in-process (its main(), as bin/pareto.mjs
 * runs it) for plain lines, `> file` included; through bash and bin/pareto.mjs for anything the shell would do more with,
 * and for onnxruntime-web's WASM backend (its threads outlive the command).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '../src/core/data/npy';
import { writeNpz } from '../src/core/data/npz';
import { detectorModel, embeddingModel, recurrentModel } from '../src/core/bench/input-spec-models';
import { writeOnnx } from '../src/core/formats/onnx/write';
import { oldModel } from '../src/core/testing/old-model';
import { runCli } from '../src/cli/in-process';

const root = join(import.meta.dirname, '..');
const docs = ['README.md', 'docs/cli.md', 'docs/tco.md', 'docs/report.md'];

/** The `npx pareto` lines of a Markdown file's code blocks, with their line numbers. */
export function examplesIn(markdown: string): { line: number; command: string }[] {
  const out: { line: number; command: string }[] = [];
  let inBlock = false;
  markdown.split('\n').forEach((text, i) => {
    if (/^\s*```/.test(text)) inBlock = !inBlock;
    else if (inBlock && /^\s*npx pareto\b/.test(text)) out.push({ line: i + 1, command: text.trim() });
  });
  return out;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pareto-docs-'));
  const samples = join(root, 'public/samples');
  copyFileSync(join(samples, 'mnist-cnn.onnx'), join(dir, 'model.onnx'));
  copyFileSync(join(samples, 'mnist-test-x.npy'), join(dir, 'x.npy'));
  copyFileSync(join(samples, 'mnist-test-x.npy'), join(dir, 'inputs.npy'));
  copyFileSync(join(samples, 'mnist-test-y.npy'), join(dir, 'y.npy'));
  const x = readNpy(readFileSync(join(samples, 'mnist-test-x.npy')));
  const y = readNpy(readFileSync(join(samples, 'mnist-test-y.npy')));
  writeFileSync(join(dir, 'test.npz'), writeNpz({ x, y }));
  const rows = 200;
  const pixels = x.data as Float32Array;
  const labels = y.data as BigInt64Array;
  const lines = [[...Array.from({ length: 784 }, (_, i) => `p${i}`), 'label'].join(',')];
  for (let r = 0; r < rows; r++) lines.push([...pixels.subarray(r * 784, (r + 1) * 784), String(labels[r])].join(','));
  writeFileSync(join(dir, 'digits.csv'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'old.onnx'), writeOnnx(oldModel(9)));
  writeFileSync(join(dir, 'detector.onnx'), writeOnnx(detectorModel()));
  writeFileSync(join(dir, 'vad.onnx'), writeOnnx(recurrentModel()));
  writeFileSync(join(dir, 'encoder.onnx'), writeOnnx(embeddingModel()));
  const frames = Float32Array.from({ length: 8 * 512 }, (_, i) => Math.sin(i / 7));
  writeFileSync(join(dir, 'frames.npz'), writeNpz({ input: { dtype: 'float32', shape: [8, 512], data: frames }, sr: { dtype: 'int64', shape: [], data: BigInt64Array.from([16000n]) } }));
  symlinkSync(join(root, 'public'), join(dir, 'public'));
  symlinkSync(join(root, 'examples'), join(dir, 'examples'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The arguments of `npx pareto …` when the line is plain words, maybe a trailing `# comment` and a `> file`; null
 * when the shell would do more with it (quotes, pipes, variables, …), and then it runs through bash.
 */
export function plainWords(command: string): { args: string[]; stdoutTo?: string } | null {
  const line = command.replace(/\s+#.*$/, '');
  if (/['"\\|&;<$`(){}*?]/.test(line)) return null;
  const words = line.split(/\s+/).filter(Boolean);
  if (words[0] !== 'npx' || words[1] !== 'pareto') return null;
  const at = words.indexOf('>');
  if (words.some((w, i) => i !== at && w.includes('>'))) return null;
  if (at === -1) return { args: words.slice(2) };
  if (at !== words.length - 2) return null;
  return { args: words.slice(2, at), stdoutTo: words[at + 1] };
}

// A command that appears in several documents (README.md and docs/cli.md share some) runs once, where it first appears.
const seen = new Set<string>();
describe.each(docs)('%s', (file) => {
  const all = examplesIn(readFileSync(join(root, file), 'utf8'));
  const examples = all.filter(({ command }) => !seen.has(command.replace(/\s+#.*$/, '')) && seen.add(command.replace(/\s+#.*$/, '')));
  it('has examples', () => expect(all.length).toBeGreaterThan(0));
  it.skipIf(examples.length === 0).each(examples)('line $line: $command', async ({ command }) => {
    const words = plainWords(command);
    // onnxruntime-web's WASM module starts its threads once per process and they never end (one spun a core for the
    // rest of the unit run, 80 s of CPU, when this ran in-process): its examples get a process of their own.
    if (words && !/--backend wasm\b/.test(command)) {
      // A plain command line (words, a `# comment`, a `> file`): the CLI in-process, stdout written as the shell would.
      const r = await runCli(words.args, { cwd: dir });
      if (words.stdoutTo) writeFileSync(join(dir, words.stdoutTo), r.stdout);
      expect(r.stderr, `exit ${r.status}`).not.toMatch(/pareto: error/);
      expect(r.status, r.stderr).toBe(0);
      return;
    }
    const shell = command.replace(/^npx pareto\b/, `node ${JSON.stringify(join(root, 'bin/pareto.mjs'))}`);
    const r = spawnSync('bash', ['-c', shell], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr + (r.error ? String(r.error) : ''), `exit ${r.status}`).not.toMatch(/pareto: error/);
    expect(r.status, r.stderr).toBe(0);
  });
});

describe('plainWords', () => {
  it('splits plain lines, drops a comment, takes a `> file`; leaves anything else to the shell', () => {
    expect(plainWords('npx pareto tco examples/scenario.json --json   # the result')).toEqual({ args: ['tco', 'examples/scenario.json', '--json'] });
    expect(plainWords('npx pareto bench m.onnx --json > bench.json')).toEqual({ args: ['bench', 'm.onnx', '--json'], stdoutTo: 'bench.json' });
    for (const shell of ['npx pareto inspect "a b.onnx"', 'npx pareto inspect m.onnx | head', 'npx pareto inspect $M', 'npx pareto a > b > c', 'npx pareto a 2>err']) {
      expect(plainWords(shell)).toBeNull();
    }
  });
});
