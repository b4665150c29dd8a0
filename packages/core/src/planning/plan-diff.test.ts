import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork } from '../model/generate.ts';
import { loadNetworkFile } from '../model/load.ts';
import type { Network } from '../model/schema.ts';
import { applyPlanningEvents } from './events.ts';
import { OrderTable } from './orders.ts';
import type { Bottleneck, Plan, PlannedOrder, Shortage } from './plan.ts';
import { planNetwork, planNetworkRun, replanNetwork } from './plan.ts';
import { diffPlans, formatPlanDiff, isEmptyPlanDiff, type PlanDiff } from './plan-diff.ts';

const production = (company: string, item: string, start: number, quantity: number): PlannedOrder => ({
  id: `${company}/${item}/make/${start}`,
  kind: 'production',
  company,
  item,
  quantity,
  start,
  due: start + 1,
});

const purchase = (
  buyer: string,
  item: string,
  supplier: string,
  start: number,
  quantity: number,
): PlannedOrder => ({
  id: `${buyer}/${item}/buy/${supplier}/${start}`,
  kind: 'purchase',
  company: buyer,
  item,
  supplier,
  quantity,
  start,
  due: start + 2,
});

const shortage = (
  company: string,
  item: string,
  period: number,
  quantity: number,
  text = 'no room',
): Shortage => ({
  company,
  item,
  period,
  quantity,
  cause: { code: 'capacity', company, item, period, text },
});

const bottleneck = (
  company: string,
  capacity: string,
  period: number,
  load: number,
  limit: number,
): Bottleneck => ({
  company,
  capacity,
  period,
  load,
  limit,
});

function plan(parts: Partial<Plan>): Plan {
  return {
    network: 'test',
    horizon: 12,
    orders: [],
    deliveries: [],
    shortages: [],
    bottlenecks: [],
    pegging: [],
    ...parts,
  };
}

