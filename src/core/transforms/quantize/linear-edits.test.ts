import { afterEach, describe, expect, it, vi } from 'vitest';
import { writeOnnx } from '../../formats/onnx/write';
import { readOnnx } from '../../formats/onnx/read';
import { applyPrune, DEFAULT_PRUNE_OPTIONS } from '../prune/index';
import { chainModel } from './chain-model';
import { Names } from './graph';
import { applyQuantize, defaultQuantizeOptions } from './index';
import type { QuantizeMode } from './options';

/**
 * Graph edits stay linear (issue 11, item 6: a 100,000-node chain took 53 s). No wall-clock timing: the work is
 * counted as the array elements that Array scans (indexOf, includes, filter, find, some, splice, ...) walk, plus the
 * candidate names Names.fresh tries, on a chain and on one 4x longer. Linear code does ~4x the work; one scan of the
 * node list per node would do ~16x.
 */
const SCANS = ['indexOf', 'lastIndexOf', 'includes', 'find', 'findIndex', 'filter', 'some', 'every', 'splice'] as const;

function countScans(): { scanned: () => number; restore: () => void } {
  let scanned = 0;
  const spies = SCANS.map((m) => {
    const orig = Array.prototype[m] as (...a: unknown[]) => unknown;
    return vi.spyOn(Array.prototype, m).mockImplementation(function (this: unknown[], ...a: unknown[]) {
      scanned += this.length;
      return orig.apply(this, a);
    } as never);
  });
  return { scanned: () => scanned, restore: () => spies.forEach((s) => s.mockRestore()) };
}

afterEach(() => vi.restoreAllMocks());

async function work(nodes: number, run: (bytes: Uint8Array) => Promise<unknown>): Promise<number> {
  const bytes = writeOnnx(chainModel(nodes));
  const probes = vi.spyOn(Names.prototype, 'fresh');
  const c = countScans();
  try {
    await run(bytes);
  } finally {
    c.restore();
  }
  // Each fresh() call is one probe when its name is free; Names counts the real probes.
  const names = probes.mock.instances as unknown as Names[];
  const probed = [...new Set(names)].reduce((s, n) => s + n.probes, 0);
  probes.mockRestore();
  return c.scanned() + probed;
}

describe('graph edits in linear time (operation counts)', () => {
  const modes: QuantizeMode[] = ['dynamic', 'weight-only', 'fp16'];
  for (const mode of modes) {
    it(`quantize ${mode}: 4x the nodes, at most ~5x the scanned elements`, async () => {
      const run = async (bytes: Uint8Array) => {
        const r = await applyQuantize(readOnnx(bytes), { ...defaultQuantizeOptions, mode });
        expect((r.report.stats as { quantizedNodes: number }).quantizedNodes).toBeGreaterThan(0);
      };
      const small = await work(600, run);
      const big = await work(2400, run);
      expect(small).toBeGreaterThan(0);
      expect(big / small).toBeLessThan(5);
    });
  }

  it('prune 50%: 4x the nodes, at most ~5x the scanned elements', async () => {
    const run = (bytes: Uint8Array) => applyPrune(readOnnx(bytes), { ...DEFAULT_PRUNE_OPTIONS, sparsity: 0.5, compressedSize: 'off' });
    const small = await work(600, run);
    const big = await work(2400, run);
    expect(big / small).toBeLessThan(5);
  });

  it('Names.fresh asked for one base many times probes each candidate once', () => {
    const names = new Names(chainModel(3));
    for (let i = 0; i < 2000; i++) names.fresh('scale');
    expect(names.probes).toBeLessThan(2 * 2000);
  });
});
