/**
 * @module node/outgoing
 * What a company node sends its partners after it planned: every payload of every aspect it owns, from
 * its network as the events left it, its plan, and what it holds of its partners (the customer orders
 * it received, the disruptions it told before). Only payloads for a partner with a started transfer of
 * that aspect are built (`sends`); the exchange service pushes those whose content changed.
 *
 * - as **customer**: its forecasts (WeekBasedMaterialDemand), its open purchase orders (an `order` the
 *   first time, an `order-change` when its quantity or due date moved since it was sent; stable ids:
 *   the planned order's id on release), an `order-cancellation` of each order it sent that is no
 *   longer open (closed by `order.closed`, or gone from its network) and that the supplier did not
 *   reject, and its stock of what it buys (ItemStock INBOUND);
 * - as **supplier**: its capacity for what the customer buys (WeekBasedCapacityGroup), its planned
 *   production of it (PlannedProductionOutput), its stock (ItemStock OUTBOUND), the customer's orders
 *   on their way (DeliveryInformation), and a confirmation of each customer order not yet answered:
 *   `accepted`, `changed` (in part, or later) or `rejected`, from its plan (`judgeOrder`); the order's
 *   demand follows the answer;
 * - both ways, **notifications** (DemandAndCapacityNotification) of its disruptions: a `supplier.down`
 *   of itself (capacity reduction to its customers, demand reduction to its suppliers), a capacity
 *   lowered by `capacity.changed` below its model's, and its plan's shortages; a disruption told before
 *   and gone now is sent once more as `resolved`.
 *
 * Pure: no I/O; the records to write with each push (orders sent, answers given, disruptions told) come
 * with it.
 */
import {
  type BlockedShipping,
  type BlockedWindow,
  buildCapacityGroups,
  buildDeliveryInformation,
  buildItemStock,
  buildMaterialDemands,
  buildNotification,
  buildOrderMessage,
  buildPlannedProductionOutput,
  type Disruption,
  disruptionsFromShortages,
  type EventInput,
  type ExchangeProblem,
  formatExchangeProblem,
  type Network,
  type OrderRecord,
  type Plan,
  type ReceivedCustomerOrder,
  type RecordWrite,
  valueAt,
} from '@keten/core';
import type { ExchangeAspect } from './datasets.ts';

/** A customer order as the supplier's node holds it, and whether it has answered it. */
export interface HeldOrder {
  readonly customerOrder: ReceivedCustomerOrder;
  /**
   * `open`: not answered yet (new or changed); `changed`: confirmed with another quantity or date
   * (`customerOrder` is then the order as confirmed); `cancelled` by the customer.
   */
  readonly status: 'open' | 'accepted' | 'changed' | 'rejected' | 'cancelled';
}

/** An order as the customer's node sent it, and what the supplier answered. */
export interface SentOrder {
  readonly supplier: string;
  readonly item: string;
  readonly quantity: number;
  readonly due: number;
  /** `cancelled`: the order closed here and the supplier was told so (an `order-cancellation`). */
  readonly status: 'sent' | 'accepted' | 'changed' | 'rejected' | 'cancelled';
  readonly reason?: string;
  /** The order as it was sent, before a `changed` answer put the confirmed quantity and due above. */
  readonly requested?: { readonly quantity: number; readonly due: number };
}

/**
 * Why a purchase the plan would release now is not sent, or undefined to send it: the supplier
 * rejected that order before, or it answered an order of the same item that is still open `changed`
 * (docs/exchange.md, "Confirmations"): moved to a later period, which says it ships nothing more of the
 * item before that period, or cut to what it ships on time, which says it ships nothing more by that
 * period. The customer takes that answer: an order for the shortfall before then would be answered the
 * same way, and each such order and answer would start another round of re-plans down the chain.
 * It orders the item from that supplier again for later periods, and as usual once the changed order
 * is closed.
 */
