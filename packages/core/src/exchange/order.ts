/**
 * @module exchange/order
 * keten's order payload, `keten.order/v1`: orders, order changes, cancellations and confirmations
 * between a customer and a supplier. Catena-X has no aspect model for them (its demand and capacity
 * management stops at forecasts), so keten defines one in the same style: BPNL/BPNS partners, both
 * material numbers, Catena-X units, dates as `YYYY-MM-DD`, ids as UUIDs. Its JSON Schema is
 * generated from the zod definition below into `docs/schema/order.schema.json` (`npm run schema`);
 * `docs/exchange.md` describes it.
 *
 * | type                 | sent by  | what it says                                    | the receiver's planning events |
 * | -------------------- | -------- | ----------------------------------------------- | ------------------------------ |
 * | `order`              | customer | order `orderId`: `quantity` due at `deliveryDate` | `demand.added` (+ the order, when it must ship) |
 * | `order-change`       | customer | the order's new quantity and date               | `demand.added` (the difference) |
 * | `order-cancellation` | customer | the order is withdrawn                          | `demand.added` (− the order)    |
 * | `order-confirmation` | supplier | `accepted` / `changed` (with its quantity and date) / `rejected` | `order.changed` / `order.closed` on the customer's open order |
 *
 * The customer holds the order as an open purchase under its `orderId` (`releasePurchaseOrders`); the
 * supplier holds it as demand it must ship, keeping the last `customerOrder` per `orderId` to apply
 * changes as differences. `messageId` is derived from the content and `changedAt`, so the same
 * message sent twice has the same id and the same event keys.
 */
import { z } from 'zod';
import type { Network, OpenOrder } from '../model/schema.ts';
import type { Plan } from '../planning/plan.ts';
import { err, ok, type Result } from '../result.ts';
import type { EventInput } from '../store/ports.ts';
import { Bpnl, Bpns, catenaXUnit, Uuid } from './aspects.ts';
import { contentUuid, Directory, siteBpns } from './identifiers.ts';
import {
  checkUnit,
  partnerProblems,
  type ReceiveOptions,
  resolveParties,
  unknownMaterial,
} from './material-demand.ts';
import { type ExchangeNote, type ExchangeProblem, parseShape, problem } from './problems.ts';
import { periodDate, periodOfDate } from './weeks.ts';

export const ORDER_FORMAT = 'keten.order/v1' as const;

export const ORDER_MESSAGE_TYPES = [
  'order',
  'order-change',
  'order-cancellation',
  'order-confirmation',
] as const;
export type OrderMessageType = (typeof ORDER_MESSAGE_TYPES)[number];

export const OrderMessage = z
  .strictObject({
    format: z.literal(ORDER_FORMAT),
    messageId: Uuid.describe(
      'Derived from the content and changedAt: the same message sent again has the same id.',
    ),
    type: z
      .enum(ORDER_MESSAGE_TYPES)
      .describe(
        'order, order-change and order-cancellation go from customer to supplier; order-confirmation back.',
      ),
    orderId: z
      .string()
      .min(1)
      .max(100)
      .describe("The customer's order number; both nodes hold the order under it."),
    customer: Bpnl.describe('BPNL of the buyer.'),
    supplier: Bpnl.describe('BPNL of the seller.'),
    customerLocation: Bpns.optional().describe('BPNS of the site the material goes to.'),
    supplierLocation: Bpns.optional().describe('BPNS of the site it is shipped from.'),
    materialNumberCustomer: z.string().min(1).max(100).describe("The customer's material number."),
    materialNumberSupplier: z.string().min(1).max(100).optional().describe("The supplier's material number."),
    materialDescription: z.string().max(300).optional(),
    unitOfMeasure: z
      .string()
      .regex(/^[a-zA-Z]*:[a-zA-Z]+$/)
      .optional()
      .describe('A Catena-X unit (io.catenax.shared.quantity ItemUnitEnumeration), e.g. unit:piece.'),
    quantity: z
      .number()
      .finite()
      .min(0)
      .optional()
      .describe(
        'Ordered quantity (order, order-change: the whole new quantity); confirmed quantity (order-confirmation accepted or changed).',
      ),
    deliveryDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
      .optional()
      .describe('Date the material is due at the customer: requested, or confirmed.'),
    status: z
      .enum(['accepted', 'changed', 'rejected'])
      .optional()
      .describe('order-confirmation only: accepted as ordered, changed (quantity or date), or rejected.'),
    text: z.string().max(2000).optional().describe('A note for the planner at the other end.'),
    changedAt: z.iso.datetime({ offset: true }).describe('When the sender last changed the order.'),
  })
  .describe(
    'keten.order/v1: an order, order change, cancellation or confirmation between two business partners.',
  );
