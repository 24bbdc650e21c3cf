import { ort } from '../../src/runtimes/ort-node';

/** Run an ONNX classifier with onnxruntime-node over N images [N, 1, 28, 28]; returns [N, 10] outputs. */
export async function runOnnx(
  model: Uint8Array | string,
  x: Float32Array,
  n: number,
  opts: { inputName?: string; outputName?: string; batch?: number } = {},
): Promise<Float32Array> {
  const options: ort.InferenceSession.SessionOptions = { graphOptimizationLevel: 'all' };
  const session =
    typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  const inputName = opts.inputName ?? session.inputNames[0];
  const outputName = opts.outputName ?? session.outputNames[0];
  const batch = opts.batch ?? 500;
  const per = x.length / n;
  const out = new Float32Array(n * 10);
  try {
    for (let s = 0; s < n; s += batch) {
      const b = Math.min(batch, n - s);
      const feeds = { [inputName]: new ort.Tensor('float32', x.subarray(s * per, (s + b) * per), [b, 1, 28, 28]) };
      const res = await session.run(feeds);
      out.set(res[outputName].data as Float32Array, s * 10);
    }
  } finally {
    await session.release();
  }
  return out;
}
