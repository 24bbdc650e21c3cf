import { expect, test as base, type BrowserContext, type Page } from '@playwright/test';
import { watchCsp } from './csp-watch';

/**
 * Playwright's `test` for the app's specs: a test fails when its page threw an uncaught error, or raised a
 * Content-Security-Policy violation. So the whole suite (open, optimize, benchmark on WASM and WebGPU, trade-off
 * export, costs, …) runs under the app's policy and proves it blocks nothing the app does.
 *
 * One tab per Playwright worker serves its tests in turn: each test still starts from a fresh document (its first step
 * is `page.goto`), with nothing kept from the test before: after each test the tab leaves the app (about:blank, which
 * ends its workers), the origin's storage is cleared (the workspace lives in IndexedDB), and the test's listeners,
 * routes and init scripts are removed. A fresh browser context per test, Playwright's default, starts a new renderer
 * process that parses and compiles the app again: opening the app took 2.1 CPU-s that way, 0.8 CPU-s in a reused tab
 * (this 2-core machine); 16 of the suite's shorter tests 62.7 → 58.0 CPU-s, the whole e2e stage 376 → 336 CPU-s (one
 * run each; timings here vary by 10%). Tests that need a second, separate context (share.spec.ts's reader) make one
 * from `browser`.
 */
export const test = base.extend<{ cspClean: void; noPageErrors: void }, { workerContext: BrowserContext; workerPage: Page }>({
  workerContext: [
    async ({ browser }, use, workerInfo) => {
      const context = await browser.newContext({ baseURL: workerInfo.project.use.baseURL });
      await use(context);
      await context.close();
    },
    { scope: 'worker' },
  ],
  workerPage: [async ({ workerContext }, use) => use(await workerContext.newPage()), { scope: 'worker' }],
  context: async ({ workerContext }, use) => use(workerContext),
  page: async ({ workerPage: page, baseURL }, use) => {
    await use(page);
    page.removeAllListeners();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.goto('about:blank');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(baseURL!).origin, storageTypes: 'all' });
    await cdp.detach();
  },
  noPageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await use();
      expect(errors, 'uncaught page errors').toEqual([]);
    },
    { auto: true },
  ],
  cspClean: [
    async ({ page }, use) => {
      const { violations, dispose } = await watchCsp(page);
      await use();
      expect(await violations().catch(() => []), 'Content-Security-Policy violations').toEqual([]);
      await dispose();
    },
    { auto: true },
  ],
});

export { expect };
export type { Locator, Page } from '@playwright/test';
