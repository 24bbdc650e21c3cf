import { Inflate, zipSync, type Zippable } from 'fflate';
import { ParetoError } from '../errors';
import { quote } from '../text';
import { readNpy, readNpyHeader, npyDataStart, writeNpy, type NpyArray } from './npy';

/**
 * NumPy .npz archives (np.savez, np.savez_compressed): a zip file with one `<key>.npy` member per array, stored or
 * deflated, with zip64 extra fields (numpy writes them for every member). Pure TypeScript; fflate inflates.
 *
 * Hostile archives are bounded: the zip's central directory is read by hand, and each deflated member is inflated
 * in small steps, stopping as soon as its output passes what its own .npy header declares (header + shape ×
 * itemsize), what the archive declares for it, or what is left of `maxBytes` for the whole archive. A 4 MB "bomb"
 * that would inflate to 4.2 GB ends after at most 16.5 MiB of output past its limit, with a message naming the member.
 */

/** Default cap on the bytes all arrays of an .npz may take once read (their .npy files, headers included): 512 MiB. */
export const NPZ_MAX_BYTES = 512 * 2 ** 20;
/** Default cap on the number of arrays in an .npz. */
export const NPZ_MAX_ARRAYS = 4096;
/** Longest member name accepted (characters); numpy writes the keyword argument's name plus ".npy". */
export const NPZ_MAX_NAME = 256;

export interface NpzOptions {
  /** Most bytes all arrays may take once read (each member's .npy file, header included). Default NPZ_MAX_BYTES. */
  maxBytes?: number;
  /** Most arrays read. Default NPZ_MAX_ARRAYS. */
  maxArrays?: number;
  /** Filled in while reading, also when reading throws: how much work was done. */
  stats?: NpzStats;
}

export interface NpzStats {
  /** Bytes produced by inflating deflated members, including output inflated past a limit before stopping. */
  bytesInflated: number;
  /** Bytes of .npy files read (stored and inflated members). */
  bytesRead: number;
}

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};
const tooLarge = (msg: string): never => {
  throw new ParetoError('too-large', msg);
};

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);

const mib = (n: number) => `${+(n / 2 ** 20).toFixed(2)} MiB`;

/** Deflate never expands more than this (a 258-byte match coded in 2 bits). */
const MAX_DEFLATE_RATIO = 1032;
/**
 * Smallest step of compressed input (bytes): a step's output can pass a limit by at most 1032 times this, 16.5 MiB.
 * Smaller steps bound the work more tightly but cost more per byte (fflate copies its 32 KiB window at each step).
 */
const OVERSHOOT_STEP = 16 * 1024;

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

class ZipFormatError extends Error {}

