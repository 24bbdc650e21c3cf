/**
 * The app's Content-Security-Policy: everything from its own origin, nothing from anywhere else. Sent as a header by
 * `npm start` and `npm run preview` (vite.config.ts) and set in the built page by a <meta> tag
 * added at build time, so a static host that sends no header still gets it.
 *
 * - script-src 'self' 'wasm-unsafe-eval': our modules, and compiling WebAssembly (onnxruntime-web, our SIMD kernels);
 *   no inline scripts, no eval. The dev server's one inline script (React Fast Refresh) is allowed by a nonce.
 * - worker-src 'self' blob: our Web Workers; onnxruntime-web starts its thread workers from blob: URLs.
 * - connect-src 'self' blob: data: fetching the samples and onnxruntime-web's .wasm from this origin; the dev server
 *   also needs its WebSocket (ws:) for hot reload.
 * - img-src 'self' data: blob: chart export draws an SVG through a data: URL; downloads are blob: URLs.
 * - style-src 'self': the built app's stylesheet; the dev server's injected <style> elements carry the nonce. (React
 *   and the charts set styles through the DOM, which a policy does not restrict.)
 * - object-src 'none', base-uri 'self', form-action 'none'.
 */
export function contentSecurityPolicy(options: { nonce?: string; dev?: boolean }): string {
  const script = ["'self'", "'wasm-unsafe-eval'", ...(options.nonce ? [`'nonce-${options.nonce}'`] : [])];
  const connect = ["'self'", 'blob:', 'data:', ...(options.dev ? ['ws:'] : [])];
  return [
    "default-src 'self'",
    `script-src ${script.join(' ')}`,
    "worker-src 'self' blob:",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' data: blob:",
    `style-src ${["'self'", ...(options.nonce ? [`'nonce-${options.nonce}'`] : [])].join(' ')}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}
