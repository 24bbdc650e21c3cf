/**
 * Float32 tensor data for the quantization kernels (channel-ranges.ts, int8.ts, float16.ts), which work on typed arrays
 * only, with no per-element allocation and one pass per job.
 *
 * Layout: a tensor seen as [outer, channels, inner] (row-major), so element (o, c, i) is at (o * channels + c) * inner + i.
 * Per-tensor is { outer: 1, channels: 1, inner: n }; MatMul weights [K, N] quantized per output column are
 * { outer: K, channels: N, inner: 1 }; Conv weights [M, C/g, kh, kw] per output channel are { outer: 1, channels: M, inner: rest }.
 */

export interface Layout {
  outer: number;
  channels: number;
  inner: number;
}

/** Elements per piece when copying unaligned data into an aligned scratch buffer. */
export const CHUNK = 1 << 16;

/**
 * Float32 values behind little-endian bytes (raw_data or an external file view). raw_data views are often not
 * 4-byte aligned: then values are copied piece by piece into a reused scratch buffer instead of copying the tensor.
 */
export class F32Source {
  readonly length: number;
  private readonly direct: Float32Array | undefined;
  private readonly directBits: Int32Array | undefined;
  private scratch: Float32Array | undefined;
  private scratchBits: Int32Array | undefined;
  private scratchBytes: Uint8Array | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    length: number,
  ) {
    this.length = length;
    if (bytes.byteOffset % 4 === 0) {
      this.direct = new Float32Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
      this.directBits = new Int32Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
    }
  }

  get aligned(): boolean {
    return this.direct !== undefined;
  }

  /** Copies elements [start, start + len) as bytes into `to` at byte `at`. */
  copyBytes(start: number, len: number, to: Uint8Array, at: number): void {
    to.set(new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + start * 4, len * 4), at);
  }

  /** Elements [start, start + len) as a Float32Array, valid until the next call (a view when aligned). */
  view(start: number, len: number): Float32Array {
    if (this.direct) return this.direct.subarray(start, start + len);
    this.fill(start, len);
    return this.scratch!.length === len ? this.scratch! : this.scratch!.subarray(0, len);
  }

  /** The same elements as int32 bit patterns (shares the scratch buffer with view()). */
  bits(start: number, len: number): Int32Array {
    if (this.directBits) return this.directBits.subarray(start, start + len);
    this.fill(start, len);
    return this.scratchBits!.length === len ? this.scratchBits! : this.scratchBits!.subarray(0, len);
  }

  private fill(start: number, len: number): void {
    if (!this.scratch || this.scratch.length < len) {
      // No bigger than the tensor: a small weight must not allocate a CHUNK-sized scratch each.
      this.scratch = new Float32Array(Math.max(len, Math.min(CHUNK, this.length)));
      this.scratchBits = new Int32Array(this.scratch.buffer);
      this.scratchBytes = new Uint8Array(this.scratch.buffer);
    }
    this.copyBytes(start, len, this.scratchBytes!, 0);
  }
}

/** Rows per block for an inner === 1 layout: everything when aligned (views are free), else about CHUNK values. */
export const rowsPerBlock = (src: F32Source, C: number, outer: number) => (src.aligned ? outer : Math.max(1, Math.floor(CHUNK / C)));
