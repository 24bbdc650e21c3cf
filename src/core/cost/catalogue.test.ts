import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import {
  ACCELERATOR_POWER,
  CATALOGUE,
  CLOUD_PUE,
  CPU_WATTS_PER_VCPU,
  DEFAULTS,
  findInstance,
  HOURS_PER_MONTH,
  instancePower,
  MEMORY_WATTS_PER_GB,
  type DefaultFigure,
} from './catalogue';
import { SOURCES, type SourceRef } from './sources';

describe('catalogue', () => {
  it('every instance has an id, a price, specs, power, a source and a date', () => {
    const ids = new Set<string>();
    for (const i of CATALOGUE) {
      expect(ids.has(i.id), i.id).toBe(false);
      ids.add(i.id);
      expect(i.id).toMatch(/^(aws|gcp|azure)\/\S+$/);
      expect(i.onDemandHourly).toBeGreaterThan(0);
      if (i.spotHourly !== null) {
        expect(i.spotHourly).toBeGreaterThan(0);
        expect(i.spotHourly).toBeLessThan(i.onDemandHourly);
      }
      expect(i.vcpus).toBeGreaterThan(0);
      expect(i.power.estimate).toBe(true);
      expect(i.power.maxW).toBeGreaterThan(i.power.idleW);
      expect(i.power.idleW).toBeGreaterThan(0);
      expect(i.source.title.length).toBeGreaterThan(10);
      expect(i.source.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    // CPU and GPU instances of the three clouds.
    for (const p of ['aws', 'gcp', 'azure']) {
      expect(CATALOGUE.some((i) => i.provider === p && i.accelerator)).toBe(true);
    }
    expect(CATALOGUE.some((i) => i.provider === 'aws' && !i.accelerator)).toBe(true);
    expect(CATALOGUE.some((i) => i.provider === 'gcp' && !i.accelerator)).toBe(true);
  });

  it('keeps the prices of the providers\' price lists', () => {
    expect(findInstance('aws/c7i.xlarge')?.onDemandHourly).toBe(0.1785);
    expect(findInstance('aws/g4dn.xlarge')?.onDemandHourly).toBe(0.526);
    expect(findInstance('gcp/g2-standard-4')).toMatchObject({ onDemandHourly: 0.7068, spotHourly: 0.3973 });
    expect(findInstance('azure/ND96isr_H100_v5')?.onDemandHourly).toBe(98.32);
    expect(findInstance('aws/p5.48xlarge')?.accelerator).toEqual({ count: 8, model: 'H100', memoryGB: 80 });
    expect(findInstance('aws/c7i.xlarge')?.spotHourly).toBeNull();
    expect(findInstance('nope/x')).toBeUndefined();
    expect(findInstance('')).toBeUndefined();
  });

  it('models instance power from CCF figures (hand-computed)', () => {
    // c7i.large: 2 vCPU, 4 GiB, AWS 0.74 / 3.5 W per vCPU, 0.392 W/GB:
    //   idle = 2 × 0.74 + 4 × 0.392 = 1.48 + 1.568 = 3.048 W; max = 2 × 3.5 + 1.568 = 8.568 W
    const c7i = findInstance('aws/c7i.large')!.power;
    expect(c7i.idleW).toBeCloseTo(3.048, 10);
    expect(c7i.maxW).toBeCloseTo(8.568, 10);
    expect(c7i.idleDerivation).toBe('2 vCPU × 0.74 W + 4 GiB × 0.392 W/GB = 3.05 W');
    // g4dn.xlarge: 4 vCPU, 16 GiB, 1× T4 (CCF 8 / 71 W):
    //   idle = 4 × 0.74 + 16 × 0.392 + 8 = 2.96 + 6.272 + 8 = 17.232 W; max = 14 + 6.272 + 71 = 91.272 W
    const g4 = findInstance('aws/g4dn.xlarge')!.power;
    expect(g4.idleW).toBeCloseTo(17.232, 10);
    expect(g4.maxW).toBeCloseTo(91.272, 10);
    expect(g4.incomplete).toBeUndefined();
    // g2-standard-4: GCP 0.71 / 4.26 W per vCPU, L4 72 W, idle 11% = 7.92 W:
    //   idle = 2.84 + 6.272 + 7.92 = 17.032 W; max = 17.04 + 6.272 + 72 = 95.312 W
    const g2 = findInstance('gcp/g2-standard-4')!.power;
    expect(g2.idleW).toBeCloseTo(17.032, 10);
    expect(g2.maxW).toBeCloseTo(95.312, 10);
    // p5.48xlarge: 192 × 3.5 + 2048 × 0.392 + 8 × 700 = 672 + 802.816 + 5600 = 7074.816 W
    expect(findInstance('aws/p5.48xlarge')!.power.maxW).toBeCloseTo(7074.816, 6);
  });

  it('says which power figures are missing', () => {
    expect(findInstance('aws/inf2.xlarge')!.power.incomplete).toMatch(/Inferentia2 \(power not in the sources\)/);
    expect(findInstance('azure/NC24ads_A100_v4')!.power.incomplete).toMatch(/memory/);
    // Azure A100 without memory: 24 × 3.76 + 407 = 497.24 W
    expect(findInstance('azure/NC24ads_A100_v4')!.power.maxW).toBeCloseTo(497.24, 10);
    expect(instancePower('aws', 1, null, null).incomplete).toMatch(/memory/);
  });

  it('every default figure carries a value, unit, source and date', () => {
    const figures = [
      ...Object.values(DEFAULTS),
      ...Object.values(CLOUD_PUE),
      ...Object.values(ACCELERATOR_POWER).flatMap((a) => [a.idleW, a.maxW]),
    ];
    for (const f of figures) {
      expect(Number.isFinite(f.value)).toBe(true);
      expect(f.unit.length).toBeGreaterThan(0);
      expect(f.source.title.length).toBeGreaterThan(5);
      expect(f.source.date.length).toBeGreaterThan(0);
    }
    // $132,930 × 1.35 ÷ 2,080 h = $179,455.50 ÷ 2,080 = $86.2767/h
    expect(DEFAULTS.loadedHourlyRate.value).toBeCloseTo(86.2767, 4);
    expect(DEFAULTS.pueOwned.value).toBe(1.56);
    expect(DEFAULTS.electricityPrice.value).toBe(0.0806);
    expect(DEFAULTS.gridIntensity.value).toBe(345);
    expect(HOURS_PER_MONTH).toBe(8760 / 12);
  });

  it('every figure names its original source in full: publisher, title, address and date; none undated or from notes', () => {
    const figures: [string, DefaultFigure][] = [
      ...Object.entries(DEFAULTS),
      ...Object.entries(CLOUD_PUE).map(([k, f]): [string, DefaultFigure] => [`cloudPue.${k}`, f]),
      ...Object.entries(CPU_WATTS_PER_VCPU).flatMap(([k, p]): [string, DefaultFigure][] => [[`cpu.${k}.idle`, p.idle], [`cpu.${k}.max`, p.max]]),
      ['memory', MEMORY_WATTS_PER_GB],
      ...Object.entries(ACCELERATOR_POWER).flatMap(([k, a]): [string, DefaultFigure][] => [[`${k}.idle`, a.idleW], [`${k}.max`, a.maxW]]),
    ];
    const refs: [string, SourceRef][] = [
      ...figures.map(([k, f]): [string, SourceRef] => [k, f.source]),
      ...CATALOGUE.flatMap((i): [string, SourceRef][] => [[`${i.id} price`, i.source], [`${i.id} power`, i.power.source]]),
      ...Object.entries(SOURCES),
    ];
    expect(refs.length).toBeGreaterThan(60);
    for (const [key, r] of refs) {
      expect(r.publisher.trim().length, `${key}: publisher`).toBeGreaterThan(2);
      expect(r.title.trim().length, `${key}: title`).toBeGreaterThan(5);
      expect(r.url, `${key}: url`).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]{2,}\//);
      expect(r.date, `${key}: date`).toMatch(/^(19|20)\d\d-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/);
      expect(['published', 'read'], `${key}: dateKind`).toContain(r.dateKind);
    }
    // A figure computed from its source says how; no figure or source cites the research notes or goes undated.
    for (const [key, f] of figures) {
      const text = JSON.stringify(f);
      expect(text, key).not.toMatch(/tco-facts|undated|§/i);
      if (f.derived !== undefined) expect(f.derived.length, key).toBeGreaterThan(10);
    }
    expect(JSON.stringify(CATALOGUE)).not.toMatch(/tco-facts|undated|§/i);
    // Derived figures: GPU idle watts the appendix lacks are 11% of the maximum, and say so.
    expect(ACCELERATOR_POWER.L4.idleW.derived).toMatch(/72 W .*× 0\.11/);
    expect(DEFAULTS.loadedHourlyRate.derived).toMatch(/132,930/);
  });

  it('no source file of the cost model cites the research notes', () => {
    const dir = new URL('./', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files).toContain('catalogue.ts');
    for (const f of files) expect(readFileSync(new URL(f, dir), 'utf8'), f).not.toMatch(/tco-facts|undated/i);
  });
});
