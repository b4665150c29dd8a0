import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Network } from '../model/schema.ts';
import { compareSourcing, type SourcingSplit } from './sourcing.ts';
import { nearAndFar } from './sourcing-fixture.ts';
import {
  formatSourcingOptimisation,
  frontierOf,
  type OptimiseOptions,
  optimiseSourcing,
  shareGrid,
} from './sourcing-optimise.ts';

function optimised(network: Network, options: Partial<OptimiseOptions> = {}) {
  const result = optimiseSourcing(network, { buyer: 'plant', item: 'part', runs: 1, ...options });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe('shareGrid', () => {
  it('has every split in steps with 1 to maxSources sources, each once', () => {
    expect(shareGrid(['a', 'b'], 10, 2)).toHaveLength(11);
    expect(shareGrid(['a', 'b', 'c'], 10, 3)).toHaveLength(66);
    // Three singles and 9 splits of each of the three pairs.
    expect(shareGrid(['a', 'b', 'c'], 10, 2)).toHaveLength(3 + 3 * 9);
    expect(shareGrid(['a', 'b', 'c', 'd'], 5, 1).map((split) => split.label)).toEqual([
      'a 100',
      'b 100',
      'c 100',
      'd 100',
    ]);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 1, max: 5 }),
        (count, parts, most) => {
          const suppliers = Array.from({ length: count }, (_, index) => `s${index}`);
          const grid = shareGrid(suppliers, parts, most);
          expect(new Set(grid.map((split) => split.label)).size).toBe(grid.length);
          for (const split of grid) {
            expect(split.shares.reduce((sum, entry) => sum + entry.share, 0)).toBeCloseTo(1, 12);
            expect(split.shares.length).toBeGreaterThanOrEqual(1);
            expect(split.shares.length).toBeLessThanOrEqual(most);
            for (const entry of split.shares)
              expect(Math.abs(entry.share * parts - Math.round(entry.share * parts))).toBeLessThan(1e-9);
          }
        },
      ),
    );
  });
});

describe('frontierOf', () => {
  const split = (label: string, total: number, endFill: number) =>
    ({ label, expected: { total, endFill } }) as unknown as SourcingSplit;

  it('is exactly the splits no other beats on both cost and fill, cheapest first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), {
          minLength: 1,
          maxLength: 30,
        }),
        (points) => {
          const splits = points.map(([cost, fill], index) => split(`s${index}`, cost, fill / 20));
          const frontier = frontierOf(splits);
          const dominated = (a: SourcingSplit) =>
            splits.some(
              (b) =>
                b !== a &&
                b.expected.total <= a.expected.total &&
                b.expected.endFill! >= a.expected.endFill! &&
                (b.expected.total < a.expected.total || b.expected.endFill! > a.expected.endFill!),
            );
          // Every frontier split is undominated; every undominated split is on it or ties one exactly.
          for (const label of frontier)
            expect(dominated(splits.find((entry) => entry.label === label)!)).toBe(false);
          for (const entry of splits.filter((candidate) => !dominated(candidate)))
            expect(
              frontier.some((label) => {
                const on = splits.find((candidate) => candidate.label === label)!;
                return (
                  on.expected.total === entry.expected.total && on.expected.endFill === entry.expected.endFill
                );
              }),
            ).toBe(true);
          const cheapest = Math.min(...splits.map((entry) => entry.expected.total));
          expect(splits.find((entry) => entry.label === frontier[0])!.expected.total).toBe(cheapest);
        },
      ),
    );
  });
});

