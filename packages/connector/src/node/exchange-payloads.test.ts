/**
 * What a node sends after a plan (outgoing.ts) and what it does with what it receives (incoming.ts),
 * on the demo network's partner views, without nodes: every payload it builds passes its schema and is
 * read by the partner's view; a payload about another partner is refused; any JSON at all gives a value
 * or a refusal, never a throw (fast-check).
 */
import { applyPlanningEvents, type Disruption, type Network, OrderMessage, planNetwork } from '@keten/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateAspectPayload } from '../payloads/validate.ts';
import { ASPECT_SPECS, EXCHANGE_ASPECTS } from './datasets.ts';
import { item, OEM, oemView, TIER1, tier1View } from './demo-partners.fixture.ts';
import { type IncomingContext, readIncoming } from './incoming.ts';
import {
  type HeldOrder,
  judgeOrder,
  type OutgoingContext,
  outgoingPayloads,
  payloadContent,
} from './outgoing.ts';

const changedAt = '2027-01-04T08:00:00Z';
const receivedAt = '2027-01-04T09:00:00Z';

function context(network: Network, company: string, extra: Partial<OutgoingContext> = {}): OutgoingContext {
  return {
    network,
    base: network,
    plan: planNetwork(network),
    blocked: [],
    company,
    changedAt,
    heldOrders: [],
    sentOrders: new Map(),
    told: [],
    sends: () => true,
    ...extra,
  };
}

function receiving(view: Network, company: string, partner: string, records = new Map<string, unknown>()) {
  return {
    view,
    effective: async () => view,
    company,
    partner,
    receivedAt,
    get: async <T>(kind: string, id: string) => records.get(`${kind} ${id}`) as T | undefined,
  } satisfies IncomingContext;
}

/** The OEM's view with one open purchase order from tier 1. */
const withOrder = applyPlanningEvents(oemView, [
  {
    type: 'order.opened',
    payload: { id: 'PO-1', kind: 'purchase', company: OEM, supplier: TIER1, item, quantity: 2, due: 10 },
  },
]);
if (!withOrder.ok) throw new Error(JSON.stringify(withOrder.error));
const oemWithOrder = withOrder.value.network;