export function heldBack(
  order: Pick<OrderRecord, 'id' | 'supplier' | 'item' | 'due'>,
  sentOrders: ReadonlyMap<string, SentOrder>,
  openOrderIds: ReadonlySet<string>,
): string | undefined {
  if (sentOrders.get(order.id)?.status === 'rejected')
    return `${order.supplier} rejected order ${order.id} before`;
  for (const [id, sent] of sentOrders) {
    if (sent.status !== 'changed' || sent.requested === undefined || !openOrderIds.has(id)) continue;
    if (sent.supplier !== order.supplier || sent.item !== order.item) continue;
    if (sent.due > sent.requested.due && order.due < sent.due)
      return `${order.supplier} moved order ${id} of ${order.item} from period ${sent.requested.due} to ${sent.due}: it ships no more before then`;
    if (sent.quantity < sent.requested.quantity && sent.due === sent.requested.due && order.due <= sent.due)
      return `${order.supplier} cut order ${id} of ${order.item} to ${sent.quantity} in period ${sent.due}: it ships no more by then`;
  }
  return undefined;
}

/**
 * The customer's own lanes that its suppliers' answers close, as windows the planner blocks
 * (`planNetwork`'s `blocked`, in ship periods): the same rule as `heldBack`, so the plan moves what
 * such a supplier will not ship to the item's other approved suppliers (or builds ahead, or reports
 * the shortage) instead of planning it there and never releasing it. A supplier that moved an open
 * order to a later period ships nothing more of the item before that period; one that cut an open
 * order ships nothing more by its period; one that rejected an order does not ship that order's
 * period. `company` is the customer; the lane's lead time turns due periods into ship periods.
 */
export function heldBackWindows(
  network: Pick<Network, 'sourcing'>,
  company: string,
  sentOrders: ReadonlyMap<string, SentOrder>,
  openOrderIds: ReadonlySet<string>,
): BlockedShipping[] {
  const windows: BlockedShipping[] = [];
  for (const [id, sent] of sentOrders) {
    const lane = (network.sourcing ?? [])
      .find((rule) => rule.buyer === company && rule.item === sent.item)
      ?.suppliers.find((line) => line.supplier === sent.supplier)?.leadTime;
    // A lane no longer in the network: the planner plans nothing on it.
    if (lane === undefined) continue;
    let from = 0;
    let to = 0;
    if (sent.status === 'rejected') {
      from = sent.due - lane;
      to = from + 1;
    } else if (sent.status === 'changed' && sent.requested !== undefined && openOrderIds.has(id)) {
      if (sent.due > sent.requested.due) to = sent.due - lane;
      else if (sent.quantity < sent.requested.quantity && sent.due === sent.requested.due)
        to = sent.due - lane + 1;
    }
    from = Math.max(0, from);
    if (to > from) windows.push({ supplier: sent.supplier, item: sent.item, customer: company, from, to });
  }
  return windows;
}

/** The ids of a network's open orders (the orders a `changed` answer holds back while they stay open). */
export function openOrderIds(network: Pick<Network, 'openOrders'>): Set<string> {
  return new Set((network.openOrders ?? []).flatMap((order) => (order.id === undefined ? [] : [order.id])));
}

/** A disruption told to a partner, as last told. */
export interface ToldDisruption {
  readonly partner: string;
  readonly disruption: Disruption;
}

export interface OutgoingContext {
  /** The node's network with every recorded event applied. */
  readonly network: Network;
  /** The node's network as configured (before events): what a lowered capacity is measured against. */
  readonly base: Network;
  readonly plan: Plan;
  /** Windows in which a company ships nothing (`supplier.down`). */
  readonly blocked: readonly BlockedWindow[];
  readonly company: string;
  readonly changedAt: string;
  /** Customer orders held, by customer (supplier side). */
  readonly heldOrders: readonly HeldOrder[];
  /** Orders sent, by order id (customer side). */
  readonly sentOrders: ReadonlyMap<string, SentOrder>;
  /** Open disruptions told before. */
  readonly told: readonly ToldDisruption[];
  /** Whether `partner` takes `aspect` (a started push transfer). */
  readonly sends: (partner: string, aspect: ExchangeAspect) => boolean;
}

