import { gzipSync } from 'fflate';
import type { ModelProto, TensorProto } from '../../formats/onnx/proto';
import { isExternal, tensorBytes, type ExternalData } from '../../formats/onnx/tensor';
import { graphsOf } from '../../formats/onnx/walk';
import { partsLength, writeOnnxParts } from '../../formats/onnx/write';
import type { CompressedSizeMode } from './options';

/**
 * Raw and gzip-compressed size of a model: the serialised protobuf (as writeOnnx writes it) followed by the
 * bytes of any tensors kept in external data files (what a user ships). gzip is fflate's, level 6.
 */
export interface SizeFigures {
  bytes: number;
  /** Undefined when not measured. */
  gzipBytes?: number;
  /** How gzipBytes was obtained. */
  method: SizeMethod;
}

export type SizeMethod = 'exact' | 'estimate' | 'off';

/** Up to this many bytes, 'auto' gzips everything (fflate level 6 runs at ~7-30 MB/s on one core here). */
export const EXACT_LIMIT = 4 * 2 ** 20;
export const SAMPLE_COUNT = 64;
export const SAMPLE_BYTES = 64 * 1024;


export function describeMethod(method: SizeMethod, bytes: number): string {
  if (method === 'exact') return 'gzip level 6 (fflate) of the whole serialised model';
  if (method === 'off') return 'compressed size not measured';
  const sampled = Math.min(bytes, SAMPLE_COUNT * SAMPLE_BYTES);
  return (
    `estimated: gzip level 6 (fflate) of ${SAMPLE_COUNT} evenly spaced ${SAMPLE_BYTES / 1024} KiB samples ` +
    `(${(sampled / 2 ** 20).toFixed(1)} MiB of ${(bytes / 2 ** 20).toFixed(1)} MiB), ratio scaled to the whole model`
  );
}

function externalTensors(model: ModelProto): TensorProto[] {
  const out: TensorProto[] = [];
  for (const { graph } of graphsOf(model)) {
    for (const t of graph.initializer) if (isExternal(t)) out.push(t);
    for (const n of graph.node) for (const a of n.attribute) if (a.t && isExternal(a.t)) out.push(a.t);
  }
  return out;
}

/** The model's bytes as a list of pieces (no concatenation). */
export function modelPieces(model: ModelProto, external: ExternalData): Uint8Array[] {
  const parts = writeOnnxParts(model);
  for (const t of externalTensors(model)) parts.push(tensorBytes(t, external));
  return parts;
}

/** Copies bytes [offset, offset + length) of the concatenated pieces. */
function slicePieces(pieces: readonly Uint8Array[], starts: readonly number[], offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  // Binary search the first piece.
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  let written = 0;
  for (let p = lo; p < pieces.length && written < length; p++) {
    const from = Math.max(0, offset + written - starts[p]);
    const take = Math.min(pieces[p].length - from, length - written);
    if (take <= 0) continue;
    out.set(pieces[p].subarray(from, from + take), written);
    written += take;
  }
  return out;
}

/** The method 'auto' (or an explicit mode) resolves to for a model of `bytes` bytes. */
export function sizeMethod(mode: CompressedSizeMode | SizeMethod, bytes: number): SizeMethod {
  return mode === 'auto' ? (bytes <= EXACT_LIMIT ? 'exact' : 'estimate') : mode;
}

/** Sizes of the model; 'auto' picks 'exact' up to EXACT_LIMIT bytes, else 'estimate'. */
export function measureSize(model: ModelProto, external: ExternalData, mode: CompressedSizeMode | SizeMethod): SizeFigures {
  return measurePieces(modelPieces(model, external), mode);
}

/** Sizes of a model already serialised (its pieces, as modelPieces or writeOnnxParts gives them). */
export function measurePieces(pieces: readonly Uint8Array[], mode: CompressedSizeMode | SizeMethod): SizeFigures {
  const bytes = partsLength(pieces);
  const method = sizeMethod(mode, bytes);
  if (method === 'off' || bytes === 0) return { bytes, method };
  if (method === 'exact') {
    const all = slicePieces(pieces, starts(pieces), 0, bytes);
    return { bytes, gzipBytes: gzipSync(all, { level: 6 }).length, method };
  }
  const st = starts(pieces);
  const count = Math.min(SAMPLE_COUNT, Math.ceil(bytes / SAMPLE_BYTES));
  const stride = bytes / count;
  let raw = 0;
  let packed = 0;
  for (let i = 0; i < count; i++) {
    const off = Math.floor(i * stride);
    const len = Math.min(SAMPLE_BYTES, bytes - off);
    const sample = slicePieces(pieces, st, off, len);
    raw += len;
    // Header/trailer of each gzip member (18 bytes) is not part of the data's cost.
    packed += gzipSync(sample, { level: 6 }).length - 18;
  }
  return { bytes, gzipBytes: Math.round(18 + (packed / raw) * bytes), method };
}

function starts(pieces: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  let o = 0;
  for (const p of pieces) {
    out.push(o);
    o += p.length;
  }
  return out;
}
