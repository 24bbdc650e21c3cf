import * as tf from '@tensorflow/tfjs';
import { build, DataType, writeOnnx, type NodeProto, type TensorProto, type ValueInfoProto } from '../../src/core/formats/onnx';

/**
 * tfjs Sequential (layers API, NHWC) → ONNX (opset 17, NCHW), written by our own core's builder.
 *
 * Supported layers: Flatten, Dense, Conv2D, MaxPooling2D, Activation, Dropout (dropped: inference only).
 * Layout: the ONNX graph takes NCHW input, so conv kernels go from [kh, kw, cin, cout] to
 * [cout, cin, kh, kw], and a Flatten of a feature map flattens (c, h, w) in ONNX but (h, w, c) in TF:
 * the rows of the Dense layer after it are permuted to match, so no Transpose node is needed.
 */

export interface OnnxExportOptions {
  inputName?: string;
  outputName?: string;
  graphName: string;
  docString: string;
  producerVersion: string;
  metadata: Record<string, string>;
}

type Shape = (number | string)[];

interface ConvConfig {
  filters: number;
  kernelSize: number | number[];
  strides: number | number[];
  padding: 'same' | 'valid' | 'causal';
  dilationRate: number | number[];
  dataFormat: string;
  activation: string;
  useBias: boolean;
}

const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]);

/** TF's padding for one spatial axis: [before, after, output size]. */
function tfPads(size: number, k: number, s: number, d: number, padding: string): [number, number, number] {
  const ek = (k - 1) * d + 1;
  if (padding === 'valid') return [0, 0, Math.floor((size - ek) / s) + 1];
  if (padding !== 'same') throw new Error(`padding ${padding} is not supported`);
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + ek - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2), out];
}

