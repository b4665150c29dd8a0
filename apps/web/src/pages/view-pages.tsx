/**
 * @module pages/view-pages
 * The network map, the graph, the plan and the chain status pages loaded when first opened: they bring
 * d3-geo with the world's outlines (map), sigma with graphology (graph) and ECharts (plan's plots),
 * which the first view (the networks list, the login) does not need; so the app's first bundle stays
 * small. The graph and the map share one chunk of the network code (use-network-graph).
 */
import { lazy, Suspense } from 'react';
import { Loading } from '../components/error-display.tsx';

const WorldMap = lazy(async () => ({ default: (await import('./network/map-page.tsx')).MapPage }));
const Graph = lazy(async () => ({ default: (await import('./network/graph-page.tsx')).GraphPage }));
const Plan = lazy(async () => ({ default: (await import('./plan/plan-page.tsx')).PlanPage }));
const Status = lazy(async () => ({ default: (await import('./status/status-page.tsx')).StatusPage }));

interface NetworkPageProps {
  readonly network: string;
}

export function MapPage(props: NetworkPageProps) {
  return (
    <Suspense fallback={<Loading what="the map" />}>
      <WorldMap {...props} />
    </Suspense>
  );
}

export function GraphPage(props: NetworkPageProps) {
  return (
    <Suspense fallback={<Loading what="the graph" />}>
      <Graph {...props} />
    </Suspense>
  );
}

export function PlanPage(props: NetworkPageProps) {
  return (
    <Suspense fallback={<Loading what="the plan" />}>
      <Plan {...props} />
    </Suspense>
  );
}

export function StatusPage(props: NetworkPageProps) {
  return (
    <Suspense fallback={<Loading what="the chain status" />}>
      <Status {...props} />
    </Suspense>
  );
}
