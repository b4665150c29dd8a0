import { describe, expect, it } from 'vitest';
import {
  type ChangedOrder,
  type ChangeTotals,
  changedFields,
  type DiffOrder,
  summarizeChanges,
} from './plan-changes.ts';

const purchase = (id: string, quantity: number, due = 3): DiffOrder => ({
  id,
  kind: 'purchase',
  company: 'oem',
  item: 'frame',
  supplier: 'frame-a',
  quantity,
  start: due - 1,
  due,
});

const TOTALS: ChangeTotals = {
  orders: { added: 1, removed: 1, changed: 1, companies: 2 },
  companies: 2,
  shortages: { appeared: 1, grew: 0, shrank: 0, disappeared: 0 },
  bottlenecks: { appeared: 1, disappeared: 0 },
};

describe('plan changes', () => {
  it('says the diff in one line', () => {
    expect(summarizeChanges(TOTALS)).toBe(
      '3 orders at 2 companies changed (1 new, 1 changed, 1 cancelled); 1 shortage appeared; 1 capacity-period newly over the limit',
    );
    expect(
      summarizeChanges({
        ...TOTALS,
        orders: { added: 0, removed: 0, changed: 0, companies: 0 },
        shortages: { appeared: 0, grew: 0, shrank: 0, disappeared: 0 },
        bottlenecks: { appeared: 0, disappeared: 0 },
      }),
    ).toBe('nothing changed');
  });

  it("shows a changed order's fields before and after, none for a new one", () => {
    const changed: ChangedOrder = {
      change: 'changed',
      id: 'oem/a/3',
      order: purchase('oem/a/3', 1, 4),
      before: purchase('oem/a/3', 3),
      fields: ['quantity', 'due', 'startQuantity'],
    };
    expect(changedFields(changed)).toEqual([
      { field: 'quantity', before: '3', after: '1' },
      { field: 'due', before: '3', after: '4' },
      { field: 'startQuantity', before: '—', after: '—' },
    ]);
    expect(changedFields({ change: 'new', id: 'x', order: purchase('x', 2) })).toEqual([]);
  });
});
