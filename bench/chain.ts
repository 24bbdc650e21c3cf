/**
 * Graph-edit speed (issue 11, item 6): dynamic int8 quantization and 50% pruning of a ~100,000-node chain
 * (MatMul -> Add -> Relu repeated, 8x8 weights), so the time is the graph edits, not the weights. applyRecipe as the
 * CLI runs it (transform and serialisation), one run each, in this process.
 *
 * Also a script that writes the model: `npx tsx bench/chain.ts <out.onnx> [nodes]`.
 */
import { writeFileSync } from 'node:fs';
import { readOnnx } from '../src/core/formats/onnx/read';
import { writeOnnx } from '../src/core/formats/onnx/write';
import { applyRecipe } from '../src/core/transforms/apply-recipe';
import { chainModel } from '../src/core/transforms/quantize/chain-model';
import { row, type BenchCase } from './registry';

export const CHAIN_NODES = 100_000;

export const chainBench: BenchCase = {
  id: 'chain',
  title: 'Graph edits on a 100,000-node chain',
  async run(ctx) {
    const bytes = writeOnnx(chainModel(CHAIN_NODES));
    const nodes = Math.floor(CHAIN_NODES / 3) * 3;
    const rows = [];
    const steps = [
      ['quantize dynamic', { transform: 'quantize', options: { mode: 'dynamic' } }],
      ['prune 50%', { transform: 'prune', options: { sparsity: 0.5, compressedSize: 'off' } }],
    ] as const;
    for (const [label, step] of steps) {
      ctx.gc();
      const m = readOnnx(bytes.slice(), { fileName: 'chain.onnx' });
      ctx.log(`chain: ${label}`);
      const t0 = performance.now();
      const r = await applyRecipe(m, { steps: [step] } as never, { ownsModel: true });
      const s = (performance.now() - t0) / 1000;
      rows.push(row(`${label}, ${nodes.toLocaleString('en-US')}-node chain`, s, 's', `applyRecipe incl. serialising; output ${r.model.graph!.node.length.toLocaleString('en-US')} nodes`));
    }
    return rows;
  },
};

if (process.argv[1]?.endsWith('chain.ts') && process.argv[2]) {
  writeFileSync(process.argv[2], writeOnnx(chainModel(Number(process.argv[3] ?? CHAIN_NODES))));
}
