import { randomBytes } from 'node:crypto';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { contentSecurityPolicy } from './src/security/csp.ts';

// Cross-origin isolation: onnxruntime-web needs SharedArrayBuffer for threads, and
// performance.now() gets 5 us resolution instead of 100 us. Served on dev and preview alike.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig(({ command }) => {
  // The dev server injects one inline module script (React Fast Refresh's preamble): it gets a nonce that is new
  // each time the server starts, and the policy names it. The built page has no inline script at all.
  const nonce = command === 'serve' ? randomBytes(18).toString('base64') : undefined;
  const csp = { 'Content-Security-Policy': contentSecurityPolicy({ nonce, dev: command === 'serve' }) };
  return {
    plugins: [
      react(),
      // The built page carries the policy itself (a static host may send no header). Not in dev: a <meta> policy
      // would apply on top of the header and block the dev server's nonce-tagged script.
      {
        name: 'pareto-csp-meta',
        apply: 'build',
        transformIndexHtml: () => [
          { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({}) }, injectTo: 'head-prepend' },
        ],
      },
    ],
    html: nonce ? { cspNonce: nonce } : undefined,
    server: { headers: { ...isolation, ...csp }, port: 5173 },
    preview: { headers: { ...isolation, 'Content-Security-Policy': contentSecurityPolicy({}) }, port: 4173 },
    worker: { format: 'es' },
    // No source maps in the build: they were 70 MB of the 132 MB a host would serve (TF.js's alone is 17 MB, once per
    // worker bundle), and a quarter of the build's time. `npx vite build --sourcemap` makes them for debugging.
    build: { target: 'es2022', sourcemap: false },
    // The dev server pre-bundles dependencies it finds by crawling from index.html. Web Workers are only found when
    // the page first starts one, and a dependency discovered then (fflate, onnxruntime-web/wasm) makes Vite
    // re-optimise and reload the page, losing the user's work. Crawling the workers up front, and naming what they
    // import, means the first "Make variant" or "Run benchmark" never reloads the page.
    optimizeDeps: {
      entries: ['index.html', 'src/workers/*.worker.ts'],
      include: ['fflate', 'comlink', 'onnxruntime-web', 'onnxruntime-web/wasm', 'valibot', 'zustand', 'recharts', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
    },
  };
});
