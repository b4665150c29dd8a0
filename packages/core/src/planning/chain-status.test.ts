import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork } from '../model/generate.ts';
import type { Network } from '../model/schema.ts';
import { ChainStatus, COMPANY_STATES, firstDues } from './chain-status.ts';
import { planNetwork } from './plan.ts';

/**
 * OEM makes machines from frames; frame-a (70 %, capacity 3, a bottleneck) and frame-b (30 %, two
 * weeks away) supply frames; steel supplies frame-a. An open order of frames from frame-b is two
 * periods late against its first plan.
 */
const NETWORK: Network = {
  format: 'keten.network/v1',
  name: 'status',
  period: 'week',
  start: '2027-01-04',
  horizon: 8,
  companies: [
    { id: 'oem', name: 'OEM Machines', site: { country: 'NL', region: 'EU' } },
    { id: 'frame-a', name: 'Frame A', site: { country: 'DE', region: 'EU' } },
    { id: 'frame-b', name: 'Frame B', site: { country: 'CN', region: 'ASIA' } },
    { id: 'steel', name: 'Steel Mill', site: { country: 'BE', region: 'EU' } },
    { id: 'idle', name: 'Idle Works', site: { country: 'CZ', region: 'EU' } },
  ],
  items: [
    { id: 'machine', name: 'Machine', unit: 'pcs' },
    { id: 'frame', name: 'Frame', unit: 'pcs' },
    { id: 'steel', name: 'Steel', unit: 'kg' },
  ],
  production: [
    { company: 'oem', item: 'machine', leadTime: 1, capacity: 10, bom: [{ item: 'frame', quantity: 1 }] },
    {
      company: 'frame-a',
      item: 'frame',
      leadTime: 1,
      capacity: 3,
      maximumCapacity: 4,
      bom: [{ item: 'steel', quantity: 2.5 }],
    },
    { company: 'frame-b', item: 'frame', leadTime: 1, capacity: 20 },
    { company: 'steel', item: 'steel', leadTime: 1, capacity: 1000 },
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
    { buyer: 'frame-a', item: 'steel', suppliers: [{ supplier: 'steel', share: 1, leadTime: 1 }] },
  ],
  inventory: [{ company: 'oem', item: 'frame', onHand: 2 }],
  openOrders: [
    { id: 'po-1', kind: 'purchase', company: 'oem', item: 'frame', supplier: 'frame-b', quantity: 2, due: 3 },
    { id: 'wo-1', kind: 'production', company: 'oem', item: 'machine', quantity: 1, due: 1 },
  ],
  demand: [{ company: 'oem', item: 'machine', quantities: [0, 0, 6, 6, 6, 6, 6, 6] }],
};

