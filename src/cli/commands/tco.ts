import type { CliCommand } from '../command';
// Only types from the core here: the core modules (and valibot) load when the command runs, not for `pareto --help`.
// ../render/text is a small module without dependencies.
import { fields, table, type Column, type Style } from '../render/text';
import type { CellResult, FeasibleCell, Range, Savings, TcoResult, TraceLine } from '../../core/cost/tco';
import type { SourceRef } from '../../core/cost/sources';
import type { FieldError } from '../../core/cost/scenario';

/**
 * `pareto tco <scenario.json>`: evaluate a TCO scenario (docs/tco.md) with the same core code as the app and print
 * two tables per variant (one row per target; costs by part, then per 1M, energy and the comparison with the
 * baseline), the notes and every figure used with its source, all within 120 columns; with `--explain` also every
 * formula with its numbers; or the result as JSON. A scenario that does not validate is reported field by field on
 * stderr (exit 1).
 */
export const tco: CliCommand = {
  signature: 'tco <scenario>',
  description: 'Total cost of ownership of model variants on cloud, owned or edge hardware, from a scenario file (docs/tco.md)',
  options: [
    { flags: '--json', description: 'Print the result as JSON (the TcoResult of src/core/cost/result.ts, documented in docs/tco.md)' },
    { flags: '--explain', description: 'Also print every formula with its numbers, per variant and target (the trace)' },
  ],
  examples: ['pareto tco examples/scenario.json', 'pareto tco examples/scenario.json --explain', 'pareto tco scenario.json --json > tco.json'],
  async run([path], options, io) {
    const [{ readFileOrFail }, { CliError, EXIT_FAILURE }, { evaluate }, { makeStyle }, { resolve }] = await Promise.all([
      import('../load'),
      import('../errors'),
      import('../../core/cost/tco'),
      import('../render/text'),
      import('node:path'),
    ]);
    const bytes = readFileOrFail(resolve(io.cwd, path), 'scenario');
    let input: unknown;
    try {
      input = JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new CliError(`cannot read the scenario "${path}" as JSON: ${e instanceof Error ? e.message : String(e)}.`);
    }
    const r = evaluate(input);
    if (!r.ok) {
      if (options.json) io.out(JSON.stringify({ errors: r.errors }, null, 2) + '\n');
      io.err(renderErrors(path, r.errors));
      return EXIT_FAILURE;
    }
    if (options.json) io.out(JSON.stringify(r.result, null, 2) + '\n');
    else io.out(renderTco(r.result, { style: makeStyle(io.color), explain: Boolean(options.explain) }));
  },
};