describe('what a node sends', () => {
  it('builds every aspect for its partners, each valid against its schema', () => {
    const customerSide = outgoingPayloads(context(oemWithOrder, OEM));
    const supplierSide = outgoingPayloads(
      context(tier1View, TIER1, {
        heldOrders: [
          {
            customerOrder: { id: 'PO-1', customer: OEM, item, quantity: 2, period: 9 },
            status: 'open',
          },
        ],
        blocked: [{ supplier: TIER1, from: 3, to: 5 }],
      }),
    );
    expect(customerSide.problems).toEqual([]);
    expect(supplierSide.problems).toEqual([]);
    const aspects = new Set(
      [...customerSide.payloads, ...supplierSide.payloads].map((entry) => entry.aspect),
    );
    expect([...aspects].sort()).toEqual([...EXCHANGE_ASPECTS].sort());
    for (const outgoing of [...customerSide.payloads, ...supplierSide.payloads]) {
      const model = ASPECT_SPECS[outgoing.aspect].model;
      if (model === 'keten.order/v1') expect(OrderMessage.safeParse(outgoing.payload).success).toBe(true);
      else expect(validateAspectPayload(model, outgoing.payload).ok, outgoing.summary).toBe(true);
    }
    // The order goes out once as an order; sent before with the same figures, not again.
    const orders = customerSide.payloads.filter((entry) => entry.aspect === 'orders');
    expect(orders.map((entry) => (entry.payload as { type: string; orderId: string }).orderId)).toContain(
      'PO-1',
    );
    const again = outgoingPayloads(
      context(oemWithOrder, OEM, {
        sentOrders: new Map([
          ['PO-1', { supplier: TIER1, item, quantity: 2, due: 10, status: 'accepted' }],
          ...oemWithOrder
            .openOrders!.filter((order) => order.id !== 'PO-1' && order.id !== undefined)
            .map(
              (order) =>
                [
                  order.id!,
                  {
                    supplier: order.supplier!,
                    item: order.item,
                    quantity: order.quantity,
                    due: order.due,
                    status: 'accepted' as const,
                  },
                ] as const,
            ),
        ]),
      }),
    );
    expect(again.payloads.filter((entry) => entry.aspect === 'orders')).toEqual([]);
    // Tier 1 down in periods 3-4: a capacity reduction to its customer, a demand reduction to its supplier.
    const notices = supplierSide.payloads
      .filter((entry) => entry.aspect === 'notifications')
      .map((entry) => entry.payload as { effect: string; status: string });
    expect(notices.some((notice) => notice.effect === 'capacity-reduction')).toBe(true);
    expect(notices.some((notice) => notice.effect === 'demand-reduction')).toBe(true);
  });

  it('sends a disruption told before and gone now as resolved', () => {
    const told: Disruption = {
      id: 'down:steinhof-optics:*:3',
      sender: TIER1,
      recipient: OEM,
      items: [item],
      effect: 'capacity-reduction',
      cause: 'production-incident',
      status: 'open',
      from: 3,
      to: 5,
    };
    const { payloads } = outgoingPayloads(
      context(tier1View, TIER1, { told: [{ partner: OEM, disruption: told }] }),
    );
    const resolved = payloads.find((entry) => entry.key === `notification:${told.id}`);
    expect(resolved?.payload).toMatchObject({ status: 'resolved', effect: 'capacity-reduction' });
  });

  it('compares payloads without their time stamps', () => {
    expect(payloadContent({ a: 1, changedAt: 'x', nested: [{ lastUpdatedOnDateTime: 'y', b: 2 }] })).toEqual({
      a: 1,
      nested: [{ b: 2 }],
    });
  });

  it("answers an order from the plan, orders before forecasts: accepted when it ships, changed to what ships on time or to when all of it ships, else rejected, with the plan's reason", () => {
    const period = 4;
    const cause = {
      code: 'capacity' as const,
      company: TIER1,
      item,
      period,
      text: 'the line is full in period 4',
    };
    /** Tier 1's plan: `shipped` of the item in period 4, `shortfall` short then, made up `late`. */
    const planWith = (
      shortfall: number,
      shipped = 10,
      late: { period: number; quantity: number }[] = [],
    ) => ({
      shortages: shortfall > 0 ? [{ company: TIER1, item, period, quantity: shortfall, cause }] : [],
      deliveries: [
        ...(shipped > 0 ? [{ company: TIER1, item, period, quantity: shipped, forPeriod: period }] : []),
        ...late.map((entry) => ({ company: TIER1, item, forPeriod: period, ...entry })),
      ],
    });
    const judge = (
      plan: ReturnType<typeof planWith>,
      quantity: number,
      promised?: Map<string, number>,
      at = period,
    ) =>
      judgeOrder(
        { plan, company: TIER1, network: tier1View },
        { id: 'X', customer: OEM, item, quantity, period: at },
        promised,
      );
    expect(judge(planWith(0), 5)).toEqual({ status: 'accepted' });
    // Short, but the 10 it ships cover the order: the forecasts go without.
    expect(judge(planWith(2), 5)).toEqual({ status: 'accepted' });
    // In part: 10 of the 15 ship on time.
    const part = judge(planWith(2), 15);
    expect(part).toMatchObject({ status: 'changed', quantity: 10, period });
    expect(part.reason).toContain('can deliver 10 of 15 in period 4');
    expect(part.reason).toContain(cause.text);
    // Orders answered after one plan take what it ships in turn: 6, then the 4 left, then nothing (and
    // nothing made up later: rejected, with the plan's reason).
    const promised = new Map<string, number>();
    expect(judge(planWith(4), 6, promised)).toEqual({ status: 'accepted' });
    expect(judge(planWith(4), 6, promised)).toMatchObject({ status: 'changed', quantity: 4, period });
    const rejected = judge(planWith(4), 6, promised);
    expect(rejected).toMatchObject({ status: 'rejected' });
    expect(rejected.reason).toContain(cause.text);
    // Later: nothing ships on time, and the plan has made up period 4's whole shortfall in period 6.
    const made = [
      { period: 5, quantity: 3 },
      { period: 6, quantity: 2 },
    ];
    expect(judge(planWith(5, 0, made), 5)).toMatchObject({ status: 'changed', quantity: 5, period: 6 });
    // Not made up within the horizon: rejected.
    expect(judge(planWith(5, 0, made.slice(0, 1)), 5).status).toBe('rejected');
    // After the planning horizon: accepted, planned later.
    expect(judge(planWith(4, 0), 5, undefined, tier1View.horizon).status).toBe('accepted');
  });
});

