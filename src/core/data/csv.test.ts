import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isParetoError } from '../errors';
import { CSV_MAX_CHARS, CSV_MAX_FIELD_CHARS, csvToArrays, parseCsv } from './csv';
import { badInputMessage } from '../testing/bad-input';

const message = badInputMessage;

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

describe('CSV caps and hostile text', () => {
  const failure = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!isParetoError(e)) throw e;
      return { code: e.code, message: e.message };
    }
    throw new Error('expected an error');
  };

  it('states its caps: 256 Mi characters of text, 1 Mi per field', () => {
    expect(CSV_MAX_CHARS).toBe(256 * 2 ** 20);
    expect(CSV_MAX_FIELD_CHARS).toBe(2 ** 20);
  });

  it('refuses text over the size cap before parsing', () => {
    const text = `a,b\n${'1,2\n'.repeat(100)}`;
    expect(parseCsv(text, { maxChars: text.length }).rows).toHaveLength(100);
    expect(failure(() => parseCsv(text, { maxChars: 100, fileName: 'big.csv' }))).toEqual({
      code: 'too-large',
      message: `big.csv is ${text.length} characters; CSV files over 100 characters are refused.`,
    });
  });

  it('refuses a field over the field cap, quoted or not, naming its line', () => {
    const long = 'x'.repeat(5000);
    expect(parseCsv(`a,b\n1,${long}\n`, { maxFieldChars: 5000 }).rows[0][1]).toHaveLength(5000);
    for (const text of [`a,b\n1,2\n3,${long}y\n`, `a,b\n1,2\n3,"${long}\ny"\n`]) {
      expect(failure(() => parseCsv(text, { maxFieldChars: 5000, fileName: 'f.csv' }))).toEqual({
        code: 'too-large',
        message: 'f.csv, line 3: a field is longer than 5000 characters; fields that long are refused (is this a CSV table?).',
      });
    }
  });

  it('keeps messages short whatever the cells and names hold', () => {
    const huge = '9'.repeat(3_000_000); // a number so long it is infinite
    const name = 'c'.repeat(500_000);
    const messages = [
      failure(() => csvToArrays(parseCsv(`a,b\n1,${huge}\n`, { maxFieldChars: 4e6 }))).message,
      failure(() => csvToArrays(parseCsv(`a,b\n1,${'z'.repeat(3_000_000)}\n`, { maxFieldChars: 4e6 }))).message,
      failure(() => csvToArrays(parseCsv(`${name},b\nx,1\n`))).message,
      failure(() => parseCsv(`${name},${name}\n1,2\n`)).message,
      failure(() => csvToArrays(parseCsv(`${name},b\n1,2\n`), { labelColumn: 'nope' })).message,
      failure(() => csvToArrays(parseCsv(`${Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(4999)}1\n`), { labelColumn: 'nope' })).message,
      failure(() => csvToArrays(parseCsv(`a,${name}\n1,2\n3,${'q'.repeat(100_000)}\n`), { labelColumn: name })).message,
    ];
    for (const m of messages) expect(m.length).toBeLessThan(600);
    for (const m of messages.slice(0, 5)) expect(m.length).toBeLessThan(300);
    expect(messages[0]).toMatch(/column "b" is infinite \("9{39}…" \(3000000 characters\)\)/);
    expect(messages[1]).toMatch(/column "b" is not a number \("z{39}…" \(3000000 characters\)\)/);
    expect(messages[2]).toMatch(/^the CSV file, line 2, column "c{79}…" \(500000 characters\) is not a number/);
    expect(messages[4]).toMatch(/has no column "nope"; its columns are "c{39}…" \(500000 characters\), "b"\.$/);
    expect(messages[5]).toMatch(/its columns are "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", … and 4992 more\.$/);
    expect(messages[6]).toMatch(/line 3: the label "c{79}…" \(500000 characters\) is "q{39}…" \(100000 characters\) while other labels are numbers/);
  });
});
