import type { DescField, DescMessage, DescOneof, Message } from '@bufbuild/protobuf';
import { ModelProtoSchema, type ModelProto } from '../../formats/onnx/proto';

/**
 * A deep copy of a protobuf message in which every message, list and map is new but bytes fields (tensor
 * raw_data: most of a model's memory) are shared with the original. A transform edits the copy freely, as long
 * as it replaces a bytes field instead of writing into it; the input model stays untouched and memory does not
 * double. @bufbuild's `clone` copies bytes too, which costs a full model copy.
 *
 * Proto2 presence (unset fields live on the prototype) and unknown fields (`$unknown`) are kept.
 */
export function cloneSharingBytes<T extends Message>(desc: DescMessage, msg: T): T {
  return cloneMessage(desc, msg as unknown as Rec) as unknown as T;
}

/** The model, copied with {@link cloneSharingBytes}. */
export const cloneModelSharingBytes = (m: ModelProto): ModelProto => cloneSharingBytes(ModelProtoSchema, m);

type Rec = Record<string, unknown>;

const membersCache = new WeakMap<DescMessage, Map<string, DescField | DescOneof>>();

function membersOf(desc: DescMessage): Map<string, DescField | DescOneof> {
  let m = membersCache.get(desc);
  if (!m) {
    m = new Map(desc.members.map((x) => [x.localName, x]));
    membersCache.set(desc, m);
  }
  return m;
}

function cloneMessage(desc: DescMessage, msg: Rec): Rec {
  const out = Object.create(Object.getPrototypeOf(msg)) as Rec;
  const members = membersOf(desc);
  for (const key of Object.keys(msg)) {
    const v = msg[key];
    const member = members.get(key);
    if (member === undefined) {
      // $typeName, $unknown (entries are immutable byte runs: a new array suffices).
      out[key] = Array.isArray(v) ? v.slice() : v;
    } else if (member.kind === 'oneof') {
      const o = v as { case: string | undefined; value?: unknown };
      const f = o.case === undefined ? undefined : member.fields.find((x) => x.localName === o.case);
      out[key] = f ? { case: o.case, value: cloneField(f, o.value) } : { case: undefined };
    } else {
      out[key] = cloneField(member, v);
    }
  }
  return out;
}

function cloneField(f: DescField, v: unknown): unknown {
  if (v === undefined || v === null) return v;
  switch (f.fieldKind) {
    case 'message':
      return cloneMessage(f.message, v as Rec);
    case 'list':
      return f.listKind === 'message'
        ? (v as Rec[]).map((e) => cloneMessage(f.message, e))
        : (v as unknown[]).slice();
    case 'map': {
      const out: Rec = {};
      for (const [k, e] of Object.entries(v as Rec)) out[k] = f.mapKind === 'message' ? cloneMessage(f.message, e as Rec) : e;
      return out;
    }
    default:
      return v; // scalars and enums; Uint8Array shared on purpose
  }
}
