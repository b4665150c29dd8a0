import { describe, expect, it } from 'vitest';
import { singleSourcing } from './single-sourcing.ts';

/** oem (tier 0) buys frame from a and b, board from c only; a buys steel from s only; b makes steel too. */
const graph = {
  items: [
    { id: 'frame', name: 'Frame', unit: 'pcs' },
    { id: 'board', name: 'Board', unit: 'pcs' },
    { id: 'steel', name: 'Steel', unit: 'kg' },
  ],
  companies: {
    id: ['oem', 'a', 'b', 'c', 's'],
    name: ['OEM', 'A', 'B', 'C', 'S'],
    tier: [0, 1, 1, 1, 2],
    region: [0, 0, 0, 0, 0],
    country: ['NL', 'NL', 'NL', 'NL', 'NL'],
    city: [null, null, null, null, null],
    latitude: [null, null, null, null, null],
    longitude: [null, null, null, null, null],
    makes: [[], [0], [0, 2], [1], [2]],
  },
  lanes: {
    supplier: [1, 2, 3, 4, 3],
    buyer: [0, 0, 0, 1, 0],
    item: [0, 0, 1, 2, 1],
    share: [0.7, 0.3, 1, 1, 1],
    mode: [0, 0, 0, 0, 0],
    leadTime: [1, 1, 1, 1, 1],
  },
};

describe('single-sourced parts', () => {
  it('finds the pairs bought from one supplier, those without another maker first, nearest the end customer first', () => {
    const found = singleSourcing(graph);
    expect(found.pairs).toBe(3);
    // The board has one maker (c), and oem buys it twice from c: still one supplier. Steel has two makers.
    expect(found.single).toEqual([
      { buyer: 0, supplier: 3, item: 1, makers: 1 },
      { buyer: 1, supplier: 4, item: 2, makers: 2 },
    ]);
  });

  it('finds none where every part has two suppliers, and none in an empty network', () => {
    const two = { ...graph, lanes: { ...graph.lanes, supplier: [1, 2], buyer: [0, 0], item: [0, 0] } };
    expect(singleSourcing(two)).toEqual({ pairs: 1, single: [] });
    const empty = { ...graph, items: [], lanes: { ...graph.lanes, supplier: [], buyer: [], item: [] } };
    expect(singleSourcing(empty)).toEqual({ pairs: 0, single: [] });
  });
});