export type OrderMessage = z.infer<typeof OrderMessage>;

/** An order as keten holds it: an open order, or a planned purchase order about to be released. */
export interface OrderRecord {
  readonly id: string;
  /** The buyer. */
  readonly company: string;
  readonly supplier: string;
  readonly item: string;
  readonly quantity: number;
  /** Period it is due at the buyer. */
  readonly due: number;
}

export interface OrderMessageInput {
  readonly type: OrderMessageType;
  readonly order: OrderRecord;
  /** For `order-confirmation`. */
  readonly status?: 'accepted' | 'changed' | 'rejected';
  readonly text?: string;
  readonly changedAt: string;
}

/** Builds a `keten.order/v1` message about `order` from the network of either partner. */
export function buildOrderMessage(
  network: Network,
  input: OrderMessageInput,
): Result<OrderMessage, ExchangeProblem[]> {
  const directory = new Directory(network);
  const { order } = input;
  const problems = partnerProblems(directory, [order.company, order.supplier]);
  const buyer = directory.companies.get(order.company);
  const seller = directory.companies.get(order.supplier);
  const item = directory.items.get(order.item);
  if (item === undefined)
    problems.push(problem('unknown-item', ['item'], `no item '${order.item}'`, order.item));
  if (input.type === 'order-confirmation' && input.status === undefined)
    problems.push(
      problem('malformed', ['status'], 'an order-confirmation needs a status: accepted, changed or rejected'),
    );
  if (problems.length > 0 || buyer?.bpn === undefined || seller?.bpn === undefined || item === undefined)
    return err(problems);
  const unit = catenaXUnit(item.unit);
  const withQuantity = input.type !== 'order-cancellation' && input.status !== 'rejected';
  const content = {
    format: ORDER_FORMAT as typeof ORDER_FORMAT,
    type: input.type,
    orderId: order.id,
    customer: buyer.bpn,
    supplier: seller.bpn,
    customerLocation: siteBpns(buyer)!,
    supplierLocation: siteBpns(seller)!,
    materialNumberCustomer: directory.customerMaterialNumber(order.company, order.item),
    materialNumberSupplier: directory.supplierMaterialNumber(order.company, order.item, order.supplier),
    materialDescription: item.name,
    ...(unit === undefined ? {} : { unitOfMeasure: unit }),
    ...(withQuantity ? { quantity: order.quantity, deliveryDate: periodDate(network, order.due) } : {}),
    ...(input.status === undefined ? {} : { status: input.status }),
    ...(input.text === undefined ? {} : { text: input.text }),
  };
  // changedAt is part of the id: the same message sent again has the same id, a later change back to
  // earlier figures does not.
  const messageId = contentUuid('order', { ...content, changedAt: input.changedAt });
  return ok({ ...content, messageId, changedAt: input.changedAt });
}

/** A customer's order as the supplier holds it: what to ship, and when. */
export interface ReceivedCustomerOrder {
  readonly id: string;
  /** Company id of the customer in the supplier's network. */
  readonly customer: string;
  readonly item: string;
  readonly quantity: number;
  /** The period the supplier must ship: the due date at the customer less the lane's lead time. */
  readonly period: number;
}

/** A received order message in the receiver's terms. */
export interface ReceivedOrderMessage {
  readonly messageId: string;
  readonly type: OrderMessageType;
  /** At the supplier: the customer's order as it now stands; undefined after a cancellation. */
  readonly customerOrder?: ReceivedCustomerOrder;
  /** At the customer: its open order as it now stands; undefined after a rejection. */
  readonly order?: OpenOrder & { readonly id: string };
  readonly events: EventInput[];
  readonly notes: ExchangeNote[];
}

export interface ReadOrderOptions extends ReceiveOptions {
  /** At the supplier: this order as the previous read of its `orderId` left it (`customerOrder`). */
  readonly previous?: ReceivedCustomerOrder;
  /** At the supplier: the lane's lead time when its network lacks the customer's sourcing rule. */
  readonly laneLeadTime?: number;
}

