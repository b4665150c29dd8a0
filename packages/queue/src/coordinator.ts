/**
 * @module coordinator
 * `simulateOnQueue`: a Monte Carlo simulation whose runs are done by `keten worker` processes. The
 * coordinator stores the job's model (network, scenario, seed) as an object, puts tasks of a few dozen
 * run indexes each on the work queue, gathers the runs as workers publish them (the first copy of a
 * run counts: a task redelivered after a worker crashed may send its runs again), aggregates them in
 * run-index order and removes the job's objects, tasks and results. Runs depend on (seed, run index)
 * alone, so the result equals core's `simulate` to the bit, whatever the workers and the split.
 *
 * @example
 * const queue = await connectNatsQueue(process.env.NATS_URL!);
 * try {
 *   const result = await simulateOnQueue(queue, network, scenario, { runs: 1000, seed: 7 });
 * } finally {
 *   await queue.close();
 * }
 */
import {
  compileSimulation,
  type Network,
  type RunResult,
  runsAndSeed,
  type Scenario,
  type SimulationResult,
  simulationResult,
} from '@keten/core';
import { decodeResultMessage, encodeJob } from './codec.ts';
import { QueueError, type RunTask, type SimulationQueue, type WorkerAnnouncement } from './port.ts';

export interface QueueSimulationOptions {
  /** Runs 0 .. runs − 1 (default the scenario's `runs`, else 1). */
  readonly runs?: number;
  /** Default the scenario's `seed`, else 1. */
  readonly seed?: number;
  /** Run indexes per task (default: about 40 tasks, at most 50 runs each). */
  readonly runsPerTask?: number;
  /**
   * Give up when no run and no sign of a worker on this job came for this long (default 60 s).
   * Workers say they are still working every few seconds, so a long task does not time out.
   */
  readonly idleTimeoutMs?: number;
  /** Called whenever runs arrive, with the runs gathered so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called once at the start when no worker is listening yet (the coordinator waits anyway). */
  readonly onNoWorkers?: () => void;
  /** Aborting stops waiting, removes the job and rejects with a `QueueError` (`aborted`). */
  readonly signal?: AbortSignal;
  /** The job id (default a random UUID). */
  readonly job?: string;
}

/** Default run indexes per task for `runs` runs. */
export function defaultRunsPerTask(runs: number): number {
  return Math.max(1, Math.min(50, Math.ceil(runs / 40)));
}

/** The object holding a job's model. */
export function jobModelName(job: string): string {
  return `${job}/model`;
}

/**
 * Simulates `scenario` on `network` (validated beforehand) on workers listening on `queue`, and
 * answers what core's `simulate` answers for the same runs and seed. Rejects with a `QueueError`:
 * `timeout` (naming the missing runs and whether any worker listens), `failed` (a worker could not
 * do a task), `aborted`, or `unavailable` (the queue went away).
 */
export async function simulateOnQueue(
  queue: SimulationQueue,
  network: Network,
  scenario: Scenario,
  options: QueueSimulationOptions = {},
): Promise<SimulationResult> {
  const { runs, seed } = runsAndSeed(scenario, options);
  const perTask = options.runsPerTask ?? defaultRunsPerTask(runs);
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const job = options.job ?? globalThis.crypto.randomUUID();
  // The layout of the runs' arrays (and the check that the model compiles) before anything is sent.
  const model = compileSimulation(network, scenario);

  const tasks: RunTask[] = [];
  for (let first = 0; first < runs; first += perTask) {
    const count = Math.min(perTask, runs - first);
    tasks.push({ job, runs: Array.from({ length: count }, (_, index) => first + index) });
  }

  const gathered = new Array<RunResult | undefined>(runs);
  let done = 0;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw new QueueError('aborted', 'the simulation was aborted');
    await queue.putObject(jobModelName(job), await encodeJob({ network, scenario, seed }));
    const iterator = queue.results(job, stop.signal)[Symbol.asyncIterator]();
    await queue.publishTasks(tasks);
    if (options.onNoWorkers !== undefined && (await queue.workers()).length === 0) options.onNoWorkers();

    const keep = (result: RunResult) => {
      if (result.run >= runs || gathered[result.run] !== undefined) return;
      gathered[result.run] = result;
      done += 1;
    };
    while (done < runs) {
      const next = await withTimeout(iterator.next(), idleTimeoutMs, options.signal);
      if (next === 'aborted') throw new QueueError('aborted', 'the simulation was aborted');
      if (next === 'timeout') {
        throw new QueueError(
          'timeout',
          timeoutMessage(queue, runs - done, runs, idleTimeoutMs, await listening(queue)),
        );
      }
      if (next.done) throw new QueueError('unavailable', `the queue at ${queue.location} closed`);
      const message = decodeResultMessage(next.value);
      const before = done;
      switch (message.type) {
        case 'runs':
          for (const result of message.results) keep(result);
          break;
        case 'stored': {
          if (message.run >= runs || gathered[message.run] !== undefined) break;
          const bytes = await queue.getObject(message.name);
          if (bytes === undefined) break; // a duplicate whose object another copy already replaced
          const stored = decodeResultMessage(bytes);
          if (stored.type === 'runs') for (const result of stored.results) keep(result);
          break;
        }
        case 'failed':
          throw new QueueError(
            'failed',
            `a keten worker failed on runs ${rangeText(message.runs)}: ${message.message}`,
          );
        case 'working':
          break;
      }
      if (done > before) options.onProgress?.(done, runs);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await queue.removeJob(job).catch(() => undefined);
  }
  return simulationResult(model, seed, gathered as RunResult[]);
}

async function listening(queue: SimulationQueue): Promise<WorkerAnnouncement[] | undefined> {
  try {
    return await queue.workers();
  } catch {
    return undefined;
  }
}

function timeoutMessage(
  queue: SimulationQueue,
  missing: number,
  runs: number,
  idleTimeoutMs: number,
  workers: WorkerAnnouncement[] | undefined,
): string {
  const seconds = idleTimeoutMs / 1000;
  const who =
    workers === undefined
      ? `whether a keten worker listens on ${queue.location} is unknown (the queue did not answer)`
      : workers.length === 0
        ? `no keten worker is listening on ${queue.location}: start one with \`keten worker --nats URL\``
        : `${workers.length} keten worker${workers.length === 1 ? ' is' : 's are'} listening on ${queue.location} ` +
          `(${workers.reduce((sum, worker) => sum + worker.threads, 0)} threads), but none answered for this job`;
  return `${missing} of ${runs} run${runs === 1 ? '' : 's'} missing after ${seconds} s without progress; ${who}`;
}

function rangeText(runs: readonly number[]): string {
  if (runs.length === 0) return '(none)';
  const first = runs[0]!;
  const last = runs[runs.length - 1]!;
  return first === last ? String(first) : `${first}–${last}`;
}

function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<T | 'timeout' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish('timeout'), ms);
    const onAbort = () => finish('aborted');
    const finish = (value: T | 'timeout' | 'aborted') => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    if (signal?.aborted) return finish('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(finish, (error: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
  });
}
