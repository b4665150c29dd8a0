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
 * | `order`              | customer | order `orderId`: `quantity` due at `deliveryDate` | `order.opened` (a purchase of the customer from the receiver) |
 * | `order-change`       | customer | new quantity and/or date                        | `order.changed`                |
 * | `order-cancellation` | customer | the order is withdrawn                          | `order.closed`                 |
 * | `order-confirmation` | supplier | `accepted` / `changed` (with its quantity and date) / `rejected` | `order.changed` / `order.closed` |
 *
 * Both nodes hold the order under the customer's `orderId` as an open purchase of the customer from
 * the supplier, so an order change at either end names the same record. `messageId` is derived from
 * the content, so the same message sent twice has the same id and the same event keys.
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
        'Ordered quantity (order, order-change); confirmed quantity (order-confirmation accepted or changed).',
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

/** A received order message in the receiver's terms. */
export interface ReceivedOrderMessage {
  readonly messageId: string;
  readonly type: OrderMessageType;
  /** The open order as the receiver now holds it; undefined after a cancellation or rejection. */
  readonly order?: OpenOrder & { readonly id: string };
  readonly events: EventInput[];
  readonly notes: ExchangeNote[];
}

/**
 * Reads a `keten.order/v1` message at `receiver`: the supplier for orders, changes and
 * cancellations, the customer for confirmations. A change or confirmation of an order the receiver
 * does not hold open is a note and no event (`openOrders` of the network, with ids).
 */
export function readOrderMessage(
  network: Network,
  receiver: string,
  input: unknown,
  options: ReceiveOptions,
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
    message.type === 'order' || (message.type === 'order-confirmation' && message.status !== 'rejected');
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
  if (due !== undefined && due < 0) {
    notes.push({
      code: 'before-start',
      path: ['deliveryDate'],
      message: `${message.deliveryDate} is before your period 0: due in period 0`,
    });
    due = 0;
  }
  if (due !== undefined && due >= network.horizon) {
    notes.push({
      code: 'beyond-horizon',
      path: ['deliveryDate'],
      message: `${message.deliveryDate} is after your horizon: due in its last period ${network.horizon - 1}`,
    });
    due = network.horizon - 1;
  }
  const open = (network.openOrders ?? []).find((order) => order.id === message.orderId);
  const base = {
    at: options.receivedAt,
    source: options.source ?? `bpn:${role === 'supplier' ? message.customer : message.supplier}`,
  };
  const key = (type: string) => `exchange:order:${message.messageId}:${type}`;
  const events: EventInput[] = [];
  let order: (OpenOrder & { id: string }) | undefined;
  const closes = message.type === 'order-cancellation' || message.status === 'rejected';
  if (message.type === 'order' && open === undefined) {
    order = {
      id: message.orderId,
      kind: 'purchase',
      company: customer,
      item,
      supplier,
      quantity: message.quantity!,
      due: due!,
    };
    events.push({
      ...base,
      type: 'order.opened',
      key: key('opened'),
      payload: { ...order, network: network.name },
    });
  } else if (open === undefined) {
    notes.push({
      code: 'unknown-order',
      path: ['orderId'],
      message: `order '${message.orderId}' is not open in your network: ${message.type} not applied`,
    });
  } else if (closes) {
    events.push({
      ...base,
      type: 'order.closed',
      key: key('closed'),
      payload: { id: message.orderId, network: network.name },
    });
  } else {
    const quantity = message.quantity ?? open.quantity;
    const newDue = due ?? open.due;
    order = { ...open, id: message.orderId, quantity, due: newDue };
    if (quantity !== open.quantity || newDue !== open.due)
      events.push({
        ...base,
        type: 'order.changed',
        key: key('changed'),
        payload: {
          id: message.orderId,
          ...(quantity !== open.quantity ? { quantity } : {}),
          ...(newDue !== open.due ? { due: newDue } : {}),
          network: network.name,
        },
      });
  }
  return ok({
    messageId: message.messageId,
    type: message.type,
    ...(order === undefined ? {} : { order }),
    events,
    notes,
  });
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
