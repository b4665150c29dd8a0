/**
 * @module planning/chain-status
 * Chain status (issue 6, item 2): per company, what the plan asks of it against what is actually under
 * way, so a planner sees where the chain will break. "Actual" is what the network and the event log say
 * is in progress or in transit: the open orders (scheduled receipts) of the effective network, each
 * with its ETA (the period it is now expected to arrive) against the period it was first planned for
 * (`firstDue`: the version's open orders and the `order.opened` events). Shortages, the shortages a
 * company causes elsewhere, and its capacity-periods over the limit come from the plan.
 *
 * Built once per plan in one pass over orders, shortages and bottlenecks (`ChainStatus`), then asked
 * page by page (`rows`) or company by company (`company`), so a 60,000-company network is never sent
 * whole. Pure: the server keeps one per cached plan.
 *
 * @example
 * const status = new ChainStatus(network, plan, firstDues);
 * status.rows({ trouble: true, limit: 50 }); // the companies in trouble, worst first
 */
import type { Network } from '../model/schema.ts';
import { computeTiers } from '../model/tiers.ts';
import type { PlannedOrder } from './orders.ts';
import type { Bottleneck, Plan, Shortage } from './plan.ts';

/** A quantity of one item with its unit. */
export interface ItemShortage {
  readonly item: string;
  readonly unit: string;
  readonly quantity: number;
}

/** The worst load against limit of a company's capacities. */
export interface WorstLoad {
  readonly capacity: string;
  readonly period: number;
  readonly load: number;
  readonly limit: number;
  /** `load` and `limit` are in this unit per period (an item's unit, or `load` for a group). */
  readonly unit: string;
  /** load / limit; null when the limit is 0. */
  readonly share: number | null;
}

/**
 * What is wrong at a company, worst first: its end demand is `short`; it `causes` shortages elsewhere;
 * a capacity is over its limit (`bottleneck`); an open order arrives `late` against its first plan.
 */
export type CompanyState = 'short' | 'causes' | 'bottleneck' | 'late' | 'ok';
export const COMPANY_STATES: readonly CompanyState[] = ['short', 'causes', 'bottleneck', 'late', 'ok'];

export interface CompanyStatusRow {
  readonly company: string;
  readonly name: string;
  readonly tier: number | null;
  readonly country: string;
  readonly state: CompanyState;
  /** Planned orders it places (production it makes, purchases it buys). */
  readonly plannedOrders: number;
  /** The earliest period a planned order of it is due; null: none. */
  readonly nextPlannedDue: number | null;
  /** Planned purchases its customers place with it. */
  readonly customerOrders: number;
  /** Open orders it awaits (production in progress, purchases in transit). */
  readonly openOrders: number;
  /** Open orders whose ETA is later than first planned. */
  readonly lateOrders: number;
  /** The earliest ETA of its open orders; null: none. */
  readonly nextEta: number | null;
  /** Its end demand not met on time, per item (summed over periods), largest first. */
  readonly shortages: ItemShortage[];
  /** The first period its end demand is short; null: never. */
  readonly firstShortPeriod: number | null;
  /** Shortages anywhere whose root cause lies at this company. */
  readonly causes: number;
  /** Capacity-periods where meeting demand on time needs more than the limit. */
  readonly bottlenecks: number;
  readonly worstLoad: WorstLoad | null;
}

export interface ChainStatusQuery {
  /** Part of a company's id or name, any case. */
  readonly search?: string;
  readonly tier?: number;
  /** Only companies in one of these states. */
  readonly states?: readonly CompanyState[];
  readonly offset?: number;
  readonly limit?: number;
}

export interface ChainStatusPage {
  readonly network: string;
  readonly horizon: number;
  /** Companies matching the query, before paging. */
  readonly total: number;
  /** Companies per state in the whole network (not only the query). */
  readonly counts: Readonly<Record<CompanyState, number>>;
  /** Worst state first, then most short, then by id. */
  readonly rows: CompanyStatusRow[];
}

