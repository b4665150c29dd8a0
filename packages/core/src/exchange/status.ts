/**
 * @module exchange/status
 * Chain-deep status, the pure part: what one tier answers when asked "what is the status of
 * everything behind order X", and the question it passes on to each of its suppliers.
 *
 * The question travels hop by hop, customer to supplier (`keten.status-request/v1`). At the tier that
 * asks first (the root) order X is one of its end demands (`item`, `item@period`) or an order of its
 * plan (stable ids, `company/item/make/start`, `company/item/buy/supplier/start`). At every tier
 * further up, the question names the customer's purchase orders on that tier that are pegged to X,
 * in the partners' terms (material numbers, ISO dates), so each company keeps its own model and ids.
 * A tier finds its end demand those orders became (the item by material number, the periods from the
 * week it ships to the week it is due), and answers with its own orders pegged to that demand, the
 * shortages of that demand and their causes, its stock of the items, and the bottlenecks its orders
 * load — scaled to the asker's share of the demand when the tier's demand in those weeks is larger
 * (other customers'), so an answer tells nothing of other customers' volumes. Its purchase orders
 * pegged to the demand become the questions to its own suppliers.
 *
 * Consent (`statusConsent`): the answer of a tier goes to its customer (its first recipient) and from
 * there down the chain; `relay` counts the tiers it travels beyond that first recipient. The owner's
 * agreement with its customer must allow `use` (relay 0) or `forward` from the tiers already travelled
 * (keten's `ForwardDepth`, docs/policies.md).
 *
 * The connector's status service (`@keten/connector`, node/status-service.ts) does the transport,
 * the agreements and the audit; docs/exchange.md, "Chain-deep status", is the description.
 */
import { z } from 'zod';
import type { Network } from '../model/schema.ts';
import type { Plan, PlannedOrder } from '../planning/plan.ts';
import { evaluatePolicy } from '../policy/evaluate.ts';
import type { Policy } from '../policy/model.ts';
import type { Requester } from '../policy/request.ts';
import { err, ok, type Result } from '../result.ts';
import { Bpnl, Uuid } from './aspects.ts';
import { Directory } from './identifiers.ts';
import { type ExchangeProblem, parseShape, problem } from './problems.ts';
import { periodDate, periodOfDate } from './weeks.ts';

export const STATUS_REQUEST_FORMAT = 'keten.status-request/v1';
/** The longest chain a question may travel (tiers): a longer path is refused as malformed. */
export const MAX_STATUS_DEPTH = 32;
/** The most orders one question may name. */
export const MAX_STATUS_DEMANDS = 5000;

const IsoDate = z.iso.date('must be a date as YYYY-MM-DD');

/** One purchase order of the customer on the supplier, pegged to the question, in the partners' terms. */
export const StatusDemand = z.strictObject({
  orderId: z.string().min(1).max(300).describe("The customer's order id (stable across its plans)."),
  materialNumberCustomer: z.string().min(1).max(100),
  materialNumberSupplier: z.string().min(1).max(100).optional(),
  shipDate: IsoDate.describe('First day of the period the supplier ships in.'),
  dueDate: IsoDate.describe('First day of the period the order is due at the customer.'),
  quantity: z
    .number()
    .finite()
    .min(0)
    .max(1e15)
    .describe("The part of the order pegged to the question, in the item's unit."),
});
export type StatusDemand = z.infer<typeof StatusDemand>;

/** A status question, as one tier sends it to a supplier. */
export const StatusRequest = z.strictObject({
  format: z.literal(STATUS_REQUEST_FORMAT),
  questionId: Uuid.describe('Made by the root; the same in every hop, so a tier answers it once.'),
  order: z.string().min(1).max(300).describe('Order X as the root named it (for people).'),
  customer: Bpnl.describe('The BPNL of the tier asking.'),
  supplier: Bpnl.describe('The BPNL of the tier asked.'),
  path: z
    .array(Bpnl)
    .min(1)
    .max(MAX_STATUS_DEPTH)
    .describe('The BPNLs the question came through, the root first and the asking tier last.'),
  relay: z
    .number()
    .int()
    .min(0)
    .max(MAX_STATUS_DEPTH)
    .describe('Tiers the answer travels beyond the asking tier: path length − 1.'),
  deadline: z.iso.datetime({ offset: true }).describe('Answer by then; what is not there is unavailable.'),
  demands: z.array(StatusDemand).min(1).max(MAX_STATUS_DEMANDS),
});
export type StatusRequest = z.infer<typeof StatusRequest>;

