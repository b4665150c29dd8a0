/**
 * @module api/use-job
 * Long work on the node as a job (`POST …/stress-test`, `…/sourcing`, `…/simulate?async=1` answer 202
 * with a job): `useJob()` starts one, follows it at `GET /api/v1/jobs/:id` every half second (its
 * state and progress: `done` of `total` `unit`s), and gives its result once it succeeded, or the
 * failure with its stable code. `cancel()` deletes the job; leaving the page stops following it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiFailure, api } from './client.ts';
import { asFailure } from './use-api.ts';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A job as `GET /api/v1/jobs/:id` answers it (apps/server/src/routes/jobs.ts). */
export interface JobView<R = unknown> {
  readonly id: string;
  readonly kind: 'stress-test' | 'sourcing' | 'simulate';
  readonly network: string;
  readonly version: number;
  readonly input: Readonly<Record<string, unknown>>;
  readonly state: JobState;
  /** While queued: jobs ahead of it. */
  readonly position?: number;
  readonly progress: { readonly done: number; readonly total: number; readonly unit: string };
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly result?: R;
}

export type JobRun<R> =
  | { readonly state: 'idle' }
  | { readonly state: 'starting' }
  | { readonly state: 'following'; readonly job: JobView<R> }
  | { readonly state: 'succeeded'; readonly job: JobView<R>; readonly result: R }
  | { readonly state: 'failed'; readonly error: ApiFailure; readonly job?: JobView<R> }
  | { readonly state: 'cancelled'; readonly job: JobView<R> };

/** How often a running job is asked for its progress. */
export const POLL_MILLISECONDS = 500;

export interface UseJob<R> {
  readonly run: JobRun<R>;
  /** Starts a job with `start` (a call answering the 202 job); a job still followed is cancelled. */
  start(start: (signal: AbortSignal) => Promise<JobView<R>>): void;
  /** Cancels the job being followed (DELETE /api/v1/jobs/:id). */
  cancel(): void;
  /** Forgets the last run (back to idle). */
  reset(): void;
}

export function useJob<R>(): UseJob<R> {
  const [run, setRun] = useState<JobRun<R>>({ state: 'idle' });
  const following = useRef<{ controller: AbortController; id?: string } | undefined>(undefined);

  const stop = useCallback(() => {
    following.current?.controller.abort();
    following.current = undefined;
  }, []);

  useEffect(() => stop, [stop]);

  const start = useCallback(
    (begin: (signal: AbortSignal) => Promise<JobView<R>>) => {
      const previous = following.current;
      stop();
      if (previous?.id !== undefined) void api.delete(`/api/v1/jobs/${previous.id}`).catch(() => {});
      const controller = new AbortController();
      const mine: { controller: AbortController; id?: string } = { controller };
      following.current = mine;
      setRun({ state: 'starting' });
      const { signal } = controller;
      void (async () => {
        try {
          let job = await begin(signal);
          mine.id = job.id;
          while (!signal.aborted) {
            if (job.state === 'succeeded') {
              if (job.result === undefined) {
                throw new ApiFailure(0, {
                  code: 'bad-answer',
                  message: 'the job succeeded without a result',
                });
              }
              setRun({ state: 'succeeded', job, result: job.result });
              break;
            }
            if (job.state === 'failed') {
              const error = job.error ?? { code: 'internal', message: 'the job failed without saying why' };
              setRun({ state: 'failed', error: new ApiFailure(0, error), job });
              break;
            }
            if (job.state === 'cancelled') {
              setRun({ state: 'cancelled', job });
              break;
            }
            setRun({ state: 'following', job });
            await delay(POLL_MILLISECONDS, signal);
            job = await api.get<JobView<R>>(`/api/v1/jobs/${encodeURIComponent(job.id)}`, { signal });
          }
        } catch (error) {
          if (signal.aborted) return;
          setRun({ state: 'failed', error: asFailure(error) });
        } finally {
          if (following.current === mine) following.current = undefined;
        }
      })();
    },
    [stop],
  );

  const cancel = useCallback(() => {
    const current = following.current;
    if (current?.id === undefined) return;
    const id = current.id;
    // Keep following: the next answer says `cancelled`, and the page shows it.
    void api.delete(`/api/v1/jobs/${encodeURIComponent(id)}`).catch(() => {});
  }, []);

  const reset = useCallback(() => {
    stop();
    setRun({ state: 'idle' });
  }, [stop]);

  return { run, start, cancel, reset };
}

function delay(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
