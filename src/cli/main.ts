/**
 * `pareto`: the command-line side of Pareto Studio. Run via `npx pareto …` (bin/pareto.mjs) or
 * `npm run pareto -- …`. The program itself is ./program.ts (main(argv, io), callable in-process).
 */
import { main } from './program';

// Piped into `head` and the reader went away: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
