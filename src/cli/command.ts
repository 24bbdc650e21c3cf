/**
 * The shape of one CLI command. Each command lives in its own file under ./commands and is listed once in
 * ./commands/index.ts; main.ts registers every listed command with cac and runs the matched one.
 */
export interface CommandOption {
  /** cac flags, e.g. '--json' or '--layers <n>'. */
  flags: string;
  description: string;
  default?: string | number | boolean;
}

export interface CommandIO {
  /** Write to stdout (no newline added). */
  out(text: string): void;
  /** Write to stderr (no newline added). */
  err(text: string): void;
  /** True when stdout is a terminal and colour is allowed (no NO_COLOR, not piped). */
  color: boolean;
  /** Working directory for relative paths. */
  cwd: string;
}

export interface CliCommand {
  /** cac command signature: the name, then `<required>` and `[optional]` arguments. */
  signature: string;
  description: string;
  options?: CommandOption[];
  examples?: string[];
  /**
   * Run the command. `args` are the positional arguments in signature order, `options` the parsed options
   * (camelCased). Throw UsageError for a bad command line, CliError/ParetoError for bad input. Returns the
   * exit code (default 0).
   */
  run(args: string[], options: Record<string, unknown>, io: CommandIO): Promise<number | void>;
}

/** The command name of a signature ("inspect <model>" -> "inspect"). */
export const commandName = (c: CliCommand) => c.signature.split(' ')[0];