/** One payload for one partner. */
export interface OutgoingPayload {
  readonly partner: string;
  readonly aspect: ExchangeAspect;
  /** What it is about, stable across updates: only its last content matters (a forecast's id, ...). */
  readonly key: string;
  readonly payload: unknown;
  /** Records written with the push. */
  readonly records?: readonly RecordWrite[];
  /** Events for the node's own log written with the push (an order's demand taken back). */
  readonly events?: readonly EventInput[];
  /** For the audit trail. */
  readonly summary: string;
}

/** Fields that say when, not what: left out when comparing a payload with the one sent before. */
const TIME_FIELDS = new Set([
  'changedAt',
  'contentChangedAt',
  'lastUpdatedOnDateTime',
  'messageId',
  'notificationId',
]);

/** The payload without its time stamps and the ids derived from them. */
export function payloadContent(payload: unknown): unknown {
  if (Array.isArray(payload)) return payload.map(payloadContent);
  if (typeof payload !== 'object' || payload === null) return payload;
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload))
    if (!TIME_FIELDS.has(key)) content[key] = payloadContent(value);
  return content;
}

/** Every payload the node would send now, and the problems that kept some from being built. */
export function outgoingPayloads(context: OutgoingContext): {
  payloads: OutgoingPayload[];
  problems: string[];
} {
  const payloads: OutgoingPayload[] = [];
  const problems: string[] = [];
  const failed = (what: string, found: readonly ExchangeProblem[]) =>
    problems.push(`${what}: ${found.map(formatExchangeProblem).join('; ')}`);
  const { network, plan, company, changedAt, sends } = context;
  const options = { changedAt };
  const rules = network.sourcing ?? [];
  // The items of each relationship: what the company buys from a supplier, sells to a customer.
  const buys = new Map<string, string[]>();
  const sells = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, partner: string, item: string) => {
    const items = map.get(partner) ?? [];
    if (!items.includes(item)) items.push(item);
    map.set(partner, items);
  };
  for (const rule of rules)
    for (const line of rule.suppliers) {
      if (rule.buyer === company && line.supplier !== company) add(buys, line.supplier, rule.item);
      if (line.supplier === company && rule.buyer !== company) add(sells, rule.buyer, rule.item);
    }

  // --- as customer ---
  const suppliers = [...buys.keys()].filter((supplier) => sends(supplier, 'material-demand'));
  if (suppliers.length > 0) {
    const forecasts = buildMaterialDemands(network, plan, company, { changedAt, suppliers });
    if (!forecasts.ok) failed('forecasts', forecasts.error);
    else
      for (const forecast of forecasts.value)
        payloads.push({
          partner: forecast.supplier,
          aspect: 'material-demand',
          key: forecast.payload.materialDemandId,
          payload: forecast.payload,
          summary: `forecast of ${forecast.item}`,
        });
  }
  const openIds = new Set<string>();
  for (const order of network.openOrders ?? []) {
    if (order.kind !== 'purchase' || order.company !== company || order.id === undefined) continue;
    if (order.supplier === undefined) continue;
    openIds.add(order.id);
    if (!sends(order.supplier, 'orders')) continue;
    const sent = context.sentOrders.get(order.id);
    if (sent?.status === 'rejected') continue;
    // An order cancelled before and open again (released anew under its number) is a new order.
    const known = sent !== undefined && sent.status !== 'cancelled';
    if (known && sent.quantity === order.quantity && sent.due === order.due) continue;
    orderMessage(known ? 'order-change' : 'order', {
      id: order.id,
      company,
      supplier: order.supplier,
      item: order.item,
      quantity: order.quantity,
      due: order.due,
    });
  }
  // An order sent and no longer open here (closed, or gone from the network) is cancelled at the
  // supplier, which holds it as demand to ship until told. A rejected order is closed by the
  // supplier's own answer: nothing to tell.
  for (const [id, sent] of context.sentOrders) {
    if (openIds.has(id) || sent.status === 'rejected' || sent.status === 'cancelled') continue;
    if (!sends(sent.supplier, 'orders')) continue;
    const { supplier, item, quantity, due } = sent;
    orderMessage('order-cancellation', { id, company, supplier, item, quantity, due });
  }
  function orderMessage(type: 'order' | 'order-change' | 'order-cancellation', record: OrderRecord) {
    const message = buildOrderMessage(network, { type, order: record, changedAt });
    if (!message.ok) {
      failed(`order ${record.id}`, message.error);
      return;
    }
    const cancelled = type === 'order-cancellation';
    payloads.push({
      partner: record.supplier,
      aspect: 'orders',
      key: `order:${record.id}`,
      payload: message.value,
      records: [
        {
          kind: 'sent-order',
          id: record.id,
          value: {
            supplier: record.supplier,
            item: record.item,
            quantity: record.quantity,
            due: record.due,
            status: cancelled ? 'cancelled' : 'sent',
          } satisfies SentOrder,
        },
      ],
      summary: cancelled
        ? `order-cancellation ${record.id}: ${record.quantity} ${record.item} due in period ${record.due} no longer ordered`
        : `${type} ${record.id}: ${record.quantity} ${record.item} due in period ${record.due}`,
    });
  }

  // --- stock, either way ---
  for (const [map, holder] of [
    [buys, 'customer'],
    [sells, 'supplier'],
  ] as const) {
    for (const [partner, items] of map) {
      if (!sends(partner, 'stock')) continue;
      for (const item of items) {
        const relationship =
          holder === 'customer'
            ? { customer: company, supplier: partner, item }
            : { customer: partner, supplier: company, item };
        const stock = buildItemStock(network, relationship, holder, options);
        if (!stock.ok) failed(`stock of ${item}`, stock.error);
        else
          payloads.push({
            partner,
            aspect: 'stock',
            key: `stock:${holder}:${item}`,
            payload: stock.value,
            summary: `stock of ${item}`,
          });
      }
    }
  }

  // --- as supplier ---
  for (const [customer, items] of sells) {
    if (sends(customer, 'capacity')) {
      const groups = buildCapacityGroups(network, company, customer, options);
      if (!groups.ok) failed(`capacity for ${customer}`, groups.error);
      else
        for (const group of groups.value)
          payloads.push({
            partner: customer,
            aspect: 'capacity',
            key: group.payload.capacityGroupId,
            payload: group.payload,
            summary: `capacity ${group.capacity}`,
          });
    }
    for (const item of items) {
      const relationship = { customer, supplier: company, item };
      if (sends(customer, 'planned-output')) {
        const output = buildPlannedProductionOutput(network, plan, relationship, options);
        if (!output.ok) failed(`planned output of ${item}`, output.error);
        else
          payloads.push({
            partner: customer,
            aspect: 'planned-output',
            key: `planned-output:${item}`,
            payload: output.value,
            summary: `planned output of ${item}`,
          });
      }
      if (sends(customer, 'deliveries')) {
        const orders = context.heldOrders
          .filter(
            (held) =>
              held.customerOrder.customer === customer &&
              held.customerOrder.item === item &&
              (held.status === 'open' || held.status === 'accepted' || held.status === 'changed'),
          )
          .map((held) => held.customerOrder);
        const deliveries = buildDeliveryInformation(network, relationship, { ...options, orders });
        if (!deliveries.ok) failed(`deliveries of ${item}`, deliveries.error);
        else
          payloads.push({
            partner: customer,
            aspect: 'deliveries',
            key: `deliveries:${item}`,
            payload: deliveries.value.payload,
            summary: `deliveries of ${item}: ${orders.length} order(s)`,
          });
      }
    }
  }
  // What the plan ships of an item in a period goes to the orders confirmed before (`judgeOrder`).
  const promised = new Map<string, number>();
  for (const held of context.heldOrders)
    if (held.status === 'accepted' || held.status === 'changed') {
      const slot = promiseSlot(held.customerOrder.item, held.customerOrder.period);
      promised.set(slot, (promised.get(slot) ?? 0) + held.customerOrder.quantity);
    }
  for (const held of context.heldOrders) {
    if (held.status !== 'open') continue;
    const order = held.customerOrder;
    if (!sends(order.customer, 'order-confirmations')) continue;
    const answer = judgeOrder(context, order, promised);
    const leadTime =
      rules
        .find((rule) => rule.buyer === order.customer && rule.item === order.item)
        ?.suppliers.find((line) => line.supplier === company)?.leadTime ?? 0;
    // The order as confirmed: as ordered, or as changed.
    const confirmed: ReceivedCustomerOrder =
      answer.status === 'changed' ? { ...order, quantity: answer.quantity, period: answer.period } : order;
    const message = buildOrderMessage(network, {
      type: 'order-confirmation',
      order: {
        id: order.id,
        company: order.customer,
        supplier: company,
        item: order.item,
        quantity: confirmed.quantity,
        due: confirmed.period + leadTime,
      },
      status: answer.status,
      ...(answer.reason === undefined ? {} : { text: answer.reason }),
      changedAt,
    });
    if (!message.ok) {
      failed(`confirmation of ${order.id}`, message.error);
      continue;
    }
    const demand = (period: number, quantity: number, key: string): EventInput[] =>
      period < network.horizon && quantity !== 0
        ? [
            {
              type: 'demand.added',
              key,
              at: changedAt,
              source: `node:${company}`,
              payload: { company, item: order.item, period, quantity, network: network.name },
            },
          ]
        : [];
    const tag = `${order.customer}:${order.id}:${message.value.messageId}`;
    // A rejected order is not shipped: its demand goes. A changed one is held as confirmed: its demand
    // moves to the confirmed quantity and period.
    const events =
      answer.status === 'rejected'
        ? demand(order.period, -order.quantity, `exchange:order-rejected:${tag}`)
        : answer.status === 'changed'
          ? [
              ...demand(order.period, -order.quantity, `exchange:order-changed:${tag}:${order.period}:from`),
              ...demand(
                confirmed.period,
                confirmed.quantity,
                `exchange:order-changed:${tag}:${confirmed.period}:to`,
              ),
            ]
          : [];
    payloads.push({
      partner: order.customer,
      aspect: 'order-confirmations',
      key: `confirmation:${order.id}`,
      payload: message.value,
      records: [
        {
          kind: 'held-order',
          id: heldOrderId(order.customer, order.id),
          value: { customerOrder: confirmed, status: answer.status } satisfies HeldOrder,
        },
      ],
      ...(events.length === 0 ? {} : { events }),
      summary: `order ${order.id} ${answer.status}${answer.status === 'changed' ? ` to ${confirmed.quantity} in period ${confirmed.period}` : ''}${answer.reason === undefined ? '' : `: ${answer.reason}`}`,
    });
  }

  // --- notifications, either way ---
  const disruptions = currentDisruptions(context, buys, sells);
  const open = new Set<string>();
  for (const disruption of disruptions) {
    if (!sends(disruption.recipient, 'notifications')) continue;
    open.add(`${disruption.recipient} ${disruption.id}`);
    notify(disruption);
  }
  for (const told of context.told) {
    if (open.has(`${told.partner} ${told.disruption.id}`) || !sends(told.partner, 'notifications')) continue;
    notify({ ...told.disruption, status: 'resolved' });
  }
  function notify(disruption: Disruption) {
    const notification = buildNotification(network, disruption, options);
    if (!notification.ok) {
      failed(`notification ${disruption.id}`, notification.error);
      return;
    }
    payloads.push({
      partner: disruption.recipient,
      aspect: 'notifications',
      key: `notification:${disruption.id}`,
      payload: notification.value,
      records: [
        {
          kind: 'told-disruption',
          id: `${disruption.recipient} ${disruption.id}`,
          value: { partner: disruption.recipient, disruption } satisfies ToldDisruption,
        },
      ],
      summary: `${disruption.status} ${disruption.effect} ${disruption.id}`,
    });
  }
  return { payloads, problems };
}

