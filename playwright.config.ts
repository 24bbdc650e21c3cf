import { defineConfig } from '@playwright/test';
import { chromiumPath, chromiumTestArgs } from './e2e/browser';

// The tests start their own servers, on ports of their own, and never reuse one that is already listening: a
// foreign server on the port (another checkout's `vite preview`, say) makes the run fail with a message instead of
// testing the wrong app. PARETO_E2E_PORT moves both (dev server at that port + 1).
const port = Number(process.env.PARETO_E2E_PORT ?? 4317);
const devPort = port + 1;

const use = {
  launchOptions: { executablePath: chromiumPath(), args: chromiumTestArgs() },
  trace: 'off' as const,
};

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  // Every test is its own unit of work (no test depends on another), so the two workers share them test by test.
  fullyParallel: true,
  // Two tests at once: the unit tests beside them run at a lower priority (scripts/test.mjs), so the browser
  // tests get both cores when they need them (npm test 6 min 3 s with one worker, 5 min 17 s with two).
  workers: 2,
  reporter: [['list']],
  // Two projects, the dev server's one test first. A worker process (with its browser) serves one project, so every
  // project more starts more of them (each ~3 CPU-s): the build's specs are one project, whatever their length. Under
  // `npm test` this lane ends well before the unit tests beside it, which use whatever CPU it leaves at its end.
  projects: [
    // The dev server, as `npm start` serves it, with its dependency cache rebuilt (--force), as on a fresh clone.
    { name: 'dev', testMatch: /dev-server\.spec\.ts/, use: { ...use, baseURL: `http://localhost:${devPort}` } },
    // The production build (`vite build` then `vite preview`), as `npm run preview` serves it.
    { name: 'build', testIgnore: /dev-server\.spec\.ts/, use: { ...use, baseURL: `http://localhost:${port}` } },
  ],
  webServer: [
    {
      command: `node node_modules/vite/bin/vite.js preview --port ${port} --strictPort`,
      url: `http://localhost:${port}`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      command: `node node_modules/vite/bin/vite.js --force --port ${devPort} --strictPort`,
      url: `http://localhost:${devPort}`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
