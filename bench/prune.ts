/**
 * Prune 50% global unstructured on the shared ~300 MB model: throughput and peak memory (the helpers are in
 * bench/quantize.ts). Two ways: in place (inPlace: true), which the app's optimize worker and the CLI could use since
 * they own the model they read from bytes (not wired yet), and the copying path (the input model left untouched: the
 * transform contract's default, and what the app and the CLI run today).
 */
import { transformRows } from './quantize';
import type { BenchCase } from './registry';

const LABEL = 'prune 50% global unstructured';

export const pruneBench: BenchCase = {
  id: 'prune',
  title: 'prune (50% global unstructured)',
  run: async (ctx) => [
    ...(await transformRows(ctx, 'prune-in-place', LABEL, 'in place (inPlace: true; the app\u2019s worker and the CLI do not use it yet)')),
    ...(await transformRows(ctx, 'prune', `${LABEL} (copying: input untouched)`)),
  ],
};