/** The held-order record id of a customer's order. */
export function heldOrderId(customer: string, orderId: string): string {
  return `${customer} ${orderId}`;
}

/** A supplier's answer to a customer order (`judgeOrder`). */
export type OrderAnswer =
  | { readonly status: 'accepted'; readonly reason?: string }
  /** The quantity and the period it ships in that the supplier confirms instead. */
  | {
      readonly status: 'changed';
      readonly quantity: number;
      readonly period: number;
      readonly reason: string;
    }
  | { readonly status: 'rejected'; readonly reason: string };

/**
 * A supplier's answer to a customer order, from its plan (the order is in it, as demand to ship in
 * `order.period`). Orders come before forecasts: what the plan ships of the item in that period goes
 * to the orders confirmed already (`promised`, by item and period: those held as accepted or changed,
 * and those answered before this one after the same plan), then to this order, and what is short
 * falls on the forecasts first.
 *
 * - `accepted` when the plan is not short of the item in that period, or ships enough for this order
 *   after the orders confirmed before it (or the period is after the planning horizon);
 * - `changed` to what is left for it, on time, when some is left ("in part");
 * - `changed` to the whole quantity in the period the plan has made up that period's whole shortfall
 *   (its late deliveries for that period), when none is left and that is within the horizon ("later");
 * - `rejected` otherwise, with the plan's reason.
 *
 * The customer takes a `changed` answer into its open order (`order.changed`), so it sends no change of
 * it back; the supplier holds the order as confirmed and answers it again only when the customer
 * changes it.
 */