/** The entries of the central directory (zip64 included). Throws ZipFormatError for a damaged archive. */
function centralDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (what: string): never => {
    throw new ZipFormatError(what);
  };
  const u16 = (o: number) => (o + 2 <= bytes.length ? view.getUint16(o, true) : fail('unexpected end of the archive'));
  const u32 = (o: number) => (o + 4 <= bytes.length ? view.getUint32(o, true) : fail('unexpected end of the archive'));
  const u64 = (o: number) => u32(o) + u32(o + 4) * 2 ** 32;
  let eocd = -1;
  for (let i = bytes.length - 22; i >= 0 && i >= bytes.length - 22 - 0xffff; i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('no end of central directory');
  let count = u16(eocd + 10);
  let offset = u32(eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && u32(eocd - 20) === 0x07064b50) {
    const z = u64(eocd - 12);
    if (z > bytes.length - 56 || u32(z) !== 0x06064b50) fail('bad zip64 end of central directory');
    count = u64(z + 32);
    offset = u64(z + 48);
  }
  // Each entry takes at least 46 bytes: a count beyond that is a lie, not a reason to loop.
  if (offset > bytes.length || count > (bytes.length - offset) / 46) fail('the central directory does not fit in the file');
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let n = 0; n < count; n++) {
    if (u32(p) !== 0x02014b50) fail('bad central directory entry');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLen = u16(p + 28);
    const extraLen = u16(p + 30);
    const commentLen = u16(p + 32);
    let localOffset = u32(p + 42);
    if (p + 46 + nameLen + extraLen > bytes.length) fail('unexpected end of the archive');
    const raw = bytes.subarray(p + 46, p + 46 + nameLen);
    const name = flags & 0x800 ? new TextDecoder('utf-8').decode(raw) : latin1(raw);
    // Zip64 extra field: the 64-bit values, in this order, of the fields saturated at 0xffffffff.
    for (let e = p + 46 + nameLen, end = e + extraLen; e + 4 <= end; ) {
      const id = u16(e);
      const len = u16(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = u64(q)), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = u64(q)), (q += 8);
        if (localOffset === 0xffffffff) localOffset = u64(q);
      }
      e += 4 + len;
    }
    entries.push({ name, method, flags, compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

const latin1 = (b: Uint8Array) => {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
};

/** The member's compressed bytes, found through its local header. */
function memberData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const o = entry.localOffset;
  if (o + 30 > bytes.length || view.getUint32(o, true) !== 0x04034b50) throw new ZipFormatError('bad local header');
  const start = o + 30 + view.getUint16(o + 26, true) + view.getUint16(o + 28, true);
  if (start + entry.compressedSize > bytes.length) throw new ZipFormatError('a member runs past the end of the archive');
  return bytes.subarray(start, start + entry.compressedSize);
}

/**
 * Inflates one member, stopping as soon as the output passes the size its .npy header declares, the size the
 * archive declares, or `budget`. Returns the .npy bytes (possibly short: readNpy then names what is missing).
 */
function inflateMember(data: Uint8Array, entry: ZipEntry, budget: number, stats: NpzStats, label: string): Uint8Array {
  let head: Uint8Array[] = [];
  let headLength = 0;
  let out: Uint8Array | undefined;
  let length = 0;
  let total = 0;
  const overflow = (declared: number): never =>
    bad(`${label} inflates past the ${declared} bytes its .npy header declares; the archive is damaged or hostile (reading stopped).`);
  const accept = (chunk: Uint8Array) => {
    stats.bytesInflated += chunk.length;
    total += chunk.length;
    if (total > entry.size) bad(`${label} inflates past the ${entry.size} bytes the archive declares for it; the archive is damaged or hostile.`);
    if (out) {
      if (length + chunk.length > out.length) overflow(out.length);
      out.set(chunk, length);
      length += chunk.length;
      return;
    }
    head.push(chunk);
    headLength += chunk.length;
    if (headLength < 12) return;
    const prefix = concat(head, headLength);
    head = [prefix];
    if (npyDataStart(prefix) > headLength) return;
    const { byteLength } = readNpyHeader(prefix);
    if (byteLength > budget) {
      tooLarge(`${label} declares ${byteLength} bytes (${mib(byteLength)}), more than the ${mib(budget)} left of the cap for this archive; reading stopped.`);
    }
    if (prefix.length > byteLength) overflow(byteLength);
    out = new Uint8Array(byteLength);
    out.set(prefix);
    length = prefix.length;
    head = [];
  };
  const inflate = new Inflate((chunk) => {
    if (chunk.length > 0) accept(chunk);
  });
  for (let i = 0; i < data.length; ) {
    // Feed little enough that one step cannot produce much more than what is still allowed: at most
    // OVERSHOOT_STEP past it (16 KiB in, 16.5 MiB out at worst), at most 64 KiB in (66 MiB out) at a time.
    const allowed = out ? out.length - length : Math.min(budget, 2 ** 20);
    const step = Math.min(64 * 1024, Math.max(OVERSHOOT_STEP, Math.floor(allowed / MAX_DEFLATE_RATIO)));
    const end = Math.min(data.length, i + step);
    inflate.push(data.subarray(i, end), end === data.length);
    i = end;
  }
  if (data.length === 0) inflate.push(new Uint8Array(0), true);
  return out ? out.subarray(0, length) : concat(head, headLength);
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const b = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    b.set(p, o);
    o += p.length;
  }
  return b;
}