describe('chain status', () => {
  const plan = planNetwork(NETWORK);
  const status = new ChainStatus(NETWORK, plan, firstDues([{ id: 'po-1', due: 1 }], []));

  it('ranks companies by what is wrong, and counts the states of the whole network', () => {
    const page = status.rows();
    expect(page.total).toBe(5);
    const oem = page.rows.find((row) => row.company === 'oem')!;
    expect(plan.shortages.length).toBeGreaterThan(0);
    expect(oem.state).toBe('short');
    expect(oem.shortages[0]).toMatchObject({ item: 'machine', unit: 'pcs' });
    const shortTotal = plan.shortages.reduce((sum, shortage) => sum + shortage.quantity, 0);
    expect(oem.shortages.reduce((sum, line) => sum + line.quantity, 0)).toBeCloseTo(shortTotal, 6);
    expect(oem.firstShortPeriod).toBe(Math.min(...plan.shortages.map((shortage) => shortage.period)));
    expect(oem.openOrders).toBe(2);
    expect(oem.lateOrders).toBe(1);
    expect(oem.nextEta).toBe(1);
    expect(page.rows[0]!.company).toBe('oem');
    expect(page.rows.find((row) => row.company === 'idle')).toMatchObject({
      state: 'ok',
      tier: null,
      plannedOrders: 0,
    });
    const frameA = page.rows.find((row) => row.company === 'frame-a')!;
    expect(frameA.bottlenecks).toBe(plan.bottlenecks.filter((b) => b.company === 'frame-a').length);
    if (frameA.worstLoad !== null) {
      expect(frameA.worstLoad.unit).toBe('pcs');
      expect(frameA.worstLoad.share).toBeCloseTo(frameA.worstLoad.load / frameA.worstLoad.limit, 9);
    }
    const purchasesFromA = [...plan.orders].filter((order) => order.supplier === 'frame-a').length;
    expect(frameA.customerOrders).toBe(purchasesFromA);
    const counted = COMPANY_STATES.reduce((sum, state) => sum + page.counts[state], 0);
    expect(counted).toBe(5);
    for (let index = 1; index < page.rows.length; index++) {
      const rank = (state: string) => COMPANY_STATES.indexOf(state as never);
      expect(rank(page.rows[index - 1]!.state)).toBeLessThanOrEqual(rank(page.rows[index]!.state));
    }
  });

  it('filters by name, tier and state, and pages', () => {
    expect(status.rows({ search: 'MILL' }).rows.map((row) => row.company)).toEqual(['steel']);
    expect(status.rows({ search: 'frame' }).total).toBe(2);
    expect(
      status
        .rows({ tier: 1 })
        .rows.map((row) => row.company)
        .sort(),
    ).toEqual(['frame-a', 'frame-b']);
    expect(status.rows({ states: ['ok'] }).rows.every((row) => row.state === 'ok')).toBe(true);
    const all = status.rows().rows.map((row) => row.company);
    const paged = [0, 2, 4].flatMap((offset) =>
      status.rows({ offset, limit: 2 }).rows.map((row) => row.company),
    );
    expect(paged).toEqual(all);
    expect(status.rows({ offset: 4, limit: 2 }).total).toBe(5);
  });

  it("a company's orders: open ones with ETA against plan, then planned ones by due, each with its unit", () => {
    const oem = status.company('oem')!;
    expect(oem.orders[0]).toMatchObject({ id: 'po-1', source: 'open', plannedDue: 1, eta: 3, delay: 2 });
    expect(oem.orders[1]).toMatchObject({
      id: 'wo-1',
      source: 'open',
      role: 'make',
      plannedDue: null,
      delay: 0,
    });
    const planned = oem.orders.filter((order) => order.source === 'plan');
    expect(planned.length).toBe([...plan.orders].filter((order) => order.company === 'oem').length);
    for (let index = 1; index < planned.length; index++)
      expect(planned[index - 1]!.eta).toBeLessThanOrEqual(planned[index]!.eta);
    expect(oem.shortages).toEqual(plan.shortages.filter((shortage) => shortage.company === 'oem'));

    const steel = status.company('steel', { limit: 1 })!;
    expect(steel.orders).toHaveLength(1);
    expect(steel.orders[0]).toMatchObject({ role: 'make', unit: 'kg' });
    const frameA = status.company('frame-a')!;
    const supplies = frameA.orders.filter((order) => order.role === 'supply');
    expect(supplies.length).toBe(frameA.row.customerOrders);
    expect(supplies.every((order) => order.counterpart === 'oem')).toBe(true);
    expect(frameA.orders.some((order) => order.role === 'buy' && order.counterpart === 'steel')).toBe(true);
    expect(status.company('nobody')).toBeUndefined();
  });

  it('reads the same through an order index as by scanning the plan', () => {
    const byCompany = new Map<string, number[]>();
    let index = 0;
    for (const order of plan.orders) {
      for (const company of new Set([order.company, order.supplier ?? order.company])) {
        byCompany.set(company, [...(byCompany.get(company) ?? []), index]);
      }
      index++;
    }
    for (const company of ['oem', 'frame-a', 'frame-b', 'steel', 'idle']) {
      expect(status.company(company, { ordersOf: (id) => byCompany.get(id) ?? [] })).toEqual(
        status.company(company),
      );
    }
  });

  it('first dues: the version first, then order.opened payloads; an id keeps its first due', () => {
    const dues = firstDues(
      [{ id: 'a', due: 2 }, { due: 5 }],
      [{ id: 'a', due: 9 }, { id: 'b', due: 4 }, { id: 7, due: 1 }, { id: 'c' }],
    );
    expect([...dues]).toEqual([
      ['a', 2],
      ['b', 4],
    ]);
  });

  it('on generated networks: every company once, states counted, shortages and orders add up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const network = generateNetwork({ companies: 30, seed, horizon: 12 });
        const generatedPlan = planNetwork(network);
        const page = new ChainStatus(network, generatedPlan).rows();
        expect(page.total).toBe(network.companies.length);
        expect(new Set(page.rows.map((row) => row.company)).size).toBe(network.companies.length);
        const short = page.rows.reduce(
          (sum, row) => sum + row.shortages.reduce((total, line) => total + line.quantity, 0),
          0,
        );
        const expected = generatedPlan.shortages.reduce((sum, shortage) => sum + shortage.quantity, 0);
        expect(short).toBeCloseTo(expected, 3);
        const placed = page.rows.reduce((sum, row) => sum + row.plannedOrders, 0);
        expect(placed).toBe(generatedPlan.orders.length);
        expect(page.rows.filter((row) => row.state === 'short').length).toBe(page.counts.short);
      }),
      { numRuns: 8 },
    );
  });
});
