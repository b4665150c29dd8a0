/**
 * @module node/incoming
 * What a company node does with a payload a partner pushed on one of its transfers: checks it against
 * its model's schema (the Catena-X JSON Schema; `keten.order/v1` by core's reader), reads it into the
 * node's terms with core's reader for its aspect, and says what to commit with the receipt (records of
 * what the partner said, planning events) and whether to re-plan.
 *
 * | aspect | read with | lands as | re-plan |
 * | --- | --- | --- | --- |
 * | material-demand | `readMaterialDemand` | `received-demand` (quantities per period), `demand.added` | when demand moved |
 * | capacity | `readCapacityGroup` on the network as the events left it | `received-capacity`, `capacity.changed` on the supplier's source | when capacity moved |
 * | notifications | `readNotification` | `received-notification` (the disruption in the node's terms); an open capacity reduction from a supplier (root cause other than `other`) as `supplier.down` of its items in the window, lifted (`supplier.restored`) when resolved or replaced | when it puts or lifts one |
 * | orders | `readOrderMessage` (order, change, cancellation) | `held-order` (to be answered), `demand.added` | always: the answer follows the plan |
 * | order-confirmations | `readOrderMessage` on the network as the events left it | `sent-order` (the answer), `order.changed` / `order.closed` | when the order moved |
 * | stock | `readItemStock` | `received-stock` | no |
 * | deliveries | `readDeliveryInformation` on the network as the events left it | `received-deliveries`, `order.changed` | when an order moved |
 * | planned-output | `readPlannedProductionOutput` | `received-planned-output` | no |
 *
 * A payload about another business partner than the one that sent it (a forecast naming another
 * customer, a capacity naming another supplier) is refused. Readers apply all or nothing: a problem
 * refuses the whole payload with the problems named.
 */
import {
  type AspectModel,
  type EventInput,
  type ExchangeProblem,
  formatExchangeProblem,
  type Network,
  ORDER_FORMAT,
  type ReceivedNotification,
  type RecordWrite,
  readCapacityGroup,
  readDeliveryInformation,
  readItemStock,
  readMaterialDemand,
  readNotification,
  readOrderMessage,
  readPlannedProductionOutput,
  supplierDownEvent,
} from '@keten/core';
import { validateAspectPayload } from '../payloads/validate.ts';
import { ASPECT_SPECS, type ExchangeAspect } from './datasets.ts';
import { type HeldOrder, heldOrderId, type SentOrder } from './outgoing.ts';

export interface IncomingContext {
  /** The node's network as configured (its partner view). */
  readonly view: Network;
  /** The node's network with its recorded events applied (read when a reader needs it). */
  readonly effective: () => Promise<Network>;
  readonly company: string;
  /** The sending partner's company id (from its verified identity). */
  readonly partner: string;
  readonly receivedAt: string;
  readonly get: <T>(kind: string, id: string) => Promise<T | undefined>;
}

/** What a received payload does. */
export interface Incoming {
  readonly events: EventInput[];
  readonly records: RecordWrite[];
  /** One line for the audit trail. */
  readonly summary: string;
  readonly replan: boolean;
}

/** Why a payload is refused: the problems, with where they are. */
export interface IncomingRefusal {
  readonly code: 'invalid-payload' | 'wrong-partner';
  readonly message: string;
}

type Outcome = { ok: true; value: Incoming } | { ok: false; error: IncomingRefusal };

const refuse = (code: IncomingRefusal['code'], message: string): Outcome => ({
  ok: false,
  error: { code, message },
});
const problems = (found: readonly ExchangeProblem[]): Outcome =>
  refuse('invalid-payload', found.map(formatExchangeProblem).join('; '));

/** The key of a payload that names what it is about, for serialising its receipts (`''`: none). */
export function incomingKey(aspect: ExchangeAspect, payload: unknown): string {
  const value = payload as Record<string, unknown> | undefined;
  const text = (field: string) => (typeof value?.[field] === 'string' ? (value[field] as string) : '');
  switch (aspect) {
    case 'material-demand':
      return text('materialDemandId');
    case 'capacity':
      return text('capacityGroupId');
    case 'orders':
    case 'order-confirmations':
      return text('orderId');
    case 'notifications':
      return text('sourceDisruptionId');
    default:
      return text('materialGlobalAssetId');
  }
}

