#!/usr/bin/env node
// `npx pareto …`: runs the built CLI, dist-cli/pareto.mjs (made by `npm install`'s prepare step and by `npm test`).
// When the build is missing or older than a source file (a checkout without `npm install`, an edited source), it
// is rebuilt first (esbuild, under a second), so the CLI never runs stale code.

// Ctrl-C, SIGTERM or a closed terminal (SIGHUP) at any moment, start-up included, ends with a message. A command
// writing an output file installs its own handler (which removes the temp file); this one then leaves the work to it.
// SIGHUP last: Node itself already catches SIGINT and SIGTERM (to reset the terminal, then exit by the signal), so a
// caught SIGHUP is what shows that all three handlers are in place (src/cli/cli.test.ts waits for it).
const CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
for (const [sig, code] of Object.entries(CODES)) {
  process.on(sig, () => {
    if (process.listenerCount(sig) > 1) return;
    process.stderr.write(`\npareto: interrupted (${sig}); nothing written.\n`);
    process.exit(code);
  });
}

const { buildCli, isStale, output } = await import('../scripts/build-cli.mjs');
const { pathToFileURL } = await import('node:url');
if (isStale()) await buildCli();
await import(pathToFileURL(output).href);