/**
 * Checks a received status question: its shape, and that it is consistent (the path ends at the
 * customer, `relay` is the path's length − 1, nothing ships after it is due). A value, never a throw.
 */
export function parseStatusRequest(input: unknown): Result<StatusRequest, ExchangeProblem[]> {
  const parsed = parseShape(StatusRequest, 'keten.status-request/v1', input);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  const problems: ExchangeProblem[] = [];
  if (request.path.at(-1) !== request.customer)
    problems.push(
      problem(
        'malformed',
        ['path'],
        `the path must end at the customer ${request.customer}, not at ${request.path.at(-1)}`,
      ),
    );
  if (request.relay !== request.path.length - 1)
    problems.push(
      problem(
        'malformed',
        ['relay'],
        `relay must be the path's length less one (${request.path.length - 1}), not ${request.relay}`,
      ),
    );
  if (request.customer === request.supplier)
    problems.push(problem('malformed', ['supplier'], 'a company does not ask itself'));
  request.demands.forEach((demand, index) => {
    if (demand.shipDate > demand.dueDate)
      problems.push(
        problem(
          'malformed',
          ['demands', index, 'shipDate'],
          `ships ${demand.shipDate}, after it is due (${demand.dueDate})`,
        ),
      );
  });
  return problems.length > 0 ? err(problems) : ok(request);
}

// --- the answer ------------------------------------------------------------------------------

/** Whose part of the tree: the company as it names itself. */
export interface StatusOwner {
  readonly name: string;
  readonly bpnl: string;
}

export interface StatusOrder {
  /** The owner's order id (stable across its plans). */
  readonly id: string;
  readonly kind: 'production' | 'purchase';
  readonly item: string;
  /** For a purchase: the supplier it is placed with. */
  readonly supplier?: StatusOwner;
  /** Production start or the period the supplier ships, and the period it is due (first days). */
  readonly startDate: string;
  readonly dueDate: string;
  /** The part of the order behind the question. */
  readonly quantity: number;
  /** The whole order. */
  readonly orderQuantity: number;
  readonly unit: string;
  /** An open (released) order of the model rather than a planned one. */
  readonly open?: true;
}

export interface StatusShortage {
  readonly item: string;
  readonly date: string;
  readonly quantity: number;
  readonly unit: string;
  readonly cause: { readonly code: string; readonly text: string };
}

export interface StatusStock {
  readonly item: string;
  readonly onHand: number;
  readonly safetyStock?: number;
  readonly unit: string;
}

export interface StatusBottleneck {
  readonly capacity: string;
  readonly date: string;
  readonly load: number;
  readonly limit: number;
  readonly maximum?: number;
}

/** One tier's own status behind the question. */
export interface TierStatus {
  readonly orders: StatusOrder[];
  readonly shortages: StatusShortage[];
  readonly stock: StatusStock[];
  readonly bottlenecks: StatusBottleneck[];
  /** What the tier could not place (a material number it does not know, a date outside its horizon). */
  readonly notes: string[];
}

/**
 * A part of the assembled tree: a tier's answer with its suppliers' parts, or why it is not there.
 * - `withheld`: the owner's consent does not reach the asker (no agreement, expired, not that far);
 * - `unavailable`: no answer in time, or an answer that could not be read;
 * - `repeated`: the question came back to a tier already answering it (a loop).
 */
