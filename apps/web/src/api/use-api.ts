/**
 * @module api/use-api
 * `useApi(load, deps)`: runs an API call when the deps change and gives its state — loading, the
 * answer, or the `ApiFailure` to show with `<ErrorDisplay>`. A call still running when the deps change
 * or the page closes is aborted. When the node answers that it is still working on it (202, or 503 with
 * `Retry-After`: `ApiFailure.notReady`), the state stays `loading` with `waiting` (its words, progress
 * and when it asks again) and the call is made again after the wait the node asked for, until it
 * answers or the page moves on.
 */
import { type DependencyList, useEffect, useState } from 'react';
import { ApiFailure } from './client.ts';
import { type WorkProgress, waitBeforeAsking } from './not-ready.ts';

/** The node is still computing the answer: what it said, how far it is, and when it is asked again. */
export interface Waiting {
  readonly message: string;
  readonly progress: WorkProgress | undefined;
  /** The wait before the next question, in ms. */
  readonly retryInMs: number;
  /** How many times it answered "not ready" so far. */
  readonly answers: number;
}

export type Loaded<T> =
  | { readonly state: 'loading'; readonly waiting?: Waiting }
  | { readonly state: 'done'; readonly value: T }
  | { readonly state: 'failed'; readonly error: ApiFailure };

export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let answers = 0;
    setLoaded({ state: 'loading' });
    const ask = () =>
      load(controller.signal).then(
        (value) => {
          if (!controller.signal.aborted) setLoaded({ state: 'done', value });
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          const failure = asFailure(error);
          if (failure.notReady === undefined) {
            setLoaded({ state: 'failed', error: failure });
            return;
          }
          answers++;
          const retryInMs = waitBeforeAsking(failure.notReady.retryAfter);
          setLoaded({
            state: 'loading',
            waiting: { message: failure.message, progress: failure.notReady.progress, retryInMs, answers },
          });
          timer = setTimeout(ask, retryInMs);
        },
      );
    ask();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
    // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the call depends on
  }, deps);
  return loaded;
}

/** Any error as an `ApiFailure` (a bug in the page becomes `internal`, with its message). */
export function asFailure(error: unknown): ApiFailure {
  if (error instanceof ApiFailure) return error;
  return new ApiFailure(0, { code: 'client-error', message: (error as Error)?.message ?? String(error) });
}
