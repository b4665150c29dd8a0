/**
 * @module planning/report
 * What a planner reads and shares of a plan: a structured summary (totals and fill rate, shortages by
 * end demand with their causes, bottlenecks per capacity, load per tier, orders by kind) and its text
 * for a terminal; the plan as CSV files for a spreadsheet; and the plan as JSON in chunks, so a plan
 * with millions of orders streams to a file or an HTTP response without one giant string.
 *
 * Pure: the callers (`keten plan`, the HTTP API) decide where the text goes.
 */

import { type Network, valueAt } from '../model/schema.ts';
import { computeTiers } from '../model/tiers.ts';
import { joinInChunks } from '../text-chunks.ts';
import { countProduction, type OrderList, OrderTable } from './orders.ts';
import type { Plan, ShortageCode } from './plan.ts';

// ---- the summary ----

/** End demand in the planned periods and how it is met. `onTime + short = demand`. */
export interface PlanTotals {
  /** End demand of periods 0 .. horizon − 1. */
  readonly demand: number;
  /** Delivered in the period it is demanded. */
  readonly onTime: number;
  /** Not delivered on time: the sum of the plan's shortages. */
  readonly short: number;
  /** Of `short`, what is delivered later within the horizon. */
  readonly late: number;
  /** Of `short`, what is not delivered within the horizon at all (`short − late`). */
  readonly unserved: number;
  /** `onTime / demand`; 1 when there is no demand. */
  readonly fillRate: number;
}

/** One cause of the shortages of an end demand: the constraint, where it binds, how much it costs. */
export interface ShortageCauseSummary {
  readonly code: ShortageCode;
  /** Where the constraint binds (often a supplier tiers away from the demand). */
  readonly company: string;
  readonly item: string;
  /** Shortage quantity with this cause. */
  readonly quantity: number;
  /** Demand periods short for this cause. */
  readonly periods: number;
  /** The first demand period short for this cause. */
  readonly firstPeriod: number;
  /** The explanation of the first of them, as the planner wrote it. */
  readonly text: string;
}

/** The shortages of one end demand (company and item), with their causes, largest first. */
export interface DemandShortageSummary {
  readonly company: string;
  readonly item: string;
  /** End demand of the planned periods. */
  readonly demand: number;
  /** Not delivered on time. */
  readonly short: number;
  /** Of `short`, what is delivered later within the horizon. */
  readonly late: number;
  /** On time / demand. */
  readonly fillRate: number;
  /** Demand periods with a shortage. */
  readonly periods: number;
  readonly firstPeriod: number;
  readonly causes: ShortageCauseSummary[];
}

/** The periods in which one capacity (production record or capacity group) is over its limit. */
export interface CapacityBottleneckSummary {
  readonly company: string;
  /** A capacity group's id, or `company/item` for a production record (as in `Bottleneck`). */
  readonly capacity: string;
  /** Periods in which meeting all demand on time needs more than `capacity`. */
  readonly periods: number;
  readonly firstPeriod: number;
  readonly lastPeriod: number;
  /** The period with the highest load against the limit, and the figures of that period. */
  readonly peakPeriod: number;
  readonly peakLoad: number;
  readonly limit: number;
  readonly maximum?: number;
  /** Periods in which even `maximumCapacity` (or `capacity`, where none is set) is too little. */
  readonly beyondMaximum: number;
}

/** The busiest capacity-period of a tier. */
export interface LoadPeak {
  readonly company: string;
  /** A capacity group's id, or `company/item` for a production record. */
  readonly capacity: string;
  readonly period: number;
  readonly utilisation: number;
}

/** Planned load per tier (see `computeTiers`). */
export interface TierLoad {
  /** 0 for companies with end demand, 1 for their suppliers, …; null for companies in no chain. */
  readonly tier: number | null;
  readonly companies: number;
  /** Orders placed by the tier's companies: production they start, purchases they place. */
  readonly orders: number;
  /** Production records and capacity groups of the tier's companies. */
  readonly capacities: number;
  /** Planned load / capacity over all the tier's capacities and periods; null without capacity. */
  readonly meanUtilisation: number | null;
  /** The highest load / capacity of one capacity in one period; null without capacity. */
  readonly peakUtilisation: number | null;
  readonly peak?: LoadPeak;
}

export interface OrderCounts {
  readonly production: number;
  readonly purchase: number;
  readonly total: number;
}