export type StatusPart = (
  | ({
      readonly status: 'answered';
      readonly owner: StatusOwner;
      readonly at: string;
      readonly suppliers: StatusPart[];
    } & TierStatus)
  | {
      readonly status: 'withheld';
      readonly withheld: true;
      readonly owner: StatusOwner;
      readonly reason: string;
    }
  | { readonly status: 'unavailable'; readonly owner: StatusOwner; readonly reason: string }
  | { readonly status: 'repeated'; readonly owner: StatusOwner; readonly reason: string }
) & {
  /**
   * The owner's signature over the part (a compact JWS, see the connector's node/status-signature);
   * absent on a part its customer wrote about it (unavailable, or withheld by the customer's check).
   */
  readonly signature?: string;
};

// --- which demand the question is about ----------------------------------------------------------

/**
 * The tier's end demand a question is about: per item and period, the share of that demand behind
 * the question (1: all of it), and orders named outright (the root's `order` as an order id).
 */
export interface StatusSelection {
  readonly weights: ReadonlyMap<string, number>;
  readonly orders: ReadonlySet<string>;
  readonly notes: string[];
}

const slot = (item: string, period: number) => `${item}\u0000${period}`;

/** The demand of `company` for `item` in `period` (after the events a node applied). */
function demandOf(network: Network, company: string, item: string, period: number): number {
  let total = 0;
  for (const entry of network.demand ?? [])
    if (entry.company === company && entry.item === item) total += entry.quantities[period] ?? 0;
  return total;
}

/**
 * The root's order X: `ITEM` (all its end demand for the item), `ITEM@PERIOD`, an order id of its
 * plan (a purchase: that order; a production order: the end demand it serves), or the id of an open
 * order of its model (that order; a purchase is asked of its supplier). Problems name what to write
 * instead.
 */
export function rootSelection(
  network: Network,
  plan: Plan,
  company: string,
  order: string,
): Result<StatusSelection, ExchangeProblem[]> {
  const planned = findOrder(plan, order);
  if (planned !== undefined) {
    if (planned.company !== company)
      return err([problem('unknown-item', ['order'], `${order} is not an order of ${company}`, order)]);
    if (planned.kind === 'purchase') return ok({ weights: new Map(), orders: new Set([order]), notes: [] });
    const weights = new Map<string, number>();
    const peg = plan.pegging.find((entry) => entry.order === order);
    for (const served of peg?.servesDemand ?? []) {
      if (served.company !== company) continue;
      const demand = demandOf(network, company, served.item, served.period);
      const key = slot(served.item, served.period);
      const share = demand > 0 ? served.quantity / demand : 1;
      weights.set(key, Math.min(1, (weights.get(key) ?? 0) + share));
    }
    return ok({ weights, orders: new Set([order]), notes: [] });
  }
  const open = (network.openOrders ?? []).find((entry) => entry.id === order);
  if (open !== undefined) {
    if (open.company !== company)
      return err([problem('unknown-item', ['order'], `${order} is not an order of ${company}`, order)]);
    return ok({ weights: new Map(), orders: new Set([order]), notes: [] });
  }
  const match = /^(.+?)(?:@(\d+))?$/.exec(order);
  const item = match?.[1] ?? order;
  const period = match?.[2] === undefined ? undefined : Number(match[2]);
  const demands = (network.demand ?? []).filter((entry) => entry.company === company && entry.item === item);
  if (demands.length === 0) {
    const items = [
      ...new Set(
        (network.demand ?? []).filter((entry) => entry.company === company).map((entry) => entry.item),
      ),
    ];
    return err([
      problem(
        'unknown-item',
        ['order'],
        `${company} has no end demand for '${item}' and no planned order '${order}': name an item with end demand (${items.slice(0, 10).join(', ') || 'none'}), ITEM@PERIOD, or an order id of the plan`,
        order,
      ),
    ]);
  }
  if (period !== undefined && period >= plan.horizon)
    return err([
      problem(
        'bad-date',
        ['order'],
        `period ${period} is beyond the plan's horizon of ${plan.horizon} periods`,
        order,
      ),
    ]);
  const weights = new Map<string, number>();
  for (let p = period ?? 0; p <= (period ?? plan.horizon - 1); p++) weights.set(slot(item, p), 1);
  return ok({ weights, orders: new Set(), notes: [] });
}

