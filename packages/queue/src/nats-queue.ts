/**
 * @module nats-queue
 * `connectNatsQueue`: the simulation work queue on NATS JetStream (npm `nats`, v2).
 *
 * With the default name `keten` (any `[A-Za-z0-9_-]+` keeps parallel set-ups apart):
 * - stream `KETEN_SIMULATION_TASKS` (subjects `keten.simulation.tasks.<job>`), work-queue retention:
 *   a task is removed when a worker acknowledges it; one durable pull consumer `workers` that every
 *   worker shares, explicit ack, ack wait 30 s, at most 5 deliveries;
 * - stream `KETEN_SIMULATION_RESULTS` (subjects `keten.simulation.results.<job>`), the binary result
 *   messages, read by the coordinator with an ordered consumer and purged per job when it is done;
 * - object store `keten-simulation`: each job's model (`<job>/model`, gzipped JSON, chunked by the
 *   store: a 120 MB network is above NATS's message limit) and runs too large for one message;
 * - `keten.simulation.workers` (core NATS, request-reply): every listening worker answers.
 * Streams and store are file-backed and keep anything for 24 hours at most, so the leftovers of a
 * coordinator that died are cleaned up by the server.
 */
import {
  AckPolicy,
  type Consumer,
  connect,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  nanos,
  type ObjectStore,
  RequestStrategy,
  RetentionPolicy,
  StorageType,
} from 'nats';
import {
  QueueError,
  type RunTask,
  type SimulationQueue,
  type TaskDelivery,
  type WorkerAnnouncement,
} from './port.ts';

export interface NatsQueueOptions {
  /** Prefix of the streams, subjects and store (default `keten`). */
  readonly name?: string;
  /** A task not acknowledged for this long is delivered again (default 30 s). */
  readonly ackWaitMs?: number;
  /** Deliveries of one task at most (default 5). */
  readonly maxDeliver?: number;
  /** How long `workers()` waits for answers (default 500 ms). */
  readonly presenceWaitMs?: number;
  /** How long to try to connect (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** A smaller largest result message than the server allows (tests). */
  readonly maxMessageBytes?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Head room for headers and JetStream's own fields under `max_payload`. */
const PAYLOAD_MARGIN = 8 * 1024;
const CONSUMER = 'workers';
const PULL_EXPIRES_MS = 3_000;

/**
 * Connects to NATS at `url` (e.g. `nats://127.0.0.1:4222`) and makes sure the streams, the consumer
 * and the object store exist. Rejects with a `QueueError` (`unavailable`) when the server cannot be
 * reached or has no JetStream.
 */
export async function connectNatsQueue(
  url: string,
  options: NatsQueueOptions = {},
): Promise<NatsSimulationQueue> {
  const name = options.name ?? 'keten';
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new RangeError(`a queue name is letters, digits, _ and - only, got '${name}'`);
  let connection: NatsConnection;
  try {
    connection = await connect({
      servers: url,
      name: 'keten',
      timeout: options.connectTimeoutMs ?? 5_000,
      maxReconnectAttempts: -1,
    });
  } catch (error) {
    throw new QueueError('unavailable', `NATS at ${url} is not reachable: ${messageOf(error)}`, {
      cause: error,
    });
  }
  try {
    const manager = await connection.jetstreamManager();
    const queue = new NatsSimulationQueue(url, name, connection, manager, options);
    await queue.setUp();
    return queue;
  } catch (error) {
    await connection.close().catch(() => undefined);
    if (error instanceof QueueError) throw error;
    throw new QueueError(
      'unavailable',
      `NATS at ${url} has no usable JetStream (start nats-server with -js): ${messageOf(error)}`,
      { cause: error },
    );
  }
}

export class NatsSimulationQueue implements SimulationQueue {
  readonly location: string;
  readonly maxMessageBytes: number;
  readonly #name: string;
  readonly #connection: NatsConnection;
  readonly #manager: JetStreamManager;
  readonly #jetstream: JetStreamClient;
  #ackWaitMs: number;
  readonly #maxDeliver: number;
  readonly #presenceWaitMs: number;
  #store: ObjectStore | undefined;
  #consumer: Consumer | undefined;

  constructor(
    url: string,
    name: string,
    connection: NatsConnection,
    manager: JetStreamManager,
    options: NatsQueueOptions,
  ) {
    this.location = url;
    this.#name = name;
    this.#connection = connection;
    this.#manager = manager;
    this.#jetstream = connection.jetstream();
    this.#ackWaitMs = options.ackWaitMs ?? 30_000;
    this.#maxDeliver = options.maxDeliver ?? 5;
    this.#presenceWaitMs = options.presenceWaitMs ?? 500;
    this.maxMessageBytes = Math.min(
      options.maxMessageBytes ?? Number.POSITIVE_INFINITY,
      Math.max(64 * 1024, connection.info!.max_payload - PAYLOAD_MARGIN),
    );
  }

  /** The prefix of this queue's streams, subjects and store. */
  get name(): string {
    return this.#name;
  }

  /** The consumer's ack wait (the one it was made with, if another process made it first). */
  get ackWaitMs(): number {
    return this.#ackWaitMs;
  }

