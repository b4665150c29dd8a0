/**
 * @module api/use-api
 * `useApi(load, deps)`: runs an API call when the deps change and gives its state — loading, the
 * answer, or the `ApiFailure` to show with `<ErrorDisplay>`. A call still running when the deps change
 * or the page closes is aborted.
 */
import { type DependencyList, useEffect, useState } from 'react';
import { ApiFailure } from './client.ts';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly value: T }
  | { readonly state: 'failed'; readonly error: ApiFailure };

export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setLoaded({ state: 'loading' });
    load(controller.signal).then(
      (value) => {
        if (!controller.signal.aborted) setLoaded({ state: 'done', value });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setLoaded({ state: 'failed', error: asFailure(error) });
      },
    );
    return () => controller.abort();
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the call depends on
  }, deps);
  return loaded;
}

/** Any error as an `ApiFailure` (a bug in the page becomes `internal`, with its message). */
export function asFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  return new ApiFailure(0, { code: 'client-error', message: (error as Error)?.message ?? String(error) });
}