/** Checks and reads one pushed payload of `aspect` from `context.partner`. */
export async function readIncoming(
  aspect: ExchangeAspect,
  payload: unknown,
  context: IncomingContext,
): Promise<Outcome> {
  const model = ASPECT_SPECS[aspect].model;
  if (model !== ORDER_FORMAT) {
    const valid = validateAspectPayload(model as AspectModel, payload);
    if (!valid.ok)
      return refuse(
        'invalid-payload',
        valid.error.map((problem) => `${problem.path || '/'} ${problem.message}`).join('; '),
      );
  }
  const { view, company, partner, receivedAt } = context;
  const options = { receivedAt };
  switch (aspect) {
    case 'material-demand': {
      const id = incomingKey(aspect, payload);
      const previous = await context.get<number[]>('received-demand', id);
      const read = readMaterialDemand(view, company, payload, {
        ...options,
        ...(previous === undefined ? {} : { previous }),
      });
      if (!read.ok) return problems(read.error);
      if (read.value.customer !== partner)
        return refuse('wrong-partner', `the forecast is ${read.value.customer}'s, but ${partner} sent it`);
      return done({
        events: read.value.events,
        records: [{ kind: 'received-demand', id, value: read.value.quantities }],
        summary: `forecast ${id} for ${read.value.item}: ${read.value.events.length} period(s) changed`,
        replan: read.value.events.length > 0,
      });
    }
    case 'capacity': {
      const read = readCapacityGroup(await context.effective(), company, payload, options);
      if (!read.ok) return problems(read.error);
      if (read.value.supplier !== partner)
        return refuse('wrong-partner', `the capacity is ${read.value.supplier}'s, but ${partner} sent it`);
      const { events, notes: _notes, ...kept } = read.value;
      return done({
        events,
        records: [{ kind: 'received-capacity', id: read.value.capacityGroupId, value: kept }],
        summary: `capacity ${read.value.capacityGroupId} of ${read.value.items.map((entry) => entry.item).join(', ')}: ${events.length} change(s)`,
        replan: events.length > 0,
      });
    }
    case 'notifications': {
      const read = readNotification(view, company, partner, payload);
      if (!read.ok) return problems(read.error);
      const { disruption } = read.value;
      const id = `${partner} ${read.value.sourceDisruptionId}`;
      // The supplier.down an earlier notice of this disruption put in the log, if any: lifted when
      // this one is resolved or says something else (a new window, other items).
      const before = (await context.get<ReceivedNotice>('received-notification', id))?.downKey;
      const down = plannedDown(view, company, read.value, receivedAt);
      const events: EventInput[] = [];
      if (before !== undefined && before !== down?.key)
        events.push({
          type: 'supplier.restored',
          key: `${before}:restored`,
          at: receivedAt,
          source: `company:${partner}`,
          payload: { company: partner, key: before, network: view.name },
        });
      if (down !== undefined && down.key !== before) events.push(down);
      const planned =
        down === undefined
          ? before === undefined
            ? ''
            : '; its supplier.down lifted'
          : `; supplier.down of ${partner} (${((down.payload as { items?: string[] }).items ?? []).join(', ')}) from period ${(down.payload as { from: number }).from}`;
      return done({
        events,
        records: [
          {
            kind: 'received-notification',
            id,
            value: {
              ...read.value,
              notes: undefined,
              ...(down === undefined ? {} : { downKey: down.key }),
            } satisfies ReceivedNotice,
          },
        ],
        summary: `${disruption.status} ${disruption.effect} from ${partner} (${disruption.cause}) of ${disruption.items.join(', ')} from period ${disruption.from}${planned}`,
        replan: events.length > 0,
      });
    }
    case 'orders': {
      const orderId = incomingKey(aspect, payload);
      if ((payload as { type?: unknown })?.type === 'order-confirmation')
        return refuse('invalid-payload', 'an order-confirmation belongs on the order-confirmations dataset');
      const held = await context.get<HeldOrder>('held-order', heldOrderId(partner, orderId));
      // A rejected or cancelled order's demand was taken back already: a cancellation again changes
      // nothing, an order under its number again is a new order.
      const previous =
        held === undefined || held.status === 'rejected' || held.status === 'cancelled'
          ? undefined
          : held.customerOrder;
      const read = readOrderMessage(view, company, payload, {
        ...options,
        ...(previous === undefined ? {} : { previous }),
      });
      if (!read.ok) return problems(read.error);
      const customerOrder = read.value.customerOrder ?? previous;
      if (customerOrder !== undefined && customerOrder.customer !== partner)
        return refuse('wrong-partner', `the order is ${customerOrder.customer}'s, but ${partner} sent it`);
      const records: RecordWrite[] =
        customerOrder === undefined
          ? []
          : [
              {
                kind: 'held-order',
                id: heldOrderId(partner, orderId),
                value: {
                  customerOrder,
                  status: read.value.type === 'order-cancellation' ? 'cancelled' : 'open',
                } satisfies HeldOrder,
              },
            ];
      return done({
        events: read.value.events,
        records,
        summary: `${read.value.type} ${orderId}${customerOrder === undefined ? '' : `: ${customerOrder.quantity} ${customerOrder.item} to ship in period ${customerOrder.period}`}`,
        replan: true,
      });
    }
    case 'order-confirmations': {
      const orderId = incomingKey(aspect, payload);
      if ((payload as { type?: unknown })?.type !== 'order-confirmation')
        return refuse('invalid-payload', 'only order-confirmations come on this dataset');
      const sent = await context.get<SentOrder>('sent-order', orderId);
      if (sent === undefined || sent.supplier !== partner)
        return refuse('wrong-partner', `no order ${orderId} was sent to ${partner}`);
      const read = readOrderMessage(await context.effective(), company, payload, options);
      if (!read.ok) return problems(read.error);
      const said = (payload as { status: 'accepted' | 'changed' | 'rejected' }).status;
      const text = (payload as { text?: string }).text;
      // An answer that crossed a rejection or a cancellation (the order is closed here) does not open it again.
      const status =
        (sent.status === 'rejected' || sent.status === 'cancelled') && read.value.order === undefined
          ? sent.status
          : said;
      const { reason: _reason, ...rest } = sent;
      const answered: SentOrder = {
        ...rest,
        ...(read.value.order === undefined
          ? {}
          : { quantity: read.value.order.quantity, due: read.value.order.due }),
        ...(status === 'changed'
          ? { requested: sent.requested ?? { quantity: sent.quantity, due: sent.due } }
          : {}),
        status,
        ...(text === undefined
          ? status === 'rejected' && _reason !== undefined
            ? { reason: _reason }
            : {}
          : { reason: text }),
      };
      return done({
        events: read.value.events,
        records: [{ kind: 'sent-order', id: orderId, value: answered }],
        summary: `order ${orderId} ${status}${text === undefined ? '' : `: ${text}`}`,
        replan: read.value.events.length > 0,
      });
    }
    case 'stock': {
      const read = readItemStock(view, company, partner, payload);
      if (!read.ok) return problems(read.error);
      return done({
        events: [],
        records: [{ kind: 'received-stock', id: `${partner} ${read.value.item}`, value: read.value }],
        summary: `stock of ${read.value.item}: ${read.value.onHand} on hand, ${read.value.blocked} blocked`,
        replan: false,
      });
    }
    case 'deliveries': {
      const read = readDeliveryInformation(await context.effective(), company, partner, payload, options);
      if (!read.ok) return problems(read.error);
      const { events, notes: _notes, ...kept } = read.value;
      // The orders as the supplier now announces them are the orders as sent: no order change echoes back.
      const records: RecordWrite[] = [
        { kind: 'received-deliveries', id: `${partner} ${read.value.item}`, value: kept },
      ];
      for (const event of events) {
        const change = event.payload as { id: string; quantity?: number; due?: number };
        const sent = await context.get<SentOrder>('sent-order', change.id);
        if (sent !== undefined)
          records.push({
            kind: 'sent-order',
            id: change.id,
            value: {
              ...sent,
              ...(change.quantity === undefined ? {} : { quantity: change.quantity }),
              ...(change.due === undefined ? {} : { due: change.due }),
            } satisfies SentOrder,
          });
      }
      return done({
        events,
        records,
        summary: `deliveries of ${read.value.item}: ${read.value.deliveries.length} order(s), ${events.length} changed`,
        replan: events.length > 0,
      });
    }
    case 'planned-output': {
      const read = readPlannedProductionOutput(view, company, partner, payload);
      if (!read.ok) return problems(read.error);
      return done({
        events: [],
        records: [
          { kind: 'received-planned-output', id: `${partner} ${read.value.item}`, value: read.value },
        ],
        summary: `planned output of ${read.value.item}: ${read.value.quantities.reduce((sum, value) => sum + value, 0)} in the horizon`,
        replan: false,
      });
    }
  }
}

/** A received notice as the node keeps it: with the key of the supplier.down it made, if any. */
type ReceivedNotice = Omit<ReceivedNotification, 'notes'> & {
  readonly notes?: undefined;
  readonly downKey?: string;
};

/**
 * The `supplier.down` an open capacity reduction from a supplier plans on: the items the partner
 * supplies to `company` cannot come in the notice's window. None for a notice whose amounts travel
 * in other payloads (root cause `other`: keten's plan shortages and lowered capacities, whose figures
 * come as capacity and deliveries), for other effects, resolved notices and items it does not supply.
 */
function plannedDown(
  view: Network,
  company: string,
  notice: ReceivedNotification,
  receivedAt: string,
): EventInput | undefined {
  const { disruption } = notice;
  if (disruption.cause === 'other') return undefined;
  const items = disruption.items.filter((item) =>
    (view.sourcing ?? []).some(
      (rule) =>
        rule.buyer === company &&
        rule.item === item &&
        rule.suppliers.some((line) => line.supplier === disruption.sender),
    ),
  );
  if (items.length === 0) return undefined;
  return supplierDownEvent(view, { ...notice, disruption: { ...disruption, items } }, { receivedAt });
}

function done(value: Incoming): Outcome {
  return { ok: true, value };
}
