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
  heldBack,
  heldBackWindows,
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

describe('changed confirmations', () => {
  it('answers an order it can ship only in part as changed, the customer takes it into its order, and nothing is sent back and forth', async () => {
    // Tier 1 holds the OEM's order PO-9 (3 due in period 10) as demand to ship.
    const records = new Map<string, unknown>();
    const [order] = ordersOut(withOrder, new Map(), '2027-01-04T08:00:00Z');
    await receive(order!.payload, records);
    const held = records.get(`held-order ${heldOrderId(OEM, 'PO-9')}`) as HeldOrder;
    const ship = held.customerOrder.period;
    // Its plan ships 2 of the item in that period and is 1 short (its line is full).
    const plain = planNetwork(tier1View);
    const plan = {
      ...plain,
      deliveries: [
        ...plain.deliveries.filter(
          (entry) => !(entry.company === TIER1 && entry.item === item && entry.forPeriod === ship),
        ),
        { company: TIER1, item, period: ship, quantity: 2, forPeriod: ship },
      ],
      shortages: [
        ...plain.shortages,
        {
          company: TIER1,
          item,
          period: ship,
          quantity: 1,
          cause: { code: 'capacity' as const, company: TIER1, item, period: ship, text: 'the line is full' },
        },
      ],
    };
    const tier1Out = (heldOrders: HeldOrder[]) =>
      outgoingPayloads({
        network: tier1View,
        base: tier1View,
        plan,
        blocked: [],
        company: TIER1,
        changedAt: '2027-01-04T10:00:00Z',
        heldOrders,
        sentOrders: new Map(),
        told: [],
        sends: () => true,
      }).payloads;
    const [answer, ...more] = tier1Out([held]).filter((entry) => entry.aspect === 'order-confirmations');
    expect(more).toEqual([]);
    const confirmation = OrderMessage.parse(answer!.payload);
    expect(confirmation).toMatchObject({ type: 'order-confirmation', status: 'changed', quantity: 2 });
    expect(confirmation.deliveryDate).toBe((order!.payload as { deliveryDate: string }).deliveryDate);
    expect(confirmation.text).toContain('can deliver 2 of 3');
    expect(confirmation.text).toContain('the line is full');
    // Tier 1 holds it as confirmed, and ships 2, not 3, in that period.
    const confirmed = answer!.records!.find((record) => record.kind === 'held-order')!.value as HeldOrder;
    expect(confirmed).toMatchObject({ status: 'changed', customerOrder: { quantity: 2, period: ship } });
    expect(demandOf(answer!.events ?? [])).toBe(-1);

    // The OEM takes the answer into its open order.
    const oemRecords = new Map<string, unknown>([
      [
        'sent-order PO-9',
        { supplier: TIER1, item, quantity: 3, due: 10, status: 'sent' } satisfies SentOrder,
      ],
    ]);
    const oemReceive = async (
      aspect: 'order-confirmations' | 'deliveries',
      payload: unknown,
      network: Network,
    ) => {
      const read = await readIncoming(aspect, payload, {
        view: network,
        effective: async () => network,
        company: OEM,
        partner: TIER1,
        receivedAt: '2027-01-04T11:00:00Z',
        get: async <T>(kind: string, id: string) => oemRecords.get(`${kind} ${id}`) as T | undefined,
      });
      if (!read.ok) throw new Error(read.error.message);
      for (const record of read.value.records) oemRecords.set(`${record.kind} ${record.id}`, record.value);
      return read.value;
    };
    const taken = await oemReceive('order-confirmations', answer!.payload, withOrder);
    expect(taken.replan).toBe(true);
    expect(taken.events).toMatchObject([{ type: 'order.changed', payload: { id: 'PO-9', quantity: 2 } }]);
    const sent = oemRecords.get('sent-order PO-9') as SentOrder;
    expect(sent).toMatchObject({
      status: 'changed',
      quantity: 2,
      due: 10,
      requested: { quantity: 3, due: 10 },
    });
    const changed = apply(withOrder, taken.events as { type: string; payload: object }[]);
    expect(changed.openOrders?.find((open) => open.id === 'PO-9')).toMatchObject({ quantity: 2, due: 10 });

    // No ping-pong: the OEM's next plan sends no order change back, tier 1's next plan no answer again,
    // and tier 1's deliveries announce the order as confirmed, which changes nothing at the OEM.
    expect(ordersOut(changed, new Map([['PO-9', sent]]), '2027-01-04T12:00:00Z')).toEqual([]);
    const next = tier1Out([confirmed]);
    expect(next.filter((entry) => entry.aspect === 'order-confirmations')).toEqual([]);
    const deliveries = next.find((entry) => entry.aspect === 'deliveries' && entry.partner === OEM)!;
    expect((await oemReceive('deliveries', deliveries.payload, changed)).events).toEqual([]);
    // (Announced as ordered, it would have changed the OEM's order back to 3.)
    const asOrdered = tier1Out([{ ...confirmed, customerOrder: held.customerOrder }]).find(
      (entry) => entry.aspect === 'deliveries' && entry.partner === OEM,
    )!;
    expect((await oemReceive('deliveries', asOrdered.payload, changed)).events).toMatchObject([
      { type: 'order.changed', payload: { id: 'PO-9', quantity: 3 } },
    ]);
  });
});

