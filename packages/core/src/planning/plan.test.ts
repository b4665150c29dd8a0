import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../model/load.ts';
import type { Network } from '../model/schema.ts';
import { checkPlan } from './check-plan.ts';
import { type Plan, planNetwork } from './plan.ts';

const minimalPath = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));

function loadMinimal(): Network {
  const result = loadNetworkFile({ name: 'network-minimal.yaml', text: readFileSync(minimalPath, 'utf8') });
  if (!result.ok) throw new Error('the minimal network does not load');
  return result.value.network;
}

/** A one-company network around `parts`; every test names only what it is about. */
function network(parts: Partial<Network>): Network {
  return {
    format: 'keten.network/v1',
    name: 'test',
    period: 'week',
    start: '2027-01-04',
    horizon: 4,
    companies: [
      { id: 'maker', name: 'Maker', site: { country: 'NL', region: 'EU' } },
      { id: 'a', name: 'A', site: { country: 'NL', region: 'EU' } },
      { id: 'b', name: 'B', site: { country: 'DE', region: 'EU' } },
      { id: 'c', name: 'C', site: { country: 'CN', region: 'ASIA' } },
    ],
    items: [
      { id: 'widget', name: 'Widget', unit: 'pcs' },
      { id: 'gadget', name: 'Gadget', unit: 'pcs' },
      { id: 'resin', name: 'Resin', unit: 'kg' },
    ],
    ...parts,
  };
}

function planned(plan: Plan) {
  return [...plan.orders].map((order) => ({
    id: order.id,
    quantity: order.quantity,
    ...(order.startQuantity === undefined ? {} : { startQuantity: order.startQuantity }),
  }));
}

function expectValid(input: Network, plan: Plan) {
  expect(checkPlan(input, plan)).toEqual([]);
}

