/**
 * Writing a TF.js variant as a folder (`-o DIR`: model.json and its shards), the way AtomicOutput writes a file: the
 * files go into a temp folder next to DIR and only move into DIR once all are written, so DIR never holds a
 * half-written model. DIR may be missing (created), empty, or hold an earlier TF.js export (its model.json and
 * group*-shard*.bin are replaced); a folder holding anything else is refused, never overwritten.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { existsSync, fsyncSync, mkdirSync, openSync, closeSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelProtoSchema } from '../core/formats/onnx/proto';
import { writeTfjs } from '../core/formats/tfjs/write';
import { CliError, UsageError } from './errors';
import type { OutputTarget } from './output-file';

const OURS = /^(model\.json|group\d+-shard\d+of\d+\.bin)$/;

/** Checks `-o DIR` for a TF.js output: not the input's folder, its parent exists, and it holds nothing but an earlier export. */
export function checkOutputDir(input: string, output: string | undefined, cwd: string): OutputTarget {
  if (!output) throw new UsageError('give the output folder with -o <dir> (a TF.js model is written as model.json and its shards).');
  const outFull = resolve(cwd, output);
  if (outFull === dirname(resolve(cwd, input))) throw new CliError(`-o "${output}" is the input model's folder; write the result to another folder.`);
  const parent = dirname(outFull);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) throw new CliError(`cannot write "${output}": the directory "${parent}" does not exist.`);
  if (existsSync(outFull)) {
    if (!statSync(outFull).isDirectory()) throw new CliError(`cannot write "${output}": it is a file; a TF.js model is written as a folder (model.json and shards).`);
    const others = readdirSync(outFull).filter((f) => !OURS.test(f));
    if (others.length) {
      throw new CliError(`cannot write into "${output}": it holds other files (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}); give an empty or new folder.`);
    }
  }
  return { path: outFull, dir: parent };
}

function writeFileSynced(path: string, bytes: Uint8Array): void {
  const fd = openSync(path, 'wx');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Same interface as AtomicOutput: write (core's serialised model), commit, close. */
export class TfjsFolderOutput {
  readonly tempPath: string;
  private files: string[] = [];
  private live = false;
  private readonly onExit = () => this.discard();

  constructor(readonly target: OutputTarget) {
    const rand = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
    this.tempPath = join(target.dir, `.${basename(target.path)}.${process.pid}.${rand}.tmp`);
    process.on('exit', this.onExit);
  }

  write(parts: readonly Uint8Array[]): void {
    const bytes = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of parts) {
      bytes.set(p, off);
      off += p.length;
    }
    const out = writeTfjs(fromBinary(ModelProtoSchema, bytes));
    try {
      this.live = true;
      mkdirSync(this.tempPath);
      writeFileSynced(join(this.tempPath, 'model.json'), new TextEncoder().encode(out.modelJson));
      for (const s of out.shards) writeFileSynced(join(this.tempPath, s.path), s.bytes);
      this.files = ['model.json', ...out.shards.map((s) => s.path)];
    } catch (e) {
      throw new CliError(`writing "${this.target.path}" failed: ${(e as Error).message}.`);
    }
  }

  commit(): void {
    try {
      if (!existsSync(this.target.path)) {
        renameSync(this.tempPath, this.target.path);
      } else {
        // An earlier export: its files go, the new ones move in.
        for (const f of readdirSync(this.target.path)) if (OURS.test(f)) rmSync(join(this.target.path, f));
        for (const f of this.files) renameSync(join(this.tempPath, f), join(this.target.path, f));
        rmSync(this.tempPath, { recursive: true, force: true });
      }
      this.live = false;
    } catch (e) {
      throw new CliError(`cannot write "${this.target.path}": ${(e as Error).message}.`);
    }
  }

  discard(): void {
    if (!this.live) return;
    this.live = false;
    rmSync(this.tempPath, { recursive: true, force: true });
  }

  close(): void {
    this.discard();
    process.off('exit', this.onExit);
  }
}
