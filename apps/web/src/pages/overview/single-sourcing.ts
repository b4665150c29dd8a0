/**
 * @module pages/overview/single-sourcing
 * Single-sourced parts from the network graph: a buyer that gets an item from one supplier only, and
 * whether any other company makes that item at all (if none does, there is no second source to turn
 * to). Ranked nearest to the end customer first (a break there stops the most), parts without any
 * other maker before those with one.
 */
import type { NetworkGraph } from '@keten/core';

export interface SingleSource {
  /** Company indices into the graph. */
  readonly buyer: number;
  readonly supplier: number;
  /** Item index into the graph's items. */
  readonly item: number;
  /** How many companies make the item, the supplier included. */
  readonly makers: number;
}

export interface SingleSourcing {
  /** Buyer-and-item pairs bought from any supplier. */
  readonly pairs: number;
  /** Those bought from one supplier only, ranked (see the module). */
  readonly single: readonly SingleSource[];
}

export function singleSourcing(graph: Pick<NetworkGraph, 'companies' | 'lanes' | 'items'>): SingleSourcing {
  const { lanes, companies } = graph;
  const makers = new Uint32Array(graph.items.length);
  for (const made of companies.makes) for (const item of made) makers[item]! += 1;
  // Buyer and item -> the one supplier seen so far, or -1 once a second one appears.
  const suppliers = new Map<number, number>();
  const itemCount = Math.max(1, graph.items.length);
  for (let lane = 0; lane < lanes.buyer.length; lane++) {
    const key = lanes.buyer[lane]! * itemCount + lanes.item[lane]!;
    const supplier = lanes.supplier[lane]!;
    const seen = suppliers.get(key);
    if (seen === undefined) suppliers.set(key, supplier);
    else if (seen !== supplier) suppliers.set(key, -1);
  }
  const single: SingleSource[] = [];
  for (const [key, supplier] of suppliers) {
    if (supplier < 0) continue;
    const item = key % itemCount;
    single.push({ buyer: Math.floor(key / itemCount), supplier, item, makers: Math.max(1, makers[item]!) });
  }
  const tier = (index: number) => companies.tier[index] ?? Number.POSITIVE_INFINITY;
  single.sort(
    (a, b) =>
      Number(a.makers > 1) - Number(b.makers > 1) ||
      tier(a.buyer) - tier(b.buyer) ||
      (companies.name[a.buyer]! < companies.name[b.buyer]!
        ? -1
        : companies.name[a.buyer]! > companies.name[b.buyer]!
          ? 1
          : 0) ||
      a.item - b.item,
  );
  return { pairs: suppliers.size, single };
}