describe('diffPlans: orders', () => {
  it('finds added, removed and changed orders by id, sorted by id whatever the plans’ order', () => {
    const before = plan({
      orders: [
        production('oem', 'machine', 3, 4),
        purchase('oem', 'frame', 'frame-a', 2, 7),
        production('frame-a', 'frame', 1, 7),
        production('steel', 'plate', 0, 100),
      ],
    });
    const after = plan({
      orders: [
        production('steel', 'plate', 0, 100),
        { ...production('frame-a', 'frame', 1, 5), startQuantity: 6 },
        production('oem', 'machine', 3, 4),
        production('frame-a', 'frame', 2, 2),
        { ...purchase('oem', 'frame', 'frame-a', 2, 5), due: 5 },
      ],
    });
    const diff = diffPlans(before, after);
    expect(diff.orders.added.map((order) => order.id)).toEqual(['frame-a/frame/make/2']);
    expect(diff.orders.removed).toEqual([]);
    expect(diff.orders.changed.map(({ id, fields }) => ({ id, fields }))).toEqual([
      { id: 'frame-a/frame/make/1', fields: ['quantity', 'startQuantity'] },
      { id: 'oem/frame/buy/frame-a/2', fields: ['quantity', 'due'] },
    ]);
    expect(diff.orders.changed[0]?.before.quantity).toBe(7);
    expect(diff.orders.changed[0]?.after.startQuantity).toBe(6);
    expect(diff.companies).toEqual([
      { company: 'frame-a', added: 1, removed: 0, changed: 1 },
      { company: 'oem', added: 0, removed: 0, changed: 1 },
    ]);
    const removedOnly = diffPlans(after, before);
    expect(removedOnly.orders.removed.map((order) => order.id)).toEqual(['frame-a/frame/make/2']);
  });

  it('ignores rounding noise and an absent startQuantity equal to the quantity', () => {
    const before = plan({ orders: [production('a', 'x', 0, 0.1 + 0.2), production('a', 'x', 1, 5)] });
    const after = plan({
      orders: [production('a', 'x', 0, 0.3), { ...production('a', 'x', 1, 5), startQuantity: 5 }],
    });
    expect(isEmptyPlanDiff(diffPlans(before, after))).toBe(true);
    const changed = plan({ orders: [production('a', 'x', 0, 0.3001), production('a', 'x', 1, 5)] });
    expect(diffPlans(before, changed).orders.changed.map((change) => change.fields)).toEqual([['quantity']]);
  });

  it('matches orders out of step: inserted, dropped and reversed lists', () => {
    const orders = Array.from({ length: 50 }, (_, index) =>
      production(`c${index % 7}`, `i${index}`, index % 5, index + 1),
    );
    const after = [production('new', 'x', 0, 1), ...orders.slice(0, 20), ...orders.slice(21)].reverse();
    const changedAt = after.findIndex((order) => order.id === orders[30]?.id);
    after[changedAt] = { ...(orders[30] as PlannedOrder), quantity: 99 };
    const diff = diffPlans(plan({ orders }), plan({ orders: after }));
    expect(diff.orders.added.map((order) => order.id)).toEqual(['new/x/make/0']);
    expect(diff.orders.removed.map((order) => order.id)).toEqual([orders[20]?.id]);
    expect(
      diff.orders.changed.map((change) => [change.id, change.before.quantity, change.after.quantity]),
    ).toEqual([[orders[30]?.id, 31, 99]]);
  });

  it('finds exactly the orders added, removed and changed, however many are added or removed where (property)', () => {
    const orders = Array.from({ length: 120 }, (_, index) =>
      production(`c${index % 9}`, `i${index}`, index % 5, index + 1),
    );
    const edit = fc.record({
      at: fc.integer({ min: 0, max: 119 }),
      kind: fc.constantFrom('add', 'remove', 'change'),
      count: fc.integer({ min: 1, max: 40 }),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 12 }), (edits) => {
        let after = [...orders];
        let fresh = 0;
        for (const { at, kind, count } of edits) {
          const where = Math.min(at, after.length);
          if (kind === 'add') {
            const added = Array.from({ length: count }, () => production('new', `x${fresh++}`, 0, 1));
            after = [...after.slice(0, where), ...added, ...after.slice(where)];
          } else if (kind === 'remove') after = [...after.slice(0, where), ...after.slice(where + count)];
          else
            after = after.map((order, k) =>
              k >= where && k < where + count ? { ...order, quantity: order.quantity + 1 } : order,
            );
        }
        const before = new Map(orders.map((order) => [order.id, order]));
        const later = new Map(after.map((order) => [order.id, order]));
        const diff = diffPlans(plan({ orders }), plan({ orders: after }));
        expect(diff.orders.added.map((order) => order.id)).toEqual(
          after
            .filter((order) => !before.has(order.id))
            .map((order) => order.id)
            .sort(),
        );
        expect(diff.orders.removed.map((order) => order.id)).toEqual(
          orders
            .filter((order) => !later.has(order.id))
            .map((order) => order.id)
            .sort(),
        );
        expect(diff.orders.changed.map((change) => change.id)).toEqual(
          after
            .filter((order) => before.has(order.id) && before.get(order.id)?.quantity !== order.quantity)
            .map((order) => order.id)
            .sort(),
        );
      }),
    );
  });
});

describe('diffPlans: a re-plan against the plan it started from', () => {
  it('matches orders by number as by id when a re-plan moved many of them far out of step', () => {
    const network = generateNetwork({ companies: 300, seed: 11, horizon: 26 });
    const run = planNetworkRun(network, { pegging: false });
    // The busiest maker shut from period 2: orders added and removed all through the plan, the rest
    // hundreds of places out of step (more than `diffOrders` looks ahead).
    const made = new Map<string, number>();
    for (const order of run.plan.orders) {
      if (order.kind !== 'production') continue;
      const key = `${order.company}|${order.item}`;
      made.set(key, (made.get(key) ?? 0) + 1);
    }
    const busiest = [...made].sort((a, b) => b[1] - a[1])[0]![0];
    const record = network.production!.find((entry) => `${entry.company}|${entry.item}` === busiest)!;
    const changed = applyPlanningEvents(network, [
      {
        type: 'capacity.changed',
        payload: { company: record.company, item: record.item, from: 2, capacity: 0 },
      },
    ]);
    if (!changed.ok) throw new Error('the capacity change was refused');
    const again = replanNetwork(run, changed.value.network);
    const tables = [run.plan.orders, again.plan.orders];
    expect(tables[0]).toBeInstanceOf(OrderTable);
    expect((tables[0] as OrderTable).sameColumns(tables[1] as OrderTable)).toBe(true);
    const byNumber = diffPlans(run.plan, again.plan);
    // The same plans as plain lists: matched by the ids' text.
    const byId = diffPlans(
      { ...run.plan, orders: [...run.plan.orders] },
      { ...again.plan, orders: [...again.plan.orders] },
    );
    expect(byNumber.orders.added.length + byNumber.orders.removed.length).toBeGreaterThan(100);
    expect(byNumber.orders).toEqual(byId.orders);
    expect(JSON.stringify(byNumber)).toBe(JSON.stringify(byId));
  });
});

