/**
 * @module worker
 * `serveSimulationTasks`: the loop of a `keten worker` process. It takes tasks from the queue
 * (`threads` at a time), loads each job's model once (a small cache by job id), simulates the task's
 * run indexes, publishes the runs as binary result messages (a run too large for a message as an
 * object), and only then acknowledges the task: a worker that dies mid-task leaves it on the queue,
 * to be delivered again after the ack wait. While it works it tells the queue (the ack wait restarts)
 * and the coordinator (its idle timer restarts) every few seconds. Aborting the signal drains: tasks
 * in hand are finished, no new one is taken.
 */
import { compileSimulation, type RunResult, type SimulationModel, simulateRuns } from '@keten/core';
import {
  decodeJob,
  encodeFailed,
  encodeRuns,
  encodeStored,
  encodeWorking,
  type SimulationJob,
} from './codec.ts';
import { jobModelName } from './coordinator.ts';
import type { SimulationQueue, TaskDelivery } from './port.ts';

/**
 * Simulates `runs` of job `job`; `load` answers the job's model (network, scenario, seed) and is
 * called only when the executor has not seen the job yet.
 */
export type RunExecutor = (
  job: string,
  load: () => Promise<SimulationJob>,
  runs: readonly number[],
) => Promise<RunResult[]>;

/** The least a worker logs through (pino's shape). */
export interface WorkerLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ServeOptions {
  /** Tasks worked on at once (default 1). */
  readonly threads?: number;
  /** How runs are simulated (default `inThreadExecutor()`: on this thread). */
  readonly execute?: RunExecutor;
  /** How often a worker on a task says so (default 5 s, or a third of the queue's ack wait if less). */
  readonly heartbeatMs?: number;
  /** Aborting drains: tasks in hand are finished, then the promise resolves. */
  readonly signal?: AbortSignal;
  readonly log?: WorkerLog;
  /** This worker's id in `workers()` answers (default a random one). */
  readonly id?: string;
}

/** The job's model is gone: its coordinator finished or gave up. The task is dropped. */
class JobGone extends Error {}

/**
 * An executor that compiles each job's model once (the last `cacheSize` jobs are kept) and simulates
 * on the calling thread.
 */
export function inThreadExecutor(cacheSize = 2): RunExecutor {
  const cache = new Map<string, Promise<{ model: SimulationModel; seed: number }>>();
  return async (job, load, runs) => {
    let compiled = cache.get(job);
    if (compiled === undefined) {
      compiled = load().then(({ network, scenario, seed }) => ({
        model: compileSimulation(network, scenario),
        seed,
      }));
      cache.set(job, compiled);
      compiled.catch(() => cache.delete(job));
      while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    }
    const { model, seed } = await compiled;
    return simulateRuns(model, seed, runs);
  };
}

/** Serves tasks until `signal` aborts; resolves once the tasks in hand are done. */
export async function serveSimulationTasks(
  queue: SimulationQueue,
  options: ServeOptions = {},
): Promise<void> {
  const threads = options.threads ?? 1;
  const execute = options.execute ?? inThreadExecutor();
  const heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.min(5_000, queue.ackWaitMs / 3));
  const signal = options.signal ?? new AbortController().signal;
  const log = options.log;
  const id = options.id ?? globalThis.crypto.randomUUID();
  const stopAnnouncing = await queue.announce({ id, threads });
  const load = async (job: string): Promise<SimulationJob> => {
    const bytes = await queue.getObject(jobModelName(job));
    if (bytes === undefined) throw new JobGone(`the model of job ${job} is gone`);
    return decodeJob(bytes);
  };

  const handle = async (delivery: TaskDelivery) => {
    const { job, runs } = delivery.task;
    const fields = { job, runs: runs.length, first: runs[0], attempt: delivery.attempt };
    log?.debug(fields, 'task taken');
    const heartbeat = setInterval(() => {
      delivery.working();
      queue.publishResult(job, encodeWorking()).catch(() => undefined);
    }, heartbeatMs);
    const started = performance.now();
    try {
      let results: RunResult[];
      try {
        results = await execute(job, () => load(job), runs);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof JobGone) {
          log?.warn(fields, `task dropped: ${message}`);
        } else {
          log?.error({ ...fields, err: error }, `task failed: ${message}`);
          await queue.publishResult(job, encodeFailed(runs, message)).catch(() => undefined);
        }
        await delivery.ack().catch(() => undefined);
        return;
      }
      try {
        await publishRuns(job, results);
        await delivery.ack();
        log?.info({ ...fields, ms: Math.round(performance.now() - started) }, 'task done');
      } catch (error) {
        // The queue went away mid-task: the task stays unacknowledged and comes back to someone.
        const message = error instanceof Error ? error.message : String(error);
        log?.warn(fields, `task handed back: its results could not be published: ${message}`);
        delivery.release();
      }
    } finally {
      clearInterval(heartbeat);
    }
  };

  const publishRuns = async (job: string, results: readonly RunResult[]) => {
    const { messages, oversized } = encodeRuns(results, queue.maxMessageBytes);
    for (const result of oversized) {
      const name = `${job}/run-${result.run}`;
      const [bytes] = encodeRuns([result], Number.POSITIVE_INFINITY).messages;
      await queue.putObject(name, bytes!);
      messages.push(encodeStored(result.run, name));
    }
    for (const message of messages) await queue.publishResult(job, message);
  };

  const loop = async () => {
    while (!signal.aborted) {
      let delivery: TaskDelivery | undefined;
      try {
        delivery = await queue.nextTask(signal);
      } catch (error) {
        // The queue is away for a moment (NATS reconnecting): try again shortly.
        const message = error instanceof Error ? error.message : String(error);
        log?.warn({ id }, `could not take a task, trying again in 1 s: ${message}`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      if (delivery === undefined) return;
      await handle(delivery);
    }
  };
  log?.info({ id, threads, queue: queue.location }, 'worker listening');
  try {
    await Promise.all(Array.from({ length: threads }, loop));
  } finally {
    stopAnnouncing();
  }
  log?.info({ id }, 'worker drained');
}
