/**
 * @module exchange/delivery
 * Shipments as Catena-X DeliveryInformation 2.0.0: the supplier tells the customer what is on its way.
 *
 * **Sending (the supplier).** `buildDeliveryInformation(network, relationship, options)` makes one
 * position per open purchase order of the customer from the supplier for the item (the network's
 * `openOrders`: goods in transit or in progress), referencing the customer's order number
 * (`customerOrderId`; keten orders have one position, `customerOrderPositionId` "1"). Each carries
 * one delivery: the quantity, an estimated departure (the due period less the lane's lead time) and an
 * estimated arrival (the due period), both the period's first day at 00:00 UTC, from the supplier's
 * site to the customer's. Orders without an id cannot be referenced and are not sent (counted in
 * `unreferenced`).
 *
 * **Receiving (the customer).** `readDeliveryInformation` matches each position to the customer's
 * open order by `customerOrderId` and returns `order.changed` events where the announced quantity
 * (the sum of its deliveries) or arrival period differs from the open order: the customer re-plans
 * with what is really coming. Positions naming no open order are notes.
 */
import type { Network } from '../model/schema.ts';
import { err, ok, type Result } from '../result.ts';
import type { EventInput } from '../store/ports.ts';
import { catenaXUnit, DeliveryInformation } from './aspects.ts';
import { contentUuid, Directory, siteBpna, siteBpns } from './identifiers.ts';
import type { BuildOptions, ReceiveOptions } from './material-demand.ts';
import { type ExchangeNote, type ExchangeProblem, parseShape, problem } from './problems.ts';
import { buildItemStock, type Relationship, relationshipOfTwin } from './stock.ts';
import { periodDate, periodOfDate } from './weeks.ts';

export interface OutgoingDeliveryInformation {
  readonly payload: DeliveryInformation;
  /** Open orders of the relationship without an id, which a position cannot reference. */
  readonly unreferenced: number;
}

export interface DeliveryOptions extends BuildOptions {
  /**
   * The customer's orders as the supplier holds them (`ReceivedCustomerOrder`s: what to ship in which
   * period), for a supplier whose network does not hold the customer's open orders (a node's partner
   * view); default: the network's open purchases of the customer from the supplier.
   */
  readonly orders?: readonly { readonly id: string; readonly quantity: number; readonly period: number }[];
  /** The lane's lead time when the network lacks the customer's sourcing rule (default 0). */
  readonly laneLeadTime?: number;
}

export function buildDeliveryInformation(
  network: Network,
  relationship: Relationship,
  options: DeliveryOptions,
): Result<OutgoingDeliveryInformation, ExchangeProblem[]> {
  // The same checks and twin id as ItemStock.
  const stock = buildItemStock(network, relationship, 'supplier', options);
  if (!stock.ok) return stock;
  const directory = new Directory(network);
  const customer = directory.companies.get(relationship.customer)!;
  const supplier = directory.companies.get(relationship.supplier)!;
  // buildItemStock has checked that the item's unit is a Catena-X one.
  const unit = catenaXUnit(directory.items.get(relationship.item)!.unit)!;
  const leadTime =
    directory.line(customer.id, relationship.item, supplier.id)?.leadTime ??
    Math.max(0, Math.trunc(options.laneLeadTime ?? 0));
  const at = (period: number) => `${periodDate(network, period)}T00:00:00Z`;
  let unreferenced = 0;
  const shipments: { id: string; quantity: number; due: number }[] = [];
  if (options.orders !== undefined)
    for (const order of options.orders)
      shipments.push({ id: order.id, quantity: order.quantity, due: order.period + leadTime });
  else
    for (const order of network.openOrders ?? []) {
      if (
        order.kind !== 'purchase' ||
        order.company !== customer.id ||
        order.supplier !== supplier.id ||
        order.item !== relationship.item
      )
        continue;
      if (order.id === undefined) unreferenced++;
      else shipments.push({ id: order.id, quantity: order.quantity, due: order.due });
    }
  const positions: DeliveryInformation['positions'] = [];
  for (const order of shipments) {
    positions.push({
      orderPositionReference: { customerOrderId: order.id, customerOrderPositionId: '1' },
      deliveries: [
        {
          deliveryQuantity: { value: order.quantity, unit },
          lastUpdatedOnDateTime: options.changedAt,
          transitEvents: [
            { eventType: 'estimated-departure', dateTimeOfEvent: at(order.due - leadTime) },
            { eventType: 'estimated-arrival', dateTimeOfEvent: at(order.due) },
          ],
          transitLocations: {
            origin: { bpnsProperty: siteBpns(supplier)!, bpnaProperty: siteBpna(supplier)! },
            destination: { bpnsProperty: siteBpns(customer)!, bpnaProperty: siteBpna(customer)! },
          },
        },
      ],
    });
  }
  return ok({
    payload: { materialGlobalAssetId: stock.value.materialGlobalAssetId, positions },
    unreferenced,
  });
}