  get #tasksStream(): string {
    return `${this.#name.toUpperCase()}_SIMULATION_TASKS`;
  }
  get #resultsStream(): string {
    return `${this.#name.toUpperCase()}_SIMULATION_RESULTS`;
  }
  #subject(kind: 'tasks' | 'results' | 'workers', job?: string): string {
    return `${this.#name}.simulation.${kind}${job === undefined ? '' : `.${job}`}`;
  }

  /** Creates the streams, consumer and object store where missing (idempotent). */
  async setUp(): Promise<void> {
    await this.#ensureStream({
      name: this.#tasksStream,
      subjects: [this.#subject('tasks', '>')],
      retention: RetentionPolicy.Workqueue,
    });
    await this.#ensureStream({
      name: this.#resultsStream,
      subjects: [this.#subject('results', '>')],
      retention: RetentionPolicy.Limits,
    });
    const consumer = {
      durable_name: CONSUMER,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(this.#ackWaitMs),
      max_deliver: this.#maxDeliver,
      filter_subject: this.#subject('tasks', '>'),
    };
    try {
      await this.#manager.consumers.add(this.#tasksStream, consumer);
    } catch (error) {
      // Another process created it first with other settings: use it as it is.
      await this.#manager.consumers.info(this.#tasksStream, CONSUMER).catch(() => {
        throw error;
      });
    }
    const info = await this.#manager.consumers.info(this.#tasksStream, CONSUMER);
    this.#ackWaitMs = Math.round((info.config.ack_wait ?? nanos(30_000)) / 1_000_000);
    this.#consumer = await this.#jetstream.consumers.get(this.#tasksStream, CONSUMER);
    this.#store = await this.#jetstream.views.os(`${this.#name}-simulation`, {
      storage: StorageType.File,
      ttl: nanos(DAY_MS),
    });
  }

  async #ensureStream(config: {
    name: string;
    subjects: string[];
    retention: RetentionPolicy;
  }): Promise<void> {
    try {
      await this.#manager.streams.add({
        ...config,
        storage: StorageType.File,
        max_age: nanos(DAY_MS),
        duplicate_window: nanos(2 * 60 * 1000),
      });
    } catch (error) {
      await this.#manager.streams.info(config.name).catch(() => {
        throw error;
      });
    }
  }

  async putObject(name: string, bytes: Uint8Array): Promise<void> {
    await this.#store!.putBlob({ name }, bytes);
  }

  async getObject(name: string): Promise<Uint8Array | undefined> {
    const blob = await this.#store!.getBlob(name);
    return blob === null ? undefined : new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
  }

  async publishTasks(tasks: readonly RunTask[]): Promise<void> {
    await Promise.all(
      tasks.map((task) =>
        this.#jetstream.publish(this.#subject('tasks', task.job), JSON.stringify(task), {
          msgID: `${task.job}:${task.runs[0] ?? 0}`,
        }),
      ),
    );
  }

  async *results(job: string, signal: AbortSignal): AsyncIterable<Uint8Array> {
    if (signal.aborted) return;
    const consumer = await this.#jetstream.consumers.get(this.#resultsStream, {
      filterSubjects: this.#subject('results', job), // one string: NATS servers before 2.10 know no list
    });
    const messages = await consumer.consume();
    const stop = () => messages.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const message of messages) yield message.data;
    } finally {
      signal.removeEventListener('abort', stop);
      messages.stop();
    }
  }

  async workers(): Promise<WorkerAnnouncement[]> {
    const found: WorkerAnnouncement[] = [];
    try {
      const answers = await this.#connection.requestMany(this.#subject('workers'), '', {
        strategy: RequestStrategy.Timer,
        maxWait: this.#presenceWaitMs,
      });
      for await (const answer of answers) {
        try {
          found.push(answer.json<WorkerAnnouncement>());
        } catch {
          // not a worker's answer
        }
      }
    } catch (error) {
      // "no responders": nobody subscribes to the subject.
      if (!/no responders|503/i.test(messageOf(error))) throw error;
    }
    return found;
  }

  async removeJob(job: string): Promise<void> {
    const store = this.#store!;
    for (const info of await store.list()) if (info.name.startsWith(`${job}/`)) await store.delete(info.name);
    await this.#manager.streams.purge(this.#tasksStream, { filter: this.#subject('tasks', job) });
    await this.#manager.streams.purge(this.#resultsStream, { filter: this.#subject('results', job) });
  }

  async announce(worker: WorkerAnnouncement): Promise<() => void> {
    const subscription = this.#connection.subscribe(this.#subject('workers'), {
      callback: (error, message) => {
        if (error === null) message.respond(JSON.stringify(worker));
      },
    });
    await this.#connection.flush();
    return () => subscription.unsubscribe();
  }

  async nextTask(signal: AbortSignal): Promise<TaskDelivery | undefined> {
    while (!signal.aborted) {
      const message = await this.#consumer!.next({ expires: PULL_EXPIRES_MS });
      if (message === null) continue;
      if (signal.aborted) {
        // Taken while we were stopping: back to the queue for someone else.
        message.nak();
        return undefined;
      }
      const task = message.json<RunTask>();
      return {
        task,
        attempt: message.info.deliveryCount,
        working: () => message.working(),
        ack: async () => {
          await message.ackAck();
        },
        release: () => message.nak(),
      };
    }
    return undefined;
  }

  async publishResult(job: string, message: Uint8Array): Promise<void> {
    await this.#jetstream.publish(this.#subject('results', job), message);
  }

  /** Deletes the streams and the object store of this queue's name (tests, and taking a set-up down). */
  async destroy(): Promise<void> {
    await this.#manager.streams.delete(this.#tasksStream).catch(() => undefined);
    await this.#manager.streams.delete(this.#resultsStream).catch(() => undefined);
    await this.#store?.destroy().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.#connection.isClosed()) await this.#connection.drain();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
