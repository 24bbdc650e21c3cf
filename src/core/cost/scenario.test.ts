import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario, type ParseResult } from './scenario';

const example = JSON.parse(readFileSync(new URL('../../../examples/scenario.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** A small valid scenario; `patch` edits a deep copy. */
function base(patch: (s: any) => void = () => {}): unknown {
  const s: any = {
    version: 1,
    traffic: { averageRps: 40, peakRps: 120, activeHoursPerDay: 16 },
    slo: { p99Ms: 150 },
    targetUtilization: 0.6,
    variants: [{ id: 'a', modelSizeMB: 100, throughput: { source: 'typed', itemsPerSecond: 60 } }],
    targets: [{ kind: 'cloud', id: 'aws', instance: 'aws/c7i.xlarge' }],
  };
  patch(s);
  return s;
}

const measured = (cores = 8) => ({
  source: 'measured',
  device: { name: 'MacBook Air', class: 'laptop', cores },
  points: [{ batchSize: 1, itemsPerSecond: 100, p99Ms: 10 }],
});

function errorsOf(r: ParseResult): Record<string, string> {
  if (r.ok) throw new Error('expected errors, got a valid scenario');
  return r.fieldErrors;
}

describe('parseScenario', () => {
  it('accepts the example and fills structural defaults', () => {
    const r = parseScenario(example);
    expect(r.ok).toBe(true);
    const min = parseScenario(base());
    if (!min.ok) throw new Error(JSON.stringify(min.errors));
    expect(min.scenario.redundancy).toBe(0);
    expect(min.scenario.schedule).toBe('always-on');
    expect(min.scenario.storage).toEqual({ modelVersions: 1, replicas: 1, retainedBytesPerRequest: 0, retentionDays: 0 });
    expect(min.scenario.network).toEqual({ egressBytesPerRequest: 0 });
    expect(min.scenario.maintenance).toEqual({ updatesPerYear: 0, hoursPerUpdate: 0, onCallPerMonth: 0 });
    const t = min.scenario.targets[0];
    expect(t.kind === 'cloud' && t.pricing).toEqual({ model: 'on-demand' });
    // Sourced figures are not filled here: tco.ts resolves and lists them.
    expect(min.scenario.energy).toEqual({});
  });

  it('refuses the brief’s bad inputs with a reason per field', () => {
    const e = errorsOf(
      parseScenario(
        base((s) => {
          s.traffic.averageRps = -5; // negative traffic
          s.variants[0].throughput.itemsPerSecond = 0; // zero throughput
          s.targetUtilization = 1.2; // over 100%
          s.targets[0].instance = ''; // empty catalogue choice
          s.slo.p99Ms = NaN; // NaN
        }),
      ),
    );
    expect(e['traffic.averageRps']).toBe('must be greater than 0 requests/s, not -5');
    expect(e['variants.0.throughput.itemsPerSecond']).toMatch(/^must be greater than 0 items\/s, not 0 \(zero throughput/);
    expect(e.targetUtilization).toMatch(/^must be at most 1, not 1.2 \(a fraction of capacity: 0.6 = 60%/);
    expect(e['targets.0.instance']).toBe('choose an instance from the catalogue');
    expect(e['slo.p99Ms']).toBe('must be a number, not NaN');
  });

  it('refuses Infinity, strings, null, missing fields and unknown fields', () => {
    const e = errorsOf(
      parseScenario(
        base((s) => {
          s.traffic.peakRps = Infinity;
          s.traffic.activeHoursPerDay = '16';
          s.variants[0].modelSizeMB = null;
          delete s.slo.p99Ms;
          s.enrgy = {}; // typo
          s.targets[0].pue = 0.9;
        }),
      ),
    );
    expect(e['traffic.peakRps']).toBe('must be a finite number, not Infinity');
    expect(e['traffic.activeHoursPerDay']).toBe('must be a number, not "16"');
    expect(e['variants.0.modelSizeMB']).toBe('must be a number, not null');
    expect(e['slo.p99Ms']).toBe('required');
    expect(e.enrgy).toMatch(/^unknown field "enrgy"/);
    expect(e['targets.0.pue']).toMatch(/^must be at least 1, not 0.9/);
  });

  it('checks the version first', () => {
    expect(errorsOf(parseScenario(base((s) => delete s.version)))).toEqual({ version: 'required: the scenario format version (1)' });
    expect(errorsOf(parseScenario(base((s) => (s.version = 2))))).toEqual({
      version: 'unsupported version 2: this version of Pareto reads version 1',
    });
    expect(errorsOf(parseScenario(null))).toEqual({ '': 'a scenario must be a JSON object, not null' });
    expect(errorsOf(parseScenario([1]))).toEqual({ '': 'a scenario must be a JSON object, not a list' });
  });

  it('explains a wrong kind, source or pricing model', () => {
    const e = errorsOf(
      parseScenario(
        base((s) => {
          s.targets[0].kind = 'rented';
          s.variants[0].throughput.source = 'guess';
        }),
      ),
    );
    expect(e['targets.0.kind']).toBe('must be one of cloud, owned, edge, not "rented"');
    expect(e['variants.0.throughput.source']).toBe('must be one of measured, typed, not "guess"');
    expect(errorsOf(parseScenario(base((s) => delete s.targets[0].kind)))['targets.0.kind']).toBe('required: one of cloud, owned, edge');
    expect(errorsOf(parseScenario(base((s) => (s.targets[0] = 'aws'))))).toEqual({
      'targets.0': 'must be an object with "kind" (cloud, owned, edge), not "aws"',
    });
    const p = errorsOf(parseScenario(base((s) => (s.targets[0].pricing = { model: 'committed' }))));
    expect(p['targets.0.pricing.discount']).toBe('required');
    const q = errorsOf(parseScenario(base((s) => (s.targets[0].pricing = { model: 'committed', discount: 37 }))));
    expect(q['targets.0.pricing.discount']).toMatch(/^must be at most 0.95, not 37 \(committed-use discount, as a fraction/);
  });

  it('checks fields against each other', () => {
    const e = errorsOf(
      parseScenario(
        base((s) => {
          s.traffic.averageRps = 200; // above the peak of 120
          s.variants.push({ id: 'a', modelSizeMB: 1, throughput: { source: 'typed', itemsPerSecond: 1, perTarget: { gpu: { itemsPerSecond: 2 } } } });
          s.baseline = 'fp32';
          s.targets.push({ kind: 'cloud', id: 'aws', instance: 'aws/c7i.xlarge' });
          s.targets.push({ kind: 'cloud', id: 'spot', instance: 'aws/c7i.xlarge', pricing: { model: 'spot' } });
          s.targets.push({ kind: 'cloud', id: 'typo', instance: 'aws/c7i.xlarg' });
          s.targets.push({ kind: 'owned', id: 'box', purchasePrice: 1, lifetimeYears: 1, powerIdleW: 100, powerMaxW: 50 });
          s.accuracyFloor = { maxDropPoints: 1 };
        }),
      ),
    );
    expect(e['traffic.averageRps']).toBe('the average (200 requests/s) cannot exceed the peak (120)');
    expect(e['variants.1.id']).toBe('"a" is already the id of variants.0');
    expect(e.baseline).toBe('no variant has the id "fp32" (variants: a)');
    expect(e['targets.1.id']).toBe('"aws" is already the id of targets.0');
    expect(e['targets.2.pricing.model']).toMatch(/no spot price for aws\/c7i.xlarge/);
    expect(e['targets.3.instance']).toBe('"aws/c7i.xlarg" is not in the catalogue (did you mean aws/c7i.xlarge?)');
    expect(e['targets.4.powerMaxW']).toBe('the maximum power (50 W) cannot be below the idle power (100 W)');
    expect(e['variants.1.throughput.perTarget.gpu']).toBe('no target has the id "gpu"');
    expect(e.accuracyFloor).toBeUndefined(); // the baseline does not exist: reported at baseline
  });

  it('asks how to scale a measurement to an accelerator or to hardware without a core count', () => {
    const gpu = errorsOf(
      parseScenario(
        base((s) => {
          s.variants[0].throughput = measured();
          s.targets = [
            { kind: 'cloud', id: 'gpu', instance: 'aws/g4dn.xlarge' },
            { kind: 'owned', id: 'box', purchasePrice: 1, lifetimeYears: 1, powerIdleW: 1, powerMaxW: 2 },
            { kind: 'owned', id: 'box2', purchasePrice: 1, lifetimeYears: 1, powerIdleW: 1, powerMaxW: 2, scale: { method: 'cores' } },
            { kind: 'edge', id: 'phones', powerIdleW: 1, powerMaxW: 2, scale: { method: 'cores' } },
          ];
        }),
      ),
    );
    expect(gpu['targets.0.scale']).toMatch(/^AWS g4dn.xlarge has an accelerator \(1× T4\): core-count scaling/);
    expect(gpu['targets.1.scale']).toMatch(/give vcpus/);
    expect(gpu['targets.2.vcpus']).toMatch(/needed to scale throughput by core count/);
    expect(gpu['targets.3.cores']).toMatch(/needed to scale throughput by core count/);
    const f = { kind: 'cloud', id: 'f', instance: 'aws/g5.xlarge', scale: { method: 'factor', factor: 3, derivation: ' ' } };
    expect(errorsOf(parseScenario(base((s) => (s.targets = [f]))))).toEqual({
      'targets.0.scale.derivation': 'say how the factor was derived (shown next to every scaled figure)',
    });
    // Typed throughput needs no scaling: the same targets are fine.
    expect(parseScenario(base((s) => (s.targets = [{ kind: 'cloud', id: 'gpu', instance: 'aws/g4dn.xlarge' }]))).ok).toBe(true);
  });

  it('refuses duplicate batch sizes and an empty benchmark', () => {
    const e = errorsOf(
      parseScenario(
        base((s) => {
          s.variants[0].throughput = measured();
          s.variants[0].throughput.points.push({ batchSize: 1, itemsPerSecond: 5, p99Ms: 1 });
        }),
      ),
    );
    expect(e['variants.0.throughput.points.1.batchSize']).toBe('batch size 1 is already in points.0');
    const empty = errorsOf(parseScenario(base((s) => (s.variants[0].throughput = { ...measured(), points: [] }))));
    expect(empty['variants.0.throughput.points']).toBe('needs at least one benchmark point');
  });

  it('checks fields against each other only once each field is valid on its own', () => {
    // The average above the peak is found after the bad SLO is fixed, not with it.
    const r = errorsOf(parseScenario(base((s) => ((s.traffic.averageRps = 500), (s.slo.p99Ms = -1)))));
    expect(Object.keys(r)).toEqual(['slo.p99Ms']);
  });

  it('refuses the baseline’s missing accuracy when a floor is asked for', () => {
    expect(errorsOf(parseScenario(base((s) => (s.accuracyFloor = { maxDropPoints: 1 }))))).toEqual({
      accuracyFloor: 'the baseline variant "a" has no accuracy to take the floor from',
    });
  });

  it('lists every error once with its path', () => {
    const r = parseScenario(base((s) => ((s.traffic = 5), (s.variants = []))));
    if (r.ok) throw new Error('expected errors');
    expect(r.errors).toEqual([
      { path: 'traffic', message: 'must be an object, not 5' },
      { path: 'variants', message: 'needs at least one variant' },
    ]);
  });
});
