import { describe, expect, it } from 'vitest';
import { NETWORK_FORMAT, type Network, valueAt } from '../model/schema.ts';
import { validateNetwork } from '../model/validate.ts';
import {
  type AppliedPlanningEvents,
  applyPlanningEvents,
  checkPlanningPayloads,
  formatLoggedEventProblem,
  formatPlanningEventProblem,
  isPlanningEventType,
  type PlanningEventInput,
  type PlanningEventProblem,
} from './events.ts';

/** The minimal example network (abridged), with a capacity group at frame-a and numbered open orders. */
function network(): Network {
  return {
    format: NETWORK_FORMAT,
    name: 'minimal-two-tier',
    period: 'week',
    start: '2027-01-04',
    horizon: 12,
    companies: [
      { id: 'oem', name: 'Example Systems B.V.', site: { country: 'NL', region: 'EU' } },
      { id: 'frame-a', name: 'Frame Works GmbH', site: { country: 'DE', region: 'EU' } },
      { id: 'frame-b', name: 'Frame Asia Ltd.', site: { country: 'CN', region: 'ASIA' } },
      { id: 'steel', name: 'Staal IJmond', site: { country: 'NL', region: 'EU' } },
    ],
    items: [
      { id: 'machine', name: 'Machine', unit: 'pcs' },
      { id: 'frame', name: 'Welded frame', unit: 'pcs' },
      { id: 'bracket', name: 'Bracket', unit: 'pcs' },
      { id: 'steel-plate', name: 'Steel plate', unit: 'kg' },
    ],
    production: [
      {
        company: 'oem',
        item: 'machine',
        leadTime: 2,
        capacity: 10,
        maximumCapacity: 12,
        bom: [{ item: 'frame', quantity: 1 }],
      },
      {
        company: 'frame-a',
        item: 'frame',
        leadTime: 1,
        capacity: 8,
        bom: [{ item: 'steel-plate', quantity: 120 }],
      },
      { company: 'frame-a', item: 'bracket', leadTime: 1, capacity: [4, 4, 0, 4] },
      {
        company: 'frame-b',
        item: 'frame',
        leadTime: 1,
        capacity: 20,
        bom: [{ item: 'steel-plate', quantity: 120 }],
      },
      { company: 'steel', item: 'steel-plate', leadTime: 1, capacity: 5000 },
    ],
    capacityGroups: [
      {
        id: 'frame-a-welding',
        company: 'frame-a',
        capacity: 10,
        maximumCapacity: [12, 12, 12, 14],
        items: [
          { item: 'frame', load: 1 },
          { item: 'bracket', load: 0.5 },
        ],
      },
    ],
    sourcing: [
      {
        buyer: 'oem',
        item: 'frame',
        suppliers: [
          { supplier: 'frame-a', share: 0.7, leadTime: 1 },
          { supplier: 'frame-b', share: 0.3, leadTime: 6 },
        ],
      },
      { buyer: 'oem', item: 'bracket', suppliers: [{ supplier: 'frame-a', share: 1, leadTime: 1 }] },
      { buyer: 'frame-a', item: 'steel-plate', suppliers: [{ supplier: 'steel', share: 1, leadTime: 1 }] },
      { buyer: 'frame-b', item: 'steel-plate', suppliers: [{ supplier: 'steel', share: 1, leadTime: 5 }] },
    ],
    inventory: [{ company: 'oem', item: 'frame', onHand: 5 }],
    openOrders: [
      {
        kind: 'purchase',
        company: 'frame-a',
        item: 'steel-plate',
        supplier: 'steel',
        quantity: 480,
        due: 1,
        id: 'PO-1',
      },
      { kind: 'production', company: 'oem', item: 'machine', quantity: 2, due: 1, id: 'MO-1' },
    ],
    demand: [{ company: 'oem', item: 'machine', quantities: [0, 0, 0, 4, 4, 6, 6, 8, 8, 8, 8, 8] }],
  };
}

/** Freezes a value and everything in it, so any write to the input throws (modules run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const event = (
  type: string,
  payload: unknown,
  extra: Partial<PlanningEventInput> = {},
): PlanningEventInput => ({
  type,
  payload,
  ...extra,
});

/** Applies events to a frozen copy of the network; fails the test when they are refused. */
function applied(events: PlanningEventInput[], base: Network = network()): AppliedPlanningEvents {
  const result = applyPlanningEvents(deepFreeze(base), events);
  if (!result.ok) throw new Error(result.error.map(formatPlanningEventProblem).join('\n'));
  const { issues } = validateNetwork(result.value.network);
  expect(issues.filter((issue) => issue.severity === 'error')).toEqual([]);
  return result.value;
}

