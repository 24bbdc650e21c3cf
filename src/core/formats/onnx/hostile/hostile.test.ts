import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isParetoError, type ParetoError } from '../../../errors';
import { openModelFiles } from '../../../model/open';
import { external, HOSTILE, rawTensor, withWeight, type HostileCase } from './corpus';

interface Entry {
  file: string;
  code: string;
  error: string;
}

const list: Entry[] = JSON.parse(readFileSync(join(__dirname, 'list.json'), 'utf8'));

function openError(name: string): ParetoError {
  const c = HOSTILE[name]();
  const files = [{ name: 'model.onnx', bytes: c.model }, ...Object.entries(c.data ?? {}).map(([n, bytes]) => ({ name: n, bytes }))];
  try {
    const opened = openModelFiles(files);
    throw new Error(`${name} opened: ${opened.summary.parameters.total} parameters`);
  } catch (e) {
    if (!isParetoError(e)) throw e;
    return e;
  }
}

describe('hostile corpus (list.json): every crafted model is refused with its own message', () => {
  it('list.json and the builders name the same cases', () => {
    expect(list.map((e) => e.file).sort()).toEqual(Object.keys(HOSTILE).sort());
    expect(new Set(list.map((e) => e.file)).size).toBe(list.length);
  });

  it.each(list)('$file -> $code', ({ file, code, error }) => {
    const e = openError(file);
    expect(e.message).toContain(error);
    expect(e.code).toBe(code);
    // Echoed names and values are cut: a message stays readable whatever the file holds.
    expect(e.message.length).toBeLessThan(600);
  });

  it('the same refusals when the files come from a picked folder (the browser: relative paths, matched by core)', () => {
    for (const { file, code, error } of list.filter((e) => e.file.startsWith('external-') && e.file !== 'external-missing-file')) {
      const c = HOSTILE[file]();
      const files = [
        { name: 'export/model.onnx', bytes: c.model },
        ...Object.entries(c.data ?? {}).map(([n, bytes]) => ({ name: `export/${n}`, bytes })),
        { name: 'other/w.bin', bytes: new Uint8Array(4096) }, // matched only when the relative path does not match
      ];
      const e = (() => {
        try {
          openModelFiles(files);
        } catch (err) {
          return err as ParetoError;
        }
        throw new Error(`${file} opened`);
      })();
      expect(isParetoError(e)).toBe(true);
      expect(e.message).toContain(error);
      expect(e.code).toBe(code);
    }
  });

  it('the same models, made honest, open: the checks refuse only what lies', () => {
    const open = (c: HostileCase) =>
      openModelFiles([{ name: 'model.onnx', bytes: c.model }, ...Object.entries(c.data ?? {}).map(([name, bytes]) => ({ name, bytes }))]);
    expect(open(external('0', '64')).summary.parameters.total).toBe(16);
    expect(open(external('0', undefined)).summary.parameters.total).toBe(16);
    expect(open(external('0064', '064', 128)).summary.parameters.total).toBe(16); // leading zeros are still decimal
    expect(open({ model: withWeight(rawTensor('w', [4, 4], 64)) }).summary.parameters.total).toBe(16);
    expect(open({ model: withWeight(rawTensor('w', [4, 4], 64), { inits: [rawTensor('e', [0, 4], 0)] }) }).summary.parameters.total).toBe(16);
  });
});
