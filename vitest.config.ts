import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files that change state other files would see, so each runs in a fresh module graph of its own: the zustand
 * store (the files that set its state or call its actions), onnxruntime's global env (its log level, WASM threads, its
 * wasmBinary), stubbed globals (WebAssembly.instantiate among them). The other src/state and src/ui files test pure
 * functions and render with react-dom/server: they share (each file here costs a process and a fresh import of its
 * modules, ~0.2 CPU-s).
 */
export const ISOLATED = [
  'src/state/actions.test.ts',
  'src/state/cost-actions.test.ts',
  'src/state/report.test.ts',
  'src/cli/bench.test.ts',
  'src/core/bench/harness.test.ts',
  'src/core/bench/support.reality.test.ts',
  'src/runtimes/wasm-modules.test.ts',
];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    // One test file per core (Vitest's default leaves one core idle, which on a 2-core machine halves the speed).
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
      // Every other file shares its worker's module graph with the files run before it (no re-import of the core,
      // onnxruntime and the samples per file): about a third less time on a 2-core machine. Their state is their own
      // (fixtures built per file, no module-level mutation of shared modules); a file that needs more goes above.
      { extends: true, test: { name: 'shared', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
    ],
  },
});