describe('planNetwork on the minimal network (issue 3, "Done means")', () => {
  /*
   * By hand. Horizon 12 (periods 0-11). Machine demand 4,4,6,6,8,8,8,8,8 in periods 3-11; the OEM
   * has 2 machines arriving in period 1 (open order), 5 frames on hand, and makes machines in 2
   * periods with capacity 10.
   * - frame-b: no steel on hand, its steel lane is 5 periods, so steel reaches it in period 5 at the
   *   earliest (steel ships from stock in period 0); frames made from period 5 are done in 6, and the
   *   sea lane of 6 periods brings them to the OEM in period 12: after the horizon. So frame-b's 30%
   *   moves to frame-a, and frame-b gets no order at all.
   * - frame-a: its first steel arrives in period 1 (open order of 480 kg, and steel's own lane of 1 from
   *   stock in period 0), so its first frames start in 1, are done in 2 and reach the OEM in 3.
   *   It starts at most 8 per period at a yield of 0.98: 7.84 good frames a period on average,
   *   counted in whole frames on the running total (started 8, 7, 8, 8, 8, 8, 8 in periods 1-7: 7, 7,
   *   8, 8, 8, 8, 7 good; 53 in all = floor(54 × 0.98)).
   * - Machines by period 4: 2 open + 5 from the frames on hand (started in 1 and 2) = 7 against a
   *   demand of 4 + 4 = 8: 1 short in period 4, caused by frame-a's lead time (it cannot ship
   *   before period 2, the frames for the start in period 2 would have to ship in period 1). It is
   *   delivered late, in period 5.
   * - From period 5 the OEM needs 8 frames a period. frame-a runs at its capacity of 8 starts in
   *   periods 3-7, and its 53 frames plus the 5 on hand make the 58 machines started in periods 1-9:
   *   every later demand is met on time. frame-a is loaded to the full 8, never over: no bottleneck.
   */
  const input = loadMinimal();
  const plan = planNetwork(input);

  it('keeps every rule of the plan', () => {
    expectValid(input, plan);
    expect(plan.network).toBe('minimal-two-tier');
    expect(plan.horizon).toBe(12);
  });

  it('buys no frames from frame-b: they cannot arrive before period 12', () => {
    expect(
      [...plan.orders].filter((order) => order.supplier === 'frame-b' || order.company === 'frame-b'),
    ).toEqual([]);
    const frames = [...plan.orders].filter((order) => order.company === 'oem' && order.item === 'frame');
    expect(frames.length).toBeGreaterThan(0);
    for (const order of frames) {
      expect(order.supplier).toBe('frame-a');
      expect(order.due).toBeGreaterThanOrEqual(3);
    }
  });

  it("brings frame-a's steel in period 1 at the earliest and starts nothing before period 0", () => {
    const steel = [...plan.orders].filter(
      (order) => order.company === 'frame-a' && order.item === 'steel-plate',
    );
    expect(Math.min(...steel.map((order) => order.due))).toBe(1);
    for (const order of plan.orders) expect(order.start).toBeGreaterThanOrEqual(0);
  });

  it('makes at most 8 frames a period at frame-a, with the yield on the started quantity', () => {
    const frames = [...plan.orders].filter((order) => order.company === 'frame-a' && order.item === 'frame');
    const started = frames.map((order) => order.startQuantity ?? order.quantity);
    expect(started).toEqual([8, 7, 8, 8, 8, 8, 8]);
    expect(frames.map((order) => order.quantity)).toEqual([7, 7, 8, 8, 8, 8, 7]);
    // Whole frames on the running total: what is made is what 0.98 of all starts gives.
    const total = started.reduce((sum, value) => sum + value, 0);
    expect(frames.reduce((sum, order) => sum + order.quantity, 0)).toBe(Math.floor(total * 0.98));
  });

  it('reports what cannot be met on time as shortages with their cause', () => {
    expect(
      plan.shortages.map((shortage) => [shortage.period, shortage.quantity, shortage.cause.code]),
    ).toEqual([[4, 1, 'lead-time']]);
    expect(plan.deliveries.filter((delivery) => delivery.forPeriod === 4)).toEqual([
      { company: 'oem', item: 'machine', period: 4, quantity: 3, forPeriod: 4 },
      { company: 'oem', item: 'machine', period: 5, quantity: 1, forPeriod: 4 },
    ]);
    for (const shortage of plan.shortages) {
      expect(shortage).toMatchObject({ company: 'oem', item: 'machine' });
      expect(shortage.cause.company).toBe('frame-a');
      expect(shortage.cause.item).toBe('frame');
      expect(shortage.cause.text.length).toBeGreaterThan(20);
    }
    expect(plan.shortages[0]?.cause.text).toContain('cannot ship frame before period 2');
  });

  it('loads frame-a to its capacity without a bottleneck, and pegs its orders to machine demand', () => {
    expect(plan.bottlenecks).toEqual([]);
    const frames = [...plan.orders].filter((order) => order.company === 'frame-a' && order.item === 'frame');
    const late = frames.filter((order) => order.start >= 3);
    expect(late.map((order) => order.startQuantity ?? order.quantity)).toEqual([8, 8, 8, 8, 8]);
    const steel = plan.pegging.find((peg) => peg.order === 'frame-a/steel-plate/buy/steel/2');
    expect(steel?.servesDemand.length).toBeGreaterThan(0);
    for (const served of steel?.servesDemand ?? [])
      expect(served).toMatchObject({ company: 'oem', item: 'machine' });
  });

  it('gives the same plan for the same input', () => {
    expect(planNetwork(loadMinimal())).toEqual(plan);
  });
});

