/**
 * Prune 50% global unstructured on the ~400 MB model: throughput and peak memory (the helpers are in
 * bench/quantize.ts). Two ways: as the app's optimize worker and the CLI run it (they own the model they read from
 * bytes, so prune writes into it: ownsModel), and the core's default copying path (input left untouched), for
 * reference.
 */
import { transformRows } from './quantize';
import type { BenchCase } from './registry';

const LABEL = 'prune 50% global unstructured';

export const pruneBench: BenchCase = {
  id: 'prune',
  title: 'prune (50% global unstructured)',
  run: async (ctx) => [
    ...(await transformRows(ctx, 'prune', LABEL, 'as the app and the CLI run it (in place on the model read for the run)')),
    ...(await transformRows(ctx, 'prune-copying', `${LABEL} (copying: input untouched)`, 'core default, for reference')),
  ],
};
