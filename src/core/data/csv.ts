import { ParetoError } from '../errors';
import { quote, quoteList } from '../text';
import type { NpyArray } from './npy';

/**
 * CSV for tabular models: a header row, numeric feature columns and optionally a label column (by name).
 * Parsing follows RFC 4180: fields may be quoted ("a, b"), quotes inside are doubled (""), quoted fields may
 * span lines; CRLF or LF line ends; a UTF-8 byte-order mark is dropped; blank lines are skipped. The delimiter is
 * ',' unless the header has more ';' or tabs than commas (or it is given).
 *
 * Caps (options of parseCsv): the text may hold at most CSV_MAX_CHARS characters (256 Mi, so 256 MiB of ASCII) and
 * a field at most CSV_MAX_FIELD_CHARS (1 Mi characters); longer input is refused with a 'too-large' error naming the
 * line, before rows pile up. Every cell, column name and label echoed in a message is cut to a readable length.
 */

/** Most characters of CSV text parsed: 256 Mi (256 MiB of ASCII; a table of about 30 million numbers). */
export const CSV_MAX_CHARS = 256 * 2 ** 20;
/** Most characters in one field: 1 Mi. A number or a class name takes tens; longer is not a table. */
export const CSV_MAX_FIELD_CHARS = 2 ** 20;

export interface CsvOptions {
  delimiter?: string;
  fileName?: string;
  /** Most characters of text (default CSV_MAX_CHARS). */
  maxChars?: number;
  /** Most characters in one field (default CSV_MAX_FIELD_CHARS). */
  maxFieldChars?: number;
}

export interface CsvTable {
  header: string[];
  /** Data rows (not the header), each with header.length fields. */
  rows: string[][];
  /** 1-based line number in the file of each data row, for error messages. */
  lines: number[];
  delimiter: string;
}

const bad = (msg: string): never => {
  throw new ParetoError('bad-input', msg);
};
const tooLarge = (msg: string): never => {
  throw new ParetoError('too-large', msg);
};

function detectDelimiter(text: string): string {
  const end = text.indexOf('\n');
  const first = end < 0 ? text : text.slice(0, end);
  const count = (c: string) => first.split(c).length - 1;
  const candidates: [string, number][] = [
    [',', count(',')],
    [';', count(';')],
    ['\t', count('\t')],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0][1] > 0 ? candidates[0][0] : ',';
}

/** Parses CSV text into a header and rows of equal length (a ragged row is an error naming its line). */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const fileName = options.fileName ?? 'the CSV file';
  const maxChars = options.maxChars ?? CSV_MAX_CHARS;
  const maxField = options.maxFieldChars ?? CSV_MAX_FIELD_CHARS;
  if (text.length > maxChars) tooLarge(`${fileName} is ${text.length} characters; CSV files over ${maxChars} characters are refused.`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = options.delimiter ?? detectDelimiter(text);
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') bad(`Bad CSV delimiter ${quote(delimiter)}.`);
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let wasQuoted = false;
  let i = 0;
  const n = text.length;
  const longField = (): never =>
    tooLarge(`${fileName}, line ${recordLine}: a field is longer than ${maxField} characters; fields that long are refused (is this a CSV table?).`);
  const endField = () => {
    fields.push(wasQuoted ? field : field.trim());
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    const q = wasQuoted;
    endField();
    if (!(fields.length === 1 && fields[0] === '' && !q)) records.push({ fields, line: recordLine });
    fields = [];
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      field += c;
      if (field.length > maxField) longField();
      i++;
      continue;
    }
    if (c === '"') {
      if (field.trim() !== '') bad(`${fileName}, line ${line}: a quote inside an unquoted field (quote the whole field and double the quotes inside).`);
      field = '';
      quoted = true;
      wasQuoted = true;
      i++;
    } else if (c === delimiter) {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      if (c === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      recordLine = line;
    } else {
      if (wasQuoted) {
        if (c !== ' ' && c !== '\t') bad(`${fileName}, line ${line}: text after a closing quote.`);
      } else {
        field += c;
        if (field.length > maxField) longField();
      }
      i++;
    }
  }
  if (quoted) bad(`${fileName}: a quoted field starting on line ${recordLine} is never closed.`);
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  if (records.length === 0) bad(`${fileName} is empty.`);
  const header = records[0].fields;
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) bad(`${fileName}: the header names column ${quote(h)} twice.`);
    seen.add(h);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) {
      bad(`${fileName}, line ${r.line}: ${r.fields.length} fields, but the header has ${header.length} (${describeDelimiter(delimiter)}-separated).`);
    }
    rows.push(r.fields);
    lines.push(r.line);
  }
  if (rows.length === 0) bad(`${fileName} has a header but no data rows.`);
  return { header, rows, lines, delimiter };
}