describe('planNetwork on hand-computed networks', () => {
  it('applies lot sizes and yield to the started quantity', () => {
    // 7 good at 0.9 yield: ceil(7 / 0.9) = 8 starts, the minimum lot 10, a multiple of 5: 10; 9 good.
    const input = network({
      horizon: 2,
      production: [
        {
          company: 'maker',
          item: 'widget',
          leadTime: 1,
          capacity: 100,
          yield: 0.9,
          lotSize: { minimum: 10, multiple: 5 },
        },
      ],
      demand: [{ company: 'maker', item: 'widget', quantities: [0, 7] }],
    });
    const plan = planNetwork(input);
    expect(planned(plan)).toEqual([{ id: 'maker/widget/make/0', quantity: 9, startQuantity: 10 }]);
    expect(plan.shortages).toEqual([]);
    expectValid(input, plan);
  });

  it('restores safety stock and counts open orders as scheduled receipts', () => {
    // on hand 5, target 3, 4 arriving in period 1; demand 2, 6, 5, 0.
    // t0: 5 − 2 = 3. t1: 3 + 4 − 6 = 1 < 3: make 2 (start 0). t2: 3 − 5: make 5 (start 1). t3: 3.
    const input = network({
      production: [{ company: 'maker', item: 'resin', leadTime: 1, capacity: 100 }],
      inventory: [{ company: 'maker', item: 'resin', onHand: 5, safetyStock: 3 }],
      openOrders: [{ kind: 'production', company: 'maker', item: 'resin', quantity: 4, due: 1 }],
      demand: [{ company: 'maker', item: 'resin', quantities: [2, 6, 5, 0] }],
    });
    const plan = planNetwork(input);
    expect(planned(plan)).toEqual([
      { id: 'maker/resin/make/0', quantity: 2 },
      { id: 'maker/resin/make/1', quantity: 5 },
    ]);
    expect(plan.shortages).toEqual([]);
    expectValid(input, plan);
  });

  it('counts every scheduled receipt of a node, the last one periods after the first', () => {
    // No capacity, nothing on hand: the demand of periods 1 and 3 is met by the open orders alone
    // (pass 2 reads a node's receipts up to its last one).
    const input = network({
      production: [{ company: 'maker', item: 'resin', leadTime: 1, capacity: 0 }],
      openOrders: [
        { kind: 'production', company: 'maker', item: 'resin', quantity: 4, due: 1 },
        { kind: 'production', company: 'maker', item: 'resin', quantity: 5, due: 3 },
      ],
      demand: [{ company: 'maker', item: 'resin', quantities: [0, 4, 0, 5] }],
    });
    const plan = planNetwork(input);
    expect(plan.shortages).toEqual([]);
    expect(plan.deliveries.map((d) => [d.period, d.quantity])).toEqual([
      [1, 4],
      [3, 5],
    ]);
    expectValid(input, plan);
  });

  it('builds ahead within the window around a shutdown week, else reports capacity', () => {
    // capacity 10, 10, 0 (shutdown), 10; lead time 1; demand 15 in period 2 and 8 in period 3.
    // 15 for t2: start 1 takes 10, start 0 takes 5. 8 for t3: start 2 is shut, start 1 full, start 0
    // has 5 left: 5; the other 3 are short, cause capacity at maker.
    const parts: Partial<Network> = {
      production: [{ company: 'maker', item: 'widget', leadTime: 1, capacity: [10, 10, 0, 10] }],
      demand: [{ company: 'maker', item: 'widget', quantities: [0, 0, 15, 8] }],
    };
    const input = network(parts);
    const plan = planNetwork(input);
    expect(planned(plan)).toEqual([
      { id: 'maker/widget/make/1', quantity: 10 },
      { id: 'maker/widget/make/0', quantity: 10 },
    ]);
    expect(plan.shortages).toEqual([
      {
        company: 'maker',
        item: 'widget',
        period: 3,
        quantity: 3,
        cause: expect.objectContaining({ code: 'capacity', company: 'maker', item: 'widget', period: 2 }),
      },
    ]);
    expect(plan.bottlenecks).toEqual([
      { company: 'maker', capacity: 'maker/widget', period: 1, load: 15, limit: 10 },
      { company: 'maker', capacity: 'maker/widget', period: 2, load: 8, limit: 0 },
    ]);
    expectValid(input, plan);
    // With a window of 1, the 8 for period 3 may only use periods 2 and 1: all short.
    const narrow = planNetwork(input, { buildAheadWindow: 1 });
    expect(narrow.shortages.map((shortage) => [shortage.period, shortage.quantity])).toEqual([[3, 8]]);
    expectValid(input, narrow);
  });

  it('shares a capacity group between items', () => {
    // group capacity 10: widget loads 1, gadget 2. Widget (planned first) takes 6, leaving room for 2
    // gadgets of the 4 wanted; the load all demand would need is 6 + 8 = 14.
    const input = network({
      horizon: 1,
      production: [
        { company: 'maker', item: 'widget', leadTime: 0, capacity: 100 },
        { company: 'maker', item: 'gadget', leadTime: 0, capacity: 100, maximumCapacity: 120 },
      ],
      capacityGroups: [
        {
          id: 'press',
          company: 'maker',
          capacity: 10,
          maximumCapacity: 12,
          items: [
            { item: 'widget', load: 1 },
            { item: 'gadget', load: 2 },
          ],
        },
      ],
      demand: [
        { company: 'maker', item: 'widget', quantities: [6] },
        { company: 'maker', item: 'gadget', quantities: [4] },
      ],
    });
    const plan = planNetwork(input);
    expect(planned(plan)).toEqual([
      { id: 'maker/widget/make/0', quantity: 6 },
      { id: 'maker/gadget/make/0', quantity: 2 },
    ]);
    expect(plan.shortages.map((shortage) => [shortage.item, shortage.quantity, shortage.cause.code])).toEqual(
      [['gadget', 2, 'capacity-group']],
    );
    expect(plan.bottlenecks).toEqual([
      { company: 'maker', capacity: 'press', period: 0, load: 14, limit: 10, maximum: 12 },
    ]);
    expectValid(input, plan);
  });

  it('places no order in the past or in the frozen periods: shortages instead', () => {
    const input = network({
      horizon: 3,
      production: [{ company: 'maker', item: 'widget', leadTime: 1, capacity: 100 }],
      demand: [{ company: 'maker', item: 'widget', quantities: [5, 5, 5] }],
    });
    const plan = planNetwork(input, { frozenPeriods: 1 });
    // Period 1's start also catches up the 10 short in periods 0 and 1: they are delivered late.
    expect(planned(plan)).toEqual([{ id: 'maker/widget/make/1', quantity: 10 }]);
    expect(plan.deliveries.filter((delivery) => delivery.period > delivery.forPeriod)).toEqual([
      { company: 'maker', item: 'widget', period: 2, quantity: 5, forPeriod: 0 },
    ]);
    expect(
      plan.shortages.map((shortage) => [shortage.period, shortage.quantity, shortage.cause.code]),
    ).toEqual([
      [0, 5, 'lead-time'],
      [1, 5, 'frozen'],
    ]);
    expectValid(input, plan);
  });

  it('draws on safety stock to serve demand that would be short, reports it, and restores it', () => {
    // Stock 5 = the target; demand 3 in period 0 cannot be made in time (lead time 1): it is served
    // from the safety stock, which a start in period 0 restores in period 1.
    const input = network({
      horizon: 3,
      production: [{ company: 'maker', item: 'widget', leadTime: 1, capacity: 10 }],
      inventory: [{ company: 'maker', item: 'widget', onHand: 5, safetyStock: 5 }],
      demand: [{ company: 'maker', item: 'widget', quantities: [3, 0, 0] }],
    });
    const plan = planNetwork(input);
    expect(plan.shortages).toEqual([]);
    expect(plan.safetyStockDraws).toEqual([
      { company: 'maker', item: 'widget', period: 0, stock: 2, target: 5 },
    ]);
    expect(planned(plan)).toEqual([{ id: 'maker/widget/make/0', quantity: 3 }]);
    expectValid(input, plan);
  });

  it('counts whole units of a yield on the running total, so one start a week at 95 % still makes', () => {
    // Capacity 1 a week at a yield of 0.95, demand 1 every other week: 20 starts give 19 good.
    const input = network({
      horizon: 20,
      production: [{ company: 'maker', item: 'widget', leadTime: 1, capacity: 1, yield: 0.95 }],
      inventory: [{ company: 'maker', item: 'widget', onHand: 1 }],
      demand: [{ company: 'maker', item: 'widget', quantities: Array.from({ length: 20 }, (_, t) => t % 2) }],
    });
    const plan = planNetwork(input);
    const made = [...plan.orders].reduce((sum, order) => sum + order.quantity, 0);
    const started = [...plan.orders].reduce((sum, order) => sum + (order.startQuantity ?? order.quantity), 0);
    expect(made).toBe(Math.floor(started * 0.95 + 1e-9));
    expect(plan.shortages).toEqual([]);
    expectValid(input, plan);
  });

  it('delivers late when stock comes in, and keeps on time + short = demand', () => {
    // capacity 4 a period, lead time 0: demand 6 in period 0 leaves 2 short, delivered late in period 1.
    const input = network({
      horizon: 2,
      production: [{ company: 'maker', item: 'widget', leadTime: 0, capacity: 4 }],
      inventory: [{ company: 'maker', item: 'widget', onHand: 0 }],
      demand: [{ company: 'maker', item: 'widget', quantities: [6, 1] }],
    });
    const plan = planNetwork(input, { buildAheadWindow: 0 });
    expect(plan.deliveries).toEqual([
      { company: 'maker', item: 'widget', period: 0, quantity: 4, forPeriod: 0 },
      { company: 'maker', item: 'widget', period: 1, quantity: 1, forPeriod: 1 },
      { company: 'maker', item: 'widget', period: 1, quantity: 2, forPeriod: 0 },
    ]);
    expect(plan.shortages.map((shortage) => shortage.quantity)).toEqual([2]);
    expectValid(input, plan);
  });
});

