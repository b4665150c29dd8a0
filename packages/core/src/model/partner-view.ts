/**
 * @module model/partner-view
 * The part of a network one company's node plans on: the company itself (its production, capacity
 * groups, sourcing, stock, open orders and end demand), its direct suppliers as the sources of what it
 * buys, and its direct customers by name (their forecasts arrive as demand events). Nothing of a
 * partner's own operations is in it: a supplier's capacity, bill of materials and stock are its own
 * (it shares capacity through WeekBasedCapacityGroup when it wants to), so in the view a supplier is
 * an unconstrained source of the items it sells to the company, reached over the lane's lead time.
 * Of each customer's sourcing rule it keeps the company's own line (the lane to that customer, with
 * its lead time and the customer's material numbers), as a rule with that one line at share 1: the
 * view plans no demand of the customer, so the rule only tells the payload readers when the company
 * must ship what the customer needs (the customer's forecasts and orders name the week it needs them)
 * and how the customer names the material.
 *
 * This is what `keten node` derives from a network file that describes more than the company's part
 * (the demo hands every node the whole demo network; each node uses only its view of it).
 */
import type { Network, Production } from './schema.ts';

/** Capacity per period of a supplier in the view: large enough never to bind. */
export const UNCONSTRAINED_CAPACITY = 1e9;

/**
 * The network `company`'s node plans on. Undefined when the network has no such company.
 *
 * @example
 * const view = partnerView(demoNetwork, 'maasdal-frames'); // the frame maker, its suppliers, its customers
 */
export function partnerView(network: Network, company: string): Network | undefined {
  const self = network.companies.find((entry) => entry.id === company);
  if (self === undefined) return undefined;
  const ownRules = (network.sourcing ?? []).filter((rule) => rule.buyer === company);
  const suppliers = new Set(ownRules.flatMap((rule) => rule.suppliers.map((line) => line.supplier)));
  // The lanes to the company's customers: their rules cut to the company's line.
  const customerRules = (network.sourcing ?? []).flatMap((rule) => {
    if (rule.buyer === company) return [];
    const line = rule.suppliers.find((candidate) => candidate.supplier === company);
    return line === undefined ? [] : [{ ...rule, suppliers: [{ ...line, share: 1 }] }];
  });
  const customers = new Set(customerRules.map((rule) => rule.buyer));
  const ownProduction = (network.production ?? []).filter((record) => record.company === company);
  // What each supplier sells to the company, as an unconstrained source (its part number kept: the
  // payloads name materials by it).
  const sources: Production[] = [];
  for (const rule of ownRules) {
    for (const line of rule.suppliers) {
      if (line.supplier === company) continue;
      const theirs = (network.production ?? []).find(
        (record) => record.company === line.supplier && record.item === rule.item,
      );
      if (sources.some((record) => record.company === line.supplier && record.item === rule.item)) continue;
      sources.push({
        company: line.supplier,
        item: rule.item,
        leadTime: 0,
        capacity: UNCONSTRAINED_CAPACITY,
        ...(theirs?.partNumber === undefined ? {} : { partNumber: theirs.partNumber }),
      });
    }
  }
  const production = [...ownProduction, ...sources];
  const companies = network.companies.filter(
    (entry) => entry.id === company || suppliers.has(entry.id) || customers.has(entry.id),
  );
  const demand = (network.demand ?? []).filter((entry) => entry.company === company);
  const used = new Set<string>();
  for (const record of production) {
    used.add(record.item);
    for (const line of record.bom ?? []) used.add(line.item);
  }
  for (const rule of [...ownRules, ...customerRules]) used.add(rule.item);
  for (const entry of demand) used.add(entry.item);
  const view: Network = {
    ...network,
    companies,
    items: network.items.filter((item) => used.has(item.id)),
    production,
    capacityGroups: (network.capacityGroups ?? []).filter((group) => group.company === company),
    sourcing: [...ownRules, ...customerRules],
    inventory: (network.inventory ?? []).filter((entry) => entry.company === company),
    openOrders: (network.openOrders ?? []).filter((order) => order.company === company),
    demand,
  };
  return view;
}
