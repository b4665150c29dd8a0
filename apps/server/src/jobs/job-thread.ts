/**
 * @module jobs/job-thread
 * Runs one stress test or sourcing comparison in a worker thread of its own (`job-worker.ts`), so the
 * server's event loop keeps answering while the LPs or simulations run. Aborting the signal ends the
 * thread at once (and the HiGHS threads it started). The result is what the CLI prints with `--json`.
 */
import { Worker } from 'node:worker_threads';
import type { Network, OptimiseOptions, SourcingFailure, StressErrorReason } from '@keten/core';
import { ApiError, type ApiErrorCode } from '../errors.ts';

/** A stress test as `keten stress-test NETWORK --ttr N --threads N --json` runs it. */
export interface StressTask {
  readonly kind: 'stress-test';
  readonly network: Network;
  readonly ttr: number;
  readonly threads: number;
  readonly disruption?: 'site' | 'production';
  readonly capacity?: 'normal' | 'maximum';
}

/** A sourcing comparison (or search, `optimise`) as `keten sourcing … --json` runs it. */
export interface SourcingTask extends Omit<OptimiseOptions, 'onProgress' | 'rates'> {
  readonly kind: 'sourcing';
  readonly network: Network;
  /** Search the splits in steps (`optimiseSourcing`) instead of comparing the standard ones. */
  readonly optimise: boolean;
}

export type JobTask = StressTask | SourcingTask;

/** Worker → main. */
export type JobThreadMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly result: unknown }
  | {
      readonly type: 'failed';
      readonly reason: StressErrorReason | SourcingFailure['reason'];
      readonly message: string;
    }
  | { readonly type: 'bug'; readonly message: string; readonly stack?: string };

/** The job was cancelled (its signal aborted). */
export class JobAborted extends Error {
  constructor() {
    super('the job was cancelled');
    this.name = 'JobAborted';
  }
}

/** The API code of an expected failure of core's stress test or sourcing comparison. */
const FAILURE_CODES: Readonly<Record<string, ApiErrorCode>> = {
  'invalid-options': 'invalid-request',
  'unknown-buyer': 'not-found',
  'unknown-item': 'not-found',
  'not-sourced': 'not-found',
  'single-supplier': 'invalid-request',
  // The solver failing on a valid network is a bug of ours or of HiGHS, not the client's.
  'solver-failed': 'internal',
};

/**
 * Runs `task` in a new worker thread; resolves with the CLI's JSON of the result, rejects with an
 * `ApiError` for an expected failure, `JobAborted` when `signal` aborts, and an `Error` for a bug.
 */
export function runInJobThread(
  task: JobTask,
  options: { signal: AbortSignal; onProgress: (done: number, total: number) => void },
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(new JobAborted());
    const worker = new Worker(new URL('./job-worker-entry.js', import.meta.url), { workerData: task });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', abort);
      void worker.terminate();
      outcome();
    };
    const abort = () => finish(() => reject(new JobAborted()));
    options.signal.addEventListener('abort', abort, { once: true });
    worker.on('message', (message: JobThreadMessage) => {
      switch (message.type) {
        case 'progress':
          if (!settled) options.onProgress(message.done, message.total);
          return;
        case 'done':
          return finish(() => resolve(message.result));
        case 'failed':
          return finish(() =>
            reject(new ApiError(FAILURE_CODES[message.reason] ?? 'internal', message.message)),
          );
        case 'bug': {
          const error = new Error(`a job thread failed: ${message.message}`);
          if (message.stack !== undefined) error.stack = message.stack;
          return finish(() => reject(error));
        }
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) =>
      finish(() => reject(new Error(`a job thread stopped (exit code ${code}) before it answered`))),
    );
  });
}
