import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation: onnxruntime-web needs SharedArrayBuffer for threads, and
// performance.now() gets 5 us resolution instead of 100 us. Served on dev and preview alike.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolation, port: 5173 },
  preview: { headers: isolation, port: 4173 },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  // The dev server pre-bundles dependencies it finds by crawling from index.html. Web Workers are only found when
  // the page first starts one, and a dependency discovered then (fflate, onnxruntime-web/wasm) makes Vite
  // re-optimise and reload the page, losing the user's work. Crawling the workers up front, and naming what they
  // import, means the first "Make variant" or "Run benchmark" never reloads the page.
  optimizeDeps: {
    entries: ['index.html', 'src/workers/*.worker.ts'],
    include: ['fflate', 'comlink', 'onnxruntime-web', 'onnxruntime-web/wasm', 'valibot', 'zustand', 'recharts'],
  },
});
