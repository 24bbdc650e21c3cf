import type { ModelProto } from '../formats/onnx/proto';
import type { Backend, BackendSupport } from './support';

/**
 * What the support table says for a TF.js model: TF.js runs every layer or op on the backend it loads on (the layer
 * classes and ops were checked against what TF.js implements when the model was read), except on WebGPU, whose TF.js
 * backend is not part of this build.
 */
export function tfjsSupport(proto: ModelProto, backend: Backend): BackendSupport {
  const nodes = (proto.graph?.node ?? []).map((n, index) => ({ graph: 'main', index, name: n.name, opType: n.opType, domain: n.domain, opset: 1 }));
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  const loads = backend !== 'webgpu';
  const status = loads ? ('native' as const) : ('unsupported' as const);
  return {
    backend,
    runtime: `TF.js ${backend}`,
    native: loads ? nodes : [],
    fallback: [],
    unsupported: loads ? [] : nodes,
    summary: { nodes: nodes.length, native: loads ? nodes.length : 0, fallback: 0, unsupported: loads ? 0 : nodes.length, transfers: 0 },
    ops: [...counts].sort((a, b) => b[1] - a[1]).map(([opType, count]) => ({ domain: 'tfjs', opType, status, count })),
    issues: loads ? [] : [{ kind: 'load-fails', message: 'The TF.js WebGPU backend (@tensorflow/tfjs-backend-webgpu) is not part of this build.' }],
    loads,
    verdict: loads
      ? `TF.js runs all ${nodes.length} layers/ops on its ${backend} backend (every class and op is one TF.js implements).`
      : 'Not available: the TF.js WebGPU backend is not part of this build.',
  };
}
