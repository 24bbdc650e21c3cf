import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture, enforced: imports flow one way (ui -> state -> workers -> core; runtimes -> core;
 * cli -> core/runtimes), and src/core stays pure (no React, stores, runtimes, Node built-ins or DOM).
 * tsconfig.core.json additionally compiles src/core without DOM or Node types.
 */
const SRC = resolve(__dirname);
const LAYERS = ['core', 'runtimes', 'workers', 'state', 'ui', 'cli'] as const;
type Layer = (typeof LAYERS)[number];

/** Which layers each layer may import. */
const ALLOWED: Record<Layer, Layer[]> = {
  core: ['core'],
  runtimes: ['core', 'runtimes'],
  workers: ['core', 'runtimes', 'workers'],
  state: ['core', 'workers', 'state'],
  ui: ['core', 'state', 'ui'],
  cli: ['core', 'runtimes', 'cli'],
};

/** Packages src/core may use: pure libraries that run anywhere. */
const CORE_PACKAGES = [/^@bufbuild\/protobuf/, /^onnx-buf$/, /^fflate$/, /^valibot$/];
const CORE_FORBIDDEN_GLOBALS = /\b(document|window|localStorage|sessionStorage|navigator|process|require)\s*[.([]/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

function layerOf(path: string): Layer | undefined {
  const top = relative(SRC, path).split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
}

function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

describe('architecture', () => {
  const all = files(SRC);

  it('finds the layers', () => {
    expect(all.some((f) => layerOf(f) === 'core')).toBe(true);
  });

  it('imports flow one way between layers', () => {
    const violations: string[] = [];
    for (const file of all) {
      const from = layerOf(file);
      if (!from) continue;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const to = layerOf(resolve(dirname(file), spec));
        if (to && !ALLOWED[from].includes(to)) violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('src/core imports only pure packages and uses no DOM or Node globals', () => {
    const violations: string[] = [];
    for (const file of all.filter((f) => layerOf(f) === 'core')) {
      const text = readFileSync(file, 'utf8');
      for (const spec of importsOf(text)) {
        if (spec.startsWith('.')) continue;
        if (!CORE_PACKAGES.some((re) => re.test(spec))) violations.push(`${relative(SRC, file)} imports ${spec}`);
      }
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      const m = code.match(CORE_FORBIDDEN_GLOBALS);
      if (m) violations.push(`${relative(SRC, file)} uses ${m[1]}`);
    }
    expect(violations).toEqual([]);
  });

  it('the rule itself catches a wrong-way import', () => {
    expect(ALLOWED.core.includes('ui')).toBe(false);
    expect(importsOf(`import { x } from '../../ui/app/App';`)).toEqual(['../../ui/app/App']);
    expect(CORE_FORBIDDEN_GLOBALS.test('const w = window.innerWidth')).toBe(true);
  });
});
