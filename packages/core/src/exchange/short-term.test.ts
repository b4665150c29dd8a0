import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { partnerView } from '../model/partner-view.ts';
import { applyPlanningEvents } from '../planning/events.ts';
import { planNetwork } from '../planning/plan.ts';
import { buildDeliveryInformation, readDeliveryInformation } from './delivery.ts';
import { buildMaterialDemands, readMaterialDemand } from './material-demand.ts';
import {
  buildNotification,
  disruptionsFromShortages,
  readNotification,
  supplierDownEvent,
} from './notification.ts';
import {
  buildItemStock,
  buildPlannedProductionOutput,
  readItemStock,
  readPlannedProductionOutput,
} from './stock.ts';
import { changedAt, fixture, receivedAt } from './test-fixture.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network, plan, relationships } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));
const lens = { customer: 'kempen', supplier: 'steinhof-optics', item: 'lens-set-300' };

describe('ItemStock', () => {
  it('round trip for every relationship and both holders: the on-hand stock of the network', () => {
    for (const relationship of relationships) {
      for (const holder of ['customer', 'supplier'] as const) {
        const built = buildItemStock(network, relationship, holder, { changedAt });
        if (!built.ok) throw new Error(JSON.stringify(built.error));
        const other = holder === 'customer' ? relationship.supplier : relationship.customer;
        const read = readItemStock(network, other, relationship[holder], built.value);
        expect(read.ok ? [] : read.error).toEqual([]);
        const onHand = (network.inventory ?? [])
          .filter((record) => record.company === relationship[holder] && record.item === relationship.item)
          .reduce((sum, record) => sum + record.onHand, 0);
        expect(read.ok && [read.value.item, read.value.onHand]).toEqual([relationship.item, onHand]);
        if (onHand > 0) expect(read.ok && read.value.holder).toBe(relationship[holder]);
        else expect(built.value.positions).toEqual([]);
      }
    }
  });

  it("says OUTBOUND for a supplier's stock; a twin id of no shared material is a problem", () => {
    const built = buildItemStock(network, lens, 'customer', { changedAt });
    expect(
      built.ok && [
        built.value.direction,
        built.value.positions[0]?.allocatedStocks[0]?.quantityOnAllocatedStock,
      ],
    ).toEqual(['INBOUND', { value: 3, unit: 'unit:piece' }]);
    const read = readItemStock(
      network,
      'steinhof-optics',
      'helmond-vacuum',
      built.ok ? built.value : undefined,
    );
    expect(read.ok ? undefined : read.error[0]?.code).toBe('unknown-material');
  });
});

describe('DeliveryInformation', () => {
  it("announces the customer's open orders and reads back without changes", () => {
    const built = buildDeliveryInformation(network, lens, { changedAt });
    if (!built.ok) throw new Error('not built');
    expect(built.value.payload.positions.map((p) => p.orderPositionReference?.customerOrderId)).toEqual([
      'KI-PO-88123',
      'PO-KI-0001',
    ]);
    expect(built.value.payload.positions[1]!.deliveries[0]!.transitEvents).toEqual([
      { eventType: 'estimated-departure', dateTimeOfEvent: '2026-12-28T00:00:00Z' },
      { eventType: 'estimated-arrival', dateTimeOfEvent: '2027-01-04T00:00:00Z' },
    ]);
    const read = readDeliveryInformation(network, 'kempen', 'steinhof-optics', built.value.payload, {
      receivedAt,
    });
    expect(read.ok && [read.value.deliveries, read.value.events]).toEqual([
      [
        { order: 'KI-PO-88123', quantity: 1, due: 3 },
        { order: 'PO-KI-0001', quantity: 2, due: 0 },
      ],
      [],
    ]);
  });

  it('a later arrival or a smaller quantity becomes order.changed at the customer', () => {
    const built = buildDeliveryInformation(network, lens, { changedAt });
    if (!built.ok) throw new Error('not built');
    const late = structuredClone(built.value.payload);
    const delivery = late.positions[1]!.deliveries[0]!;
    delivery.deliveryQuantity.value = 1;
    delivery.transitEvents[1]!.dateTimeOfEvent = '2027-01-20T10:00:00+01:00';
    const read = readDeliveryInformation(network, 'kempen', 'steinhof-optics', late, { receivedAt });
    expect(read.ok && read.value.events.map((event) => event.payload)).toEqual([
      { id: 'PO-KI-0001', quantity: 1, due: 2, network: network.name },
    ]);
    expect(applyPlanningEvents(network, read.ok ? read.value.events : []).ok).toBe(true);
  });
});