export interface ReceivedDeliveryInformation {
  readonly supplier: string;
  readonly item: string;
  /** Per position naming an open order: what is coming and when it arrives (receiver's period). */
  readonly deliveries: { readonly order: string; readonly quantity: number; readonly due?: number }[];
  readonly events: EventInput[];
  readonly notes: ExchangeNote[];
}

/** Reads DeliveryInformation at the customer `receiver` from `supplier` (company ids). */
export function readDeliveryInformation(
  network: Network,
  receiver: string,
  supplier: string,
  input: unknown,
  options: ReceiveOptions,
): Result<ReceivedDeliveryInformation, ExchangeProblem[]> {
  const parsed = parseShape(DeliveryInformation, 'DeliveryInformation', input);
  if (!parsed.ok) return parsed;
  const payload = parsed.value;
  const relationship = relationshipOfTwin(network, receiver, supplier, payload.materialGlobalAssetId);
  if (!relationship.ok) return relationship;
  if (relationship.value.customer !== receiver)
    return err([
      problem(
        'not-a-partner',
        ['materialGlobalAssetId'],
        `deliveries go from supplier to customer, but '${supplier}' buys this material from you, '${receiver}'`,
      ),
    ]);
  const notes: ExchangeNote[] = [];
  const events: EventInput[] = [];
  const deliveries: ReceivedDeliveryInformation['deliveries'][number][] = [];
  const content = contentUuid('delivery', payload);
  const source = options.source ?? `company:${supplier}`;
  const problems: ExchangeProblem[] = [];
  payload.positions.forEach((position, p) => {
    const id = position.orderPositionReference?.customerOrderId;
    const open = id === undefined ? undefined : (network.openOrders ?? []).find((order) => order.id === id);
    if (
      id === undefined ||
      open === undefined ||
      open.supplier !== supplier ||
      open.item !== relationship.value.item
    ) {
      notes.push({
        code: 'unknown-order',
        path: ['positions', p, 'orderPositionReference'],
        message:
          id === undefined
            ? 'a position without an order reference: not applied'
            : `order '${id}' is not open in your network for '${relationship.value.item}' from '${supplier}': not applied`,
      });
      return;
    }
    let quantity = 0;
    let arrival: number | undefined;
    position.deliveries.forEach((delivery, d) => {
      quantity += delivery.deliveryQuantity.value;
      for (const event of delivery.transitEvents) {
        if (event.eventType !== 'estimated-arrival' && event.eventType !== 'actual-arrival') continue;
        const period = periodOfDate(network, event.dateTimeOfEvent.slice(0, 10));
        if (period === undefined)
          problems.push(
            problem(
              'bad-date',
              ['positions', p, 'deliveries', d, 'transitEvents'],
              `'${event.dateTimeOfEvent}' has no date`,
            ),
          );
        else arrival = Math.max(arrival ?? period, period);
      }
    });
    const due = arrival === undefined ? undefined : Math.min(network.horizon - 1, Math.max(0, arrival));
    deliveries.push({ order: id, quantity, ...(due === undefined ? {} : { due }) });
    const changes = {
      ...(quantity > 0 && quantity !== open.quantity ? { quantity } : {}),
      ...(due !== undefined && due !== open.due ? { due } : {}),
    };
    if (Object.keys(changes).length > 0)
      events.push({
        type: 'order.changed',
        key: `exchange:delivery:${content}:${id}`,
        at: options.receivedAt,
        source,
        payload: { id, ...changes, network: network.name },
      });
  });
  if (problems.length > 0) return err(problems);
  return ok({ supplier, item: relationship.value.item, deliveries, events, notes });
}