/**
 * The supplier's end demand a question names: each customer order's item (by material number, as the
 * readers find it) and the periods from the week it ships to the week it is due (where the supplier's
 * plan holds the customer's forecast, with or without the lane's lead time), weighted by the order's
 * share of the supplier's demand in those periods.
 */
export function requestSelection(
  network: Network,
  company: string,
  customer: string,
  demands: readonly StatusDemand[],
  horizon: number,
): StatusSelection {
  const directory = new Directory(network);
  const weights = new Map<string, number>();
  const notes: string[] = [];
  for (const demand of demands) {
    const item =
      directory.itemOf(customer, company, {
        customer: demand.materialNumberCustomer,
        supplier: demand.materialNumberSupplier,
      }) ??
      [demand.materialNumberSupplier, demand.materialNumberCustomer].find(
        (number) => number !== undefined && directory.production(company, number) !== undefined,
      );
    if (item === undefined) {
      notes.push(
        `order ${demand.orderId}: no item of ours has the material number ${demand.materialNumberSupplier ?? demand.materialNumberCustomer}`,
      );
      continue;
    }
    const first = Math.max(0, periodOfDate(network, demand.shipDate) ?? 0);
    const last = Math.min(horizon - 1, periodOfDate(network, demand.dueDate) ?? -1);
    if (last < first) {
      notes.push(`order ${demand.orderId}: due ${demand.dueDate}, outside our horizon`);
      continue;
    }
    let ours = 0;
    for (let period = first; period <= last; period++) ours += demandOf(network, company, item, period);
    if (ours <= 0) {
      notes.push(
        `order ${demand.orderId}: we hold no demand for ${item} between ${demand.shipDate} and ${demand.dueDate} (its forecast has not reached us)`,
      );
      continue;
    }
    const share = Math.min(1, demand.quantity / ours);
    for (let period = first; period <= last; period++) {
      const key = slot(item, period);
      weights.set(key, Math.min(1, (weights.get(key) ?? 0) + share));
    }
  }
  return { weights, orders: new Set(), notes };
}

function findOrder(plan: Plan, id: string): PlannedOrder | undefined {
  for (const order of plan.orders) if (order.id === id) return order;
  return undefined;
}

// --- a tier's status ---------------------------------------------------------------------------

/** A question to one supplier: the tier's purchase orders pegged to the selection. */
export interface StatusQuestionTo {
  /** The supplier's company id in the tier's network. */
  readonly supplier: string;
  readonly demands: StatusDemand[];
}

/**
 * A tier's own status behind a selection of its end demand, and the questions to its suppliers.
 * Only the tier's own orders (its production, its purchases) are reported: the sources its network
 * models its suppliers by are theirs to report.
 */
