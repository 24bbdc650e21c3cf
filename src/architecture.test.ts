import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The architecture, enforced: imports flow one way (ui -> state -> workers -> core; runtimes -> core;
 * cli -> core/runtimes), src/core stays pure (no React, stores, runtimes, Node built-ins or DOM), only src/runtimes
 * imports a runtime (onnxruntime-*, TF.js; tests too), core's own rules hold (formats never import inspect), and no
 * module imports itself through a cycle. Side-effect imports (`import './x'`) count like any other.
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

/** Source files under `dir`; with `tests`, test files (and `.testkit.ts` test helpers) too. */
function files(dir: string, tests = false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p, tests);
    return /\.(ts|tsx)$/.test(name) && (tests || !/\.(test|testkit)\.tsx?$/.test(name)) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Packages that are runtimes: only src/runtimes imports them. */
const RUNTIME_PACKAGES = /^(onnxruntime-|@tensorflow\/)/;

/** Rules inside core: [importing folder, imported folder, why]. */
const CORE_RULES: [string, string, string][] = [
  ['core/formats', 'core/inspect', 'formats read files; summarising a model is a layer above (core/model)'],
  ['core/data', 'core/bench', 'file readers know nothing of benchmarks'],
];

function layerOf(path: string): Layer | undefined {
  const top = relative(SRC, path).split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top) ? (top as Layer) : undefined;
}

/** Every module a source names: static, side-effect (`import './x'`), dynamic and `new URL(...)` imports. */
function importsOf(source: string): string[] {
  const out: string[] = [];
  const re =
    /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}

/** The file a relative import names (extension and /index resolved), or undefined for a package or an asset. */
function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(c) && statSync(c).isFile() && /\.tsx?$/.test(c)) return c;
  }
  return undefined;
}

/** Import cycles among `modules` (each reported once, as the chain of files). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const seen = new Set<string>();
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const to of graph.get(f) ?? []) {
      if (state.get(to) === 'open') {
        const cycle = stack.slice(stack.indexOf(to));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          found.push([...cycle, to]);
        }
      } else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

const folderOf = (file: string) => relative(SRC, file).split(/[\\/]/).slice(0, 2).join('/');

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

  it('only src/runtimes imports a runtime package (tests included; onnxruntime in bench, scripts and e2e too)', () => {
    const violations: string[] = [];
    const check = (file: string, packages: RegExp) => {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) if (packages.test(spec)) violations.push(`${relative(SRC, file)} imports ${spec}`);
    };
    for (const file of files(SRC, true)) if (layerOf(file) !== 'runtimes') check(file, RUNTIME_PACKAGES);
    // The sample-training scripts use TF.js as a library (training), not as an inference runtime.
    const outside = ['../bench', '../scripts', '../e2e'].map((d) => resolve(SRC, d)).filter((d) => existsSync(d));
    for (const file of outside.flatMap((d) => files(d, true))) check(file, /^onnxruntime-/);
    expect(violations).toEqual([]);
  });

  it('core keeps its own rules (formats never import inspect)', () => {
    const violations: string[] = [];
    for (const file of all) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const to = resolveImport(file, spec);
        if (!to) continue;
        for (const [a, b, why] of CORE_RULES) {
          if (folderOf(file) === a && folderOf(to) === b) violations.push(`${relative(SRC, file)} imports ${spec}: ${why}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('no file imports a test file (shared test helpers are .testkit.ts: importing a test file runs its tests again)', () => {
    const violations: string[] = [];
    for (const file of files(SRC, true)) for (const spec of importsOf(readFileSync(file, 'utf8'))) if (/\.test(\.tsx?)?$/.test(spec)) violations.push(`${relative(SRC, file)} imports ${spec}`);
    expect(violations).toEqual([]);
  });

  it('no import cycles anywhere in src', () => {
    const graph = new Map<string, string[]>();
    for (const file of all) {
      const to = importsOf(readFileSync(file, 'utf8')).map((s) => resolveImport(file, s)).filter((t): t is string => t !== undefined);
      graph.set(file, [...new Set(to)]);
    }
    expect(cyclesOf(graph).map((c) => c.map((f) => relative(SRC, f)).join(' -> '))).toEqual([]);
  });

  it('no code file over 500 lines (src, e2e, bench, scripts; tests included)', () => {
    const root = resolve(SRC, '..');
    const code = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) return code(p);
        return /\.(ts|tsx|mjs|js)$/.test(name) ? [p] : [];
      });
    const long = ['src', 'e2e', 'bench', 'scripts']
      .flatMap((d) => code(join(root, d)))
      .map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length - 1] as const)
      .filter(([, lines]) => lines > 500)
      .map(([f, lines]) => `${f}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it('the rule itself catches a wrong-way import', () => {
    expect(ALLOWED.core.includes('ui')).toBe(false);
    expect(importsOf(`import { x } from '../../ui/app/App';`)).toEqual(['../../ui/app/App']);
    expect(CORE_FORBIDDEN_GLOBALS.test('const w = window.innerWidth')).toBe(true);
    expect(importsOf(`import './styles.css';\nimport type { A } from './a';`)).toEqual(['./styles.css', './a']);
    const [a, b, c] = ['a', 'b', 'c'];
    expect(cyclesOf(new Map([[a, [b]], [b, [c]], [c, [a]]]))).toEqual([[a, b, c, a]]);
    expect(cyclesOf(new Map([[a, [b]], [b, [c]], [c, []]]))).toEqual([]);
  });
});

describe('test isolation (vitest.config.ts)', () => {
  // (onnxruntime's env is set by some shared files too: each sets the same single WASM thread, and a log level.)
  it('every test file that sets a store\'s state or stubs a global runs in a module graph of its own', async () => {
    const { ISOLATED } = await import('../vitest.config');
    const root = resolve(SRC, '..');
    const mutating = files(SRC, true)
      .filter((f) => f.endsWith('.test.ts'))
      .filter((f) => /\.setState\(|vi\.stubGlobal\(|(globalThis|WebAssembly)\.\w+\s*=(?!=)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(mutating.length).toBeGreaterThan(0);
    expect(mutating.filter((f) => !ISOLATED.includes(f))).toEqual([]);
  });
});
