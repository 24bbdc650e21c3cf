import * as tf from '@tensorflow/tfjs';
import { PIXELS, SIDE, augmentInto, type AugmentOptions, type Split } from './data';
import { prepareWasmForTraining } from './backend';
import { deriveSeed, mulberry32, nextSeed, shuffle } from './rng';

/**
 * Model definitions and a hand-written, fully seeded training loop. model.fit is not used: its shuffle and
 * tf.layers.dropout draw from unseeded generators (Dropout's `seed` option repeats the same mask on every
 * call). Here the models are plain inference graphs (no Dropout layers, which keeps the exports simple);
 * dropout is applied during training only, between layers, with a fresh seed per step.
 */

export type ModelId = 'mnist-mlp' | 'mnist-cnn';

export interface ModelSpec {
  id: ModelId;
  build(seed: number): tf.Sequential;
  /** Dropout rate applied after the layer with this name, during training only. */
  dropoutAfter: Record<string, number>;
  epochs: number;
  batchSize: number;
  /** Learning rate for epoch e (0-based). */
  lr(epoch: number): number;
  augment: AugmentOptions;
  labelSmoothing: number;
}

const glorot = (seed: number, name: string) => tf.initializers.glorotUniform({ seed: deriveSeed(seed, name) });
const he = (seed: number, name: string) => tf.initializers.heNormal({ seed: deriveSeed(seed, name) });

export function buildMlp(seed: number, hidden: number[] = [512, 256]): tf.Sequential {
  const m = tf.sequential({ name: 'mnist_mlp' });
  m.add(tf.layers.flatten({ inputShape: [SIDE, SIDE, 1], name: 'flatten' }));
  hidden.forEach((units, i) =>
    m.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: he(seed, `dense${i + 1}`),
        biasInitializer: 'zeros',
        name: `dense${i + 1}`,
      }),
    ),
  );
  m.add(tf.layers.dense({ units: 10, kernelInitializer: glorot(seed, 'logits'), name: 'logits' }));
  m.add(tf.layers.activation({ activation: 'softmax', name: 'probabilities' }));
  return m;
}

export function buildCnn(seed: number, f1 = 16, f2 = 32, dense = 64): tf.Sequential {
  const m = tf.sequential({ name: 'mnist_cnn' });
  m.add(
    tf.layers.conv2d({
      inputShape: [SIDE, SIDE, 1],
      filters: f1,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: he(seed, 'conv1'),
      name: 'conv1',
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }));
  m.add(
    tf.layers.conv2d({
      filters: f2,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: he(seed, 'conv2'),
      name: 'conv2',
    }),
  );
  m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' }));
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dense({ units: dense, activation: 'relu', kernelInitializer: he(seed, 'dense1'), name: 'dense1' }));
  m.add(tf.layers.dense({ units: 10, kernelInitializer: glorot(seed, 'logits'), name: 'logits' }));
  m.add(tf.layers.activation({ activation: 'softmax', name: 'probabilities' }));
  return m;
}

/** Logits with training-time dropout; the final softmax layer is left out (the loss applies it). */
function forwardTrain(model: tf.Sequential, x: tf.Tensor, spec: ModelSpec, rand: () => number): tf.Tensor {
  let h = x;
  for (const layer of model.layers) {
    if (layer.name === 'probabilities') break;
    h = layer.apply(h) as tf.Tensor;
    const rate = spec.dropoutAfter[layer.name];
    if (rate) h = tf.dropout(h, rate, undefined, nextSeed(rand));
  }
  return h;
}

export function predict(model: tf.LayersModel, x: Float32Array, n: number, batch = 500): Float32Array {
  const out = new Float32Array(n * 10);
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const probs = tf.tidy(() => {
      const xs = tf.tensor4d(x.subarray(s * PIXELS, (s + b) * PIXELS), [b, SIDE, SIDE, 1]);
      return model.predict(xs) as tf.Tensor;
    });
    out.set(probs.dataSync() as Float32Array, s * 10);
    probs.dispose();
  }
  return out;
}

export const argmax10 = (p: ArrayLike<number>, i: number): number => {
  let best = 0;
  for (let k = 1; k < 10; k++) if (p[i * 10 + k] > p[i * 10 + best]) best = k;
  return best;
};

export function accuracy(probs: ArrayLike<number>, y: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (argmax10(probs, i) === y[i]) ok++;
  return ok / y.length;
}

export interface TrainResult {
  model: tf.Sequential;
  seconds: number;
  history: { epoch: number; loss: number; testAccuracy?: number }[];
}

export function train(
  spec: ModelSpec,
  data: Split,
  seed: number,
  opts: { evalOn?: Split; log?: (s: string) => void } = {},
): TrainResult {
  const log = opts.log ?? (() => {});
  prepareWasmForTraining();
  const model = spec.build(seed);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const optimizer = tf.train.adam(spec.lr(0));
  const rand = mulberry32(deriveSeed(seed, `train-${spec.id}`));
  const order = new Int32Array(data.n).map((_, i) => i);
  const xb = new Float32Array(spec.batchSize * PIXELS);
  const history: TrainResult['history'] = [];
  const t0 = performance.now();
  for (let epoch = 0; epoch < spec.epochs; epoch++) {
    (optimizer as unknown as { learningRate: number }).learningRate = spec.lr(epoch);
    shuffle(order, rand);
    let lossSum = 0;
    let steps = 0;
    for (let s = 0; s + spec.batchSize <= data.n; s += spec.batchSize) {
      const b = spec.batchSize;
      const labels = new Int32Array(b);
      for (let k = 0; k < b; k++) {
        const i = order[s + k];
        augmentInto(data.x, i * PIXELS, xb, k * PIXELS, spec.augment, rand);
        labels[k] = data.y[i];
      }
      const loss = tf.tidy(() => {
        const xs = tf.tensor4d(xb, [b, SIDE, SIDE, 1]);
        const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
        return optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(ys, forwardTrain(model, xs, spec, rand), undefined, spec.labelSmoothing) as tf.Scalar,
          true,
          vars,
        )!;
      });
      lossSum += loss.dataSync()[0];
      loss.dispose();
      steps++;
    }
    const entry: TrainResult['history'][number] = { epoch: epoch + 1, loss: lossSum / steps };
    if (opts.evalOn) entry.testAccuracy = accuracy(predict(model, opts.evalOn.x, opts.evalOn.n), opts.evalOn.y);
    history.push(entry);
    log(
      `${spec.id} epoch ${epoch + 1}/${spec.epochs} lr=${spec.lr(epoch).toExponential(2)} loss=${entry.loss.toFixed(4)}` +
        (entry.testAccuracy !== undefined ? ` test=${(entry.testAccuracy * 100).toFixed(2)}%` : '') +
        ` (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
  optimizer.dispose();
  return { model, seconds: (performance.now() - t0) / 1000, history };
}

/** Cosine decay from lr0 to lr0 * floor over `epochs`, after `warm` epochs of linear warm-up. */
export const cosineLr =
  (lr0: number, epochs: number, floor = 0.02, warm = 1) =>
  (e: number): number => {
    if (e < warm) return (lr0 * (e + 1)) / (warm + 1);
    const t = (e - warm) / Math.max(1, epochs - warm - 1);
    return lr0 * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
  };
