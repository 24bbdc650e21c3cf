/**
 * Targets as the formulas use them: a cloud instance (price by pricing model, modelled power, provider PUE), owned
 * hardware (depreciation + colocation + opex per month) or users' devices (energy only), with every default figure
 * filled in and recorded in the evaluation context.
 */
import { CLOUD_PUE, DEFAULTS, findInstance, type DefaultFigure, type DefaultKey } from './catalogue';
import type { DefaultUsed, TargetSummary } from './result';
import type { SourceRef } from './sources';
import type { Scenario, Target } from './scenario';
import { fmt } from './trace';

export interface ResolvedTarget {
  target: Target;
  summary: TargetSummary;
  /** Effective hourly price (cloud). */
  hourly: number;
  /** Owned: fixed monthly cost per instance, and the colocation rate (USD per kW-month) in it. */
  ownedMonthly: number;
  coloRate: number;
  idleW: number;
  maxW: number;
  pue: number;
  pricePerKWh: number;
  grams: number;
  paidBy: 'in-price' | 'owner' | 'users';
  warnings: string[];
}

export interface Context {
  s: Scenario;
  storagePrice: number;
  egressPrice: number;
  rate: number;
  maintenanceMonthly: number;
  defaults: Map<string, DefaultUsed>;
}

function useDefault(ctx: Context, key: string, figure: DefaultFigure, usedFor: string): number {
  const d = ctx.defaults.get(key) ?? { key, figure, usedFor: [] };
  if (!d.usedFor.includes(usedFor)) d.usedFor.push(usedFor);
  ctx.defaults.set(key, d);
  return figure.value;
}

export function pick(ctx: Context, given: number | undefined, key: DefaultKey, usedFor: string): number {
  return given ?? useDefault(ctx, key, DEFAULTS[key], usedFor);
}

/** A target with its defaults resolved (recorded in `ctx.defaults`). */
export function resolveTarget(ctx: Context, t: Target): ResolvedTarget {
  const s = ctx.s;
  const name = t.name ?? (t.kind === 'cloud' ? (findInstance(t.instance)?.name ?? t.instance) : t.id);
  const label = `${name} (${t.id})`;
  const price = t.pricePerKWh ?? s.energy.pricePerKWh ?? useDefault(ctx, 'electricityPrice', DEFAULTS.electricityPrice, label);
  const grams = t.gramsCO2ePerKWh ?? s.energy.gramsCO2ePerKWh ?? useDefault(ctx, 'gridIntensity', DEFAULTS.gridIntensity, label);
  const warnings: string[] = [];

  if (t.kind === 'cloud') {
    const inst = findInstance(t.instance);
    if (!inst) throw new Error(`internal: unknown instance ${t.instance} (parseScenario checks this)`);
    const pue = t.pue ?? useDefault(ctx, `cloudPue.${inst.provider}`, CLOUD_PUE[inst.provider], label);
    let hourly: number;
    let basis: string;
    let source: SourceRef | null = inst.source;
    if (t.hourlyPrice !== undefined) {
      hourly = t.hourlyPrice;
      basis = `typed: $${fmt(hourly)}/h`;
      source = null;
    } else if (t.pricing.model === 'spot') {
      hourly = inst.spotHourly as number;
      basis = `spot $${fmt(hourly)}/h`;
    } else if (t.pricing.model === 'committed') {
      hourly = inst.onDemandHourly * (1 - t.pricing.discount);
      basis = `committed: on-demand $${fmt(inst.onDemandHourly)}/h × (1 − ${fmt(t.pricing.discount)}) = $${fmt(hourly)}/h`;
    } else {
      hourly = inst.onDemandHourly;
      basis = `on-demand $${fmt(hourly)}/h`;
    }
    if (inst.power.incomplete) warnings.push(`${name}: power ${inst.power.incomplete}.`);
    return {
      target: t,
      hourly,
      ownedMonthly: 0,
      coloRate: 0,
      idleW: inst.power.idleW,
      maxW: inst.power.maxW,
      pue,
      pricePerKWh: price,
      grams,
      paidBy: 'in-price',
      warnings,
      summary: {
        id: t.id,
        name,
        kind: 'cloud',
        instance: inst,
        hourlyPrice: { value: hourly, basis, source },
        ownedMonthly: null,
        vcpus: inst.vcpus,
        power: {
          idleW: inst.power.idleW,
          maxW: inst.power.maxW,
          estimate: true,
          derivation: `idle ${inst.power.idleDerivation}; max ${inst.power.maxDerivation} (CCF model)`,
          source: inst.power.source,
          ...(inst.power.incomplete ? { incomplete: inst.power.incomplete } : {}),
        },
        pue,
        pricePerKWh: price,
        gramsCO2ePerKWh: grams,
      },
    };
  }

  const power = { idleW: t.powerIdleW, maxW: t.powerMaxW, estimate: false, derivation: 'typed by the user', source: null };
  if (t.kind === 'owned') {
    const pue = t.pue ?? s.energy.pue ?? useDefault(ctx, 'pueOwned', DEFAULTS.pueOwned, label);
    const colo = t.colocationPerKWMonth ?? useDefault(ctx, 'colocationPerKWMonth', DEFAULTS.colocationPerKWMonth, label);
    const depreciation = (t.purchasePrice * (1 - t.residualFraction)) / (t.lifetimeYears * 12);
    const colocation = (colo * t.powerMaxW) / 1000;
    const opex = t.opexPerYear / 12;
    return {
      target: t,
      hourly: 0,
      ownedMonthly: depreciation + colocation + opex,
      coloRate: colo,
      idleW: t.powerIdleW,
      maxW: t.powerMaxW,
      pue,
      pricePerKWh: price,
      grams,
      paidBy: 'owner',
      warnings,
      summary: {
        id: t.id,
        name,
        kind: 'owned',
        instance: null,
        hourlyPrice: null,
        ownedMonthly: { depreciation, colocation, opex, total: depreciation + colocation + opex },
        vcpus: t.vcpus ?? null,
        power,
        pue,
        pricePerKWh: price,
        gramsCO2ePerKWh: grams,
      },
    };
  }
  const pue = t.pue ?? useDefault(ctx, 'pueEdge', DEFAULTS.pueEdge, label);
  return {
    target: t,
    hourly: 0,
    ownedMonthly: 0,
    coloRate: 0,
    idleW: t.powerIdleW,
    maxW: t.powerMaxW,
    pue,
    pricePerKWh: price,
    grams,
    paidBy: 'users',
    warnings,
    summary: {
      id: t.id,
      name,
      kind: 'edge',
      instance: null,
      hourlyPrice: null,
      ownedMonthly: null,
      vcpus: t.cores ?? null,
      power,
      pue,
      pricePerKWh: price,
      gramsCO2ePerKWh: grams,
    },
  };
}
