/**
 * @module @keten/workers
 * CPU-heavy work off the main thread: Monte Carlo simulation runs spread over worker_threads, with
 * the same result for any number of threads. (A NATS work queue for more machines would sit here too.)
 */
export {
  defaultThreads,
  SimulationAborted,
  simulateInWorkers,
  type WorkerSimulationOptions,
} from './simulate-in-workers.ts';
