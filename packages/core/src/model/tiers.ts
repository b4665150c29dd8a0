/**
 * @module model/tiers
 * The tier of a company: the length of its shortest supply path to an end-demand company. A company
 * with end demand is tier 0, its suppliers tier 1, theirs tier 2; a company in several chains takes
 * the smallest. Used everywhere a network is shown or summarized.
 */
import type { NetworkSummary } from '../store/ports.ts';
import type { Network } from './schema.ts';

/**
 * Tier of every company that is in some chain, by breadth-first search from the end-demand companies
 * over the sourcing links reversed (buyer to supplier), O(companies + links). Companies with no path
 * to end demand are absent. Deterministic: breadth-first distances do not depend on record order.
 *
 * @example computeTiers(network).get('steel') // 2 in the minimal network (steel → frame-a → oem)
 */
export function computeTiers(network: Network): Map<string, number> {
  const suppliersOf = new Map<string, string[]>();
  for (const rule of network.sourcing ?? []) {
    let suppliers = suppliersOf.get(rule.buyer);
    if (suppliers === undefined) {
      suppliers = [];
      suppliersOf.set(rule.buyer, suppliers);
    }
    for (const line of rule.suppliers) suppliers.push(line.supplier);
  }
  const tiers = new Map<string, number>();
  const queue: string[] = [];
  for (const demand of network.demand ?? []) {
    if (!tiers.has(demand.company)) {
      tiers.set(demand.company, 0);
      queue.push(demand.company);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const buyer = queue[head]!;
    const tier = tiers.get(buyer)! + 1;
    for (const supplier of suppliersOf.get(buyer) ?? []) {
      if (!tiers.has(supplier)) {
        tiers.set(supplier, tier);
        queue.push(supplier);
      }
    }
  }
  return tiers;
}

/**
 * Summary figures of a network: companies, items, the number of distinct tiers, and sourcing links
 * (one per buyer, item and supplier).
 */
export function summarize(
  network: Network,
  tiers: ReadonlyMap<string, number> = computeTiers(network),
): NetworkSummary {
  let sourcingLinks = 0;
  for (const rule of network.sourcing ?? [])
    sourcingLinks += new Set(rule.suppliers.map((line) => line.supplier)).size;
  return {
    companies: network.companies.length,
    items: network.items.length,
    tiers: new Set(tiers.values()).size,
    sourcingLinks,
  };
}
