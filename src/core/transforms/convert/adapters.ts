import { DataType, type NodeProto } from '../../formats/onnx/proto';
import { attr, floatTensor, graph, valueInfo } from '../../formats/onnx/builder';
import { float32Data } from '../../formats/onnx/tensor';
import { attrOf, bigintsAttr, dropAttrs, floatAttr, floatsAttr, intAttr, intsAttr, setAttr, setStringAttr, stringAttr, type GraphEdit } from './edit';

/**
 * What changed in ONNX's default domain between opsets 7 and 21 (docs/Changelog.md, onnx/version_converter/adapters),
 * one adapter per op and opset at which its signature or meaning changed. Every other op keeps its meaning: only the
 * model's opset_import changes for it.
 */

/** An adapter rewrites the node (its own copy) in place and may put helper nodes before or after it. */
export interface Adapted {
  what: string;
  before?: NodeProto[];
  after?: NodeProto[];
}
export type Adapter = (n: NodeProto, e: GraphEdit) => Adapted | undefined;

/** Thrown by an adapter for a node it cannot convert exactly. */
export class Unconvertible extends Error {}

const label = (n: NodeProto) => n.name || n.output[0] || n.opType;

/** An attribute that became an int64 input (Slice starts, Squeeze axes, ...): the input goes at `index`. */
function intsToInput(n: NodeProto, e: GraphEdit, name: string, index: number, what: string, scalar = false): Adapted | undefined {
  const v = bigintsAttr(n, name);
  if (v === undefined) return undefined;
  while (n.input.length < index) n.input.push('');
  n.input[index] = e.int64s(`${label(n)}_${name}`, v, scalar);
  dropAttrs(n, name);
  return { what };
}

const axesToInput = (n: NodeProto, e: GraphEdit) => intsToInput(n, e, 'axes', 1, 'axes attribute → input');

/** Softmax, LogSoftmax and Hardmax before 13 flatten the input to 2D at `axis`; from 13 they work along `axis` only. */
const coerced2d: Adapter = (n, e) => {
  const axis = intAttr(n, 'axis') ?? 1;
  const x = n.input[0];
  const rank = e.rank(x);
  if (rank !== undefined && rank > 0 && (axis === -1 || axis === rank - 1)) return undefined;
  const y = n.output[0];
  const shape = e.name(`${label(n)}_shape`);
  const flat = e.name(`${label(n)}_2d`);
  const y2 = e.name(`${y}_2d`);
  n.input[0] = flat;
  n.output[0] = y2;
  setAttr(n, 'axis', attr.i(1));
  return {
    what: `axis ${axis} over the input flattened to 2D: Flatten before, Reshape back after`,
    before: [e.node('Shape', [x], [shape]), e.node('Flatten', [x], [flat], { axis: attr.i(axis) })],
    after: [e.node('Reshape', [y2, shape], [y])],
  };
};

const reduceAxes: Adapter = (n, e) => axesToInput(n, e);

/** Old experimental ops (removed at 10) that are a line of arithmetic. */
function arithmetic(n: NodeProto, e: GraphEdit, steps: (x: string) => { op: string; inputs: string[] }[], what: string): Adapted {
  const x = n.input[0];
  const y = n.output[0];
  const plan = steps(x);
  const nodes: NodeProto[] = [];
  let cur = x;
  plan.forEach((s, i) => {
    const out = i === plan.length - 1 ? y : e.name(`${y}_${s.op.toLowerCase()}`);
    nodes.push(e.node(s.op, s.inputs.map((v) => (v === '$' ? cur : v)), [out]));
    cur = out;
  });
  // The node itself becomes the first helper; the rest follow it.
  const first = nodes.shift()!;
  n.opType = first.opType;
  n.input = first.input;
  n.output = first.output;
  n.attribute = first.attribute;
  return { what, after: nodes };
}

