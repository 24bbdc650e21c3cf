import type { AttributeProto, NodeProto, TensorProto } from '../formats/onnx/proto';
import { dtypeInfo } from '../formats/onnx/dtypes';
import { elementCount, tensorToNumbers, type ExternalData } from '../formats/onnx/tensor';
import type { Shape } from './shape-util';

/**
 * Data propagation for the small tensors a model computes its shapes from (as ONNX's shape inference does with
 * data_prop): the values of Shape outputs once the input's shape is known, and of Gather/Slice/Concat/arithmetic on
 * them. An element is null where it is unknown (a dim nobody set); `float` marks values of floating-point tensors
 * (their Div does not truncate).
 */
export interface Val {
  v: (number | null)[];
  float: boolean;
}

/** Tensors larger than this are never carried as values (shape computations use a handful of numbers). */
export const MAX_VALUES = 4096;
/** Floating-point tensors are carried only this small (Resize scales, a scalar compared with a size); not weights. */
const MAX_FLOAT_VALUES = 16;

export function valueOfTensor(t: TensorProto, external: ExternalData): Val | undefined {
  const float = dtypeInfo(t.dataType)?.float ?? false;
  if (elementCount(t) > (float ? MAX_FLOAT_VALUES : MAX_VALUES)) return undefined;
  try {
    return { v: Array.from(tensorToNumbers(t, external)), float };
  } catch {
    return undefined;
  }
}

const attr = (n: NodeProto, name: string): AttributeProto | undefined => n.attribute.find((a) => a.name === name);
const attrInt = (n: NodeProto, name: string, dflt: number): number => {
  const a = attr(n, name);
  return a ? Number(a.i) : dflt;
};

/** All elements known: the numbers, else undefined. */
export function known(v: Val | undefined): number[] | undefined {
  return v && v.v.every((x) => x !== null) ? (v.v as number[]) : undefined;
}

const strides = (s: number[]): number[] => {
  const out = Array(s.length).fill(1);
  for (let i = s.length - 2; i >= 0; i--) out[i] = out[i + 1] * s[i + 1];
  return out;
};
const fullShape = (s: Shape | undefined): number[] | undefined => (s && s.every((d) => d !== null) ? (s as number[]) : undefined);
const total = (s: number[]): number => s.reduce((p, d) => p * d, 1);

/** Values of `x` (shape `xs`) at output shape `out`, where `src(index)` maps an output index to an input index. */
function gatherBy(x: Val, xs: number[], out: number[], src: (idx: number[]) => number[] | undefined): Val | undefined {
  const n = total(out);
  if (n > MAX_VALUES) return undefined;
  const xst = strides(xs);
  const ost = strides(out);
  const v: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const idx = out.map((_, a) => Math.floor(i / ost[a]) % out[a]);
    const s = src(idx);
    if (!s) return undefined;
    v.push(x.v[s.reduce((p, d, a) => p + d * xst[a], 0)] ?? null);
  }
  return { v, float: x.float };
}

/** numpy broadcasting of element-wise values; shapes must be fully known. */
function elementwise(vals: Val[], shapes: number[][], out: number[], f: (...a: number[]) => number, float: boolean): Val | undefined {
  const n = total(out);
  if (n > MAX_VALUES) return undefined;
  const st = shapes.map((s) => strides(s));
  const ost = strides(out);
  const v: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const args: (number | null)[] = vals.map((x, k) => {
      const s = shapes[k];
      let off = 0;
      for (let a = 0; a < s.length; a++) {
        const oa = out.length - s.length + a;
        const idx = Math.floor(i / ost[oa]) % out[oa];
        off += (s[a] === 1 ? 0 : idx) * st[k][a];
      }
      return x.v[off] ?? null;
    });
    v.push(args.includes(null) ? null : f(...(args as number[])));
  }
  return { v, float };
}