function renderErrors(path: string, errors: readonly FieldError[]): string {
  const n = errors.length;
  return [
    `pareto: error: the scenario "${path}" is not valid (${n} ${n === 1 ? 'problem' : 'problems'}):`,
    ...errors.map((e) => `  ${e.path || '(scenario)'}: ${e.message}`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting.

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** $1,234 / $12.35 / $0.0421: whole dollars from 1,000, cents from 1, three significant digits below. */
function money(x: number): string {
  const a = Math.abs(x);
  const sign = x < 0 ? '−' : '';
  if (a >= 1000) return `${sign}$${group(Math.round(a).toString())}`;
  if (a >= 1 || a === 0) return `${sign}$${a.toFixed(2)}`;
  return `${sign}$${Number(a.toPrecision(3))}`;
}

/** 1,234 / 12.3 / 0.123. */
function quantity(x: number): string {
  const a = Math.abs(x);
  if (a >= 1000) return group(Math.round(x).toString());
  if (a >= 10) return String(Number(x.toFixed(1)));
  if (a === 0) return '0';
  return String(Number(x.toPrecision(3)));
}

function count(x: number): string {
  if (x >= 1e9) return `${quantity(x / 1e9)}G`;
  if (x >= 1e6) return `${quantity(x / 1e6)}M`;
  if (x >= 1e4) return `${quantity(x / 1e3)}k`;
  return quantity(x);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Every line of the report fits this many columns (longer ones wrap with a hanging indent). */
const WIDTH = 120;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const visible = (s: string) => s.replace(ANSI, '').length;

/**
 * `line` wrapped at spaces to `width` visible columns; continuation lines are indented by the line's own indent + 4.
 * A word longer than a line (an address) is cut only when it cannot fit on a line of its own.
 */
function wrap(line: string, width = WIDTH): string[] {
  if (visible(line) <= width) return [line];
  const indent = ' '.repeat((line.match(/^ */) as RegExpMatchArray)[0].length + 4);
  const words = line.trimStart().split(' ');
  const out: string[] = [];
  let cur = line.slice(0, line.length - line.trimStart().length);
  let fresh = true;
  for (let w of words) {
    if (!fresh && visible(cur) + 1 + visible(w) > width) {
      out.push(cur);
      cur = indent;
      fresh = true;
    }
    while (visible(cur) + visible(w) > width && w.length > width - indent.length) {
      const room = width - visible(cur);
      out.push(cur + w.slice(0, room));
      w = w.slice(room);
      cur = indent;
    }
    cur += fresh ? w : ` ${w}`;
    fresh = false;
  }
  out.push(cur);
  return out.map((l) => l.trimEnd());
}

/** "$5,864–$7,297", or one figure when both ends print the same. */
function moneyRange(r: Range): string {
  const [a, b] = [money(r.low), money(r.high)];
  return a === b ? a : `${a}–${b}`;
}

/** A cell whose costs have a range worth printing (a benchmark with an interval, ends that differ). */
const spread = (c: CellResult): c is FeasibleCell => c.feasible && c.range.basis !== 'none' && moneyRange(c.range.monthly) !== money(c.range.monthly.low);

/** Against the baseline: "−19.2% (−$260.65/mo)" when cheaper, "+5.0% (+$12.00/mo)" when dearer; a difference that
 * rounds to 0.0% is "about the same", one under a cent "no difference"; one within the benchmarks' noise (the monthly
 * ranges overlap) "no measurable difference" (the notes give the ranges). */
function vsBaseline(s: Savings): string {
  if (!s.difference.measurable) return 'no measurable difference';
  const dearer = -s.monthly; // > 0: this variant costs more
  if (Math.abs(dearer) < 0.005) return 'no difference';
  const amount = `${dearer > 0 ? '+' : '−'}${money(Math.abs(dearer))}/mo`;
  if (s.fraction === null) return amount;
  if (Math.abs(s.fraction) < 0.0005) return `about the same (${amount})`;
  return `${dearer > 0 ? '+' : '−'}${pct(Math.abs(s.fraction))} (${amount})`;
}

/** The lines that say where a figure comes from: publisher, title and date, then the address. */
function sourceLines(r: SourceRef | null, indent: string): string[] {
  if (!r) return [`${indent}typed in the scenario`];
  return [`${indent}${r.publisher}, "${r.title}", ${r.dateKind} ${r.date}${r.via ? ` (via ${r.via})` : ''}`, `${indent}${r.url}`];
}

interface RenderOptions {
  style: Style;
  explain?: boolean;
}

function renderTco(result: TcoResult, { style, explain = false }: RenderOptions): string {
  return lines(result, style, explain).flatMap((l) => wrap(l)).join('\n') + '\n';
}

function lines(r: TcoResult, style: Style, explain: boolean): string[] {
  const out: string[] = [];
  const t = r.traffic;
  out.push(style.bold(`TCO: ${r.name ?? 'scenario'}`));
  out.push(
    ...fields(
      [
        ['traffic', `${quantity(t.averageRps)} req/s average, ${quantity(t.peakRps)} req/s peak, ${quantity(t.activeHoursPerDay)} h/day → ${count(t.monthlyInferences)} inferences/month`],
        ['service', `p99 ≤ ${quantity(r.sloP99Ms)} ms, target utilisation ${pct(r.targetUtilization)}, redundancy +${r.redundancy}, ${r.schedule === 'always-on' ? 'always on' : 'active hours only'}`],
        ['baseline', r.variants.find((v) => v.isBaseline)?.name ?? r.baselineId],
        ['month', `${r.hoursPerMonth} h; storage ${money(r.storage.pricePerGBMonth)}/GB-month; egress ${money(r.network.pricePerGB)}/GB; maintenance ${money(r.maintenance.monthly)}/month`],
      ],
      style,
    ),
  );

  out.push('', style.bold('Targets'));
  out.push(
    ...table(
      [
        { header: 'target', max: 40 },
        { header: 'kind' },
        { header: 'power idle/max' },
        { header: 'PUE', align: 'right' },
        { header: '$/kWh', align: 'right' },
        { header: 'gCO2e/kWh', align: 'right' },
      ],
      r.targets.map((x) => [
        `${x.name}${x.name === x.id ? '' : ` [${x.id}]`}`,
        x.kind,
        `${quantity(x.power.idleW)}/${quantity(x.power.maxW)} W${x.power.estimate ? ' (est.)' : ''}`,
        String(x.pue),
        String(x.pricePerKWh),
        String(x.gramsCO2ePerKWh),
      ]),
      style,
    ),
  );
  for (const x of r.targets) {
    const price = x.hourlyPrice
      ? x.hourlyPrice.basis
      : x.ownedMonthly
        ? `${money(x.ownedMonthly.total)}/month each (depreciation ${money(x.ownedMonthly.depreciation)} + colo ${money(x.ownedMonthly.colocation)} + opex ${money(x.ownedMonthly.opex)})`
        : 'no compute bill (users’ devices)';
    out.push(`  ${style.dim('·')} ${x.name}: ${price}`);
  }

  for (const v of r.variants) {
    const head = `Variant ${v.name}${v.name === v.id ? '' : ` [${v.id}]`}`;
    const tags = [v.isBaseline ? 'baseline' : '', v.accuracy !== null ? `accuracy ${v.accuracy}%` : '', `${quantity(v.modelSizeMB)} MB`].filter(Boolean);
    out.push('', `${style.bold(head)} ${style.dim(`(${tags.join(', ')})`)}`);
    out.push(...table(MONTHLY_COLUMNS, v.cells.map((c) => monthlyRow(r, c)), style));
    const ranged = r.variants.some((x) => x.cells.some(spread));
    out.push('', ...table(ranged ? [...SUMMARY_COLUMNS.slice(0, 2), RANGE_COLUMN, ...SUMMARY_COLUMNS.slice(2)] : SUMMARY_COLUMNS, v.cells.map((c) => summaryRow(r, c, ranged)), style));
    const notes: string[] = [];
    for (const c of v.cells) {
      const name = targetName(r, c.targetId);
      if (!c.feasible) notes.push(`${name}: INFEASIBLE: ${c.reason}`);
      else {
        if (c.throughput.estimate) notes.push(`${name}: throughput ${quantity(c.throughput.itemsPerSecond)} items/s is an ESTIMATE: ${c.throughput.label}`);
        if (c.energy.paidBy === 'in-price') notes.push(`${name}: energy is in the instance price (${quantity(c.energy.kWhPerMonth)} kWh reported, not billed)`);
        if (c.energy.paidBy === 'users') notes.push(`${name}: energy cost is paid by the users`);
        const use = c.utilization ? `; utilisation ${pct(c.utilization.average)} average, ${pct(c.utilization.peak)} at peak` : '';
        notes.push(`${name}: ${money(c.yearly.total)}/year${use}`);
        if (spread(c)) {
          const n = c.range.instances && c.range.instances.low !== c.range.instances.high ? `, ${c.range.instances.low}–${c.range.instances.high} instances` : '';
          notes.push(`${name}: range ${moneyRange(c.range.monthly)}/month${n}: ${c.range.note}`);
        }
        const d = c.savings?.difference;
        if (d && !d.measurable) {
          notes.push(`${name}: no measurable difference from the baseline: ${moneyRange(d.variant)}/month against ${moneyRange(d.baseline)}/month (the ranges overlap)`);
        }
      }
      for (const w of c.warnings) if (!(c.feasible && c.throughput.estimate && w.startsWith('Throughput of'))) notes.push(`${name}: ${w}`);
    }
    for (const b of v.breakEven) notes.push(`break-even: ${b.verdict}`);
    if (notes.length) out.push(...[...new Set(notes)].map((n) => `  ${style.dim('·')} ${n}`));
    if (explain) {
      for (const c of v.cells) {
        if (!c.feasible) continue;
        out.push('', `  ${style.bold(`${v.name} on ${targetName(r, c.targetId)}`)}`);
        for (const l of c.trace) out.push(traceLine(l));
      }
      for (const b of v.breakEven) {
        out.push('', `  ${style.bold(`${v.name}: ${targetName(r, b.ownedTargetId)} against ${targetName(r, b.cloudTargetId)}`)}`);
        for (const l of b.trace) out.push(traceLine(l));
      }
    }
  }

  const anyAccuracy = r.frontiers.some((f) => f.frontier.length > 0 || f.cheapestMeetingFloor);
  if (anyAccuracy) {
    out.push('', style.bold('Cost per 1M against accuracy'));
    const name = (id: string) => r.variants.find((v) => v.id === id)?.name ?? id;
    out.push(
      ...fields(
        r.frontiers.map((f): [string, string] => [
          targetName(r, f.targetId),
          `frontier: ${f.frontier.map(name).join(' → ') || '–'}` +
            (f.cheapestMeetingFloor
              ? `; cheapest at ≥ ${f.cheapestMeetingFloor.floor}%: ${f.cheapestMeetingFloor.variantId ? name(f.cheapestMeetingFloor.variantId) : 'none'}`
              : ''),
        ]),
        style,
      ),
    );
  }

  if (r.warnings.length) out.push('', style.bold('Warnings'), ...r.warnings.map((w) => `  ${w}`));

  out.push('', style.bold('Default figures used'));
  for (const d of r.defaultsUsed) {
    const f = d.figure;
    out.push(`  ${d.key} = ${Number(f.value.toPrecision(6))} ${f.unit}${f.estimate ? ' (estimate)' : ''}`);
    out.push(...sourceLines(f.source, '      '));
    if (f.derived) out.push(`      derived: ${f.derived}`);
    if (f.note) out.push(`      note: ${f.note}`);
  }
  if (!r.defaultsUsed.length) out.push('  none: every figure was typed in the scenario');
  const cloud = r.targets.filter((x) => x.instance);
  if (cloud.length) {
    out.push('', style.bold('Catalogue figures used'));
    for (const x of cloud) {
      out.push(`  ${x.name}: ${x.hourlyPrice?.basis ?? ''}`, ...sourceLines(x.hourlyPrice?.source ?? null, '      '));
      out.push(`  ${x.name}: power ${quantity(x.power.idleW)}–${quantity(x.power.maxW)} W (estimate), derived: ${x.power.derivation}`);
      out.push(...sourceLines(x.power.source, '      '));
    }
  }
  return out;
}

/** "label: formula = value unit", the value to 6 significant digits (as in the formulas) so that the arithmetic can be redone. */
function traceLine(l: TraceLine): string {
  return `    ${l.label}: ${l.formula} = ${String(Number(l.value.toPrecision(6)))}${l.unit ? ` ${l.unit}` : ''}`;
}

function targetName(r: TcoResult, id: string): string {
  return r.targets.find((t) => t.id === id)?.name ?? id;
}

/** Target names longer than this are shortened in the tables (the notes below them give the full name). */
const TARGET_MAX = 30;

const MONTHLY_COLUMNS = [
  { header: 'target', max: TARGET_MAX },
  { header: 'items/s', align: 'right' },
  { header: 'batch', align: 'right' },
  { header: 'inst.', align: 'right' },
  { header: 'compute', align: 'right' },
  { header: 'storage', align: 'right' },
  { header: 'network', align: 'right' },
  { header: 'energy', align: 'right' },
  { header: 'maint.', align: 'right' },
  { header: 'total/mo', align: 'right' },
] as const satisfies readonly Column[];

const SUMMARY_COLUMNS = [
  { header: 'target', max: TARGET_MAX },
  { header: 'total/mo', align: 'right' },
  { header: 'per 1M', align: 'right' },
  { header: 'kWh/mo', align: 'right' },
  { header: 'kgCO2e/mo', align: 'right' },
  { header: 'vs baseline' },
] as const satisfies readonly Column[];

const RANGE_COLUMN = { header: 'range/mo', align: 'right' } as const satisfies Column;

/** Per month, by part: throughput, batch size, instances, then each part and the total. */
function monthlyRow(r: TcoResult, c: CellResult): string[] {
  const name = targetName(r, c.targetId);
  if (!c.feasible) return [name, 'infeasible', '', '', '', '', '', '', '', ''];
  const m = c.monthly;
  return [
    name,
    `${quantity(c.throughput.itemsPerSecond)}${c.throughput.estimate ? '*' : ''}`,
    c.throughput.batchSize === null ? '–' : String(c.throughput.batchSize),
    c.instances ? String(c.instances.total) : '–',
    money(m.compute),
    money(m.storage),
    money(m.network),
    money(m.energy),
    money(m.maintenance),
    money(m.total),
  ];
}

/** The total (and its range, when `ranged`), cost per 1M inferences, energy and carbon, and the comparison with the baseline. */
function summaryRow(r: TcoResult, c: CellResult, ranged = false): string[] {
  const name = targetName(r, c.targetId);
  if (!c.feasible) return [name, 'infeasible', ...(ranged ? [''] : []), '', '', '', ''];
  const f: FeasibleCell = c;
  const vs = f.savings
    ? vsBaseline(f.savings)
    : r.variants.find((v) => v.id === f.variantId)?.isBaseline
      ? 'baseline'
      : 'baseline infeasible';
  const range = ranged ? [f.range.basis === 'none' ? '–' : moneyRange(f.range.monthly)] : [];
  return [name, money(f.monthly.total), ...range, money(f.costPer1M), quantity(f.energy.kWhPerMonth), quantity(f.energy.kgCO2ePerMonth), vs];
}
