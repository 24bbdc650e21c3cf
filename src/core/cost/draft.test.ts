import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blankDraft, freshId, newTarget, newVariant, type CostDraft } from './draft';
import { draftToInput, evaluateDraft } from './draft-evaluation';
import { draftFromScenario } from './draft-from-scenario';
import { parseScenario } from './scenario';
import { evaluate, nonFinite } from './tco';

const exampleJson = JSON.parse(readFileSync(new URL('../../../examples/scenario.json', import.meta.url), 'utf8')) as unknown;

function exampleDraft(): CostDraft {
  const p = parseScenario(exampleJson);
  if (!p.ok) throw new Error('example invalid');
  return draftFromScenario(p.scenario);
}

/** A product manager's figures, typed as text. */
function pmDraft(): CostDraft {
  const d = blankDraft();
  return {
    ...d,
    averageRps: '40',
    peakRps: '120',
    activeHoursPerDay: '16',
    sloP99Ms: '150',
    utilizationPct: '60',
    redundancy: '1',
    variants: [{ ...newVariant('v1', 'FP32'), accuracy: '92.1', modelSizeMB: '420', itemsPerSecond: '60', p99Ms: '90', batchSize: '8' }],
    targets: [{ ...newTarget('t1', 'cloud'), instance: 'aws/c7i.xlarge' }],
  };
}

describe('draft → scenario', () => {
  it('the example round-trips: the form built from examples/scenario.json costs exactly what the file costs', () => {
    const fromFile = evaluate(exampleJson);
    const fromDraft = evaluateDraft(exampleDraft());
    expect(fromFile.ok && fromDraft.ok).toBe(true);
    if (!fromFile.ok || !fromDraft.ok) return;
    expect(fromDraft.result.variants.map((v) => v.cells.map((c) => (c.feasible ? c.monthly.total : null)))).toEqual(
      fromFile.result.variants.map((v) => v.cells.map((c) => (c.feasible ? c.monthly.total : null))),
    );
    expect(fromDraft.result.frontiers).toEqual(fromFile.result.frontiers);
    // percent fields come back without float noise
    const d = exampleDraft();
    expect(d.utilizationPct).toBe('60');
    expect(d.targets[1].discountPct).toBe('37');
    expect(d.targets[2].residualPct).toBe('10');
  });

  it('typed figures give the hand-checked cost (fp32 on c7i.xlarge: 5 instances, $651.525 compute)', () => {
    const ev = evaluateDraft(pmDraft());
    expect(ev.ok).toBe(true);
    if (!ev.ok) return;
    const c = ev.result.variants[0].cells[0];
    expect(c.feasible && c.instances?.total).toBe(5);
    expect(c.feasible && c.monthly.compute).toBeCloseTo(651.525, 6);
  });

  it('percentages are typed in percent and converted', () => {
    const d = pmDraft();
    d.utilizationPct = '75';
    d.targets[0] = { ...d.targets[0], pricing: 'committed', discountPct: '37' };
    const { input, local } = draftToInput(d);
    expect(local).toEqual({});
    expect(input.targetUtilization).toBe(0.75);
    expect((input.targets as any)[0].pricing).toEqual({ model: 'committed', discount: 0.37 });
  });

  it('bad inputs are refused at their field, with a reason about what was typed', () => {
    const d = pmDraft();
    d.averageRps = '-5';
    d.utilizationPct = '120';
    d.variants[0].itemsPerSecond = '0';
    d.targets[0].instance = '';
    d.sloP99Ms = 'abc';
    d.peakRps = '';
    const ev = evaluateDraft(d);
    expect(ev.ok).toBe(false);
    if (ev.ok) return;
    const fe = ev.fieldErrors;
    expect(fe['traffic.averageRps']).toMatch(/greater than 0.*-5/);
    expect(fe.targetUtilization).toMatch(/between 1% and 100%, not 120%/);
    expect(fe['variants.0.throughput.itemsPerSecond']).toMatch(/zero throughput/);
    expect(fe['targets.0.instance']).toMatch(/choose an instance/);
    expect(fe['slo.p99Ms']).toBe('must be a number, not "abc"');
    expect(fe['traffic.peakRps']).toBe('required');
    expect(nonFinite(ev)).toBeUndefined();
  });

  it('cross-field problems come back too (average above peak, owned hardware without a way to scale)', () => {
    const d = pmDraft();
    d.averageRps = '200';
    const ev = evaluateDraft(d);
    expect(!ev.ok && ev.fieldErrors['traffic.averageRps']).toMatch(/cannot exceed the peak/);
  });

  it('per-target throughput applies only to targets that exist, and inherits the p99 and batch', () => {
    const d = pmDraft();
    d.targets.push({ ...newTarget('t2', 'cloud'), instance: 'gcp/n2-standard-4' });
    d.variants[0].perTarget = { t2: { itemsPerSecond: '55', p99Ms: '', batchSize: '' }, gone: { itemsPerSecond: '1', p99Ms: '', batchSize: '' } };
    const { input } = draftToInput(d);
    expect((input.variants as any)[0].throughput.perTarget).toEqual({ t2: { itemsPerSecond: 55, p99Ms: 90, batchSize: 8 } });
    const ev = evaluateDraft(d);
    expect(ev.ok).toBe(true);
  });

  it('an empty optional field takes the sourced default; a typed one replaces it', () => {
    const ev1 = evaluateDraft(pmDraft());
    expect(ev1.ok && ev1.result.storage.pricePerGBMonth).toBe(0.023);
    expect(ev1.ok && ev1.result.defaultsUsed.map((x) => x.key)).toContain('storagePrice');
    const d = pmDraft();
    d.storagePrice = '0.02';
    const ev2 = evaluateDraft(d);
    expect(ev2.ok && ev2.result.storage.pricePerGBMonth).toBe(0.02);
    expect(ev2.ok && ev2.result.defaultsUsed.map((x) => x.key)).not.toContain('storagePrice');
  });

  it('a blank form is refused field by field, never evaluated', () => {
    const ev = evaluateDraft(blankDraft());
    expect(ev.ok).toBe(false);
    if (ev.ok) return;
    expect(Object.keys(ev.fieldErrors)).toEqual(expect.arrayContaining(['traffic.averageRps', 'slo.p99Ms', 'targets.0.instance']));
  });

  it('fresh ids do not clash', () => {
    expect(freshId('t', ['t1', 't2'])).toBe('t3');
    expect(freshId('t', ['t2'])).toBe('t1');
  });
});