describe('planNetwork with a supplier blocked for one customer', () => {
  // maker buys widgets from a and b, half each, one period by road; both make 20 a period.
  const input = network({
    horizon: 4,
    production: [
      { company: 'a', item: 'widget', leadTime: 0, capacity: 20 },
      { company: 'b', item: 'widget', leadTime: 0, capacity: 20 },
    ],
    sourcing: [
      {
        buyer: 'maker',
        item: 'widget',
        suppliers: [
          { supplier: 'a', share: 0.5, leadTime: 1 },
          { supplier: 'b', share: 0.5, leadTime: 1 },
        ],
      },
    ],
    demand: [{ company: 'maker', item: 'widget', quantities: [0, 10, 10, 10] }],
  });
  const bought = (plan: Plan, supplier: string) =>
    [...plan.orders]
      .filter((order) => order.kind === 'purchase' && order.supplier === supplier)
      .map((order) => [order.start, order.quantity]);

  it('moves what the blocked supplier would ship to the other approved supplier, in the blocked periods only', () => {
    const open = planNetwork(input);
    expect(bought(open, 'a')).toEqual([
      [0, 5],
      [1, 5],
      [2, 5],
    ]);
    expect(bought(open, 'b')).toEqual(bought(open, 'a'));
    // b answered that it ships no more to maker before period 2 (ship periods 0 and 1).
    const plan = planNetwork(input, {
      blocked: [{ supplier: 'b', item: 'widget', customer: 'maker', from: 0, to: 2 }],
    });
    expect(bought(plan, 'b')).toEqual([[2, 5]]);
    expect(bought(plan, 'a')).toEqual([
      [0, 10],
      [1, 10],
      [2, 5],
    ]);
    expect(plan.shortages).toEqual([]);
    expectValid(input, plan);
  });

  it("leaves the plan as it is when the window is another customer's", () => {
    const plan = planNetwork(input, {
      blocked: [{ supplier: 'b', item: 'widget', customer: 'c', from: 0, to: 4 }],
    });
    expect(planned(plan)).toEqual(planned(planNetwork(input)));
  });
});

