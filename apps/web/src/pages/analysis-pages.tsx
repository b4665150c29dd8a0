/**
 * @module pages/analysis-pages
 * The analysis pages (weak spots, scenario studio, sourcing) loaded when first opened: they bring
 * ECharts and the YAML parser, which the other pages do not need, so the app's first view stays small.
 */
import { lazy, Suspense } from 'react';
import { Loading } from '../components/error-display.tsx';

const Stress = lazy(async () => ({ default: (await import('./stress/stress-page.tsx')).StressPage }));
const Scenarios = lazy(async () => ({
  default: (await import('./scenarios/scenarios-page.tsx')).ScenariosPage,
}));
const Sourcing = lazy(async () => ({ default: (await import('./sourcing/sourcing-page.tsx')).SourcingPage }));

interface NetworkPageProps {
  readonly network: string;
}

export function StressPage(props: NetworkPageProps) {
  return (
    <Suspense fallback={<Loading what="the weak spots page" />}>
      <Stress {...props} />
    </Suspense>
  );
}

export function ScenariosPage(props: NetworkPageProps) {
  return (
    <Suspense fallback={<Loading what="the scenario studio" />}>
      <Scenarios {...props} />
    </Suspense>
  );
}

export function SourcingPage(props: NetworkPageProps) {
  return (
    <Suspense fallback={<Loading what="the sourcing page" />}>
      <Sourcing {...props} />
    </Suspense>
  );
}
