/**
 * Throughput per instance on a target: typed figures as given, or benchmark points scaled to the target (by core
 * count or a typed factor) and bounded by the p99 SLO. Says where the figure comes from and when it is an estimate.
 */
import { own } from '../own';
import type { ChosenThroughput, ScaleInfo, ThroughputCandidate, ThroughputInfo } from './result';
import { implicitScale, type DeviceClass, type MeasuredThroughput, type Processor, type Variant } from './scenario';
import type { Context, ResolvedTarget } from './targets';
import { fmt } from './trace';

const deviceWord: Record<DeviceClass, string> = {
  laptop: 'laptop',
  desktop: 'desktop',
  server: 'server',
  cloud: 'cloud instance',
  phone: 'phone',
  other: 'device',
};

/** "1 core", "8 cores". */
const counted = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export interface BenchPoint {
  batchSize: number;
  itemsPerSecond: number;
  p99Ms: number;
  /** The measured interval of itemsPerSecond (level: of the median CI it comes from; absent: a fastest–slowest spread). */
  itemsPerSecondInterval?: { low: number; high: number; level?: number };
}

/**
 * SLO-bounded throughput: scale every measured point (items/s × factor, p99 × latencyFactor), drop batch sizes whose
 * p99 exceeds the SLO (or above `maxBatchSize`), and pick the highest throughput left (ties: the smaller batch).
 * `best` is null when no batch size is allowed: the variant is infeasible on that target.
 */
export function sloBoundedThroughput(
  points: readonly BenchPoint[],
  opts: { sloMs: number; factor: number; latencyFactor?: number; maxBatchSize?: number },
): { best: ThroughputCandidate | null; candidates: ThroughputCandidate[] } {
  const lf = opts.latencyFactor ?? 1;
  const candidates = [...points]
    .sort((a, b) => a.batchSize - b.batchSize)
    .map((p): ThroughputCandidate => {
      const p99 = p.p99Ms * lf;
      const reasons: string[] = [];
      if (p99 > opts.sloMs) reasons.push(`p99 ${fmt(p99)} ms exceeds the SLO of ${fmt(opts.sloMs)} ms`);
      if (opts.maxBatchSize !== undefined && p.batchSize > opts.maxBatchSize) reasons.push(`batch size above the maximum of ${opts.maxBatchSize}`);
      const iv = p.itemsPerSecondInterval;
      return {
        batchSize: p.batchSize,
        measuredItemsPerSecond: p.itemsPerSecond,
        itemsPerSecond: p.itemsPerSecond * opts.factor,
        ...(iv ? { interval: { low: iv.low * opts.factor, high: iv.high * opts.factor, level: iv.level ?? null } } : {}),
        p99Ms: p99,
        allowed: reasons.length === 0,
        ...(reasons.length ? { reason: reasons.join('; ') } : {}),
      };
    });
  let best: ThroughputCandidate | null = null;
  for (const c of candidates) if (c.allowed && (!best || c.itemsPerSecond > best.itemsPerSecond)) best = c;
  return { best, candidates };
}

function resolveScale(t: MeasuredThroughput, rt: ResolvedTarget): ScaleInfo {
  const target = rt.target;
  const method = target.scale?.method ?? implicitScale(target) ?? 'none';
  const dev = t.device;
  if (target.scale?.method === 'factor') {
    return { method: 'factor', factor: target.scale.factor, latencyFactor: target.scale.latencyFactor ?? 1, derivation: target.scale.derivation };
  }
  if (method === 'cores') {
    const cores = rt.summary.vcpus;
    if (cores === null) throw new Error('internal: core-count scaling without target cores (parseScenario checks this)');
    const factor = cores / dev.cores;
    return {
      method: 'cores',
      factor,
      latencyFactor: 1,
      derivation: `by core count: ${counted(cores, target.kind === 'edge' ? 'core' : 'vCPU')} (${rt.summary.name}) ÷ ${counted(dev.cores, 'core')} (${dev.name}) = ${fmt(factor)}`,
    };
  }
  return { method: 'none', factor: 1, latencyFactor: 1, derivation: `unscaled: taken as measured on ${dev.name}` };
}

/** What a target runs a model on: a GPU when it has an accelerator; users' devices may be either (null). */
export function targetProcessor(rt: ResolvedTarget): Processor | null {
  if (rt.target.kind === 'edge') return null;
  const gpu = rt.summary.instance?.accelerator || (rt.target.kind === 'owned' && rt.target.accelerator !== undefined);
  return gpu ? 'gpu' : 'cpu';
}

/**
 * Why a measured figure cannot be used on this target as it stands: it ran on another kind of processor (a CPU
 * benchmark for a GPU instance, a WebGPU one for a CPU instance), and the target states no factor. Null when it can.
 */
export function processorMismatch(t: MeasuredThroughput, rt: ResolvedTarget): string | null {
  const measured = t.device.processor;
  const target = targetProcessor(rt);
  if (!measured || !target || measured === target || rt.target.scale?.method === 'factor') return null;
  const word = (p: Processor) => (p === 'gpu' ? 'a GPU' : 'a CPU');
  return `measured on ${word(measured)} (${t.device.name}) while ${rt.summary.name} computes on ${word(target)}`;
}

