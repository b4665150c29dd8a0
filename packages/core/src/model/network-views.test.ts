import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork } from './generate.ts';
import { companyView, GRAPH_MODES, networkGraph } from './network-views.ts';
import type { Network } from './schema.ts';
import { computeTiers } from './tiers.ts';

const TWO_TIER: Network = {
  format: 'keten.network/v1',
  name: 'two-tier',
  period: 'week',
  start: '2027-01-04',
  horizon: 4,
  companies: [
    { id: 'oem', name: 'Example Systems', site: { country: 'NL', region: 'EU', location: [51.44, 5.47] } },
    { id: 'frame-a', name: 'Frame Works', site: { country: 'DE', region: 'EU' } },
    { id: 'frame-b', name: 'Frame Asia', site: { country: 'CN', region: 'ASIA', city: 'Suzhou' } },
    { id: 'idle', name: 'Idle Ltd', site: { country: 'US', region: 'NA' } },
  ],
  items: [
    { id: 'machine', name: 'Machine', unit: 'pcs' },
    { id: 'frame', name: 'Welded frame', unit: 'pcs' },
  ],
  production: [
    { company: 'oem', item: 'machine', leadTime: 2, capacity: 10, bom: [{ item: 'frame', quantity: 2 }] },
    { company: 'frame-a', item: 'frame', leadTime: 1, capacity: [8, 0, 8] },
    { company: 'frame-b', item: 'frame', leadTime: 1, capacity: 20, unitCost: 40 },
  ],
  capacityGroups: [
    { id: 'welding', company: 'frame-a', capacity: 12, items: [{ item: 'frame', load: 1.5 }] },
  ],
  sourcing: [
    {
      buyer: 'oem',
      item: 'frame',
      suppliers: [
        { supplier: 'frame-a', share: 0.7, leadTime: 1 },
        { supplier: 'frame-b', share: 0.3, leadTime: 6, mode: 'sea', unitPrice: 55 },
      ],
    },
  ],
  inventory: [{ company: 'oem', item: 'frame', onHand: 5, safetyStock: 2 }],
  demand: [{ company: 'oem', item: 'machine', quantities: [1, 2, 3, 4], price: 900 }],
};

describe('networkGraph', () => {
  it('puts every company and lane in parallel arrays with tiers, regions, locations and modes', () => {
    const graph = networkGraph(TWO_TIER);
    expect(graph.companies.id).toEqual(['oem', 'frame-a', 'frame-b', 'idle']);
    expect(graph.companies.tier).toEqual([0, 1, 1, null]);
    expect(graph.regions).toEqual(['EU', 'ASIA', 'NA']);
    expect(graph.companies.region).toEqual([0, 0, 1, 2]);
    expect(graph.companies.latitude).toEqual([51.44, null, null, null]);
    expect(graph.companies.city).toEqual([null, null, 'Suzhou', null]);
    expect(graph.companies.makes).toEqual([[0], [1], [1], []]);
    expect(graph.lanes).toEqual({
      supplier: [1, 2],
      buyer: [0, 0],
      item: [1, 1],
      share: [0.7, 0.3],
      mode: [GRAPH_MODES.indexOf('road'), GRAPH_MODES.indexOf('sea')],
      leadTime: [1, 6],
    });
    expect(graph.currency).toBe('EUR');
  });

  it('agrees with the network for generated networks: one lane per sourcing line, tiers as computed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 120 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (companies, seed) => {
          const network = generateNetwork({ companies, seed, horizon: 4 });
          const graph = networkGraph(network);
          const lines = (network.sourcing ?? []).reduce((sum, rule) => sum + rule.suppliers.length, 0);
          expect(graph.lanes.supplier).toHaveLength(lines);
          for (const column of Object.values(graph.lanes)) expect(column).toHaveLength(lines);
          for (const column of Object.values(graph.companies)) expect(column).toHaveLength(companies);
          const tiers = computeTiers(network);
          graph.companies.id.forEach((id, index) => {
            expect(graph.companies.tier[index]).toBe(tiers.get(id) ?? null);
            expect(graph.regions[graph.companies.region[index]!]).toBe(network.companies[index]!.site.region);
          });
          // Shares of each buyer's item add up to 1 over its lanes, as the network's rules do.
          const sums = new Map<string, number>();
          Array.from(graph.lanes.buyer).forEach((buyer, lane) => {
            const key = `${buyer}/${graph.lanes.item[lane]}`;
            sums.set(key, (sums.get(key) ?? 0) + graph.lanes.share[lane]!);
          });
          for (const sum of sums.values()) expect(sum).toBeCloseTo(1, 9);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('companyView', () => {
  it('shows what a company makes, buys from whom in which shares, its capacity, inventory and demand', () => {
    const oem = companyView(TWO_TIER, 'oem')!;
    expect(oem.tier).toBe(0);
    expect(oem.makes).toEqual([
      {
        item: { id: 'machine', name: 'Machine', unit: 'pcs' },
        leadTime: 2,
        capacity: 10,
        bom: [{ item: { id: 'frame', name: 'Welded frame', unit: 'pcs' }, quantity: 2 }],
      },
    ]);
    expect(oem.buys).toHaveLength(1);
    expect(
      oem.buys[0]!.suppliers.map((line) => [line.company.id, line.share, line.mode, line.leadTime]),
    ).toEqual([
      ['frame-a', 0.7, 'road', 1],
      ['frame-b', 0.3, 'sea', 6],
    ]);
    expect(oem.buys[0]!.suppliers[1]!.unitPrice).toBe(55);
    expect(oem.sells).toEqual([]);
    expect(oem.inventory).toEqual([
      { item: { id: 'frame', name: 'Welded frame', unit: 'pcs' }, onHand: 5, safetyStock: 2 },
    ]);
    expect(oem.demand).toEqual([
      { item: { id: 'machine', name: 'Machine', unit: 'pcs' }, total: 10, periods: 4, price: 900 },
    ]);
  });

  it('shows a supplier its customers with its share, and its capacity groups', () => {
    const supplier = companyView(TWO_TIER, 'frame-a')!;
    expect(supplier.tier).toBe(1);
    expect(supplier.sells).toHaveLength(1);
    expect(supplier.sells[0]!.item.id).toBe('frame');
    expect(
      supplier.sells[0]!.customers.map((line) => [line.company.id, line.company.tier, line.share]),
    ).toEqual([['oem', 0, 0.7]]);
    expect(supplier.makes[0]!.capacity).toEqual([8, 0, 8]);
    expect(supplier.capacityGroups).toEqual([
      {
        id: 'welding',
        capacity: 12,
        items: [{ item: { id: 'frame', name: 'Welded frame', unit: 'pcs' }, load: 1.5 }],
      },
    ]);
    expect(companyView(TWO_TIER, 'idle')!.tier).toBeNull();
  });

  it('is undefined for a company the network does not have', () => {
    expect(companyView(TWO_TIER, 'nobody')).toBeUndefined();
  });

  it('lists the same links as the graph, from both ends', () => {
    const network = generateNetwork({ companies: 60, seed: 7, horizon: 4 });
    const graph = networkGraph(network);
    for (const [index, id] of graph.companies.id.entries()) {
      const view = companyView(network, id)!;
      const bought = view.buys.reduce((sum, rule) => sum + rule.suppliers.length, 0);
      const sold = view.sells.reduce((sum, rule) => sum + rule.customers.length, 0);
      expect(bought).toBe(Array.from(graph.lanes.buyer).filter((buyer) => buyer === index).length);
      expect(sold).toBe(Array.from(graph.lanes.supplier).filter((supplier) => supplier === index).length);
    }
  });
});
