import { ParetoError } from '../../errors';
import { quote } from '../../text';
import { dtypeInfo, dtypeName } from './dtypes';
import { DataLocation, DataType, type TensorProto } from './proto';

/** Resolves an external-data location (relative path as written in the model) to its bytes. */
export type ExternalData = ReadonlyMap<string, Uint8Array>;

export function dimsOf(t: TensorProto): number[] {
  return t.dims.map((d) => Number(d));
}

export function elementCount(t: TensorProto): number {
  let n = 1;
  for (const d of t.dims) n *= Number(d);
  return n;
}

/** Bytes the tensor's data occupies in raw (little-endian, packed) form. */
export function tensorByteLength(t: TensorProto): number {
  const info = dtypeInfo(t.dataType);
  if (!info) return 0;
  if (t.dataType === DataType.STRING) return t.stringData.reduce((s, b) => s + b.length, 0);
  return Math.ceil((elementCount(t) * info.bits) / 8);
}

export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === DataLocation.EXTERNAL;
}

export interface ExternalRef {
  location: string;
  offset: number;
  length: number | undefined;
}

export function externalRef(t: TensorProto): ExternalRef {
  let location = '';
  let offset = 0;
  let length: number | undefined;
  for (const e of t.externalData) {
    if (e.key === 'location') location = e.value;
    else if (e.key === 'offset') offset = externalNumber(t, 'offset', e.value);
    else if (e.key === 'length') length = externalNumber(t, 'length', e.value);
  }
  if (!location) {
    throw new ParetoError('invalid-model', `Tensor ${quote(t.name)} is marked as external data but names no location.`);
  }
  return { location, offset, length };
}

/**
 * An external-data offset or length: a non-negative whole number written in decimal, at most 2^53 - 1. Anything else
 * (negative, NaN, "1e3", "0x10", "1.5", "") is refused: Number() would accept some of them, and a negative length acts
 * like a Python slice in subarray().
 */
function externalNumber(t: TensorProto, key: 'offset' | 'length', value: string): number {
  if (!/^[0-9]+$/.test(value)) {
    throw new ParetoError(
      'invalid-model',
      `Tensor ${quote(t.name)} has external-data ${key} ${quote(value, 40)}, which is not a non-negative whole number ` +
        'written in decimal.',
    );
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new ParetoError(
      'invalid-model',
      `Tensor ${quote(t.name)} has external-data ${key} ${quote(value, 40)}, which is above 2^53 - 1 bytes.`,
    );
  }
  return n;
}

