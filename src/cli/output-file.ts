/**
 * Output files of the commands that write one: `-o` checked before any work, then written to a temp file in the
 * output's directory and renamed over it at the end (removed on any error, Ctrl-C or exit): never a partial file.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError, UsageError } from './errors';

export interface OutputTarget {
  /** Absolute path of the output file. */
  path: string;
  dir: string;
}

/** Checks `-o` before any work: given, not the input, its directory exists, not a directory itself. */
export function checkOutputPath(input: string, output: string | undefined, cwd: string): OutputTarget {
  if (!output) throw new UsageError('give the output file with -o <out.onnx>.');
  const inFull = resolve(cwd, input);
  const outFull = resolve(cwd, output);
  const same = () => {
    if (inFull === outFull) return true;
    try {
      const a = statSync(inFull);
      const b = statSync(outFull);
      return a.ino === b.ino && a.dev === b.dev;
    } catch {
      return false;
    }
  };
  if (same()) throw new CliError(`-o "${output}" is the input model; write the result to another file.`);
  const dir = dirname(outFull);
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw new CliError(`cannot write "${output}": the directory "${dir}" does not exist.`);
  }
  if (!dirStat.isDirectory()) throw new CliError(`cannot write "${output}": "${dir}" is not a directory.`);
  if (existsSync(outFull) && statSync(outFull).isDirectory()) throw new CliError(`cannot write "${output}": it is a directory.`);
  return { path: outFull, dir };
}

/** `.<output name>.<pid>.<random>.tmp`: the temp file of an AtomicOutput writing `name`. */
const tempName = (name: string, pid: number, rand: string) => `.${name}.${pid}.${rand}.tmp`;

/** Whether a process with this id is running (EPERM: it is, as another user). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files that earlier runs writing the same output left behind when they were killed before they could
 * clean up (SIGKILL, out of memory, a V8 fatal error): `.<name>.<pid>.<random>.tmp` in the output's directory whose pid
 * is no longer running. Returns the names removed. Errors (a file already gone, no permission) are ignored.
 */
export function removeStaleTemps(target: OutputTarget): string[] {
  const prefix = `.${basename(target.path)}.`;
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(target.dir);
  } catch {
    return removed;
  }
  for (const f of entries) {
    if (!f.startsWith(prefix) || !f.endsWith('.tmp')) continue;
    const m = /^(\d+)\.[a-z0-9]{1,16}\.tmp$/.exec(f.slice(prefix.length));
    if (!m || alive(Number(m[1]))) continue;
    try {
      unlinkSync(join(target.dir, f));
      removed.push(f);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/**
 * A temp file next to the output, renamed over it at the end. Removed on any error, on Ctrl-C (SIGINT) and SIGTERM,
 * and at process exit if still there: a half-written model never appears under the output name. A run killed outright
 * (SIGKILL, a V8 fatal error) cannot remove its own: the next run writing the same output removes it
 * (removeStaleTemps, at construction).
 */
export class AtomicOutput {
  readonly tempPath: string;
  private live = false;
  private readonly onSignal = (sig: NodeJS.Signals) => {
    this.discard();
    process.stderr.write(`\npareto: interrupted (${sig}); no output written.\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  private readonly onExit = () => this.discard();

  /** Temp files of earlier killed runs that the constructor removed. */
  readonly staleRemoved: string[];

  constructor(readonly target: OutputTarget) {
    this.staleRemoved = removeStaleTemps(target);
    const rand = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
    this.tempPath = join(target.dir, tempName(basename(target.path), process.pid, rand));
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    process.on('exit', this.onExit);
  }

  /** Writes the parts to the temp file (created exclusively, flushed to disk). */
  write(parts: readonly Uint8Array[]): void {
    let fd: number;
    try {
      this.live = true;
      fd = openSync(this.tempPath, 'wx');
    } catch (e) {
      this.live = false;
      throw new CliError(`cannot write into "${this.target.dir}": ${(e as Error).message}.`);
    }
    try {
      for (const p of parts) {
        let off = 0;
        while (off < p.length) off += writeSync(fd, p, off, p.length - off);
      }
      fsyncSync(fd);
    } catch (e) {
      throw new CliError(`writing "${this.target.path}" failed: ${(e as Error).message}.`);
    } finally {
      closeSync(fd);
    }
  }

  /** Renames the temp file to the output name. */
  commit(): void {
    try {
      renameSync(this.tempPath, this.target.path);
      this.live = false;
    } catch (e) {
      throw new CliError(`cannot write "${this.target.path}": ${(e as Error).message}.`);
    }
  }

  /** Removes the temp file if it is still there. */
  discard(): void {
    if (!this.live) return;
    this.live = false;
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  }

  /** Stops listening for signals; removes the temp file unless committed. */
  close(): void {
    this.discard();
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    process.off('exit', this.onExit);
  }
}
