/**
 * @module jobs/replan-thread
 * Re-plans (`replanner.ts`) in a worker thread of their own (`replan-worker.ts`), so the server's
 * event loop keeps answering while a 60,000-company network is re-planned (12–17 s of CPU on the
 * server's thread before). The thread keeps the last plan of each network for the next re-plan, and
 * the network versions it was sent; the store stays on the server's thread: the worker asks for
 * what it reads (a version, pages of the log) and for the `plan.published` event it writes
 * (`ReplanSourceCall`), and a version it already holds is not sent again.
 *
 * The re-plan's diff comes back in slices (`slices.ts`, its lists a field each: `diffRecord`) before
 * the rest of the answer: one clone of a 20,000-company re-plan's diff (~144 MB as JSON) held the
 * server's thread 3.5–6.8 s as it arrived; a slice holds it for milliseconds.
 *
 * If the thread fails or ends, the re-plan running in it fails, and the next re-plan starts a new
 * thread without kept plans (as after a restart).
 */
import { Worker } from 'node:worker_threads';
import type { EventInput, EventQuery, PlanDiff, Result } from '@keten/core';
import type { PublishingSource, ReplanOutcome, ReplanRequest, StoredPlanningFailure } from '@keten/store';
import { PendingReplies } from './pending-replies.ts';
import { addSlice, postInSlices, type SlicePart } from './slices.ts';

/** A re-plan as the thread runs it: the kept plan is the thread's own. */
export type ThreadReplanRequest = Omit<ReplanRequest, 'kept'>;

/** What a re-plan in the thread answers: the outcome without the plan, which the thread keeps. */
export type ThreadReplanResult = Result<Omit<ReplanOutcome, 'kept'>, StoredPlanningFailure>;

/** Worker → main: a call to the planning source; `held` names the versions the worker has. */
export type ReplanSourceCall =
  | {
      readonly method: 'getVersion';
      readonly network: string;
      readonly version?: number | undefined;
      readonly held: readonly number[];
    }
  | { readonly method: 'readEvents'; readonly query: EventQuery }
  | { readonly method: 'appendEvents'; readonly events: readonly EventInput[] };

/** What a `getVersion` call answers: none, one the worker holds, or one whose content came in parts. */
export type VersionAnswer =
  | { readonly found: false }
  | { readonly found: true; readonly held: number }
  | { readonly found: true; readonly info: Record<string, unknown> };

/** Main → worker. */
export type ReplanThreadMessage =
  | { readonly type: 'replan'; readonly id: number; readonly request: ThreadReplanRequest }
  | { readonly type: 'content'; readonly call: number; readonly part: SlicePart }
  | { readonly type: 'answer'; readonly call: number; readonly value: unknown }
  | { readonly type: 'refused'; readonly call: number; readonly message: string };

/** What `done` carries: the outcome without its diff, which came before it in slices. */
export type ThreadReplanDone = Result<Omit<ReplanOutcome, 'kept' | 'diff'>, StoredPlanningFailure>;

/** Worker → main. */
export type ReplanWorkerMessage =
  | { readonly type: 'call'; readonly call: number; readonly source: ReplanSourceCall }
  | { readonly type: 'diff'; readonly id: number; readonly part: SlicePart }
  | { readonly type: 'done'; readonly id: number; readonly result: ThreadReplanDone }
  | { readonly type: 'bug'; readonly id: number; readonly message: string };

export class ReplanThread {
  #worker: Worker | undefined;
  readonly #pending = new PendingReplies();
  /** The re-plans waiting for their answer (one at a time, as the re-planner queues them). */
  readonly #running = new Set<number>();
  /** The first failure of a source call per re-plan, thrown as it is (its API code kept). */
  readonly #sourceFailures = new Map<number, unknown>();
  /** The diff of each re-plan as its slices arrive (`diffRecord`'s fields). */
  readonly #diffs = new Map<number, Record<string, unknown>>();

  /** `onEnd` hears that a thread failed or ended with plans kept (they are gone). */
  constructor(
    private readonly source: PublishingSource,
    private readonly onEnd: (error: Error) => void = () => {},
  ) {}

