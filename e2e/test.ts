import { expect, test as base } from '@playwright/test';
import { watchCsp } from './csp-watch';

/**
 * Playwright's `test` for the app's specs: a test fails when its page threw an uncaught error, or raised a
 * Content-Security-Policy violation. So the whole suite (open, optimize, benchmark on WASM and WebGPU, trade-off
 * export, costs, …) runs under the app's policy and proves it blocks nothing the app does.
 */
export const test = base.extend<{ cspClean: void; noPageErrors: void }>({
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
      const violations = await watchCsp(page);
      await use();
      expect(await violations().catch(() => []), 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
export type { Locator, Page } from '@playwright/test';
