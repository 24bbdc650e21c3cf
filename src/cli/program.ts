/**
 * The `pareto` program: parse argv, run the matched command, return the exit code. ./main.ts runs it on the process's
 * argv; tests call `main(argv, io)` in-process (the same parsing and commands, no spawn). Commands live in ./commands
 * (one file each) and are registered in ./commands/index.ts.
 */
import { readFileSync } from 'node:fs';
import { cac } from 'cac';
import { commandName, type CommandIO } from './command';
import { commands } from './commands';
import { describeError, EXIT_OK, UsageError } from './errors';

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function defaultIO(): CommandIO {
  const env = process.env;
  const color = env.FORCE_COLOR ? env.FORCE_COLOR !== '0' : Boolean(process.stdout.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    color,
    cwd: process.cwd(),
  };
}

/** Parse `argv` (without node and script), run the command, and return the exit code. */
export async function main(argv: readonly string[], io: CommandIO = defaultIO()): Promise<number> {
  const cli = cac('pareto');
  for (const c of commands) {
    const cmd = cli.command(c.signature, c.description);
    for (const o of c.options ?? []) cmd.option(o.flags, o.description, o.default === undefined ? undefined : { default: o.default });
    for (const e of c.examples ?? []) cmd.example(e);
    cmd.action((...a: unknown[]) => {
      const options = a.pop() as Record<string, unknown>;
      return c.run(a as string[], options, io);
    });
  }
  cli.option('-v, --version', 'Print the version');
  cli.help((sections) => [
    ...sections.map((sec) => ({
      title: sec.title,
      body:
        !sec.title && sec.body === 'pareto'
          ? `pareto ${version()}: inspect, optimize and benchmark ML models on your own machine`
          : sec.body
              .split('\n')
              .map((l) => (sec.title === 'Examples' ? `  $ ${l}` : l).trimEnd())
              .join('\n'),
    })),
    {
      title: 'Exit codes',
      body: '  0  success\n  1  the input could not be used (unreadable file, invalid model, missing external data)\n  2  usage error (unknown command or option, missing argument)',
    },
    { title: 'Documentation', body: '  docs/cli.md (commands, JSON output keys)' },
  ]);

  let matched: string | undefined;
  try {
    const parsed = cli.parse(['node', 'pareto', ...argv], { run: false });
    matched = cli.matchedCommandName;
    if (parsed.options.help) return EXIT_OK; // cac printed the help
    if (!cli.matchedCommand) {
      if (parsed.args.length > 0) {
        const known = commands.map(commandName).join(', ');
        throw new UsageError(`unknown command "${parsed.args[0]}" (commands: ${known}).`);
      }
      if (parsed.options.version) {
        io.out(`pareto ${version()}\n`);
        return EXIT_OK;
      }
      const unknown = Object.keys(parsed.options).filter((k) => k !== '--' && k !== 'v' && k !== 'version');
      if (unknown.length > 0) {
        throw new UsageError(`unknown option ${unknown.map((k) => (k.length > 1 ? `--${k}` : `-${k}`)).join(', ')}.`);
      }
      cli.outputHelp();
      return EXIT_OK;
    }
    const code = await cli.runMatchedCommand();
    return typeof code === 'number' ? code : EXIT_OK;
  } catch (e) {
    const { message, exitCode } = describeError(e, matched);
    io.err(message + '\n');
    return exitCode;
  }
}
