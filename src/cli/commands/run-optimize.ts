import type { CommandIO } from '../command';
import type { OptimizeJob } from '../optimize';

/**
 * What `pareto quantize` and `pareto prune` share once their options are checked: run the job with a progress bar on
 * stderr (only when it is a terminal), then print the result as JSON or as the summary with `layers` per-layer lines.
 * The heavy modules load here, lazily, so that `pareto --help` stays fast.
 */
export async function runAndPrint(
  job: Omit<OptimizeJob, 'inputPath' | 'progress'>,
  print: { json: boolean; layers: number | 'all' },
  io: CommandIO,
): Promise<void> {
  const [opt, { makeStyle }, { renderOptimize }, { resolve }] = await Promise.all([
    import('../optimize'),
    import('../render/text'),
    import('../optimize-render'),
    import('node:path'),
  ]);
  const bar = opt.makeProgress(job.command);
  let result;
  try {
    result = await opt.runOptimize({ ...job, inputPath: resolve(io.cwd, job.input), progress: bar.update });
  } finally {
    bar.done();
  }
  io.out(print.json ? JSON.stringify(result, null, 2) + '\n' : renderOptimize(result, { layers: print.layers, style: makeStyle(io.color) }));
}
