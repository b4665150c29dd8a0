/**
 * @module model/shape
 * Figures that describe the shape of a network: companies per tier, the sourcing mix, how many OEM
 * chains each supplier sits in, bill-of-materials depth, countries and regions. For benchmark reports,
 * for tests of the generator, and for anyone wondering what a network looks like.
 */
import type { Network } from './schema.ts';
import { computeTiers } from './tiers.ts';

export interface NetworkShape {
  /** Companies per tier, index = tier; companies in no chain are counted in `outsideChains`. */
  readonly companiesPerTier: number[];
  readonly outsideChains: number;
  /** Sourcing rules by split. */
  readonly sourcingMix: {
    readonly single: number;
    readonly seventyThirty: number;
    readonly sixtyTwentyTwenty: number;
    readonly other: number;
  };
  /** Companies with end demand (the roots of the chains). */
  readonly endDemandCompanies: number;
  /**
   * Companies by the number of end-demand companies whose chains they are in: index 1 = one chain,
   * and so on; index 0 = none.
   */
  readonly companiesByChainCount: number[];
  /** Bill-of-materials depth of the end products: levels from end product to raw material. */
  readonly bomDepth: { readonly shortest: number; readonly longest: number };
  /** Companies per country and per region, sorted by count, then name. */
  readonly countries: readonly (readonly [string, number])[];
  readonly regions: readonly (readonly [string, number])[];
}

const near = (value: number, target: number) => Math.abs(value - target) < 1e-9;

/** The shape of `network` (see `NetworkShape`). Linear in the size of the network times its OEMs. */
export function networkShape(network: Network): NetworkShape {
  const tiers = computeTiers(network);
  const companiesPerTier: number[] = [];
  for (const tier of tiers.values()) companiesPerTier[tier] = (companiesPerTier[tier] ?? 0) + 1;
  for (let tier = 0; tier < companiesPerTier.length; tier++) companiesPerTier[tier] ??= 0;

  const mix = { single: 0, seventyThirty: 0, sixtyTwentyTwenty: 0, other: 0 };
  for (const rule of network.sourcing ?? []) {
    const shares = rule.suppliers.map((line) => line.share);
    if (shares.length === 1) mix.single++;
    else if (shares.length === 2 && near(shares[0]!, 0.7) && near(shares[1]!, 0.3)) mix.seventyThirty++;
    else if (shares.length === 3 && near(shares[0]!, 0.6) && near(shares[1]!, 0.2) && near(shares[2]!, 0.2)) {
      mix.sixtyTwentyTwenty++;
    } else mix.other++;
  }

  return {
    companiesPerTier,
    outsideChains: network.companies.length - tiers.size,
    sourcingMix: mix,
    ...chainMembership(network),
    bomDepth: bomDepth(network),
    countries: countBy(network.companies.map((company) => company.site.country)),
    regions: countBy(network.companies.map((company) => company.site.region)),
  };
}

/** For each end-demand company, walk up its chain; count how many chains each company is in. */
function chainMembership(network: Network): { endDemandCompanies: number; companiesByChainCount: number[] } {
  const index = new Map(network.companies.map((company, position) => [company.id, position]));
  const suppliersOf: number[][] = network.companies.map(() => []);
  for (const rule of network.sourcing ?? []) {
    const buyer = index.get(rule.buyer);
    if (buyer === undefined) continue;
    for (const line of rule.suppliers) {
      const supplier = index.get(line.supplier);
      if (supplier !== undefined) suppliersOf[buyer]!.push(supplier);
    }
  }
  const roots = [...new Set((network.demand ?? []).map((demand) => index.get(demand.company)))].filter(
    (root): root is number => root !== undefined,
  );
  const chains = new Uint32Array(network.companies.length);
  const visitedBy = new Int32Array(network.companies.length).fill(-1);
  roots.forEach((root, rootNumber) => {
    const queue = [root];
    visitedBy[root] = rootNumber;
    for (let head = 0; head < queue.length; head++) {
      const company = queue[head]!;
      chains[company]! += 1;
      for (const supplier of suppliersOf[company]!) {
        if (visitedBy[supplier] === rootNumber) continue;
        visitedBy[supplier] = rootNumber;
        queue.push(supplier);
      }
    }
  });
  const companiesByChainCount: number[] = [];
  for (const count of chains) companiesByChainCount[count] = (companiesByChainCount[count] ?? 0) + 1;
  for (let count = 0; count < companiesByChainCount.length; count++) companiesByChainCount[count] ??= 0;
  return { endDemandCompanies: roots.length, companiesByChainCount };
}

/** Shortest and longest path, in bill-of-materials levels, from an end product to a raw material. */
function bomDepth(network: Network): { shortest: number; longest: number } {
  const components = new Map<string, Set<string>>();
  for (const step of network.production ?? []) {
    const set = components.get(step.item) ?? new Set<string>();
    components.set(step.item, set);
    for (const line of step.bom ?? []) set.add(line.item);
  }
  const memo = new Map<string, { shortest: number; longest: number }>();
  const depth = (item: string, path: Set<string>): { shortest: number; longest: number } => {
    const known = memo.get(item);
    if (known !== undefined) return known;
    const children = components.get(item);
    let result = { shortest: 0, longest: 0 };
    if (children !== undefined && children.size > 0 && !path.has(item)) {
      path.add(item);
      let shortest = Number.POSITIVE_INFINITY;
      let longest = 0;
      for (const child of children) {
        const below = depth(child, path);
        shortest = Math.min(shortest, below.shortest + 1);
        longest = Math.max(longest, below.longest + 1);
      }
      path.delete(item);
      result = { shortest, longest };
    }
    memo.set(item, result);
    return result;
  };
  let shortest = Number.POSITIVE_INFINITY;
  let longest = 0;
  for (const demand of network.demand ?? []) {
    const below = depth(demand.item, new Set());
    shortest = Math.min(shortest, below.shortest);
    longest = Math.max(longest, below.longest);
  }
  return { shortest: Number.isFinite(shortest) ? shortest : 0, longest };
}

function countBy(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
