/**
 * @module pages/lazy-page
 * A page whose module is loaded when it is first shown (code splitting): "Loading `what`…" meanwhile.
 * What a page brings (ECharts, sigma, the YAML parser, the connector's views) then stays out of the
 * app's first bundle.
 */
import { type ComponentType, lazy, Suspense } from 'react';
import { Loading } from '../components/error-display.tsx';

export function lazyPage<P extends object>(
  load: () => Promise<ComponentType<P>>,
  what: string,
): ComponentType<P> {
  const Page = lazy(async () => ({ default: await load() }));
  return (props: P) => (
    <Suspense fallback={<Loading what={what} />}>
      <Page {...props} />
    </Suspense>
  );
}
