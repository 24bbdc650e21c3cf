/**
 * The Costs view shows where every figure comes from: publisher, publication, date and a link to the address.
 * Rendered to static HTML on the example scenario (no browser needed).
 */
import { readFileSync } from 'node:fs';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../core/cost/catalogue';
import { evaluate } from '../../core/cost/tco';
import { Sources } from './CostResults';
import { fromFigure, Source } from './Field';

const example = JSON.parse(readFileSync(new URL('../../../examples/scenario.json', import.meta.url), 'utf8')) as unknown;
/** The text as React writes it into HTML. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');

describe('sources in the Costs view', () => {
  it('lists every default and catalogue figure used with publisher, title, date and a link to the source', () => {
    const r = evaluate(example);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const out = renderToStaticMarkup(createElement(Sources, { r: r.result }));
    expect(r.result.defaultsUsed.length).toBeGreaterThan(5);
    for (const d of r.result.defaultsUsed) {
      const s = d.figure.source;
      expect(out).toContain(html(s.publisher));
      expect(out).toContain(html(s.title));
      expect(out).toContain(`${s.dateKind} ${s.date}`);
      expect(out).toContain(`href="${html(s.url)}"`);
      if (d.figure.derived) expect(out).toContain(html(d.figure.derived));
    }
    for (const t of r.result.targets.filter((x) => x.instance)) {
      expect(out).toContain(`href="${html(t.hourlyPrice?.source?.url ?? 'missing')}"`);
      expect(out).toContain(`href="${html(t.power.source?.url ?? 'missing')}"`);
    }
    expect(out).not.toMatch(/tco-facts|undated/);
  });

  it('a field backed by a default says where the default comes from, linked', () => {
    const out = renderToStaticMarkup(createElement(Source, { s: fromFigure(DEFAULTS.storagePrice) }));
    expect(out).toContain('default 0.023 USD/GB-month');
    expect(out).toContain('href="https://aws.amazon.com/s3/pricing/"');
    expect(out).toContain('Amazon Web Services</a>, Amazon S3 pricing: S3 Standard, first 50 TB a month');
    expect(out).toContain('read 2026-12-06');
    const typed = renderToStaticMarkup(createElement(Source, { s: { what: 'energy section 1.4', ref: null } }));
    expect(typed).toContain('typed by you');
  });
});