export function tfjsToOnnx(model: tf.Sequential, opts: OnnxExportOptions) {
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'probabilities';
  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  const infos: ValueInfoProto[] = [];
  const inShape = model.inputs[0].shape; // [null, H, W, C]
  if (inShape.length !== 4) throw new Error('expected an image input [batch, H, W, C]');
  const [, H, W, C] = inShape as number[];
  // Current tensor in ONNX terms: its name, its ONNX shape (NCHW for maps), and, for a flattened map,
  // the (h, w, c) it came from (the next Dense permutes its rows).
  let cur = inputName;
  let shape: Shape = ['batch', C, H, W];
  let flattenedFrom: [number, number, number] | null = null;

  const emit = (n: NodeProto, outShape: Shape) => {
    nodes.push(n);
    cur = n.output[0];
    shape = outShape;
    infos.push(build.valueInfo(cur, DataType.FLOAT, shape));
  };
  const activation = (layerName: string, act: string) => {
    if (act === 'linear') return;
    if (act === 'relu') emit(build.node('Relu', [cur], [`${layerName}_relu`], {}, { name: `${layerName}_relu` }), shape);
    else if (act === 'softmax') emit(build.node('Softmax', [cur], [`${layerName}_softmax`], { axis: build.attr.i(-1) }, { name: `${layerName}_softmax` }), shape);
    else throw new Error(`${layerName}: activation ${act} is not supported`);
  };

  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const name = layer.name;
    const cfg = layer.getConfig() as Record<string, unknown>;
    if (cls === 'Dropout') continue;
    if (cls === 'Flatten') {
      if (shape.length === 4) {
        const [, c, h, w] = shape as number[];
        flattenedFrom = c > 1 ? [h, w, c] : null; // with one channel both orders agree
        emit(build.node('Flatten', [cur], [name], { axis: build.attr.i(1) }, { name }), ['batch', c * h * w]);
      }
      continue;
    }
    if (cls === 'Dense') {
      const [kernel, bias] = layer.getWeights();
      const [nIn, nOut] = kernel.shape;
      let k = kernel.dataSync() as Float32Array;
      if (flattenedFrom) {
        // ONNX row (c, h, w) ← TF row (h, w, c)
        const [h, w, c] = flattenedFrom;
        const src = k;
        k = new Float32Array(src.length);
        for (let ci = 0; ci < c; ci++)
          for (let hi = 0; hi < h; hi++)
            for (let wi = 0; wi < w; wi++) {
              const ro = (ci * h + hi) * w + wi;
              const rt = (hi * w + wi) * c + ci;
              k.set(src.subarray(rt * nOut, (rt + 1) * nOut), ro * nOut);
            }
        flattenedFrom = null;
      }
      inits.push(build.floatTensor(`${name}.weight`, [nIn, nOut], k));
      const inputs = [cur, `${name}.weight`];
      if (bias) {
        inits.push(build.floatTensor(`${name}.bias`, [nOut], bias.dataSync() as Float32Array));
        inputs.push(`${name}.bias`);
      }
      emit(build.node('Gemm', inputs, [name], { transB: build.attr.i(0) }, { name }), ['batch', nOut]);
      activation(name, cfg.activation as string);
      continue;
    }
    if (cls === 'Conv2D') {
      const c = cfg as unknown as ConvConfig;
      if (c.dataFormat !== 'channelsLast') throw new Error(`${name}: only channelsLast`);
      const [kernel, bias] = layer.getWeights();
      const [kh, kw, cin, cout] = kernel.shape;
      const src = kernel.dataSync() as Float32Array;
      const k = new Float32Array(src.length);
      for (let i = 0; i < kh; i++)
        for (let j = 0; j < kw; j++)
          for (let ci = 0; ci < cin; ci++)
            for (let co = 0; co < cout; co++) k[((co * cin + ci) * kh + i) * kw + j] = src[((i * kw + j) * cin + ci) * cout + co];
      inits.push(build.floatTensor(`${name}.weight`, [cout, cin, kh, kw], k));
      const inputs = [cur, `${name}.weight`];
      if (bias) {
        inits.push(build.floatTensor(`${name}.bias`, [cout], bias.dataSync() as Float32Array));
        inputs.push(`${name}.bias`);
      }
      const [sh, sw] = pair(c.strides);
      const [dh, dw] = pair(c.dilationRate);
      const [, , h, w] = shape as number[];
      const [pt, pb, oh] = tfPads(h, kh, sh, dh, c.padding);
      const [pl, pr, ow] = tfPads(w, kw, sw, dw, c.padding);
      emit(
        build.node(
          'Conv',
          inputs,
          [name],
          {
            kernel_shape: build.attr.ints([kh, kw]),
            strides: build.attr.ints([sh, sw]),
            dilations: build.attr.ints([dh, dw]),
            pads: build.attr.ints([pt, pl, pb, pr]),
            group: build.attr.i(1),
          },
          { name },
        ),
        ['batch', cout, oh, ow],
      );
      activation(name, c.activation);
      continue;
    }
    if (cls === 'MaxPooling2D') {
      const p = cfg as { poolSize: number | number[]; strides: number | number[] | null; padding: string; dataFormat: string };
      if (p.dataFormat !== 'channelsLast') throw new Error(`${name}: only channelsLast`);
      const [kh, kw] = pair(p.poolSize);
      const [sh, sw] = pair(p.strides ?? p.poolSize);
      const [, ch, h, w] = shape as number[];
      const [pt, pb, oh] = tfPads(h, kh, sh, 1, p.padding);
      const [pl, pr, ow] = tfPads(w, kw, sw, 1, p.padding);
      // TF's 'same' max pool ignores the padding (as -inf), which is what ONNX MaxPool pads do too.
      emit(
        build.node(
          'MaxPool',
          [cur],
          [name],
          { kernel_shape: build.attr.ints([kh, kw]), strides: build.attr.ints([sh, sw]), pads: build.attr.ints([pt, pl, pb, pr]) },
          { name },
        ),
        ['batch', ch, oh, ow],
      );
      continue;
    }
    if (cls === 'Activation') {
      const act = cfg.activation as string;
      if (act === 'softmax') emit(build.node('Softmax', [cur], [name], { axis: build.attr.i(-1) }, { name }), shape);
      else if (act === 'relu') emit(build.node('Relu', [cur], [name], {}, { name }), shape);
      else throw new Error(`${name}: activation ${act} is not supported`);
      continue;
    }
    throw new Error(`layer ${name} (${cls}) is not supported by the ONNX exporter`);
  }

  // Name the graph output.
  const last = nodes[nodes.length - 1];
  last.output[0] = outputName;
  infos.pop();
  const graph = build.graph({
    name: opts.graphName,
    nodes,
    inputs: [build.valueInfo(inputName, DataType.FLOAT, ['batch', C, H, W])],
    outputs: [build.valueInfo(outputName, DataType.FLOAT, shape)],
    initializers: inits,
    valueInfo: infos,
    docString: opts.docString,
  });
  const m = build.model({
    graph,
    opset: 17,
    producerName: 'pareto-studio',
    producerVersion: opts.producerVersion,
    docString: opts.docString,
    metadata: opts.metadata,
  });
  return { model: m, bytes: writeOnnx(m) };
}