describe('orders a changed answer holds back', () => {
  const sent = (
    status: SentOrder['status'],
    quantity: number,
    due: number,
    requested?: SentOrder['requested'],
  ) =>
    ({
      supplier: 'steinhof-optics',
      item: 'lens-set-120',
      quantity,
      due,
      status,
      ...(requested ? { requested } : {}),
    }) satisfies SentOrder;
  const order = (due: number, id = 'next', item = 'lens-set-120', supplier = 'steinhof-optics') => ({
    id,
    supplier,
    item,
    due,
  });

  it('moved later: nothing of the item from that supplier before the new period; later, or another item or supplier, goes', () => {
    const orders = new Map([['PO-1', sent('changed', 3, 7, { quantity: 3, due: 1 })]]);
    const open = new Set(['PO-1']);
    expect(heldBack(order(1), orders, open)).toBe(
      'steinhof-optics moved order PO-1 of lens-set-120 from period 1 to 7: it ships no more before then',
    );
    expect(heldBack(order(6), orders, open)).toBeDefined();
    expect(heldBack(order(7), orders, open)).toBeUndefined();
    expect(heldBack(order(1, 'next', 'lens-set-30'), orders, open)).toBeUndefined();
    expect(heldBack(order(1, 'next', 'lens-set-120', 'jena-optics'), orders, open)).toBeUndefined();
    // Once the changed order is closed (delivered), the supplier's answer no longer holds anything back.
    expect(heldBack(order(1), orders, new Set())).toBeUndefined();
  });

  it('cut to what ships on time: nothing more by that period', () => {
    const orders = new Map([['PO-1', sent('changed', 1, 10, { quantity: 5000, due: 10 })]]);
    const open = new Set(['PO-1']);
    expect(heldBack(order(10), orders, open)).toContain('cut order PO-1 of lens-set-120 to 1 in period 10');
    expect(heldBack(order(4), orders, open)).toBeDefined();
    expect(heldBack(order(11), orders, open)).toBeUndefined();
  });

  it('accepted, sent, or changed without what was asked (an answer before this was kept): nothing held back; a rejected order is not sent again', () => {
    for (const status of ['accepted', 'sent'] as const)
      expect(heldBack(order(1), new Map([['PO-1', sent(status, 3, 1)]]), new Set(['PO-1']))).toBeUndefined();
    expect(heldBack(order(1), new Map([['PO-1', sent('changed', 3, 7)]]), new Set(['PO-1']))).toBeUndefined();
    expect(heldBack(order(1, 'PO-1'), new Map([['PO-1', sent('rejected', 3, 1)]]), new Set())).toBe(
      'steinhof-optics rejected order PO-1 before',
    );
  });

  it('gives the planner the same answers as windows on the lane, in ship periods, so it plans the rest elsewhere', () => {
    const lane = (demo.sourcing ?? [])
      .find((rule) => rule.buyer === OEM && rule.item === 'lens-set-120')!
      .suppliers.find((line) => line.supplier === 'steinhof-optics')!.leadTime;
    const windows = (orders: Map<string, SentOrder>, open: Set<string>) =>
      heldBackWindows(demo, OEM, orders, open);
    const window = (from: number, to: number) => ({
      supplier: 'steinhof-optics',
      item: 'lens-set-120',
      customer: OEM,
      from,
      to,
    });
    // Moved from 1 to 12: orders due before 12 are held back, so nothing ships before 12 - lane.
    const moved = new Map([['PO-1', sent('changed', 3, 12, { quantity: 3, due: 1 })]]);
    expect(windows(moved, new Set(['PO-1']))).toEqual([window(0, 12 - lane)]);
    for (let due = 0; due < 20; due++)
      expect(heldBack(order(due), moved, new Set(['PO-1'])) !== undefined).toBe(due - lane < 12 - lane);
    // Cut in period 10: nothing more by 10.
    const cut = new Map([['PO-1', sent('changed', 1, 10, { quantity: 5000, due: 10 })]]);
    expect(windows(cut, new Set(['PO-1']))).toEqual([window(0, 10 - lane + 1)]);
    // Rejected: that order's ship period only (its due period).
    expect(windows(new Map([['PO-1', sent('rejected', 3, 9)]]), new Set())).toEqual([
      window(9 - lane, 10 - lane),
    ]);
    // Closed (delivered), accepted, or a lane the network no longer has: nothing.
    expect(windows(moved, new Set())).toEqual([]);
    expect(windows(new Map([['PO-1', sent('accepted', 3, 9)]]), new Set(['PO-1']))).toEqual([]);
    expect(heldBackWindows(demo, 'jena-optics', moved, new Set(['PO-1']))).toEqual([]);
  });
});
