import { describe, expect, it } from 'vitest';
import { type OrderColumns, OrderTable } from './orders.ts';
import { diffPlans } from './plan-diff.ts';

/** Two nodes (a's frame, b's frame), one arc (a buys from b). */
const network = {
  company: ['a', 'b'],
  item: ['frame', 'frame'],
  leadTime: Int32Array.from([2, 3]),
  arcSupplier: Int32Array.from([1]),
  arcLeadTime: Int32Array.from([4]),
  arcBuyer: Int32Array.from([0]),
};

/** Rows 0-2 of `network`'s orders, of which `index` picks some. */
function table(index: number[], quantity = [5, 7, 9], hidden = 0): OrderTable {
  const columns: OrderColumns = {
    ...network,
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

  it("reads a re-plan's rows in its kept run's columns, and compares them with that run's plan", () => {
    // A re-plan's table that names rows of its kept run's columns (below 0: −1 − row) and one row of
    // its own: the kept run's plan has rows 0, 1 and 2; the re-plan drops row 1 and adds its own.
    const columns = network;
    const keptRows = {
      arc: Int32Array.from([-1, 0, -2]),
      start: Int32Array.from([1, 2, 0]),
      quantity: Float64Array.from([5, 7, 9]),
      startQuantity: Float64Array.from([6, 7, 9]),
    };
    const keptTable = new OrderTable({ ...columns, ...keptRows, index: Int32Array.from([0, 1, 2]) });
    const replanned = new OrderTable({
      ...columns,
      index: Int32Array.from([-1 - 0, -1 - 2, 0]),
      arc: Int32Array.from([-2]),
      start: Int32Array.from([5]),
      quantity: Float64Array.from([3]),
      startQuantity: Float64Array.from([3]),
      kept: keptRows,
    });
    expect(replanned.length).toBe(3);
    expect(replanned.at(1)).toEqual(keptTable.at(2));
    expect(replanned.at(2)?.id).toBe('b/frame/make/5');
    expect(replanned.productionCount()).toBe(3);
    expect(replanned.idOf(0)).toBe(keptTable.idOf(0));
    // The same row of the same columns is the same order; the next rows of each are not.
    expect(keptTable.sameRun(replanned, 0, 0, 3)).toBe(1);
    expect(keptTable.sameRun(replanned, 2, 1, 1)).toBe(1);
    const diff = diffPlans(
      {
        network: 'n',
        horizon: 8,
        orders: keptTable,
        deliveries: [],
        shortages: [],
        bottlenecks: [],
        pegging: [],
        safetyStockDraws: [],
      },
      {
        network: 'n',
        horizon: 8,
        orders: replanned,
        deliveries: [],
        shortages: [],
        bottlenecks: [],
        pegging: [],
        safetyStockDraws: [],
      },
    );
    expect(diff.orders.removed.map((order) => order.id)).toEqual(['a/frame/buy/b/2']);
    expect(diff.orders.added.map((order) => order.id)).toEqual(['b/frame/make/5']);
    expect(diff.orders.changed).toEqual([]);
  });

  it("holds a re-plan's orders in parts: stretches of its kept run's plan, shared, and its own", () => {
    const keptRows = {
      arc: Int32Array.from([-1, 0, -2, 0]),
      start: Int32Array.from([1, 2, 0, 3]),
      quantity: Float64Array.from([5, 7, 9, 4]),
      startQuantity: Float64Array.from([6, 7, 9, 4]),
    };
    const keptIndex = Int32Array.from([0, 1, 2, 3]);
    const keptTable = new OrderTable({ ...network, ...keptRows, index: keptIndex });
    // Kept rows 0-1, then its own row 0, then kept rows 3 (row 2 dropped).
    const own = Int32Array.from([0]);
    const replanned = new OrderTable({
      ...network,
      index: own,
      arc: Int32Array.from([-2]),
      start: Int32Array.from([5]),
      quantity: Float64Array.from([3]),
      startQuantity: Float64Array.from([3]),
      kept: keptRows,
      parts: {
        starts: Int32Array.from([0, 2, 3, 4]),
        indexes: [keptIndex, own, keptIndex],
        offsets: Int32Array.from([0, 0, 3]),
        kept: Uint8Array.from([1, 0, 1]),
      },
    });
    expect(replanned.length).toBe(4);
    expect([...replanned].map((order) => order.id)).toEqual([
      'a/frame/make/1',
      'a/frame/buy/b/2',
      'b/frame/make/5',
      'a/frame/buy/b/3',
    ]);
    // Read out of order too (the part is searched for).
    expect(replanned.at(3)?.quantity).toBe(4);
    expect(replanned.at(0)?.quantity).toBe(5);
    expect(replanned.idOf(2)).toBe('b/frame/make/5');
    expect(replanned.productionCount()).toBe(2);
    // The shared stretch is the same orders, and not one further; the kept plan from another place is not.
    expect(keptTable.sameRun(replanned, 0, 0, 4)).toBe(2);
    expect(replanned.sameRun(keptTable, 0, 0, 4)).toBe(2);
    expect(replanned.sameRun(keptTable, 3, 3, 1)).toBe(1);
    expect(replanned.sameRun(keptTable, 3, 2, 1)).toBe(0);
    const plan = (orders: OrderTable) => ({
      network: 'n',
      horizon: 8,
      orders,
      deliveries: [],
      shortages: [],
      bottlenecks: [],
      pegging: [],
      safetyStockDraws: [],
    });
    const diff = diffPlans(plan(keptTable), plan(replanned));
    expect(diff.orders.removed.map((order) => order.id)).toEqual(['b/frame/make/0']);
    expect(diff.orders.added.map((order) => order.id)).toEqual(['b/frame/make/5']);
    expect(diff.orders.changed).toEqual([]);
  });

  it('differs from a table whose orders differ', () => {
    expect(table([0, 2])).not.toEqual(table([0, 2], [5, 7, 8]));
    expect(table([0, 2])).not.toEqual(table([0, 1]));
    expect(table([0, 2]).sameAs(1, table([0, 2], [5, 7, 8]), 1)).toBe(false);
    expect(table([0, 1]).sameAs(1, table([0, 2]), 1)).toBe(false);
  });
});
