import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isParetoError } from '../errors';
import { csvToArrays, parseCsv } from './csv';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(isParetoError(e) && e.code === 'bad-input').toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('parseCsv', () => {
  it('reads a header and rows (RFC 4180 quoting, CRLF, BOM, blank lines)', () => {
    const t = parseCsv('\ufeffa,"b, c",d\r\n1, 2 ,"x ""y"""\r\n\r\n"3","multi\nline",5\n');
    expect(t.header).toEqual(['a', 'b, c', 'd']);
    expect(t.rows).toEqual([
      ['1', '2', 'x "y"'],
      ['3', 'multi\nline', '5'],
    ]);
    expect(t.lines).toEqual([2, 4]);
    expect(t.delimiter).toBe(',');
  });

  it('detects ; and tab delimiters, keeps a quoted empty field', () => {
    expect(parseCsv('a;b\n1,5;2\n').rows).toEqual([['1,5', '2']]);
    expect(parseCsv('a\tb\n1\t2').rows).toEqual([['1', '2']]);
    expect(parseCsv('a\n""\n').rows).toEqual([['']]);
  });

  it('names the line of a ragged row and other malformed input', () => {
    expect(message(() => parseCsv('a,b,c\n1,2,3\n4,5\n', { fileName: 't.csv' }))).toBe('t.csv, line 3: 2 fields, but the header has 3 (comma-separated).');
    expect(message(() => parseCsv('a,b\n"1,2\n'))).toMatch(/never closed/);
    expect(message(() => parseCsv('a,b\n1x"2",3\n'))).toMatch(/line 2: a quote inside an unquoted field/);
    expect(message(() => parseCsv('a,a\n1,2\n'))).toMatch(/column "a" twice/);
    expect(message(() => parseCsv(''))).toMatch(/is empty/);
    expect(message(() => parseCsv('a,b\n'))).toMatch(/no data rows/);
  });

  it('round-trips any table written with quoting', () => {
    const cell = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (cols, rows) => {
        const header = Array.from({ length: cols }, (_, i) => `c${i}`);
        const body = rows.map((r) => r.slice(0, cols));
        const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const text = [header, ...body].map((r) => r.map(quote).join(',')).join('\r\n');
        const t = parseCsv(text, { delimiter: ',' });
        expect(t.header).toEqual(header);
        expect(t.rows).toEqual(body);
      }),
    );
  });
});

describe('csvToArrays', () => {
  const csv = 'sepal,petal,species\n5.1,1.4,0\n4.9,1.3e0,1\n-6.2,+5.4,2\n';

  it('splits numeric features from the label column', () => {
    const a = csvToArrays(parseCsv(csv), { labelColumn: 'species' });
    expect(a.featureNames).toEqual(['sepal', 'petal']);
    expect(a.features.shape).toEqual([3, 2]);
    expect(Array.from(a.features.data as Float32Array)).toEqual([5.1, 1.4, 4.9, 1.3, -6.2, 5.4].map(Math.fround));
    expect(a.labels).toEqual({ dtype: 'int64', shape: [3], data: BigInt64Array.from([0n, 1n, 2n]) });
    expect(a.labelName).toBe('species');
  });

  it('float labels stay float; class names map to sorted indices; the label column matches case-insensitively', () => {
    const f = csvToArrays(parseCsv('x,y\n1,0.5\n2,1.5\n'), { labelColumn: 'Y' });
    expect(f.labels).toMatchObject({ dtype: 'float32', shape: [2] });
    const n = csvToArrays(parseCsv('x,kind\n1,versicolor\n2,setosa\n3,versicolor\n'), { labelColumn: 'kind' });
    expect(n.classNames).toEqual(['setosa', 'versicolor']);
    expect(Array.from(n.labels!.data as BigInt64Array)).toEqual([1n, 0n, 1n]);
  });

  it('without a label column every column is a feature', () => {
    expect(csvToArrays(parseCsv(csv)).features.shape).toEqual([3, 3]);
  });

  it('names the line and column of a bad cell', () => {
    expect(message(() => csvToArrays(parseCsv('a,b\n1,2\n3,abc\n'), { fileName: 'd.csv' }))).toBe(
      'd.csv, line 3, column "b" is not a number ("abc"); every feature must be a finite number.',
    );
    expect(message(() => csvToArrays(parseCsv('a,b\n1,\n')))).toMatch(/line 2, column "b" is empty/);
    expect(message(() => csvToArrays(parseCsv('a,b\n1,NaN\n')))).toMatch(/column "b" is a missing value \("NaN"\)/);
    expect(message(() => csvToArrays(parseCsv('a,b\n1,inf\n')))).toMatch(/is infinite/);
    expect(message(() => csvToArrays(parseCsv('a,b\n1,2\n'), { labelColumn: 'c' }))).toMatch(/no column "c"; its columns are "a", "b"/);
    expect(message(() => csvToArrays(parseCsv('a,b\n1,2\n3,\n'), { labelColumn: 'b' }))).toMatch(/line 3: the label "b" is missing/);
    expect(message(() => csvToArrays(parseCsv('a,b\n1,2\n3,x\n'), { labelColumn: 'b' }))).toMatch(/line 3: the label "b" is "x" while other labels are numbers/);
    expect(message(() => csvToArrays(parseCsv('b\n1\n'), { labelColumn: 'b' }))).toMatch(/no feature columns/);
  });
});
