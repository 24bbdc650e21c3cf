/**
 * N:M semi-structured sparsity: in every group of M consecutive weights along the reduction (input-channel)
 * axis, keep the N largest magnitudes and zero the rest.
 *
 * Which axis, and why: sparse tensor cores (NVIDIA Ampere and later, cuSPARSELt, TensorRT) compress the
 * *reduction* operand of a GEMM in groups of M consecutive elements along K, the dimension summed over; a
 * convolution runs as an implicit GEMM whose reduction is over input channels, and TensorRT/ASP group along
 * C (for each output channel and kernel position). So for ONNX:
 *   - MatMul(x, W[..., K, N]): along K (axis rank-2); a constant first input A[..., M, K]: along K (last axis).
 *   - Gemm: B with transB=0 is [K, N] (axis 0), with transB=1 [N, K] (axis 1); a constant A: transA ? 0 : 1.
 *   - Conv W[O, I/group, kh, kw]: along I (axis 1), for every (O, kh, kw); groups stay inside a conv group.
 *   - ConvTranspose W[C_in, C_out/group, kh, kw]: along C_in (axis 0), which the transposed conv sums over.
 * M must divide that axis (for ConvTranspose, C_in / group) so that no group straddles a row; a weight where it does not
 * (e.g. a first Conv with 1 input channel) is left dense and reported as skipped (apply.ts), the others are pruned.
 *
 * Ties: among equal magnitudes, the element earlier along the axis is kept. Exact zeros already present count
 * among the N kept when they are among the largest (then a group has fewer than N non-zeros).
 */

export interface NMShape {
  /** Product of the dims before the axis. */
  outer: number;
  /** Size of the axis. */
  axisSize: number;
  /** Product of the dims after the axis (the stride between consecutive elements of a group). */
  inner: number;
}

export function nmShape(dims: readonly number[], axis: number): NMShape {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= dims[i];
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i];
  return { outer, axisSize: dims[axis], inner };
}

/** Group-rows of a tensor: one per (outer index, group along the axis); each covers M * inner elements. */
export const nmRowCount = (s: NMShape, m: number): number => s.outer * (s.axisSize / m);

export interface NMCounts {
  zerosBefore: number;
  zerosAfter: number;
}

/**
 * Applies N:M to group-rows [rowStart, rowEnd): reads bit patterns from `src`, where tensor element p is at
 * src[p - srcOffset] (a view of the rows, or the whole tensor with srcOffset 0), and writes them, with the
 * pruned ones zeroed, to dst[p] (dst may be src for in place). The axis size must be a multiple of m.
 * Returns the exact zeros before and after in those rows.
 */
export function applyNM(
  src: Uint32Array,
  srcOffset: number,
  dst: Uint32Array,
  s: NMShape,
  n: number,
  m: number,
  rowStart: number,
  rowEnd: number,
): NMCounts {
  const groupsPerOuter = s.axisSize / m;
  const inner = s.inner;
  let zb = 0;
  let za = 0;
  if (n === 2 && m === 4) {
    const i1 = inner;
    const i2 = 2 * inner;
    const i3 = 3 * inner;
    for (let row = rowStart; row < rowEnd; row++) {
      const o = Math.floor(row / groupsPerOuter);
      const g = row - o * groupsPerOuter;
      const base = (o * s.axisSize + g * 4) * inner;
      for (let j = 0; j < inner; j++) {
        const p = base + j;
        const q = p - srcOffset;
        const v0 = src[q], v1 = src[q + i1], v2 = src[q + i2], v3 = src[q + i3];
        const k0 = v0 & 0x7fffffff, k1 = v1 & 0x7fffffff, k2 = v2 & 0x7fffffff, k3 = v3 & 0x7fffffff;
        // beaten[i]: how many others outrank i (larger, or equal and earlier). Keep i when beaten[i] < 2.
        const c01 = +(k1 > k0), c02 = +(k2 > k0), c03 = +(k3 > k0);
        const c12 = +(k2 > k1), c13 = +(k3 > k1), c23 = +(k3 > k2);
        const b0 = c01 + c02 + c03;
        const b1 = 1 - c01 + c12 + c13;
        const b2 = 2 - c02 - c12 + c23;
        const b3 = 3 - c03 - c13 - c23;
        const w0 = v0 & ((b0 - 2) >> 31);
        const w1 = v1 & ((b1 - 2) >> 31);
        const w2 = v2 & ((b2 - 2) >> 31);
        const w3 = v3 & ((b3 - 2) >> 31);
        dst[p] = w0;
        dst[p + i1] = w1;
        dst[p + i2] = w2;
        dst[p + i3] = w3;
        zb += +(k0 === 0) + +(k1 === 0) + +(k2 === 0) + +(k3 === 0);
        za += +(w0 << 1 === 0) + +(w1 << 1 === 0) + +(w2 << 1 === 0) + +(w3 << 1 === 0);
      }
    }
    return { zerosBefore: zb, zerosAfter: za };
  }
  const keys = new Uint32Array(m);
  const vals = new Uint32Array(m);
  const beaten = new Int32Array(m);
  for (let row = rowStart; row < rowEnd; row++) {
    const o = Math.floor(row / groupsPerOuter);
    const g = row - o * groupsPerOuter;
    const base = (o * s.axisSize + g * m) * inner;
    for (let j = 0; j < inner; j++) {
      const p = base + j;
      for (let r = 0; r < m; r++) {
        const v = src[p - srcOffset + r * inner];
        vals[r] = v;
        keys[r] = v & 0x7fffffff;
        beaten[r] = 0;
      }
      for (let a = 0; a < m; a++) {
        const ka = keys[a];
        if (ka === 0) zb++;
        for (let b = a + 1; b < m; b++) {
          // b outranks a only when strictly larger (ties keep the earlier a).
          if (keys[b] > ka) beaten[a]++;
          else beaten[b]++;
        }
      }
      for (let r = 0; r < m; r++) {
        const w = beaten[r] >= n ? 0 : vals[r];
        dst[p + r * inner] = w;
        if (w << 1 === 0) za++;
      }
    }
  }
  return { zerosBefore: zb, zerosAfter: za };
}
