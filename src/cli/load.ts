import { constants as bufferConstants } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { isParetoError, ParetoError } from '../core/errors';
import type { ExternalRange } from '../core/formats/onnx/read';
import { openModelFiles, type OpenedModel } from '../core/model/open';
import { quote } from '../core/text';
import { CliError } from './errors';

const reasons: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
  ENXIO: 'it is a socket or a device with nothing behind it, not a regular file',
};

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code && reasons[code]) ?? (e instanceof Error ? e.message : String(e));
}

/** What a non-regular file is, for messages. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Thrown by readRegularFile for a file that exists but is not a regular file. */
class NotRegular extends Error {
  constructor(readonly kind: string) {
    super(kind);
  }
}

/**
 * Reads a regular file, and only a regular file: opened with O_NONBLOCK (so a FIFO or a device never blocks the open)
 * and checked with fstat on the open descriptor. Without `ranges`, exactly the size fstat gave is read (a file that
 * grows while being read never makes the read unbounded). With `ranges` (external data: the bytes the model's tensors
 * name), only those bytes are read, into a buffer of min(size, furthest end) bytes whose gaps stay zero: the core then
 * checks every range against that length, so a range past the end is named there. O_NOFOLLOW when `noFollow` (the
 * path is already a real path: a link swapped in after the check is refused).
 */
class TooLarge extends Error {
  constructor(readonly size: number) {
    super('too large');
  }
}

function readRegularFile(path: string, noFollow = false, ranges?: readonly ExternalRange[], maxBytes = Infinity): Uint8Array {
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0);
  const fd = openSync(path, flags);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new NotRegular(kindOf(st));
    if (st.size > maxBytes) throw new TooLarge(st.size);
    const end = ranges ? Math.min(st.size, ranges.reduce((m, r) => Math.max(m, r.offset + r.length), 0)) : st.size;
    if (end > bufferConstants.MAX_LENGTH) {
      throw new Error(`it needs ${(end / 2 ** 30).toFixed(2)} GiB in one buffer, more than Node can hold`);
    }
    const out = ranges ? Buffer.alloc(end) : Buffer.allocUnsafe(end);
    let filled = end;
    for (const r of ranges ? mergeRanges(ranges, end) : [{ offset: 0, length: end }]) {
      const got = readFully(fd, out, r.offset, r.length);
      if (got < r.length) filled = Math.min(filled, r.offset + got); // the file shrank while being read
    }
    return filled === end ? out : out.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `offset` into `out` at the same offset; fewer only at the end of the file. */
function readFully(fd: number, out: Buffer, offset: number, length: number): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, offset + done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** The ranges clipped to `end`, sorted and merged (tensors may share bytes). */
function mergeRanges(ranges: readonly ExternalRange[], end: number): ExternalRange[] {
  const sorted = ranges
    .map((r) => ({ offset: Math.min(r.offset, end), length: Math.max(0, Math.min(r.offset + r.length, end) - Math.min(r.offset, end)) }))
    .filter((r) => r.length > 0)
    .sort((a, b) => a.offset - b.offset);
  const out: ExternalRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) last.length = Math.max(last.length, r.offset + r.length - last.offset);
    else out.push({ ...r });
  }
  return out;
}

/** Read a whole regular file, turning fs errors (and FIFOs, devices, directories) into one-line CliErrors. */
export function readFileOrFail(path: string, what = 'file', maxBytes = Infinity, shown = path): Uint8Array {
  try {
    return readRegularFile(path, false, undefined, maxBytes);
  } catch (e) {
    if (e instanceof NotRegular) throw new CliError(`cannot read ${what} ${quote(shown)}: it is ${e.kind}, not a regular file.`);
    if (e instanceof TooLarge) {
      const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
      throw new CliError(`cannot read ${what} ${quote(shown)}: it is ${mib(e.size)}, more than the ${mib(maxBytes)} a ${what} may be (nothing was read).`);
    }
    throw new CliError(`cannot read ${what} ${quote(shown)}: ${fsReason(e)}.`);
  }
}

/**
 * Open an .onnx file from disk. External data files named in the model are read relative to the model's
 * directory (locations are normalised by the core and never escape upwards; symbolic links may not lead out of the
 * folder: see readExternal). A missing data file is left to the core, which reports every missing file at once; other
 * read errors are reported here.
 */
export function openModelPath(path: string, cwd = process.cwd()): OpenedModel {
  const full = resolve(cwd, path);
  const bytes = readFileOrFail(full, 'model', Infinity, path);
  const dir = dirname(full);
  try {
    return openFrom(full, bytes, dir);
  } catch (e) {
    // The core's message is written for the browser ("open the .onnx together with its data files").
    if (isParetoError(e) && e.code === 'missing-external-data' && e.details?.length) {
      const n = e.details.length;
      const names = e.details.slice(0, 8).map(shortName).join(', ') + (n > 8 ? `, … and ${n - 8} more` : '');
      throw new ParetoError(
        e.code,
        `the model keeps weights in ${n === 1 ? 'an external data file' : `${n} external data files`} not found next to it: ` +
          `${names} (looked in ${dir}). Keep the data file(s) at the relative path(s) the model names.`,
        e.details,
      );
    }
    throw e;
  }
}

/** A location as given when short and plain, else quoted and cut. */
const shortName = (s: string) => (s.length <= 80 && /^[\w./ -]*$/.test(s) ? s : quote(s));

function openFrom(full: string, bytes: Uint8Array, dir: string): OpenedModel {
  let realDir: string;
  try {
    realDir = realpathSync(dir);
  } catch (e) {
    throw new CliError(`cannot resolve the model's folder ${quote(dir)}: ${fsReason(e)}.`);
  }
  return openModelFiles([{ name: basename(full), bytes }], (location, tensor, ranges) =>
    readExternal(dir, realDir, location, tensor, ranges),
  );
}

/**
 * One external data file: `location` is already normalised by the core (no "..", not absolute). Its real path (every
 * symbolic link resolved, folders included) must lie inside the real path of the model's folder, as onnxruntime
 * requires; it must be a regular file (a FIFO, a device, a socket or a directory is refused at once, never read).
 * Only the `ranges` the model's tensors name are read (see readRegularFile).
 * Undefined when there is no such file: the core then names every missing file at once.
 */
export function readExternal(
  dir: string,
  realDir: string,
  location: string,
  tensor: string,
  ranges?: readonly ExternalRange[],
): Uint8Array | undefined {
  const what = `external data file ${quote(location)} (of tensor ${quote(tensor)})`;
  const dataPath = resolve(dir, location.split('/').join(sep));
  let real: string;
  try {
    real = realpathSync(dataPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${what}: ${fsReason(e)}.`);
  }
  const inside = realDir.endsWith(sep) ? realDir : realDir + sep;
  if (!real.startsWith(inside)) {
    throw new ParetoError(
      'bad-input',
      `${what} resolves (through a symbolic link) to ${quote(real)}, outside the model's folder ${quote(realDir)}: ` +
        'refused. External data must lie inside the folder of the .onnx file; copy the data file there.',
    );
  }
  try {
    return readRegularFile(real, true, ranges);
  } catch (e) {
    if (e instanceof NotRegular) {
      throw new ParetoError('bad-input', `${what} is ${e.kind}, not a regular file: refused (nothing was read from it).`);
    }
    throw new CliError(`cannot read ${what}: ${fsReason(e)}.`);
  }
}