  /** Re-plans in the thread; rejects when a source call failed (with its error) or the thread failed. */
  async replan(request: ThreadReplanRequest): Promise<ThreadReplanResult> {
    const worker = this.#start();
    const { id, answer } = this.#pending.ask();
    this.#running.add(id);
    worker.postMessage({ type: 'replan', id, request } satisfies ReplanThreadMessage);
    try {
      return (await answer) as ThreadReplanResult;
    } catch (error) {
      throw this.#sourceFailures.get(id) ?? error;
    } finally {
      this.#running.delete(id);
      this.#sourceFailures.delete(id);
      this.#diffs.delete(id);
    }
  }

  /** Ends the thread (a re-plan running in it fails); its kept plans are gone. */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(new URL('./replan-worker-entry.js', import.meta.url));
    this.#worker = worker;
    let ended = false;
    const end = (error: Error) => {
      if (ended) return;
      ended = true;
      if (this.#worker === worker) {
        this.#worker = undefined;
        this.onEnd(error);
      }
      this.#pending.failAll(error);
    };
    worker.on('error', end);
    worker.on('exit', (code) => end(new Error(`the re-plan thread stopped (exit code ${code})`)));
    worker.on('message', (message: ReplanWorkerMessage) => {
      switch (message.type) {
        case 'diff': {
          const diff = this.#diffs.get(message.id) ?? {};
          this.#diffs.set(message.id, diff);
          return addSlice(diff, message.part);
        }
        case 'done': {
          const { result } = message;
          const record = this.#diffs.get(message.id);
          this.#diffs.delete(message.id);
          if (!result.ok) return this.#pending.settle(message.id, { value: result });
          if (record === undefined) {
            return this.#pending.settle(message.id, {
              error: new Error('the re-plan thread answered without the diff'),
            });
          }
          const value: ThreadReplanResult = { ok: true, value: { ...result.value, diff: diffOf(record) } };
          return this.#pending.settle(message.id, { value });
        }
        case 'bug':
          return this.#pending.settle(message.id, {
            error: new Error(`the re-plan failed in its thread: ${message.message}`),
          });
        case 'call':
          return void this.#answer(worker, message.call, message.source).catch((error: unknown) => {
            for (const id of this.#running) {
              if (!this.#sourceFailures.has(id)) this.#sourceFailures.set(id, error);
            }
            const refused = String((error as Error)?.message ?? error);
            if (this.#worker === worker) {
              worker.postMessage({
                type: 'refused',
                call: message.call,
                message: refused,
              } satisfies ReplanThreadMessage);
            }
          });
      }
    });
    return worker;
  }

  /** Answers a source call of the worker on the server's thread; a version's content goes in slices. */
  async #answer(worker: Worker, call: number, source: ReplanSourceCall): Promise<void> {
    const reply = (value: unknown) =>
      worker.postMessage({ type: 'answer', call, value } satisfies ReplanThreadMessage);
    switch (source.method) {
      case 'readEvents':
        return reply(await this.source.readEvents(source.query));
      case 'appendEvents':
        return reply(await this.source.appendEvents(source.events));
      case 'getVersion': {
        const stored = await this.source.getVersion(source.network, source.version);
        if (stored === undefined) return reply({ found: false } satisfies VersionAnswer);
        if (source.held.includes(stored.version)) {
          return reply({ found: true, held: stored.version } satisfies VersionAnswer);
        }
        const { content, ...info } = stored;
        await postInSlices(content, (part) => {
          if (this.#worker !== worker) throw new Error('the re-plan thread ended');
          worker.postMessage({ type: 'content', call, part } satisfies ReplanThreadMessage);
        });
        return reply({ found: true, info } satisfies VersionAnswer);
      }
    }
  }
}

/**
 * A diff as a record whose long lists are top-level fields, for `postInSlices` (which slices the
 * top-level lists only): the three order lists come out of `orders`.
 */
export function diffRecord(diff: PlanDiff): Record<string, unknown> {
  const { orders, ...rest } = diff;
  return {
    ...rest,
    ordersAdded: orders.added,
    ordersRemoved: orders.removed,
    ordersChanged: orders.changed,
  };
}

/** The diff back from `diffRecord`'s fields (as `addSlice` put them together). */
export function diffOf(record: Record<string, unknown>): PlanDiff {
  const { ordersAdded, ordersRemoved, ordersChanged, ...rest } = record;
  return {
    ...(rest as Omit<PlanDiff, 'orders'>),
    orders: {
      added: (ordersAdded ?? []) as PlanDiff['orders']['added'],
      removed: (ordersRemoved ?? []) as PlanDiff['orders']['removed'],
      changed: (ordersChanged ?? []) as PlanDiff['orders']['changed'],
    },
  };
}