const describeDelimiter = (d: string) => (d === '\t' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : JSON.stringify(d));

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const MISSING = /^(|nan|NaN|NAN|na|NA|N\/A|null|NULL|None|none|-|\?)$/;

function parseNumber(s: string): number | undefined {
  if (NUMBER.test(s)) return Number(s);
  if (/^[+-]?(inf|infinity|Inf|Infinity|INF)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

export interface CsvArrays {
  /** float32 [rows, features] */
  features: NpyArray;
  featureNames: string[];
  /**
   * The label column: int64 class indices when every value is a whole number or when the values are class names
   * (mapped to indices in sorted order, see `classNames`); float32 otherwise.
   */
  labels?: NpyArray;
  labelName?: string;
  /** Set when the labels were names: index i is classNames[i]. */
  classNames?: string[];
}

/**
 * Splits a table into numeric features and a label column. Every feature cell must be a number: an empty or
 * non-numeric cell (NaN, NA, "abc") is an error naming the line and the column.
 */
export function csvToArrays(table: CsvTable, options: { labelColumn?: string; fileName?: string } = {}): CsvArrays {
  const fileName = options.fileName ?? 'the CSV file';
  const { header, rows, lines } = table;
  let labelIndex = -1;
  if (options.labelColumn !== undefined) {
    labelIndex = header.indexOf(options.labelColumn);
    if (labelIndex < 0) {
      const ci = header.findIndex((h) => h.toLowerCase() === options.labelColumn!.toLowerCase());
      if (ci >= 0) labelIndex = ci;
      else bad(`${fileName} has no column ${quote(options.labelColumn!)}; its columns are ${quoteList(header)}.`);
    }
  }
  const featureCols = header.map((_, i) => i).filter((i) => i !== labelIndex);
  if (featureCols.length === 0) bad(`${fileName} has no feature columns besides the label column.`);
  const nf = featureCols.length;
  const features = new Float32Array(rows.length * nf);
  for (let r = 0; r < rows.length; r++) {
    for (let j = 0; j < nf; j++) {
      const cell = rows[r][featureCols[j]];
      const v = MISSING.test(cell) ? undefined : parseNumber(cell);
      if (v === undefined || !Number.isFinite(v)) {
        const what = cell === '' ? 'is empty' : MISSING.test(cell) ? `is a missing value (${quote(cell)})` : v === undefined ? `is not a number (${quote(cell, 40)})` : `is infinite (${quote(cell, 40)})`;
        bad(`${fileName}, line ${lines[r]}, column ${quote(header[featureCols[j]])} ${what}; every feature must be a finite number.`);
      }
      features[r * nf + j] = v as number;
    }
  }
  const out: CsvArrays = { features: { dtype: 'float32', shape: [rows.length, nf], data: features }, featureNames: featureCols.map((i) => header[i]) };
  if (labelIndex >= 0) {
    const name = header[labelIndex];
    const cells = rows.map((row) => row[labelIndex]);
    const missing = cells.findIndex((c) => MISSING.test(c));
    if (missing >= 0) bad(`${fileName}, line ${lines[missing]}: the label ${quote(name)} is missing.`);
    const nums = cells.map(parseNumber);
    out.labelName = name;
    if (nums.every((v) => v !== undefined && Number.isFinite(v))) {
      const values = nums as number[];
      if (values.every((v) => Number.isSafeInteger(v))) {
        out.labels = { dtype: 'int64', shape: [rows.length], data: BigInt64Array.from(values, (v) => BigInt(v)) };
      } else {
        out.labels = { dtype: 'float32', shape: [rows.length], data: Float32Array.from(values) };
      }
    } else if (nums.every((v) => v === undefined)) {
      const classNames = [...new Set(cells)].sort();
      const index = new Map(classNames.map((c, i) => [c, i]));
      out.labels = { dtype: 'int64', shape: [rows.length], data: BigInt64Array.from(cells, (c) => BigInt(index.get(c)!)) };
      out.classNames = classNames;
    } else {
      const r = nums.findIndex((v) => v === undefined || !Number.isFinite(v));
      bad(`${fileName}, line ${lines[r]}: the label ${quote(name)} is ${quote(cells[r], 40)} while other labels are numbers.`);
    }
  }
  return out;
}
