import { deflateSync } from 'fflate';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeReport, decodeReportLink, encodeReport, KEY_TABLE, LINK_LIMIT, linkVerdict, MAX_INFLATED, parseReportFile, ReportLinkError, reportLink, toBase64Url } from './codec';
import { reportFromApp } from './from-app';
import { MIGRATIONS } from './migrate';
import { REPORT_VERSION, validateReport, type Report } from './schema';
import { appInput } from './test-reports';

const BASE = 'http://localhost:5173/';
const utf8 = (s: string) => new TextEncoder().encode(s);
const payloadOfJson = (x: unknown) => toBase64Url(deflateSync(utf8(JSON.stringify(x))));

function failure(f: () => unknown): ReportLinkError {
  try {
    f();
  } catch (e) {
    if (e instanceof ReportLinkError) return e;
    throw e;
  }
  throw new Error('decoded without an error');
}

let small: Report;
let medium: Report;
beforeAll(() => {
  small = reportFromApp(appInput(3, 2));
  medium = reportFromApp(appInput(6, 3));
});

describe('report links: budgets', () => {
  it('one model, 3 variants × 2 backends, with its TCO, fits in 2,000 characters', () => {
    expect(small.results).toHaveLength(6);
    expect(small.tco?.figures.length).toBe(6 * 3);
    const link = reportLink(small, BASE);
    console.log(`report link, 3 variants × 2 backends + TCO: ${link.length} characters (payload ${encodeReport(small).length})`);
    expect(link.length).toBeLessThanOrEqual(2000);
    expect(linkVerdict(link.length).ok).toBe(true);
  });

  it('also with a scenario, model and names unlike the link dictionary (dictionary.ts)', () => {
    const r = reportFromApp(appInput(3, 2, { scenario: 'other', modelName: 'kiosk-handwriting-resnet18-2027-03.onnx' }));
    expect(r.tco?.figures.length).toBe(6 * 2);
    const link = reportLink(r, BASE);
    console.log(`report link, 3 variants × 2 backends + TCO unlike the dictionary: ${link.length} characters`);
    expect(link.length).toBeLessThanOrEqual(2000);
  });

  it('6 variants × 3 backends fit in 4,000 characters', () => {
    expect(medium.results).toHaveLength(18);
    const link = reportLink(medium, BASE);
    console.log(`report link, 6 variants × 3 backends + TCO: ${link.length} characters`);
    expect(link.length).toBeLessThanOrEqual(4000);
  });

  it('over 8,000 characters the caller is told to share the report file', () => {
    const v = linkVerdict(LINK_LIMIT + 1);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/report file/);
  });
});

describe('report links: round trip', () => {
  it('report → link → report is identical', () => {
    for (const r of [small, medium, reportFromApp(appInput(2, 1, { scenario: false })), reportFromApp(appInput(4, 2, { batches: [1, 8, 32] }))]) {
      expect(decodeReportLink(reportLink(r, BASE))).toStrictEqual(r);
      expect(parseReportFile(JSON.stringify(r))).toStrictEqual(r);
    }
  });

  it('names that collide with the short keys or start with "~" survive', () => {
    const codes = [...KEY_TABLE.values()];
    expect(new Set(codes).size).toBe(KEY_TABLE.size);
    const r = reportFromApp(appInput(2, 1, { modelName: '~a' }));
    const odd = { ...r, tco: r.tco && { ...r.tco, scenario: { ...r.tco.scenario, targets: [{ kind: 'cloud', id: 'a', instance: 'aws/c7i.xlarge', pricing: { model: 'on-demand' } }] } } };
    const valid = validateReport(odd);
    expect(valid.ok).toBe(true);
    expect(decodeReport(encodeReport(odd as Report))).toStrictEqual(odd);
  });

  it('a hostile model name stays a plain string', () => {
    const name = '<img src=x onerror=alert(1)>';
    const r = reportFromApp(appInput(2, 1, { modelName: name }));
    expect(decodeReportLink(reportLink(r, BASE)).models[0].name).toBe(name);
  });
});

