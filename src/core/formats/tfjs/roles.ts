/**
 * What a TF.js node's weights are, for magnitude pruning (transforms/prune/weights.ts asks here for 'tfjs' nodes):
 * which ONNX op family a layer or op belongs to (Dense/MatMul → MatMul, convolutions → Conv, transposed → ConvTranspose),
 * which inputs are weights or biases, and the reduction axis N:M groups run along. TF.js kernels are channels-last:
 * Dense [in, out], Conv [...spatial, in, out], transposed Conv [...spatial, out, in], MatMul [k, n] (or [n, k]).
 */
import type { NodeProto } from '../onnx/proto';

export type PruneFamily = 'MatMul' | 'Conv' | 'ConvTranspose';

const FAMILY: Record<string, PruneFamily> = {
  Dense: 'MatMul',
  EinsumDense: 'MatMul',
  MatMul: 'MatMul',
  _FusedMatMul: 'MatMul',
  BatchMatMul: 'MatMul',
  BatchMatMulV2: 'MatMul',
  Conv1D: 'Conv',
  Conv2D: 'Conv',
  Conv3D: 'Conv',
  _FusedConv2D: 'Conv',
  SeparableConv2D: 'Conv',
  DepthwiseConv2D: 'Conv',
  DepthwiseConv2dNative: 'Conv',
  FusedDepthwiseConv2dNative: 'Conv',
  Conv2DTranspose: 'ConvTranspose',
  Conv3DTranspose: 'ConvTranspose',
  Conv2DBackpropInput: 'ConvTranspose',
};

export const tfjsPruneFamily = (n: NodeProto): PruneFamily | undefined => FAMILY[n.opType];

const attrJson = (n: NodeProto): Record<string, unknown> => {
  const a = n.attribute.find((x) => x.name === 'config');
  try {
    return a ? (JSON.parse(new TextDecoder().decode(a.s)) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

export function tfjsRoleOf(n: NodeProto, inputIndex: number, rank: number): { role: 'weight' | 'bias' | 'data'; axis?: number } {
  const family = FAMILY[n.opType];
  if (!family) return { role: 'data' };
  const depthwise = /depthwise/i.test(n.opType);
  const transposed = family === 'ConvTranspose';
  const name = n.input[inputIndex] ?? '';
  // Keras layers (topology.ts marks them) read weights named ".../kernel", ".../bias"; graph ops read them by position.
  const isLayer = n.attribute.some((a) => a.name === 'keras_layer');
  const convAxis = (dw: boolean) => (dw ? undefined : transposed ? rank - 1 : rank - 2);
  if (isLayer) {
    if (/\/bias$/.test(name)) return { role: 'bias' };
    if (/\/depthwise_kernel$/.test(name)) return { role: 'weight', axis: undefined };
    if (/\/(kernel|pointwise_kernel)$/.test(name)) return { role: 'weight', axis: family === 'MatMul' ? 0 : convAxis(depthwise && !/pointwise/.test(name)) };
    return { role: 'data' };
  }
  if (inputIndex === 1) {
    if (family === 'MatMul') return { role: 'weight', axis: attrJson(n).transpose_b ? rank - 1 : rank - 2 };
    return { role: 'weight', axis: convAxis(depthwise) };
  }
  if (inputIndex >= 2 && n.opType.startsWith('_Fused')) return { role: 'bias' };
  return { role: 'data' };
}
