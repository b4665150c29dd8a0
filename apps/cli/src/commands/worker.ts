/**
 * @module commands/worker
 * `keten worker [--nats URL] [--threads N] [--queue NAME]`: a long-running process that does
 * simulation runs for `keten simulate` on other machines, over the NATS JetStream work queue of
 * `@keten/queue` (NATS_URL, or --nats). It takes up to N tasks at once, each on a simulation thread,
 * logs one JSON line per event to stderr (pino; KETEN_LOG_LEVEL, default `info`; `debug` adds a line
 * for every task taken), and on SIGTERM or SIGINT drains: the tasks in hand
 * are finished and published, no new one is taken, exit 0 (a second signal stops at once). A NATS
 * server that cannot be reached is an `unavailable` error (exit 5), as a database that does not answer.
 */
import { availableParallelism } from 'node:os';
import type { QueueError } from '@keten/queue';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';

export interface WorkerCommandOptions {
  readonly nats?: string;
  readonly threads?: number;
  readonly queue?: string;
}

/** The NATS server of `--nats` or NATS_URL, if any. */
export function natsUrl(options: { readonly nats?: string }): string | undefined {
  const url = options.nats ?? process.env.NATS_URL;
  return url === undefined || url === '' ? undefined : url;
}

/**
 * The queue's settings: its name from `--queue` or KETEN_QUEUE (default `keten`; set-ups sharing a
 * server stay apart), and KETEN_QUEUE_ACK_WAIT, the seconds after which a task a worker took and did
 * not finish goes to another (default 30; it takes effect when the queue is first made).
 */
export function queueSettings(options: { readonly queue?: string }): { name: string; ackWaitMs?: number } {
  const name = options.queue ?? process.env.KETEN_QUEUE ?? 'keten';
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new CliError('usage', `a queue name is letters, digits, _ and - only, not '${name}'`);
  const ackWait = process.env.KETEN_QUEUE_ACK_WAIT;
  if (ackWait === undefined || ackWait === '') return { name };
  const seconds = Number(ackWait);
  if (!Number.isFinite(seconds) || seconds < 1)
    throw new CliError('usage', `KETEN_QUEUE_ACK_WAIT is seconds (1 or more), not '${ackWait}'`);
  return { name, ackWaitMs: seconds * 1000 };
}

/** The levels KETEN_LOG_LEVEL may name (pino's). */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The worker's log level: KETEN_LOG_LEVEL, default `info`; another value is a usage error. */
export function workerLogLevel(value: string | undefined = process.env.KETEN_LOG_LEVEL): string {
  if (value === undefined || value === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new CliError('usage', `KETEN_LOG_LEVEL is one of ${LOG_LEVELS.join(', ')}, not '${value}'`);
  return value;
}

/** The CLI's error for a queue's. */
export function queueCliError(error: QueueError): CliError {
  switch (error.code) {
    case 'unavailable':
    case 'timeout':
      return new CliError('unavailable', error.message);
    case 'aborted':
      return new CliError('refused', error.message);
    case 'failed':
      return new CliError('internal', error.message);
  }
}

export async function workerCommand(options: WorkerCommandOptions, output: Output): Promise<void> {
  const url = natsUrl(options);
  if (url === undefined) {
    throw new CliError(
      'usage',
      'keten worker takes its tasks from NATS JetStream: give --nats URL or set NATS_URL (e.g. nats://127.0.0.1:4222)',
    );
  }
  const settings = queueSettings(options);
  const level = workerLogLevel();
  const threads = options.threads ?? availableParallelism();
  const { connectNatsQueue, QueueError, serveSimulationTasks, threadExecutor } = await import('@keten/queue');
  const { pino } = await import('pino');
  let queue: Awaited<ReturnType<typeof connectNatsQueue>>;
  try {
    queue = await connectNatsQueue(url, settings);
  } catch (error) {
    if (error instanceof QueueError) throw queueCliError(error);
    throw error;
  }
  const log = pino({ name: 'keten-worker', level, base: { pid: process.pid } }, pino.destination(2));
  const controller = new AbortController();
  const drain = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'draining: finishing the tasks in hand, taking no new one');
    output.err(`keten worker: ${signal}: finishing the tasks in hand (${signal} again stops at once)`);
    controller.abort();
  };
  process.once('SIGTERM', drain);
  process.once('SIGINT', drain);
  const executor = threadExecutor(threads);
  try {
    await serveSimulationTasks(queue, {
      threads,
      execute: executor.execute,
      signal: controller.signal,
      log,
    });
  } finally {
    process.removeListener('SIGTERM', drain);
    process.removeListener('SIGINT', drain);
    await executor.close();
    await queue.close().catch(() => undefined);
    log.flush();
  }
}
