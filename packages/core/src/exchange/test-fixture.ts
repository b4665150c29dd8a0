/**
 * @module exchange/test-fixture
 * What the exchange tests share: a network with its plan and the relationships of its sourcing
 * rules. Pure (the tests read the file); not exported from the package.
 */
import { loadNetworkFile } from '../model/load.ts';
import type { Network } from '../model/schema.ts';
import { planNetwork } from '../planning/plan.ts';

export const changedAt = '2027-01-04T08:00:00Z';
export const receivedAt = '2027-01-04T09:00:00Z';

export interface Fixture {
  readonly network: Network;
  readonly plan: ReturnType<typeof planNetwork>;
  /** Every customer, supplier and item of the sourcing rules. */
  readonly relationships: { customer: string; supplier: string; item: string }[];
}

/** The network of a YAML or JSON text, planned. */
export function fixture(name: string, text: string): Fixture {
  const loaded = loadNetworkFile({ name, text });
  if (!loaded.ok) throw new Error(`${name} does not load`);
  const network = loaded.value.network;
  return {
    network,
    plan: planNetwork(network),
    relationships: (network.sourcing ?? []).flatMap((rule) =>
      rule.suppliers.map((line) => ({ customer: rule.buyer, supplier: line.supplier, item: rule.item })),
    ),
  };
}
