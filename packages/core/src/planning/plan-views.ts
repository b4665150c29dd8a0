/**
 * @module planning/plan-views
 * What the web application's Plan page shows, computed from a network and its plan, one question at a
 * time rather than the whole plan: a company's plan per item and period (`companyPlan`: orders in and
 * out, production, receipts, stock, shortages), the bottleneck heat map (`capacityHeatMap`: capacity ×
 * period, load against limit and maximum), and pegging on demand (`peggingOfDemand`: the orders down
 * the chain that serve one end demand; `peggingOfOrder`: the end demands one order serves).
 *
 * A 60,000-company plan holds some 13 million orders, so each view reads them through a `PlanIndex`
 * built once per plan (orders by company, load per capacity and period, pegging by order and by
 * demand), never by scanning the plan per question. Pure: the server caches plan and index per network
 * version, the web app imports the types.
 *
 * @example
 * const index = new PlanIndex(network, plan);
 * companyPlan(index, 'oem').items[0].stock; // end-of-period stock, per period
 */
import type { Network, PerPeriod } from '../model/schema.ts';
import { valueAt } from '../model/schema.ts';
import { computeTiers } from '../model/tiers.ts';
import type { PlannedOrder } from './orders.ts';
import type { Bottleneck, Pegging, Plan, Shortage } from './plan.ts';

/** One item at a company, per period 0 … horizon − 1 (quantities in the item's unit). */
export interface CompanyItemPlan {
  readonly item: string;
  readonly unit: string;
  /** What customers' purchase orders take from this company, by the period it ships them. */
  readonly ordersIn: number[];
  /** End-customer demand at this company. */
  readonly endDemand: number[];
  /** What it orders from its suppliers, by the period the order arrives. */
  readonly ordersOut: number[];
  /** What it starts making (started quantity, before yield). */
  readonly production: number[];
  /** What arrives: production finished, purchases and open orders received. */
  readonly receipts: number[];
  /** Stock at the end of the period (on hand at the start, plus receipts, minus what left). */
  readonly stock: number[];
  /** End demand not met on time in the period. */
  readonly shortages: number[];
}

export interface CompanyPlan {
  readonly network: string;
  readonly horizon: number;
  readonly company: { readonly id: string; readonly name: string; readonly tier: number | null };
  /** Every item the company makes, buys, sells to end customers, holds or ships. */
  readonly items: CompanyItemPlan[];
  /** Its end demands that are short, with their causes. */
  readonly shortages: Shortage[];
  /** Shortages anywhere whose root cause lies at this company. */
  readonly causes: Shortage[];
  /** Its capacities that are short of what on-time delivery would need. */
  readonly bottlenecks: Bottleneck[];
  /** Planned orders that involve the company (as maker, buyer or supplier). */
  readonly orders: number;
}

/** One capacity (a production record or a capacity group) over the periods. */
export interface CapacityRow {
  /** A capacity group's id, or `company/item` for a production record. */
  readonly capacity: string;
  readonly kind: 'production' | 'group';
  readonly company: string;
  /** The item of a production record. */
  readonly item?: string;
  /** What load is counted in: the item's unit per period, or `load` (group load units) per period. */
  readonly unit: string;
  /** Load the plan puts on it (what starts). */
  readonly load: number[];
  /** Load meeting every requirement on time would need (≥ load where it is a bottleneck). */
  readonly required: number[];
  readonly limit: number[];
  /** With overtime or extra shifts, where given; reported, never planned on. */
  readonly maximum: number[] | null;
  /** The highest required / limit over the periods (Infinity shown as null where the limit is 0). */
  readonly peak: number | null;
}

export interface CapacityHeatMap {
  readonly network: string;
  readonly horizon: number;
  /** Capacities matching the query, before paging. */
  readonly total: number;
  /** Highest peak first. */
  readonly rows: CapacityRow[];
}

export interface HeatMapQuery {
  readonly company?: string;
  /** Only capacities whose peak reaches this share of their limit (1: bottlenecks). */
  readonly minimumPeak?: number;
  readonly offset?: number;
  readonly limit?: number;
}

