import { describe, expect, it } from 'vitest';
import { type OrderColumns, OrderTable } from './orders.ts';

/** Two nodes (a's frame, b's frame), one arc (a buys from b); rows 0-2, of which `index` picks some. */
function table(index: number[], quantity = [5, 7, 9], hidden = 0): OrderTable {
  const columns: OrderColumns = {
    company: ['a', 'b'],
    item: ['frame', 'frame'],
    leadTime: Int32Array.from([2, 3]),
    arcSupplier: Int32Array.from([1]),
    arcLeadTime: Int32Array.from([4]),
    arcBuyer: Int32Array.from([0]),
    index: Int32Array.from(index),
    arc: Int32Array.from([-1, 0, -2, -1 - hidden]),
    start: Int32Array.from([1, 2, 0, hidden]),
    quantity: Float64Array.from([...quantity, hidden]),
    startQuantity: Float64Array.from([6, 7, 9, hidden]),
  };
  return new OrderTable(columns);
}

describe('OrderTable', () => {
  it('builds the orders of the rows it names, with due from the lead times', () => {
    const orders = table([0, 1]);
    expect(orders.length).toBe(2);
    expect(orders.at(0)).toEqual({
      id: 'a/frame/make/1',
      kind: 'production',
      company: 'a',
      item: 'frame',
      quantity: 5,
      startQuantity: 6,
      start: 1,
      due: 3,
    });
    expect(orders.at(-1)).toEqual({
      id: 'a/frame/buy/b/2',
      kind: 'purchase',
      company: 'a',
      item: 'frame',
      quantity: 7,
      start: 2,
      due: 6,
      supplier: 'b',
    });
    expect(orders.at(2)).toBeUndefined();
    expect(orders.productionCount()).toBe(1);
    expect(table([0, 1, 2]).productionCount()).toBe(2);
  });

  it('is equal to a table with the same orders, whatever the rows it leaves out hold', () => {
    expect(table([0, 2], [5, 7, 9], 0)).toEqual(table([0, 2], [5, 1, 9], 1));
    expect(table([0, 2]).sameAs(1, table([0, 2], [5, 1, 9], 1), 1)).toBe(true);
  });

  it('differs from a table whose orders differ', () => {
    expect(table([0, 2])).not.toEqual(table([0, 2], [5, 7, 8]));
    expect(table([0, 2])).not.toEqual(table([0, 1]));
    expect(table([0, 2]).sameAs(1, table([0, 2], [5, 7, 8]), 1)).toBe(false);
    expect(table([0, 1]).sameAs(1, table([0, 2]), 1)).toBe(false);
  });
});
