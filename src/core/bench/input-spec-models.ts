/**
 * Small models shaped like the real ones whose inputs the input spec is for (tests, docs examples): a detector with
 * symbolic H and W, a voice-activity-like recurrent model (frame, state, an int64 sample-rate scalar) and an
 * embedding model whose ids must stay within its vocabulary. Built with the builder; valid ONNX (opset 17).
 */
import * as b from '../formats/onnx/builder';
import { DataType, type ModelProto } from '../formats/onnx/proto';
import { seededRandom } from '../random';

const floats = (n: number, seed: number, scale = 0.1) => {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
};

/** image [batch, 3, H, W] → two 3×3 convs (pads 1) → scores [batch, 1, H, W]. MACs at H×W: (8·3·9 + 1·8·9)·H·W. */
export function detectorModel(): ModelProto {
  return b.model({
    graph: b.graph({
      name: 'detector',
      inputs: [b.valueInfo('image', DataType.FLOAT, ['batch', 3, 'H', 'W'])],
      outputs: [b.valueInfo('scores', DataType.FLOAT, ['batch', 1, 'H', 'W'])],
      initializers: [b.floatTensor('w1', [8, 3, 3, 3], floats(216, 1, 0.3)), b.floatTensor('w2', [1, 8, 3, 3], floats(72, 2, 0.3))],
      nodes: [
        b.node('Conv', ['image', 'w1'], ['c1'], { pads: b.attr.ints([1, 1, 1, 1]), kernel_shape: b.attr.ints([3, 3]) }, { name: 'conv1' }),
        b.node('Relu', ['c1'], ['r1']),
        b.node('Conv', ['r1', 'w2'], ['c2'], { pads: b.attr.ints([1, 1, 1, 1]), kernel_shape: b.attr.ints([3, 3]) }, { name: 'conv2' }),
        b.node('Sigmoid', ['c2'], ['scores']),
      ],
    }),
  });
}

/**
 * input [batch, 512], state [2, batch, 128], sr int64 scalar → output [batch, 1] (a linear score), stateN
 * [2, batch, 128] = tanh(state + sr / 16000). The sample rate is a value the model cannot guess.
 */
export function recurrentModel(): ModelProto {
  return b.model({
    graph: b.graph({
      name: 'vad',
      inputs: [
        b.valueInfo('input', DataType.FLOAT, ['batch', 512]),
        b.valueInfo('state', DataType.FLOAT, [2, 'batch', 128]),
        b.valueInfo('sr', DataType.INT64, []),
      ],
      outputs: [b.valueInfo('output', DataType.FLOAT, ['batch', 1]), b.valueInfo('stateN', DataType.FLOAT, [2, 'batch', 128])],
      initializers: [b.floatTensor('w', [512, 1], floats(512, 3)), b.floatTensor('per_hz', [], Float32Array.of(1 / 16000))],
      nodes: [
        b.node('MatMul', ['input', 'w'], ['logit'], {}, { name: 'score' }),
        b.node('Sigmoid', ['logit'], ['output']),
        b.node('Cast', ['sr'], ['srf'], { to: b.attr.i(DataType.FLOAT) }),
        b.node('Mul', ['srf', 'per_hz'], ['srn']),
        b.node('Add', ['state', 'srn'], ['s1']),
        b.node('Tanh', ['s1'], ['stateN']),
      ],
    }),
  });
}

export const EMBEDDING_VOCAB = 100;

/** ids int64 [batch, seq] → Gather(table [100, 16]) → mean over seq → [batch, 16]. Ids ≥ 100 make the runtime fail. */
export function embeddingModel(): ModelProto {
  return b.model({
    graph: b.graph({
      name: 'embedding',
      inputs: [b.valueInfo('ids', DataType.INT64, ['batch', 'seq'])],
      outputs: [b.valueInfo('pooled', DataType.FLOAT, ['batch', 16])],
      initializers: [b.floatTensor('table', [EMBEDDING_VOCAB, 16], floats(EMBEDDING_VOCAB * 16, 4, 1))],
      nodes: [
        b.node('Gather', ['table', 'ids'], ['emb'], { axis: b.attr.i(0) }, { name: 'embed' }),
        b.node('ReduceMean', ['emb'], ['pooled'], { axes: b.attr.ints([1]), keepdims: b.attr.i(0) }),
      ],
    }),
  });
}