/** An order in a pegging answer, with how much of it serves the demand asked about. */
export interface PeggedOrder extends PlannedOrder {
  /** Tier of the order's company (its maker or buyer); null: in no chain. */
  readonly tier: number | null;
  /** Units of the order that serve the demand. */
  readonly serves: number;
}

export interface DemandPegging {
  readonly demand: {
    readonly company: string;
    readonly item: string;
    readonly period: number;
    /** End demand in the period. */
    readonly quantity: number;
    /** What is short of it on time. */
    readonly short: number;
  };
  /** Orders that serve it, down the chain: tier 0 first, then by start. */
  readonly orders: PeggedOrder[];
  /** Orders that serve it in all (`orders` stops at the limit). */
  readonly total: number;
}

export interface OrderPegging {
  readonly order: PlannedOrder & { readonly tier: number | null };
  /** The end demands it serves, and how much of each. */
  readonly servesDemand: Pegging['servesDemand'];
}

const NO_ORDERS = new Int32Array(0);

/**
 * The lookups the views need, built from a plan once (each part on first use): O(orders) time, and
 * memory of a few numbers per order.
 */
export class PlanIndex {
  readonly tiers: ReadonlyMap<string, number>;
  #byCompany: Map<string, Int32Array> | undefined;
  #load: Map<string, Float64Array> | undefined;
  #orderById: Map<string, number> | undefined;
  #pegByOrder: Map<string, Pegging> | undefined;
  #pegsByDemand: Map<number, number[]> | undefined;
  readonly #demandIds = new Map<string, Map<string, number>>();
  #demandCount = 0;

  constructor(
    readonly network: Network,
    readonly plan: Plan,
  ) {
    this.tiers = computeTiers(network);
  }

  /** Indexes of the orders whose maker, buyer or supplier is `company`. */
  ordersOf(company: string): Int32Array {
    this.#byCompany ??= this.#indexCompanies();
    return this.#byCompany.get(company) ?? NO_ORDERS;
  }

  /** Started quantity per period of a production record (`company|item`). */
  startedLoad(company: string, item: string): Float64Array | undefined {
    this.#load ??= this.#indexLoad();
    return this.#load.get(`${company}|${item}`);
  }

  /** The order with this id, by its index in the plan. */
  order(id: string): PlannedOrder | undefined {
    this.#orderById ??= new Map(Array.from(this.plan.orders, (order, index) => [order.id, index]));
    const index = this.#orderById.get(id);
    return index === undefined ? undefined : this.plan.orders.at(index);
  }

  /** The pegging of an order (undefined when the plan has none for it). */
  peggingOf(order: string): Pegging | undefined {
    this.#pegByOrder ??= new Map(this.plan.pegging.map((entry) => [entry.order, entry]));
    return this.#pegByOrder.get(order);
  }

  /**
   * The order a pegging entry is for: the planner writes one entry per order in order, so entry `at`
   * is order `at` when their ids agree (else the order is looked up by id).
   */
  orderOfPeg(at: number): PlannedOrder | undefined {
    const entry = this.plan.pegging[at];
    if (entry === undefined) return undefined;
    const same = this.plan.orders.at(at);
    return same?.id === entry.order ? same : this.order(entry.order);
  }

  /** Indexes into `plan.pegging` of the orders that serve an end demand. */
  pegsOf(company: string, item: string, period: number): readonly number[] {
    const horizon = this.plan.horizon;
    // Numbers, not strings, as keys: 12 million pegs at 6,000 companies.
    if (this.#pegsByDemand === undefined) {
      const byDemand = new Map<number, number[]>();
      this.plan.pegging.forEach((entry, index) => {
        for (const demand of entry.servesDemand) {
          const key = this.#demandId(demand.company, demand.item, true)! * horizon + demand.period;
          const list = byDemand.get(key);
          if (list === undefined) byDemand.set(key, [index]);
          else if (list[list.length - 1] !== index) list.push(index);
        }
      });
      this.#pegsByDemand = byDemand;
    }
    const id = this.#demandId(company, item, false);
    return id === undefined ? [] : (this.#pegsByDemand.get(id * horizon + period) ?? []);
  }

  #demandId(company: string, item: string, add: boolean): number | undefined {
    let items = this.#demandIds.get(company);
    if (items === undefined) {
      if (!add) return undefined;
      items = new Map();
      this.#demandIds.set(company, items);
    }
    let id = items.get(item);
    if (id === undefined && add) {
      id = this.#demandCount++;
      items.set(item, id);
    }
    return id;
  }

