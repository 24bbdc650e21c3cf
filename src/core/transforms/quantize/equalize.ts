import type { Calibrator } from './calibrators';
import type { EqualizedActivations } from './options';
import { dict } from '../../own';

/**
 * Channel equalization of depthwise Conv inputs for static int8 (the `equalizeChannels` option), measured during
 * calibration. A depthwise Conv reads each input channel alone, so a channel whose values span a small part of the
 * tensor's one 8-bit range keeps its large relative rounding error all the way (in PaddleOCR's PP-OCRv4 recogniser the
 * channels of one tensor differ by up to 30x). Each channel c is therefore quantized as x_c / s_c, where s_c is its
 * largest |value| over the tensor's largest (from the first batch that holds the tensor, at least 2^-10), by a Mul with
 * 1 / s_c per channel before the usual per-tensor QuantizeLinear (onnxruntime 1.30's per-channel QuantizeLinear would do the same
 * at 4x the run time: 100 ms instead of 27 on PP-OCRv4 rec); the depthwise weights of channel c are multiplied by s_c, which costs them nothing
 * as they are quantized per output channel. The [min, max] range of the equalized values x_c / s_c over all batches is
 * calibrated with the chosen method (minmax, percentile or mse), like any other activation.
 */
export class ChannelEqualizer {
  private readonly scales = new Map<string, Float64Array>();
  /** Tensors that cannot be equalized (not NCHW with the expected channels, or all zero in the first batch). */
  readonly skipped = new Set<string>();

  /** `calibrator` sees the equalized values (a fresh one, of the same method as the other activations'). */
  constructor(private readonly calibrator: Calibrator) {}

  /** Values of `tensor` with their dims ([N, C, ...], C = `channels`). */
  collect(tensor: string, values: ArrayLike<number>, dims: readonly number[] | undefined, channels: number): void {
    if (this.skipped.has(tensor)) return;
    const N = dims?.[0] ?? 0;
    if (!dims || dims.length < 3 || dims[1] !== channels || values.length === 0) {
      if (!dims || values.length > 0) this.skipped.add(tensor);
      return;
    }
    const inner = values.length / (N * channels);
    let s = this.scales.get(tensor);
    if (!s) {
      const amax = new Float64Array(channels);
      for (let n = 0; n < N; n++) {
        for (let c = 0; c < channels; c++) {
          const base = (n * channels + c) * inner;
          let m = amax[c];
          for (let i = 0; i < inner; i++) {
            const a = Math.abs(values[base + i]);
            if (a > m) m = a;
          }
          amax[c] = m;
        }
      }
      let A = 0;
      for (const a of amax) if (a > A) A = a;
      if (!(A > 0) || !Number.isFinite(A)) {
        this.skipped.add(tensor);
        return;
      }
      s = amax.map((a) => Math.max(a / A, 2 ** -10));
      this.scales.set(tensor, s);
    }
    const e = new Float32Array(values.length);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < channels; c++) {
        const base = (n * channels + c) * inner;
        const inv = 1 / s[c];
        for (let i = 0; i < inner; i++) e[base + i] = values[base + i] * inv;
      }
    }
    this.calibrator.collect(tensor, e);
  }

  /** Scales and the range of the equalized values, for each tensor that held values. */
  result(): EqualizedActivations {
    const ranges = this.calibrator.ranges();
    const out: EqualizedActivations = dict();
    for (const [t, s] of this.scales) if (ranges[t] && !this.skipped.has(t)) out[t] = { scales: Array.from(s), range: ranges[t] };
    return out;
  }
}
