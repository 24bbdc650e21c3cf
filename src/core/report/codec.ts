/**
 * A report as a link: `<base>#r=<payload>`. The fragment never reaches a server (browsers do not send it).
 *
 * payload = base64url(deflate-raw(UTF-8(JSON with short keys), with a preset dictionary: dictionary.ts)). Keys are shortened through a fixed table (KEYS:
 * append-only, part of the wire format); a key not in the table that could be mistaken for a short one is escaped
 * with `~`, so any JSON survives. Deflate (fflate) then removes most of the repetition.
 *
 * Decoding treats the link as hostile: the fragment's length is capped, the base64url alphabet checked, inflation
 * stops past MAX_INFLATED bytes, keys that would touch an object's prototype are refused, JSON nesting is bounded,
 * the version is migrated (migrate.ts) and the result validated (schema.ts). Every failure is a `ReportLinkError`
 * with a kind and a sentence saying what is wrong.
 */
import { deflateSync, Inflate } from 'fflate';
import { RESERVED_NAMES } from '../own';
import { DICTIONARY_TEMPLATE } from './dictionary';
import { migrateReport } from './migrate';
import { validateReport, type Report } from './schema';

/** Inflated JSON larger than this is refused. */
export const MAX_INFLATED = 1 << 20;
/** Longest fragment payload read (characters). Links this long are far past any budget; report files have no cap here. */
export const MAX_PAYLOAD_CHARS = 200_000;
/** Links longer than this are not offered: the report file is. */
export const LINK_LIMIT = 8000;
export const FRAGMENT_KEY = 'r';
const MAX_DEPTH = 24;

/** The long keys, in wire order (append only: a key's position is its short code). */
const KEYS = [
  // report
  'version', 'createdAt', 'source', 'title', 'models', 'variants', 'environments', 'results', 'tco', 'chart', 'notes',
  // model, variant
  'name', 'format', 'bytes', 'sha256', 'summary', 'parameters', 'nodes', 'opsets', 'inputs', 'outputs',
  'model', 'recipe', 'gzipBytes', 'sparsity', 'degraded', 'reasons', 'rule',
  // environment, result
  'host', 'cores', 'cpu', 'crossOriginIsolated', 'gpu', 'gpuFallback',
  'variant', 'backend', 'threads', 'runtime', 'environment', 'data', 'items', 'labelled', 'inputSpec', 'coldStart',
  'createSessionMs', 'firstRunMs', 'batches', 'modelBytes', 'quality',
  'batch', 'runs', 'p50Ms', 'p90Ms', 'p99Ms', 'itemsPerSecond', 'medianCI', 'lowerMs', 'upperMs', 'level', 'minMs', 'maxMs',
  'kind', 'value', 'lower', 'upper', 'label',
  // tco, chart
  'scenario', 'variantsFrom', 'figures', 'result', 'variantId', 'targetId', 'costPer1M', 'monthly', 'instances', 'reason',
  'x', 'floorPoints',
  // scenario (docs/tco.md)
  'traffic', 'averageRps', 'peakRps', 'activeHoursPerDay', 'slo', 'targetUtilization', 'maxBatchSize', 'redundancy',
  'schedule', 'baseline', 'accuracyFloor', 'maxDropPoints', 'targets', 'id', 'instance', 'pricing', 'discount',
  'hourlyPrice', 'pue', 'pricePerKWh', 'gramsCO2ePerKWh', 'scale', 'method', 'factor', 'derivation', 'latencyFactor',
  'purchasePrice', 'lifetimeYears', 'residualFraction', 'powerIdleW', 'powerMaxW', 'colocationPerKWMonth', 'opexPerYear',
  'vcpus', 'accelerator', 'devices', 'storage', 'modelVersions', 'replicas', 'retainedBytesPerRequest', 'retentionDays',
  'pricePerGBMonth', 'network', 'egressBytesPerRequest', 'pricePerGB', 'energy', 'maintenance', 'updatesPerYear',
  'hoursPerUpdate', 'loadedHourlyRate', 'onCallPerMonth', 'throughput', 'accuracy', 'modelSizeMB', 'device', 'class',
  'points', 'batchSize', 'itemsPerSecondInterval', 'low', 'high', 'perTarget', 'note', 'description',
] as const;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const codeOf = (i: number) => (i < ALPHABET.length ? ALPHABET[i] : ALPHABET[Math.floor(i / ALPHABET.length) - 1] + ALPHABET[i % ALPHABET.length]);
const SHORT = new Map<string, string>(KEYS.map((k, i) => [k, codeOf(i)]));
const LONG = new Map<string, string>(KEYS.map((k, i) => [codeOf(i), k]));

