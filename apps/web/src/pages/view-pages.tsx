/**
 * @module pages/view-pages
 * The graph, the plan and the chain status pages loaded when first opened: they bring sigma with
 * graphology (graph) and ECharts (plan's plots), which the first view (the networks list, the login,
 * a network's map) does not need; so the app's first bundle stays small. The graph's request starts
 * with its chunk (`prefetchGraph`), not after it.
 */
import { type ComponentType, useState } from 'react';
import { lazyPage } from './lazy-page.tsx';
import { prefetchGraph } from './network/graph-fetch.ts';

interface NetworkPageProps {
  readonly network: string;
}

/** A page of one network, its module loaded when first shown ("Loading `what`…" meanwhile). */
export function lazyNetworkPage(
  load: () => Promise<ComponentType<NetworkPageProps>>,
  what: string,
  options: { readonly graph?: boolean } = {},
): ComponentType<NetworkPageProps> {
  const Page = lazyPage(load, what);
  return (props: NetworkPageProps) => {
    // The network graph's request starts with the page's chunk, not after it (once per opening).
    useState(() => (options.graph === true ? prefetchGraph(props.network) : undefined));
    return <Page {...props} />;
  };
}

/**
 * The map stays in the first bundle (d3-geo and the outlines, some 145 kB): it is a network's first
 * view, and loading it as a chunk made the demo's map first view 0.97 s instead of 0.37 s.
 */
export { MapPage } from './network/map-page.tsx';

export const GraphPage = lazyNetworkPage(
  async () => (await import('./network/graph-page.tsx')).GraphPage,
  'the graph',
  { graph: true },
);
export const PlanPage = lazyNetworkPage(
  async () => (await import('./plan/plan-page.tsx')).PlanPage,
  'the plan',
);
export const StatusPage = lazyNetworkPage(
  async () => (await import('./status/status-page.tsx')).StatusPage,
  'the chain status',
);
/** A network's start page: what to look at first (it brings the plan's styles). */
export const OverviewPage = lazyNetworkPage(
  async () => (await import('./overview/overview-page.tsx')).OverviewPage,
  'the overview',
);