/** An order at a company: planned, or open (under way) with its ETA against its first plan. */
export interface ChainOrder {
  readonly id: string;
  /** `plan`: a planned order; `open`: in progress or in transit now. */
  readonly source: 'plan' | 'open';
  readonly kind: 'production' | 'purchase';
  /** `make`: it produces; `buy`: it buys from `counterpart`; `supply`: `counterpart` buys from it. */
  readonly role: 'make' | 'buy' | 'supply';
  readonly counterpart?: string;
  readonly item: string;
  readonly unit: string;
  readonly quantity: number;
  /** The period it was planned to arrive (for an open order: first planned; null when not known). */
  readonly plannedDue: number | null;
  /** The period it is expected to arrive now. */
  readonly eta: number;
  /** eta − plannedDue in periods (positive: late); 0 when not known. */
  readonly delay: number;
  /** Production start, or the period the supplier ships (planned orders). */
  readonly start?: number;
}

export interface CompanyStatus {
  readonly network: string;
  readonly horizon: number;
  readonly row: CompanyStatusRow;
  /** Open orders first (latest against plan first), then planned orders by due; at most the limit. */
  readonly orders: ChainOrder[];
  /** Orders in all, before the limit. */
  readonly totalOrders: number;
  readonly shortages: Shortage[];
  /** Shortages elsewhere rooted at this company (first 100). */
  readonly causes: Shortage[];
  readonly bottlenecks: (Bottleneck & { readonly unit: string })[];
}

interface Aggregate {
  plannedOrders: number;
  nextPlannedDue: number | null;
  customerOrders: number;
  openOrders: number;
  lateOrders: number;
  nextEta: number | null;
  shortages: Map<string, number>;
  firstShortPeriod: number | null;
  causes: number;
  bottlenecks: number;
  worstLoad: WorstLoad | null;
}

const STATE_RANK: Readonly<Record<CompanyState, number>> = {
  short: 0,
  causes: 1,
  bottleneck: 2,
  late: 3,
  ok: 4,
};

function earliest(current: number | null, period: number): number {
  return current === null ? period : Math.min(current, period);
}

function shareOf(load: number, limit: number): number | null {
  return limit > 0 ? load / limit : null;
}

