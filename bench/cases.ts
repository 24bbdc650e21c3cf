import { browserDrop } from './browser';
import { browserOptimize } from './browser-optimize';
import { browserBench } from './browser-bench';
import { cliInspect } from './cli-inspect';
import { writeMemory } from './memory';
import { onnxRead, onnxWrite } from './onnx-io';
import { pruneBench } from './prune';
import { quantizeBench } from './quantize';
import { harnessOverhead } from './harness-overhead';
import { chainBench } from './chain';
import { staticOcrBench } from './static-ocr';
import type { BenchCase } from './registry';

/** Every bench case, in the order of the table. Add new cases here (one file each). */
export const cases: readonly BenchCase[] = [onnxRead, onnxWrite, writeMemory, cliInspect, browserDrop, quantizeBench, pruneBench, browserOptimize, browserBench, harnessOverhead, chainBench, staticOcrBench];