/**
 * Reads a `keten.order/v1` message at `receiver`.
 *
 * - **At the supplier** (order, change, cancellation) a customer's order is demand it must ship: the
 *   quantity in the period the due date less the lane's lead time (the sourcing rule's, else
 *   `laneLeadTime`, else 0 with a note). The events are `demand.added`: + the order, the difference
 *   from `previous` for a change, − the order for a cancellation. (The customer's forecasts hold only
 *   what it has not ordered yet, so orders and forecasts add up without counting anything twice.)
 * - **At the customer** (confirmation) the open order of that number (`openOrders`) takes the
 *   confirmed quantity and date (`order.changed`), or is closed when rejected (`order.closed`).
 *
 * A change or cancellation the supplier holds no `previous` of, and a confirmation of an order the
 * customer does not hold open, give a note; a change without `previous` counts as a new order.
 */
export function readOrderMessage(
  network: Network,
  receiver: string,
  input: unknown,
  options: ReadOrderOptions,
): Result<ReceivedOrderMessage, ExchangeProblem[]> {
  const parsed = parseShape(OrderMessage, ORDER_FORMAT, input);
  if (!parsed.ok) return parsed;
  const message = parsed.value;
  const directory = new Directory(network);
  const role = message.type === 'order-confirmation' ? 'customer' : 'supplier';
  const parties = resolveParties(directory, receiver, message.customer, message.supplier, role);
  if (!parties.ok) return parties;
  const customer = role === 'customer' ? receiver : parties.value.partner.id;
  const supplier = role === 'supplier' ? receiver : parties.value.partner.id;
  const item = directory.itemOf(customer, supplier, {
    customer: message.materialNumberCustomer,
    supplier: message.materialNumberSupplier,
  });
  if (item === undefined)
    return err([
      unknownMaterial(message.materialNumberCustomer, message.materialNumberSupplier, customer, supplier),
    ]);
  const unitProblem = checkUnit(directory, item, message.unitOfMeasure, ['unitOfMeasure']);
  if (unitProblem !== undefined) return err([unitProblem]);
  const needsFigures =
    message.type === 'order' ||
    message.type === 'order-change' ||
    (message.type === 'order-confirmation' && message.status !== 'rejected');
  let due: number | undefined;
  if (message.deliveryDate !== undefined) {
    due = periodOfDate(network, message.deliveryDate);
    if (due === undefined)
      return err([
        problem(
          'bad-date',
          ['deliveryDate'],
          `'${message.deliveryDate}' is not a calendar date`,
          message.deliveryDate,
        ),
      ]);
  }
  if (needsFigures && (message.quantity === undefined || due === undefined))
    return err([
      problem(
        'malformed',
        [message.quantity === undefined ? 'quantity' : 'deliveryDate'],
        `${message.type} needs a quantity and a deliveryDate`,
      ),
    ]);
  const notes: ExchangeNote[] = [];
  const base = {
    at: options.receivedAt,
    source: options.source ?? `bpn:${role === 'supplier' ? message.customer : message.supplier}`,
  };
  if (role === 'supplier') {
    const line = directory.line(customer, item, supplier);
    const leadTime = line?.leadTime ?? Math.max(0, Math.trunc(options.laneLeadTime ?? 0));
    if (line === undefined && options.laneLeadTime === undefined && due !== undefined)
      notes.push({
        code: 'no-lane',
        path: ['deliveryDate'],
        message: `no lane lead time from you to '${customer}' for '${item}': the order is shipped in the week it is due`,
      });
    const next =
      message.type === 'order-cancellation'
        ? undefined
        : {
            id: message.orderId,
            customer,
            item,
            quantity: message.quantity!,
            period: placed(network, due! - leadTime, ['deliveryDate'], notes),
          };
    const previous = options.previous;
    if (previous === undefined && message.type !== 'order')
      notes.push({
        code: 'unknown-order',
        path: ['orderId'],
        message:
          `you hold no order '${message.orderId}' of '${customer}'` +
          (next === undefined ? ': the cancellation changes nothing' : ': the change counts as a new order'),
      });
    const delta = new Map<number, number>();
    if (previous !== undefined) delta.set(previous.period, -previous.quantity);
    if (next !== undefined && next.period < network.horizon)
      delta.set(next.period, (delta.get(next.period) ?? 0) + next.quantity);
    const events: EventInput[] = [];
    for (const [period, quantity] of [...delta].sort((x, y) => x[0] - y[0])) {
      if (quantity === 0 || period >= network.horizon) continue;
      events.push({
        ...base,
        type: 'demand.added',
        key: `exchange:order:${message.messageId}:${period}`,
        payload: { company: supplier, item, period, quantity, network: network.name },
      });
    }
    return ok({
      messageId: message.messageId,
      type: message.type,
      ...(next === undefined ? {} : { customerOrder: next }),
      events,
      notes,
    });
  }

  // At the customer: a confirmation of its own open order.
  const open = (network.openOrders ?? []).find((order) => order.id === message.orderId);
  const key = (type: string) => `exchange:order:${message.messageId}:${type}`;
  if (open === undefined) {
    notes.push({
      code: 'unknown-order',
      path: ['orderId'],
      message: `order '${message.orderId}' is not open in your network: ${message.type} not applied`,
    });
    return ok({ messageId: message.messageId, type: message.type, events: [], notes });
  }
  if (message.status === 'rejected')
    return ok({
      messageId: message.messageId,
      type: message.type,
      events: [
        {
          ...base,
          type: 'order.closed',
          key: key('closed'),
          payload: { id: message.orderId, network: network.name },
        },
      ],
      notes,
    });
  const quantity = message.quantity ?? open.quantity;
  const newDue = placed(network, due ?? open.due, ['deliveryDate'], notes);
  const order = { ...open, id: message.orderId, quantity, due: Math.min(newDue, network.horizon - 1) };
  const events: EventInput[] = [];
  if (quantity !== open.quantity || order.due !== open.due)
    events.push({
      ...base,
      type: 'order.changed',
      key: key('changed'),
      payload: {
        id: message.orderId,
        ...(quantity !== open.quantity ? { quantity } : {}),
        ...(order.due !== open.due ? { due: order.due } : {}),
        network: network.name,
      },
    });
  return ok({ messageId: message.messageId, type: message.type, order, events, notes });
}