const BINARY: Record<string, (a: number, b: number, float: boolean) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b, f) => (f ? a / b : Math.trunc(a / b)),
  Mod: (a, b) => a - b * Math.floor(a / b),
  Pow: (a, b) => a ** b,
  Max: (a, b) => Math.max(a, b),
  Min: (a, b) => Math.min(a, b),
  Equal: (a, b) => Number(a === b),
  Less: (a, b) => Number(a < b),
  Greater: (a, b) => Number(a > b),
  LessOrEqual: (a, b) => Number(a <= b),
  GreaterOrEqual: (a, b) => Number(a >= b),
  And: (a, b) => Number(a !== 0 && b !== 0),
  Or: (a, b) => Number(a !== 0 || b !== 0),
};
const COMPARE = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or']);
const UNARY: Record<string, (a: number) => number> = {
  Neg: (a) => -a, Abs: Math.abs, Floor: Math.floor, Ceil: Math.ceil, Not: (a) => Number(a === 0), Sqrt: Math.sqrt,
  Reciprocal: (a) => 1 / a, Sign: Math.sign, Relu: (a) => Math.max(a, 0),
};
/** ONNX TensorProto data types that are floating point. */
const FLOAT_TYPES = new Set([1, 10, 11, 16]);

/** Normalised [start, end, step] of a Slice along a dim of size d (ONNX clamping rules). */
export function sliceRange(d: number, start: number, end: number, step: number): [number, number, number] {
  const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
  let s = start < 0 ? start + d : start;
  let e = end < 0 ? end + d : end;
  if (step > 0) {
    s = clamp(s, 0, d);
    e = clamp(e, 0, d);
  } else {
    s = clamp(s, 0, d - 1);
    e = clamp(e, -1, d - 1);
  }
  return [s, e, step];
}
export const sliceLength = ([s, e, step]: [number, number, number]): number => Math.max(0, Math.ceil((e - s) / step));

/** Slice parameters: attributes (opset < 10) or inputs starts, ends, axes, steps. */
export function sliceParams(
  n: NodeProto,
  rank: number,
  vals: (Val | undefined)[],
): { starts: number[]; ends: number[]; axes: number[]; steps: number[] } | undefined {
  const fromAttr = attr(n, 'starts');
  const starts = fromAttr ? fromAttr.ints.map(Number) : known(vals[1]);
  const ends = fromAttr ? attr(n, 'ends')?.ints.map(Number) : known(vals[2]);
  if (!starts || !ends) return undefined;
  const axesIn = fromAttr ? attr(n, 'axes')?.ints.map(Number) : n.input[3] ? known(vals[3]) : undefined;
  if (!fromAttr && n.input[3] && !axesIn) return undefined;
  const steps = !fromAttr && n.input[4] ? known(vals[4]) : starts.map(() => 1);
  if (!steps) return undefined;
  const axes = (axesIn ?? starts.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a));
  return { starts, ends, axes, steps };
}

/**
 * The values of a node's outputs from the values (and shapes) of its inputs; undefined where not followed.
 * `shapes` are the node's input shapes, `outShapes` its output shapes as inferred.
 */