export const KEY_TABLE: ReadonlyMap<string, string> = SHORT;

function shortKey(k: string): string {
  const s = SHORT.get(k);
  if (s !== undefined) return s;
  return LONG.has(k) || k.startsWith('~') ? `~${k}` : k;
}

function longKey(k: string): string {
  if (k.startsWith('~')) return k.slice(1);
  return LONG.get(k) ?? k;
}

export type LinkErrorKind = 'empty' | 'not-a-report-link' | 'too-long' | 'not-base64url' | 'cut-short' | 'not-deflate' | 'too-large' | 'not-json' | 'version' | 'invalid';

export class ReportLinkError extends Error {
  constructor(
    readonly kind: LinkErrorKind,
    message: string,
    /** For `invalid`: the field (dotted path) that is wrong. */
    readonly path?: string,
  ) {
    super(message);
    this.name = 'ReportLinkError';
  }
}

/* ------------------------------------------------------------------ key mapping ------------------------------------------------------------------ */

function mapKeys(x: unknown, map: (k: string) => string, depth: number, path: string): unknown {
  if (depth > MAX_DEPTH) throw new ReportLinkError('invalid', `the report nests deeper than ${MAX_DEPTH} levels at ${path || 'the top'}`, path);
  if (Array.isArray(x)) return x.map((e, i) => mapKeys(e, map, depth + 1, `${path}${path ? '.' : ''}${i}`));
  if (x === null || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(x)) {
    const key = map(k);
    if (RESERVED_NAMES.has(key)) throw new ReportLinkError('invalid', `the report uses the reserved name "${key}" as a field (at ${path || 'the top'})`, path);
    out[key] = mapKeys(value, map, depth + 1, `${path}${path ? '.' : ''}${key}`);
  }
  return out;
}

const DICTIONARY = new TextEncoder().encode(JSON.stringify(mapKeys(DICTIONARY_TEMPLATE, shortKey, 0, '')));

/* ------------------------------------------------------------------ base64url ------------------------------------------------------------------ */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    s += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) s += B64[bytes[i] >> 2] + B64[(bytes[i] & 3) << 4];
  else if (rest === 2) {
    const n = (bytes[i] << 8) | bytes[i + 1];
    s += B64[n >> 10] + B64[(n >> 4) & 63] + B64[(n & 15) << 2];
  }
  return s;
}

export function fromBase64Url(s: string): Uint8Array {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || B64_INDEX[c] < 0) {
      throw new ReportLinkError('not-base64url', `the link's report is not base64url: character ${JSON.stringify(s[i])} at position ${i + 1} (a link mangled by a chat tool or mail client?)`);
    }
  }
  if (s.length % 4 === 1) throw new ReportLinkError('cut-short', `the link's report is cut short (${s.length} characters cannot be base64url): copy the whole link`);
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const a = B64_INDEX[s.charCodeAt(i)];
    const b = B64_INDEX[s.charCodeAt(i + 1)];
    const c = i + 2 < s.length ? B64_INDEX[s.charCodeAt(i + 2)] : -1;
    const d = i + 3 < s.length ? B64_INDEX[s.charCodeAt(i + 3)] : -1;
    out[o++] = (a << 2) | (b >> 4);
    if (c >= 0) out[o++] = ((b & 15) << 4) | (c >> 2);
    if (d >= 0) out[o++] = ((c & 3) << 6) | d;
  }
  return out.subarray(0, o);
}

/* ------------------------------------------------------------------ encode ------------------------------------------------------------------ */

const utf8 = new TextEncoder();

/** The fragment payload of a report (no `#r=`). */
export function encodeReport(report: Report): string {
  const json = JSON.stringify(mapKeys(report, shortKey, 0, ''));
  return toBase64Url(deflateSync(utf8.encode(json), { level: 9, dictionary: DICTIONARY }));
}

/** `<base>#r=<payload>`; `base` without a fragment (any `#…` of it is dropped). */
export function reportLink(report: Report, base: string): string {
  return `${base.split('#')[0]}#${FRAGMENT_KEY}=${encodeReport(report)}`;
}

