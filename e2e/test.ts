import { expect, test as base } from '@playwright/test';
import { watchCsp } from './csp-watch';

/**
 * Playwright's `test` for the app's specs: every page is watched for Content-Security-Policy violations, and a test
 * whose page raised one fails. So the whole suite (open, optimize, benchmark on WASM and WebGPU, trade-off export,
 * costs, …) runs under the app's policy and proves it blocks nothing the app does.
 */
export const test = base.extend<{ cspClean: void }>({
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
