import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDiff, diffNetworks, formatDiff, isEmptyDiff, NATURAL_KEYS } from './diff.ts';
import { NETWORK_FORMAT, type Network, SECTIONS } from './schema.ts';

/** The network of shared/examples/network-minimal.yaml, abridged. */
function minimal(): Network {
  return {
    format: NETWORK_FORMAT,
    name: 'minimal-two-tier',
    period: 'week',
    start: '2027-01-04',
    horizon: 12,
    currency: 'EUR',
    companies: [
      {
        id: 'oem',
        name: 'Example Systems B.V.',
        site: { country: 'NL', region: 'EU', location: [51.44, 5.47] },
      },
      { id: 'frame-a', name: 'Frame Works GmbH', site: { country: 'DE', region: 'EU' } },
      { id: 'frame-b', name: 'Frame Asia Ltd.', site: { country: 'CN', region: 'ASIA' } },
      { id: 'steel', name: 'Staal IJmond', site: { country: 'NL', region: 'EU' } },
    ],
    items: [
      { id: 'machine', name: 'Machine', unit: 'pcs' },
      { id: 'frame', name: 'Welded frame', unit: 'pcs' },
      { id: 'steel-plate', name: 'Steel plate', unit: 'kg' },
    ],
    production: [
      { company: 'oem', item: 'machine', leadTime: 2, capacity: 10, bom: [{ item: 'frame', quantity: 1 }] },
      {
        company: 'frame-a',
        item: 'frame',
        leadTime: 1,
        capacity: 8,
        bom: [{ item: 'steel-plate', quantity: 120 }],
      },
      { company: 'frame-b', item: 'frame', leadTime: 1, capacity: 20 },
      { company: 'steel', item: 'steel-plate', leadTime: 1, capacity: [5000, 5000, 0, 5000] },
    ],
    sourcing: [
      {
        buyer: 'oem',
        item: 'frame',
        suppliers: [
          { supplier: 'frame-a', share: 0.7, leadTime: 1, mode: 'road' },
          { supplier: 'frame-b', share: 0.3, leadTime: 6, mode: 'sea' },
        ],
      },
      { buyer: 'frame-a', item: 'steel-plate', suppliers: [{ supplier: 'steel', share: 1, leadTime: 1 }] },
    ],
    inventory: [{ company: 'oem', item: 'frame', onHand: 5 }],
    openOrders: [
      { kind: 'purchase', company: 'frame-a', item: 'steel-plate', supplier: 'steel', quantity: 480, due: 1 },
      { kind: 'production', company: 'oem', item: 'machine', quantity: 2, due: 1 },
    ],
    demand: [{ company: 'oem', item: 'machine', quantities: [0, 0, 0, 4, 4, 6, 6, 8, 8, 8, 8, 8] }],
  };
}