/** The throughput of `variant` on `rt`: the SLO-bounded figure, or null (infeasible) with the reason. */
export function throughputFor(ctx: Context, variant: Variant, rt: ResolvedTarget): { info: ThroughputInfo; chosen: ChosenThroughput | null; reason: string; warnings: string[] } {
  const s = ctx.s;
  const t = variant.throughput;
  const slo = s.slo.p99Ms;
  const warnings: string[] = [];
  const where = `"${variant.name ?? variant.id}" on ${rt.summary.name}`;
  if (t.source === 'typed') {
    const typedHere = own(t.perTarget, rt.target.id);
    const fig = typedHere ?? t;
    const reasons: string[] = [];
    if (fig.p99Ms !== undefined && fig.p99Ms > slo) reasons.push(`typed p99 ${fmt(fig.p99Ms)} ms exceeds the SLO of ${fmt(slo)} ms`);
    if (fig.batchSize !== undefined && s.maxBatchSize !== undefined && fig.batchSize > s.maxBatchSize) {
      reasons.push(`typed batch size ${fig.batchSize} is above the maximum of ${s.maxBatchSize}`);
    }
    const candidate: ThroughputCandidate = {
      batchSize: fig.batchSize ?? null,
      measuredItemsPerSecond: fig.itemsPerSecond,
      itemsPerSecond: fig.itemsPerSecond,
      p99Ms: fig.p99Ms ?? null,
      allowed: reasons.length === 0,
      ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    };
    const label = typedHere ? `typed for ${rt.summary.name}` : 'typed (same figure for every target)';
    const info: ThroughputInfo = { source: 'typed', measuredOn: null, scale: null, estimate: false, label, candidates: [candidate] };
    if (fig.p99Ms === undefined) warnings.push(`Throughput of ${where} is typed without a p99: taken as meeting the ${fmt(slo)} ms SLO.`);
    if (!candidate.allowed) return { info, chosen: null, reason: `${where} is infeasible: ${candidate.reason}.`, warnings };
    return {
      info,
      chosen: { ...info, itemsPerSecond: candidate.itemsPerSecond, batchSize: candidate.batchSize, p99Ms: candidate.p99Ms, interval: null },
      reason: '',
      warnings,
    };
  }

  const mismatch = processorMismatch(t, rt);
  if (mismatch) {
    const info: ThroughputInfo = { source: 'measured', measuredOn: { ...t.device }, scale: null, estimate: true, label: `not inherited: ${mismatch}`, candidates: [] };
    return {
      info,
      chosen: null,
      reason: `${where}: ${mismatch}, so its throughput is not inherited: give this target a scaling factor with its derivation, or type the throughput for it`,
      warnings,
    };
  }
  const scale = resolveScale(t, rt);
  const { best, candidates } = sloBoundedThroughput(t.points, {
    sloMs: slo,
    factor: scale.factor,
    latencyFactor: scale.latencyFactor,
    ...(s.maxBatchSize !== undefined ? { maxBatchSize: s.maxBatchSize } : {}),
  });
  const dev = t.device;
  const devText = `${deviceWord[dev.class]} measurement (${dev.name}, ${counted(dev.cores, 'core')})`;
  const targetKind = rt.target.kind === 'cloud' ? 'cloud instance' : rt.target.kind === 'owned' ? 'server' : "users' devices";
  const crossDevice = scale.method !== 'none' || (rt.target.kind !== 'edge' && !['server', 'cloud'].includes(dev.class));
  const source = scale.method === 'none' ? 'measured' : 'scaled';
  const label =
    scale.method === 'none'
      ? `${devText}, unscaled`
      : `${devText} × ${fmt(scale.factor)}${scale.latencyFactor !== 1 ? `, p99 × ${fmt(scale.latencyFactor)}` : ''} (${scale.derivation})`;
  const info: ThroughputInfo = { source, measuredOn: { ...dev }, scale, estimate: crossDevice, label, candidates };
  if (crossDevice) {
    warnings.push(
      scale.method === 'none'
        ? `Throughput of ${where} is a ${devText} used unscaled for a ${targetKind}: not a measurement on ${rt.summary.name}.`
        : `Throughput of ${where} is a ${devText} scaled × ${fmt(scale.factor)} (${scale.derivation}): an estimate, not a ${targetKind} measurement.`,
    );
  }
  if (rt.target.kind !== 'edge' && scale.method === 'cores' && (rt.summary.instance?.accelerator || (rt.target.kind === 'owned' && rt.target.accelerator))) {
    warnings.push(`${rt.summary.name} has an accelerator, which core-count scaling ignores: type a factor derived from a benchmark on it.`);
  }
  if (!best) {
    const why = candidates.map((c) => `batch ${c.batchSize}: ${c.reason}`).join('; ');
    return { info, chosen: null, reason: `${where} is infeasible: no measured batch size meets the constraints (${why}).`, warnings };
  }
  return {
    info,
    chosen: { ...info, itemsPerSecond: best.itemsPerSecond, batchSize: best.batchSize, p99Ms: best.p99Ms, interval: best.interval ?? null },
    reason: '',
    warnings,
  };
}
