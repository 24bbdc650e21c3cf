/**
 * `pareto report`: real `pareto bench --json` results of the CNN sample (onnxruntime-node and onnxruntime-web's WASM,
 * run in-process once), made into a report link with the example scenario; the link is decoded as the app decodes
 * it and must show the figures `pareto bench` printed. Bad files get a clear message; the built CLI is spawned once
 * for the exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeReportLink, parseReportFile } from '../core/report/codec';
import { sig } from '../core/report/build';
import { parseBenchArgs } from './bench/args';
import { runBench, type BenchJson } from './bench/run';
import type { CommandIO } from './command';
import { report } from './commands/report';
import { describeError } from './errors';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'pareto-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): CommandIO & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (s) => void (out += s), err: (s) => void (err += s), color: false, cwd: root, stdout: () => out, stderr: () => err };
}

/** Runs `pareto report` in-process: exit code (errors as main() prints them), stdout, stderr. */
async function pareto(files: string[], options: Record<string, unknown> = {}) {
  const io = capture();
  try {
    const code = (await report.run(files, options, io)) ?? 0;
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  } catch (e) {
    const { message, exitCode } = describeError(e, 'report');
    return { code: exitCode, stdout: io.stdout(), stderr: io.stderr() + message };
  }
}

const benches: { file: string; json: BenchJson }[] = [];
beforeAll(async () => {
  for (const backend of ['node', 'wasm']) {
    const args = parseBenchArgs('public/samples/mnist-cnn.onnx', { backend, runs: '20', warmup: '2', json: true });
    const json = await runBench(args, capture());
    const file = join(dir, `cnn-${backend}.json`);
    writeFileSync(file, JSON.stringify(json));
    benches.push({ file, json });
  }
}, 60_000);

describe('pareto report', () => {
  it('prints a link that opens with the figures pareto bench printed, priced on the scenario', async () => {
    const r = await pareto(benches.map((b) => b.file), { tco: 'examples/scenario.json', url: 'https://studio.example.com/' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const link = r.stdout.trim();
    expect(link).toMatch(/^https:\/\/studio\.example\.com\/#r=[A-Za-z0-9_-]+$/);
    console.log(`pareto report link for 2 bench results + the example scenario: ${link.length} characters`);
    const rep = decodeReportLink(link);
    expect(rep.source).toBe('cli');
    expect(rep.models[0].name).toBe('mnist-cnn.onnx');
    expect(rep.models[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rep.results.map((x) => x.backend)).toEqual(['node', 'wasm']);
    for (const [k, { json }] of benches.entries()) {
      const res = rep.results[k];
      const b = res.batches[0];
      const l = json.latency[0];
      expect(b.p50Ms).toBe(sig(l.p50Ms));
      expect(b.p99Ms).toBe(sig(l.p99Ms));
      expect(b.itemsPerSecond).toBe(sig(l.itemsPerSecond));
      expect(res.coldStart.createSessionMs).toBe(sig(json.coldStart.createSessionMs));
      const top1 = (json.accuracy as { top1: { value: number } }).top1.value;
      expect(res.quality?.value).toBe(sig(top1 * 100));
      expect(res.inputSpec[0]).toMatch(/^input float32 \[1, 1, 28, 28\]/);
      expect(res.runtime).toBe(`${json.environment.runtime} ${json.environment.runtimeVersion}`);
    }
    // Priced on each of the scenario's three targets.
    expect(rep.tco?.figures).toHaveLength(2 * 3);
    expect(rep.tco?.figures.every((f) => f.costPer1M === null || f.costPer1M > 0)).toBe(true);
  });

  it('--markdown and --json print the same report', async () => {
    const md = await pareto([benches[0].file], { markdown: true });
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Benchmark of mnist-cnn\.onnx/);
    expect(md.stdout).toContain(`${Number(sig(benches[0].json.latency[0].p50Ms).toPrecision(4)).toLocaleString('en-US')} ms`);
    expect(md.stdout).toMatch(/\[Open the report\]\(http:\/\/localhost:5173\/#r=/);
    const js = await pareto([benches[0].file], { json: true });
    const rep = parseReportFile(js.stdout);
    expect(rep.results[0].batches[0].p99Ms).toBe(sig(benches[0].json.latency[0].p99Ms));
    expect(rep.tco).toBeNull();
  });

  it('bad files get a clear message and exit 1', async () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{"command": "bench", ');
    let r = await pareto([notJson]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^pareto: error: cannot read the bench result ".*not\.json" as JSON/);
    r = await pareto(['examples/scenario.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('pareto: error: examples/scenario.json: not a `pareto bench --json` result: no "command": "bench".');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ ...benches[0].json, latency: [{ ...benches[0].json.latency[0], p50Ms: 'fast' }] }));
    r = await pareto([broken]);
    expect(r.stderr).toMatch(/"latency\.0\.p50Ms" should be a number/);
    r = await pareto([benches[0].file], { tco: benches[0].file });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the scenario is not valid: version: required/);
    r = await pareto([join(dir, 'missing.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing\.json/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('the built CLI exits 1 with one line on a bad file', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/pareto.mjs'), 'report', 'examples/scenario.json'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('pareto: error: examples/scenario.json: not a `pareto bench --json` result: no "command": "bench".');
  });
});
