/**
 * @module memory-queue
 * `InMemorySimulationQueue`: the work queue in one process, with the delivery rules of the NATS one
 * (ack wait, redelivery, a maximum number of deliveries), so the coordinator and the worker loop are
 * tested without a server, and a worker "crash" is a delivery nobody acknowledges.
 */
import type { RunTask, SimulationQueue, TaskDelivery, WorkerAnnouncement } from './port.ts';

export interface InMemoryQueueOptions {
  /** A task not acknowledged (or `working()`) for this long is delivered again (default 30 s). */
  readonly ackWaitMs?: number;
  /** Deliveries of one task at most, then it is dropped (default 5). */
  readonly maxDeliver?: number;
  /** Largest result message (default 1 MiB, as NATS's default `max_payload`). */
  readonly maxMessageBytes?: number;
}

interface Pending {
  readonly task: RunTask;
  attempt: number;
}

export class InMemorySimulationQueue implements SimulationQueue {
  readonly location = 'in-process';
  readonly maxMessageBytes: number;
  readonly ackWaitMs: number;
  readonly #maxDeliver: number;
  readonly #objects = new Map<string, Uint8Array>();
  readonly #ready: Pending[] = [];
  readonly #takers: ((pending: Pending) => void)[] = [];
  readonly #results = new Map<string, Uint8Array[]>();
  readonly #resultWaiters = new Map<string, Set<() => void>>();
  readonly #workers = new Set<WorkerAnnouncement>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: InMemoryQueueOptions = {}) {
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.#maxDeliver = options.maxDeliver ?? 5;
    this.maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  }

  /** Tasks waiting to be taken (for tests). */
  get waitingTasks(): number {
    return this.#ready.length;
  }

  /** Objects stored (for tests). */
  get objectNames(): string[] {
    return [...this.#objects.keys()];
  }

  async putObject(name: string, bytes: Uint8Array): Promise<void> {
    this.#objects.set(name, bytes.slice());
  }

  async getObject(name: string): Promise<Uint8Array | undefined> {
    return this.#objects.get(name)?.slice();
  }

  async publishTasks(tasks: readonly RunTask[]): Promise<void> {
    for (const task of tasks) this.#offer({ task: { job: task.job, runs: [...task.runs] }, attempt: 0 });
  }

  async *results(job: string, signal: AbortSignal): AsyncIterable<Uint8Array> {
    let next = 0;
    while (!signal.aborted) {
      const messages = this.#results.get(job) ?? [];
      if (next < messages.length) {
        yield messages[next++]!.slice();
        continue;
      }
      await new Promise<void>((resolve) => {
        const waiters = this.#resultWaiters.get(job) ?? new Set();
        this.#resultWaiters.set(job, waiters);
        const wake = () => {
          waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        waiters.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  async workers(): Promise<WorkerAnnouncement[]> {
    return [...this.#workers];
  }

  async removeJob(job: string): Promise<void> {
    for (const name of [...this.#objects.keys()]) if (name.startsWith(`${job}/`)) this.#objects.delete(name);
    for (let index = this.#ready.length - 1; index >= 0; index--)
      if (this.#ready[index]!.task.job === job) this.#ready.splice(index, 1);
    this.#results.delete(job);
  }

  async announce(worker: WorkerAnnouncement): Promise<() => void> {
    this.#workers.add(worker);
    return () => this.#workers.delete(worker);
  }

  nextTask(signal: AbortSignal): Promise<TaskDelivery | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    const ready = this.#ready.shift();
    if (ready !== undefined) return Promise.resolve(this.#deliver(ready));
    return new Promise((resolve) => {
      const take = (pending: Pending) => {
        signal.removeEventListener('abort', stop);
        resolve(this.#deliver(pending));
      };
      const stop = () => {
        const index = this.#takers.indexOf(take);
        if (index >= 0) this.#takers.splice(index, 1);
        resolve(undefined);
      };
      this.#takers.push(take);
      signal.addEventListener('abort', stop, { once: true });
    });
  }

  async publishResult(job: string, message: Uint8Array): Promise<void> {
    const messages = this.#results.get(job) ?? [];
    this.#results.set(job, messages);
    messages.push(message.slice());
    for (const wake of [...(this.#resultWaiters.get(job) ?? [])]) wake();
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #offer(pending: Pending): void {
    const taker = this.#takers.shift();
    if (taker !== undefined) taker(pending);
    else this.#ready.push(pending);
  }

  #deliver(pending: Pending): TaskDelivery {
    pending.attempt += 1;
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      settled = true;
      if (timer !== undefined) {
        clearTimeout(timer);
        this.#timers.delete(timer);
      }
    };
    const redeliver = () => {
      if (settled) return;
      settle();
      if (pending.attempt < this.#maxDeliver) this.#offer(pending);
    };
    const arm = () => {
      if (timer !== undefined) {
        clearTimeout(timer);
        this.#timers.delete(timer);
      }
      timer = setTimeout(redeliver, this.ackWaitMs);
      this.#timers.add(timer);
    };
    arm();
    return {
      task: pending.task,
      attempt: pending.attempt,
      working: () => {
        if (!settled) arm();
      },
      ack: async () => settle(),
      release: () => {
        if (settled) return;
        settle();
        this.#ready.unshift(pending);
        const taker = this.#takers.shift();
        if (taker !== undefined) taker(this.#ready.shift()!);
      },
    };
  }
}
