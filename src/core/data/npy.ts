import { ParetoError } from '../errors';
import { quote } from '../text';

/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0): little-endian, C-order arrays of the numeric dtypes
 * a model's inputs and labels use. Pure TypeScript (no Node, no DOM), so the UI, workers and the CLI share it.
 *
 * Layout: "\x93NUMPY", major, minor, header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0), then a Python
 * dict literal such as `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and
 * ending in '\n', so that the data starts at a multiple of 64 bytes. The raw data follows.
 */

export type NpyDtype = 'float32' | 'float64' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

export type NpyData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Row-major (C order) values; `bool` arrays are Uint8Array of 0/1. */
  data: NpyData;
}

interface DtypeInfo {
  dtype: NpyDtype;
  /** numpy's descr, as written. */
  descr: string;
  size: number;
  make(buffer: ArrayBuffer, byteOffset: number, length: number): NpyData;
}

const DTYPES: readonly DtypeInfo[] = [
  { dtype: 'float32', descr: '<f4', size: 4, make: (b, o, n) => new Float32Array(b, o, n) },
  { dtype: 'float64', descr: '<f8', size: 8, make: (b, o, n) => new Float64Array(b, o, n) },
  { dtype: 'int64', descr: '<i8', size: 8, make: (b, o, n) => new BigInt64Array(b, o, n) },
  { dtype: 'int32', descr: '<i4', size: 4, make: (b, o, n) => new Int32Array(b, o, n) },
  { dtype: 'uint8', descr: '|u1', size: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
  { dtype: 'int8', descr: '|i1', size: 1, make: (b, o, n) => new Int8Array(b, o, n) },
  { dtype: 'bool', descr: '|b1', size: 1, make: (b, o, n) => new Uint8Array(b, o, n) },
];

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Data starts at a multiple of this (numpy's ARRAY_ALIGN). */
const ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;
/**
 * Largest header read: 1 MiB. NumPy writes a few hundred bytes (a 30 000-dimension shape takes about 90 KB) and
 * itself refuses headers over 10 000 bytes by default; a longer declared length is a damaged or hostile file.
 */
export const NPY_MAX_HEADER_BYTES = 1 << 20;

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};

/** Find the dtype for a descr such as '<f4', '|u1', 'u1'; throws for big-endian and unsupported ones. */
function dtypeForDescr(descr: string): DtypeInfo {
  const m = /^([<>|=]?)([a-zA-Z]\d*)$/.exec(descr);
  if (!m) return bad(`Unsupported .npy dtype ${quote(descr)}: only plain numeric dtypes are supported.`);
  const [, order, code] = m;
  const info = DTYPES.find((d) => d.descr.slice(1) === code);
  if (info && info.size > 1 && order === '>') {
    return bad(
      `The .npy array is big-endian (${descr}); only little-endian is supported. ` +
        `In NumPy: np.save(path, a.astype(a.dtype.newbyteorder('<'))).`,
    );
  }
  // '=' (native) is never written by np.save, which resolves it to '<' or '>'; treat it as little-endian.
  if (!info) {
    return bad(
      `Unsupported .npy dtype ${quote(descr)}; supported: ${DTYPES.map((d) => `${d.dtype} (${d.descr})`).join(', ')}.`,
    );
  }
  return info;
}

function dtypeInfo(dtype: NpyDtype): DtypeInfo {
  const info = DTYPES.find((d) => d.dtype === dtype);
  if (!info) return bad(`Unsupported dtype ${quote(dtype)} for .npy.`);
  return info;
}

/** Parse the header dict. Keys may come in any order; shape may hold Python 2 longs (`3L`). */
function parseHeader(header: string): { descr: string; fortran: boolean; shape: number[] } {
  const text = header.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) bad(`The .npy header is not a Python dict: ${quote(text)}.`);
  const descr = /['"]descr['"]\s*:\s*(?:'([^']*)'|"([^"]*)"|(\[))/.exec(text);
  if (!descr) return bad('The .npy header has no descr (dtype).');
  if (descr[3]) return bad('Unsupported .npy dtype: structured (record) arrays are not supported.');
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (!fortran) return bad('The .npy header has no fortran_order.');
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!shape) return bad('The .npy header has no shape.');
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const d = /^(\d+)L?$/.exec(s);
      if (!d) {
        if (/^-\d+L?$/.test(s)) return bad(`Dimension ${quote(s)} in the .npy shape is negative.`);
        return bad(`Bad dimension ${quote(s)} in the .npy shape (dimensions are whole numbers ≥ 0).`);
      }
      const n = Number(d[1]);
      if (!Number.isSafeInteger(n)) bad(`Dimension ${quote(s)} in the .npy shape is too large.`);
      return n;
    });
  return { descr: descr[1] ?? descr[2], fortran: fortran[1] === 'True', shape: dims };
}

const latin1 = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
};

/** `(2, 3)`, cut to a readable length for very high ranks. */
function shapeText(shape: readonly number[]): string {
  const text = `(${shape.join(', ')})`;
  return text.length <= 80 ? text : `${text.slice(0, 79)}… (rank ${shape.length})`;
}

/** What an .npy header declares: dtype, shape, where the data starts and how many bytes the whole file takes. */
export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  /** Offset of the data (magic, version, length and header before it). */
  dataStart: number;
  /** Bytes of data the shape and dtype need. */
  dataBytes: number;
  /** dataStart + dataBytes: the size of the whole file. */
  byteLength: number;
}

/**
 * Where the data of an .npy starts, from its first 12 bytes (magic, version, header length): the bytes needed to
 * parse the header with `readNpyHeader`. Throws for what is not an .npy, an unknown version or a header longer
 * than NPY_MAX_HEADER_BYTES.
 */
export function npyDataStart(bytes: Uint8Array): number {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    bad('Not a NumPy .npy file (the file does not start with "\\x93NUMPY").');
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) bad('The .npy file is truncated in its header.');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return bad(`Unsupported .npy format version ${major}.${minor}; supported: 1.0, 2.0, 3.0.`);
  }
  if (headerLen > NPY_MAX_HEADER_BYTES) {
    bad(`The .npy header declares ${headerLen} bytes; headers over ${NPY_MAX_HEADER_BYTES} bytes are refused (NumPy writes a few hundred).`);
  }
  return headerStart + headerLen;
}

/**
 * Parses the header of an .npy from its first bytes (at least `npyDataStart(bytes)` of them; the data need not be
 * there): the dtype and shape it declares and the size of the whole file. Throws for unsupported dtypes, Fortran
 * order, and shapes whose byte size is not a safe integer.
 */
export function readNpyHeader(bytes: Uint8Array): NpyHeader {
  const dataStart = npyDataStart(bytes);
  if (dataStart > bytes.length) bad('The .npy file is truncated in its header.');
  const headerStart = bytes[6] === 1 ? 10 : 12;
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const header = bytes[6] === 3 ? new TextDecoder('utf-8').decode(headerBytes) : latin1(headerBytes);
  const { descr, fortran, shape } = parseHeader(header);
  const info = dtypeForDescr(descr);
  if (fortran) {
    bad('The .npy array is in Fortran (column-major) order; only C order is supported. In NumPy: np.save(path, np.ascontiguousarray(a)).');
  }
  // Any zero dimension makes an empty array, however large the others; otherwise the product must stay exact.
  let dataBytes = shape.includes(0) ? 0 : info.size;
  if (dataBytes > 0) {
    for (const d of shape) {
      dataBytes *= d;
      if (!Number.isSafeInteger(dataBytes)) {
        bad(`The .npy shape ${shapeText(shape)} of ${info.dtype} declares more than 2^53 bytes; no file holds that much (a damaged header?).`);
      }
    }
  }
  return { dtype: info.dtype, shape, dataStart, dataBytes, byteLength: dataStart + dataBytes };
}

/**
 * Read an .npy file. The returned data views the input's memory when the data is aligned for its type,
 * and is copied into fresh memory otherwise.
 */
export function readNpy(bytes: Uint8Array): NpyArray {
  const { dtype, shape, dataStart, dataBytes: expected } = readNpyHeader(bytes);
  const info = dtypeInfo(dtype);
  const count = expected / info.size;
  const actual = bytes.length - dataStart;
  if (actual !== expected) {
    bad(
      `The .npy data is ${actual} bytes but shape ${shapeText(shape)} of ${info.dtype} needs ${expected} bytes` +
        (actual < expected ? ' (the file is truncated).' : '.'),
    );
  }
  const offset = bytes.byteOffset + dataStart;
  let data: NpyData;
  if (offset % info.size === 0) {
    data = info.make(bytes.buffer as ArrayBuffer, offset, count);
  } else {
    const copy = new Uint8Array(expected);
    copy.set(bytes.subarray(dataStart));
    data = info.make(copy.buffer, 0, count);
  }
  return { dtype: info.dtype, shape, data };
}

const ARRAY_CTOR: Record<NpyDtype, { name: string; ok(d: unknown): boolean }> = {
  float32: { name: 'Float32Array', ok: (d) => d instanceof Float32Array },
  float64: { name: 'Float64Array', ok: (d) => d instanceof Float64Array },
  int64: { name: 'BigInt64Array', ok: (d) => d instanceof BigInt64Array },
  int32: { name: 'Int32Array', ok: (d) => d instanceof Int32Array },
  uint8: { name: 'Uint8Array', ok: (d) => d instanceof Uint8Array },
  int8: { name: 'Int8Array', ok: (d) => d instanceof Int8Array },
  bool: { name: 'Uint8Array', ok: (d) => d instanceof Uint8Array },
};

/** Write an .npy file (version 1.0, or 2.0 when the header needs it); data starts at a multiple of 64 bytes. */
export function writeNpy(dtype: NpyDtype, shape: readonly number[], data: NpyData): Uint8Array {
  const info = dtypeInfo(dtype);
  if (!ARRAY_CTOR[dtype].ok(data)) bad(`writeNpy: ${dtype} data must be a ${ARRAY_CTOR[dtype].name}.`);
  for (const d of shape) if (!Number.isSafeInteger(d) || d < 0) bad(`writeNpy: bad dimension ${d} in shape.`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) bad(`writeNpy: shape (${shape.join(', ')}) holds ${count} values but data has ${data.length}.`);

  // The same bytes as numpy's np.save: sorted keys, room for the first axis to grow to 21 digits
  // (GROWTH_AXIS_MAX_DIGITS), then 1..64 spaces and '\n' so the data starts at a multiple of 64.
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${info.descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // Version 1.0 has a 2-byte header length; bigger headers (very high-rank shapes) need 2.0.
  const wrap = (prefix: number) => prefix + dict.length + 1 + (ALIGN - ((prefix + dict.length + 1) % ALIGN));
  let major = 1;
  let prefix = 10;
  let total = wrap(prefix);
  if (total - prefix > 0xffff) {
    major = 2;
    prefix = 12;
    total = wrap(prefix);
  }
  const headerLen = total - prefix;
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  const header = dict.padEnd(headerLen - 1, ' ') + '\n';
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}