describe('diffPlans: shortages and bottlenecks', () => {
  it('reports shortages that appeared, grew, shrank or disappeared, with the cause that explains them', () => {
    const before = plan({
      shortages: [
        shortage('oem', 'machine', 3, 2, 'old cause'),
        shortage('oem', 'machine', 4, 5),
        shortage('oem', 'machine', 5, 1, 'was short here'),
        shortage('oem', 'machine', 6, 1),
        shortage('oem', 'machine', 6, 1),
      ],
    });
    const after = plan({
      shortages: [
        shortage('oem', 'machine', 6, 2),
        shortage('oem', 'machine', 4, 3),
        shortage('oem', 'machine', 3, 6, 'new cause'),
        shortage('oem', 'pump', 3, 1),
      ],
    });
    const diff = diffPlans(before, after);
    expect(
      diff.shortages.map(({ item, period, change, before: was, after: is, cause }) => [
        item,
        period,
        change,
        was,
        is,
        cause.text,
      ]),
    ).toEqual([
      ['machine', 3, 'grew', 2, 6, 'new cause'],
      ['machine', 4, 'shrank', 5, 3, 'no room'],
      ['machine', 5, 'disappeared', 1, 0, 'was short here'],
      ['pump', 3, 'appeared', 0, 1, 'no room'],
    ]);
  });

  it('reports bottlenecks that appeared or disappeared, not those whose load moved', () => {
    const before = plan({
      bottlenecks: [bottleneck('a', 'a/x', 2, 12, 10), bottleneck('a', 'a/x', 3, 12, 10)],
    });
    const after = plan({
      bottlenecks: [bottleneck('a', 'a/x', 3, 14, 10), bottleneck('b', 'b-line', 1, 5, 4)],
    });
    expect(diffPlans(before, after).bottlenecks).toEqual([
      { company: 'a', capacity: 'a/x', period: 2, load: 12, limit: 10, change: 'disappeared' },
      { company: 'b', capacity: 'b-line', period: 1, load: 5, limit: 4, change: 'appeared' },
    ]);
  });
});

