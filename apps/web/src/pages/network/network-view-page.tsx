/**
 * @module pages/network/network-view-page
 * What the map and the graph pages share: the heading, the graph loaded (or its error), and the
 * filter from the query string applied to it with the figures of what is shown.
 */
import { type ReactNode, useMemo } from 'react';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { useLocation } from '../../router.tsx';
import {
  applyFilter,
  filterFromQuery,
  type GraphFilter,
  type LoadedGraph,
  useNetworkGraph,
} from './use-network-graph.ts';

export function NetworkViewPage({
  network,
  heading,
  view,
}: {
  readonly network: string;
  readonly heading: string;
  readonly view: (loaded: LoadedGraph) => ReactNode;
}) {
  const loaded = useNetworkGraph(network);
  return (
    <>
      <h1>{heading}</h1>
      {loaded.state === 'loading' ? <Loading what="the network" /> : null}
      {loaded.state === 'failed' ? <ErrorDisplay error={loaded.error} /> : null}
      {loaded.state === 'done' ? view(loaded.value) : null}
    </>
  );
}

export interface FilteredGraph {
  readonly filter: GraphFilter;
  /** 1 where the company or lane is shown. */
  readonly kept: { readonly companies: Uint8Array; readonly lanes: Uint8Array };
  readonly shown: { readonly companies: number; readonly lanes: number };
}

/** The page's filter (query string) applied to `loaded`. */
export function useFilteredGraph(loaded: LoadedGraph): FilteredGraph {
  const { search } = useLocation();
  const key = search.toString();
  return useMemo(() => {
    const filter = filterFromQuery(new URLSearchParams(key));
    const kept = applyFilter(loaded, filter);
    let companies = 0;
    for (const value of kept.companies) companies += value;
    let lanes = 0;
    for (const value of kept.lanes) lanes += value;
    return { filter, kept, shown: { companies, lanes } };
  }, [loaded, key]);
}
