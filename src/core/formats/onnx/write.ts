import { toBinary, type DescField, type DescMessage, type Message } from '@bufbuild/protobuf';
import { ParetoError } from '../../errors';
import { ModelProtoSchema, type ModelProto } from './proto';
import { MAX_PROTOBUF_BYTES } from './read';

/**
 * Serialising ONNX without doubling memory.
 *
 * @bufbuild/protobuf encodes into one growing buffer, which costs ~2.7x the model in peak memory. Here the
 * library still encodes every message, but bytes fields over HOIST_BYTES (tensor raw_data) and the messages
 * that contain them are taken out of the message the library sees and framed by hand (tag + length) as
 * separate parts that reference the original bytes. Protobuf allows fields in any order, and repeated fields
 * keep their element order, so the result decodes to the same message; unknown fields (from a newer schema)
 * are written by the library with the message they belong to.
 */
const HOIST_BYTES = 64 * 1024;

type AnyMessage = Message & Record<string, unknown>;

export function writeOnnxParts(model: ModelProto): Uint8Array[] {
  const parts: Uint8Array[] = [];
  // The cache lives for one write only: messages change between writes (a transform swaps a tensor's data),
  // and a stale count would hoist the wrong fields and change the output's layout.
  encode(ModelProtoSchema, model as AnyMessage, parts, new WeakMap());
  return parts;
}

/** Total size of the serialised parts. */
export function partsLength(parts: readonly Uint8Array[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

/** The whole model as one buffer: one allocation of the output size plus small encoded pieces. */
export function writeOnnx(model: ModelProto): Uint8Array {
  const parts = writeOnnxParts(model);
  const total = partsLength(parts);
  if (total > MAX_PROTOBUF_BYTES) {
    throw new ParetoError(
      'too-large',
      `The model would be ${(total / 2 ** 30).toFixed(2)} GiB, over the 2 GiB limit of one ONNX protobuf; ` +
        'save its weights as external data.',
    );
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Heavy byte counts of the messages seen during one write. */
type HeavyCache = WeakMap<object, number>;

/** Bytes held in bytes fields at or below this message (only counts fields over the threshold). */
function heavyBytes(desc: DescMessage, msg: AnyMessage, cache: HeavyCache): number {
  const cached = cache.get(msg);
  if (cached !== undefined) return cached;
  let n = 0;
  for (const f of desc.fields) n += fieldHeavyBytes(f, msg, cache);
  cache.set(msg, n);
  return n;
}

function fieldHeavyBytes(f: DescField, msg: AnyMessage, cache: HeavyCache): number {
  const v = msg[f.localName];
  if (v === undefined || v === null) return 0;
  if (f.fieldKind === 'scalar' && v instanceof Uint8Array) return v.length >= HOIST_BYTES ? v.length : 0;
  if (f.fieldKind === 'message') return heavyBytes(f.message, v as AnyMessage, cache);
  if (f.fieldKind === 'list' && f.listKind === 'message') {
    let n = 0;
    for (const e of v as AnyMessage[]) n += heavyBytes(f.message, e, cache);
    return n;
  }
  if (f.fieldKind === 'list' && f.listKind === 'scalar') {
    let n = 0;
    for (const e of v as unknown[]) if (e instanceof Uint8Array && e.length >= HOIST_BYTES) n += e.length;
    return n;
  }
  return 0;
}

function encode(desc: DescMessage, msg: AnyMessage, out: Uint8Array[], cache: HeavyCache): void {
  const heavy = desc.fields.filter((f) => !f.oneof && fieldHeavyBytes(f, msg, cache) > 0);
  if (heavy.length === 0) {
    out.push(toBinary(desc, msg, { writeUnknownFields: true }));
    return;
  }
  // A copy on the same prototype keeps proto2 presence; heavy fields are cleared (lists emptied).
  const light = Object.create(Object.getPrototypeOf(msg)) as AnyMessage;
  const heavyNames = new Set(heavy.map((f) => f.localName));
  for (const key of Object.keys(msg)) if (!heavyNames.has(key)) light[key] = msg[key];
  for (const f of heavy) if (f.fieldKind === 'list') light[f.localName] = [];
  light.$unknown = msg.$unknown;
  out.push(toBinary(desc, light, { writeUnknownFields: true }));

  for (const f of heavy) {
    const v = msg[f.localName];
    if (f.fieldKind === 'scalar') {
      pushBytesField(f.number, v as Uint8Array, out);
    } else if (f.fieldKind === 'message') {
      pushMessageField(f.number, f.message, v as AnyMessage, out, cache);
    } else if (f.fieldKind === 'list' && f.listKind === 'message') {
      for (const e of v as AnyMessage[]) pushMessageField(f.number, f.message, e, out, cache);
    } else if (f.fieldKind === 'list') {
      for (const e of v as Uint8Array[]) pushBytesField(f.number, e, out);
    }
  }
}

function pushBytesField(fieldNo: number, bytes: Uint8Array, out: Uint8Array[]): void {
  out.push(header(fieldNo, bytes.length));
  out.push(bytes);
}

function pushMessageField(fieldNo: number, desc: DescMessage, msg: AnyMessage, out: Uint8Array[], cache: HeavyCache): void {
  const sub: Uint8Array[] = [];
  encode(desc, msg, sub, cache);
  out.push(header(fieldNo, partsLength(sub)));
  for (const p of sub) out.push(p);
}

/** Tag (wire type 2, length-delimited) followed by the varint length. */
function header(fieldNo: number, length: number): Uint8Array {
  const bytes: number[] = [];
  varint((fieldNo << 3) | 2, bytes);
  varint(length, bytes);
  return Uint8Array.from(bytes);
}

function varint(value: number, out: number[]): void {
  let v = value;
  while (v > 0x7f) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