export function tierStatus(
  network: Network,
  plan: Plan,
  company: string,
  selection: StatusSelection,
): { status: TierStatus; questions: StatusQuestionTo[] } {
  const directory = new Directory(network);
  const unitOf = (item: string) => directory.items.get(item)?.unit ?? 'pcs';
  const ownerOf = (id: string): StatusOwner => {
    const entry = directory.companies.get(id);
    return { name: entry?.name ?? id, bpnl: entry?.bpn ?? '' };
  };
  // The share of each order behind the question: pegs are in units of the end demand they serve,
  // so an order's part is its quantity times the weighted fraction of its pegs.
  const share = new Map<string, number>();
  for (const peg of plan.pegging) {
    let part = 0;
    let all = 0;
    for (const served of peg.servesDemand) {
      all += served.quantity;
      if (served.company !== company) continue;
      const weight = selection.weights.get(slot(served.item, served.period)) ?? 0;
      part += served.quantity * weight;
    }
    if (part > 0 && all > 0) share.set(peg.order, part / all);
  }
  const orders: StatusOrder[] = [];
  const questions = new Map<string, StatusDemand[]>();
  const items = new Set<string>();
  const loads = new Map<string, Set<number>>();
  const report = (order: PlannedOrder, part: number, open: boolean) => {
    const quantity = round(part);
    items.add(order.item);
    orders.push({
      id: order.id,
      kind: order.kind,
      item: order.item,
      ...(order.supplier === undefined ? {} : { supplier: ownerOf(order.supplier) }),
      startDate: periodDate(network, order.start),
      dueDate: periodDate(network, order.due),
      quantity,
      orderQuantity: round(order.quantity),
      unit: unitOf(order.item),
      ...(open ? { open: true as const } : {}),
    });
    if (order.kind === 'purchase' && order.supplier !== undefined && order.supplier !== company) {
      const list = questions.get(order.supplier) ?? [];
      list.push({
        orderId: order.id,
        materialNumberCustomer: directory.customerMaterialNumber(company, order.item),
        materialNumberSupplier: directory.supplierMaterialNumber(company, order.item, order.supplier),
        shipDate: periodDate(network, order.start),
        dueDate: periodDate(network, order.due),
        quantity,
      });
      questions.set(order.supplier, list);
    } else if (order.kind === 'production') {
      for (const capacity of capacitiesOf(network, company, order.item)) {
        const periods = loads.get(capacity) ?? new Set<number>();
        periods.add(order.start);
        loads.set(capacity, periods);
      }
    }
  };
  for (const order of plan.orders) {
    if (order.company !== company) continue;
    const named = selection.orders.has(order.id);
    const part = named ? order.quantity : order.quantity * (share.get(order.id) ?? 0);
    if (part > 1e-9) report(order, part, false);
  }
  // Open orders of the model named outright (released orders: scheduled receipts, not pegged).
  for (const open of network.openOrders ?? []) {
    if (open.id === undefined || open.company !== company || !selection.orders.has(open.id)) continue;
    const lead =
      open.kind === 'purchase'
        ? (directory.line(company, open.item, open.supplier ?? '')?.leadTime ?? 0)
        : (directory.production(company, open.item)?.leadTime ?? 0);
    report(
      {
        id: open.id,
        kind: open.kind,
        company,
        item: open.item,
        quantity: open.quantity,
        start: Math.max(0, open.due - lead),
        due: open.due,
        ...(open.supplier === undefined ? {} : { supplier: open.supplier }),
      },
      open.quantity,
      true,
    );
  }
  const shortages: StatusShortage[] = [];
  for (const shortage of plan.shortages) {
    if (shortage.company !== company) continue;
    const weight = selection.weights.get(slot(shortage.item, shortage.period)) ?? 0;
    if (weight <= 0) continue;
    items.add(shortage.item);
    shortages.push({
      item: shortage.item,
      date: periodDate(network, shortage.period),
      quantity: round(shortage.quantity * weight),
      unit: unitOf(shortage.item),
      cause: { code: shortage.cause.code, text: shortage.cause.text },
    });
  }
  for (const key of selection.weights.keys()) items.add(key.split('\u0000')[0]!);
  const stock: StatusStock[] = (network.inventory ?? [])
    .filter((entry) => entry.company === company && items.has(entry.item))
    .map((entry) => ({
      item: entry.item,
      onHand: entry.onHand,
      ...(entry.safetyStock === undefined ? {} : { safetyStock: entry.safetyStock }),
      unit: unitOf(entry.item),
    }));
  const bottlenecks: StatusBottleneck[] = plan.bottlenecks
    .filter((entry) => entry.company === company && loads.get(entry.capacity)?.has(entry.period) === true)
    .map((entry) => ({
      capacity: entry.capacity,
      date: periodDate(network, entry.period),
      load: round(entry.load),
      limit: round(entry.limit),
      ...(entry.maximum === undefined ? {} : { maximum: round(entry.maximum) }),
    }));
  return {
    status: { orders, shortages, stock, bottlenecks, notes: [...selection.notes] },
    questions: [...questions].map(([supplier, demands]) => ({ supplier, demands })),
  };
}

