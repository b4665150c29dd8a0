import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Network } from './schema.ts';
import { computeTiers, summarize } from './tiers.ts';

/** A network of companies that each make one item; `links` are [buyer, supplier] pairs. */
function network(links: [string, string][], endDemand: string[]): Network {
  const companies = [...new Set(links.flat().concat(endDemand))];
  const bySupplier = new Map<string, string[]>();
  for (const [buyer, supplier] of links) bySupplier.set(buyer, [...(bySupplier.get(buyer) ?? []), supplier]);
  return {
    format: 'keten.network/v1',
    name: 'test',
    period: 'week',
    start: '2027-01-04',
    horizon: 4,
    companies: companies.map((id) => ({ id, name: id, site: { country: 'NL', region: 'EU' } })),
    items: companies.map((id) => ({ id: `${id}-part`, name: id, unit: 'pcs' })),
    sourcing: [...bySupplier].map(([buyer, suppliers]) => ({
      buyer,
      item: 'x',
      suppliers: suppliers.map((supplier) => ({ supplier, share: 1 / suppliers.length, leadTime: 1 })),
    })),
    demand: endDemand.map((company) => ({ company, item: 'x', quantities: [1] })),
  };
}

// oem ← a, b ← c ← d, and c also supplies oem directly through `shortcut`.
const diamond: [string, string][] = [
  ['oem', 'a'],
  ['oem', 'b'],
  ['a', 'c'],
  ['b', 'c'],
  ['c', 'd'],
];

describe('computeTiers', () => {
  it('gives end-demand companies tier 0 and each supplier one more, shortest path first', () => {
    expect(Object.fromEntries(computeTiers(network(diamond, ['oem'])))).toEqual({
      oem: 0,
      a: 1,
      b: 1,
      c: 2,
      d: 3,
    });
  });

  it('a company in several chains takes the smallest tier', () => {
    const tiers = computeTiers(network([...diamond, ['oem2', 'd']], ['oem', 'oem2']));
    expect(tiers.get('d')).toBe(1);
    expect(tiers.get('c')).toBe(2);
  });

  it('leaves out companies in no chain', () => {
    const tiers = computeTiers(network([...diamond, ['loner', 'e']], ['oem']));
    expect(tiers.has('loner')).toBe(false);
    expect(tiers.has('e')).toBe(false);
  });

  it('is the same whatever the order of the records', () => {
    const expected = computeTiers(network(diamond, ['oem']));
    fc.assert(
      fc.property(fc.shuffledSubarray(diamond, { minLength: diamond.length }), (links) => {
        const shuffled = network(links, ['oem']);
        expect(computeTiers(shuffled)).toEqual(expected);
        expect(
          [...computeTiers({ ...shuffled, sourcing: [...(shuffled.sourcing ?? [])].reverse() })].sort(),
        ).toEqual([...expected].sort());
      }),
    );
  });
});

describe('summarize', () => {
  it('counts companies, items, distinct tiers and (buyer, item, supplier) links', () => {
    expect(summarize(network(diamond, ['oem']))).toEqual({
      companies: 5,
      items: 5,
      tiers: 4,
      sourcingLinks: 5,
    });
  });
});
