import { decodeNetworkGraph, encodeNetworkGraph, generateNetwork, networkGraph } from '@keten/core';
import { describe, expect, it } from 'vitest';
import type { NetworkGraphResponse } from '../../api/types.ts';
import { applyFilter, filterFromQuery, type LoadedGraph, searchCompanies } from './use-network-graph.ts';

function loaded(companies = 200, seed = 3): LoadedGraph {
  // As the pages get it: through the binary form, lanes as typed arrays.
  const decoded = decodeNetworkGraph(
    encodeNetworkGraph(networkGraph(generateNetwork({ companies, seed, horizon: 4 })), 1),
  );
  if (!decoded.ok) throw new Error(decoded.error.message);
  const graph: NetworkGraphResponse = decoded.value;
  const byId = new Map(graph.companies.id.map((id, index) => [id, index]));
  const searchText = graph.companies.id.map((id, index) =>
    `${graph.companies.name[index]} ${id}`.toLowerCase(),
  );
  return { graph, byId, searchText, tiers: [...new Set(graph.companies.tier)], loadMs: 0 };
}

describe('the network views’ filters', () => {
  const subject = loaded();
  const { companies, items, regions } = subject.graph;
  const lanes = {
    buyer: Array.from(subject.graph.lanes.buyer),
    supplier: Array.from(subject.graph.lanes.supplier),
    item: Array.from(subject.graph.lanes.item),
  };

  it('reads the filter from the query string', () => {
    expect(filterFromQuery(new URLSearchParams('tier=1&region=EU&item=&other=x'))).toEqual({
      tier: '1',
      region: 'EU',
    });
  });

  it('keeps all without a filter', () => {
    const kept = applyFilter(subject, {});
    expect(kept.companies.every((value) => value === 1)).toBe(true);
    expect(kept.lanes.every((value) => value === 1)).toBe(true);
  });

  it('keeps a tier’s companies and only lanes between kept companies', () => {
    const kept = applyFilter(subject, { tier: '1' });
    for (const [index, tier] of companies.tier.entries())
      expect(kept.companies[index]).toBe(tier === 1 ? 1 : 0);
    for (const [lane, buyer] of lanes.buyer.entries()) {
      expect(kept.lanes[lane]).toBe(kept.companies[buyer]! && kept.companies[lanes.supplier[lane]!]! ? 1 : 0);
    }
  });

  it('keeps a region’s companies', () => {
    const region = regions[0]!;
    const kept = applyFilter(subject, { region });
    for (const [index, value] of companies.region.entries()) {
      expect(kept.companies[index]).toBe(regions[value] === region ? 1 : 0);
    }
  });

  it('keeps the makers and buyers of an item and the lanes that carry it', () => {
    const item = lanes.item[0]!;
    const kept = applyFilter(subject, { item: items[item]!.id });
    lanes.item.forEach((value, lane) => {
      if (value !== item) expect(kept.lanes[lane]).toBe(0);
      else expect(kept.companies[lanes.buyer[lane]!]).toBe(1);
    });
    companies.makes.forEach((made, index) => {
      const buys = lanes.buyer.some((buyer, lane) => buyer === index && lanes.item[lane] === item);
      expect(kept.companies[index]).toBe(made.includes(item) || buys ? 1 : 0);
    });
  });
});

describe('searchCompanies', () => {
  const subject = loaded();
  it('finds companies whose name or id holds every word, in order, at most `limit`', () => {
    const name = subject.graph.companies.name[17]!;
    const words = name.split(' ').slice(0, 2).join(' ').toUpperCase();
    const found = searchCompanies(subject, words, 50);
    expect(found).toContain(17);
    for (const index of found) {
      for (const word of words.toLowerCase().split(' ')) expect(subject.searchText[index]).toContain(word);
    }
    expect(searchCompanies(subject, subject.graph.companies.id[5]!)).toEqual([5]);
    expect(searchCompanies(subject, 'e', 3)).toHaveLength(3);
    expect(searchCompanies(subject, '   ')).toEqual([]);
  });
});