describe('diffNetworks', () => {
  it('finds nothing between a network and a copy of it in another order', () => {
    const before = minimal();
    const after = structuredClone(before);
    after.companies.reverse();
    after.production?.reverse();
    expect(isEmptyDiff(diffNetworks(before, after))).toBe(true);
    expect(formatDiff(diffNetworks(before, after))).toEqual([]);
  });

  it('lists added, removed and changed records with field-level changes', () => {
    const before = minimal();
    const after = structuredClone(before);
    after.horizon = 26;
    after.companies.push({
      id: 'frame-c',
      name: 'Frame Three s.r.o.',
      site: { country: 'CZ', region: 'EU' },
    });
    after.companies[0]!.site.country = 'BE';
    after.production![0]!.capacity = 12;
    after.production![0]!.bom = [{ item: 'frame', quantity: 2 }];
    after.production![3]!.capacity = [5000, 5000, 5000, 5000];
    after.sourcing![0]!.suppliers = [
      { supplier: 'frame-a', share: 0.8, leadTime: 1, mode: 'road' },
      { supplier: 'frame-c', share: 0.2, leadTime: 2 },
    ];
    after.inventory = [];
    const diff = diffNetworks(before, after);

    expect(diff.fields).toEqual([{ path: 'horizon', before: 12, after: 26 }]);
    expect(diff.companies.added.map((entry) => entry.key)).toEqual(['frame-c']);
    expect(diff.companies.changed[0]?.changes).toEqual([{ path: 'site.country', before: 'NL', after: 'BE' }]);
    expect(diff.production.changed.map((change) => change.key)).toEqual(['oem/machine', 'steel/steel-plate']);
    expect(diff.sourcing.changed[0]?.suppliers.removed.map((entry) => entry.key)).toEqual(['frame-b']);
    expect(diff.inventory.removed.map((entry) => entry.key)).toEqual(['oem/frame']);

    expect(formatDiff(diff)).toEqual([
      '~ horizon: 12 → 26',
      '+ company frame-c (Frame Three s.r.o.)',
      '~ company oem: site.country NL → BE',
      '~ production oem/machine: capacity 10 → 12',
      '~ production oem/machine: bom[frame].quantity 1 → 2',
      '~ production steel/steel-plate: capacity[2] 0 → 5000',
      '- sourcing oem/frame supplier frame-b',
      '+ sourcing oem/frame supplier frame-c (share 0.2, lead time 2)',
      '~ sourcing oem/frame supplier frame-a: share 0.7 → 0.8',
      '- inventory oem/frame (on hand 5)',
    ]);
  });

  it('finds a record inserted in the middle and changes before and after it', () => {
    const before = minimal();
    const after = structuredClone(before);
    after.companies.splice(2, 0, {
      id: 'frame-c',
      name: 'Frame Three s.r.o.',
      site: { country: 'CZ', region: 'EU' },
    });
    after.companies[0]!.name = 'First';
    after.companies[4]!.name = 'Last';
    after.items.splice(1, 1);
    expect(formatDiff(diffNetworks(before, after))).toEqual([
      '+ company frame-c (Frame Three s.r.o.)',
      '~ company oem: name "Example Systems B.V." → First',
      '~ company steel: name "Staal IJmond" → Last',
      '- item frame (Welded frame)',
    ]);
  });

  it('reports a whole list when many periods change, and a switch from number to list', () => {
    const before = minimal();
    const after = structuredClone(before);
    after.demand![0]!.quantities = after.demand![0]!.quantities.map((quantity) => quantity + 1);
    after.production![1]!.capacity = [8, 8, 0];
    const lines = formatDiff(diffNetworks(before, after));
    expect(lines).toEqual([
      '~ production frame-a/frame: capacity 8 → [8, 8, 0]',
      '~ demand oem/machine: quantities [12 values] → [12 values]',
    ]);
  });

  it('keys open orders by kind, company, item, supplier, due and id, and tells repeats apart', () => {
    const before = minimal();
    const after = structuredClone(before);
    after.openOrders!.push({ kind: 'production', company: 'oem', item: 'machine', quantity: 3, due: 1 });
    after.openOrders!.push({
      kind: 'production',
      company: 'oem',
      item: 'machine',
      quantity: 1,
      due: 1,
      id: 'MO-7',
    });
    const diff = diffNetworks(before, after);
    expect(diff.openOrders.added.map((entry) => entry.key)).toEqual([
      'production oem/machine due 1 (2)',
      'production oem/machine due 1 #MO-7',
    ]);
    expect(formatDiff(diff)).toContain('+ open order production oem/machine due 1 #MO-7 (quantity 1)');
  });

  it('sees optional fields and sections appear and disappear', () => {
    const before = minimal();
    const after = structuredClone(before);
    after.description = 'with a description';
    delete after.currency;
    delete after.openOrders;
    const diff = diffNetworks(before, after);
    expect(diff.fields).toEqual([
      { path: 'currency', before: 'EUR', after: undefined },
      { path: 'description', before: undefined, after: 'with a description' },
    ]);
    expect(diff.openOrders.removed).toHaveLength(2);
    expect(formatDiff(diff).slice(0, 2)).toEqual([
      '~ currency: EUR → (none)',
      '~ description: (none) → "with a description"',
    ]);
  });

  it('diffs 60,000 companies in well under a second', () => {
    const size = 60_000;
    const companies = Array.from({ length: size }, (_, index) => ({
      id: `c${index}`,
      name: `Company ${index}`,
      site: { country: 'NL', region: 'EU' },
    }));
    const before: Network = { ...minimal(), companies };
    const after: Network = {
      ...minimal(),
      companies: companies.map((company, index) =>
        index % 1000 === 0 ? { ...company, name: 'Renamed' } : company,
      ),
    };
    const started = performance.now();
    const diff = diffNetworks(before, after);
    const elapsed = performance.now() - started;
    expect(diff.companies.changed).toHaveLength(60);
    expect(elapsed).toBeLessThan(5000); // a generous bound against accidental O(n²), not a benchmark
  });
});