  /** One pass over the orders (each read builds an order object: 13 million at 60,000 companies). */
  #indexCompanies(): Map<string, Int32Array> {
    const lists = new Map<string, number[]>();
    const add = (company: string, index: number) => {
      const list = lists.get(company);
      if (list === undefined) lists.set(company, [index]);
      else list.push(index);
    };
    let index = 0;
    for (const order of this.plan.orders) {
      add(order.company, index);
      if (order.supplier !== undefined && order.supplier !== order.company) add(order.supplier, index);
      index++;
    }
    return new Map([...lists].map(([company, list]) => [company, Int32Array.from(list)]));
  }

  #indexLoad(): Map<string, Float64Array> {
    const load = new Map<string, Float64Array>();
    const horizon = this.plan.horizon;
    for (const order of this.plan.orders) {
      if (order.kind !== 'production' || order.start < 0 || order.start >= horizon) continue;
      const key = `${order.company}|${order.item}`;
      let row = load.get(key);
      if (row === undefined) {
        row = new Float64Array(horizon);
        load.set(key, row);
      }
      row[order.start]! += order.startQuantity ?? order.quantity;
    }
    return load;
  }
}

/**
 * One company's plan per item and period, or undefined when the network has no such company. Stock
 * follows the plan's time convention (`plan.ts`): what arrives in a period is usable in it, what
 * starts or ships in a period leaves stock in it.
 */
export function companyPlan(index: PlanIndex, company: string): CompanyPlan | undefined {
  const { network, plan } = index;
  const found = network.companies.find((entry) => entry.id === company);
  if (found === undefined) return undefined;
  const horizon = plan.horizon;
  const units = new Map((network.items ?? []).map((item) => [item.id, item.unit]));
  const bom = new Map<string, readonly { item: string; quantity: number }[]>();
  for (const record of network.production ?? []) {
    if (record.company === company) bom.set(record.item, record.bom ?? []);
  }
  const rows = new Map<string, CompanyItemPlan>();
  const row = (item: string): CompanyItemPlan => {
    let found = rows.get(item);
    if (found === undefined) {
      const zeros = () => new Array<number>(horizon).fill(0);
      found = {
        item,
        unit: units.get(item) ?? 'pcs',
        ordersIn: zeros(),
        endDemand: zeros(),
        ordersOut: zeros(),
        production: zeros(),
        receipts: zeros(),
        stock: zeros(),
        shortages: zeros(),
      };
      rows.set(item, found);
    }
    return found;
  };
  const inHorizon = (period: number) => period >= 0 && period < horizon;
  /** Per item: what leaves stock in each period. */
  const outflow = new Map<string, number[]>();
  const leave = (item: string, period: number, quantity: number) => {
    if (!inHorizon(period)) return;
    row(item);
    let list = outflow.get(item);
    if (list === undefined) {
      list = new Array<number>(horizon).fill(0);
      outflow.set(item, list);
    }
    list[period]! += quantity;
  };

  const orders = index.ordersOf(company);
  for (const at of orders) {
    const order = plan.orders.at(at)!;
    if (order.company === company) {
      const line = row(order.item);
      if (inHorizon(order.due)) line.receipts[order.due]! += order.quantity;
      if (order.kind === 'purchase') {
        if (inHorizon(order.due)) line.ordersOut[order.due]! += order.quantity;
      } else {
        const started = order.startQuantity ?? order.quantity;
        if (inHorizon(order.start)) line.production[order.start]! += started;
        for (const component of bom.get(order.item) ?? [])
          leave(component.item, order.start, started * component.quantity);
      }
    }
    if (order.supplier === company && order.kind === 'purchase') {
      if (inHorizon(order.start)) row(order.item).ordersIn[order.start]! += order.quantity;
      leave(order.item, order.start, order.quantity);
    }
  }
  for (const record of network.openOrders ?? []) {
    if (record.company === company && inHorizon(record.due))
      row(record.item).receipts[record.due]! += record.quantity;
  }
  for (const record of network.demand ?? []) {
    if (record.company !== company) continue;
    const line = row(record.item);
    for (let t = 0; t < Math.min(horizon, record.quantities.length); t++)
      line.endDemand[t]! += record.quantities[t] ?? 0;
  }
  for (const delivery of plan.deliveries) {
    if (delivery.company === company) leave(delivery.item, delivery.period, delivery.quantity);
  }
  const shortages = plan.shortages.filter((shortage) => shortage.company === company);
  for (const shortage of shortages) {
    if (inHorizon(shortage.period)) row(shortage.item).shortages[shortage.period]! += shortage.quantity;
  }
  const onHand = new Map<string, number>();
  for (const record of network.inventory ?? []) {
    if (record.company !== company) continue;
    row(record.item);
    onHand.set(record.item, (onHand.get(record.item) ?? 0) + record.onHand);
  }
  for (const line of rows.values()) {
    let stock = onHand.get(line.item) ?? 0;
    const out = outflow.get(line.item);
    for (let t = 0; t < horizon; t++) {
      stock += line.receipts[t]! - (out?.[t] ?? 0);
      line.stock[t] = roundQuantity(stock);
    }
  }
  const tier = index.tiers.get(company);
  return {
    network: plan.network,
    horizon,
    company: { id: found.id, name: found.name, tier: tier ?? null },
    items: [...rows.values()].sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0)),
    shortages,
    causes: plan.shortages.filter((shortage) => shortage.cause.company === company),
    bottlenecks: plan.bottlenecks.filter((bottleneck) => bottleneck.company === company),
    orders: orders.length,
  };
}

