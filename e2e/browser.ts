import { existsSync } from 'node:fs';

/** Chromium used by e2e and bench: PARETO_CHROMIUM (or CHROMIUM_PATH) overrides /usr/bin/chromium. */
export function chromiumPath(): string {
  const path = process.env.PARETO_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `No Chromium found at ${path}. Install it (Debian: apt-get install -y chromium) ` +
        `or point PARETO_CHROMIUM at a Chrome/Chromium binary.`,
    );
  }
  return path;
}

/** Flags that work headless as root on a machine with no outside network. */
export function chromiumArgs(): string[] {
  return [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--enable-unsafe-webgpu',
  ];
}

/**
 * V8 flags for the test browsers only (never for `npm run bench`): WebAssembly runs on V8's baseline compiler (Liftoff)
 * only, with no tier-up to its optimizing one (TurboFan). Every benchmark cell and optimize job runs in a fresh worker
 * that instantiates onnxruntime-web's 14-28 MB module, and by default V8 then recompiles its hot functions with TurboFan
 * on background threads: for the short runs of the tests that compilation cost more than it saved (PP-OCRv4 rec on
 * WebGPU at 48×16: 8.5 s with tier-up, 6.1 s without; the whole e2e suite 214 s → 166 s, its renderers' CPU time
 * 193 s → 124 s; measured when each worker still compiled its own copy of the module; the page now compiles it once and
 * its workers share the code, but each test is a new page, and its runs are still short). Semantics are the same on
 * either tier; only speed differs, and no test measures speed. (Vitest's workers keep the default: there one module instance serves a whole worker, and tier-up pays off.)
 */
const V8_TEST_FLAGS = ['--liftoff-only'];

/**
 * Extra flags for the tests only (playwright.config.ts, support.reality.test.ts), never for `npm run bench`, whose
 * WebGPU figures stay those of Chromium's defaults. `disable_workgroup_init` stops Dawn from zero-filling each shader's workgroup memory at entry:
 * on the software (SwiftShader) adapter that code made shader compilation, which a model pays on its first WebGPU run,
 * 5-8 times slower (PP-OCRv4 det at 32×32: 26 s first run, 3.4 s with it; Silero VAD v5: 3.5 s, 0.7 s). It changes no
 * op's placement, no pipeline's validity and no error a run meets; only a kernel that read workgroup memory before
 * writing it would see other values, and none here does: PP-OCRv4 rec and cls and Silero v5 and legacy gave the same
 * outputs with and without it. Dawn's `skip_validation` would hide a validation error a product run meets, so it is
 * not used; `disable_robustness` saved nothing measurable.
 */
export function chromiumTestArgs(): string[] {
  return [...chromiumArgs(), '--enable-dawn-features=disable_workgroup_init', `--js-flags=${V8_TEST_FLAGS.join(',')}`];
}