describe("frePPLe's operation_split regression in keten's format", () => {
  /*
   * /work/shared/data/frepple-tests/operation_split, case 1: a demand of 100 for item 1 at location 1,
   * split over three operations with priorities 30, 35 and 35; the .expect files show 30, 35 and 35
   * arriving. Here: the buyer sources the item from three makers with shares 0.3, 0.35 and 0.35.
   */
  it('splits a demand of 100 into 30, 35 and 35', () => {
    const input = network({
      horizon: 6,
      production: ['a', 'b', 'c'].map((company) => ({
        company,
        item: 'widget',
        leadTime: 1,
        capacity: 1000,
      })),
      sourcing: [
        {
          buyer: 'maker',
          item: 'widget',
          suppliers: [
            { supplier: 'a', share: 0.3, leadTime: 1 },
            { supplier: 'b', share: 0.35, leadTime: 1 },
            { supplier: 'c', share: 0.35, leadTime: 1 },
          ],
        },
      ],
      demand: [{ company: 'maker', item: 'widget', quantities: [0, 0, 0, 0, 0, 100] }],
    });
    const plan = planNetwork(input);
    const purchases = [...plan.orders].filter((order) => order.kind === 'purchase');
    expect(purchases.map((order) => [order.supplier, order.quantity, order.start, order.due]).sort()).toEqual(
      [
        ['a', 30, 4, 5],
        ['b', 35, 4, 5],
        ['c', 35, 4, 5],
      ],
    );
    expect(plan.shortages).toEqual([]);
    expectValid(input, plan);
  });

  it('keeps cumulative whole-unit quantities within one unit of the shares', () => {
    const input = network({
      horizon: 12,
      production: ['a', 'b', 'c'].map((company) => ({
        company,
        item: 'widget',
        leadTime: 0,
        capacity: 1000,
      })),
      sourcing: [
        {
          buyer: 'maker',
          item: 'widget',
          suppliers: [
            { supplier: 'a', share: 0.6, leadTime: 1 },
            { supplier: 'b', share: 0.2, leadTime: 1 },
            { supplier: 'c', share: 0.2, leadTime: 1 },
          ],
        },
      ],
      demand: [{ company: 'maker', item: 'widget', quantities: [0, 3, 7, 1, 1, 2, 9, 4, 1, 1, 5, 3] }],
    });
    const plan = planNetwork(input);
    const cumulative = new Map<string, number>();
    let total = 0;
    for (let due = 1; due < 12; due++) {
      for (const order of [...plan.orders].filter(
        (candidate) => candidate.kind === 'purchase' && candidate.due === due,
      )) {
        expect(Number.isInteger(order.quantity)).toBe(true);
        cumulative.set(order.supplier!, (cumulative.get(order.supplier!) ?? 0) + order.quantity);
        total += order.quantity;
      }
      for (const [supplier, share] of [
        ['a', 0.6],
        ['b', 0.2],
        ['c', 0.2],
      ] as const) {
        expect(Math.abs((cumulative.get(supplier) ?? 0) - share * total)).toBeLessThan(1);
      }
    }
    expect(total).toBe(37);
    expectValid(input, plan);
  });
});
