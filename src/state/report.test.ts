import { afterEach, describe, expect, it } from 'vitest';
import { decodeReportLink } from '../core/report/codec';
import { reportFromApp } from '../core/report/from-app';
import { appInput, CNN_SUMMARY } from '../core/report/test-reports';
import { exampleDraft } from './cost';
import { openReportInStudio, reportOfState, shareLink } from './report';
import { studio } from './store';

const initial = studio.getState();
afterEach(() => studio.setState(initial, true));

describe('share and open in studio', () => {
  it('the store with no benchmark shares its model and the calculator scenario, priced on its own variants', () => {
    studio.setState({ models: [{ id: 'm1', name: 'mnist-cnn.onnx', source: 'sample', origin: { kind: 'url', url: '/x', name: 'x' }, summary: CNN_SUMMARY as never, readMs: 1, parseMs: 1, loadedAt: 1 }] });
    const r = reportOfState(studio.getState());
    expect(r.models.map((m) => m.name)).toEqual(['mnist-cnn.onnx']);
    expect(r.results).toEqual([]);
    expect(r.tco?.variantsFrom).toBe('scenario');
    // examples/scenario.json: 3 variants × 3 targets
    expect(r.tco?.figures).toHaveLength(9);
    const s = shareLink('http://localhost:5173/');
    expect(s.ok && s.fits).toBe(true);
    if (s.ok) expect(decodeReportLink(s.link)).toStrictEqual(s.report);
  });

  it('"Open in studio" makes the report\'s scenario (with the what-if) and its measured variants the calculator\'s', () => {
    const report = reportFromApp(appInput(3, 2));
    const whatIf = { ...report.tco!.scenario, traffic: { averageRps: 7, peakRps: 21, activeHoursPerDay: 10 } };
    expect(openReportInStudio(report, whatIf)).toEqual({ ok: true });
    const d = studio.getState().costDraft;
    expect([d.averageRps, d.peakRps, d.activeHoursPerDay]).toEqual(['7', '21', '10']);
    expect(d.variants).toHaveLength(6);
    expect(d.variants.every((v) => v.source === 'measured')).toBe(true);
    expect(d.targets.map((t) => t.id)).toEqual(exampleDraft().targets.map((t) => t.id));
    const bad = openReportInStudio(report, { ...whatIf, slo: { p99Ms: -1 } });
    expect(bad.ok).toBe(false);
  });
});
