import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork } from '../model/generate.ts';
import type { Network } from '../model/schema.ts';
import { withEvents } from './event-arbitraries.ts';
import { applyPlanningEvents } from './events.ts';
import { patchFlatNetwork } from './flat-patch.ts';
import { CAPACITY_SPARE_ROWS, capacityBase, flattenForPlanning, type OrderedFlatNetwork } from './flatten.ts';

const flatten = (network: Network) => flattenForPlanning(network, network.horizon).flat;

/** The rows (of `length` cells) where `a` and `b` differ (NaN equals NaN: an absent maximum). */
function differingRows(a: Float64Array, b: Float64Array, length: number): number[] {
  const rows = new Set<number>();
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]!) && Number.isNaN(b[i]!))) rows.add(Math.floor(i / length));
  }
  return [...rows];
}

/** Node n's capacity row (or maximum capacity row) at n: the rows as the planner reads them, through `capacityRow`. */
function rowsInNodeOrder(flat: OrderedFlatNetwork, rows: Float64Array): Float64Array {
  const H = flat.horizon;
  const out = new Float64Array(flat.nodes * H);
  for (let n = 0; n < flat.nodes; n++)
    out.set(rows.subarray(capacityBase(flat, n), capacityBase(flat, n) + H), n * H);
  return out;
}

/** Where the rows of capacity are (arrays, row numbers) is the patch's own business: compared as read. */
const PLACED = new Set<string>(['capacity', 'maximumCapacity', 'capacityRow']);

/** `patched` has every field of `fresh`, value for value (capacities row by row as the planner reads them). */
function expectSameFlat(patched: OrderedFlatNetwork, fresh: OrderedFlatNetwork) {
  expect(Object.keys(patched).sort()).toEqual(Object.keys(fresh).sort());
  for (const key of Object.keys(fresh) as (keyof OrderedFlatNetwork)[]) {
    if (!PLACED.has(key)) expect(patched[key], key).toEqual(fresh[key]);
  }
  expect(rowsInNodeOrder(patched, patched.capacity)).toEqual(rowsInNodeOrder(fresh, fresh.capacity));
  expect(rowsInNodeOrder(patched, patched.maximumCapacity)).toEqual(
    rowsInNodeOrder(fresh, fresh.maximumCapacity),
  );
}

