#!/usr/bin/env node
// `npx pareto …`: runs the built CLI, dist/cli/pareto.mjs (made by `npm install`'s prepare step and by `npm test`).
// When the build is missing or older than a source file (a checkout without `npm install`, an edited source), it
// is rebuilt first (esbuild, under a second), so the CLI never runs stale code.

// Ctrl-C or SIGTERM at any moment, start-up included, ends with a message. A command writing an output file
// installs its own handler (which removes the temp file); this one then leaves the work to it.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (process.listenerCount(sig) > 1) return;
    process.stderr.write(`\npareto: interrupted (${sig}); nothing written.\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  });
}

const { buildCli, isStale, output } = await import('../scripts/build-cli.mjs');
const { pathToFileURL } = await import('node:url');
if (isStale()) await buildCli();
await import(pathToFileURL(output).href);
