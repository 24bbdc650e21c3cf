import { isParetoError } from '../core/errors';

/** Exit codes of the `pareto` CLI (documented in docs/cli.md). */
export const EXIT_OK = 0;
/** The input could not be used: unreadable file, bad model, missing external data. */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong: unknown command or option, missing argument, bad option value. */
const EXIT_USAGE = 2;

/** A wrong command line. Printed with a hint to `--help`, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure the CLI detected itself (e.g. file not found). Printed without a stack, exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** cac throws its own CACError for unknown options, missing args, unused args and missing option values. */
function isCacError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'CACError';
}

/**
 * What to print on stderr and which exit code to use for an error raised by a command.
 * Expected errors get one line (no stack); anything else is a bug and keeps its stack.
 */
export function describeError(e: unknown, command?: string): { message: string; exitCode: number } {
  const help = command ? `pareto ${command} --help` : 'pareto --help';
  if (e instanceof UsageError || isCacError(e)) {
    return { message: `pareto: error: ${(e as Error).message}\nRun \`${help}\` for usage.`, exitCode: EXIT_USAGE };
  }
  if (isParetoError(e) || e instanceof CliError) {
    return { message: `pareto: error: ${e.message}`, exitCode: EXIT_FAILURE };
  }
  const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return { message: `pareto: internal error (please report it): ${detail}`, exitCode: EXIT_FAILURE };
}
