import type { ModelProto } from '../formats/onnx/proto';
import type { Backend, BackendSupport } from './support';

/**
 * What the support table says for a TF.js model: TF.js runs every layer or op on the backend it loads on (the layer
 * classes and ops were checked against what TF.js implements when the model was read). Whether a backend loads at all
 * (WebGL2, a WebGPU adapter) is found when its cell runs, and said there.
 */
export function tfjsSupport(proto: ModelProto, backend: Backend): BackendSupport {
  const nodes = (proto.graph?.node ?? []).map((n, index) => ({ graph: 'main', index, name: n.name, opType: n.opType, domain: n.domain, opset: 1 }));
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.opType, (counts.get(n.opType) ?? 0) + 1);
  return {
    backend,
    runtime: `TF.js ${backend}`,
    native: nodes,
    fallback: [],
    unsupported: [],
    summary: { nodes: nodes.length, native: nodes.length, fallback: 0, unsupported: 0, transfers: 0 },
    ops: [...counts].sort((a, b) => b[1] - a[1]).map(([opType, count]) => ({ domain: 'tfjs', opType, status: 'native' as const, count })),
    issues: [],
    loads: true,
    verdict: `TF.js runs all ${nodes.length} layers/ops on its ${backend} backend (every class and op is one TF.js implements).`,
  };
}