/** The problems of refused events; fails the test when they are accepted. */
function refused(events: PlanningEventInput[], base: Network = network()): PlanningEventProblem[] {
  const result = applyPlanningEvents(deepFreeze(base), events);
  if (result.ok) throw new Error('expected the events to be refused');
  return result.error;
}

const production = (result: AppliedPlanningEvents, company: string, item: string) =>
  result.network.production?.find((record) => record.company === company && record.item === item);

const perPeriod = (value: number | number[] | undefined, horizon = 12): number[] =>
  Array.from({ length: horizon }, (_, period) => (value === undefined ? Number.NaN : valueAt(value, period)));

describe('capacity.changed', () => {
  it('sets the capacity of a production record in the window only, as a compact list', () => {
    const result = applied([
      event('capacity.changed', { company: 'frame-a', item: 'frame', from: 4, to: 7, capacity: 2 }),
    ]);
    expect(production(result, 'frame-a', 'frame')?.capacity).toEqual([8, 8, 8, 8, 2, 2, 2, 8]);
    expect(result.touched).toEqual({
      nodes: [{ company: 'frame-a', item: 'frame', changes: ['capacity'], from: 4 }],
      groups: [],
      suppliers: [],
    });
    expect(result.applied).toBe(1);
    expect(result.blocked).toEqual([]);
  });

  it('runs to the end of the horizon without `to`, and folds a constant list back into one number', () => {
    const lowered = applied([
      event('capacity.changed', { company: 'steel', item: 'steel-plate', from: 6, capacity: 100 }),
    ]);
    expect(production(lowered, 'steel', 'steel-plate')?.capacity).toEqual([
      5000, 5000, 5000, 5000, 5000, 5000, 100,
    ]);
    const restored = applied(
      [event('capacity.changed', { company: 'steel', item: 'steel-plate', from: 6, capacity: 5000 })],
      lowered.network,
    );
    expect(production(restored, 'steel', 'steel-plate')?.capacity).toBe(5000);
  });

  it('writes a capacity of 0 everywhere as [0], which the validator accepts (a single 0 it rejects)', () => {
    const result = applied([
      event('capacity.changed', { company: 'frame-b', item: 'frame', from: 0, capacity: 0 }),
    ]);
    expect(production(result, 'frame-b', 'frame')?.capacity).toEqual([0]);
  });

  it('raises the maximum capacity with the capacity where it would fall below, and only there', () => {
    const result = applied([
      event('capacity.changed', { company: 'oem', item: 'machine', from: 2, to: 4, capacity: 15 }),
    ]);
    const record = production(result, 'oem', 'machine');
    expect(perPeriod(record?.capacity)).toEqual([10, 10, 15, 15, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(perPeriod(record?.maximumCapacity)).toEqual([12, 12, 15, 15, 12, 12, 12, 12, 12, 12, 12, 12]);
    const lower = applied([
      event('capacity.changed', { company: 'oem', item: 'machine', from: 2, capacity: 5 }),
    ]);
    expect(production(lower, 'oem', 'machine')?.maximumCapacity).toBe(12);
  });

  it('changes nothing, and touches nothing, when the capacity already has that value', () => {
    const base = network();
    const result = applied(
      [event('capacity.changed', { company: 'frame-a', item: 'frame', from: 0, capacity: 8 })],
      base,
    );
    expect(result.applied).toBe(1);
    expect(result.touched.nodes).toEqual([]);
    expect(result.network.production).toBe(base.production);
  });

  it('sets the capacity of a capacity group', () => {
    const result = applied([
      event('capacity.changed', {
        company: 'frame-a',
        group: 'frame-a-welding',
        from: 3,
        to: 5,
        capacity: 13,
      }),
    ]);
    const group = result.network.capacityGroups?.[0];
    expect(group?.capacity).toEqual([10, 10, 10, 13, 13, 10]);
    expect(perPeriod(group?.maximumCapacity).slice(0, 6)).toEqual([12, 12, 12, 14, 14, 14]);
    expect(result.touched).toEqual({
      nodes: [],
      groups: [{ id: 'frame-a-welding', company: 'frame-a', from: 3 }],
      suppliers: [],
    });
  });

  it('raises a group maximum below the new capacity', () => {
    const result = applied([
      event('capacity.changed', {
        company: 'frame-a',
        group: 'frame-a-welding',
        from: 0,
        to: 2,
        capacity: 13,
      }),
    ]);
    expect(perPeriod(result.network.capacityGroups?.[0]?.maximumCapacity).slice(0, 5)).toEqual([
      13, 13, 12, 14, 14,
    ]);
  });

  it('refuses a group of another company, an unknown group, and both or neither of item and group', () => {
    const problems = refused([
      event('capacity.changed', { company: 'steel', group: 'frame-a-welding', from: 0, capacity: 1 }),
      event('capacity.changed', { company: 'frame-a', group: 'frame-a-weldin', from: 0, capacity: 1 }),
      event('capacity.changed', {
        company: 'frame-a',
        item: 'frame',
        group: 'frame-a-welding',
        from: 0,
        capacity: 1,
      }),
      event('capacity.changed', { company: 'frame-a', from: 0, capacity: 1 }),
    ]);
    expect(problems.map(({ index, code, path }) => ({ index, code, path }))).toEqual([
      { index: 0, code: 'unknown-group', path: ['payload', 'group'] },
      { index: 1, code: 'unknown-group', path: ['payload', 'group'] },
      { index: 2, code: 'invalid-value', path: ['payload', 'group'] },
      { index: 3, code: 'missing-field', path: ['payload'] },
    ]);
    expect(problems[0]?.message).toBe(
      "capacity group 'frame-a-welding' belongs to company 'frame-a', not 'steel'",
    );
    expect(problems[1]?.message).toContain("did you mean 'frame-a-welding'?");
  });

  it('refuses a company and item without a production record, naming what the company makes', () => {
    const [problem] = refused([
      event('capacity.changed', { company: 'frame-b', item: 'bracket', from: 0, capacity: 1 }),
    ]);
    expect(problem).toMatchObject({ code: 'no-production', path: ['payload', 'item'] });
    expect(problem?.message).toBe("company 'frame-b' has no production record for 'bracket'; it makes frame");
  });

  it('refuses windows outside the horizon or empty, saying what to give instead', () => {
    const problems = refused([
      event('capacity.changed', { company: 'steel', item: 'steel-plate', from: 12, capacity: 1 }),
      event('capacity.changed', { company: 'steel', item: 'steel-plate', from: 3, to: 13, capacity: 1 }),
      event('capacity.changed', { company: 'steel', item: 'steel-plate', from: 3, to: 3, capacity: 1 }),
    ]);
    expect(problems.map(({ code, path }) => [code, path.join('.')])).toEqual([
      ['outside-horizon', 'payload.from'],
      ['outside-horizon', 'payload.to'],
      ['empty-window', 'payload.to'],
    ]);
    expect(problems[0]?.message).toBe('period 12 is beyond the horizon (periods 0 to 11)');
    expect(problems[1]?.message).toContain("leave 'to' out to mean to the end, or give at most 12");
  });
});

describe('supplier.down', () => {
  it('stops all production and groups of the company in the window and blocks its shipments', () => {
    const result = applied([event('supplier.down', { company: 'frame-a', from: 2, to: 5 })]);
    expect(perPeriod(production(result, 'frame-a', 'frame')?.capacity)).toEqual([
      8, 8, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8,
    ]);
    // The bracket line was already down in period 2.
    expect(perPeriod(production(result, 'frame-a', 'bracket')?.capacity)).toEqual([
      4, 4, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4,
    ]);
    const group = result.network.capacityGroups?.[0];
    expect(perPeriod(group?.capacity)).toEqual([10, 10, 0, 0, 0, 10, 10, 10, 10, 10, 10, 10]);
    expect(perPeriod(group?.maximumCapacity)).toEqual([12, 12, 0, 0, 0, 14, 14, 14, 14, 14, 14, 14]);
    expect(result.blocked).toEqual([{ supplier: 'frame-a', from: 2, to: 5 }]);
    expect(result.touched).toEqual({
      nodes: [
        { company: 'frame-a', item: 'bracket', changes: ['capacity'], from: 3 },
        { company: 'frame-a', item: 'frame', changes: ['capacity'], from: 2 },
      ],
      groups: [{ id: 'frame-a-welding', company: 'frame-a', from: 2 }],
      suppliers: ['frame-a'],
    });
  });

  it('with items, stops only those production records, leaves the groups, and blocks per item to the end', () => {
    const base = network();
    const result = applied(
      [event('supplier.down', { company: 'frame-a', from: 9, items: ['frame', 'frame'] })],
      base,
    );
    expect(perPeriod(production(result, 'frame-a', 'frame')?.capacity).slice(8)).toEqual([8, 0, 0, 0]);
    expect(production(result, 'frame-a', 'bracket')?.capacity).toEqual([4, 4, 0, 4]);
    expect(result.network.capacityGroups).toBe(base.capacityGroups);
    expect(result.blocked).toEqual([{ supplier: 'frame-a', item: 'frame', from: 9, to: 12 }]);
  });

  it('blocks a company that only trades an item, though it has no capacity to stop', () => {
    const base = network();
    base.companies.push({ id: 'trader', name: 'Trader', site: { country: 'NL', region: 'EU' } });
    base.sourcing?.push({
      buyer: 'trader',
      item: 'frame',
      suppliers: [{ supplier: 'frame-b', share: 1, leadTime: 1 }],
    });
    const rule = base.sourcing?.[0];
    if (rule !== undefined) {
      rule.suppliers = [
        { supplier: 'frame-a', share: 0.7, leadTime: 1 },
        { supplier: 'trader', share: 0.3, leadTime: 1 },
      ];
    }
    const result = applied([event('supplier.down', { company: 'trader', from: 0, items: ['frame'] })], base);
    expect(result.blocked).toEqual([{ supplier: 'trader', item: 'frame', from: 0, to: 12 }]);
    expect(result.touched.nodes).toEqual([]);
    expect(result.touched.suppliers).toEqual(['trader']);
  });

  it('merges overlapping windows of one supplier, also with windows carried over', () => {
    const first = applied([event('supplier.down', { company: 'steel', from: 1, to: 3 })]);
    const second = applyPlanningEvents(
      first.network,
      [
        event('supplier.down', { company: 'steel', from: 3, to: 6 }),
        event('supplier.down', { company: 'frame-b', from: 8 }),
      ],
      { blocked: first.blocked },
    );
    expect(second.ok && second.value.blocked).toEqual([
      { supplier: 'frame-b', from: 8, to: 12 },
      { supplier: 'steel', from: 1, to: 6 },
    ]);
  });

  it('is lifted by a later supplier.restored naming its key, and only by a later one', () => {
    const down = event('supplier.down', { company: 'frame-a', from: 2, to: 5 }, { key: 'notice-1' });
    const restored = event('supplier.restored', { company: 'frame-a', key: 'notice-1' }, { key: 'lift-1' });
    const base = network();
    const lifted = applied([down, restored], base);
    expect(lifted.blocked).toEqual([]);
    expect(lifted.network.production).toBe(base.production);
    expect(lifted.applied).toBe(2);
    // A restore recorded before the down does not lift it; another key lifts nothing.
    expect(applied([restored, down]).blocked).toEqual([{ supplier: 'frame-a', from: 2, to: 5 }]);
    const other = event('supplier.restored', { company: 'frame-a', key: 'notice-2' });
    expect(applied([down, other]).blocked).toEqual([{ supplier: 'frame-a', from: 2, to: 5 }]);
    // Down again after the lift (a new notice): down again.
    const again = event('supplier.down', { company: 'frame-a', from: 3 }, { key: 'notice-3' });
    expect(applied([down, restored, again]).blocked).toEqual([{ supplier: 'frame-a', from: 3, to: 12 }]);
    expect(isPlanningEventType('supplier.restored')).toBe(true);
    const [problem] = refused([event('supplier.restored', { company: 'nobody', key: 'notice-1' })]);
    expect(problem?.path).toEqual(['payload', 'company']);
  });

  it('refuses items the company neither makes nor supplies', () => {
    const [problem] = refused([event('supplier.down', { company: 'steel', from: 0, items: ['frame'] })]);
    expect(problem).toMatchObject({ code: 'not-supplied', path: ['payload', 'items', 0] });
    expect(problem?.message).toContain("company 'steel' neither makes nor supplies 'frame'");
  });
});

describe('demand.changed and demand.added', () => {
  it('sets and adds to the end demand of one period', () => {
    const result = applied([
      event('demand.changed', { company: 'oem', item: 'machine', period: 3, quantity: 7 }),
      event('demand.added', { company: 'oem', item: 'machine', period: 4, quantity: 2.5 }),
      event('demand.added', { company: 'oem', item: 'machine', period: 5, quantity: -6 }),
    ]);
    expect(result.network.demand?.[0]?.quantities).toEqual([0, 0, 0, 7, 6.5, 0, 6, 8, 8, 8, 8, 8]);
    expect(result.touched.nodes).toEqual([{ company: 'oem', item: 'machine', changes: ['demand'], from: 3 }]);
  });

  it('extends a short list of quantities with zeros', () => {
    const base = network();
    base.demand = [{ company: 'oem', item: 'machine', quantities: [1, 2], price: 9 }];
    const result = applied(
      [event('demand.added', { company: 'oem', item: 'machine', period: 5, quantity: 3 })],
      base,
    );
    expect(result.network.demand).toEqual([
      { company: 'oem', item: 'machine', quantities: [1, 2, 0, 0, 0, 3], price: 9 },
    ]);
  });

  it('creates the demand record of a company and item it makes or buys, 0 in the other periods', () => {
    const base = network();
    delete base.demand;
    const result = applied(
      [event('demand.changed', { company: 'oem', item: 'frame', period: 2, quantity: 3 })],
      base,
    );
    expect(result.network.demand).toEqual([{ company: 'oem', item: 'frame', quantities: [0, 0, 3] }]);
    expect(result.touched.nodes).toEqual([{ company: 'oem', item: 'frame', changes: ['demand'], from: 2 }]);
  });

  it('adds to a record created by an earlier event of the same batch', () => {
    const result = applied([
      event('demand.added', { company: 'frame-a', item: 'bracket', period: 1, quantity: 3 }),
      event('demand.added', { company: 'frame-a', item: 'bracket', period: 1, quantity: 4 }),
    ]);
    expect(result.network.demand?.filter((record) => record.item === 'bracket')).toEqual([
      { company: 'frame-a', item: 'bracket', quantities: [0, 7] },
    ]);
  });

  it('takes a demand back to 0, not below it, when the sum is within rounding error of 0', () => {
    const result = applied([
      event('demand.added', { company: 'frame-a', item: 'bracket', period: 1, quantity: 0.3 }),
      event('demand.added', { company: 'frame-a', item: 'bracket', period: 1, quantity: -0.1 }),
      event('demand.added', { company: 'frame-a', item: 'bracket', period: 1, quantity: -0.2 }),
    ]);
    expect(0.3 - 0.1 - 0.2).toBeLessThan(0);
    expect(result.network.demand?.filter((record) => record.item === 'bracket')).toEqual([
      { company: 'frame-a', item: 'bracket', quantities: [0, 0] },
    ]);
    expect(
      refused([
        event('demand.added', { company: 'frame-a', item: 'bracket', period: 1, quantity: -1e-9 }),
      ]).map((problem) => problem.code),
    ).toEqual(['negative-demand']);
    // As a demo company node had it from the forecast exchange: 3.9e-12 of the demand below 0.
    const exchanged = applied([
      event('demand.added', {
        company: 'frame-a',
        item: 'bracket',
        period: 1,
        quantity: 0.0015007451999941718,
      }),
      event('demand.added', {
        company: 'frame-a',
        item: 'bracket',
        period: 1,
        quantity: -0.0015007452000000753,
      }),
    ]);
    expect(exchanged.network.demand?.find((record) => record.item === 'bracket')?.quantities).toEqual([0, 0]);
  });

  it('refuses demand the company cannot serve, below 0, or beyond the horizon', () => {
    const problems = refused([
      event('demand.changed', { company: 'steel', item: 'frame', period: 2, quantity: 3 }),
      event('demand.added', { company: 'oem', item: 'machine', period: 3, quantity: -5 }),
      event('demand.changed', { company: 'oem', item: 'machine', period: 12, quantity: 1 }),
      event('demand.changed', { company: 'oem', item: 'machin', period: 1, quantity: 1 }),
    ]);
    expect(problems.map((problem) => problem.code)).toEqual([
      'not-sourced',
      'negative-demand',
      'outside-horizon',
      'unknown-item',
    ]);
    expect(problems[1]?.message).toBe(
      'adding -5 to the demand of 4 in period 3 would make it -1; take away at most 4, or send demand.changed with the new quantity',
    );
    expect(problems[3]?.message).toBe("unknown item 'machin' (did you mean 'machine'?)");
  });
});

describe('order.opened, order.changed and order.closed', () => {
  it('opens, changes and closes open orders in one batch, in order', () => {
    const result = applied([
      event('order.opened', {
        id: 'PO-2',
        company: 'oem',
        item: 'frame',
        supplier: 'frame-b',
        quantity: 6,
        due: 7,
      }),
      event('order.opened', { id: 'MO-2', company: 'frame-a', item: 'frame', quantity: 3, due: 2 }),
      event('order.changed', { id: 'PO-2', due: 9 }),
      event('order.changed', { id: 'PO-1', quantity: 500 }),
      event('order.closed', { id: 'MO-1' }),
    ]);
    expect(result.network.openOrders).toEqual([
      {
        kind: 'purchase',
        company: 'frame-a',
        item: 'steel-plate',
        supplier: 'steel',
        quantity: 500,
        due: 1,
        id: 'PO-1',
      },
      {
        kind: 'purchase',
        company: 'oem',
        item: 'frame',
        supplier: 'frame-b',
        quantity: 6,
        due: 9,
        id: 'PO-2',
      },
      { kind: 'production', company: 'frame-a', item: 'frame', quantity: 3, due: 2, id: 'MO-2' },
    ]);
    expect(result.touched.nodes).toEqual([
      { company: 'frame-a', item: 'frame', changes: ['receipts'], from: 2 },
      { company: 'frame-a', item: 'steel-plate', changes: ['receipts'], from: 1 },
      { company: 'oem', item: 'frame', changes: ['receipts'], from: 7 },
      { company: 'oem', item: 'machine', changes: ['receipts'], from: 1 },
    ]);
    expect(result.applied).toBe(5);
  });

  it('keeps finding orders right in long batches (past the first scans, through an index)', () => {
    const ids = Array.from({ length: 12 }, (_, index) => `PO-N${index}`);
    const result = applied([
      ...ids.map((id, index) =>
        event('order.opened', {
          id,
          company: 'oem',
          item: 'frame',
          supplier: 'frame-a',
          quantity: index + 1,
          due: 3,
        }),
      ),
      ...ids.filter((_, index) => index % 2 === 0).map((id) => event('order.closed', { id })),
      ...ids.filter((_, index) => index % 2 === 1).map((id) => event('order.changed', { id, due: 5 })),
      event('order.opened', {
        id: 'PO-N0',
        company: 'oem',
        item: 'frame',
        supplier: 'frame-b',
        quantity: 99,
        due: 8,
      }),
      event('order.changed', { id: 'PO-N0', quantity: 98 }),
    ]);
    expect(result.network.openOrders?.slice(2).map((order) => [order.id, order.quantity, order.due])).toEqual(
      [...ids.flatMap((id, index) => (index % 2 === 1 ? [[id, index + 1, 5]] : [])), ['PO-N0', 98, 8]],
    );
    const refusedAgain = refused([
      ...ids.slice(0, 10).map((id) => event('order.closed', { id })),
      event('order.closed', { id: 'PO-1' }),
      event('order.closed', { id: 'PO-1' }),
    ]);
    expect(refusedAgain.map((problem) => problem.index)).toEqual([...Array(10).keys(), 11]);
  });

  it('may open an id again once it is closed', () => {
    const result = applied([
      event('order.closed', { id: 'PO-1' }),
      event('order.opened', {
        id: 'PO-1',
        kind: 'purchase',
        company: 'frame-a',
        item: 'steel-plate',
        supplier: 'steel',
        quantity: 1,
        due: 3,
      }),
    ]);
    expect(result.network.openOrders?.map((order) => `${order.id}:${order.due}`)).toEqual([
      'MO-1:1',
      'PO-1:3',
    ]);
  });

  it('refuses an id that is open, an unknown id, and says so when the opening event was refused', () => {
    const problems = refused([
      event('order.opened', {
        id: 'PO-1',
        company: 'oem',
        item: 'frame',
        supplier: 'frame-a',
        quantity: 1,
        due: 2,
      }),
      event('order.changed', { id: 'PO-7', quantity: 3 }),
      event('order.opened', {
        id: 'PO-9',
        company: 'oem',
        item: 'frame',
        supplier: 'steel',
        quantity: 1,
        due: 2,
      }),
      event('order.closed', { id: 'PO-9' }),
      event('order.closed', { id: 'MO-l' }),
    ]);
    expect(problems.map(({ index, code }) => [index, code])).toEqual([
      [0, 'duplicate-order'],
      [1, 'unknown-order'],
      [2, 'not-sourced'],
      [3, 'unknown-order'],
      [4, 'unknown-order'],
    ]);
    expect(problems[0]?.message).toBe(
      "open order 'PO-1' exists already (purchase of 480 steel-plate for frame-a from steel, due 1); send order.changed to change it, or order.closed first",
    );
    expect(problems[2]?.message).toBe(
      "'steel' is not a supplier of 'oem' for 'frame'; its suppliers are frame-a, frame-b",
    );
    expect(problems[3]?.message).toBe(
      "open order 'PO-9' is not open: event 2, which would have opened it, was refused",
    );
    expect(problems[4]?.message).toContain("(did you mean 'MO-1'?)");
  });

  it('checks orders like the validator: production needs a production record and no supplier, purchases a sourcing rule', () => {
    const problems = refused([
      event('order.opened', { id: 'A', company: 'oem', item: 'frame', quantity: 1, due: 2 }),
      event('order.opened', {
        id: 'B',
        kind: 'production',
        company: 'oem',
        item: 'machine',
        supplier: 'steel',
        quantity: 1,
        due: 2,
      }),
      event('order.opened', {
        id: 'C',
        kind: 'purchase',
        company: 'oem',
        item: 'frame',
        quantity: 1,
        due: 2,
      }),
      event('order.opened', {
        id: 'D',
        company: 'steel',
        item: 'frame',
        supplier: 'frame-a',
        quantity: 1,
        due: 2,
      }),
      event('order.opened', { id: 'E', company: 'oem', item: 'machine', quantity: 1, due: 12 }),
      event('order.opened', { id: 'F', company: 'oem', item: 'machine', quantity: 0, due: 1 }),
    ]);
    expect(problems.map(({ index, code, path }) => [index, code, path.join('.')])).toEqual([
      [0, 'no-production', 'payload.item'],
      [1, 'invalid-value', 'payload.supplier'],
      [2, 'missing-field', 'payload.supplier'],
      [3, 'not-sourced', 'payload.item'],
      [4, 'outside-horizon', 'payload.due'],
      [5, 'invalid-value', 'payload.quantity'],
    ]);
  });

  it('refuses order.changed without a quantity or due, and a due beyond the horizon', () => {
    const problems = refused([
      event('order.changed', { id: 'PO-1' }),
      event('order.changed', { id: 'PO-1', due: 20 }),
    ]);
    expect(problems.map((problem) => problem.code)).toEqual(['missing-field', 'outside-horizon']);
  });
});

describe('applyPlanningEvents', () => {
  it('ignores and counts events of other types', () => {
    const result = applied([
      event('order.created', { quantity: 4 }),
      event('machine.state-changed', null),
      event('order.created', {}),
      event('demand.added', { company: 'oem', item: 'machine', period: 0, quantity: 1 }),
    ]);
    expect(result).toMatchObject({
      applied: 1,
      ignored: 3,
      ignoredBecause: { type: 3, network: 0 },
      ignoredTypes: ['machine.state-changed', 'order.created'],
      ignoredNetworks: [],
    });
    expect(isPlanningEventType('order.created')).toBe(false);
    expect(isPlanningEventType('supplier.down')).toBe(true);
    expect(isPlanningEventType('toString')).toBe(false);
  });

  it('skips events addressed to another network, counting them with the network they named', () => {
    const base = network();
    const raise = (to?: string) =>
      event('demand.added', {
        company: 'oem',
        item: 'machine',
        period: 2,
        quantity: 1,
        ...(to === undefined ? {} : { network: to }),
      });
    const result = applied([raise(), raise(base.name), raise('other'), raise('another'), raise('other')]);
    expect(result).toMatchObject({
      applied: 2,
      ignored: 3,
      ignoredBecause: { type: 0, network: 3 },
      ignoredTypes: [],
      ignoredNetworks: ['another', 'other'],
    });
    expect(result.network.demand?.[0]?.quantities[2]).toBe((base.demand?.[0]?.quantities[2] ?? 0) + 2);
    // The name in the store may differ from the document's name: the caller says which it is.
    const stored = applyPlanningEvents(base, [raise('other'), raise(base.name)], { network: 'other' });
    expect(stored.ok && stored.value.ignoredNetworks).toEqual([base.name]);
  });

  it('checks payloads without a network, for the edges that accept events', () => {
    const problems = checkPlanningPayloads([
      event('order.created', { anything: true }),
      event('capacity.changed', { company: 'frame-a', item: 'frame', from: 3, capacity: 2 }),
      event('capacity.changed', { company: 'nobody', item: 'frame', from: 3, capacty: 2 }, { key: 'k-2' }),
      event('order.closed', { id: 'MO-1', network: 7 }),
    ]);
    expect(problems.map(formatPlanningEventProblem)).toEqual([
      "event 2 (key 'k-2', capacity.changed): payload.capacity: missing required field 'capacity'",
      "event 2 (key 'k-2', capacity.changed): payload.capacty: unknown field 'capacty' (did you mean 'capacity'?)",
      "event 3 (order.closed): payload.network: 'network' must be text, not the number 7",
    ]);
  });

  it('refuses a network that is not a name, naming the field', () => {
    const problems = refused([
      event('order.closed', { id: 'MO-1', network: 7 }),
      event('order.closed', { id: 'MO-1', network: '' }),
    ]);
    expect(problems.map(({ index, path }) => [index, path.join('.')])).toEqual([
      [0, 'payload.network'],
      [1, 'payload.network'],
    ]);
  });

  it('names events from the log by their sequence', () => {
    const [problem] = refused([event('order.closed', { id: 'MO-9' }, { sequence: 17, key: 'close/MO-9' })]);
    expect(formatLoggedEventProblem(problem!)).toBe(
      "event at sequence 17 (key 'close/MO-9', order.closed): payload.id: no open order has id 'MO-9' (did you mean 'MO-1'?)",
    );
  });

  it('reports every problem of every event, naming event, field and remedy, and returns no network', () => {
    const problems = refused([
      event(
        'capacity.changed',
        { company: 'frame-a', item: 'frame', from: 0, capacty: 3 },
        { sequence: 41, key: 'cap-7' },
      ),
      event('demand.added', { company: 'oem', item: 'machine', period: 1, quantity: 1 }),
      event('supplier.down', 'frame-a', { sequence: 43 }),
      event('order.closed', { id: 'MO-1', extra: true }),
      event('demand.changed', { company: 'oem-1', item: 'machine', period: 1.5, quantity: -1 }),
    ]);
    expect(problems.map(formatPlanningEventProblem)).toEqual([
      "event 0 (sequence 41, key 'cap-7', capacity.changed): payload.capacity: missing required field 'capacity'",
      "event 0 (sequence 41, key 'cap-7', capacity.changed): payload.capacty: unknown field 'capacty' (did you mean 'capacity'?)",
      "event 2 (sequence 43, supplier.down): payload: 'payload' must be a group of fields, not the text 'frame-a'",
      "event 3 (order.closed): payload.extra: unknown field 'extra'; the fields here are id, network",
      "event 4 (demand.changed): payload.period: 'period' must be a whole number (it is 1.5)",
      "event 4 (demand.changed): payload.quantity: 'quantity' must be at least 0 (it is -1)",
    ]);
  });

  it('checks references once the payload has the right shape', () => {
    const problems = refused([
      event('demand.changed', { company: 'oen', item: 'machine', period: 1, quantity: 1 }),
    ]);
    expect(problems.map(formatPlanningEventProblem)).toEqual([
      "event 0 (demand.changed): payload.company: unknown company 'oen' (did you mean 'oem'?)",
    ]);
  });

  it('never changes the input network and shares the records it does not change', () => {
    const base = network();
    const copy = structuredClone(base);
    const result = applied(
      [
        event('capacity.changed', { company: 'frame-a', item: 'frame', from: 1, capacity: 3 }),
        event('capacity.changed', { company: 'frame-a', group: 'frame-a-welding', from: 1, capacity: 3 }),
        event('supplier.down', { company: 'steel', from: 4, to: 6 }),
        event('demand.added', { company: 'oem', item: 'machine', period: 2, quantity: 1 }),
        event('demand.changed', { company: 'oem', item: 'frame', period: 2, quantity: 1 }),
        event('order.opened', { id: 'X', company: 'oem', item: 'machine', quantity: 1, due: 2 }),
        event('order.changed', { id: 'PO-1', due: 3 }),
        event('order.closed', { id: 'MO-1' }),
      ],
      base,
    );
    expect(base).toEqual(copy);
    expect(result.network).not.toBe(base);
    expect(result.network.companies).toBe(base.companies);
    expect(result.network.sourcing).toBe(base.sourcing);
    expect(result.network.production?.[0]).toBe(base.production?.[0]);
    expect(result.network.production?.[1]).not.toBe(base.production?.[1]);
  });

  it('accepts nothing to do', () => {
    const base = network();
    const result = applied([], base);
    expect(result).toMatchObject({
      applied: 0,
      ignored: 0,
      blocked: [],
      touched: { nodes: [], groups: [], suppliers: [] },
    });
    expect(result.network).toEqual(base);
  });
});
