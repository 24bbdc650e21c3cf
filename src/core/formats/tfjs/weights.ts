/**
 * TF.js weights as ONNX tensors, both ways. A weight is stored as TF.js stores it: float32, int32 and bool as
 * themselves; a quantized weight in its storage type (uint8/uint16 with TF.js's affine `value = q * scale + min`, or
 * float16), with the manifest's `quantization` (and the dtype it dequantizes to) kept as JSON in the tensor's
 * doc_string, so that inspect counts the bytes the file holds and the writer gives TF.js the same manifest entry.
 */
import { create } from '@bufbuild/protobuf';
import { ParetoError } from '../../errors';
import { DataType, TensorProtoSchema, type TensorProto } from '../onnx/proto';
import { dimsOf, elementCount } from '../onnx/tensor';
import { QUANTIZED_DTYPES, WEIGHT_DTYPES, type QuantizedDtype, type WeightDtype, type WeightEntry } from './schema';

export interface TfjsQuantization {
  dtype: QuantizedDtype;
  scale?: number;
  min?: number;
}

/** What the doc_string of a quantized weight holds. */
interface TensorNote {
  tfjs: { dtype: WeightDtype; quantization: TfjsQuantization };
}

const STORAGE: Record<WeightDtype | QuantizedDtype, { dataType: DataType; bytes: number }> = {
  float32: { dataType: DataType.FLOAT, bytes: 4 },
  int32: { dataType: DataType.INT32, bytes: 4 },
  bool: { dataType: DataType.BOOL, bytes: 1 },
  uint8: { dataType: DataType.UINT8, bytes: 1 },
  uint16: { dataType: DataType.UINT16, bytes: 2 },
  float16: { dataType: DataType.FLOAT16, bytes: 2 },
};

const isWeightDtype = (d: string): d is WeightDtype => (WEIGHT_DTYPES as readonly string[]).includes(d);
const isQuantizedDtype = (d: string): d is QuantizedDtype => (QUANTIZED_DTYPES as readonly string[]).includes(d);

/** The storage type and byte size of a manifest entry; unknown dtypes and impossible quantizations are refused. */
export function storageOf(w: WeightEntry, where: string): { dtype: WeightDtype; quantization?: TfjsQuantization; bytes: number; dataType: DataType } {
  if (!isWeightDtype(w.dtype)) {
    throw new ParetoError(
      'invalid-model',
      `${where}: weight "${w.name}" has dtype "${w.dtype}"; TF.js weights are ${WEIGHT_DTYPES.join(', ')}` +
        ` (string and complex64 weights are not supported here).`,
    );
  }
  const n = w.shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n)) throw new ParetoError('invalid-model', `${where}: weight "${w.name}" has an impossible shape [${w.shape.join(', ')}].`);
  const q = w.quantization;
  if (!q) return { dtype: w.dtype, bytes: n * STORAGE[w.dtype].bytes, dataType: STORAGE[w.dtype].dataType };
  if (!isQuantizedDtype(q.dtype)) {
    throw new ParetoError(
      'invalid-model',
      `${where}: weight "${w.name}" is quantized as "${q.dtype}"; TF.js reads ${QUANTIZED_DTYPES.join(', ')} quantization.`,
    );
  }
  if (q.dtype === 'float16' && w.dtype !== 'float32') {
    throw new ParetoError('invalid-model', `${where}: weight "${w.name}" is ${w.dtype} quantized as float16; TF.js only reads float16 for float32 weights.`);
  }
  if (q.dtype !== 'float16' && (q.scale === undefined || q.min === undefined)) {
    throw new ParetoError('invalid-model', `${where}: weight "${w.name}" is quantized as ${q.dtype} without the scale and min TF.js needs to read it.`);
  }
  if (w.dtype === 'bool') throw new ParetoError('invalid-model', `${where}: weight "${w.name}" is a quantized bool, which TF.js cannot read.`);
  const quantization: TfjsQuantization = q.dtype === 'float16' ? { dtype: q.dtype } : { dtype: q.dtype, scale: q.scale, min: q.min };
  return { dtype: w.dtype, quantization, bytes: n * STORAGE[q.dtype].bytes, dataType: STORAGE[q.dtype].dataType };
}

/** An ONNX tensor holding a TF.js weight's stored bytes (a view, not a copy). */
export function weightTensor(w: WeightEntry, s: ReturnType<typeof storageOf>, bytes: Uint8Array): TensorProto {
  const note: TensorNote | undefined = s.quantization ? { tfjs: { dtype: s.dtype, quantization: s.quantization } } : undefined;
  return create(TensorProtoSchema, {
    name: w.name,
    dataType: s.dataType,
    dims: w.shape.map((d) => BigInt(d)),
    rawData: bytes as Uint8Array<ArrayBuffer>,
    ...(note ? { docString: JSON.stringify(note) } : {}),
  });
}

/** A quantized weight tensor: the bytes are TF.js's storage form, `quantization` says how TF.js dequantizes them. */
export function quantizedTensor(name: string, dims: readonly number[], dtype: WeightDtype, quantization: TfjsQuantization, bytes: Uint8Array): TensorProto {
  return weightTensor(
    { name, shape: [...dims], dtype },
    { dtype, quantization, bytes: bytes.length, dataType: STORAGE[quantization.dtype].dataType },
    bytes,
  );
}

/** The quantization a weight tensor carries (read from a TF.js manifest or written by quantize), if any. */
export function quantizationOf(t: TensorProto): { dtype: WeightDtype; quantization: TfjsQuantization } | undefined {
  if (!t.docString.startsWith('{"tfjs"')) return undefined;
  try {
    return (JSON.parse(t.docString) as TensorNote).tfjs;
  } catch {
    return undefined;
  }
}

/** The manifest entry for a weight tensor (what TF.js needs to decode its bytes). */
export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  quantization?: TfjsQuantization;
}

export function manifestEntry(t: TensorProto): ManifestEntry {
  const shape = dimsOf(t);
  const q = quantizationOf(t);
  if (q) return { name: t.name, shape, dtype: q.dtype, quantization: q.quantization };
  const dtype = (Object.keys(STORAGE) as (WeightDtype | QuantizedDtype)[]).find((k) => STORAGE[k].dataType === t.dataType);
  if (!dtype || !isWeightDtype(dtype)) {
    throw new ParetoError('bad-input', `Weight "${t.name}" is ${DataType[t.dataType] ?? t.dataType} without TF.js quantization: TF.js cannot store it.`);
  }
  return { name: t.name, shape, dtype };
}

/** The stored bytes of a weight tensor (raw data; the writer checks the length against the manifest entry). */
export function storedBytes(t: TensorProto): Uint8Array {
  const q = quantizationOf(t);
  const per = q ? STORAGE[q.quantization.dtype].bytes : (Object.values(STORAGE).find((s) => s.dataType === t.dataType)?.bytes ?? 0);
  const want = elementCount(t) * per;
  if (t.rawData.length !== want) {
    throw new ParetoError('bad-input', `Weight "${t.name}" holds ${t.rawData.length} bytes where its shape and dtype need ${want}.`);
  }
  return t.rawData;
}
