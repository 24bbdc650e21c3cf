import type { CommandIO } from '../command';
import type { OptimizeJob } from '../optimize';

/** What quantize and prune use to check their options and inputs, loaded lazily so that `pareto --help` stays fast. */
export async function optimizeKit() {
  const [options, recipe, output, names, samples] = await Promise.all([
    import('../options'),
    import('../check-recipe'),
    import('../output-file'),
    import('../model-names'),
    import('../sample-inputs'),
  ]);
  return { ...options, ...recipe, ...output, ...names, ...samples };
}

/**
 * What `pareto quantize` and `pareto prune` share once their options are checked: run the job with a progress bar on
 * stderr (only when it is a terminal), then print the result as JSON or as the summary with `layers` per-layer lines.
 * The heavy modules load here, lazily.
 */
export async function runAndPrint(job: Omit<OptimizeJob, 'progress'>, print: { json: boolean; layers: number | 'all' }, io: CommandIO): Promise<void> {
  const [opt, { makeProgress }, { makeStyle }, { renderOptimize }] = await Promise.all([
    import('../optimize'),
    import('../progress'),
    import('../render/text'),
    import('../optimize-render'),
  ]);
  const bar = makeProgress(job.command);
  let result;
  try {
    result = await opt.runOptimize({ ...job, progress: bar.update });
  } finally {
    bar.done();
  }
  io.out(print.json ? JSON.stringify(result, null, 2) + '\n' : renderOptimize(result, { layers: print.layers, style: makeStyle(io.color) }));
  // A variant whose fidelity could not be measured is not a result to trust silently: the file is written, the
  // exit code says so (--no-fidelity accepts it).
  if (result.fidelity.error) {
    const { CliError } = await import('../errors');
    throw new CliError(
      `the variant was written to ${result.output}, but its fidelity could not be measured (${result.fidelity.error}); ` +
        'check that onnxruntime can run it, or pass --no-fidelity to skip the check.',
    );
  }
}