/** Sums of floating-point flows: noise below a millionth of a unit is not stock. */
function roundQuantity(value: number): number {
  const rounded = Math.round(value * 1e6) / 1e6;
  return rounded === 0 ? 0 : rounded;
}

/**
 * Every capacity (production records and capacity groups) × period: the load the plan puts on it,
 * what on-time delivery would need, its limit and maximum; busiest first (by peak required / limit,
 * then id), paged.
 */
export function capacityHeatMap(index: PlanIndex, query: HeatMapQuery = {}): CapacityHeatMap {
  const { network, plan } = index;
  const horizon = plan.horizon;
  const units = new Map((network.items ?? []).map((item) => [item.id, item.unit]));
  const required = new Map<string, Map<number, number>>();
  for (const bottleneck of plan.bottlenecks) {
    let byPeriod = required.get(bottleneck.capacity);
    if (byPeriod === undefined) {
      byPeriod = new Map();
      required.set(bottleneck.capacity, byPeriod);
    }
    byPeriod.set(bottleneck.period, bottleneck.load);
  }
  const perPeriod = (value: PerPeriod) => Array.from({ length: horizon }, (_, t) => valueAt(value, t));
  /** Load at period t of a candidate (started load, or a group's weighted sum). */
  interface Candidate {
    readonly base: Pick<CapacityRow, 'capacity' | 'kind' | 'company' | 'unit'> & { item?: string };
    readonly load: ArrayLike<number> | undefined;
    readonly capacity: PerPeriod;
    readonly maximum: PerPeriod | undefined;
    readonly peak: number | null;
  }
  // Peaks first, arrays only for the page asked for: 60,000 companies have some 100,000 capacities.
  const candidates: Candidate[] = [];
  const consider = (
    base: Candidate['base'],
    load: ArrayLike<number> | undefined,
    capacity: PerPeriod,
    maximum: PerPeriod | undefined,
  ) => {
    const needed = required.get(base.capacity);
    let peak: number | null = 0;
    for (let t = 0; t < horizon; t++) {
      const wanted = Math.max(load?.[t] ?? 0, needed?.get(t) ?? 0);
      if (wanted <= 0) continue;
      const limit = valueAt(capacity, t);
      if (limit <= 0) {
        peak = null;
        break;
      }
      peak = Math.max(peak, wanted / limit);
    }
    if (query.minimumPeak !== undefined && peak !== null && peak < query.minimumPeak) return;
    candidates.push({
      base,
      load,
      capacity,
      maximum,
      peak: peak === null ? null : Math.round(peak * 1e6) / 1e6,
    });
  };
  for (const record of network.production ?? []) {
    if (query.company !== undefined && record.company !== query.company) continue;
    consider(
      {
        capacity: `${record.company}/${record.item}`,
        kind: 'production',
        company: record.company,
        item: record.item,
        unit: units.get(record.item) ?? 'pcs',
      },
      index.startedLoad(record.company, record.item),
      record.capacity,
      record.maximumCapacity,
    );
  }
  for (const group of network.capacityGroups ?? []) {
    if (query.company !== undefined && group.company !== query.company) continue;
    const load = new Float64Array(horizon);
    for (const line of group.items) {
      const started = index.startedLoad(group.company, line.item);
      if (started === undefined) continue;
      for (let t = 0; t < horizon; t++) load[t]! += started[t]! * line.load;
    }
    consider(
      { capacity: group.id, kind: 'group', company: group.company, unit: 'load' },
      load,
      group.capacity,
      group.maximumCapacity,
    );
  }
  // A zero limit with load (null peak) is the most pressing of all.
  const rank = (candidate: Candidate) =>
    candidate.peak === null ? Number.POSITIVE_INFINITY : candidate.peak;
  candidates.sort(
    (a, b) =>
      rank(b) - rank(a) ||
      (a.base.capacity < b.base.capacity ? -1 : a.base.capacity > b.base.capacity ? 1 : 0),
  );
  const offset = query.offset ?? 0;
  const page = candidates.slice(offset, offset + (query.limit ?? candidates.length));
  return {
    network: plan.network,
    horizon,
    total: candidates.length,
    rows: page.map(({ base, load, capacity, maximum, peak }) => {
      const needed = required.get(base.capacity);
      const planned = Array.from({ length: horizon }, (_, t) => load?.[t] ?? 0);
      return {
        ...base,
        load: planned.map(roundQuantity),
        required: planned.map((value, t) => roundQuantity(Math.max(value, needed?.get(t) ?? 0))),
        limit: perPeriod(capacity),
        maximum: maximum === undefined ? null : perPeriod(maximum),
        peak,
      };
    }),
  };
}