/** A plan in figures a planner reads first. */
export interface PlanSummary {
  readonly network: string;
  readonly horizon: number;
  readonly totals: PlanTotals;
  readonly orders: OrderCounts;
  /** Per end demand with a shortage, the largest shortage first. */
  readonly shortages: DemandShortageSummary[];
  /** Per capacity over its limit, the one over in most periods first. */
  readonly bottlenecks: CapacityBottleneckSummary[];
  /** Per tier, from tier 0; companies in no chain last. */
  readonly tiers: TierLoad[];
}

const SEPARATOR = '\u0000';

/**
 * Sums up `plan`, which was made of `network`. Linear in the size of the plan; quantities are rounded
 * to 6 decimals.
 *
 * @example
 * const summary = summarizePlan(network, planNetwork(network));
 * summary.totals.fillRate; // 0.909…
 */
export function summarizePlan(network: Network, plan: Plan): PlanSummary {
  const demandOf = new Map<string, number>();
  let demand = 0;
  for (const entry of network.demand ?? []) {
    let sum = 0;
    for (let period = 0; period < Math.min(plan.horizon, entry.quantities.length); period++) {
      sum += entry.quantities[period]!;
    }
    const key = entry.company + SEPARATOR + entry.item;
    demandOf.set(key, (demandOf.get(key) ?? 0) + sum);
    demand += sum;
  }
  let late = 0;
  const lateOf = new Map<string, number>();
  for (const delivery of plan.deliveries) {
    if (delivery.period <= delivery.forPeriod) continue;
    late += delivery.quantity;
    const key = delivery.company + SEPARATOR + delivery.item;
    lateOf.set(key, (lateOf.get(key) ?? 0) + delivery.quantity);
  }
  let short = 0;
  for (const shortage of plan.shortages) short += shortage.quantity;
  const onTime = Math.max(0, demand - short);
  const production = countProduction(plan.orders);
  return {
    network: plan.network,
    horizon: plan.horizon,
    totals: {
      demand: round(demand),
      onTime: round(onTime),
      short: round(short),
      late: round(late),
      unserved: round(Math.max(0, short - late)),
      fillRate: demand > 0 ? round(onTime / demand) : 1,
    },
    orders: { production, purchase: plan.orders.length - production, total: plan.orders.length },
    shortages: shortagesByDemand(plan, demandOf, lateOf),
    bottlenecks: bottlenecksByCapacity(plan),
    tiers: loadByTier(network, plan),
  };
}

interface CauseTally {
  code: ShortageCode;
  company: string;
  item: string;
  quantity: number;
  periods: number;
  firstPeriod: number;
  text: string;
}

interface DemandTally {
  company: string;
  item: string;
  short: number;
  periods: number;
  firstPeriod: number;
  causes: Map<string, CauseTally>;
}

function shortagesByDemand(
  plan: Plan,
  demandOf: ReadonlyMap<string, number>,
  lateOf: ReadonlyMap<string, number>,
): DemandShortageSummary[] {
  const tallies = new Map<string, DemandTally>();
  for (const shortage of plan.shortages) {
    const key = shortage.company + SEPARATOR + shortage.item;
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = {
        company: shortage.company,
        item: shortage.item,
        short: 0,
        periods: 0,
        firstPeriod: shortage.period,
        causes: new Map(),
      };
      tallies.set(key, tally);
    }
    tally.short += shortage.quantity;
    tally.periods++;
    tally.firstPeriod = Math.min(tally.firstPeriod, shortage.period);
    const { cause } = shortage;
    const causeKey = [cause.code, cause.company, cause.item].join(SEPARATOR);
    let causeTally = tally.causes.get(causeKey);
    if (causeTally === undefined) {
      causeTally = { ...cause, quantity: 0, periods: 0, firstPeriod: shortage.period };
      tally.causes.set(causeKey, causeTally);
    }
    causeTally.quantity += shortage.quantity;
    causeTally.periods++;
    if (shortage.period < causeTally.firstPeriod) {
      causeTally.firstPeriod = shortage.period;
      causeTally.text = cause.text;
    }
  }
  const summaries: DemandShortageSummary[] = [];
  for (const [key, tally] of tallies) {
    const demand = demandOf.get(key) ?? tally.short;
    const causes = [...tally.causes.values()]
      .sort(
        (a, b) =>
          b.quantity - a.quantity ||
          b.periods - a.periods ||
          a.firstPeriod - b.firstPeriod ||
          compareText(a.code + a.company + a.item, b.code + b.company + b.item),
      )
      .map(
        (cause): ShortageCauseSummary => ({
          code: cause.code,
          company: cause.company,
          item: cause.item,
          quantity: round(cause.quantity),
          periods: cause.periods,
          firstPeriod: cause.firstPeriod,
          text: cause.text,
        }),
      );
    summaries.push({
      company: tally.company,
      item: tally.item,
      demand: round(demand),
      short: round(tally.short),
      late: round(lateOf.get(key) ?? 0),
      fillRate: demand > 0 ? round(Math.max(0, demand - tally.short) / demand) : 1,
      periods: tally.periods,
      firstPeriod: tally.firstPeriod,
      causes,
    });
  }
  return summaries.sort(
    (a, b) => b.short - a.short || compareText(a.company, b.company) || compareText(a.item, b.item),
  );
}