describe('diffNetworks properties', () => {
  const ids = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { maxLength: 8 });
  const arbitraryNetwork = fc
    .record({
      companies: ids,
      items: ids,
      pairs: fc.uniqueArray(
        fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('a', 'b', 'c', 'd')),
        {
          selector: ([company, item]) => `${company}/${item}`,
          maxLength: 10,
        },
      ),
      capacity: fc.oneof(fc.nat(100), fc.array(fc.nat(100), { minLength: 1, maxLength: 6 })),
      horizon: fc.integer({ min: 1, max: 52 }),
    })
    .map(
      ({ companies, items, pairs, capacity, horizon }): Network => ({
        format: NETWORK_FORMAT,
        name: 'random',
        period: 'week',
        start: '2027-01-04',
        horizon,
        companies: companies.map((id) => ({
          id,
          name: `Company ${id}`,
          site: { country: 'NL', region: 'EU' },
        })),
        items: items.map((id) => ({ id, name: `Item ${id}`, unit: 'pcs' })),
        production: pairs.map(([company, item]) => ({ company, item, leadTime: 1, capacity })),
        sourcing: pairs.map(([buyer, item]) => ({
          buyer,
          item,
          suppliers: [{ supplier: 'a', share: 1, leadTime: 1 }],
        })),
        demand: pairs.map(([company, item]) => ({ company, item, quantities: [horizon] })),
      }),
    );

  it('does not depend on the order of records: shuffled versions give the same changes', () => {
    const keys = (diff: ReturnType<typeof diffNetworks>) =>
      SECTIONS.map((section) => ({
        added: diff[section].added.map((entry) => entry.key).sort(),
        removed: diff[section].removed.map((entry) => entry.key).sort(),
        changed: diff[section].changed.map((entry) => entry.key).sort(),
      }));
    fc.assert(
      fc.property(arbitraryNetwork, arbitraryNetwork, fc.integer(), (before, after, seed) => {
        const shuffled = structuredClone(after);
        for (const section of SECTIONS) {
          const list = shuffled[section] as unknown[] | undefined;
          if (!list) continue;
          const ranked = list.map((record, index) => ({
            record,
            rank: Math.imul(index + 1, 2654435761) ^ seed,
          }));
          ranked.sort((a, b) => a.rank - b.rank);
          list.splice(0, list.length, ...ranked.map((entry) => entry.record));
        }
        expect(keys(diffNetworks(before, shuffled))).toEqual(keys(diffNetworks(before, after)));
      }),
    );
  });

  it('diff(a, a) is empty, also for a deep copy', () => {
    fc.assert(
      fc.property(arbitraryNetwork, (network) => {
        expect(isEmptyDiff(diffNetworks(network, network))).toBe(true);
        expect(isEmptyDiff(diffNetworks(network, structuredClone(network)))).toBe(true);
      }),
    );
  });

  it('added and removed are the set differences of the keys; swapping the sides swaps them', () => {
    fc.assert(
      fc.property(arbitraryNetwork, arbitraryNetwork, (before, after) => {
        const diff = diffNetworks(before, after);
        const reverse = diffNetworks(after, before);
        for (const section of SECTIONS) {
          const keyOf = NATURAL_KEYS[section] as (record: unknown) => string;
          const left = new Set(((before[section] ?? []) as unknown[]).map(keyOf));
          const right = new Set(((after[section] ?? []) as unknown[]).map(keyOf));
          const added = [...right].filter((key) => !left.has(key));
          const removed = [...left].filter((key) => !right.has(key));
          expect(diff[section].added.map((entry) => entry.key).sort()).toEqual(added.sort());
          expect(diff[section].removed.map((entry) => entry.key).sort()).toEqual(removed.sort());
          expect(countDiff(reverse)[section]).toEqual({
            added: removed.length,
            removed: added.length,
            changed: diff[section].changed.length,
          });
          for (const change of diff[section].changed) {
            expect(left.has(change.key) && right.has(change.key)).toBe(true);
          }
        }
        expect(isEmptyDiff(diff)).toBe(formatDiff(diff).length === 0);
      }),
    );
  });
});
