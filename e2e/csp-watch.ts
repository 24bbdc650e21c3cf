import type { ConsoleMessage, Page } from '@playwright/test';

/**
 * Records Content-Security-Policy violations on a page: its `securitypolicyviolation` events and Chromium's console
 * reports. (A worker's violations reach neither; a blocked worker fails the work it was doing instead.)
 */
export async function watchCsp(page: Page): Promise<{ violations: () => Promise<string[]>; dispose: () => Promise<void> }> {
  const seen: string[] = [];
  const onConsole = (m: ConsoleMessage) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(`console: ${m.text()}`);
  };
  page.on('console', onConsole);
  const script = await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`));
  });
  return {
    violations: async () => [...seen, ...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []))],
    /** Stops watching (the page may serve another test). */
    dispose: async () => {
      page.off('console', onConsole);
      await script.dispose();
    },
  };
}
