/**
 * @module pages/network/use-network-graph
 * The network graph (`GET /api/v1/networks/:name/graph`) as the map and graph pages use it: loaded
 * once per network and version and kept while the user moves between the two pages, with an index by
 * company id and lower-case names for search. The load time is kept to show (and for the browser
 * test's figures). The graph comes in core's binary form (`application/vnd.keten.graph`): its lanes
 * are typed arrays over the answer's bytes, with no JSON to parse (16 MB at 60,000 companies).
 */
import { decodeNetworkGraph, GRAPH_MEDIA_TYPE } from '@keten/core';
import { api } from '../../api/client.ts';
import type { NetworkGraphResponse } from '../../api/types.ts';
import { type Loaded, useApi } from '../../api/use-api.ts';
import { requestGraph, takeGraphRequest } from './graph-fetch.ts';

export interface LoadedGraph {
  readonly graph: NetworkGraphResponse;
  /** Company index by id. */
  readonly byId: ReadonlyMap<string, number>;
  /** `name id` in lower case per company, for search. */
  readonly searchText: readonly string[];
  /** The tiers present, ascending; null (in no chain) last when present. */
  readonly tiers: readonly (number | null)[];
  /** Milliseconds from request to parsed and indexed. */
  readonly loadMs: number;
}

let kept: { readonly name: string; readonly value: LoadedGraph } | undefined;

export function useNetworkGraph(name: string): Loaded<LoadedGraph> {
  return useApi(
    async (signal) => {
      const started = performance.now();
      const graph = await fetchGraph(name, signal);
      if (kept !== undefined && kept.name === name && kept.value.graph.version === graph.version)
        return kept.value;
      const { companies } = graph;
      const byId = new Map<string, number>();
      const searchText: string[] = [];
      const tierSet = new Set<number | null>();
      for (let index = 0; index < companies.id.length; index++) {
        byId.set(companies.id[index]!, index);
        searchText.push(`${companies.name[index]!} ${companies.id[index]!}`.toLowerCase());
        tierSet.add(companies.tier[index]!);
      }
      const tiers = [...tierSet].sort(
        (a, b) => (a ?? Number.POSITIVE_INFINITY) - (b ?? Number.POSITIVE_INFINITY),
      );
      const value = { graph, byId, searchText, tiers, loadMs: performance.now() - started };
      kept = { name, value };
      return value;
    },
    [name],
  );
}

/**
 * The graph in the binary form; any other answer (an error, a node that answers JSON only) is asked
 * again as JSON through the API client, which turns errors into `ApiFailure`s as everywhere.
 */
async function fetchGraph(name: string, signal: AbortSignal): Promise<NetworkGraphResponse> {
  const response = await (takeGraphRequest(name) ?? requestGraph(name));
  signal.throwIfAborted();
  if (response?.ok === true && response.headers.get('content-type')?.startsWith(GRAPH_MEDIA_TYPE) === true) {
    const decoded = decodeNetworkGraph(new Uint8Array(await response.arrayBuffer()));
    if (decoded.ok) return decoded.value;
  }
  return api.get<NetworkGraphResponse>(`/api/v1/networks/${encodeURIComponent(name)}/graph`, { signal });
}

/** What the user narrowed the view to (kept in the page's query string). */
export interface GraphFilter {
  /** A tier, `none` for companies in no chain, or undefined for all. */
  readonly tier?: string;
  readonly region?: string;
  /** An item id: companies that make or buy it, and the lanes that carry it. */
  readonly item?: string;
}

export function filterFromQuery(search: URLSearchParams): GraphFilter {
  const filter: { tier?: string; region?: string; item?: string } = {};
  for (const key of ['tier', 'region', 'item'] as const) {
    const value = search.get(key);
    if (value !== null && value !== '') filter[key] = value;
  }
  return filter;
}

/** Which companies and lanes the filter keeps: 1 kept, 0 not. */
export function applyFilter(
  loaded: LoadedGraph,
  filter: GraphFilter,
): { companies: Uint8Array; lanes: Uint8Array } {
  const { companies, lanes, regions, items } = loaded.graph;
  const count = companies.id.length;
  const keptCompanies = new Uint8Array(count).fill(1);
  const keptLanes = new Uint8Array(lanes.buyer.length).fill(1);
  if (filter.tier !== undefined) {
    const tier = filter.tier === 'none' ? null : Number(filter.tier);
    for (let index = 0; index < count; index++) if (companies.tier[index] !== tier) keptCompanies[index] = 0;
  }
  if (filter.region !== undefined) {
    const region = regions.indexOf(filter.region);
    for (let index = 0; index < count; index++)
      if (companies.region[index] !== region) keptCompanies[index] = 0;
  }
  if (filter.item !== undefined) {
    const item = items.findIndex((candidate) => candidate.id === filter.item);
    const involved = new Uint8Array(count);
    for (let index = 0; index < count; index++)
      if (companies.makes[index]!.includes(item)) involved[index] = 1;
    for (let lane = 0; lane < lanes.buyer.length; lane++) {
      if (lanes.item[lane] === item) involved[lanes.buyer[lane]!] = 1;
      else keptLanes[lane] = 0;
    }
    for (let index = 0; index < count; index++) if (involved[index] === 0) keptCompanies[index] = 0;
  }
  for (let lane = 0; lane < lanes.buyer.length; lane++) {
    if (keptCompanies[lanes.buyer[lane]!] === 0 || keptCompanies[lanes.supplier[lane]!] === 0)
      keptLanes[lane] = 0;
  }
  return { companies: keptCompanies, lanes: keptLanes };
}

/** Up to `limit` companies whose name or id contains every word of `query`. */
export function searchCompanies(loaded: LoadedGraph, query: string, limit = 12): number[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const found: number[] = [];
  for (let index = 0; index < loaded.searchText.length && found.length < limit; index++) {
    const text = loaded.searchText[index]!;
    if (words.every((word) => text.includes(word))) found.push(index);
  }
  return found;
}
