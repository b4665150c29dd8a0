import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyPlanningEvents } from '../planning/events.ts';
import { buildOrderMessage, readOrderMessage } from './order.ts';
import { changedAt, fixture, receivedAt } from './test-fixture.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));
const later = '2027-01-05T08:00:00Z';
const order = {
  id: 'PO-KI-0001',
  company: 'kempen',
  supplier: 'steinhof-optics',
  item: 'lens-set-300',
  quantity: 2,
  due: 0,
};

describe('keten.order/v1', () => {
  it('an order becomes demand at the supplier, in the period it must ship', () => {
    const message = buildOrderMessage(network, { type: 'order', order: { ...order, due: 9 }, changedAt });
    if (!message.ok) throw new Error('not built');
    expect(message.value).toMatchObject({
      customer: 'BPNL0000AB8FGKOG',
      materialNumberSupplier: 'SEO-ML-300',
      unitOfMeasure: 'unit:piece',
      quantity: 2,
      deliveryDate: '2027-03-08',
    });
    const read = readOrderMessage(network, 'steinhof-optics', message.value, { receivedAt });
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    // The lane from Steinhof to Kempen takes one week: due in period 9, shipped in period 8.
    expect(read.value.customerOrder).toEqual({
      id: 'PO-KI-0001',
      customer: 'kempen',
      item: 'lens-set-300',
      quantity: 2,
      period: 8,
    });
    expect(read.value.events.map((event) => [event.type, event.payload])).toEqual([
      [
        'demand.added',
        { company: 'steinhof-optics', item: 'lens-set-300', period: 8, quantity: 2, network: network.name },
      ],
    ]);
    expect(applyPlanningEvents(network, read.value.events).ok).toBe(true);
  });

  it('the same message has the same id; other figures or a later change do not', () => {
    const a = buildOrderMessage(network, { type: 'order', order, changedAt });
    const again = buildOrderMessage(network, { type: 'order', order, changedAt });
    const later = buildOrderMessage(network, { type: 'order', order, changedAt: receivedAt });
    const other = buildOrderMessage(network, { type: 'order', order: { ...order, quantity: 3 }, changedAt });
    if (!a.ok || !again.ok || !later.ok || !other.ok) throw new Error('not built');
    expect(again.value.messageId).toBe(a.value.messageId);
    expect(new Set([a.value.messageId, later.value.messageId, other.value.messageId]).size).toBe(3);
  });

  it('a change moves the demand by the difference from the order held, a cancellation takes it away', () => {
    const first = buildOrderMessage(network, { type: 'order', order: { ...order, due: 9 }, changedAt });
    const held = readOrderMessage(network, 'steinhof-optics', first.ok ? first.value : undefined, {
      receivedAt,
    });
    const previous = held.ok ? held.value.customerOrder : undefined;
    const change = buildOrderMessage(network, {
      type: 'order-change',
      order: { ...order, quantity: 5, due: 11 },
      changedAt: later,
    });
    const changed = readOrderMessage(network, 'steinhof-optics', change.ok ? change.value : undefined, {
      receivedAt,
      ...(previous === undefined ? {} : { previous }),
    });
    const added = (result: typeof changed) =>
      result.ok ? result.value.events.map((e) => e.payload as { period: number; quantity: number }) : [];
    expect(added(changed).map((p) => [p.period, p.quantity])).toEqual([
      [8, -2],
      [10, 5],
    ]);
    const cancel = buildOrderMessage(network, { type: 'order-cancellation', order, changedAt: later });
    expect(cancel.ok && cancel.value.quantity).toBe(undefined);
    const cancelled = readOrderMessage(network, 'steinhof-optics', cancel.ok ? cancel.value : undefined, {
      receivedAt,
      ...(changed.ok && changed.value.customerOrder ? { previous: changed.value.customerOrder } : {}),
    });
    expect(added(cancelled).map((p) => [p.period, p.quantity])).toEqual([[10, -5]]);
    expect(cancelled.ok && cancelled.value.customerOrder).toBe(undefined);
  });

  it('a change back to earlier figures is a new event, not a duplicate of the first change', () => {
    const keys = [5, 2, 5].map((quantity, step) => {
      const message = buildOrderMessage(network, {
        type: 'order-change',
        order: { ...order, quantity },
        changedAt: `2027-01-0${4 + step}T08:00:00Z`,
      });
      const read = readOrderMessage(network, 'steinhof-optics', message.ok ? message.value : undefined, {
        receivedAt,
      });
      return read.ok ? read.value.events.map((event) => event.key) : [];
    });
    expect(keys[0]).toHaveLength(1);
    expect(keys[2]).not.toEqual(keys[0]);
  });

  it('a confirmation with another date moves the customer order; a rejection closes it', () => {
    const confirm = buildOrderMessage(network, {
      type: 'order-confirmation',
      status: 'changed',
      order: { ...order, due: 2 },
      changedAt,
    });
    const read = readOrderMessage(network, 'kempen', confirm.ok ? confirm.value : undefined, { receivedAt });
    expect(read.ok && read.value.events.map((e) => [e.type, e.payload])).toEqual([
      ['order.changed', { id: 'PO-KI-0001', due: 2, network: network.name }],
    ]);
    const reject = buildOrderMessage(network, {
      type: 'order-confirmation',
      status: 'rejected',
      order,
      changedAt,
    });
    const closed = readOrderMessage(network, 'kempen', reject.ok ? reject.value : undefined, { receivedAt });
    expect(closed.ok && closed.value.events.map((e) => e.type)).toEqual(['order.closed']);
  });

  it('a confirmation read at the supplier is for the wrong receiver; one of an order not open is a note', () => {
    const confirm = buildOrderMessage(network, {
      type: 'order-confirmation',
      status: 'accepted',
      order,
      changedAt,
    });
    const wrong = readOrderMessage(network, 'steinhof-optics', confirm.ok ? confirm.value : undefined, {
      receivedAt,
    });
    expect(wrong.ok ? undefined : wrong.error[0]?.code).toBe('wrong-receiver');
    const closed = { ...network, openOrders: network.openOrders!.filter((o) => o.id !== 'PO-KI-0001') };
    const unknown = readOrderMessage(closed, 'kempen', confirm.ok ? confirm.value : undefined, {
      receivedAt,
    });
    expect(unknown.ok && [unknown.value.events, unknown.value.notes.map((n) => n.code)]).toEqual([
      [],
      ['unknown-order'],
    ]);
  });

  it('an order-confirmation without a status is not built', () => {
    const result = buildOrderMessage(network, { type: 'order-confirmation', order, changedAt });
    expect(result.ok ? undefined : result.error[0]?.path).toEqual(['status']);
  });
});
