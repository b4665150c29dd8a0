import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyPlanningEvents } from '../planning/events.ts';
import { buildOrderMessage, readOrderMessage } from './order.ts';
import { changedAt, fixture, receivedAt } from './test-fixture.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));
/** The supplier's view: the customer's order is not open there yet. */
const supplierView = {
  ...network,
  openOrders: network.openOrders!.filter((order) => order.id !== 'PO-KI-0001'),
};
const order = {
  id: 'PO-KI-0001',
  company: 'kempen',
  supplier: 'steinhof-optics',
  item: 'lens-set-300',
  quantity: 2,
  due: 0,
};

describe('keten.order/v1', () => {
  it('an order becomes order.opened at the supplier, with the same order', () => {
    const message = buildOrderMessage(network, { type: 'order', order: { ...order, due: 9 }, changedAt });
    if (!message.ok) throw new Error('not built');
    expect(message.value).toMatchObject({
      customer: 'BPNL0000AB8FGKOG',
      materialNumberSupplier: 'SEO-ML-300',
      unitOfMeasure: 'unit:piece',
      quantity: 2,
      deliveryDate: '2027-03-08',
    });
    const read = readOrderMessage(supplierView, 'steinhof-optics', message.value, { receivedAt });
    expect(read.ok && read.value.events.map((event) => [event.type, event.payload])).toEqual([
      ['order.opened', { ...order, due: 9, kind: 'purchase', network: network.name }],
    ]);
    const applied = applyPlanningEvents(supplierView, read.ok ? read.value.events : []);
    expect(applied.ok).toBe(true);
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

  it('a change becomes order.changed with only what changed, a cancellation order.closed', () => {
    const change = buildOrderMessage(network, {
      type: 'order-change',
      order: { ...order, quantity: 5 },
      changedAt,
    });
    const read = readOrderMessage(network, 'steinhof-optics', change.ok ? change.value : undefined, {
      receivedAt,
    });
    expect(read.ok && read.value.events.map((e) => [e.type, e.payload])).toEqual([
      ['order.changed', { id: 'PO-KI-0001', quantity: 5, network: network.name }],
    ]);
    const cancel = buildOrderMessage(network, { type: 'order-cancellation', order, changedAt });
    expect(cancel.ok && cancel.value.quantity).toBe(undefined);
    const closed = readOrderMessage(network, 'steinhof-optics', cancel.ok ? cancel.value : undefined, {
      receivedAt,
    });
    expect(closed.ok && closed.value.events.map((e) => e.type)).toEqual(['order.closed']);
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

  it('a confirmation read at the supplier is for the wrong receiver; a change of an unknown order is a note', () => {
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
    const change = buildOrderMessage(network, { type: 'order-change', order, changedAt });
    const unknown = readOrderMessage(supplierView, 'steinhof-optics', change.ok ? change.value : undefined, {
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
