/**
 * A parsed scenario as a form (draft.ts): for the example scenario and for imported files.
 *
 * Pure: no DOM, no React, no store.
 */
import { dict } from '../own';
import { blankDraft, newTarget, newVariant, type CostDraft, type DraftPerTarget, type DraftTarget, type DraftVariant, type Text } from './draft';
import type { Scenario } from './scenario';

const t = (x: number | undefined): Text => (x === undefined ? '' : String(x));
/** A fraction as percent text, without float noise (0.37 → "37", not "37.00000000000001"). */
const asPct = (x: number | undefined): Text => (x === undefined ? '' : String(Number((x * 100).toPrecision(12))));

/** A parsed scenario as a form (for the example and for imported files). */
export function draftFromScenario(s: Scenario): CostDraft {
  const d = blankDraft();
  const variants = s.variants.map((v): DraftVariant => {
    const base = { ...newVariant(v.id, v.name ?? ''), accuracy: t(v.accuracy), modelSizeMB: t(v.modelSizeMB) };
    const th = v.throughput;
    if (th.source === 'measured') {
      return { ...base, source: 'measured', measured: { device: { ...th.device }, points: th.points.map((p) => ({ ...p })), origin: 'imported scenario' } };
    }
    const perTarget = dict<DraftPerTarget>();
    for (const [tid, f] of Object.entries(th.perTarget ?? {})) {
      perTarget[tid] = {
        itemsPerSecond: t(f.itemsPerSecond),
        p99Ms: f.p99Ms === th.p99Ms ? '' : t(f.p99Ms),
        batchSize: f.batchSize === th.batchSize ? '' : t(f.batchSize),
      };
    }
    return { ...base, itemsPerSecond: t(th.itemsPerSecond), p99Ms: t(th.p99Ms), batchSize: t(th.batchSize), perTarget, note: th.note ?? '' };
  });
  const targets = s.targets.map((x): DraftTarget => {
    const base = { ...newTarget(x.id, x.kind), name: x.name ?? '', pue: t(x.pue) };
    const sc = x.scale;
    const scale: Partial<DraftTarget> = !sc
      ? {}
      : sc.method === 'factor'
        ? { scale: 'factor', factor: t(sc.factor), latencyFactor: t(sc.latencyFactor), derivation: sc.derivation }
        : { scale: sc.method };
    if (x.kind === 'cloud') {
      return {
        ...base,
        ...scale,
        instance: x.instance,
        pricing: x.pricing.model,
        discountPct: x.pricing.model === 'committed' ? asPct(x.pricing.discount) : '',
        hourlyPrice: t(x.hourlyPrice),
      };
    }
    if (x.kind === 'owned') {
      return {
        ...base,
        ...scale,
        purchasePrice: t(x.purchasePrice),
        lifetimeYears: t(x.lifetimeYears),
        residualPct: asPct(x.residualFraction),
        powerIdleW: t(x.powerIdleW),
        powerMaxW: t(x.powerMaxW),
        colocationPerKWMonth: t(x.colocationPerKWMonth),
        opexPerYear: t(x.opexPerYear),
        vcpus: t(x.vcpus),
        accelerator: x.accelerator ?? '',
      };
    }
    return { ...base, ...scale, powerIdleW: t(x.powerIdleW), powerMaxW: t(x.powerMaxW), devices: t(x.devices), cores: t(x.cores) };
  });
  return {
    ...d,
    name: s.name ?? '',
    averageRps: t(s.traffic.averageRps),
    peakRps: t(s.traffic.peakRps),
    activeHoursPerDay: t(s.traffic.activeHoursPerDay),
    sloP99Ms: t(s.slo.p99Ms),
    utilizationPct: asPct(s.targetUtilization),
    maxBatchSize: t(s.maxBatchSize),
    redundancy: t(s.redundancy),
    schedule: s.schedule,
    baseline: s.baseline ?? '',
    floorPoints: t(s.accuracyFloor?.maxDropPoints),
    variants,
    targets,
    modelVersions: t(s.storage.modelVersions),
    replicas: t(s.storage.replicas),
    retainedBytesPerRequest: t(s.storage.retainedBytesPerRequest),
    retentionDays: t(s.storage.retentionDays),
    storagePrice: t(s.storage.pricePerGBMonth),
    egressBytesPerRequest: t(s.network.egressBytesPerRequest),
    egressPrice: t(s.network.pricePerGB),
    ownedPue: t(s.energy.pue),
    electricityPrice: t(s.energy.pricePerKWh),
    gridIntensity: t(s.energy.gramsCO2ePerKWh),
    updatesPerYear: t(s.maintenance.updatesPerYear),
    hoursPerUpdate: t(s.maintenance.hoursPerUpdate),
    loadedHourlyRate: t(s.maintenance.loadedHourlyRate),
    onCallPerMonth: t(s.maintenance.onCallPerMonth),
  };
}