export function judgeOrder(
  context: Pick<OutgoingContext, 'company' | 'network'> & {
    readonly plan: Pick<Plan, 'shortages' | 'deliveries'>;
  },
  order: ReceivedCustomerOrder,
  promised: Map<string, number> = new Map(),
): OrderAnswer {
  if (order.period >= context.network.horizon)
    return { status: 'accepted', reason: 'due after our planning horizon: planned later' };
  const { company, plan } = context;
  const slot = promiseSlot(order.item, order.period);
  const before = promised.get(slot) ?? 0;
  const short = plan.shortages.filter(
    (shortage) =>
      shortage.company === company &&
      shortage.item === order.item &&
      shortage.period === order.period &&
      shortage.quantity > 0,
  );
  const shortfall = short.reduce((sum, shortage) => sum + shortage.quantity, 0);
  const ofPeriod = plan.deliveries.filter(
    (delivery) =>
      delivery.company === company && delivery.item === order.item && delivery.forPeriod === order.period,
  );
  const shipped = ofPeriod
    .filter((delivery) => delivery.period === order.period)
    .reduce((sum, delivery) => sum + delivery.quantity, 0);
  const figure = (value: number) => Number(value.toFixed(6));
  const onTime = figure(Math.max(0, Math.min(order.quantity, shipped - before)));
  if (shortfall <= EPSILON || onTime >= order.quantity - EPSILON) {
    promised.set(slot, before + order.quantity);
    return { status: 'accepted' };
  }
  const why = `${figure(shortfall)} short of '${order.item}' in period ${order.period} (${short[0]!.cause.text})`;
  if (onTime > EPSILON) {
    promised.set(slot, before + onTime);
    return {
      status: 'changed',
      quantity: onTime,
      period: order.period,
      reason: `can deliver ${onTime} of ${figure(order.quantity)} in period ${order.period}: ${why}`,
    };
  }
  // Nothing on time: when the plan has made up the period's whole shortfall.
  let late = 0;
  const caughtUp = ofPeriod
    .filter((delivery) => delivery.period > order.period)
    .sort((a, b) => a.period - b.period)
    .find((delivery) => {
      late += delivery.quantity;
      return late >= shortfall - EPSILON;
    });
  if (caughtUp !== undefined)
    return {
      status: 'changed',
      quantity: order.quantity,
      period: caughtUp.period,
      reason: `can deliver all of it in period ${caughtUp.period}, not in period ${order.period}: ${why}`,
    };
  return { status: 'rejected', reason: `cannot deliver in full in period ${order.period}: ${why}` };
}

