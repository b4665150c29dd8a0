/**
 * Order cancellations between a customer's and a supplier's node, on the demo network's partner views
 * without nodes: an order the customer sent and no longer holds open (closed by `order.closed`, or gone
 * from its network) goes to the supplier as an `order-cancellation`, and the supplier takes the order's
 * demand back once; an order opened again under the same number is a new order there.
 */
import { readFileSync } from 'node:fs';
import {
  applyPlanningEvents,
  loadNetworkFile,
  type Network,
  OrderMessage,
  partnerView,
  planNetwork,
} from '@keten/core';
import { describe, expect, it } from 'vitest';
import { type IncomingContext, readIncoming } from './incoming.ts';
import {
  type HeldOrder,
  heldOrderId,
  type OutgoingPayload,
  outgoingPayloads,
  type SentOrder,
} from './outgoing.ts';

const path = new URL('../../../../examples/demo-network.yaml', import.meta.url).pathname;
const loaded = loadNetworkFile({ name: path, text: readFileSync(path, 'utf8') });
if (!loaded.ok) throw new Error('the demo network does not load');
const demo = loaded.value.network;
const OEM = 'kempen';
const TIER1 = 'steinhof-optics';
const oemView = partnerView(demo, OEM)!;
const tier1View = partnerView(demo, TIER1)!;
const item = (demo.sourcing ?? []).find(
  (rule) => rule.buyer === OEM && rule.suppliers.some((line) => line.supplier === TIER1),
)!.item;

function apply(network: Network, events: { type: string; payload: object }[]): Network {
  const applied = applyPlanningEvents(network, events);
  if (!applied.ok) throw new Error(JSON.stringify(applied.error));
  return applied.value.network;
}

const opened = { id: 'PO-9', kind: 'purchase', company: OEM, supplier: TIER1, item, quantity: 3, due: 10 };
const withOrder = apply(oemView, [{ type: 'order.opened', payload: opened }]);
const closed = apply(withOrder, [{ type: 'order.closed', payload: { id: 'PO-9' } }]);

/** The OEM's orders payloads after a plan of `network`, given what it sent before. */
function ordersOut(network: Network, sent: ReadonlyMap<string, SentOrder>, changedAt: string) {
  const built = outgoingPayloads({
    network,
    base: network,
    plan: planNetwork(network),
    blocked: [],
    company: OEM,
    changedAt,
    heldOrders: [],
    sentOrders: sent,
    told: [],
    sends: () => true,
  });
  expect(built.problems).toEqual([]);
  return built.payloads.filter(
    (entry) => entry.aspect === 'orders' && (entry.payload as { orderId: string }).orderId === 'PO-9',
  );
}

/** Tier 1 receiving `payload` from the OEM, holding `records` (`<kind> <id>` → value). */
async function receive(payload: unknown, records: Map<string, unknown>) {
  const context: IncomingContext = {
    view: tier1View,
    effective: async () => tier1View,
    company: TIER1,
    partner: OEM,
    receivedAt: '2027-01-04T09:00:00Z',
    get: async <T>(kind: string, id: string) => records.get(`${kind} ${id}`) as T | undefined,
  };
  const read = await readIncoming('orders', payload, context);
  if (!read.ok) throw new Error(read.error.message);
  for (const record of read.value.records) records.set(`${record.kind} ${record.id}`, record.value);
  return read.value;
}

const sentRecord = (entry: OutgoingPayload) => entry.records!.find((record) => record.kind === 'sent-order')!;
const demandOf = (events: readonly { type: string; payload: unknown }[]) =>
  events
    .filter((event) => event.type === 'demand.added')
    .reduce((sum, event) => sum + (event.payload as { quantity: number }).quantity, 0);

describe('order cancellations', () => {
  it('sends a closed order as a cancellation, and the supplier takes its demand back once', async () => {
    // Sent and confirmed; still open: nothing to say.
    const accepted: SentOrder = { supplier: TIER1, item, quantity: 3, due: 10, status: 'accepted' };
    expect(ordersOut(withOrder, new Map([['PO-9', accepted]]), '2027-01-04T08:00:00Z')).toEqual([]);

    // Closed at the OEM (order.closed): a cancellation goes to tier 1.
    const [cancel] = ordersOut(closed, new Map([['PO-9', accepted]]), '2027-01-05T08:00:00Z');
    expect(cancel).toBeDefined();
    const message = OrderMessage.parse(cancel!.payload);
    expect(message).toMatchObject({ type: 'order-cancellation', orderId: 'PO-9' });
    expect(message.quantity).toBeUndefined();
    expect(cancel!.partner).toBe(TIER1);
    expect(sentRecord(cancel!).value).toMatchObject({ status: 'cancelled', quantity: 3, due: 10 });
    expect(cancel!.summary).toMatch(/^order-cancellation PO-9: 3 .* no longer ordered$/);
    // Gone from the network altogether (the order was never in this network version): the same.
    const gone = ordersOut(
      oemView,
      new Map([['PO-9', { ...accepted, status: 'sent' }]]),
      '2027-01-05T08:00:00Z',
    );
    expect(gone.map((entry) => (entry.payload as { type: string }).type)).toEqual(['order-cancellation']);
    // Told once: a cancelled order is not cancelled again, a rejected one (closed by the answer) never.
    const cancelled = sentRecord(cancel!).value as SentOrder;
    expect(ordersOut(closed, new Map([['PO-9', cancelled]]), '2027-01-06T08:00:00Z')).toEqual([]);
    expect(
      ordersOut(closed, new Map([['PO-9', { ...accepted, status: 'rejected' }]]), '2027-01-06T08:00:00Z'),
    ).toEqual([]);

    // Tier 1: the order lands as demand, the cancellation takes it back, and marks it cancelled.
    const records = new Map<string, unknown>();
    const [order] = ordersOut(withOrder, new Map(), '2027-01-04T08:00:00Z');
    const first = await receive(order!.payload, records);
    expect(demandOf(first.events)).toBe(3);
    const taken = await receive(cancel!.payload, records);
    expect(demandOf(taken.events)).toBe(-3);
    expect(taken.summary).toMatch(/^order-cancellation PO-9/);
    const held = records.get(`held-order ${heldOrderId(OEM, 'PO-9')}`) as HeldOrder;
    expect(held.status).toBe('cancelled');
    // The same cancellation sent again later (another message id) takes nothing more.
    const [again] = ordersOut(closed, new Map([['PO-9', accepted]]), '2027-01-07T08:00:00Z');
    expect((again!.payload as { messageId: string }).messageId).not.toBe(message.messageId);
    expect(demandOf((await receive(again!.payload, records)).events)).toBe(0);
    // Opened again under the same number: a new order at the OEM and at tier 1 (+3, not +3 − 3).
    const [reopened] = ordersOut(withOrder, new Map([['PO-9', cancelled]]), '2027-01-08T08:00:00Z');
    expect((reopened!.payload as { type: string }).type).toBe('order');
    expect(demandOf((await receive(reopened!.payload, records)).events)).toBe(3);
    expect((records.get(`held-order ${heldOrderId(OEM, 'PO-9')}`) as HeldOrder).status).toBe('open');
  });
});
