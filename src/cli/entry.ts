/**
 * The `pareto` process (bundled into dist-cli/pareto.mjs by scripts/build-cli.mjs; bin/pareto.mjs runs it): runs
 * main.ts's main() on the command line and exits with its code.
 */
import { main } from './main';

// Piped into `head` and the reader went away: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