/** Normalise a location from a model ("./weights/../w.bin") for lookup; never escapes upwards. */
export function normaliseLocation(loc: string): string {
  const out: string[] = [];
  for (const part of loc.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/**
 * The tensor's data as little-endian bytes in raw_data layout. A view (no copy) for raw_data and
 * external data; typed fields (float_data, int32_data, ...) are packed into a new buffer.
 */
export function tensorBytes(t: TensorProto, external?: ExternalData): Uint8Array {
  if (isExternal(t)) {
    const ref = externalRef(t);
    const file = external?.get(normaliseLocation(ref.location));
    if (!file) {
      throw new ParetoError(
        'missing-external-data',
        `Tensor ${quote(t.name)} keeps its data in ${quote(ref.location)}, which was not provided.`,
      );
    }
    const length = ref.length ?? tensorByteLength(t);
    if (ref.offset + length > file.length) {
      throw new ParetoError(
        'invalid-model',
        `Tensor ${quote(t.name)} reads bytes ${ref.offset}..${ref.offset + length} of ${quote(ref.location)}, ` +
          `but that file has only ${file.length} bytes (truncated or the wrong file?).`,
      );
    }
    return file.subarray(ref.offset, ref.offset + length);
  }
  if (t.rawData.length > 0 || t.dataType === DataType.STRING) {
    if (t.dataType !== DataType.STRING) return t.rawData;
  }
  return packTypedFields(t);
}

function packTypedFields(t: TensorProto): Uint8Array {
  const info = dtypeInfo(t.dataType);
  if (!info) throw new ParetoError('invalid-model', `Tensor ${quote(t.name)} has an unknown data type (${t.dataType}).`);
  const n = elementCount(t);
  // Too few values would leave zeros in the output, too many would write past it: both are a broken tensor.
  if (t.dataType !== DataType.STRING) checkTypedFields(t, n);
  const out = new Uint8Array(Math.ceil((n * info.bits) / 8));
  const dv = new DataView(out.buffer);
  switch (t.dataType) {
    case DataType.FLOAT:
    case DataType.COMPLEX64:
      t.floatData.forEach((v, i) => dv.setFloat32(i * 4, v, true));
      break;
    case DataType.DOUBLE:
    case DataType.COMPLEX128:
      t.doubleData.forEach((v, i) => dv.setFloat64(i * 8, v, true));
      break;
    case DataType.INT64:
      t.int64Data.forEach((v, i) => dv.setBigInt64(i * 8, BigInt(v), true));
      break;
    case DataType.UINT64:
      t.uint64Data.forEach((v, i) => dv.setBigUint64(i * 8, BigInt(v), true));
      break;
    case DataType.UINT32:
      t.uint64Data.forEach((v, i) => dv.setUint32(i * 4, Number(v), true));
      break;
    case DataType.INT32:
      t.int32Data.forEach((v, i) => dv.setInt32(i * 4, v, true));
      break;
    case DataType.INT16:
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      t.int32Data.forEach((v, i) => dv.setUint16(i * 2, v & 0xffff, true));
      break;
    case DataType.STRING:
      throw new ParetoError('invalid-model', `Tensor ${quote(t.name)} holds strings, which have no raw byte form.`);
    default:
      if (info.bits === 8) {
        t.int32Data.forEach((v, i) => (out[i] = v & 0xff));
      } else {
        // 4-bit and 2-bit types: int32_data already holds packed bytes per the ONNX spec.
        t.int32Data.forEach((v, i) => (out[i] = v & 0xff));
      }
  }
  return out;
}

function typedFieldLength(t: TensorProto): number {
  const info = dtypeInfo(t.dataType);
  return info ? (t[info.field] as unknown[]).length : 0;
}

/** How many values the tensor's typed field (float_data, int32_data, ...) must hold for `n` elements. */
export function typedFieldWant(t: TensorProto, n: number): number {
  const info = dtypeInfo(t.dataType);
  if (!info) return 0;
  const complex = t.dataType === DataType.COMPLEX64 || t.dataType === DataType.COMPLEX128;
  return info.bits > 0 && info.bits < 8 ? Math.ceil((n * info.bits) / 8) : complex ? 2 * n : n;
}

/** Refuses a tensor whose typed field holds more or fewer values than its dims need (names the field and counts). */
export function checkTypedFields(t: TensorProto, n: number): void {
  const info = dtypeInfo(t.dataType);
  if (!info) return;
  const have = typedFieldLength(t);
  const want = typedFieldWant(t, n);
  if (have === want) return;
  const field = info.field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  throw new ParetoError(
    'invalid-model',
    n > 0 && have === 0
      ? `Tensor ${quote(t.name)} declares ${n} elements but carries no data.`
      : `Tensor ${quote(t.name)} declares ${n} elements (dims [${shownDims(t)}]) but its ${field} holds ${have} ` +
        `value${have === 1 ? '' : 's'} where ${want} ${want === 1 ? 'is' : 'are'} needed.`,
  );
}

/** The dims for a message: at most 8 of them. */
export function shownDims(t: TensorProto): string {
  const d = t.dims.slice(0, 8).map(String).join(', ');
  return t.dims.length > 8 ? `${d}, … (${t.dims.length} dims)` : d;
}

/**
 * The same bytes as a plain Uint8Array view (no copy). A Node Buffer is a Uint8Array whose slice() is a view, not
 * a copy, and whose subarray() gives Buffers again: core code that copies with slice() would silently share (and
 * read from the wrong offset of) the whole file. Readers normalise their input with this.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** An aligned view when possible, else a copy: raw_data views are often not 4-byte aligned. */
function aligned(bytes: Uint8Array, elementSize: number): ArrayBuffer {
  if (bytes.byteOffset % elementSize === 0 && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return new Uint8Array(bytes).buffer; // a copy of exactly these bytes (never slice(): see plainBytes)
}

function offsetOf(bytes: Uint8Array, elementSize: number): number {
  return bytes.byteOffset % elementSize === 0 ? bytes.byteOffset : 0;
}

/** float32 view (no copy when aligned). Throws for other dtypes: use tensorToFloat64 to convert. */
export function float32Data(t: TensorProto, external?: ExternalData): Float32Array {
  if (t.dataType !== DataType.FLOAT) {
    throw new ParetoError('bad-input', `Tensor ${quote(t.name)} is ${dtypeName(t.dataType)}, not float32.`);
  }
  const bytes = tensorBytes(t, external);
  const n = elementCount(t);
  if (bytes.length < n * 4) {
    throw new ParetoError('invalid-model', `Tensor ${quote(t.name)} has ${bytes.length} bytes of data for ${n} float32 values.`);
  }
  return new Float32Array(aligned(bytes, 4), offsetOf(bytes, 4), n);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Any numeric tensor's values as float64 (a copy), for inspection and comparisons. */
export function tensorToNumbers(t: TensorProto, external?: ExternalData): Float64Array {
  const bytes = tensorBytes(t, external);
  const n = elementCount(t);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(n);
  const need = Math.ceil((n * (dtypeInfo(t.dataType)?.bits ?? 0)) / 8);
  if (bytes.length < need) {
    throw new ParetoError('invalid-model', `Tensor ${quote(t.name)} has ${bytes.length} bytes of data; it needs ${need}.`);
  }
  for (let i = 0; i < n; i++) {
    switch (t.dataType) {
      case DataType.FLOAT: out[i] = dv.getFloat32(i * 4, true); break;
      case DataType.DOUBLE: out[i] = dv.getFloat64(i * 8, true); break;
      case DataType.INT8: out[i] = dv.getInt8(i); break;
      case DataType.UINT8: case DataType.BOOL: out[i] = dv.getUint8(i); break;
      case DataType.INT16: out[i] = dv.getInt16(i * 2, true); break;
      case DataType.UINT16: out[i] = dv.getUint16(i * 2, true); break;
      case DataType.INT32: out[i] = dv.getInt32(i * 4, true); break;
      case DataType.UINT32: out[i] = dv.getUint32(i * 4, true); break;
      case DataType.INT64: out[i] = Number(dv.getBigInt64(i * 8, true)); break;
      case DataType.UINT64: out[i] = Number(dv.getBigUint64(i * 8, true)); break;
      case DataType.FLOAT16: out[i] = halfToFloat(dv.getUint16(i * 2, true)); break;
      case DataType.BFLOAT16: out[i] = new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0]; break;
      default:
        throw new ParetoError('bad-input', `Reading values of ${dtypeName(t.dataType)} tensors is not supported (tensor ${quote(t.name)}).`);
    }
  }
  return out;
}

/**
 * Moves external tensor data into raw_data (as views of the data files, no copy), so the model is
 * self-contained when written. Mutates the tensors: use on a model read for this purpose.
 */
export function inlineExternalTensor(t: TensorProto, external: ExternalData): void {
  if (!isExternal(t)) return;
  t.rawData = tensorBytes(t, external) as Uint8Array<ArrayBuffer>;
  t.dataLocation = DataLocation.DEFAULT;
  t.externalData = [];
}
