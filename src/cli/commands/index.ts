import type { CliCommand } from '../command';
import { bench } from './bench';
import { convert } from './convert';
import { inspect } from './inspect';
import { prune } from './prune';
import { quantize } from './quantize';
import { report } from './report';
import { tco } from './tco';

/**
 * Every `pareto` command, in the order `pareto --help` lists them. To add one (quantize, prune, bench, tco):
 * write src/cli/commands/<name>.ts exporting a CliCommand and add it here.
 */
export const commands: readonly CliCommand[] = [inspect, convert, quantize, prune, bench, tco, report];