describe('optimiseSourcing', () => {
  it('picks a single source when the other supplier is far dearer and shortages cost little', () => {
    // The near part costs a third of the far one; a product is worth 10, so waiting costs almost
    // nothing: no protection is worth 200 a part.
    const result = optimised(nearAndFar({ far: 300, near: 100, price: 10 }), { minimumFill: 0 });
    expect(result.choice.split).toBe('near 100');
    expect(result.search).toMatchObject({ candidates: 11, overCapacity: 0, screened: 0, simulated: 11 });
    expect(result.choice.explanation).toMatch(/^Buy 100 % from near\. Of 11 splits tried/);
    expect(result.choice.explanation).toContain('A single source is best here');
    expect(result.frontier[0]).toBe('near 100');
  });

  it('splits when the worst case must keep 77 % and either single source falls to 75 %', () => {
    // Same price; a supplier down for 12 weeks leaves a single source at 75 % of demand on time and a
    // 70/30 split at 77.5 % (see sourcing.test.ts): only splits are acceptable.
    const result = optimised(nearAndFar(), { minimumFill: 0.77 });
    const chosen = result.splits.find((split) => split.label === result.choice.split)!;
    expect(chosen.shares.length).toBe(2);
    expect(chosen.acceptable).toBe(true);
    for (const split of result.splits.filter((entry) => entry.shares.length === 1))
      expect(split.acceptable).toBe(false);
    expect(result.choice.explanation).toMatch(
      /Single source from near would cost \d+ EUR less, but serves only 75\.0 % with near down for 12 periods\./,
    );
    // Nothing acceptable is cheaper.
    for (const split of result.splits.filter((entry) => entry.acceptable))
      expect(split.expected.total).toBeGreaterThanOrEqual(chosen.expected.total);
  });

  it('splits on cost alone when demand varies: safety stock absorbs the outage of a small share', () => {
    // With demand spread (σ 4 a week) the plant holds safety stock. A supplier with 30-60 % of the
    // volume failing is largely absorbed by it; a single source failing is not. The expected cost is
    // lowest inside the range, with no fill requirement at all.
    const result = optimised(nearAndFar({ stdDev: 4 }), { runs: 10, minimumFill: 0 });
    const chosen = result.splits.find((split) => split.label === result.choice.split)!;
    expect(chosen.shares.map((entry) => entry.supplier).sort()).toEqual(['far', 'near']);
    for (const single of result.splits.filter((split) => split.shares.length === 1))
      expect(single.expected.total).toBeGreaterThan(chosen.expected.total);
    expect(result.choice.explanation).toMatch(
      /Splitting pays: the best single source \(near 100\) costs \d+ EUR more in expectation/,
    );
  });

  it('leaves out splits a supplier cannot make', () => {
    // near can make 6 parts a week of the 10 needed: 70 % or more from near is over its capacity.
    const network = nearAndFar();
    network.production![1] = { company: 'near', item: 'part', leadTime: 1, capacity: 6 };
    const result = optimised(network, { minimumFill: 0 });
    expect(result.search.overCapacity).toBe(4);
    expect(
      result.splits.some((split) =>
        split.shares.some((entry) => entry.supplier === 'near' && entry.share > 0.6),
      ),
    ).toBe(false);
  });

  it('screens a large grid with fewer runs and simulates the promising in full', () => {
    const network = nearAndFar();
    network.sourcing![0]!.suppliers.push({
      supplier: 'mid',
      share: 0,
      leadTime: 2,
      mode: 'rail',
      unitPrice: 110,
    });
    network.sourcing![0]!.suppliers[0]!.share = 0.7;
    network.companies.push({ id: 'mid', name: 'Mid Parts', site: { country: 'PL', region: 'EU' } });
    network.production!.push({ company: 'mid', item: 'part', leadTime: 1, capacity: 100 });
    const result = optimised(network, { runs: 5, step: 0.25, minimumFill: 0 });
    // 15 splits of 4 quarters over 3 suppliers: screened with 5 runs, the promising in full.
    expect(result.search.candidates).toBe(15);
    expect(result.search.screened).toBe(15);
    expect(result.search.screeningRuns).toBe(5);
    expect(result.search.simulated).toBeLessThan(15);
    expect(result.frontier).toContain(result.choice.split);
  });

  it('always chooses a split on the frontier, which no eligible split beats on cost and fill (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 200 }),
        fc.integer({ min: 50, max: 200 }),
        fc.constantFrom(10, 1000),
        fc.constantFrom(0, 0.77, 0.9),
        (far, near, price, minimumFill) => {
          const result = optimised(nearAndFar({ far, near, price, stdDev: 2 }), {
            minimumFill,
            periods: 20,
            step: 0.25,
          });
          expect(result.frontier[0]).toBe(result.choice.split);
          const chosen = result.splits.find((split) => split.label === result.choice.split)!;
          const eligible = result.splits.filter((split) =>
            result.splits.some((entry) => entry.acceptable) ? split.acceptable : true,
          );
          for (const split of eligible) {
            const better =
              split.expected.total <= chosen.expected.total &&
              split.expected.endFill! >= chosen.expected.endFill! &&
              (split.expected.total < chosen.expected.total ||
                split.expected.endFill! > chosen.expected.endFill!);
            expect(better, split.label).toBe(false);
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it('gives a split the same figures as the comparison does (the same pieces, seed and scenarios)', () => {
    const search = optimised(nearAndFar({ stdDev: 2 }), { runs: 3, minimumFill: 0 });
    const compared = compareSourcing(nearAndFar({ stdDev: 2 }), {
      buyer: 'plant',
      item: 'part',
      runs: 3,
      minimumFill: 0,
    });
    if (!compared.ok) throw new Error(compared.error.message);
    for (const label of ['far 70 / near 30', 'near 100', 'far 100']) {
      const ours = search.splits.find((split) => split.label === label)!;
      const theirs = compared.value.splits.find((split) => split.label === label)!;
      expect(ours.expected).toEqual(theirs.expected);
      expect(ours.worst).toEqual(theirs.worst);
    }
  });

  it('refuses a step that does not divide 100 %', () => {
    const result = optimiseSourcing(nearAndFar(), { buyer: 'plant', item: 'part', step: 0.3 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe('invalid-options');
  });

  it('writes a report with the frontier and the choice', () => {
    const text = formatSourcingOptimisation(optimised(nearAndFar(), { minimumFill: 0.77 }));
    expect(text).toMatch(
      /^Best split of part at plant in 'near-and-far': 11 splits in steps of 10 % with up to 2 sources/,
    );
    expect(text).toContain('◀');
    expect(text).toContain('Choice: Buy ');
    expect(text).toContain('Frontier, expected cost against expected fill rate:');
  });
});