export function inferValues(
  n: NodeProto,
  op: string,
  shapes: (Shape | undefined)[],
  vals: (Val | undefined)[],
  outShapes: (Shape | undefined)[],
  external: ExternalData,
): (Val | undefined)[] {
  const x = vals[0];
  const xs = shapes[0];
  switch (op) {
    case 'Constant': {
      const t = attr(n, 'value')?.t;
      if (t) return [valueOfTensor(t, external)];
      const a = n.attribute[0];
      if (!a) return [];
      if (a.name === 'value_int') return [{ v: [Number(a.i)], float: false }];
      if (a.name === 'value_ints') return [{ v: a.ints.map(Number), float: false }];
      if (a.name === 'value_float') return [{ v: [a.f], float: true }];
      if (a.name === 'value_floats') return [{ v: [...a.floats], float: true }];
      return [];
    }
    case 'Shape': {
      if (!xs) return [];
      const r = xs.length;
      const norm = (a: number) => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
      return [{ v: xs.slice(norm(attrInt(n, 'start', 0)), norm(attrInt(n, 'end', r))), float: false }];
    }
    case 'Size': {
      if (!xs) return [];
      return [{ v: [xs.every((d) => d !== null) ? total(xs as number[]) : null], float: false }];
    }
    case 'Identity':
    case 'Squeeze':
    case 'Unsqueeze':
    case 'Reshape':
    case 'Flatten':
      return [x];
    case 'Cast': {
      if (!x) return [];
      const to = attrInt(n, 'to', 1);
      const float = FLOAT_TYPES.has(to);
      return [{ v: x.v.map((e) => (e === null ? null : to === 9 ? Number(e !== 0) : float ? e : Math.trunc(e))), float }];
    }
    case 'ConstantOfShape': {
      const out = known(vals[0]);
      if (!out || total(out) > MAX_VALUES) return [];
      const t = attr(n, 'value')?.t;
      const fill = t ? valueOfTensor(t, external) : { v: [0], float: true };
      if (!fill) return [];
      return [{ v: Array(total(out)).fill(fill.v[0] ?? 0), float: fill.float }];
    }
    case 'Range': {
      const [s, l, d] = [known(vals[0])?.[0], known(vals[1])?.[0], known(vals[2])?.[0]];
      if (s === undefined || l === undefined || d === undefined || d === 0) return [];
      const len = Math.max(Math.ceil((l - s) / d), 0);
      if (len > MAX_VALUES) return [];
      return [{ v: Array.from({ length: len }, (_, i) => s + i * d), float: !!vals[0]?.float }];
    }
    case 'Concat': {
      if (!vals.every(Boolean) || vals.length === 0) return [];
      const all = shapes.map(fullShape);
      if (!all.every(Boolean)) return [];
      const ss = all as number[][];
      let axis = attrInt(n, 'axis', 0);
      if (axis < 0) axis += ss[0].length;
      const outer = total(ss[0].slice(0, axis));
      const v: (number | null)[] = [];
      for (let o = 0; o < outer; o++) {
        vals.forEach((val, k) => {
          const inner = total(ss[k].slice(axis));
          v.push(...val!.v.slice(o * inner, (o + 1) * inner));
        });
      }
      return [{ v, float: vals.some((val) => val!.float) }];
    }
    case 'Gather': {
      const idx = known(vals[1]);
      const ds = fullShape(xs);
      const is = fullShape(shapes[1]);
      if (!x || !idx || !ds || !is) return [];
      let axis = attrInt(n, 'axis', 0);
      if (axis < 0) axis += ds.length;
      const out = [...ds.slice(0, axis), ...is, ...ds.slice(axis + 1)];
      const ist = strides(is);
      return [
        gatherBy(x, ds, out, (o) => {
          const flat = o.slice(axis, axis + is.length).reduce((p, d, a) => p + d * ist[a], 0);
          let j = idx[flat];
          if (j < 0) j += ds[axis];
          return [...o.slice(0, axis), j, ...o.slice(axis + is.length)];
        }),
      ];
    }
    case 'Slice': {
      const ds = fullShape(xs);
      if (!x || !ds) return [];
      const p = sliceParams(n, ds.length, vals);
      if (!p) return [];
      const ranges = ds.map((d): [number, number, number] => [0, d, 1]);
      p.axes.forEach((a, i) => (ranges[a] = sliceRange(ds[a], p.starts[i], p.ends[i], p.steps[i])));
      const out = ranges.map(sliceLength);
      return [gatherBy(x, ds, out, (o) => o.map((j, a) => ranges[a][0] + j * ranges[a][2]))];
    }
    case 'Transpose': {
      const ds = fullShape(xs);
      if (!x || !ds) return [];
      const perm = attr(n, 'perm')?.ints.map(Number) ?? ds.map((_, i) => ds.length - 1 - i);
      const out = perm.map((p) => ds[p]);
      return [
        gatherBy(x, ds, out, (o) => {
          const src = Array(ds.length).fill(0);
          perm.forEach((p, i) => (src[p] = o[i]));
          return src;
        }),
      ];
    }
    case 'Where': {
      const ss = shapes.map(fullShape);
      const out = fullShape(outShapes[0]);
      if (!vals.every(Boolean) || !ss.every(Boolean) || !out || vals.length !== 3) return [];
      return [elementwise(vals as Val[], ss as number[][], out, (c, a, b) => (c ? a : b), vals[1]!.float || vals[2]!.float)];
    }
    default: {
      const out = fullShape(outShapes[0]);
      if (op in UNARY && x && xs && out) return [{ v: x.v.map((e) => (e === null ? null : UNARY[op](e))), float: x.float }];
      if (op in BINARY && vals.length === 2 && vals.every(Boolean) && out) {
        const ss = shapes.map(fullShape);
        if (!ss.every(Boolean)) return [];
        const float = vals.some((val) => val!.float);
        const f = BINARY[op];
        return [elementwise(vals as Val[], ss as number[][], out, (a, b) => f(a, b, float), COMPARE.has(op) ? false : float)];
      }
      return [];
    }
  }
}
