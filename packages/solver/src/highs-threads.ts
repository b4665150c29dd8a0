/**
 * @module solver/highs-threads
 * core's `LpSolver` port on HiGHS in worker threads: `solve` hands each LP to an idle worker (each
 * with its own `createHighsSolver`), so as many LPs are solved at once as there are threads. A model
 * is copied to a worker once, on the first solve there; later solves send only their changes. Every
 * worker starts every solve from the basis of the model as given (see `highs.ts`), so an answer does
 * not depend on which worker solved it or what it solved before.
 *
 * @example
 * const solver = createHighsThreadSolver({ threads: 2 });
 * const result = await stressTest(network, { ttr: 4, solver, concurrency: 2 });
 * await solver.close();
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LpChanges, LpError, LpLimits, LpModel, LpSolution, LpSolver, Result } from '@keten/core';
import { err } from '@keten/core';
import type { HighsSolverOptions } from './highs.ts';

export interface HighsThreadSolverOptions extends HighsSolverOptions {
  /** Worker threads (default: the available cores). */
  readonly threads?: number;
}

/** An `LpSolver` over worker threads; `close()` ends the workers. */
export interface HighsThreadSolver extends LpSolver {
  readonly threads: number;
  close(): Promise<void>;
}

/** Main → worker: solve `changes` on model `model`, sent along the first time this worker sees it. */
export interface SolveRequest {
  readonly id: number;
  readonly model: number;
  readonly data?: LpModel;
  readonly changes: LpChanges;
  readonly limits: LpLimits;
}

/** Worker → main. */
export interface SolveReply {
  readonly id: number;
  readonly result: Result<LpSolution, LpError>;
}

interface Thread {
  readonly worker: Worker;
  readonly models: Set<number>;
  busy: boolean;
}

interface Pending {
  readonly model: LpModel;
  readonly changes: LpChanges;
  readonly limits: LpLimits;
  readonly resolve: (result: Result<LpSolution, LpError>) => void;
}

/**
 * Create an `LpSolver` that solves on `threads` worker threads. Solve with as many LPs in flight as
 * there are threads (`stressTest`'s `concurrency`) to keep them all busy.
 */
export function createHighsThreadSolver(options: HighsThreadSolverOptions = {}): HighsThreadSolver {
  const count = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const { threads: _, ...solverOptions } = options;
  const modelIds = new WeakMap<LpModel, number>();
  let nextModel = 0;
  let nextRequest = 0;
  const waiting = new Map<
    number,
    { thread: Thread; resolve: (result: Result<LpSolution, LpError>) => void }
  >();
  const queue: Pending[] = [];
  let closed = false;

  const failAll = (message: string) => {
    for (const { resolve } of waiting.values()) resolve(err({ reason: 'solver-failed', message }));
    waiting.clear();
    for (const pending of queue.splice(0)) pending.resolve(err({ reason: 'solver-failed', message }));
  };

  const threads: Thread[] = Array.from({ length: count }, () => {
    const worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: solverOptions });
    const thread: Thread = { worker, models: new Set(), busy: false };
    worker.on('message', (reply: SolveReply) => {
      const entry = waiting.get(reply.id);
      waiting.delete(reply.id);
      thread.busy = false;
      entry?.resolve(reply.result);
      dispatch();
    });
    worker.on('error', (error) => {
      closed = true;
      failAll(`a HiGHS worker thread failed: ${error.message}`);
    });
    return thread;
  });

  const dispatch = () => {
    for (const thread of threads) {
      if (thread.busy) continue;
      const pending = queue.shift();
      if (pending === undefined) return;
      let model = modelIds.get(pending.model);
      if (model === undefined) {
        model = nextModel++;
        modelIds.set(pending.model, model);
      }
      const id = nextRequest++;
      const request: SolveRequest = {
        id,
        model,
        changes: pending.changes,
        limits: pending.limits,
        ...(thread.models.has(model) ? {} : { data: pending.model }),
      };
      thread.models.add(model);
      thread.busy = true;
      waiting.set(id, { thread, resolve: pending.resolve });
      thread.worker.postMessage(request);
    }
  };

  return {
    threads: count,
    solve(model, changes = {}, limits = {}) {
      if (closed) return Promise.resolve(err({ reason: 'solver-failed', message: 'the solver is closed' }));
      return new Promise((resolve) => {
        queue.push({ model, changes, limits, resolve });
        dispatch();
      });
    },
    async close() {
      closed = true;
      failAll('the solver was closed');
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
    },
  };
}