describe('PlannedProductionOutput', () => {
  it("round trip: the supplier's planned production by period of completion", () => {
    const built = buildPlannedProductionOutput(network, plan, lens, { changedAt });
    if (!built.ok) throw new Error('not built');
    const read = readPlannedProductionOutput(network, 'kempen', 'steinhof-optics', built.value);
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    const expected = new Array<number>(network.horizon).fill(0);
    for (const order of plan.orders)
      if (order.kind === 'production' && order.company === 'steinhof-optics' && order.item === 'lens-set-300')
        expected[order.due] = (expected[order.due] ?? 0) + order.quantity;
    expect(read.value.quantities).toEqual(expected);
    expect(expected.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe('a forecast reaches the supplier, and its shortage comes back as a notification', () => {
  // The supplier's node: the customer's forecast is added to its demand and it re-plans.
  const forecast = buildMaterialDemands(network, plan, 'kempen', {
    changedAt,
    suppliers: ['steinhof-optics'],
  });
  const outgoing = forecast.ok ? forecast.value.find((o) => o.item === 'lens-set-300')! : undefined;
  const received = readMaterialDemand(network, 'steinhof-optics', outgoing?.payload, { receivedAt });
  const applied = applyPlanningEvents(network, received.ok ? received.value.events : []);
  const supplierNetwork = applied.ok ? applied.value.network : network;
  const supplierPlan = planNetwork(supplierNetwork);

  it('the supplier cannot make it all, and tells the customer what, when and why', () => {
    const disruptions = disruptionsFromShortages(supplierNetwork, supplierPlan, 'steinhof-optics');
    const toKempen = disruptions.find((d) => d.recipient === 'kempen' && d.items.includes('lens-set-300'));
    expect(toKempen).toMatchObject({
      effect: 'capacity-reduction',
      status: 'open',
      sender: 'steinhof-optics',
    });
    const short = supplierPlan.shortages.filter(
      (s) => s.company === 'steinhof-optics' && s.item === 'lens-set-300',
    );
    expect(toKempen?.from).toBe(Math.min(...short.map((s) => s.period)));
    expect(toKempen?.to).toBe(Math.max(...short.map((s) => s.period)) + 1);

    const built = buildNotification(supplierNetwork, toKempen!, { changedAt });
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    expect(built.value.materialsAffected?.[0]).toMatchObject({ materialNumberSupplier: 'SEO-ML-300' });
    const read = readNotification(network, 'kempen', 'steinhof-optics', built.value);
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    expect(read.value.disruption).toMatchObject({
      items: ['lens-set-300'],
      from: toKempen!.from,
      to: toKempen!.to,
      effect: 'capacity-reduction',
    });
    const event = supplierDownEvent(network, read.value, { receivedAt });
    expect(event?.payload).toEqual({
      company: 'steinhof-optics',
      from: toKempen!.from,
      to: toKempen!.to,
      items: ['lens-set-300'],
      network: network.name,
    });
    expect(applyPlanningEvents(network, [event!]).ok).toBe(true);
  });

  it('a resolved notification gives no supplier.down, and the same disruption keeps its source id', () => {
    const base = {
      id: 'fire',
      sender: 'steinhof-optics',
      recipient: 'kempen',
      items: ['lens-set-300'],
      effect: 'capacity-reduction' as const,
      cause: 'production-incident' as const,
      from: 2,
      to: 5,
    };
    const open = buildNotification(network, { ...base, status: 'open' }, { changedAt });
    const resolved = buildNotification(network, { ...base, status: 'resolved' }, { changedAt });
    if (!open.ok || !resolved.ok) throw new Error('not built');
    expect(resolved.value.sourceDisruptionId).toBe(open.value.sourceDisruptionId);
    expect(resolved.value.notificationId).not.toBe(open.value.notificationId);
    const read = readNotification(network, 'kempen', 'steinhof-optics', resolved.value);
    expect(read.ok && supplierDownEvent(network, read.value, { receivedAt })).toBe(undefined);
  });
});

describe('between the partner views of two nodes', () => {
  const kempen = partnerView(network, 'kempen')!;
  const steinhof = partnerView(network, 'steinhof-optics')!;

  it("the supplier's node reads the customer's stock by its own part number's twin", () => {
    const built = buildItemStock(kempen, lens, 'customer', { changedAt });
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    const read = readItemStock(steinhof, 'steinhof-optics', 'kempen', built.value);
    expect(read.ok ? read.value : read.error).toEqual({
      holder: 'kempen',
      item: 'lens-set-300',
      onHand: 3,
      blocked: 0,
    });
  });

  it("the supplier announces the customer's orders it holds; the customer's node finds its open orders", () => {
    // As the supplier holds them: shipped one period (the lane) before they are due at the customer.
    const orders = kempen
      .openOrders!.filter((o) => o.supplier === 'steinhof-optics' && o.item === 'lens-set-300')
      .map((o) => ({ id: o.id!, quantity: o.quantity, period: o.due - 1 }));
    const built = buildDeliveryInformation(steinhof, lens, { changedAt, orders, laneLeadTime: 1 });
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    const read = readDeliveryInformation(kempen, 'kempen', 'steinhof-optics', built.value.payload, {
      receivedAt,
    });
    expect(read.ok && read.value.deliveries.map((d) => d.order)).toEqual(orders.map((o) => o.id));
    expect(read.ok && [read.value.events, read.value.notes]).toEqual([[], []]);
  });
});
