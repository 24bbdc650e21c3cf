import { unzipSync, zipSync, type Zippable } from 'fflate';
import { ParetoError } from '../errors';
import { readNpy, writeNpy, type NpyArray } from './npy';

/**
 * NumPy .npz archives (np.savez, np.savez_compressed): a zip file with one `<key>.npy` member per array, stored or
 * deflated, with zip64 extra fields (numpy writes them for every member). Pure TypeScript via fflate.
 */

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);

/**
 * Reads every array of an .npz. Keys are the member names without `.npy` (np.savez(f, x=..., y=...) gives
 * `x` and `y`; positional arrays are `arr_0`, `arr_1`, ...). Members that are not .npy files are ignored.
 */
export function readNpz(bytes: Uint8Array, fileName = 'the .npz file'): Record<string, NpyArray> {
  if (!isZip(bytes)) {
    if (bytes.length >= 6 && bytes[0] === 0x93 && bytes[1] === 0x4e) bad(`${fileName} is an .npy file, not an .npz archive.`);
    bad(`${fileName} is not a NumPy .npz file (not a zip archive).`);
  }
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, { filter: (f) => f.name.endsWith('.npy') && !f.name.endsWith('/') });
  } catch (e) {
    return bad(`${fileName} could not be unzipped (${e instanceof Error ? e.message : String(e)}); it may be truncated or use an unsupported compression.`);
  }
  const out: Record<string, NpyArray> = {};
  for (const [name, data] of Object.entries(members)) {
    const key = name.slice(0, -'.npy'.length);
    try {
      out[key] = readNpy(data);
    } catch (e) {
      if (e instanceof ParetoError) bad(`${fileName}, array "${key}": ${e.message}`);
      throw e;
    }
  }
  if (Object.keys(out).length === 0) bad(`${fileName} holds no arrays.`);
  return out;
}

/** Writes an .npz (like np.savez, or np.savez_compressed with `compress`). */
export function writeNpz(arrays: Readonly<Record<string, NpyArray>>, options: { compress?: boolean } = {}): Uint8Array {
  const files: Zippable = {};
  for (const [key, a] of Object.entries(arrays)) files[`${key}.npy`] = writeNpy(a.dtype, a.shape, a.data);
  return zipSync(files, { level: options.compress ? 6 : 0 });
}
