/**
 * Runs the `pareto` CLI in this process, as the tests do: the same main() as the `pareto` process (entry.ts), with
 * stdout and stderr captured. It skips only the process around it (Node start-up, loading the bundle and
 * onnxruntime again): about a third of a second a call. What needs a real process (signals, pipes, files that
 * block on read, the bin script's own rebuild) is tested by spawning bin/pareto.mjs.
 */
import { main } from './main';

export interface CliResult {
  /** Exit code. */
  status: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  /** Working directory for relative paths (default: this process's). */
  cwd?: string;
  /** Colour on, as with FORCE_COLOR=1 (default: off, as when piped). */
  color?: boolean;
}

export async function runCli(args: readonly string[], options: InProcessOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, {
    out: (s) => void (stdout += s),
    err: (s) => void (stderr += s),
    color: options.color ?? false,
    cwd: options.cwd ?? process.cwd(),
  });
  return { status, stdout, stderr };
}