describe('report links: what is wrong, said', () => {
  it('cut short, not base64url, not deflate, not JSON, too large, wrong version, invalid field', () => {
    const payload = encodeReport(small);
    expect(failure(() => decodeReport(payload.slice(0, payload.length - 40))).kind).toBe('cut-short');
    expect(failure(() => decodeReport(payload.slice(0, 4 * 20 + 1))).kind).toBe('cut-short');
    expect(failure(() => decodeReport(`${payload.slice(0, 10)}%20${payload.slice(10)}`)).message).toMatch(/not base64url: character "%" at position 11/);
    expect(failure(() => decodeReport(toBase64Url(utf8('hello, this is not deflate data at all!!')))).kind).toMatch(/not-deflate|cut-short/);
    expect(failure(() => decodeReport(toBase64Url(deflateSync(utf8('{"a": 1,'))))).kind).toBe('not-json');
    const bomb = toBase64Url(deflateSync(new Uint8Array(MAX_INFLATED + 10).fill(32)));
    expect(failure(() => decodeReport(bomb)).kind).toBe('too-large');
    expect(failure(() => decodeReport(payloadOfJson({ a: REPORT_VERSION + 1 }))).message).toMatch(/version 2, made by a newer Pareto Studio/);
    expect(failure(() => decodeReport(payloadOfJson({ b: 1 }))).message).toMatch(/no version/);
    const json = JSON.parse(JSON.stringify(small));
    json.results[0].batches[0].p50Ms = -3;
    const e = failure(() => parseReportFile(JSON.stringify(json)));
    expect(e.kind).toBe('invalid');
    expect(e.message).toMatch(/invalid field results\.0\.batches\.0\.p50Ms: must be at least 0/);
    json.results[0].batches[0].p50Ms = 1;
    json.results[0].environment = 99;
    expect(failure(() => parseReportFile(JSON.stringify(json))).message).toMatch(/results\.0\.environment: refers to environment 99/);
    expect(failure(() => decodeReportLink(`${BASE}#x=1`)).kind).toBe('not-a-report-link');
    expect(failure(() => decodeReportLink(`${BASE}#`)).kind).toBe('empty');
    expect(failure(() => decodeReport('A'.repeat(300_000))).kind).toBe('too-long');
  });

  it('caps every list and refuses prototype keys', () => {
    const json = JSON.parse(JSON.stringify(small));
    json.results = Array.from({ length: 257 }, () => json.results[0]);
    expect(failure(() => parseReportFile(JSON.stringify(json))).message).toMatch(/results: at most 256 results/);
    expect(failure(() => decodeReport(payloadOfJson(JSON.parse('{"a":1,"__proto__":{"x":1}}')))).message).toMatch(/reserved name "__proto__"/);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(failure(() => decodeReport(payloadOfJson({ a: 1, k: deep }))).message).toMatch(/nests deeper/);
  });
});

describe('report links: migrations', () => {
  it('every version below the current one has a migration, and a version-0 report opens as version 1', () => {
    for (let k = 0; k < REPORT_VERSION; k++) expect(MIGRATIONS[k]).toBeTypeOf('function');
    const v1 = reportFromApp(appInput(2, 1));
    const v0 = JSON.parse(JSON.stringify(v1));
    v0.version = 0;
    for (const m of v0.models) {
      delete m.sha256;
      delete m.summary;
    }
    for (const v of v0.variants) {
      v.degradedReason = v.reasons[0] ?? '';
      delete v.reasons;
      delete v.rule;
    }
    const opened = parseReportFile(JSON.stringify(v0));
    expect(opened.version).toBe(1);
    expect(opened.results).toStrictEqual(v1.results);
    expect(opened.variants.map((v) => v.reasons)).toStrictEqual(v1.variants.map((v) => v.reasons));
    expect(opened.models[0].sha256).toBeNull();
  });
});

describe('report links: hostile input (property)', () => {
  const handled = (payload: string) => {
    try {
      const r = decodeReport(payload);
      expect(validateReport(r).ok).toBe(true);
    } catch (e) {
      expect(e).toBeInstanceOf(ReportLinkError);
      expect((e as Error).message.length).toBeGreaterThan(10);
    }
  };

  it('random strings end in a handled error or a valid report', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => handled(s)), { numRuns: 1200 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => handled(toBase64Url(b))), { numRuns: 1000 });
  });

  it('mutated links (characters changed, cut, spliced) end in a handled error or a valid report', () => {
    const payload = encodeReport(small);
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(payload.length - 1), fc.nat(63)), { minLength: 1, maxLength: 4 }), fc.nat(payload.length), (edits, cut) => {
        let p = payload;
        for (const [at, c] of edits) p = p.slice(0, at) + B64[c] + p.slice(at + 1);
        handled(p);
        handled(p.slice(0, cut));
      }),
      { numRuns: 800 },
    );
  });

  it('mutated JSON (fields replaced by random values) ends in a handled error or a valid report', () => {
    const json = JSON.parse(JSON.stringify(small)) as Record<string, unknown>;
    const paths: string[][] = [];
    const walk = (x: unknown, path: string[]) => {
      if (x !== null && typeof x === 'object') for (const [k, v] of Object.entries(x)) walk(v, [...path, k]);
      paths.push(path);
    };
    walk(json, []);
    fc.assert(
      fc.property(fc.nat(paths.length - 1), fc.jsonValue({ maxDepth: 2 }), (i, value) => {
        const copy = JSON.parse(JSON.stringify(json));
        const path = paths[i];
        if (path.length === 0) return;
        let o = copy;
        for (const k of path.slice(0, -1)) o = o[k];
        o[path[path.length - 1]] = value;
        try {
          parseReportFile(JSON.stringify(copy));
        } catch (e) {
          expect(e).toBeInstanceOf(ReportLinkError);
        }
      }),
      { numRuns: 600 },
    );
  });
});
