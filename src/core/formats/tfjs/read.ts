/**
 * Reading a TF.js model (model.json + weight shards) into the one model core works on (an ONNX ModelProto: see
 * registry.ts). The JSON is untrusted: parsed with valibot (schema.ts), every layer class / op checked against what
 * TF.js knows (known.ts), every shard path checked (relative, inside the model's folder), every shard found and its
 * size checked against the manifest before a single weight is made. The original model.json (all but its weights
 * manifest) is kept in the model's metadata, under TFJS_MODEL_KEY, so the writer and the TF.js runtime give TF.js
 * the topology it was given.
 */
import { ParetoError } from '../../errors';
import { graph, model } from '../onnx/builder';
import type { ExternalRange, OnnxModel } from '../onnx/read';
import type { TensorProto } from '../onnx/proto';
import { ModelJsonSchema, parseWith, type ModelJson } from './schema';
import { graphTopology, layersTopology, topologyKind, TFJS_DOMAIN } from './topology';
import { storageOf, weightTensor } from './weights';

/** Metadata key holding the original model.json without its weightsManifest. */
export const TFJS_MODEL_KEY = 'tfjs.model_json';
/** Metadata key: 'layers' or 'graph'. */
export const TFJS_KIND_KEY = 'tfjs.kind';

export type Companion = (location: string, tensor: string, ranges: readonly ExternalRange[]) => Uint8Array | undefined;

/** Parses model.json text: JSON, then the schema. */
export function parseModelJson(bytes: Uint8Array, fileName: string): ModelJson {
  const what = `"${fileName}"`;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new ParetoError('invalid-model', `${what} is not valid JSON (${e instanceof Error ? e.message : String(e)}), so it is not a TF.js model.json.`);
  }
  if (typeof json !== 'object' || json === null || !('modelTopology' in json)) {
    throw new ParetoError('invalid-model', `${what} is JSON but not a TF.js model: it has no "modelTopology".`);
  }
  return parseWith(ModelJsonSchema, json, what);
}

/**
 * A shard path as the manifest gives it, checked: relative, no "..", no scheme, no empty or odd segment. TF.js fetches
 * shards relative to model.json; a path that leaves that folder (or names another host) is refused, never followed.
 */
export function checkShardPath(p: string, where: string): string {
  const segs = p.split('/');
  const bad =
    p.includes('\\') ||
    p.includes('\0') ||
    p.startsWith('/') ||
    /^[a-z][a-z0-9+.-]*:/i.test(p) ||
    segs.some((s) => s === '' || s === '.' || s === '..' || /%2e|%2f|%5c/i.test(s));
  if (bad) {
    throw new ParetoError(
      'invalid-model',
      `${where}: the weights manifest names shard "${p}", a path that is not a plain relative path inside the model's folder ` +
        '(no "..", no absolute path, no URL): refused.',
    );
  }
  return p;
}

export function readTfjs(main: { name: string; bytes: Uint8Array }, companion: Companion): OnnxModel {
  const where = `"${main.name}"`;
  const json = parseModelJson(main.bytes, main.name);
  const topo = json.modelTopology as Record<string, unknown>;
  const kind = topologyKind(topo, json.format);
  if (!kind) {
    throw new ParetoError('invalid-model', `${where} has a modelTopology that is neither a layers model (class_name / model_config) nor a graph model (node).`);
  }

  // Weights: every group's shards, in order, concatenated; the weights lie one after another across them.
  const initializers: TensorProto[] = [];
  const seen = new Set<string>();
  json.weightsManifest.forEach((group, gi) => {
    const specs = group.weights.map((w) => ({ w, s: storageOf(w, where) }));
    const need = specs.reduce((a, x) => a + x.s.bytes, 0);
    if (group.paths.length === 0 && need > 0) throw new ParetoError('invalid-model', `${where}: weight group ${gi + 1} holds ${need} bytes of weights but names no shard file.`);
    const shards = group.paths.map((p) => {
      const path = checkShardPath(p, where);
      const bytes = companion(path, specs[0]?.w.name ?? path, [{ offset: 0, length: need + 1 }]);
      if (!bytes) {
        throw new ParetoError(
          'missing-external-data',
          `${where} keeps weights in shard "${path}", which was not provided. Open model.json together with its shard files (or drop the whole folder).`,
          [path],
        );
      }
      return { path, bytes };
    });
    const total = shards.reduce((a, s) => a + s.bytes.length, 0);
    if (total !== need) {
      const names = shards.map((s) => `"${s.path}" (${s.bytes.length} bytes)`).join(', ');
      throw new ParetoError(
        total < need ? 'truncated' : 'invalid-model',
        `${where}: weight group ${gi + 1}'s shard${shards.length === 1 ? '' : 's'} ${names} hold${shards.length === 1 ? 's' : ''} ${total} bytes, ` +
          `but the manifest's ${specs.length} weights need exactly ${need}` +
          (total < need ? `: ${shards.length === 1 ? 'the shard is' : 'a shard is'} short (truncated?).` : '; the shards do not belong to this model.json.'),
      );
    }
    const data = new Uint8Array(need);
    let off = 0;
    for (const s of shards) {
      data.set(s.bytes, off);
      off += s.bytes.length;
    }
    off = 0;
    for (const { w, s } of specs) {
      if (seen.has(w.name)) throw new ParetoError('invalid-model', `${where}: the manifest lists weight "${w.name}" twice.`);
      seen.add(w.name);
      initializers.push(weightTensor(w, s, data.subarray(off, off + s.bytes)));
      off += s.bytes;
    }
  });

  const names = initializers.map((t) => t.name);
  const t = kind === 'layers' ? layersTopology(topo, names, where) : graphTopology(topo, seen, where);
  const { weightsManifest: _drop, ...rest } = json;
  void _drop;
  const proto = model({
    graph: graph({ name: main.name.replace(/\\/g, '/').split('/').pop() ?? 'model', nodes: t.nodes, inputs: t.inputs, outputs: t.outputs, initializers }),
    opset: [{ domain: TFJS_DOMAIN, version: 1 }],
    irVersion: 8,
    producerName: 'TensorFlow.js',
    producerVersion: [json.generatedBy, json.convertedBy].filter((x) => typeof x === 'string' && x).join(', '),
    metadata: { [TFJS_KIND_KEY]: kind, [TFJS_MODEL_KEY]: JSON.stringify(rest) },
  });
  return { proto, external: new Map(), byteLength: main.bytes.length };
}

/** Whether a model was read from TF.js (its metadata holds the original topology). */
export const isTfjsModel = (proto: { metadataProps: { key: string }[] }) => proto.metadataProps.some((m) => m.key === TFJS_MODEL_KEY);
