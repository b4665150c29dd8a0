import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PegOrder, peggingTree, walk } from './pegging-tree.ts';

const order = (fields: Partial<PegOrder> & Pick<PegOrder, 'id' | 'kind' | 'company' | 'item'>): PegOrder => ({
  quantity: 1,
  start: 0,
  due: 1,
  tier: 0,
  serves: 1,
  ...fields,
});

/** oem makes machines from frames bought from frame-a (70 %) and frame-b; frame-a buys steel. */
const ORDERS: PegOrder[] = [
  order({
    id: 'oem/machine/make/4',
    kind: 'production',
    company: 'oem',
    item: 'machine',
    serves: 6,
    start: 4,
  }),
  order({
    id: 'oem/machine/make/3',
    kind: 'production',
    company: 'oem',
    item: 'machine',
    serves: 2,
    start: 3,
  }),
  order({
    id: 'oem/frame/a/3',
    kind: 'purchase',
    company: 'oem',
    item: 'frame',
    supplier: 'frame-a',
    serves: 5,
  }),
  order({
    id: 'oem/frame/b/2',
    kind: 'purchase',
    company: 'oem',
    item: 'frame',
    supplier: 'frame-b',
    serves: 3,
  }),
  order({ id: 'fa/frame/make/2', kind: 'production', company: 'frame-a', item: 'frame', serves: 5, tier: 1 }),
  order({
    id: 'fa/steel/1',
    kind: 'purchase',
    company: 'frame-a',
    item: 'steel',
    supplier: 'mill',
    serves: 12.5,
    tier: 1,
  }),
  order({
    id: 'mill/steel/make/0',
    kind: 'production',
    company: 'mill',
    item: 'steel',
    serves: 12.5,
    tier: 2,
  }),
];

describe('pegging tree', () => {
  it('puts the orders back in the shape of the chain', () => {
    const tree = peggingTree('oem', 'machine', ORDERS);
    expect(tree).toMatchObject({ kind: 'need', company: 'oem', item: 'machine', serves: 8 });
    const make = tree.children[0]!;
    expect(make).toMatchObject({ kind: 'make', serves: 8 });
    expect(make.orders.map((entry) => entry.id)).toEqual(['oem/machine/make/3', 'oem/machine/make/4']);
    const frames = make.children[0]!;
    expect(frames).toMatchObject({ kind: 'need', company: 'oem', item: 'frame', serves: 8 });
    expect(frames.children.map((child) => [child.kind, child.supplier, child.serves])).toEqual([
      ['buy', 'frame-a', 5],
      ['buy', 'frame-b', 3],
    ]);
    // frame-b made nothing for this demand: its buy node ends there.
    expect(frames.children[1]!.children).toEqual([]);
    const atFrameA = frames.children[0]!.children[0]!;
    expect(atFrameA).toMatchObject({ kind: 'need', company: 'frame-a', item: 'frame' });
    const steel = atFrameA.children[0]!.children[0]!;
    expect(steel).toMatchObject({ kind: 'need', company: 'frame-a', item: 'steel', serves: 12.5 });
    expect(steel.children[0]!.children[0]).toMatchObject({ company: 'mill', item: 'steel', serves: 12.5 });
  });

  it('places every order once in a chain of single-level bills, and keys are unique', () => {
    const tree = peggingTree('oem', 'machine', ORDERS);
    const placed = [...walk(tree)].flatMap((node) => node.orders.map((entry) => entry.id));
    expect(placed.sort()).toEqual(ORDERS.map((entry) => entry.id).sort());
    const keys = [...walk(tree)].map((node) => node.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('ends on any list of orders: no cycles, unique keys, nothing invented', () => {
    const companies = ['a', 'b', 'c'];
    const items = ['x', 'y'];
    const arbitrary = fc.array(
      fc.record({
        kind: fc.constantFrom('production' as const, 'purchase' as const),
        company: fc.constantFrom(...companies),
        item: fc.constantFrom(...items),
        supplier: fc.constantFrom(...companies),
        serves: fc.integer({ min: 1, max: 9 }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arbitrary, (drawn) => {
        const orders = drawn.map(({ supplier, ...entry }, index) =>
          order({ ...entry, id: `o${index}`, ...(entry.kind === 'purchase' ? { supplier } : {}) }),
        );
        const tree = peggingTree('a', 'x', orders);
        const nodes = [...walk(tree)];
        const keys = nodes.map((node) => node.key);
        expect(new Set(keys).size).toBe(keys.length);
        const ids = new Set(orders.map((entry) => entry.id));
        for (const node of nodes) for (const entry of node.orders) expect(ids.has(entry.id)).toBe(true);
      }),
    );
  });
});
