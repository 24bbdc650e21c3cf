import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { formatBytes } from '../src/core/units';
import { MB, row, type BenchCase, type BenchContext } from './registry';
import type { WriteMemoryResult } from './write-memory';

/** Run bench/write-memory.ts in a fresh `node --expose-gc` process (through tsx's loader). */
function measure(ctx: BenchContext, mode: 'buffer' | 'stream'): Promise<WriteMemoryResult> {
  const out = join(ctx.tmpDir, `write-memory-${mode}.onnx`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/write-memory.ts', mode, out], {
      cwd: ctx.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`write-memory ${mode} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      } else resolve(JSON.parse(line) as WriteMemoryResult);
    });
  });
}

export const writeMemory: BenchCase = {
  id: 'memory',
  title: 'ONNX write memory',
  async run(ctx) {
    ctx.log('memory: writeOnnx in a fresh process');
    const buf = await measure(ctx, 'buffer');
    ctx.log('memory: writeOnnxParts streamed to a file in a fresh process');
    const str = await measure(ctx, 'stream');
    const note = (r: WriteMemoryResult) =>
      `peak RSS +${formatBytes(r.peakExtraRss)} over ${formatBytes(r.outputBytes)} model (${r.peakSource}); ` +
      `arrayBuffers +${formatBytes(r.extraArrayBuffers)} after`;
    return [
      row('ONNX write: peak extra memory, writeOnnx', buf.peakExtraRss / buf.outputBytes, '× model', `${note(buf)}; aim ≤ 1.5×`),
      row('ONNX write: peak extra memory, writeOnnxParts → file', str.peakExtraRss / str.outputBytes, '× model', note(str)),
      row('ONNX write: writeOnnxParts → file (fs.writeSync per part)', str.outputBytes / MB / (str.ms / 1000), 'MB/s', 'one run, into the page cache'),
    ];
  },
};
