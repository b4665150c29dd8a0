/**
 * @module port
 * `SimulationQueue`: what fanning simulation runs out to worker processes needs of a work queue, so
 * the coordinator (`simulateOnQueue`) and the worker loop (`serveSimulationTasks`) run unchanged over
 * NATS JetStream (`connectNatsQueue`) or in one process (`InMemorySimulationQueue`, for tests and
 * for a laptop without NATS).
 *
 * Delivery is at least once: a task a worker took and did not acknowledge within the ack wait (it
 * crashed, or its machine went away) is delivered again, to it or to another worker, up to a maximum
 * number of deliveries. A task's results may therefore arrive twice; the coordinator keeps the first.
 */

/** A share of one simulation job: these run indexes. */
export interface RunTask {
  /** The job's id (the coordinator's, unique per simulation). */
  readonly job: string;
  readonly runs: readonly number[];
}

/** A task handed to one worker, until it acknowledges it. */
export interface TaskDelivery {
  readonly task: RunTask;
  /** 1 on the first delivery, 2 on the first redelivery, … */
  readonly attempt: number;
  /** The task is still being worked on: restarts its ack wait. */
  working(): void;
  /** Done: the task leaves the queue for good. */
  ack(): Promise<void>;
  /** Hand the task back at once, for another worker (a worker that stops before starting it). */
  release(): void;
}

/** What a worker says about itself when asked who is listening. */
export interface WorkerAnnouncement {
  readonly id: string;
  /** Tasks it works on at once. */
  readonly threads: number;
}

export interface SimulationQueue {
  /** Where the queue is, for messages (`nats://127.0.0.1:4222`, `in-process`). */
  readonly location: string;
  /** Largest result message; a bigger run travels as an object. */
  readonly maxMessageBytes: number;
  /** A task taken and not acknowledged (nor `working()`) for this long goes to another worker. */
  readonly ackWaitMs: number;

  // --- objects: a job's model (network, scenario, seed) and runs too large for one message ---
  /** Stores `bytes` under `name` (`<job>/…`), replacing what was there. */
  putObject(name: string, bytes: Uint8Array): Promise<void>;
  /** The object, or undefined when there is none (its job was removed). */
  getObject(name: string): Promise<Uint8Array | undefined>;

  // --- the coordinator's side ---
  /** Adds tasks to the work queue. */
  publishTasks(tasks: readonly RunTask[]): Promise<void>;
  /** Every result message of `job`, from the first, as they come, until `signal` aborts. */
  results(job: string, signal: AbortSignal): AsyncIterable<Uint8Array>;
  /** The workers listening now (each answers for itself within a short wait). */
  workers(): Promise<WorkerAnnouncement[]>;
  /** Removes the job's objects, its tasks not yet taken and its results. */
  removeJob(job: string): Promise<void>;

  // --- a worker's side ---
  /** Answers `workers()` as `worker` until the returned function is called. */
  announce(worker: WorkerAnnouncement): Promise<() => void>;
  /** The next task, waiting for one; undefined once `signal` aborts (a task taken meanwhile is released). */
  nextTask(signal: AbortSignal): Promise<TaskDelivery | undefined>;
  /** Adds a result message for `job`; resolved once the queue has stored it. */
  publishResult(job: string, message: Uint8Array): Promise<void>;

  /** Lets go of the connection (after in-flight messages are sent). */
  close(): Promise<void>;
}

/** The queue's one error type. */
export type QueueErrorCode =
  /** The queue (NATS) cannot be reached or has no JetStream. */
  | 'unavailable'
  /** Runs did not come back in time. */
  | 'timeout'
  /** A worker failed on a task (a bug, or a model it could not load). */
  | 'failed'
  /** Aborted through the caller's signal. */
  | 'aborted';

export class QueueError extends Error {
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueError';
    this.code = code;
  }
}
