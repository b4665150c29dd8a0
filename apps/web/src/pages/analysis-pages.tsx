/**
 * @module pages/analysis-pages
 * The analysis pages (weak spots, scenario studio, sourcing) loaded when first opened: they bring
 * ECharts and the YAML parser, which the other pages do not need, so the app's first view stays small.
 */
import { lazyPage } from './lazy-page.tsx';

export const StressPage = lazyPage(
  async () => (await import('./stress/stress-page.tsx')).StressPage,
  'the weak spots page',
);
export const ScenariosPage = lazyPage(
  async () => (await import('./scenarios/scenarios-page.tsx')).ScenariosPage,
  'the scenario studio',
);
export const SourcingPage = lazyPage(
  async () => (await import('./sourcing/sourcing-page.tsx')).SourcingPage,
  'the sourcing page',
);
