/**
 * @module @keten/workers
 * CPU-heavy work off the main thread: Monte Carlo simulation runs spread over worker_threads, with
 * the same result for any number of threads; `SimulationThread`, one such thread held by the caller
 * (`keten worker` of `@keten/queue`, the NATS work queue for more machines, runs its tasks on them);
 * and for planning threads, a page toucher, the bound on the planner's shared chunks and a collection
 * while idle (README).
 */

export { boundThreadChunks, THREAD_CHUNK_CEILING, threadChunkBudget } from './chunk-budget.ts';
export { type IdleCollection, IdleCollector } from './idle-collection.ts';
export { type StartedPageToucher, startPageToucher } from './page-toucher.ts';
export type { WorkerSetup } from './protocol.ts';
export {
  defaultThreads,
  SimulationAborted,
  simulateInWorkers,
  type WorkerSimulationOptions,
} from './simulate-in-workers.ts';
export { SimulationThread } from './simulation-thread.ts';