export const ADAPTERS: Record<string, Record<number, Adapter>> = {
  Upsample: {
    9: (n, e) => {
      const scales = floatsAttr(n, 'scales');
      if (!scales) return undefined;
      n.input = [n.input[0], e.floats(`${label(n)}_scales`, scales)];
      dropAttrs(n, 'scales');
      return { what: 'scales attribute → input' };
    },
    10: (n, e) => {
      n.opType = 'Resize';
      e.enlargeOnly.add(n);
      if (stringAttr(n, 'mode') === 'bilinear') setStringAttr(n, 'mode', 'linear');
      return { what: 'Upsample (deprecated) → Resize' };
    },
  },
  Resize: {
    11: (n, e) => {
      const mode = stringAttr(n, 'mode') ?? 'nearest';
      const roi = e.floats(`${label(n)}_roi`, []);
      n.input = [n.input[0], roi, n.input[1]];
      setStringAttr(n, 'coordinate_transformation_mode', 'asymmetric');
      const what = `empty roi input; coordinate_transformation_mode 'asymmetric'`;
      if (mode !== 'nearest') return { what: `${what} (Resize 10's behaviour)` };
      // onnxruntime's Resize 10 rounds the source index down on axes it enlarges and up on axes it shrinks.
      const t = e.initializer(n.input[2]);
      const scales = t ? Array.from(float32Data(t)) : undefined;
      const down = scales?.some((v) => v < 1) ?? false;
      const up = scales?.some((v) => v > 1) ?? true;
      const known = scales !== undefined || e.enlargeOnly.has(n);
      if (!(down && up)) {
        setStringAttr(n, 'nearest_mode', down ? 'ceil' : 'floor');
        return {
          what:
            `${what}, nearest_mode '${down ? 'ceil' : 'floor'}' (Resize 10's rounding)` +
            (known ? '' : '; its scales are computed, so shrinking axes may round differently from onnxruntime\'s Resize 10'),
        };
      }
      // Shrinks some axes and enlarges others: one Resize per rounding (nearest works axis by axis).
      const shrunk = e.name(`${n.output[0]}_shrunk`);
      const first = e.node('Resize', [n.input[0], roi, e.floats(`${label(n)}_scales_down`, scales!.map((v) => Math.min(v, 1)))], [shrunk], {}, `${label(n)}_down`);
      for (const a of n.attribute) if (a.name !== 'nearest_mode') first.attribute.push(a);
      setStringAttr(first, 'nearest_mode', 'ceil');
      n.input = [shrunk, roi, e.floats(`${label(n)}_scales_up`, scales!.map((v) => Math.max(v, 1)))];
      setStringAttr(n, 'nearest_mode', 'floor');
      return { what: `${what}; split in two: the shrinking axes with nearest_mode 'ceil', then the enlarging ones with 'floor' (Resize 10's rounding)`, before: [first] };
    },
  },
  Slice: {
    10: (n, e) => {
      const starts = bigintsAttr(n, 'starts') ?? [];
      const ends = bigintsAttr(n, 'ends') ?? [];
      const axes = bigintsAttr(n, 'axes');
      n.input = [n.input[0], e.int64s(`${label(n)}_starts`, starts), e.int64s(`${label(n)}_ends`, ends)];
      if (axes) n.input.push(e.int64s(`${label(n)}_axes`, axes));
      dropAttrs(n, 'starts', 'ends', 'axes');
      return { what: 'starts/ends/axes attributes → inputs' };
    },
  },
  TopK: {
    10: (n, e) => intsToInputOne(n, e, 'k'),
  },
  Dropout: {
    10: (n, e) => {
      const mask = n.output[1];
      if (!mask) return undefined;
      if (!e.isUsed(mask)) {
        n.output = [n.output[0]];
        return { what: 'unused mask output removed (its type became bool)' };
      }
      const boolMask = e.name(`${mask}_bool`);
      n.output[1] = boolMask;
      const type = e.elemType(n.input[0]);
      return { what: 'mask output is bool from 10: Cast back to the input type', after: [e.node('Cast', [boolMask], [mask], { to: attr.i(type) })] };
    },
    12: (n, e) => {
      const ratio = floatAttr(n, 'ratio');
      dropAttrs(n, 'ratio');
      if (ratio === undefined) return undefined;
      n.input = [n.input[0], e.scalar(`${label(n)}_ratio`, ratio, DataType.FLOAT)!];
      return { what: 'ratio attribute → input' };
    },
  },
  Clip: {
    11: (n, e) => {
      const min = floatAttr(n, 'min');
      const max = floatAttr(n, 'max');
      if (min === undefined && max === undefined) return undefined;
      const type = e.elemType(n.input[0]);
      const bound = (v: number | undefined, which: string) => (v === undefined ? '' : e.scalar(`${label(n)}_${which}`, v, type) ?? '');
      n.input = [n.input[0], bound(min, 'min'), bound(max, 'max')];
      while (n.input.length > 1 && n.input[n.input.length - 1] === '') n.input.pop();
      dropAttrs(n, 'min', 'max');
      return { what: 'min/max attributes → inputs' };
    },
  },
  Pad: {
    11: (n, e) => {
      const pads = intsAttr(n, 'pads') ?? intsAttr(n, 'paddings') ?? [];
      const value = floatAttr(n, 'value');
      n.input = [n.input[0], e.int64s(`${label(n)}_pads`, pads)];
      if (value !== undefined && value !== 0) {
        const v = e.scalar(`${label(n)}_value`, value, e.elemType(n.input[0]));
        if (v === undefined) throw new Unconvertible('its constant value cannot be written for this element type');
        n.input.push(v);
      }
      dropAttrs(n, 'pads', 'paddings', 'value');
      return { what: 'pads/value attributes → inputs' };
    },
  },
  Scatter: {
    11: (n) => {
      n.opType = 'ScatterElements';
      return { what: 'Scatter (deprecated) → ScatterElements' };
    },
  },
  Softmax: { 13: coerced2d },
  LogSoftmax: { 13: coerced2d },
  Hardmax: { 13: coerced2d },
  Squeeze: { 13: axesToInput },
  Unsqueeze: { 13: axesToInput },
  ReduceSum: { 13: reduceAxes },
  ...Object.fromEntries(
    ['ReduceMax', 'ReduceMin', 'ReduceMean', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'].map((op) => [op, { 18: reduceAxes }]),
  ),
  Split: {
    13: (n, e) => intsToInput(n, e, 'split', 1, 'split attribute → input'),
    18: (n) => {
      if (n.input[1]) return undefined;
      setAttr(n, 'num_outputs', attr.i(n.output.length));
      return { what: `equal split: num_outputs ${n.output.length}` };
    },
  },
  BatchNormalization: {
    9: (n, e) => {
      const spatial = intAttr(n, 'spatial');
      if (spatial === undefined) return undefined;
      if (spatial === 0 && e.rank(n.input[0]) !== 2) {
        throw new Unconvertible('spatial=0 (statistics per activation, not per channel) is gone from opset 9');
      }
      dropAttrs(n, 'spatial');
      return { what: 'spatial attribute removed' };
    },
    14: (n, e) => {
      if (n.output.length <= 1) return undefined;
      const used = n.output.slice(1).filter((o) => e.isUsed(o));
      if (used.length > 0) throw new Unconvertible(`its training outputs (${used.join(', ')}) are used; opset 14 has them only in training mode`);
      n.output = [n.output[0]];
      return { what: 'unused training outputs removed' };
    },
  },
  RoiAlign: {
    16: (n) => {
      if (stringAttr(n, 'coordinate_transformation_mode') !== undefined) return undefined;
      setStringAttr(n, 'coordinate_transformation_mode', 'output_half_pixel');
      return { what: "coordinate_transformation_mode 'output_half_pixel' (the default before 16)" };
    },
  },
  GridSample: {
    20: (n) => {
      const mode = stringAttr(n, 'mode');
      const renamed = mode === 'bilinear' ? 'linear' : mode === 'bicubic' ? 'cubic' : undefined;
      if (!renamed) return undefined;
      setStringAttr(n, 'mode', renamed);
      return { what: `mode '${mode}' → '${renamed}'` };
    },
  },
  DFT: {
    20: (n, e) => {
      const axis = intAttr(n, 'axis') ?? 1;
      while (n.input.length < 2) n.input.push('');
      n.input[2] = e.int64s(`${label(n)}_axis`, [axis], true);
      dropAttrs(n, 'axis');
      return { what: 'axis attribute → input' };
    },
  },
  Scan: {
    // Scan 8 runs its body over a batch axis (0) of every input and output; Scan 9 has no batch. A Loop over the batch
    // runs one Scan 9 per item and stacks its results along axis 0, as Scan 8 did.
    9: (n, e) => {
      if (n.input[0]) throw new Unconvertible('Scan 8 with sequence_lens (per-item lengths) has no exact Scan 9 form');
      const body = attrOf(n, 'body')?.g;
      const inputs = n.input.slice(1);
      if (!body || inputs.length === 0) throw new Unconvertible('it has no body or no inputs');
      const name = label(n);
      const iter = e.name(`${name}_item`);
      const cond = e.name(`${name}_cond`);
      const condOut = e.name(`${name}_cond_out`);
      const items = inputs.map((x) => e.name(`${x}_item`));
      const results = n.output.map((o) => e.name(`${o}_item`));
      const directions = intsAttr(n, 'directions');
      const scan = e.node('Scan', items, results, {
        body: attr.g(body),
        num_scan_inputs: attr.i(intAttr(n, 'num_scan_inputs') ?? 1),
        ...(directions ? { scan_input_directions: attr.ints(directions) } : {}),
      }, `${name}_scan`);
      const loopBody = graph({
        name: `${name}_batch`,
        nodes: [...inputs.map((x, i) => e.node('Gather', [x, iter], [items[i]], { axis: attr.i(0) })), scan, e.node('Identity', [cond], [condOut])],
        inputs: [valueInfo(iter, DataType.INT64, []), valueInfo(cond, DataType.BOOL, [])],
        outputs: [valueInfo(condOut, DataType.BOOL, []), ...results.map((r, i) => valueInfo(r, e.elemType(n.output[i])))],
      });
      const shape = e.name(`${name}_shape`);
      const batch = e.name(`${name}_batch_size`);
      n.opType = 'Loop';
      n.input = [batch, ''];
      n.attribute = [];
      setAttr(n, 'body', attr.g(loopBody));
      return {
        what: 'Scan 8 over a batch → a Loop over the batch of Scan 9',
        before: [e.node('Shape', [inputs[0]], [shape]), e.node('Gather', [shape, e.int64s(`${name}_zero`, [0], true)], [batch], { axis: attr.i(0) })],
      };
    },
  },
  GroupNormalization: {
    // Scale and bias hold one value per group before 21 and one per channel from 21: each is repeated C / G times.
    21: (n, e) => {
      const groups = intAttr(n, 'num_groups');
      if (groups === undefined) throw new Unconvertible('it has no num_groups attribute');
      const base = label(n);
      const c = e.name(`${base}_channels`);
      const r = e.name(`${base}_per_group`);
      const shape = e.name(`${base}_group_shape`);
      const g = e.int64s(`${base}_groups`, [groups]);
      const before = [
        e.node('Shape', [n.input[0]], [c], { start: attr.i(1), end: attr.i(2) }),
        e.node('Div', [c, g], [r]),
        e.node('Concat', [g, r], [shape], { axis: attr.i(0) }),
      ];
      const flat = e.int64s(`${base}_flat`, [-1]);
      for (const i of [1, 2]) {
        const v = n.input[i];
        const col = e.name(`${v}_column`);
        const wide = e.name(`${v}_repeated`);
        const perChannel = e.name(`${v}_per_channel`);
        before.push(
          e.node('Unsqueeze', [v, e.int64s(`${col}_axes`, [1])], [col]),
          e.node('Expand', [col, shape], [wide]),
          e.node('Reshape', [wide, flat], [perChannel]),
        );
        n.input[i] = perChannel;
      }
      return { what: 'per-group scale and bias repeated per channel', before };
    },
  },
  // Experimental ops, removed from ONNX at opset 10.
  ImageScaler: {
    10: (n, e) => {
      const scale = floatAttr(n, 'scale') ?? 1;
      const bias = floatsAttr(n, 'bias') ?? [];
      const b = e.name(`${label(n)}_bias`);
      e.addInitializer(floatTensor3d(b, bias));
      return arithmetic(n, e, () => [{ op: 'Mul', inputs: ['$', e.scalar(`${label(n)}_scale`, scale, DataType.FLOAT)!] }, { op: 'Add', inputs: ['$', b] }], 'ImageScaler (experimental, removed) → Mul, Add');
    },
  },
  Affine: {
    10: (n, e) =>
      arithmetic(n, e, () => [
        { op: 'Mul', inputs: ['$', e.scalar(`${label(n)}_alpha`, floatAttr(n, 'alpha') ?? 1, DataType.FLOAT)!] },
        { op: 'Add', inputs: ['$', e.scalar(`${label(n)}_beta`, floatAttr(n, 'beta') ?? 0, DataType.FLOAT)!] },
      ], 'Affine (experimental, removed) → Mul, Add'),
  },
  Scale: {
    10: (n, e) => arithmetic(n, e, () => [{ op: 'Mul', inputs: ['$', e.scalar(`${label(n)}_scale`, floatAttr(n, 'scale') ?? 1, DataType.FLOAT)!] }], 'Scale (experimental, removed) → Mul'),
  },
  ScaledTanh: {
    10: (n, e) =>
      arithmetic(n, e, () => [
        { op: 'Mul', inputs: ['$', e.scalar(`${label(n)}_beta`, floatAttr(n, 'beta') ?? 1, DataType.FLOAT)!] },
        { op: 'Tanh', inputs: ['$'] },
        { op: 'Mul', inputs: ['$', e.scalar(`${label(n)}_alpha`, floatAttr(n, 'alpha') ?? 1, DataType.FLOAT)!] },
      ], 'ScaledTanh (experimental, removed) → Mul, Tanh, Mul'),
  },
  ParametricSoftplus: {
    10: (n, e) =>
      arithmetic(n, e, () => [
        { op: 'Mul', inputs: ['$', e.scalar(`${label(n)}_beta`, floatAttr(n, 'beta') ?? 1, DataType.FLOAT)!] },
        { op: 'Softplus', inputs: ['$'] },
        { op: 'Mul', inputs: ['$', e.scalar(`${label(n)}_alpha`, floatAttr(n, 'alpha') ?? 1, DataType.FLOAT)!] },
      ], 'ParametricSoftplus (experimental, removed) → Mul, Softplus, Mul'),
  },
  DynamicSlice: {
    10: (n) => {
      n.opType = 'Slice';
      return { what: 'DynamicSlice (experimental, removed) → Slice' };
    },
  },
  ...Object.fromEntries(
    ['ATen', 'ConstantFill', 'Crop', 'GRUUnit', 'GivenTensorFill'].map((op) => [
      op,
      {
        10: () => {
          throw new Unconvertible(`${op} was an experimental op, removed from ONNX at opset 10, with no exact standard equivalent here`);
        },
      },
    ]),
  ),
};

function intsToInputOne(n: NodeProto, e: GraphEdit, name: string): Adapted | undefined {
  const k = intAttr(n, name);
  if (k === undefined) return undefined;
  n.input = [n.input[0], e.int64s(`${label(n)}_${name}`, [k])];
  dropAttrs(n, name);
  return { what: `${name} attribute → input` };
}

function floatTensor3d(name: string, bias: number[]) {
  return floatTensor(name, [bias.length, 1, 1], Float32Array.from(bias));
}