describe('diffPlans: long lists that mostly agree', () => {
  it('finds a change at the start, in the middle and at the end of lists that agree elsewhere', () => {
    const many = Array.from({ length: 40 }, (_, k) => bottleneck(`c${k % 7}`, `c${k % 7}/x`, k, 12, 10));
    const after = [
      bottleneck('z', 'z/x', 0, 3, 2),
      ...many.slice(0, 20),
      ...many.slice(21),
      bottleneck('y', 'y/x', 5, 3, 2),
    ];
    expect(
      diffPlans(plan({ bottlenecks: many }), plan({ bottlenecks: after })).bottlenecks.map((b) => [
        b.company,
        b.period,
        b.change,
      ]),
    ).toEqual([
      ['c6', 20, 'disappeared'],
      ['y', 5, 'appeared'],
      ['z', 0, 'appeared'],
    ]);
    // Everything one place later: nothing changed.
    const shifted = [...many.slice(1), many[0]!];
    expect(diffPlans(plan({ bottlenecks: many }), plan({ bottlenecks: shifted })).bottlenecks).toEqual([]);
  });

  it('reports exactly the bottlenecks one list has and the other has not, however they are spread (property)', () => {
    // Two lists taken from one ordered list of keys (as two plans of one network list them), with
    // runs dropped, added and moved, so the cursors realign, pass over and fall back to the maps.
    const universe = Array.from({ length: 300 }, (_, k) =>
      bottleneck(`c${k % 13}`, `c${k % 13}/x`, k, 12, 10),
    );
    const list = fc
      .array(fc.boolean(), { minLength: 300, maxLength: 300 })
      .chain((kept) =>
        fc.tuple(
          fc.constant(universe.filter((_, k) => kept[k])),
          fc.array(fc.nat({ max: 299 }), { maxLength: 6 }),
        ),
      )
      .map(([entries, moved]) => {
        const result = [...entries];
        for (const at of moved) {
          if (result.length === 0) break;
          const [taken] = result.splice(at % result.length, 1);
          result.splice((at * 7) % (result.length + 1), 0, taken!);
        }
        return result;
      });
    fc.assert(
      fc.property(list, list, (before, after) => {
        const key = (b: Bottleneck) => `${b.company}|${b.capacity}|${b.period}`;
        const had = new Set(before.map(key));
        const has = new Set(after.map(key));
        const expected = [
          ...before.filter((b) => !has.has(key(b))).map((b) => `${key(b)} disappeared`),
          ...after.filter((b) => !had.has(key(b))).map((b) => `${key(b)} appeared`),
        ].sort();
        const found = diffPlans(plan({ bottlenecks: before }), plan({ bottlenecks: after }))
          .bottlenecks.map((b) => `${key(b)} ${b.change}`)
          .sort();
        expect(found).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('diffPlans: who must be told', () => {
  it('tells buyer and supplier of purchases, the maker of production, and the company whose demand is short', () => {
    const before = plan({
      orders: [
        purchase('oem-002', 'frame', 'sup-00041', 1, 5),
        purchase('oem-002', 'frame', 'sup-00041', 2, 5),
        purchase('oem-003', 'frame', 'sup-00041', 2, 5),
        production('sup-00041', 'frame', 0, 10),
      ],
      shortages: [shortage('oem-002', 'machine', 4, 1)],
    });
    const after = plan({
      orders: [
        purchase('oem-002', 'frame', 'sup-00041', 1, 4),
        purchase('oem-002', 'frame', 'sup-00041', 2, 6),
        purchase('oem-002', 'frame', 'sup-00041', 3, 5),
        purchase('oem-003', 'frame', 'sup-00041', 2, 5),
        production('sup-00041', 'frame', 0, 11),
      ],
      shortages: [shortage('oem-002', 'machine', 4, 2), shortage('oem-002', 'machine', 5, 2)],
    });
    const diff = diffPlans(before, after);
    expect(
      diff.notices.map(({ company, reasons }) => [company, reasons.map((reason) => reason.text)]),
    ).toEqual([
      [
        'oem-002',
        [
          '3 purchase orders to sup-00041 changed (1 new, 2 changed)',
          '2 shortages of end demand changed (1 appeared, 1 grew)',
        ],
      ],
      [
        'sup-00041',
        ['1 production order changed', '3 purchase orders from oem-002 changed (1 new, 2 changed)'],
      ],
    ]);
    expect(diff.notices[1]?.reasons[1]).toEqual({
      role: 'supplier',
      counterpart: 'oem-002',
      added: 1,
      removed: 0,
      changed: 2,
      text: '3 purchase orders from oem-002 changed (1 new, 2 changed)',
    });
  });

  it('names cancelled orders', () => {
    const diff = diffPlans(
      plan({ orders: [production('a', 'x', 0, 1), production('a', 'x', 1, 1)] }),
      plan({}),
    );
    expect(diff.notices).toEqual([
      {
        company: 'a',
        reasons: [
          {
            role: 'maker',
            added: 0,
            removed: 2,
            changed: 0,
            text: '2 production orders changed (2 cancelled)',
          },
        ],
      },
    ]);
  });
});

describe('formatPlanDiff and isEmptyPlanDiff', () => {
  it('says there is no change for equal plans', () => {
    const same = plan({ orders: [production('a', 'x', 0, 1)], shortages: [shortage('a', 'x', 1, 1)] });
    const diff = diffPlans(same, structuredClone(same));
    expect(isEmptyPlanDiff(diff)).toBe(true);
    expect(diff.notices).toEqual([]);
    expect(formatPlanDiff(diff)).toBe('plan test: no change');
  });

  it('writes a summary, the first changes of each kind, and who must be told', () => {
    const before = plan({ orders: [production('a', 'x', 0, 1), production('a', 'x', 1, 1)] });
    const after = plan({
      orders: [production('a', 'x', 0, 2), production('a', 'x', 2, 1), production('a', 'x', 3, 1)],
      shortages: [shortage('a', 'x', 4, 1.23456, 'a/x is full in period 3')],
      bottlenecks: [bottleneck('a', 'a/x', 3, 3, 2)],
    });
    expect(formatPlanDiff(diffPlans(before, after), { limit: 2 }).split('\n')).toEqual([
      'plan test: orders 2 new, 1 changed, 1 cancelled; shortages 1 appeared, 0 grew, 0 shrank, 0 disappeared; bottlenecks 1 appeared, 0 disappeared',
      'orders:',
      '  + a/x/make/2: production of 1 x at a, start 2, due 3',
      '  + a/x/make/3: production of 1 x at a, start 3, due 4',
      '  … and 2 more',
      'shortages:',
      '  + a x period 4: short 0 → 1.235 (appeared); a/x is full in period 3',
      'bottlenecks:',
      '  + a/x period 3: load 3 against 2 (appeared)',
      'tell:',
      '  a: 4 production orders changed (2 new, 1 changed, 1 cancelled); 1 shortage of end demand changed (1 appeared)',
    ]);
  });
});

/** Shuffles a copy of a list with a fast-check random source. */
const shuffled = <T>(list: readonly T[], keys: readonly number[]): T[] =>
  list
    .map((value, index) => ({ value, key: keys[index % Math.max(1, keys.length)] ?? 0, index }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map(({ value }) => value);

describe('diffPlans on planned networks', () => {
  const minimalPath = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));

  function minimal(): Network {
    const result = loadNetworkFile({ name: 'network-minimal.yaml', text: readFileSync(minimalPath, 'utf8') });
    if (!result.ok) throw new Error('the minimal network does not load');
    return result.value.network;
  }

  it('names frame-a, its customer and its supplier after frame-a loses capacity', () => {
    const network = minimal();
    const changed = applyPlanningEvents(network, [
      {
        type: 'capacity.changed',
        payload: { company: 'frame-a', item: 'frame', from: 3, to: 6, capacity: 2 },
      },
    ]);
    if (!changed.ok) throw new Error('the event was refused');
    const diff = diffPlans(planNetwork(network), planNetwork(changed.value.network));
    expect(isEmptyPlanDiff(diff)).toBe(false);
    const told = diff.notices.map((notice) => notice.company);
    expect(told).toContain('frame-a');
    expect(told).toContain('oem');
    expect(told).toContain('steel');
    const frameA = diff.notices.find((notice) => notice.company === 'frame-a');
    expect(frameA?.reasons.map((reason) => reason.role)).toContain('maker');
    expect(diff.orders.changed.some((change) => change.after.company === 'frame-a')).toBe(true);
  });

  it('is empty for a plan against itself, the same whatever the order of the lists, symmetric, and JSON as it is', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 40 }),
        fc.integer(),
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 50 }),
        (companies, seed, percent, keys) => {
          const network = generateNetwork({ companies, seed, horizon: 10 });
          const record =
            network.production?.[seed % (network.production?.length ?? 1)] ?? network.production?.[0];
          if (record === undefined) return;
          const changed = applyPlanningEvents(network, [
            {
              type: 'capacity.changed',
              payload: {
                company: record.company,
                item: record.item,
                from: 2,
                capacity: Math.floor(
                  (typeof record.capacity === 'number' ? record.capacity : 0) * (percent / 100),
                ),
              },
            },
          ]);
          if (!changed.ok) throw new Error('the event was refused');
          const before = planNetwork(network, { pegging: false });
          const after = planNetwork(changed.value.network, { pegging: false });
          expect(isEmptyPlanDiff(diffPlans(before, before))).toBe(true);
          const diff = diffPlans(before, after);
          const reordered = (plan: Plan, by: readonly number[]): Plan => ({
            ...plan,
            orders: shuffled([...plan.orders], by),
            shortages: shuffled(plan.shortages, by),
            bottlenecks: shuffled(plan.bottlenecks, by),
          });
          expect(diffPlans(reordered(before, keys), reordered(after, [...keys].reverse()))).toEqual(diff);
          const back = diffPlans(after, before);
          expect(back.orders.added).toEqual(diff.orders.removed);
          expect(back.orders.removed).toEqual(diff.orders.added);
          expect(back.orders.changed.map((change) => change.id)).toEqual(
            diff.orders.changed.map((change) => change.id),
          );
          expect(JSON.parse(JSON.stringify(diff)) as PlanDiff).toEqual(diff);
          // Every changed order's parties are told.
          const told = new Set(diff.notices.map((notice) => notice.company));
          for (const order of [...diff.orders.added, ...diff.orders.removed]) {
            expect(told.has(order.company)).toBe(true);
            if (order.supplier !== undefined) expect(told.has(order.supplier)).toBe(true);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