/** The capacities an item's production loads at a company: its production record, its groups. */
function capacitiesOf(network: Network, company: string, item: string): string[] {
  const capacities = [`${company}/${item}`];
  for (const group of network.capacityGroups ?? [])
    if (group.company === company && group.items.some((entry) => entry.item === item))
      capacities.push(group.id);
  return capacities;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

// --- consent ------------------------------------------------------------------------------------

/** Whether an owner's answer may reach the asker and travel `relay` tiers beyond it. */
export type StatusConsentDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly refused: boolean; readonly reason: string };

/**
 * Judges a status answer against the agreement under which the asker receives it: `use` by the asker
 * (always), and when `relay` > 0 passing it on: `forward` with the tiers already travelled
 * (`relay − 1`), which keten's `ForwardDepth` allows when `relay ≤ n`. `refused`: the asker may not
 * even use it (no valid agreement: partner, purpose, expiry); otherwise it may not go that far.
 */
export function statusConsent(
  agreement: Policy,
  request: {
    readonly requester: Requester;
    readonly relay: number;
    readonly purpose: string;
    readonly at: Date;
  },
): StatusConsentDecision {
  const base = { requester: request.requester, purpose: request.purpose, at: request.at };
  const use = evaluatePolicy(agreement, { ...base, action: 'use', tierDepth: 0 });
  if (!use.allowed) return { allowed: false, refused: true, reason: use.reasons.join(' ') };
  if (request.relay === 0) return { allowed: true };
  const forward = evaluatePolicy(agreement, { ...base, action: 'forward', tierDepth: request.relay - 1 });
  if (forward.allowed) return { allowed: true };
  return {
    allowed: false,
    refused: false,
    reason: `the answer would travel ${request.relay} tier(s) beyond its first recipient: ${forward.reasons.join(' ')}`,
  };
}

// --- for people ---------------------------------------------------------------------------------

/**
 * The assembled tree as lines for people: each part with its counts, its first orders and every
 * shortage, and under it its suppliers' parts; withheld and unavailable parts with their reasons.
 */
export function formatStatusTree(
  tree: StatusPart,
  options: { readonly ordersShown?: number } = {},
): string[] {
  const shown = options.ordersShown ?? 5;
  const lines: string[] = [];
  const visit = (part: StatusPart, indent: string, last: boolean, root: boolean) => {
    const head = root ? '' : `${indent}${last ? '└─ ' : '├─ '}`;
    const body = root ? '' : `${indent}${last ? '   ' : '│  '}`;
    const who = `${part.owner.name} (${part.owner.bpnl || 'no BPNL'})`;
    if (part.status !== 'answered') {
      lines.push(`${head}${who}: ${part.status} — ${part.reason}`);
      return;
    }
    const counts = [
      `${part.orders.length} order(s)`,
      `${part.shortages.length} shortage(s)`,
      `${part.bottlenecks.length} bottleneck(s)`,
    ];
    lines.push(`${head}${who}: ${counts.join(', ')}`);
    for (const order of part.orders.slice(0, shown)) {
      const supplier = order.supplier === undefined ? '' : ` from ${order.supplier.name}`;
      lines.push(
        `${body}  ${order.kind} ${order.id}: ${order.quantity} of ${order.orderQuantity} ${order.unit} ${order.item}${supplier}, ${order.startDate} → due ${order.dueDate}`,
      );
    }
    if (part.orders.length > shown) lines.push(`${body}  … ${part.orders.length - shown} more order(s)`);
    for (const shortage of part.shortages)
      lines.push(
        `${body}  short ${shortage.quantity} ${shortage.unit} ${shortage.item} on ${shortage.date}: ${shortage.cause.text}`,
      );
    for (const bottleneck of part.bottlenecks)
      lines.push(
        `${body}  bottleneck ${bottleneck.capacity} on ${bottleneck.date}: load ${bottleneck.load} over ${bottleneck.limit}`,
      );
    for (const stock of part.stock)
      lines.push(`${body}  stock ${stock.item}: ${stock.onHand} ${stock.unit} on hand`);
    for (const note of part.notes) lines.push(`${body}  note: ${note}`);
    part.suppliers.forEach((child, index) => {
      visit(child, body, index === part.suppliers.length - 1, false);
    });
  };
  visit(tree, '', true, true);
  return lines;
}