/** A period moved into the horizon's start, with a note; one after the horizon is kept and noted. */
function placed(
  network: Network,
  period: number,
  path: readonly (string | number)[],
  notes: ExchangeNote[],
): number {
  if (period < 0) {
    notes.push({ code: 'before-start', path, message: `due before your period 0: placed in period 0` });
    return 0;
  }
  if (period >= network.horizon)
    notes.push({
      code: 'beyond-horizon',
      path,
      message: `due after your horizon (period ${period}): not planned`,
    });
  return period;
}

/** The JSON Schema (draft 2020-12) of `keten.order/v1`, for `docs/schema/order.schema.json`. */
export function orderJsonSchemaText(): string {
  const generated = z.toJSONSchema(OrderMessage, { target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  const schema = {
    $schema,
    $id: 'https://keten.network/v1/order.schema.json',
    title: `keten order message (${ORDER_FORMAT})`,
    ...rest,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/**
 * The plan's purchase orders of `customer` that must be released now: those whose supplier ships
 * (`start`) before period `through` (default 1: this period). Each becomes an order to send and an
 * `order.opened` event for the customer's own log, so its next plan holds it as an open order (a
 * scheduled receipt) instead of planning it again. The order number is the planned order's id
 * (stable between plans), with `.2`, `.3`, … when an order of that number is open already.
 */
export function releasePurchaseOrders(
  network: Network,
  plan: Pick<Plan, 'orders'>,
  customer: string,
  options: { readonly through?: number; readonly at: string; readonly source?: string },
): { orders: OrderRecord[]; events: EventInput[] } {
  const through = options.through ?? 1;
  const open = new Set(
    (network.openOrders ?? []).flatMap((order) => (order.id === undefined ? [] : [order.id])),
  );
  const orders: OrderRecord[] = [];
  const events: EventInput[] = [];
  for (const order of plan.orders) {
    if (order.kind !== 'purchase' || order.company !== customer || order.supplier === undefined) continue;
    if (order.start >= through) continue;
    // The planned id, or with a suffix when an order of that id is open already (released before; the
    // planner may plan more from the same supplier in the same period, e.g. to keep its shares).
    let id = order.id;
    for (let copy = 2; open.has(id); copy++) id = `${order.id}.${copy}`;
    open.add(id);
    const record = {
      id,
      company: customer,
      supplier: order.supplier,
      item: order.item,
      quantity: order.quantity,
      due: order.due,
    };
    orders.push(record);
    events.push({
      type: 'order.opened',
      key: `release:${id}:${order.quantity}:${order.due}`,
      at: options.at,
      source: options.source ?? `company:${customer}`,
      payload: { ...record, kind: 'purchase', network: network.name },
    });
  }
  return { orders, events };
}
