import type { CliCommand } from '../command';

/**
 * `pareto report <bench.json>… [--tco scenario.json] --url <base>`: the shareable report of `pareto bench --json`
 * results (and a TCO scenario), built by the same core as the app's Share button (src/core/report), printed as a
 * link whose fragment holds the report; `--markdown` prints a Markdown summary, `--json` the report file. The first
 * file's model is the original, the other model files its variants. Each model file named in a result is hashed
 * (SHA-256) when it can still be read.
 */
export const report: CliCommand = {
  signature: 'report <...bench>',
  description: 'A shareable report (a link whose #fragment holds it, Markdown or JSON) from `pareto bench --json` results and a TCO scenario',
  options: [
    { flags: '--tco <scenario>', description: 'A TCO scenario (docs/tco.md): its traffic, SLO and targets price the results' },
    { flags: '--url <base>', description: 'The app\'s address the link opens (default: http://localhost:5173/, as `npm start` serves it)' },
    { flags: '--title <text>', description: 'The report\'s title (default: "Benchmark of <first model>")' },
    { flags: '--markdown', description: 'Print a Markdown summary (with the link) instead of the link' },
    { flags: '--json', description: 'Print the report as JSON (the report file the app opens; same schema as the link)' },
  ],
  examples: [
    'pareto bench model.onnx --json > original.json',
    'pareto bench model.int8.onnx --data x.npy --labels y.npy --json > int8.json',
    'pareto report original.json int8.json --tco examples/scenario.json --url https://studio.example.com/',
  ],
  async run(args, options, io) {
    // cac hands a variadic argument over as one array.
    const files = (args as unknown[]).flat().map(String);
    const [{ readFileOrFail }, { CliError, UsageError, EXIT_FAILURE }, { resolve, dirname }, { readFileSync }, { createHash }, core, codec, exp] = await Promise.all([
      import('../load'),
      import('../errors'),
      import('node:path'),
      import('node:fs'),
      import('node:crypto'),
      import('../../core/report/bench-json'),
      import('../../core/report/codec'),
      import('../../core/report/export'),
    ]);
    if (files.length === 0) throw new UsageError('give at least one `pareto bench --json` result file.');
    if (options.markdown && options.json) throw new UsageError('choose one of --markdown and --json.');
    const readJson = (path: string, what: string): unknown => {
      const bytes = readFileOrFail(resolve(io.cwd, path), what, 64 * 1024 * 1024);
      try {
        return JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new CliError(`cannot read the ${what} "${path}" as JSON: ${e instanceof Error ? e.message : String(e)}.`);
      }
    };
    const hash = (modelPath: string, benchFile: string): string | null => {
      for (const p of [resolve(io.cwd, modelPath), resolve(dirname(resolve(io.cwd, benchFile)), modelPath)]) {
        try {
          return createHash('sha256').update(readFileSync(p)).digest('hex');
        } catch {
          /* not there: try the next place */
        }
      }
      return null;
    };
    try {
      const benches = files.map((file) => {
        const json = core.checkBenchJson(readJson(file, 'bench result'), file);
        return { file, json, sha256: hash(json.model.path, file) };
      });
      const scenario = typeof options.tco === 'string' ? readJson(options.tco, 'scenario') : null;
      if (scenario !== null && (typeof scenario !== 'object' || Array.isArray(scenario))) throw new CliError(`the scenario "${String(options.tco)}" is not a JSON object.`);
      const r = core.reportFromBenchJson(benches, scenario as Record<string, unknown> | null, { title: typeof options.title === 'string' ? options.title : undefined });
      if (options.json) {
        io.out(exp.reportJson(r));
        return;
      }
      const base = typeof options.url === 'string' ? options.url : 'http://localhost:5173/';
      if (!/^https?:\/\/\S+$/.test(base)) throw new UsageError(`--url must be an http(s) address, not "${base}".`);
      const link = codec.reportLink(r, base);
      const verdict = codec.linkVerdict(link.length);
      if (options.markdown) {
        io.out(exp.reportMarkdown(r, verdict.ok ? { link } : {}));
        if (!verdict.ok) io.err(`pareto: ${verdict.message} (the Markdown has no link; write the file with --json).\n`);
        return;
      }
      if (!verdict.ok) {
        io.err(`pareto: error: ${verdict.message} Write it with --json > report.json and open that in the app (Open report file).\n`);
        return EXIT_FAILURE;
      }
      io.out(`${link}\n`);
    } catch (e) {
      if (e instanceof core.BenchJsonError) throw new CliError(`${e.message}.`);
      throw e;
    }
  },
};
