import type { BenchCase } from './registry';
import { transformRows } from './quantize';

/** Prune 50% global unstructured on the shared ~300 MB model: throughput and peak memory (see bench/quantize.ts). */
export const pruneBench: BenchCase = {
  id: 'prune',
  title: 'prune (50% global unstructured)',
  run: (ctx) => transformRows(ctx, 'prune', 'prune 50% global unstructured'),
};
