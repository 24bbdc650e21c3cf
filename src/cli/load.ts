import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { isParetoError, ParetoError } from '../core/errors';
import { openModelFiles, type OpenedModel } from '../core/model/open';
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
};

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code && reasons[code]) ?? (e instanceof Error ? e.message : String(e));
}

/** Read a whole file, turning fs errors into one-line CliErrors. */
export function readFileOrFail(path: string, what = 'file'): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`cannot read ${what} "${path}": ${fsReason(e)}.`);
  }
}

/**
 * Open an .onnx file from disk. External data files named in the model are read relative to the model's
 * directory (locations are normalised by the core and never escape upwards). A missing data file is left to
 * the core, which reports every missing file at once; other read errors are reported here.
 */
export function openModelPath(path: string, cwd = process.cwd()): OpenedModel {
  const full = resolve(cwd, path);
  const bytes = readFileOrFail(path, 'model');
  const dir = dirname(full);
  try {
    return openFrom(full, bytes, dir);
  } catch (e) {
    // The core's message is written for the browser ("open the .onnx together with its data files").
    if (isParetoError(e) && e.code === 'missing-external-data' && e.details?.length) {
      const n = e.details.length;
      throw new ParetoError(
        e.code,
        `the model keeps weights in ${n === 1 ? 'an external data file' : `${n} external data files`} not found next to it: ` +
          `${e.details.join(', ')} (looked in ${dir}). Keep the data file(s) at the relative path(s) the model names.`,
        e.details,
      );
    }
    throw e;
  }
}

function openFrom(full: string, bytes: Uint8Array, dir: string): OpenedModel {
  return openModelFiles([{ name: basename(full), bytes }], (location) => {
    const dataPath = resolve(dir, location.split('/').join(sep));
    try {
      if (statSync(dataPath).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
      return readFileSync(dataPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') return undefined;
      throw new CliError(`cannot read external data file "${location}" (next to the model): ${fsReason(e)}.`);
    }
  });
}
