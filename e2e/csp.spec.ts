import { expect, test } from './test';
import { watchCsp } from './csp-watch';

test('the built app sends and carries a Content-Security-Policy that allows only its own origin', async ({ browser, baseURL, request }) => {
  const res = await request.get('/');
  const header = res.headers()['content-security-policy'];
  expect(header).toContain("default-src 'self'");
  expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(header).toContain("object-src 'none'");
  expect(header).not.toContain('unsafe-inline');
  expect(header).not.toMatch(/\s'unsafe-eval'/);
  const html = await res.text();
  expect(html).toContain('http-equiv="Content-Security-Policy"');

  // The watcher sees a violation where there is one (so its silence below means something); in a context of its own,
  // so that the violation provoked here is not this test's own page's (which e2e/test.ts watches).
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const { violations } = await watchCsp(page);
  await page.goto('/');
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inline = 1';
    document.body.append(s);
  });
  await expect.poll(async () => (await violations()).join('\n'), { timeout: 10_000 }).toMatch(/script-src/);
  expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
  // Workers run under the same policy: one cannot reach another origin. (A violation inside a worker reaches no
  // page event; anything the app's workers need that the policy blocked would fail the workflow below.)
  const fromWorker = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const src = "fetch('http://127.0.0.1:9/').then(() => postMessage('fetched'), (e) => postMessage('refused: ' + e))";
        const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
        w.onmessage = (e) => resolve(String(e.data));
      }),
  );
  expect(fromWorker).toMatch(/^refused/);
  await context.close();
});

// The whole workflow (open, optimize, benchmark on WASM and WebGPU, trade-off export, costs) runs under the policy
// in the other specs: e2e/test.ts fails any test whose page raised a violation.