/** The key of an item and period in `judgeOrder`'s `promised`. */
function promiseSlot(item: string, period: number): string {
  return `${item}\u0000${period}`;
}

/** Quantities closer to zero than this are none. */
const EPSILON = 1e-9;

/** The node's disruptions now, one per partner told. */
function currentDisruptions(
  context: OutgoingContext,
  buys: ReadonlyMap<string, string[]>,
  sells: ReadonlyMap<string, string[]>,
): Disruption[] {
  const { company, network, base } = context;
  const disruptions: Disruption[] = [];
  // Its own line down: its customers get less, its suppliers are asked for less.
  for (const window of context.blocked) {
    if (window.supplier !== company) continue;
    const id = `down:${company}:${window.item ?? '*'}:${window.from}`;
    const to = window.to >= network.horizon ? {} : { to: window.to };
    const text = `${company} makes and ships nothing${window.item === undefined ? '' : ` of '${window.item}'`} in periods ${window.from}-${window.to - 1}`;
    for (const [customer, items] of sells) {
      const affected = window.item === undefined ? items : items.filter((item) => item === window.item);
      if (affected.length > 0)
        disruptions.push({
          id,
          sender: company,
          recipient: customer,
          items: affected,
          effect: 'capacity-reduction',
          cause: 'production-incident',
          status: 'open',
          from: window.from,
          ...to,
          text,
        });
    }
    if (window.item === undefined)
      for (const [supplier, items] of buys)
        disruptions.push({
          id,
          sender: company,
          recipient: supplier,
          items,
          effect: 'demand-reduction',
          cause: 'production-incident',
          status: 'open',
          from: window.from,
          ...to,
          text,
        });
  }
  // Capacity lowered below the model's by a recorded capacity.changed.
  for (const record of network.production ?? []) {
    if (record.company !== company) continue;
    const modelled = (base.production ?? []).find(
      (candidate) => candidate.company === company && candidate.item === record.item,
    );
    if (modelled === undefined) continue;
    let from: number | undefined;
    const windows: { from: number; to: number }[] = [];
    for (let period = 0; period <= network.horizon; period++) {
      const lower =
        period < network.horizon && valueAt(record.capacity, period) < valueAt(modelled.capacity, period);
      if (lower && from === undefined) from = period;
      if (!lower && from !== undefined) {
        windows.push({ from, to: period });
        from = undefined;
      }
    }
    for (const window of windows)
      for (const [customer, items] of sells) {
        if (!items.includes(record.item)) continue;
        disruptions.push({
          id: `capacity:${company}:${record.item}:${window.from}`,
          sender: company,
          recipient: customer,
          items: [record.item],
          effect: 'capacity-reduction',
          // A capacity.changed does not say why; the figures go out as capacity (and the customer
          // plans on those, not on a full stop: see incoming.ts, notifications).
          cause: 'other',
          status: 'open',
          from: window.from,
          ...(window.to >= network.horizon ? {} : { to: window.to }),
          text: `capacity of '${record.item}' lowered below ${company}'s model in periods ${window.from}-${window.to - 1}`,
        });
      }
  }
  // The plan's shortages (each customer of an item the company cannot deliver in full).
  for (const disruption of disruptionsFromShortages(network, context.plan, company))
    if (sells.has(disruption.recipient)) disruptions.push(disruption);
  return disruptions;
}
