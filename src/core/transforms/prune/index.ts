import type { Transform } from '../types';
import { applyPrune } from './apply';
import { DEFAULT_PRUNE_OPTIONS, validatePruneOptions, type PruneOptions } from './options';

/** Magnitude pruning (unstructured, global or per layer, or N:M such as 2:4) of MatMul/Gemm/Conv weights. */
export const prune: Transform<PruneOptions> = {
  id: 'prune',
  label: 'Prune (magnitude)',
  defaults: DEFAULT_PRUNE_OPTIONS,
  validate: validatePruneOptions,
  apply: applyPrune,
};

export { applyPrune, type PruneLayerStat, type PruneStats } from './apply';
export {
  DEFAULT_PRUNE_OPTIONS,
  MAX_NM_M,
  PRUNABLE_OP_TYPES,
  parsePattern,
  validatePruneOptions,
  type CompressedSizeMode,
  type NMPattern,
  type PrunableOpType,
  type PruneOptions,
  type PrunePattern,
  type PruneScope,
} from './options';
export {
  kthSmallestMagnitude,
  keyToMagnitude,
  magnitudeKey,
  pruneCount,
  pruneSmallest,
  zeroSmallest,
  type PruneSmallestResult,
  type ZeroSmallestResult,
} from './threshold';
export { applyNM, nmShape } from './nm';
