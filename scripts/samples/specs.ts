import type { AugmentOptions } from './data';
import { buildCnn, buildMlp, cosineLr, type ModelSpec } from './train';

/** The sample models: architecture, training recipe and the accuracy each must reach. */

export const SEED = 20240611;

export interface SampleSpec extends ModelSpec {
  name: string;
  description: string;
  file: string;
  /** Minimum test accuracy (fraction); the script fails below it. */
  required: number;
  augmentationText: string;
}

const AUGMENT: AugmentOptions = { shift: 2, rotate: 10, scale: 0.1, shear: 0.1 };
const AUGMENT_TEXT = 'random affine per sample and epoch: shift ±2 px, rotation ±10°, scale ±10%, shear ±0.1 (bilinear, seeded)';

const MLP_EPOCHS = 40;
const CNN_EPOCHS = 30;

export const SAMPLES: SampleSpec[] = [
  {
    id: 'mnist-mlp',
    name: 'MNIST MLP',
    description:
      'Handwritten digit classifier, multilayer perceptron 784-256-128-10 (ReLU, softmax output). ' +
      'Input: float32 [batch, 1, 28, 28] grey levels 0..1; output: [batch, 10] probabilities.',
    file: 'mnist-mlp.onnx',
    required: 0.97,
    build: (seed) => buildMlp(seed, [256, 128]),
    dropoutAfter: { flatten: 0.1, dense1: 0.2, dense2: 0.2 },
    epochs: MLP_EPOCHS,
    batchSize: 64,
    lr: cosineLr(1e-3, MLP_EPOCHS),
    augment: AUGMENT,
    augmentationText: AUGMENT_TEXT,
    labelSmoothing: 0.1,
  },
  {
    id: 'mnist-cnn',
    name: 'MNIST CNN',
    description:
      'Handwritten digit classifier, small CNN: Conv 3x3x16 (same) → MaxPool 2 → Conv 3x3x32 (same) → MaxPool 2 → ' +
      'Dense 64 → Dense 10 (ReLU, softmax output). Input: float32 [batch, 1, 28, 28] grey levels 0..1; output: [batch, 10] probabilities.',
    file: 'mnist-cnn.onnx',
    required: 0.98,
    build: (seed) => buildCnn(seed, 16, 32, 64),
    dropoutAfter: { flatten: 0.25, dense1: 0.3 },
    epochs: CNN_EPOCHS,
    batchSize: 64,
    lr: cosineLr(2e-3, CNN_EPOCHS),
    augment: AUGMENT,
    augmentationText: AUGMENT_TEXT,
    labelSmoothing: 0.1,
  },
];
