import type { NodeProto } from '../formats/onnx/proto';
import { known, sliceLength, sliceParams, sliceRange, type Val } from './shape-values';
import { broadcast, prod, type NodeShapeResult, type Shape } from './shape-util';

const attrInts = (n: NodeProto, name: string): number[] | undefined => {
  const a = n.attribute.find((x) => x.name === name);
  return a ? a.ints.map(Number) : undefined;
};
const attrInt = (n: NodeProto, name: string, dflt: number): number => {
  const a = n.attribute.find((x) => x.name === name);
  return a ? Number(a.i) : dflt;
};
const norm = (a: number, rank: number) => (a < 0 ? a + rank : a);
const none: NodeShapeResult = { outputs: [undefined], macs: 0 };
const REDUCE = new Set([
  'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
  'ReduceLogSumExp', 'ReduceSumSquare',
]);
/** Recurrent ops and their gates per hidden unit. */
const RECURRENT: Record<string, number> = { LSTM: 4, GRU: 3, RNN: 1 };

/**
 * Shapes of the ops whose output shape is data (a shape, pads, starts, repeats) the model may compute at run time,
 * read from the values data propagation found (`vals`: each input's value, undefined when unknown); and of the
 * recurrent ops and Einsum, with their MACs. Undefined for an op not handled here.
 */
export function inferShapeOp(n: NodeProto, op: string, ins: (Shape | undefined)[], vals: (Val | undefined)[]): NodeShapeResult | undefined {
  const x = ins[0];
  if (REDUCE.has(op)) {
    if (!x) return none;
    const axesIn = attrInts(n, 'axes') ?? (n.input[1] ? known(vals[1]) : []);
    if (!axesIn) return none;
    const keep = attrInt(n, 'keepdims', 1) === 1;
    if (axesIn.length === 0 && attrInt(n, 'noop_with_empty_axes', 0) === 1) return { outputs: [x], macs: 0 };
    const axes = new Set((axesIn.length ? axesIn : x.map((_, i) => i)).map((a) => norm(a, x.length)));
    const out = keep ? x.map((d, i) => (axes.has(i) ? 1 : d)) : x.filter((_, i) => !axes.has(i));
    return { outputs: [out], macs: 0 };
  }
  if (op in RECURRENT) return recurrent(n, RECURRENT[op], ins);
  switch (op) {
    case 'Reshape': {
      const t = vals[1];
      const ts = ins[1];
      if (!x || !t || !ts || ts.length !== 1 || ts[0] !== t.v.length) return none;
      const allowZero = attrInt(n, 'allowzero', 0) === 1;
      const out: Shape = t.v.map((d, i) => (d === 0 && !allowZero ? (x[i] ?? null) : d));
      const iNeg = out.indexOf(-1);
      if (iNeg >= 0) {
        const rest = prod(out.filter((_, i) => i !== iNeg));
        const all = prod(x);
        out[iNeg] = rest !== null && all !== null && rest !== 0 && all % rest === 0 ? all / rest : null;
      }
      return { outputs: [out], macs: 0 };
    }
    case 'Expand': {
      const t = vals[1];
      if (!x || !t) return none;
      return { outputs: [broadcast([x, t.v])], macs: 0 };
    }
    case 'Tile': {
      const r = vals[1];
      if (!x || !r || r.v.length !== x.length) return none;
      return { outputs: [x.map((d, i) => (d === null || r.v[i] === null ? null : d * r.v[i]!))], macs: 0 };
    }
    case 'Slice': {
      if (!x) return none;
      const p = sliceParams(n, x.length, vals);
      if (!p) return { outputs: [x.map(() => null)], macs: 0 };
      const out = [...x];
      p.axes.forEach((a, i) => {
        const d = x[a];
        out[a] = d === null ? null : sliceLength(sliceRange(d, p.starts[i], p.ends[i], p.steps[i]));
      });
      return { outputs: [out], macs: 0 };
    }
    case 'Pad': {
      if (!x) return none;
      const pads = attrInts(n, 'pads') ?? vals[1]?.v;
      if (!pads) return { outputs: [x.map(() => null)], macs: 0 };
      const axes = n.input[3] ? known(vals[3])?.map((a) => norm(a, x.length)) : x.map((_, i) => i);
      if (!axes || pads.length !== axes.length * 2) return { outputs: [x.map(() => null)], macs: 0 };
      const out = [...x];
      axes.forEach((a, i) => {
        const [b, e] = [pads[i], pads[i + axes.length]];
        out[a] = out[a] === null || b === null || e === null ? null : out[a]! + b + e;
      });
      return { outputs: [out], macs: 0 };
    }
    case 'Split': {
      if (!x) return { outputs: n.output.map(() => undefined), macs: 0 };
      const axis = norm(attrInt(n, 'axis', 0), x.length);
      const d = x[axis];
      const parts = attrInts(n, 'split') ?? (n.input[1] ? known(vals[1]) : undefined);
      const count = n.output.length;
      let sizes: (number | null)[];
      if (parts) sizes = parts;
      else if (d === null) sizes = Array(count).fill(null);
      else {
        const each = Math.ceil(d / count);
        sizes = Array.from({ length: count }, (_, i) => Math.max(0, Math.min(each, d - i * each)));
      }
      return { outputs: sizes.map((s) => x.map((v, i) => (i === axis ? s : v))), macs: 0 };
    }
    case 'ConstantOfShape': {
      const t = vals[0];
      const ts = ins[0];
      if (t) return { outputs: [t.v], macs: 0 };
      return { outputs: [ts && ts[0] !== null ? Array(ts[0]).fill(null) : undefined], macs: 0 };
    }
    case 'Range': {
      const [s, l, d] = [known(vals[0])?.[0], known(vals[1])?.[0], known(vals[2])?.[0]];
      if (s === undefined || l === undefined || d === undefined || d === 0) return { outputs: [[null]], macs: 0 };
      return { outputs: [[Math.max(Math.ceil((l - s) / d), 0)]], macs: 0 };
    }
    case 'Shape': {
      if (!x) return none;
      const r = x.length;
      const at = (a: number) => Math.min(Math.max(norm(a, r), 0), r);
      return { outputs: [[Math.max(0, at(attrInt(n, 'end', r)) - at(attrInt(n, 'start', 0)))]], macs: 0 };
    }
    case 'Size':
      return { outputs: [[]], macs: 0 };
    case 'Gather': {
      const idx = ins[1];
      if (!x || !idx) return none;
      const axis = norm(attrInt(n, 'axis', 0), x.length);
      return { outputs: [[...x.slice(0, axis), ...idx, ...x.slice(axis + 1)]], macs: 0 };
    }
    case 'GatherElements':
      return { outputs: [ins[1]], macs: 0 };
    case 'ArgMax':
    case 'ArgMin': {
      if (!x) return none;
      const axis = norm(attrInt(n, 'axis', 0), x.length);
      const keep = attrInt(n, 'keepdims', 1) === 1;
      return { outputs: [keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis)], macs: 0 };
    }
    case 'TopK': {
      const k = known(vals[1])?.[0] ?? null;
      if (!x) return { outputs: [undefined, undefined], macs: 0 };
      const axis = norm(attrInt(n, 'axis', -1), x.length);
      const out = x.map((d, i) => (i === axis ? k : d));
      return { outputs: [out, out], macs: 0 };
    }
    case 'CumSum':
    case 'Trilu':
    case 'ScatterND':
    case 'ScatterElements':
      return { outputs: [x], macs: 0 };
    case 'Einsum':
      return einsum(n, ins);
    default:
      return undefined;
  }
}

