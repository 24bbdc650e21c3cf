import type { Page } from '@playwright/test';

/**
 * Records Content-Security-Policy violations on a page and in its workers: the page's `securitypolicyviolation`
 * events, and Chromium's console reports ("Refused to …", which workers' violations also produce).
 */
export async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  page.on('worker', (w) => {
    // Violations inside a worker are reported on the worker's own console.
    w.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(`worker ${w.url()}: ${m.text()}`);
    });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`));
  });
  return async () => [...seen, ...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []))];
}
