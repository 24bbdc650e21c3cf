/**
 * Every tensor's declared shape checked against the bytes it carries, on read (read.ts), before anything counts,
 * copies or transforms it: a negative dim, a product above 2^53, too few or too many bytes in raw_data, a typed field
 * or an external range are refused by tensor name. After this check, elementCount() and tensorByteLength() are exact
 * and bounded by the bytes present (inspect never shows "-9 parameters", quantize never allocates -12 floats).
 */
import { ParetoError } from '../../errors';
import { quote } from '../../text';
import { dtypeInfo, dtypeName } from './dtypes';
import { DataType, type TensorProto } from './proto';
import { checkTypedFields, externalRef, isExternal, normaliseLocation, shownDims, type ExternalData } from './tensor';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The element count of the tensor's dims, refusing negative dims and products above 2^53 - 1. */
export function checkedElementCount(t: TensorProto): number {
  let zero = false;
  for (let i = 0; i < t.dims.length; i++) {
    const d = t.dims[i];
    if (d < 0n) {
      throw new ParetoError(
        'invalid-model',
        `Tensor ${quote(t.name)} has a negative dimension (${d} at axis ${i} of dims [${shownDims(t)}]).`,
      );
    }
    if (d === 0n) zero = true;
  }
  if (zero) return 0;
  let n = 1n;
  for (const d of t.dims) {
    n *= BigInt(d);
    if (n > MAX_SAFE) {
      throw new ParetoError(
        'invalid-model',
        `Tensor ${quote(t.name)} declares dims [${shownDims(t)}], more than 2^53 elements: no file holds that; the ` +
          'model is damaged or crafted.',
      );
    }
  }
  return Number(n);
}

/** Bytes `n` elements of the tensor's dtype take in raw form (undefined for strings, which have no raw form). */
function rawByteLength(t: TensorProto, n: number): number | undefined {
  const info = dtypeInfo(t.dataType)!;
  if (t.dataType === DataType.STRING) return undefined;
  // n * bits stays exact: n <= 2^53 and bits <= 128 only lose precision past 2^53 bytes, which no file holds.
  return Math.ceil((n * info.bits) / 8);
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Checks one tensor (an initializer, a sparse initializer's values or indices, a Constant or other attribute tensor):
 * known dtype, dims non-negative with a product within 2^53, and exactly the bytes those dims need in raw_data, in
 * its typed field, or in its external range (which must lie inside the file; `external` holds the files by
 * normalised location). Throws ParetoError naming the tensor: 'invalid-model', or 'missing-external-data' (without
 * details, which would mean a file not found) for a range past the end of its file.
 */
export function checkTensorData(t: TensorProto, external?: ExternalData): void {
  const info = dtypeInfo(t.dataType);
  if (!info) {
    throw new ParetoError('invalid-model', `Tensor ${quote(t.name)} has an unknown data type (${t.dataType}).`);
  }
  const n = checkedElementCount(t);
  const need = rawByteLength(t, n);
  const dims = `dims [${shownDims(t)}] of ${dtypeName(t.dataType)}`;
  if (isExternal(t)) {
    const ref = externalRef(t);
    if (need === undefined) {
      throw new ParetoError('invalid-model', `Tensor ${quote(t.name)} holds strings, which cannot live in external data.`);
    }
    if (ref.length !== undefined && ref.length !== need) {
      throw new ParetoError(
        'invalid-model',
        `Tensor ${quote(t.name)} says its external data in ${quote(ref.location)} is ${plural(ref.length, 'byte')} long, ` +
          `but its ${dims} need exactly ${plural(need, 'byte')}.`,
      );
    }
    const file = external?.get(normaliseLocation(ref.location));
    if (!file) return; // read.ts reports every missing file at once
    if (ref.offset > file.length || (ref.offset === file.length && need > 0)) {
      throw new ParetoError(
        'missing-external-data',
        `Tensor ${quote(t.name)} starts at byte ${ref.offset} of ${quote(ref.location)}, past the end of that file ` +
          `(${plural(file.length, 'byte')}): the data file is truncated or belongs to another model.`,
      );
    }
    if (ref.offset + need > file.length) {
      throw new ParetoError(
        'missing-external-data',
        `Tensor ${quote(t.name)} needs bytes ${ref.offset}..${ref.offset + need} of ${quote(ref.location)}, which has ` +
          `only ${plural(file.length, 'byte')}: the data file is truncated or belongs to another model.`,
      );
    }
    return;
  }
  if (t.rawData.length > 0) {
    if (need === undefined) {
      throw new ParetoError('invalid-model', `Tensor ${quote(t.name)} holds strings but carries raw_data bytes.`);
    }
    if (t.rawData.length !== need) {
      throw new ParetoError(
        'invalid-model',
        `Tensor ${quote(t.name)} has ${plural(t.rawData.length, 'byte')} of raw_data, but its ${dims} need exactly ` +
          `${plural(need, 'byte')} (${t.rawData.length < need ? 'too few: truncated?' : 'too many'}).`,
      );
    }
    return;
  }
  if (t.dataType === DataType.STRING) {
    if (t.stringData.length !== n) {
      throw new ParetoError(
        'invalid-model',
        `Tensor ${quote(t.name)} declares ${n} strings (dims [${shownDims(t)}]) but holds ${t.stringData.length}.`,
      );
    }
    return;
  }
  checkTypedFields(t, n);
}
