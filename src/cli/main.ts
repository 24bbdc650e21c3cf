/**
 * `pareto`: the command-line side of Pareto Studio. Run via `npx pareto …` (bin/pareto.mjs) or
 * `npm run pareto -- …`. Commands live in ./commands (one file each) and are registered in ./commands/index.ts.
 */
import { readFileSync } from 'node:fs';
import { cac } from 'cac';
import { commandName, type CommandIO } from './command';
import { commands } from './commands';
import { describeError, EXIT_OK, UsageError } from './errors';

/** The version in the package's own package.json: two folders up from src/cli, one from dist-cli (the built CLI). */
function version(): string {
  for (const up of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'pareto-studio' && pkg.version) return pkg.version;
    } catch {
      // not there: the other place
    }
  }
  return 'unknown';
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

/**
 * Runs `f` (synchronous: nothing else runs meanwhile) with console.info writing to `io`: cac prints its help text
 * with console.info, while parsing (--help) or when asked to.
 */
function viaIO<T>(io: CommandIO, f: () => T): T {
  const info = console.info;
  console.info = (...parts: unknown[]) => io.out(parts.join(' ') + '\n');
  try {
    return f();
  } finally {
    console.info = info;
  }
}

/**
 * Parse `argv` (without node and script), run the command, and return the exit code. Everything it prints goes
 * through `io` (cac's help text too), so it also runs in-process (tests) with its output captured. entry.ts runs it
 * as the `pareto` process.
 */
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
    const parsed = viaIO(io, () => cli.parse(['node', 'pareto', ...argv], { run: false }));
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
      viaIO(io, () => cli.outputHelp());
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

