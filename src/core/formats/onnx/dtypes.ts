import { DataType } from './proto';

export interface DTypeInfo {
  /** Name as users see it (numpy-style where one exists). */
  name: string;
  /** Bits per element in raw_data (4-bit and 2-bit types pack). */
  bits: number;
  /** Which typed TensorProto field holds the data when raw_data is not used. */
  field: 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' | 'stringData';
  float: boolean;
}

const T: Record<number, DTypeInfo> = {
  [DataType.FLOAT]: { name: 'float32', bits: 32, field: 'floatData', float: true },
  [DataType.UINT8]: { name: 'uint8', bits: 8, field: 'int32Data', float: false },
  [DataType.INT8]: { name: 'int8', bits: 8, field: 'int32Data', float: false },
  [DataType.UINT16]: { name: 'uint16', bits: 16, field: 'int32Data', float: false },
  [DataType.INT16]: { name: 'int16', bits: 16, field: 'int32Data', float: false },
  [DataType.INT32]: { name: 'int32', bits: 32, field: 'int32Data', float: false },
  [DataType.INT64]: { name: 'int64', bits: 64, field: 'int64Data', float: false },
  [DataType.STRING]: { name: 'string', bits: 0, field: 'stringData', float: false },
  [DataType.BOOL]: { name: 'bool', bits: 8, field: 'int32Data', float: false },
  [DataType.FLOAT16]: { name: 'float16', bits: 16, field: 'int32Data', float: true },
  [DataType.DOUBLE]: { name: 'float64', bits: 64, field: 'doubleData', float: true },
  [DataType.UINT32]: { name: 'uint32', bits: 32, field: 'uint64Data', float: false },
  [DataType.UINT64]: { name: 'uint64', bits: 64, field: 'uint64Data', float: false },
  [DataType.COMPLEX64]: { name: 'complex64', bits: 64, field: 'floatData', float: true },
  [DataType.COMPLEX128]: { name: 'complex128', bits: 128, field: 'doubleData', float: true },
  [DataType.BFLOAT16]: { name: 'bfloat16', bits: 16, field: 'int32Data', float: true },
  [DataType.FLOAT8E4M3FN]: { name: 'float8e4m3fn', bits: 8, field: 'int32Data', float: true },
  [DataType.FLOAT8E4M3FNUZ]: { name: 'float8e4m3fnuz', bits: 8, field: 'int32Data', float: true },
  [DataType.FLOAT8E5M2]: { name: 'float8e5m2', bits: 8, field: 'int32Data', float: true },
  [DataType.FLOAT8E5M2FNUZ]: { name: 'float8e5m2fnuz', bits: 8, field: 'int32Data', float: true },
  [DataType.UINT4]: { name: 'uint4', bits: 4, field: 'int32Data', float: false },
  [DataType.INT4]: { name: 'int4', bits: 4, field: 'int32Data', float: false },
  [DataType.FLOAT4E2M1]: { name: 'float4e2m1', bits: 4, field: 'int32Data', float: true },
  25: { name: 'uint2', bits: 2, field: 'int32Data', float: false },
  26: { name: 'int2', bits: 2, field: 'int32Data', float: false },
  24: { name: 'float8e8m0', bits: 8, field: 'int32Data', float: true },
};

export function dtypeInfo(dataType: number): DTypeInfo | undefined {
  return T[dataType];
}

export function dtypeName(dataType: number): string {
  return T[dataType]?.name ?? `dtype(${dataType})`;
}

