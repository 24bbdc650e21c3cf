import { DataType, type NodeProto } from '../../formats/onnx/proto';
import { attr } from '../../formats/onnx/builder';
import { dimsOf } from '../../formats/onnx/tensor';
import { type Adapter, Unconvertible } from './adapters';
import { attrOf, dropAttrs, floatAttr, intAttr, intsAttr, setAttr, setStringAttr, stringAttr } from './edit';

/**
 * Adapters for opsets 1 to 7: the attributes dropped at 6 (consumed_inputs), and opset 7's move from explicit
 * `broadcast`/`axis` attributes to numpy broadcasting.
 */

const label = (n: NodeProto) => n.name || n.output[0] || n.opType;

/** Before 7, `broadcast=1` with `axis` lines B up with A starting at `axis`; from 7, numpy lines them up at the end. */
const broadcast7: Adapter = (n, e) => {
  const b = intAttr(n, 'broadcast');
  const axis = intAttr(n, 'axis');
  if (b === undefined && axis === undefined) return undefined;
  dropAttrs(n, 'broadcast', 'axis');
  const what = 'broadcast/axis attributes removed (numpy broadcasting from 7)';
  if (!b || axis === undefined) return { what };
  const bName = n.input[1];
  const ra = e.rank(n.input[0]);
  const init = e.initializer(bName);
  const rb = init ? init.dims.length : e.rank(bName);
  if (ra === undefined || rb === undefined) {
    throw new Unconvertible(`its broadcast along axis ${axis} needs the ranks of both inputs, which the model does not declare`);
  }
  const trailing = ra - (axis < 0 ? axis + ra : axis) - rb;
  if (trailing <= 0) return { what };
  const ones = Array.from({ length: trailing }, () => 1);
  if (init) {
    n.input[1] = e.reshaped(init, [...dimsOf(init), ...ones]);
    return { what: `${what}; B reshaped to line up at axis ${axis}` };
  }
  const axes = ones.map((_, i) => rb + i);
  const out = e.name(`${bName}_at_axis_${axis}`);
  n.input[1] = out;
  const unsqueeze =
    e.target >= 13 ? e.node('Unsqueeze', [bName, e.int64s(`${out}_axes`, axes)], [out]) : e.node('Unsqueeze', [bName], [out], { axes: attr.ints(axes) });
  return { what: `${what}; B unsqueezed to line up at axis ${axis}`, before: [unsqueeze] };
};

const dropIsTest: Adapter = (n) => {
  if (!attrOf(n, 'is_test')) return undefined;
  dropAttrs(n, 'is_test');
  return { what: 'is_test attribute removed' };
};

export const LEGACY: Record<string, Record<number, Adapter>> = {
  ...Object.fromEntries(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'And', 'Or', 'Xor', 'Equal', 'Greater', 'Less'].map((op) => [op, { 7: broadcast7 }])),
  Gemm: {
    7: (n) => {
      if (!attrOf(n, 'broadcast')) return undefined;
      dropAttrs(n, 'broadcast');
      return { what: 'broadcast attribute removed (C broadcasts from 7)' };
    },
  },
  PRelu: {
    7: (n, e) => {
      // PRelu 6 applies a 1-D slope per channel (axis 1); from 7 the slope broadcasts numpy-style (from the end).
      const slope = e.initializer(n.input[1]);
      const rx = e.rank(n.input[0]);
      const rs = slope ? slope.dims.length : e.rank(n.input[1]);
      const size = slope ? dimsOf(slope).reduce((p, d) => p * d, 1) : undefined;
      if (rs !== 1 || size === 1 || rx === 2) return undefined;
      if (!slope || rx === undefined) throw new Unconvertible('its per-channel slope needs a constant slope and the input rank');
      n.input[1] = e.reshaped(slope, [dimsOf(slope)[0], ...Array.from({ length: rx - 2 }, () => 1)]);
      return { what: 'per-channel slope reshaped to [C, 1, …] for numpy broadcasting' };
    },
  },
  BatchNormalization: { 7: dropIsTest },
  Dropout: { 7: dropIsTest },
  Reshape: {
    5: (n, e) => {
      const shape = intsAttr(n, 'shape');
      if (!shape) return undefined;
      n.input = [n.input[0], e.int64s(`${label(n)}_shape`, shape)];
      dropAttrs(n, 'shape');
      return { what: 'shape attribute → input' };
    },
  },
  Concat: {
    4: (n) => {
      if (attrOf(n, 'axis')) return undefined;
      setAttr(n, 'axis', attr.i(1));
      return { what: 'axis 1 written (required from 4)' };
    },
  },
  Pad: {
    2: (n) => {
      const p = intsAttr(n, 'paddings');
      if (!p) return undefined;
      dropAttrs(n, 'paddings');
      setAttr(n, 'pads', attr.ints(p));
      return { what: 'paddings → pads' };
    },
  },
  Split: {
    2: (n) => {
      if (n.input[1]) throw new Unconvertible('Split 1 takes the split sizes as an input, which Split 2 has no form for');
      return undefined;
    },
  },
  Cast: {
    6: (n) => {
      const to = attrOf(n, 'to');
      if (!to || to.s.length === 0) return undefined;
      const name = stringAttr(n, 'to')!.toUpperCase();
      const code = (DataType as unknown as Record<string, number>)[name];
      if (typeof code !== 'number') throw new Unconvertible(`its target type '${name}' is not an ONNX data type`);
      setAttr(n, 'to', attr.i(code));
      return { what: `to '${name}' → ${code}` };
    },
  },
  Tile: {
    6: (n) => {
      if (n.input.length >= 3 && n.input[2]) throw new Unconvertible('Tile 1 (tiles and axis inputs) has no exact Tile 6 form without the input rank');
      return undefined;
    },
  },
  ...Object.fromEntries(
    ['RNN', 'GRU', 'LSTM'].map((op) => [
      op,
      {
        7: (n: NodeProto) => {
          if (!attrOf(n, 'output_sequence')) return undefined;
          dropAttrs(n, 'output_sequence');
          return { what: 'output_sequence attribute removed (Y is always available from 7)' };
        },
      },
    ]),
  ),
  Upsample: {
    7: (n) => {
      const h = floatAttr(n, 'height_scale');
      const w = floatAttr(n, 'width_scale');
      if (h === undefined && w === undefined) return undefined;
      dropAttrs(n, 'height_scale', 'width_scale');
      setAttr(n, 'scales', attr.floats([1, 1, h ?? 1, w ?? 1]));
      if (stringAttr(n, 'mode') === 'bilinear') setStringAttr(n, 'mode', 'linear');
      return { what: 'height_scale/width_scale → scales (Upsample 7)' };
    },
  },
};

/** consumed_inputs (an old in-place hint) went from every op at opset 6. */
export const dropConsumedInputs: Adapter = (n) => {
  if (!attrOf(n, 'consumed_inputs')) return undefined;
  dropAttrs(n, 'consumed_inputs');
  return { what: 'consumed_inputs attribute removed' };
};
