/**
 * The parts of a TF.js model.json core reads, as valibot schemas: the file is untrusted input, so everything is
 * checked before anything looks at it (names are strings, shapes are whole numbers, dtypes are the ones TF.js
 * decodes). Unknown keys are kept (looseObject) and written back unchanged.
 */
import * as v from 'valibot';
import { ParetoError } from '../../errors';

const name = v.pipe(v.string(), v.minLength(1), v.maxLength(4096));
const dim = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2 ** 31 - 1));

/** Element types TF.js stores weights as (its WeightsManifestEntry.dtype). */
export const WEIGHT_DTYPES = ['float32', 'int32', 'bool'] as const;
/** Storage types of a quantized weight (its `quantization.dtype`). */
export const QUANTIZED_DTYPES = ['uint8', 'uint16', 'float16'] as const;

export type WeightDtype = (typeof WEIGHT_DTYPES)[number];
export type QuantizedDtype = (typeof QUANTIZED_DTYPES)[number];

const finite = v.pipe(v.number(), v.finite());

export const QuantizationSchema = v.looseObject({
  dtype: v.string(),
  scale: v.optional(finite),
  min: v.optional(finite),
  original_dtype: v.optional(v.string()),
});

export const WeightEntrySchema = v.looseObject({
  name,
  shape: v.pipe(v.array(dim), v.maxLength(16)),
  dtype: v.string(),
  quantization: v.optional(QuantizationSchema),
  group: v.optional(v.string()),
});

export const WeightGroupSchema = v.looseObject({
  paths: v.pipe(v.array(name), v.maxLength(100_000)),
  weights: v.pipe(v.array(WeightEntrySchema), v.maxLength(1_000_000)),
});

export const ModelJsonSchema = v.looseObject({
  modelTopology: v.looseObject({}),
  weightsManifest: v.optional(v.array(WeightGroupSchema), []),
  format: v.optional(v.string()),
  generatedBy: v.optional(v.string()),
  convertedBy: v.optional(v.nullable(v.string())),
});

export type WeightEntry = v.InferOutput<typeof WeightEntrySchema>;
export type WeightGroup = v.InferOutput<typeof WeightGroupSchema>;
export type ModelJson = v.InferOutput<typeof ModelJsonSchema>;

/** A Keras layer as a layers model's topology lists it. */
export const LayerSchema = v.looseObject({
  class_name: name,
  config: v.optional(v.looseObject({ name: v.optional(v.string()) }), {}),
  name: v.optional(v.string()),
  inbound_nodes: v.optional(v.array(v.unknown()), []),
});
export type KerasLayer = v.InferOutput<typeof LayerSchema>;

/** A node of a graph model (a TensorFlow GraphDef node, as JSON). */
export const GraphNodeSchema = v.looseObject({
  name,
  op: name,
  input: v.optional(v.array(v.string()), []),
  attr: v.optional(v.looseObject({}), {}),
});
export type GraphNode = v.InferOutput<typeof GraphNodeSchema>;

/** Where in the JSON a problem is ("weightsManifest[0].weights[3].shape"), from a valibot issue. */
function pathOf(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? [])
    .map((p) => (typeof p.key === 'number' ? `[${p.key}]` : `.${String(p.key)}`))
    .join('')
    .replace(/^\./, '');
}

/** Parses with a schema, or throws a ParetoError naming the file, the place and what was wrong. */
export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const at = pathOf(issue);
  throw new ParetoError('invalid-model', `${what} is not a valid TF.js model${at ? ` at ${at}` : ''}: ${issue.message}.`);
}