/**
 * Reads every array of an .npz. Keys are the member names without `.npy` (np.savez(f, x=..., y=...) gives
 * `x` and `y`; positional arrays are `arr_0`, `arr_1`, ...). Members that are not .npy files are ignored.
 * The result has no prototype: a member named `constructor.npy` or `__proto__.npy` is an ordinary key.
 * Caps (`options`): the bytes of all arrays together (512 MiB by default) and the number of arrays (4096).
 */
export function readNpz(bytes: Uint8Array, fileName = 'the .npz file', options: NpzOptions = {}): Record<string, NpyArray> {
  const maxBytes = options.maxBytes ?? NPZ_MAX_BYTES;
  const maxArrays = options.maxArrays ?? NPZ_MAX_ARRAYS;
  const stats = options.stats ?? { bytesInflated: 0, bytesRead: 0 };
  let used = 0;
  if (!isZip(bytes)) {
    if (bytes.length >= 6 && bytes[0] === 0x93 && bytes[1] === 0x4e) bad(`${fileName} is an .npy file, not an .npz archive.`);
    bad(`${fileName} is not a NumPy .npz file (not a zip archive).`);
  }
  const unzipError = (e: unknown): never =>
    bad(`${fileName} could not be unzipped (${e instanceof Error ? e.message : String(e)}); it may be truncated or use an unsupported compression.`);
  let entries: ZipEntry[];
  try {
    entries = centralDirectory(bytes).filter((f) => f.name.endsWith('.npy') && !f.name.endsWith('/'));
  } catch (e) {
    return unzipError(e);
  }
  if (entries.length > maxArrays) tooLarge(`${fileName} holds ${entries.length} arrays; at most ${maxArrays} are read.`);
  const arrays = new Map<string, NpyArray>();
  for (const entry of entries) {
    const key = entry.name.slice(0, -'.npy'.length);
    const label = `${fileName}, array ${quote(key)}`;
    if (entry.name.length > NPZ_MAX_NAME) bad(`${label}: the member name is ${entry.name.length} characters; at most ${NPZ_MAX_NAME} are accepted.`);
    if (arrays.has(key)) bad(`${label}: the archive holds two members named ${quote(entry.name)}.`);
    if (entry.flags & 1) bad(`${label} is encrypted.`);
    let data: Uint8Array;
    try {
      data = memberData(bytes, entry);
    } catch (e) {
      return unzipError(e);
    }
    const budget = maxBytes - used;
    let npy: Uint8Array;
    try {
      if (entry.method === 0) {
        if (data.length > budget) tooLarge(`${label} is ${data.length} bytes (${mib(data.length)}), more than the ${mib(budget)} left of the cap for this archive.`);
        npy = data;
      } else if (entry.method === 8) {
        npy = inflateMember(data, entry, budget, stats, label);
      } else {
        return bad(`${label} uses zip compression method ${entry.method}; only stored and deflate (what NumPy writes) are supported.`);
      }
      used += npy.length;
      stats.bytesRead += npy.length;
      arrays.set(key, readNpy(npy));
    } catch (e) {
      if (e instanceof ParetoError) {
        if (e.message.startsWith(label)) throw e;
        throw new ParetoError(e.code, `${label}: ${e.message}`);
      }
      if (e instanceof Error) return unzipError(e);
      throw e;
    }
  }
  if (arrays.size === 0) bad(`${fileName} holds no arrays.`);
  const out = Object.create(null) as Record<string, NpyArray>;
  for (const [key, a] of arrays) out[key] = a;
  return out;
}

/** Writes an .npz (like np.savez, or np.savez_compressed with `compress`). */
export function writeNpz(arrays: Readonly<Record<string, NpyArray>>, options: { compress?: boolean } = {}): Uint8Array {
  const files: Zippable = Object.create(null) as Zippable;
  for (const [key, a] of Object.entries(arrays)) files[`${key}.npy`] = writeNpy(a.dtype, a.shape, a.data);
  return zipSync(files, { level: options.compress ? 6 : 0 });
}