/** Where a link of `length` characters stands against the budgets. */
export function linkVerdict(length: number): { ok: boolean; message: string } {
  return length > LINK_LIMIT
    ? { ok: false, message: `The link would be ${length.toLocaleString('en-US')} characters, over the ${LINK_LIMIT.toLocaleString('en-US')} that links reliably survive: share the report file instead.` }
    : { ok: true, message: `${length.toLocaleString('en-US')} characters` };
}

/* ------------------------------------------------------------------ decode ------------------------------------------------------------------ */

function inflateCapped(bytes: Uint8Array): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let ended = false;
  const inflate = new Inflate({ dictionary: DICTIONARY }, (chunk, final) => {
    total += chunk.length;
    if (total > MAX_INFLATED) {
      throw new ReportLinkError('too-large', `the link's report inflates past ${MAX_INFLATED.toLocaleString('en-US')} bytes (1 MiB); reading stopped: it is not a report this studio made`);
    }
    chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    // Small steps: one step cannot inflate to much more than the cap (deflate's ratio is at most ~1032:1).
    for (let i = 0; i < bytes.length; i += 512) inflate.push(bytes.subarray(i, i + 512), i + 512 >= bytes.length);
    if (bytes.length === 0) inflate.push(new Uint8Array(0), true);
  } catch (e) {
    if (e instanceof ReportLinkError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    if (/unexpected EOF/i.test(msg)) throw new ReportLinkError('cut-short', 'the link\'s report is cut short (its compressed data ends early): copy the whole link');
    throw new ReportLinkError('not-deflate', `the link's report is not compressed data this studio wrote (${msg})`);
  }
  if (!ended) throw new ReportLinkError('cut-short', 'the link\'s report is cut short (its compressed data ends early): copy the whole link');
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** The payload of a `#r=…` fragment (a whole URL, a fragment with or without `#`, or the bare payload). */
export function payloadOf(linkOrFragment: string): string {
  const s = linkOrFragment.trim();
  const hash = s.indexOf('#');
  const frag = hash >= 0 ? s.slice(hash + 1) : s;
  if (frag === '') throw new ReportLinkError('empty', 'the link has no report in it (nothing after "#")');
  if (hash >= 0 || frag.includes('=')) {
    const params = frag.split('&');
    const entry = params.find((p) => p.startsWith(`${FRAGMENT_KEY}=`));
    if (!entry) throw new ReportLinkError('not-a-report-link', `the link's fragment has no "${FRAGMENT_KEY}=" report`);
    return entry.slice(FRAGMENT_KEY.length + 1);
  }
  return frag;
}

/** Decode (validate, migrate) a payload; throws ReportLinkError. */
export function decodeReport(payload: string): Report {
  if (payload.length === 0) throw new ReportLinkError('empty', 'the link\'s report is empty');
  if (payload.length > MAX_PAYLOAD_CHARS) {
    throw new ReportLinkError('too-long', `the link's report is ${payload.length.toLocaleString('en-US')} characters, over the ${MAX_PAYLOAD_CHARS.toLocaleString('en-US')} read from a link: open the report file instead`);
  }
  const inflated = inflateCapped(fromBase64Url(payload));
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflated));
  } catch (e) {
    throw new ReportLinkError('not-json', `the link's report decompresses to something that is not JSON (${e instanceof Error ? e.message.slice(0, 120) : 'unreadable'})`);
  }
  return checkReport(mapKeys(json, longKey, 0, ''));
}

/** Migrate and validate a report that is already JSON (a report file, or a decoded link); throws ReportLinkError. */
export function checkReport(json: unknown): Report {
  const migrated = migrateReport(json);
  if (!migrated.ok) throw new ReportLinkError('version', migrated.message);
  const valid = validateReport(migrated.report);
  if (!valid.ok) throw new ReportLinkError('invalid', `invalid field ${valid.path || '(the report)'}: ${valid.message}`, valid.path);
  return valid.report;
}

/** Decode a link, a fragment or a payload. */
export const decodeReportLink = (link: string): Report => decodeReport(payloadOf(link));

/** A report file (JSON text, the same schema, long keys); throws ReportLinkError. */
export function parseReportFile(text: string): Report {
  if (text.length > MAX_INFLATED * 8) throw new ReportLinkError('too-large', `the report file is over ${MAX_INFLATED * 8} characters; it is not a report this studio made`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReportLinkError('not-json', `the report file is not JSON (${e instanceof Error ? e.message.slice(0, 120) : 'unreadable'})`);
  }
  return checkReport(mapKeys(json, (k) => k, 0, ''));
}
