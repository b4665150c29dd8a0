/**
 * @module @keten/queue
 * Simulation runs fanned out to `keten worker` processes over a work queue, and gathered back:
 * NATS JetStream (`connectNatsQueue`, `NATS_URL`) for many machines, or `InMemorySimulationQueue` in
 * one process (tests, and the embedded equivalent without NATS). The coordinator (`simulateOnQueue`)
 * and the worker loop (`serveSimulationTasks`) see only the `SimulationQueue` port.
 */
export {
  decodeJob,
  decodeResultMessage,
  encodeJob,
  encodeRuns,
  type ResultMessage,
  type SimulationJob,
} from './codec.ts';
export {
  defaultRunsPerTask,
  jobModelName,
  type QueueSimulationOptions,
  simulateOnQueue,
} from './coordinator.ts';
export { type InMemoryQueueOptions, InMemorySimulationQueue } from './memory-queue.ts';
export { connectNatsQueue, type NatsQueueOptions, NatsSimulationQueue } from './nats-queue.ts';
export {
  QueueError,
  type QueueErrorCode,
  type RunTask,
  type SimulationQueue,
  type TaskDelivery,
  type WorkerAnnouncement,
} from './port.ts';
export { type ThreadExecutor, threadExecutor } from './thread-executor.ts';
export {
  inThreadExecutor,
  type RunExecutor,
  type ServeOptions,
  serveSimulationTasks,
  type WorkerLog,
} from './worker.ts';