/** `a` is worse than `b`: a higher share, a zero limit worst of all. */
function worse(a: WorstLoad, b: WorstLoad): boolean {
  const rank = (load: WorstLoad) => (load.share === null ? Number.POSITIVE_INFINITY : load.share);
  return rank(a) > rank(b);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The chain status of one plan. `firstDue` maps an open order's id to the period it was first planned
 * to arrive (an order missing from it counts as on time).
 */
export class ChainStatus {
  readonly #network: Network;
  readonly #plan: Plan;
  readonly #units: Map<string, string>;
  readonly #groups: Set<string>;
  readonly #firstDue: ReadonlyMap<string, number>;
  readonly #rows: CompanyStatusRow[];
  readonly #byId: Map<string, CompanyStatusRow>;
  readonly #counts: Record<CompanyState, number>;

  constructor(network: Network, plan: Plan, firstDue: ReadonlyMap<string, number> = new Map()) {
    this.#network = network;
    this.#plan = plan;
    this.#firstDue = firstDue;
    this.#units = new Map((network.items ?? []).map((item) => [item.id, item.unit]));
    this.#groups = new Set((network.capacityGroups ?? []).map((group) => group.id));
    const tiers = computeTiers(network);
    const aggregates = new Map<string, Aggregate>();
    for (const company of network.companies) {
      aggregates.set(company.id, {
        plannedOrders: 0,
        nextPlannedDue: null,
        customerOrders: 0,
        openOrders: 0,
        lateOrders: 0,
        nextEta: null,
        shortages: new Map(),
        firstShortPeriod: null,
        causes: 0,
        bottlenecks: 0,
        worstLoad: null,
      });
    }
    for (const order of plan.orders) {
      const at = aggregates.get(order.company);
      if (at !== undefined) {
        at.plannedOrders++;
        at.nextPlannedDue = earliest(at.nextPlannedDue, order.due);
      }
      if (order.kind === 'purchase' && order.supplier !== undefined) {
        const supplier = aggregates.get(order.supplier);
        if (supplier !== undefined) supplier.customerOrders++;
      }
    }
    for (const open of network.openOrders ?? []) {
      const at = aggregates.get(open.company);
      if (at === undefined) continue;
      at.openOrders++;
      at.nextEta = earliest(at.nextEta, open.due);
      if (this.#delayOf(open.id, open.due) > 0) at.lateOrders++;
    }
    for (const shortage of plan.shortages) {
      const at = aggregates.get(shortage.company);
      if (at !== undefined) {
        at.shortages.set(shortage.item, (at.shortages.get(shortage.item) ?? 0) + shortage.quantity);
        at.firstShortPeriod = earliest(at.firstShortPeriod, shortage.period);
      }
      const cause = aggregates.get(shortage.cause.company);
      if (cause !== undefined) cause.causes++;
    }
    for (const bottleneck of plan.bottlenecks) {
      const at = aggregates.get(bottleneck.company);
      if (at === undefined) continue;
      at.bottlenecks++;
      const load: WorstLoad = {
        capacity: bottleneck.capacity,
        period: bottleneck.period,
        load: bottleneck.load,
        limit: bottleneck.limit,
        unit: this.#capacityUnit(bottleneck.capacity),
        share: shareOf(bottleneck.load, bottleneck.limit),
      };
      if (at.worstLoad === null || worse(load, at.worstLoad)) at.worstLoad = load;
    }

    this.#counts = { short: 0, causes: 0, bottleneck: 0, late: 0, ok: 0 };
    this.#rows = network.companies.map((company) => {
      const at = aggregates.get(company.id)!;
      const shortages = [...at.shortages]
        .map(([item, quantity]) => ({ item, unit: this.#unitOf(item), quantity: round(quantity) }))
        .sort((a, b) => b.quantity - a.quantity || compareText(a.item, b.item));
      const state: CompanyState =
        shortages.length > 0
          ? 'short'
          : at.causes > 0
            ? 'causes'
            : at.bottlenecks > 0
              ? 'bottleneck'
              : at.lateOrders > 0
                ? 'late'
                : 'ok';
      this.#counts[state]++;
      return {
        company: company.id,
        name: company.name,
        tier: tiers.get(company.id) ?? null,
        country: company.site.country,
        state,
        plannedOrders: at.plannedOrders,
        nextPlannedDue: at.nextPlannedDue,
        customerOrders: at.customerOrders,
        openOrders: at.openOrders,
        lateOrders: at.lateOrders,
        nextEta: at.nextEta,
        shortages,
        firstShortPeriod: at.firstShortPeriod,
        causes: at.causes,
        bottlenecks: at.bottlenecks,
        worstLoad: at.worstLoad,
      };
    });
    const shortTotal = (row: CompanyStatusRow) => row.shortages.reduce((sum, line) => sum + line.quantity, 0);
    this.#rows.sort(
      (a, b) =>
        STATE_RANK[a.state] - STATE_RANK[b.state] ||
        shortTotal(b) - shortTotal(a) ||
        b.causes - a.causes ||
        b.bottlenecks - a.bottlenecks ||
        compareText(a.company, b.company),
    );
    this.#byId = new Map(this.#rows.map((row) => [row.company, row]));
  }

  /** One page of companies matching the query, worst first. */
  rows(query: ChainStatusQuery = {}): ChainStatusPage {
    const search = query.search?.trim().toLowerCase();
    const states = query.states === undefined ? undefined : new Set(query.states);
    const matching = this.#rows.filter(
      (row) =>
        (search === undefined ||
          search === '' ||
          row.company.toLowerCase().includes(search) ||
          row.name.toLowerCase().includes(search)) &&
        (query.tier === undefined || row.tier === query.tier) &&
        (states === undefined || states.has(row.state)),
    );
    const offset = query.offset ?? 0;
    return {
      network: this.#plan.network,
      horizon: this.#plan.horizon,
      total: matching.length,
      counts: { ...this.#counts },
      rows: matching.slice(offset, offset + (query.limit ?? matching.length)),
    };
  }

  /**
   * One company's orders (open and planned, at most `limit`), shortages, the shortages it causes and
   * its bottlenecks; undefined when the network has no such company. `ordersOf` lists the indexes in
   * `plan.orders` of the orders that involve the company (the server's plan index); without it the
   * plan's orders are scanned.
   */
  company(
    id: string,
    options: { readonly limit?: number; readonly ordersOf?: (company: string) => Iterable<number> } = {},
  ): CompanyStatus | undefined {
    const row = this.#byId.get(id);
    if (row === undefined) return undefined;
    const open: ChainOrder[] = [];
    (this.#network.openOrders ?? []).forEach((order, index) => {
      if (order.company !== id) return;
      const planned = order.id === undefined ? undefined : this.#firstDue.get(order.id);
      open.push({
        id: order.id ?? `open-${index}`,
        source: 'open',
        kind: order.kind,
        role: order.kind === 'production' ? 'make' : 'buy',
        ...(order.supplier === undefined ? {} : { counterpart: order.supplier }),
        item: order.item,
        unit: this.#unitOf(order.item),
        quantity: order.quantity,
        plannedDue: planned ?? null,
        eta: order.due,
        delay: this.#delayOf(order.id, order.due),
      });
    });
    open.sort((a, b) => b.delay - a.delay || a.eta - b.eta || compareText(a.id, b.id));
    const planned: ChainOrder[] = [];
    const add = (order: PlannedOrder) => {
      const supplying = order.company !== id;
      if (supplying && order.supplier !== id) return;
      const role = supplying ? 'supply' : order.kind === 'production' ? 'make' : 'buy';
      const counterpart = supplying ? order.company : order.supplier;
      planned.push({
        id: order.id,
        source: 'plan',
        kind: order.kind,
        role,
        ...(counterpart === undefined ? {} : { counterpart }),
        item: order.item,
        unit: this.#unitOf(order.item),
        quantity: order.quantity,
        plannedDue: order.due,
        eta: order.due,
        delay: 0,
        start: order.start,
      });
    };
    if (options.ordersOf === undefined) {
      for (const order of this.#plan.orders) add(order);
    } else {
      for (const index of options.ordersOf(id)) {
        const order = this.#plan.orders.at(index);
        if (order !== undefined) add(order);
      }
    }
    planned.sort((a, b) => a.eta - b.eta || compareText(a.id, b.id));
    const all = [...open, ...planned];
    return {
      network: this.#plan.network,
      horizon: this.#plan.horizon,
      row,
      orders: all.slice(0, options.limit ?? all.length),
      totalOrders: all.length,
      shortages: this.#plan.shortages.filter((shortage) => shortage.company === id),
      causes: this.#plan.shortages.filter((shortage) => shortage.cause.company === id).slice(0, 100),
      bottlenecks: this.#plan.bottlenecks
        .filter((bottleneck) => bottleneck.company === id)
        .map((bottleneck) => ({ ...bottleneck, unit: this.#capacityUnit(bottleneck.capacity) })),
    };
  }

  #unitOf(item: string): string {
    return this.#units.get(item) ?? 'pcs';
  }

  /** A production record's capacity (`company/item`) counts in the item's unit; a group in `load`. */
  #capacityUnit(capacity: string): string {
    const slash = capacity.lastIndexOf('/');
    if (this.#groups.has(capacity) || slash < 0) return 'load';
    return this.#unitOf(capacity.slice(slash + 1));
  }

  #delayOf(id: string | undefined, due: number): number {
    if (id === undefined) return 0;
    const first = this.#firstDue.get(id);
    return first === undefined ? 0 : due - first;
  }
}

/**
 * The period each open order was first planned to arrive: the version's open orders, then the
 * `order.opened` payloads (in log order; an id seen before keeps its first due).
 */
export function firstDues(
  versionOpenOrders: readonly { readonly id?: string | undefined; readonly due: number }[],
  opened: readonly { readonly id?: unknown; readonly due?: unknown }[],
): Map<string, number> {
  const dues = new Map<string, number>();
  for (const order of versionOpenOrders) {
    if (order.id !== undefined && !dues.has(order.id)) dues.set(order.id, order.due);
  }
  for (const payload of opened) {
    if (typeof payload.id === 'string' && typeof payload.due === 'number' && !dues.has(payload.id)) {
      dues.set(payload.id, payload.due);
    }
  }
  return dues;
}

/** Sums of floating-point quantities: noise below a millionth of a unit is not a shortage. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
