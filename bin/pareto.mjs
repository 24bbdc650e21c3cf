#!/usr/bin/env node
// `npx pareto …`: runs the built CLI, dist/cli/pareto.mjs (made by `npm install`'s prepare step and by `npm test`).
// When the build is missing or older than a source file (a checkout without `npm install`, an edited source), it
// is rebuilt first (esbuild, under a second), so the CLI never runs stale code.
import { buildCli, isStale, output } from '../scripts/build-cli.mjs';
import { pathToFileURL } from 'node:url';

if (isStale()) await buildCli();
await import(pathToFileURL(output).href);