describe('what a node does with what it receives', () => {
  it("plans on a supplier's disruption notice as supplier.down, and lifts it when the notice is resolved", async () => {
    const notices = (blocked: { supplier: string; from: number; to: number }[], told = []) =>
      outgoingPayloads(context(tier1View, TIER1, { blocked, told }))
        .payloads.filter(
          (entry) =>
            entry.partner === OEM &&
            entry.aspect === 'notifications' &&
            (entry.payload as { effect: string }).effect === 'capacity-reduction',
        )
        .map((entry) => entry.payload as { sourceDisruptionId: string; status: string });
    const [open] = notices([{ supplier: TIER1, from: 3, to: 5 }]);
    expect(open).toBeDefined();
    const records = new Map<string, unknown>();
    const receive = async (payload: unknown) => {
      const read = await readIncoming('notifications', payload, receiving(oemView, OEM, TIER1, records));
      if (!read.ok) throw new Error(read.error.message);
      for (const record of read.value.records) records.set(`${record.kind} ${record.id}`, record.value);
      return read.value;
    };
    const down = await receive(open);
    expect(down.replan).toBe(true);
    expect(down.events).toMatchObject([
      {
        type: 'supplier.down',
        payload: { company: TIER1, from: 3, to: 5, items: expect.arrayContaining([item]) },
      },
    ]);
    const planned = applyPlanningEvents(oemView, down.events);
    expect(planned.ok && planned.value.blocked).toContainEqual({ supplier: TIER1, item, from: 3, to: 5 });
    // The same notice again (sent twice) adds nothing.
    expect((await receive(open)).events).toEqual([]);
    // Resolved: the down is lifted, and the OEM plans on its supplier again.
    const resolved = { ...(open as object), status: 'resolved', contentChangedAt: '2027-01-05T08:00:00Z' };
    const lifted = await receive(resolved);
    expect(lifted.events).toMatchObject([
      { type: 'supplier.restored', payload: { company: TIER1, key: down.events[0]!.key } },
    ]);
    expect(lifted.summary).toContain('lifted');
    const after = applyPlanningEvents(oemView, [...down.events, ...lifted.events]);
    expect(after.ok && after.value.blocked).toEqual([]);
    // A notice whose amounts come in other payloads (root cause other: a plan's shortage) stays a record.
    const shortage = {
      ...(open as object),
      leadingRootCause: 'other',
      sourceDisruptionId: crypto.randomUUID(),
    };
    const kept = await receive(shortage);
    expect(kept.events).toEqual([]);
    expect(kept.replan).toBe(false);
  });

  it('reads each aspect its partner sends into its own terms, and refuses one about another partner', async () => {
    const fromOem = outgoingPayloads(context(oemWithOrder, OEM)).payloads;
    for (const outgoing of fromOem.filter((entry) => entry.partner === TIER1)) {
      const read = await readIncoming(outgoing.aspect, outgoing.payload, receiving(tier1View, TIER1, OEM));
      expect(read.ok ? read.value.summary : read.error, outgoing.summary).toEqual(expect.any(String));
      expect(read.ok, JSON.stringify(read.ok ? '' : read.error)).toBe(true);
    }
    const forecast = fromOem.find((entry) => entry.aspect === 'material-demand' && entry.partner === TIER1)!;
    const wrong = await readIncoming(
      'material-demand',
      forecast.payload,
      receiving(tier1View, TIER1, 'kortrijk-coils'),
    );
    expect(wrong.ok ? 'applied' : wrong.error.code).toBe('wrong-partner');
    // The order lands as a held order to answer, and as demand when it must ship.
    const order = fromOem.find(
      (entry) => entry.aspect === 'orders' && (entry.payload as { orderId: string }).orderId === 'PO-1',
    )!;
    const read = await readIncoming('orders', order.payload, receiving(tier1View, TIER1, OEM));
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.replan).toBe(true);
    const held = read.value.records.find((record) => record.kind === 'held-order')!.value as HeldOrder;
    expect(held.status).toBe('open');
    expect(
      read.value.events.reduce((sum, event) => sum + (event.payload as { quantity: number }).quantity, 0),
    ).toBe(2);
    // A confirmation of an order never sent to that supplier is refused.
    const confirmation = await readIncoming(
      'order-confirmations',
      { ...(order.payload as object), type: 'order-confirmation', status: 'accepted' },
      receiving(oemWithOrder, OEM, TIER1),
    );
    expect(confirmation.ok ? 'applied' : confirmation.error.code).toBe('wrong-partner');
  });

  it('gives a value or a refusal for any JSON at all, on every aspect (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...EXCHANGE_ASPECTS), fc.jsonValue(), async (aspect, payload) => {
        const read = await readIncoming(aspect, payload, receiving(tier1View, TIER1, OEM));
        if (!read.ok) expect(read.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a valid payload with one field replaced, or applies it, never throws (fuzz)', async () => {
    const fromOem = outgoingPayloads(context(oemWithOrder, OEM)).payloads.filter(
      (entry) => entry.partner === TIER1,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fromOem),
        fc.nat(),
        fc.jsonValue(),
        async (outgoing, index, value) => {
          const payload = { ...(outgoing.payload as Record<string, unknown>) };
          const keys = Object.keys(payload);
          payload[keys[index % keys.length]!] = value;
          const read = await readIncoming(outgoing.aspect, payload, receiving(tier1View, TIER1, OEM));
          expect(typeof read.ok).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });
});
