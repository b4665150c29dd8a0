import { describe, expect, it } from 'vitest';
import { type DiffOrder, groupChanges, type PlanDiffShape, summarizeChanges } from './plan-changes.ts';

const purchase = (id: string, company: string, supplier: string, quantity: number, due = 3): DiffOrder => ({
  id,
  kind: 'purchase',
  company,
  item: 'frame',
  supplier,
  quantity,
  start: due - 1,
  due,
});

const DIFF: PlanDiffShape = {
  network: 'n',
  horizon: 8,
  orders: {
    added: [purchase('oem/b/4', 'oem', 'frame-b', 2, 4)],
    removed: [purchase('fa/steel/2', 'frame-a', 'mill', 5)],
    changed: [
      {
        id: 'oem/a/3',
        before: purchase('oem/a/3', 'oem', 'frame-a', 3),
        after: purchase('oem/a/3', 'oem', 'frame-a', 1),
        fields: ['quantity'],
      },
    ],
  },
  shortages: [
    {
      company: 'oem',
      item: 'machine',
      period: 4,
      change: 'appeared',
      before: 0,
      after: 2,
      cause: { text: 'frame-a cannot make 2 frame by period 3 (capacity)' },
    },
  ],
  bottlenecks: [
    { company: 'frame-a', capacity: 'frame-a/frame', period: 2, load: 4, limit: 3, change: 'appeared' },
  ],
  notices: [
    {
      company: 'frame-a',
      reasons: [{ role: 'supplier', counterpart: 'oem', text: '1 purchase order from oem changed' }],
    },
    {
      company: 'oem',
      reasons: [{ role: 'buyer', counterpart: 'frame-a', text: '1 purchase order with frame-a changed' }],
    },
  ],
};

describe('plan changes', () => {
  it('groups orders, reasons and shortages per company, most changes first', () => {
    const grouped = groupChanges(DIFF);
    expect(grouped.map((entry) => entry.company)).toEqual(['oem', 'frame-a']);
    const oem = grouped[0]!;
    expect([oem.added, oem.changed, oem.removed]).toEqual([1, 1, 0]);
    expect(oem.orders.map((order) => order.change)).toEqual(['new', 'changed']);
    expect(oem.orders[1]!.fields).toEqual([{ field: 'quantity', before: '3', after: '1' }]);
    expect(oem.shortages).toHaveLength(1);
    expect(oem.reasons).toEqual(['1 purchase order with frame-a changed']);
    expect(grouped[1]).toMatchObject({
      company: 'frame-a',
      removed: 1,
      reasons: ['1 purchase order from oem changed'],
    });
  });

  it('every changed order is in exactly one group', () => {
    const ids = groupChanges(DIFF).flatMap((entry) => entry.orders.map((order) => order.id));
    expect(ids.sort()).toEqual(['fa/steel/2', 'oem/a/3', 'oem/b/4']);
  });

  it('says the diff in one line', () => {
    expect(summarizeChanges(DIFF)).toBe(
      '3 orders at 2 companies changed (1 new, 1 changed, 1 cancelled); 1 shortage appeared; 1 capacity-period newly over the limit',
    );
    const empty: PlanDiffShape = {
      ...DIFF,
      orders: { added: [], removed: [], changed: [] },
      shortages: [],
      bottlenecks: [],
    };
    expect(summarizeChanges(empty)).toBe('nothing changed');
  });
});