describe('patchFlatNetwork', () => {
  it('gives the flattened network of any events, and flags every node and group it wrote (property)', () => {
    fc.assert(
      fc.property(withEvents, ([network, first, second]) => {
        const once = applyPlanningEvents(network, first);
        if (!once.ok) return;
        const before = flatten(network);
        const patched = patchFlatNetwork(before, network, once.value.network);
        if (!patched.ok) throw new Error(patched.error);
        const fresh = flatten(once.value.network);
        expectSameFlat(patched.value.flat, fresh);
        const H = network.horizon;
        for (const rows of [
          differingRows(rowsInNodeOrder(before, before.capacity), rowsInNodeOrder(fresh, fresh.capacity), H),
          differingRows(
            rowsInNodeOrder(before, before.maximumCapacity),
            rowsInNodeOrder(fresh, fresh.maximumCapacity),
            H,
          ),
          differingRows(before.endDemand, fresh.endDemand, H),
          differingRows(before.receipts, fresh.receipts, H),
        ]) {
          for (const n of rows) expect(patched.value.nodes[n]).toBe(1);
        }
        for (const rows of [
          differingRows(before.groupCapacity, fresh.groupCapacity, H),
          differingRows(before.groupMaximum, fresh.groupMaximum, H),
        ]) {
          for (const g of rows) expect(patched.value.groups[g]).toBe(1);
        }
        // A patched network patches again, as a server re-planning event after event does.
        const twice = applyPlanningEvents(once.value.network, second, { blocked: once.value.blocked });
        if (!twice.ok) return;
        const again = patchFlatNetwork(patched.value.flat, once.value.network, twice.value.network);
        if (!again.ok) throw new Error(again.error);
        expectSameFlat(again.value.flat, flatten(twice.value.network));
        // And the same base patched again (a chain of re-plans, each from the base) leaves the base
        // and the first patch as they were: they share their capacity arrays.
        const fromBase = patchFlatNetwork(before, network, twice.value.network);
        if (!fromBase.ok) throw new Error(fromBase.error);
        expectSameFlat(fromBase.value.flat, flatten(twice.value.network));
        expectSameFlat(patched.value.flat, fresh);
        expectSameFlat(before, flatten(network));
      }),
      { numRuns: 60 },
    );
  });

  it('shares every array nothing changed, and writes nothing for the same network', () => {
    const network = generateNetwork({ companies: 30, seed: 4, horizon: 12 });
    const flat = flatten(network);
    const same = patchFlatNetwork(flat, network, network);
    expect(same.ok && same.value.nodes.every((flag) => flag === 0)).toBe(true);
    const record = network.production![0]!;
    const changed = applyPlanningEvents(network, [
      {
        type: 'capacity.changed',
        payload: { company: record.company, item: record.item, from: 2, capacity: 0 },
      },
    ]);
    if (!changed.ok) throw new Error('refused');
    const patched = patchFlatNetwork(flat, network, changed.value.network);
    if (!patched.ok) throw new Error(patched.error);
    expect(patched.value.flat.endDemand).toBe(flat.endDemand);
    expect(patched.value.flat.receipts).toBe(flat.receipts);
    expect(patched.value.flat.bomNode).toBe(flat.bomNode);
    // The changed node's row is written into a spare row of the same arrays, not into a copy of them.
    expect(patched.value.flat.capacity).toBe(flat.capacity);
    expect(patched.value.flat.maximumCapacity).toBe(flat.maximumCapacity);
    const moved = [...patched.value.flat.capacityRow].flatMap((row, n) =>
      row === flat.capacityRow[n] ? [] : [n],
    );
    expect(moved).toEqual([patched.value.nodes.indexOf(1)]);
    expect(patched.value.nodes.reduce((sum, flag) => sum + flag, 0)).toBe(1);
    expectSameFlat(flat, flatten(network));
    expectSameFlat(patched.value.flat, flatten(changed.value.network));
  });

  it('copies the capacity arrays once, with new spare rows, when a base has been patched past its spare rows', () => {
    const network = generateNetwork({ companies: 30, seed: 4, horizon: 12 });
    const flat = flatten(network);
    const records = network.production ?? [];
    const capacityOf = (k: number) => {
      const record = records[k % records.length]!;
      const changed = applyPlanningEvents(network, [
        {
          type: 'capacity.changed',
          payload: { company: record.company, item: record.item, from: k % 12, capacity: k },
        },
      ]);
      if (!changed.ok) throw new Error('refused');
      return changed.value.network;
    };
    // Every patch of the same base takes a spare row of its own (the runs of earlier ones may live).
    const patches: { flat: OrderedFlatNetwork; network: Network }[] = [];
    for (let k = 0; k <= CAPACITY_SPARE_ROWS; k++) {
      const after = capacityOf(k);
      const patched = patchFlatNetwork(flat, network, after);
      if (!patched.ok) throw new Error(patched.error);
      patches.push({ flat: patched.value.flat, network: after });
    }
    const shared = patches.filter((patch) => patch.flat.capacity === flat.capacity).length;
    expect(shared).toBe(CAPACITY_SPARE_ROWS);
    const last = patches.at(-1)!.flat;
    expect(last.capacity).not.toBe(flat.capacity);
    // A row per making node and one all others share, then the new spare rows.
    const makers = flat.production.filter((record) => record >= 0).length;
    expect(last.capacity.length).toBe((makers + 1 + CAPACITY_SPARE_ROWS) * flat.horizon);
    for (const k of [0, 1, 517, CAPACITY_SPARE_ROWS - 1, CAPACITY_SPARE_ROWS]) {
      expectSameFlat(patches[k]!.flat, flatten(patches[k]!.network));
    }
    expectSameFlat(flat, flatten(network));
  });

  it('compares records by value where they are other objects (a network read again from a store)', () => {
    const network = generateNetwork({ companies: 30, seed: 6, horizon: 12 });
    const flat = flatten(network);
    const copy = structuredClone(network);
    const same = patchFlatNetwork(flat, network, copy);
    expect(same.ok && same.value.nodes.every((flag) => flag === 0)).toBe(true);
    const order = (copy.openOrders ?? [])[0];
    const demand = (copy.demand ?? [])[0]!;
    const changed = applyPlanningEvents(copy, [
      {
        type: 'demand.added',
        payload: { company: demand.company, item: demand.item, period: 3, quantity: 7 },
      },
      ...(order?.id === undefined ? [] : [{ type: 'order.closed', payload: { id: order.id } }]),
    ]);
    if (!changed.ok) throw new Error('refused');
    const patched = patchFlatNetwork(flat, network, structuredClone(changed.value.network));
    if (!patched.ok) throw new Error(patched.error);
    expectSameFlat(patched.value.flat, flatten(changed.value.network));
    const flagged = patched.value.nodes.reduce((sum, flag) => sum + flag, 0);
    expect(flagged).toBeGreaterThanOrEqual(1);
    expect(flagged).toBeLessThanOrEqual(2);
  });

  it('says why, and patches nothing, when more than capacities, demand and open orders changed', () => {
    const network = generateNetwork({ companies: 30, seed: 4, horizon: 12 });
    const flat = flatten(network);
    const production = network.production ?? [];
    const slower = production.map((record, i) =>
      i === 0 ? { ...record, leadTime: record.leadTime + 1 } : record,
    );
    const cases: [Network, RegExp][] = [
      [{ ...network, production: slower }, /production record 0/],
      [{ ...network, sourcing: (network.sourcing ?? []).slice(1) }, /sourcing/],
      [{ ...network, items: [...network.items].reverse() }, /items/],
      [{ ...network, horizon: 11 }, /horizon/],
      [
        {
          ...network,
          openOrders: [
            ...(network.openOrders ?? []),
            { kind: 'production', company: 'nobody', item: 'nothing', quantity: 1, due: 2 },
          ],
        },
        /nobody\/nothing is not a node/,
      ],
    ];
    for (const [changed, reason] of cases) {
      const patched = patchFlatNetwork(flat, network, changed);
      expect(patched.ok).toBe(false);
      if (!patched.ok) expect(patched.error).toMatch(reason);
    }
  });
});