/** LSTM/GRU/RNN: outputs Y, Y_h (and LSTM's Y_c); MACs of the input and recurrent projections per step and direction. */
function recurrent(n: NodeProto, gates: number, ins: (Shape | undefined)[]): NodeShapeResult {
  const [x, w, r] = ins;
  const outs = n.output.map(() => undefined as Shape | undefined);
  if (!x || x.length !== 3 || !w || w.length !== 3) return { outputs: outs, macs: null };
  const layout = attrInt(n, 'layout', 0);
  const [seq, batch, input] = layout === 0 ? x : [x[1], x[0], x[2]];
  const dirs = w[0];
  const hidden = attrInt(n, 'hidden_size', 0) || (r && r.length === 3 ? r[2] : null);
  const y: Shape = layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden];
  const state: Shape = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  const macs = [seq, batch, dirs, input, hidden].every((d) => d !== null)
    ? dirs! * seq! * batch! * gates * hidden! * (input! + hidden!)
    : null;
  return { outputs: [y, state, state].slice(0, Math.max(n.output.length, 1)), macs };
}

/** Einsum without ellipsis: output shape from the equation; MACs the product of every index's size (two operands and more). */
function einsum(n: NodeProto, ins: (Shape | undefined)[]): NodeShapeResult {
  const a = n.attribute.find((x) => x.name === 'equation');
  const eq = a ? new TextDecoder().decode(a.s).replace(/\s/g, '') : '';
  if (!eq || eq.includes('.') || !ins.every(Boolean)) return { outputs: [undefined], macs: null };
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  const size = new Map<string, number | null>();
  terms.forEach((t, k) => [...t].forEach((c, i) => {
    const d = ins[k]![i] ?? null;
    if (!size.has(c) || size.get(c) === 1) size.set(c, d);
  }));
  const counts = new Map<string, number>();
  for (const c of lhs.replace(/,/g, '')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const outIdx = rhs ?? [...counts].filter(([, k]) => k === 1).map(([c]) => c).sort().join('');
  const out = [...outIdx].map((c) => size.get(c) ?? null);
  const macs = terms.length < 2 ? 0 : prod([...size.values()]);
  return { outputs: [out], macs };
}
