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
});
