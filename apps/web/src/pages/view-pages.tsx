/**
 * @module pages/view-pages
 * The network map, the graph, the plan and the chain status pages loaded when first opened: they bring
 * d3-geo with the world's outlines (map), sigma with graphology (graph) and ECharts (plan's plots),
 * which the first view (the networks list, the login) does not need; so the app's first bundle stays
 * small. The graph and the map share one chunk of the network code (use-network-graph).
 */
import { type ComponentType, lazy, Suspense } from 'react';
import { Loading } from '../components/error-display.tsx';

interface NetworkPageProps {
  readonly network: string;
}

/** A page of one network, its module loaded when first shown ("Loading `what`…" meanwhile). */
export function lazyNetworkPage(
  load: () => Promise<ComponentType<NetworkPageProps>>,
  what: string,
): ComponentType<NetworkPageProps> {
  const Page = lazy(async () => ({ default: await load() }));
  return (props: NetworkPageProps) => (
    <Suspense fallback={<Loading what={what} />}>
      <Page {...props} />
    </Suspense>
  );
}

export const MapPage = lazyNetworkPage(
  async () => (await import('./network/map-page.tsx')).MapPage,
  'the map',
);
export const GraphPage = lazyNetworkPage(
  async () => (await import('./network/graph-page.tsx')).GraphPage,
  'the graph',
);
export const PlanPage = lazyNetworkPage(
  async () => (await import('./plan/plan-page.tsx')).PlanPage,
  'the plan',
);
export const StatusPage = lazyNetworkPage(
  async () => (await import('./status/status-page.tsx')).StatusPage,
  'the chain status',
);
