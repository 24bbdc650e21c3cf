import { ParetoError } from '../errors';
import type { TensorSignature } from '../inspect/summary';
import type { Feeds, HostTensor } from './session';
import { seededRandom } from '../random';

export { seededRandom };

/** Concrete dims for a signature: symbolic/unknown dims become `batch` for the first dim, else 1. */
export function concreteDims(sig: TensorSignature, batch = 1): number[] {
  if (!sig.shape) throw new ParetoError('bad-input', `Input "${sig.name}" has no shape; give data for it.`);
  return sig.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? batch : 1));
}

/**
 * Deterministic synthetic inputs matching the model's inputs, for comparing variants when no dataset is
 * given: float inputs uniform in [0, 1), integer inputs small non-negative values.
 */
export function syntheticFeeds(inputs: readonly TensorSignature[], options: { batch?: number; seed?: number } = {}): Feeds {
  const rand = seededRandom(options.seed ?? 1234);
  const feeds: Feeds = {};
  for (const sig of inputs) {
    const dims = concreteDims(sig, options.batch ?? 1);
    const n = dims.reduce((a, b) => a * b, 1);
    let t: HostTensor;
    switch (sig.dtype) {
      case 'float32':
        t = { dtype: 'float32', dims, data: Float32Array.from({ length: n }, rand) };
        break;
      case 'int64':
        t = { dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rand() * 4))) };
        break;
      case 'int32':
        t = { dtype: 'int32', dims, data: Int32Array.from({ length: n }, () => Math.floor(rand() * 4)) };
        break;
      case 'bool':
      case 'uint8':
        t = { dtype: sig.dtype, dims, data: Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 0 : 1)) };
        break;
      default:
        throw new ParetoError('bad-input', `Cannot make synthetic data for input "${sig.name}" of type ${sig.dtype}; give data for it.`);
    }
    feeds[sig.name] = t;
  }
  return feeds;
}

/** Rows [start, start+count) of a batch-first float tensor, as a new tensor (a view, no copy). */
export function sliceBatch(t: HostTensor, start: number, count: number): HostTensor {
  const per = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const end = Math.min(t.dims[0], start + count);
  return { dtype: t.dtype, dims: [end - start, ...t.dims.slice(1)], data: t.data.subarray(start * per, end * per) as HostTensor['data'] };
}
