/**
 * @module simulate-in-workers
 * Monte Carlo runs spread over worker threads. Each worker compiles the model itself (deterministic),
 * takes batches of run indexes from one queue as it becomes free, and sends back its runs; the main
 * thread only hands out work, reports progress and aggregates. Every run depends on (seed, run index)
 * alone and runs are aggregated in run-index order, so the result is the same to the bit for any
 * number of threads. The main thread stays free meanwhile (a server keeps answering, a progress bar
 * keeps drawing).
 *
 * @example
 * const result = await simulateInWorkers(network, scenario, {
 *   runs: 1000, seed: 7, threads: 2, onProgress: (done, total) => bar.update(done),
 * });
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Network, RunResult, Scenario, SimulationLayout, SimulationResult } from '@keten/core';
import { runsAndSeed, simulationResult } from '@keten/core';
import type { ToMain, ToWorker, WorkerSetup } from './protocol.ts';

export interface WorkerSimulationOptions {
  /** Runs 0 .. runs − 1 (default the scenario's `runs`, else 1). */
  readonly runs?: number;
  /** Default the scenario's `seed`, else 1. */
  readonly seed?: number;
  /** Worker threads (default: the available cores, at most one per run). */
  readonly threads?: number;
  /** Called after every batch with the runs finished so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Aborting stops the workers at once and rejects with a `SimulationAborted`. */
  readonly signal?: AbortSignal;
}

/** The simulation was aborted through its signal. */
export class SimulationAborted extends Error {
  constructor() {
    super('the simulation was aborted');
    this.name = 'SimulationAborted';
  }
}

/** The threads `simulateInWorkers` uses for `runs` runs when `threads` is not given. */
export function defaultThreads(runs: number): number {
  return Math.max(1, Math.min(availableParallelism(), runs));
}

/**
 * Simulates `scenario` on `network` (validated beforehand, e.g. by `loadScenario`) in worker threads
 * and answers what core's `simulate` answers for the same runs and seed. A failing worker is a bug:
 * the promise rejects with its message and stack.
 */
export function simulateInWorkers(
  network: Network,
  scenario: Scenario,
  options: WorkerSimulationOptions = {},
): Promise<SimulationResult> {
  const { runs, seed } = runsAndSeed(scenario, options);
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(runs), runs));
  if (!Number.isSafeInteger(threads))
    throw new RangeError(`threads must be a whole number ≥ 1, got ${threads}`);
  // Batches small enough for steady progress and balance, large enough to keep messages rare.
  const batch = Math.max(1, Math.min(50, Math.ceil(runs / (threads * 8))));
  const setup: WorkerSetup = { network, scenario, seed };

  return new Promise<SimulationResult>((resolve, reject) => {
    const workers: Worker[] = [];
    const results: RunResult[] = [];
    let next = 0;
    let layout: SimulationLayout | undefined;
    let settled = false;

    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', abort);
      for (const worker of workers) void worker.terminate();
      outcome();
    };
    const fail = (error: Error) => finish(() => reject(error));
    const abort = () => fail(new SimulationAborted());
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort, { once: true });

    const giveWork = (worker: Worker) => {
      if (next >= runs) return;
      const share = Array.from({ length: Math.min(batch, runs - next) }, (_, index) => next + index);
      next += share.length;
      worker.postMessage({ runs: share } satisfies ToWorker);
    };

    for (let index = 0; index < threads; index++) {
      const worker = new Worker(new URL('./worker-entry.js', import.meta.url), { workerData: setup });
      workers.push(worker);
      worker.on('message', (message: ToMain) => {
        if (settled) return;
        switch (message.type) {
          case 'ready':
            layout ??= message.layout;
            return giveWork(worker);
          case 'results':
            results.push(...message.results);
            options.onProgress?.(results.length, runs);
            if (results.length === runs) {
              const done = layout!;
              return finish(() => resolve(simulationResult(done, seed, results)));
            }
            return giveWork(worker);
          case 'failed': {
            const error = new Error(`a simulation worker failed: ${message.message}`);
            if (message.stack !== undefined) error.stack = message.stack;
            return fail(error);
          }
        }
      });
      worker.on('error', (error) => fail(error));
      worker.on('exit', (code) => {
        if (!settled)
          fail(new Error(`a simulation worker stopped (exit code ${code}) before its runs were done`));
      });
    }
  });
}
