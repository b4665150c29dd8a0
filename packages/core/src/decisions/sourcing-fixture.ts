/**
 * @module decisions/sourcing-fixture
 * The network the sourcing tests share (the comparison's and the split search's). Pure; not exported
 * from the package.
 */
import type { Network } from '../model/schema.ts';

/**
 * A plant in the EU makes 10 products a week from one part each. It buys the part from `far` in Asia
 * (6 weeks by sea) and from `near` in the EU (1 week by road), by default at the same price (100) and
 * 70/30, so that only the risks differ; capacities are ample. Demand is constant unless `stdDev` is
 * given; a product is worth `price` (default 1,000).
 */
export function nearAndFar(
  options: {
    far?: number;
    near?: number;
    shares?: { far: number; near: number };
    price?: number;
    stdDev?: number;
  } = {},
): Network {
  const shares = options.shares ?? { far: 0.7, near: 0.3 };
  return {
    format: 'keten.network/v1',
    name: 'near-and-far',
    period: 'week',
    start: '2027-01-04',
    horizon: 52,
    companies: [
      { id: 'plant', name: 'Plant', site: { country: 'NL', region: 'EU' } },
      { id: 'near', name: 'Near Parts', site: { country: 'DE', region: 'EU' } },
      { id: 'far', name: 'Far Parts', site: { country: 'CN', region: 'ASIA' } },
    ],
    items: [
      { id: 'product', name: 'Product', unit: 'pcs' },
      { id: 'part', name: 'Part', unit: 'pcs' },
    ],
    production: [
      { company: 'plant', item: 'product', leadTime: 1, capacity: 100, bom: [{ item: 'part', quantity: 1 }] },
      { company: 'near', item: 'part', leadTime: 1, capacity: 100 },
      { company: 'far', item: 'part', leadTime: 1, capacity: 100 },
    ],
    sourcing: [
      {
        buyer: 'plant',
        item: 'part',
        suppliers: [
          { supplier: 'far', share: shares.far, leadTime: 6, mode: 'sea', unitPrice: options.far ?? 100 },
          { supplier: 'near', share: shares.near, leadTime: 1, mode: 'road', unitPrice: options.near ?? 100 },
        ],
      },
    ],
    demand: [
      {
        company: 'plant',
        item: 'product',
        quantities: [10],
        mean: 10,
        stdDev: options.stdDev ?? 0,
        price: options.price ?? 1000,
      },
    ],
  };
}