/**
 * The orders that serve one end demand (company, item, period), down the chain: the plan must have
 * been made with pegging. Undefined when the network has no such end demand.
 */
export function peggingOfDemand(
  index: PlanIndex,
  demand: { company: string; item: string; period: number },
  limit = Number.POSITIVE_INFINITY,
): DemandPegging | undefined {
  const { network, plan } = index;
  const records = (network.demand ?? []).filter(
    (record) => record.company === demand.company && record.item === demand.item,
  );
  if (records.length === 0 || demand.period < 0 || demand.period >= plan.horizon) return undefined;
  const quantity = records.reduce((sum, record) => sum + (record.quantities[demand.period] ?? 0), 0);
  const short = plan.shortages
    .filter(
      (shortage) =>
        shortage.company === demand.company &&
        shortage.item === demand.item &&
        shortage.period === demand.period,
    )
    .reduce((sum, shortage) => sum + shortage.quantity, 0);
  const orders: PeggedOrder[] = [];
  for (const at of index.pegsOf(demand.company, demand.item, demand.period)) {
    const entry = plan.pegging[at]!;
    const order = index.orderOfPeg(at);
    if (order === undefined) continue;
    const serves = entry.servesDemand
      .filter(
        (peg) => peg.company === demand.company && peg.item === demand.item && peg.period === demand.period,
      )
      .reduce((sum, peg) => sum + peg.quantity, 0);
    orders.push({ ...order, tier: index.tiers.get(order.company) ?? null, serves: roundQuantity(serves) });
  }
  const tierOf = (order: PeggedOrder) => order.tier ?? Number.POSITIVE_INFINITY;
  orders.sort(
    (a, b) => tierOf(a) - tierOf(b) || a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return {
    demand: { ...demand, quantity: roundQuantity(quantity), short: roundQuantity(short) },
    orders: orders.slice(0, limit),
    total: orders.length,
  };
}

/** The end demands one order serves (up the chain), or undefined when the plan has no such order. */
export function peggingOfOrder(index: PlanIndex, id: string): OrderPegging | undefined {
  const order = index.order(id);
  if (order === undefined) return undefined;
  return {
    order: { ...order, tier: index.tiers.get(order.company) ?? null },
    servesDemand: index.peggingOf(id)?.servesDemand ?? [],
  };
}
