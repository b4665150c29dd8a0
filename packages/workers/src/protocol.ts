/**
 * @module protocol
 * The messages between `simulateInWorkers` (the main thread) and its simulation workers.
 */
import type { Network, RunResult, Scenario, SimulationLayout } from '@keten/core';

/** What a worker is started with (`workerData`, structured-cloned). */
export interface WorkerSetup {
  readonly network: Network;
  readonly scenario: Scenario;
  readonly seed: number;
}

/** Main → worker: simulate these run indexes. */
export interface ToWorker {
  readonly runs: readonly number[];
}

/** Worker → main. */
export type ToMain =
  | { readonly type: 'ready'; readonly layout: SimulationLayout }
  | { readonly type: 'results'; readonly results: RunResult[] }
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string };
