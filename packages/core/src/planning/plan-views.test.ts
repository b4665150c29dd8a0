import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork } from '../model/generate.ts';
import type { Network } from '../model/schema.ts';
import { planNetwork } from './plan.ts';
import { capacityHeatMap, companyPlan, PlanIndex, peggingOfDemand, peggingOfOrder } from './plan-views.ts';

/** OEM makes machines from frames; frame-a (70 %, capacity 3) and frame-b (30 %) supply frames. */
const NETWORK: Network = {
  format: 'keten.network/v1',
  name: 'views',
  period: 'week',
  start: '2027-01-04',
  horizon: 8,
  companies: [
    { id: 'oem', name: 'OEM', site: { country: 'NL', region: 'EU' } },
    { id: 'frame-a', name: 'Frame A', site: { country: 'DE', region: 'EU' } },
    { id: 'frame-b', name: 'Frame B', site: { country: 'CN', region: 'ASIA' } },
  ],
  items: [
    { id: 'machine', name: 'Machine', unit: 'pcs' },
    { id: 'frame', name: 'Frame', unit: 'pcs' },
  ],
  production: [
    { company: 'oem', item: 'machine', leadTime: 1, capacity: 10, bom: [{ item: 'frame', quantity: 1 }] },
    { company: 'frame-a', item: 'frame', leadTime: 1, capacity: 3, maximumCapacity: 4 },
    { company: 'frame-b', item: 'frame', leadTime: 1, capacity: 20 },
  ],
  capacityGroups: [{ id: 'oem-line', company: 'oem', capacity: 12, items: [{ item: 'machine', load: 2 }] }],
  sourcing: [
    {
      buyer: 'oem',
      item: 'frame',
      suppliers: [
        { supplier: 'frame-a', share: 0.7, leadTime: 1 },
        { supplier: 'frame-b', share: 0.3, leadTime: 2 },
      ],
    },
  ],
  inventory: [{ company: 'oem', item: 'frame', onHand: 2 }],
  demand: [{ company: 'oem', item: 'machine', quantities: [0, 0, 0, 0, 6, 6, 6, 6] }],
};

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('plan views', () => {
  const plan = planNetwork(NETWORK);
  const index = new PlanIndex(NETWORK, plan);

  it("a company's plan: orders in and out, production, receipts and stock that balance", () => {
    const oem = companyPlan(index, 'oem')!;
    expect(oem.company).toEqual({ id: 'oem', name: 'OEM', tier: 0 });
    const machine = oem.items.find((item) => item.item === 'machine')!;
    expect(machine.endDemand).toEqual([0, 0, 0, 0, 6, 6, 6, 6]);
    const frame = oem.items.find((item) => item.item === 'frame')!;
    // Every frame the OEM orders arrives as a receipt, and its machines' starts use one frame each.
    expect(sum(frame.ordersOut)).toBe(sum(frame.receipts));
    const purchases = [...plan.orders].filter(
      (order) => order.company === 'oem' && order.kind === 'purchase',
    );
    expect(sum(frame.ordersOut)).toBe(sum(purchases.map((order) => order.quantity)));
    expect(frame.stock.at(-1)).toBeCloseTo(2 + sum(frame.receipts) - sum(machine.production), 9);
    for (const line of oem.items) for (const stock of line.stock) expect(stock).toBeGreaterThanOrEqual(0);
    // On time + short = demand, period by period.
    const delivered = new Array<number>(8).fill(0);
    for (const delivery of plan.deliveries)
      if (delivery.period === delivery.forPeriod) delivered[delivery.period]! += delivery.quantity;
    for (const [t, demand] of machine.endDemand.entries()) {
      expect(delivered[t]! + machine.shortages[t]!).toBeCloseTo(demand, 9);
    }

    const supplier = companyPlan(index, 'frame-a')!;
    expect(supplier.company.tier).toBe(1);
    const shipped = supplier.items.find((item) => item.item === 'frame')!;
    const fromA = purchases.filter((order) => order.supplier === 'frame-a');
    expect(sum(shipped.ordersIn)).toBe(sum(fromA.map((order) => order.quantity)));
    for (const order of fromA) expect(shipped.ordersIn[order.start]).toBeGreaterThanOrEqual(order.quantity);
    expect(companyPlan(index, 'nobody')).toBeUndefined();
  });

  it('the heat map: load, required load, limit and maximum per capacity and period, busiest first', () => {
    const map = capacityHeatMap(index);
    expect(map.total).toBe(4);
    const a = map.rows.find((row) => row.capacity === 'frame-a/frame')!;
    expect(a).toMatchObject({ kind: 'production', company: 'frame-a', item: 'frame', unit: 'pcs' });
    expect(a.limit).toEqual(new Array(8).fill(3));
    expect(a.maximum).toEqual(new Array(8).fill(4));
    for (let t = 0; t < 8; t++) {
      expect(a.load[t]).toBeLessThanOrEqual(3);
      expect(a.required[t]).toBeGreaterThanOrEqual(a.load[t]!);
    }
    const group = map.rows.find((row) => row.capacity === 'oem-line')!;
    const machine = map.rows.find((row) => row.capacity === 'oem/machine')!;
    expect(group.load).toEqual(machine.load.map((value) => value * 2));
    expect(group.unit).toBe('load');
    const peaks = map.rows.map((row) => row.peak ?? Number.POSITIVE_INFINITY);
    expect(peaks).toEqual([...peaks].sort((x, y) => y - x));
    for (const bottleneck of plan.bottlenecks) {
      const row = map.rows.find((entry) => entry.capacity === bottleneck.capacity)!;
      expect(row.required[bottleneck.period]).toBeCloseTo(bottleneck.load, 6);
    }
    expect(
      capacityHeatMap(index, { company: 'oem' })
        .rows.map((row) => row.capacity)
        .sort(),
    ).toEqual(['oem-line', 'oem/machine']);
    expect(capacityHeatMap(index, { limit: 1, offset: 1 }).rows).toEqual([map.rows[1]]);
    expect(
      capacityHeatMap(index, { minimumPeak: 1 }).rows.every((row) => row.peak === null || row.peak >= 1),
    ).toBe(true);
  });

  it('pegging: an end demand down to the orders that serve it, an order up to its end demands', () => {
    const pegging = peggingOfDemand(index, { company: 'oem', item: 'machine', period: 5 })!;
    expect(pegging.demand).toMatchObject({ company: 'oem', item: 'machine', period: 5, quantity: 6 });
    expect(pegging.orders.length).toBeGreaterThan(1);
    expect(pegging.orders[0]!.tier).toBe(0);
    expect(new Set(pegging.orders.map((order) => order.company))).toContain('oem');
    for (const order of pegging.orders) {
      const up = peggingOfOrder(index, order.id)!;
      const served = up.servesDemand.find((demand) => demand.item === 'machine' && demand.period === 5);
      expect(served?.quantity).toBeCloseTo(order.serves, 6);
    }
    // The OEM's machine orders serving period 5 add up to what was delivered on time of it.
    const machines = pegging.orders.filter((order) => order.company === 'oem' && order.item === 'machine');
    expect(sum(machines.map((order) => order.serves))).toBeCloseTo(6 - pegging.demand.short, 6);
    expect(peggingOfDemand(index, { company: 'oem', item: 'frame', period: 5 })).toBeUndefined();
    expect(peggingOfDemand(index, { company: 'oem', item: 'machine', period: 8 })).toBeUndefined();
    expect(peggingOfOrder(index, 'no-such-order')).toBeUndefined();
    expect(peggingOfDemand(index, { company: 'oem', item: 'machine', period: 5 }, 1)!.orders).toHaveLength(1);
  });

  it('on generated networks: stock never negative and ordersIn of suppliers equal the purchases from them (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 40 }), fc.integer(), (companies, seed) => {
        const network = generateNetwork({ companies, seed, horizon: 12 });
        const generated = planNetwork(network, { pegging: false });
        const views = new PlanIndex(network, generated);
        let shippedByPlan = 0;
        for (const order of generated.orders) if (order.kind === 'purchase') shippedByPlan += order.quantity;
        let shippedByViews = 0;
        for (const company of network.companies) {
          const view = companyPlan(views, company.id)!;
          for (const line of view.items) {
            shippedByViews += sum(line.ordersIn);
            for (const stock of line.stock) expect(stock).toBeGreaterThanOrEqual(-1e-6);
          }
        }
        expect(shippedByViews).toBeCloseTo(shippedByPlan, 4);
      }),
      { numRuns: 15 },
    );
  });
});