interface BottleneckTally {
  company: string;
  capacity: string;
  periods: number;
  firstPeriod: number;
  lastPeriod: number;
  peakPeriod: number;
  peakLoad: number;
  limit: number;
  maximum: number | undefined;
  beyondMaximum: number;
}

function bottlenecksByCapacity(plan: Plan): CapacityBottleneckSummary[] {
  const tallies = new Map<string, BottleneckTally>();
  for (const entry of plan.bottlenecks) {
    const key = entry.company + SEPARATOR + entry.capacity;
    let tally = tallies.get(key);
    if (tally === undefined) {
      tally = {
        company: entry.company,
        capacity: entry.capacity,
        periods: 0,
        firstPeriod: entry.period,
        lastPeriod: entry.period,
        peakPeriod: entry.period,
        peakLoad: entry.load,
        limit: entry.limit,
        maximum: entry.maximum,
        beyondMaximum: 0,
      };
      tallies.set(key, tally);
    } else if (
      heavier(entry.load, entry.limit, tally.peakLoad, tally.limit) ||
      (entry.load === tally.peakLoad && entry.limit === tally.limit && entry.period < tally.peakPeriod)
    ) {
      tally.peakPeriod = entry.period;
      tally.peakLoad = entry.load;
      tally.limit = entry.limit;
      tally.maximum = entry.maximum;
    }
    tally.periods++;
    tally.firstPeriod = Math.min(tally.firstPeriod, entry.period);
    tally.lastPeriod = Math.max(tally.lastPeriod, entry.period);
    if (entry.load > (entry.maximum ?? entry.limit) + 1e-9) tally.beyondMaximum++;
  }
  return [...tallies.values()]
    .sort(
      (a, b) =>
        b.periods - a.periods ||
        (heavier(a.peakLoad, a.limit, b.peakLoad, b.limit) ? -1 : 0) ||
        (heavier(b.peakLoad, b.limit, a.peakLoad, a.limit) ? 1 : 0) ||
        compareText(a.company, b.company) ||
        compareText(a.capacity, b.capacity),
    )
    .map(({ maximum, ...tally }) => (maximum === undefined ? tally : { ...tally, maximum }));
}

/** Whether `load` against `limit` is heavier than `otherLoad` against `otherLimit` (by ratio, then load). */
function heavier(load: number, limit: number, otherLoad: number, otherLimit: number): boolean {
  // Cross-multiplied, so a limit of 0 (a shutdown period) is the heaviest without dividing by it.
  const left = load * otherLimit;
  const right = otherLoad * limit;
  if (left !== right) return left > right;
  return load > otherLoad;
}

/** One capacity: a production record or a capacity group, with its planned load per period. */
interface CapacityLoad {
  readonly company: string;
  readonly capacity: string;
  readonly limit: (period: number) => number;
  readonly load: Float64Array;
}

function loadByTier(network: Network, plan: Plan): TierLoad[] {
  const H = plan.horizon;
  const capacities: CapacityLoad[] = [];
  const recordLoad = new Map<string, Float64Array>();
  for (const record of network.production ?? []) {
    const load = new Float64Array(H);
    const capacity = `${record.company}/${record.item}`;
    recordLoad.set(record.company + SEPARATOR + record.item, load);
    capacities.push({
      company: record.company,
      capacity,
      limit: (period) => valueAt(record.capacity, period),
      load,
    });
  }
  const groupsOf = new Map<string, { load: Float64Array; per: number }[]>();
  for (const group of network.capacityGroups ?? []) {
    const load = new Float64Array(H);
    capacities.push({
      company: group.company,
      capacity: group.id,
      limit: (p) => valueAt(group.capacity, p),
      load,
    });
    for (const member of group.items) {
      const key = group.company + SEPARATOR + member.item;
      const list = groupsOf.get(key) ?? [];
      list.push({ load, per: member.load });
      groupsOf.set(key, list);
    }
  }
  const ordersOf = new Map<string, number>();
  for (const order of plan.orders) {
    ordersOf.set(order.company, (ordersOf.get(order.company) ?? 0) + 1);
    if (order.kind !== 'production' || order.start < 0 || order.start >= H) continue;
    const key = order.company + SEPARATOR + order.item;
    const started = order.startQuantity ?? order.quantity;
    const record = recordLoad.get(key);
    if (record !== undefined) record[order.start]! += started;
    for (const group of groupsOf.get(key) ?? []) group.load[order.start]! += started * group.per;
  }

  const tiers = computeTiers(network);
  interface Tally {
    companies: number;
    orders: number;
    capacities: number;
    load: number;
    limit: number;
    peak: LoadPeak | undefined;
  }
  const byTier = new Map<number | null, Tally>();
  const tallyOf = (company: string): Tally => {
    const tier = tiers.get(company) ?? null;
    let tally = byTier.get(tier);
    if (tally === undefined) {
      tally = { companies: 0, orders: 0, capacities: 0, load: 0, limit: 0, peak: undefined };
      byTier.set(tier, tally);
    }
    return tally;
  };
  for (const company of network.companies) {
    const tally = tallyOf(company.id);
    tally.companies++;
    tally.orders += ordersOf.get(company.id) ?? 0;
  }
  for (const capacity of capacities) {
    const tally = tallyOf(capacity.company);
    tally.capacities++;
    for (let period = 0; period < H; period++) {
      const limit = capacity.limit(period);
      const load = capacity.load[period]!;
      tally.limit += limit;
      tally.load += load;
      if (limit <= 0) continue;
      const utilisation = load / limit;
      if (tally.peak === undefined || utilisation > tally.peak.utilisation) {
        tally.peak = { company: capacity.company, capacity: capacity.capacity, period, utilisation };
      }
    }
  }
  return [...byTier.entries()]
    .sort(([a], [b]) => (a ?? Number.MAX_SAFE_INTEGER) - (b ?? Number.MAX_SAFE_INTEGER))
    .map(([tier, tally]): TierLoad => {
      const entry: TierLoad = {
        tier,
        companies: tally.companies,
        orders: tally.orders,
        capacities: tally.capacities,
        meanUtilisation: tally.limit > 0 ? round(tally.load / tally.limit) : null,
        peakUtilisation: tally.peak === undefined ? null : round(tally.peak.utilisation),
      };
      return tally.peak === undefined
        ? entry
        : { ...entry, peak: { ...tally.peak, utilisation: round(tally.peak.utilisation) } };
    });
}

// ---- the summary as text ----

export interface FormatSummaryOptions {
  /** At most this many end demands and bottlenecks (default 10); the rest is counted. */
  readonly limit?: number;
  /** At most this many causes per end demand (default 5); the rest is counted. */
  readonly causes?: number;
}

/**
 * The summary as lines of text for a terminal: totals, the worst shortages with their causes, the
 * worst bottlenecks, and the load per tier.
 *
 * @example console.log(formatPlanSummary(summarizePlan(network, plan)));
 */
export function formatPlanSummary(summary: PlanSummary, options: FormatSummaryOptions = {}): string {
  const limit = Math.max(1, options.limit ?? 10);
  const causeLimit = Math.max(1, options.causes ?? 5);
  const { totals, orders } = summary;
  const lines = [
    `Plan of '${summary.network}' over ${count(summary.horizon, 'period')}: ${count(orders.total, 'order')} (${quantity(orders.production)} production, ${quantity(orders.purchase)} purchase)`,
  ];
  if (totals.demand === 0) lines.push('No end demand in the planned periods.');
  else {
    const short =
      totals.short === 0
        ? 'nothing short'
        : totals.late === 0
          ? `${quantity(totals.short)} short, none of it delivered within the horizon`
          : totals.unserved === 0
            ? `${quantity(totals.short)} short, all of it delivered late within the horizon`
            : `${quantity(totals.short)} short (${quantity(totals.late)} delivered late, ${quantity(totals.unserved)} not within the horizon)`;
    lines.push(
      `Demand ${quantity(totals.demand)}: ${quantity(totals.onTime)} on time, fill rate ${percent(totals.fillRate)}; ${short}`,
    );
  }

  lines.push('');
  if (summary.shortages.length === 0) lines.push('Shortages: none, every end demand is met on time.');
  else {
    lines.push(`Shortages by end demand (${summary.shortages.length}), with their causes:`);
    for (const demand of summary.shortages.slice(0, limit)) {
      lines.push(
        `  ${demand.company}/${demand.item}: ${quantity(demand.short)} of ${quantity(demand.demand)} short in ${count(demand.periods, 'period')} from period ${demand.firstPeriod}, fill rate ${percent(demand.fillRate)}`,
      );
      for (const cause of demand.causes.slice(0, causeLimit)) {
        lines.push(
          `    ${quantity(cause.quantity)} ${cause.code} at ${cause.company}/${cause.item} (${count(cause.periods, 'period')} from ${cause.firstPeriod}): ${cause.text}`,
        );
      }
      more(lines, demand.causes.length - causeLimit, 'cause', '    ');
    }
    more(lines, summary.shortages.length - limit, 'end demand', '  ');
  }

  lines.push('');
  if (summary.bottlenecks.length === 0) lines.push('Bottlenecks: none, all demand fits the capacity.');
  else {
    lines.push(`Bottlenecks: load needed over capacity (${summary.bottlenecks.length}):`);
    for (const entry of summary.bottlenecks.slice(0, limit)) {
      const name = entry.capacity.startsWith(`${entry.company}/`)
        ? entry.capacity
        : `${entry.capacity} at ${entry.company}`;
      const periods =
        entry.periods === 1
          ? `period ${entry.firstPeriod}`
          : `${count(entry.periods, 'period')} (${entry.firstPeriod}-${entry.lastPeriod})`;
      const peak = `peak ${quantity(entry.peakLoad)} against ${quantity(entry.limit)} in period ${entry.peakPeriod}`;
      const maximum =
        entry.maximum === undefined
          ? 'no maximum capacity set'
          : entry.beyondMaximum === 0
            ? `maximum ${quantity(entry.maximum)} is enough`
            : `maximum ${quantity(entry.maximum)} too little in ${count(entry.beyondMaximum, 'period')}`;
      lines.push(`  ${name}: over capacity in ${periods}; ${peak}; ${maximum}`);
    }
    more(lines, summary.bottlenecks.length - limit, 'capacity', '  ');
  }

  lines.push('', 'Load by tier (planned starts against capacity):');
  for (const tier of summary.tiers) {
    const name = tier.tier === null ? 'no tier' : `tier ${tier.tier}`;
    const load =
      tier.meanUtilisation === null
        ? 'no capacity'
        : `mean ${percent(tier.meanUtilisation)}, peak ${percent(tier.peakUtilisation ?? 0)}${tier.peak === undefined ? '' : ` (${tier.peak.capacity} in period ${tier.peak.period})`}`;
    lines.push(
      `  ${name}: ${count(tier.companies, 'company')}, ${count(tier.orders, 'order')}, ${count(tier.capacities, 'capacity')}: ${load}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function more(lines: string[], rest: number, word: string, indent: string): void {
  if (rest > 0) lines.push(`${indent}… and ${count(rest, `more ${word}`)}`);
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function quantity(value: number): string {
  return NUMBER.format(value);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function count(value: number, word: string): string {
  if (value === 1) return `1 ${word}`;
  const plural = word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`;
  return `${NUMBER.format(value)} ${plural}`;
}

// ---- CSV ----

export type CsvValue = string | number | undefined;

/** One CSV file of a plan: its name, header and rows (produced lazily, as often as iterated). */
export interface CsvTable {
  readonly name: string;
  readonly header: readonly string[];
  readonly rows: Iterable<readonly CsvValue[]>;
}

/**
 * The plan as five CSV files: `orders.csv`, `deliveries.csv`, `shortages.csv`, `bottlenecks.csv` and
 * `pegging.csv` (one row per order and end demand it serves). Write each with `csvChunks`.
 *
 * @example for (const table of planCsvFiles(plan)) write(table.name, csvChunks(table));
 */
export function planCsvFiles(plan: Plan): CsvTable[] {
  return [
    table(
      'orders.csv',
      ['id', 'kind', 'company', 'item', 'supplier', 'quantity', 'startQuantity', 'start', 'due'],
      function* () {
        for (const order of plan.orders) {
          yield [
            order.id,
            order.kind,
            order.company,
            order.item,
            order.supplier,
            order.quantity,
            order.startQuantity ?? order.quantity,
            order.start,
            order.due,
          ];
        }
      },
    ),
    table(
      'deliveries.csv',
      ['company', 'item', 'forPeriod', 'period', 'quantity', 'periodsLate'],
      function* () {
        for (const delivery of plan.deliveries) {
          yield [
            delivery.company,
            delivery.item,
            delivery.forPeriod,
            delivery.period,
            delivery.quantity,
            delivery.period - delivery.forPeriod,
          ];
        }
      },
    ),
    table(
      'shortages.csv',
      [
        'company',
        'item',
        'period',
        'quantity',
        'causeCode',
        'causeCompany',
        'causeItem',
        'causePeriod',
        'causeText',
      ],
      function* () {
        for (const shortage of plan.shortages) {
          const { cause } = shortage;
          yield [
            shortage.company,
            shortage.item,
            shortage.period,
            shortage.quantity,
            cause.code,
            cause.company,
            cause.item,
            cause.period,
            cause.text,
          ];
        }
      },
    ),
    table('bottlenecks.csv', ['company', 'capacity', 'period', 'load', 'limit', 'maximum'], function* () {
      for (const entry of plan.bottlenecks) {
        yield [entry.company, entry.capacity, entry.period, entry.load, entry.limit, entry.maximum];
      }
    }),
    table('pegging.csv', ['order', 'demandCompany', 'demandItem', 'demandPeriod', 'quantity'], function* () {
      for (const peg of plan.pegging) {
        for (const demand of peg.servesDemand) {
          yield [peg.order, demand.company, demand.item, demand.period, demand.quantity];
        }
      }
    }),
  ];
}

function table(
  name: string,
  header: readonly string[],
  rows: () => Generator<readonly CsvValue[]>,
): CsvTable {
  return { name, header, rows: { [Symbol.iterator]: rows } };
}

/** First characters that make a spreadsheet read a text cell as a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV field (RFC 4180): a number as digits (rounded to 6 decimals, never in exponent notation for
 * plan quantities), `undefined` as an empty field, text quoted when it holds a comma, a quote or a line
 * break (quotes doubled). Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
 * leading `'`, so a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(round(value));
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, ending in CRLF (RFC 4180). */
export function csvLine(values: readonly CsvValue[]): string {
  let line = '';
  for (let index = 0; index < values.length; index++) {
    line += index === 0 ? csvField(values[index]) : `,${csvField(values[index])}`;
  }
  return `${line}\r\n`;
}

/** The header and rows of `table` as CSV text, in chunks of about 1 MiB. */
export function* csvChunks(table: CsvTable): Generator<string> {
  yield* joinInChunks(csvPieces(table));
}

function* csvPieces(table: CsvTable): Generator<string> {
  yield csvLine(table.header);
  for (const row of table.rows) yield csvLine(row);
}

// ---- JSON ----

/**
 * The plan as JSON text in chunks of about 1 MiB: `JSON.parse` of the chunks joined equals
 * `JSON.parse(JSON.stringify(plan))`. One field per line, one record per line in the lists, so the
 * text also reads and greps well; never one string of the whole plan.
 *
 * @example
 * for (const chunk of planJsonChunks(plan)) stream.write(chunk);
 */
export function planJsonChunks(plan: Plan): Generator<string> {
  return joinInChunks(planJsonPieces(plan));
}

function* planJsonPieces(plan: Plan): Generator<string> {
  const source = plan as unknown as Record<string, unknown>;
  if (typeof source.toJSON === 'function') {
    yield `${JSON.stringify(plan)}\n`;
    return;
  }
  let separator = '{\n';
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (Array.isArray(value) || value instanceof OrderTable) {
      const list = value as OrderList | unknown[];
      yield `${separator}  ${JSON.stringify(key)}: [`;
      for (let index = 0; index < list.length; index++) {
        // As JSON.stringify writes an array entry: what has no JSON form (undefined, a function) is null.
        yield `${index === 0 ? '\n    ' : ',\n    '}${JSON.stringify(list.at(index)) ?? 'null'}`;
      }
      yield value.length === 0 ? ']' : '\n  ]';
    } else {
      const text = JSON.stringify(value);
      // As JSON.stringify writes an object: a field with no JSON form is left out.
      if (text === undefined) continue;
      yield `${separator}  ${JSON.stringify(key)}: ${text}`;
    }
    separator = ',\n';
  }
  yield separator === '{\n' ? '{}\n' : '\n}\n';
}

// ---- helpers ----

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
