/**
 * @module jobs/pegging-thread
 * A network version's plan with pegging, held in a worker thread of its own (`pegging-worker.ts`):
 * made once, asked many times (`peggingOfDemand`, `peggingOfOrder`), ended with `close()`. Planning
 * with pegging takes some 20 s of CPU and 4 GB at 6,000 companies: done here, it never stalls the
 * server's answers or its live streams.
 */
import { Worker } from 'node:worker_threads';
import type { DemandPegging, Network, OrderPegging, PlanOptions } from '@keten/core';
import { PendingReplies } from './pending-replies.ts';

export interface PeggingSetup {
  readonly network: Network;
  readonly options: PlanOptions;
}

export type PeggingQuestion =
  | { readonly id: number; readonly kind: 'order'; readonly order: string }
  | {
      readonly id: number;
      readonly kind: 'demand';
      readonly demand: { readonly company: string; readonly item: string; readonly period: number };
      readonly limit: number;
    };

/** Worker → main: id 0 is the plan made (or failed); others answer a question. */
export type PeggingReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly bug: string };

type Question =
  | { readonly kind: 'order'; readonly order: string }
  | {
      readonly kind: 'demand';
      readonly demand: { company: string; item: string; period: number };
      readonly limit: number;
    };

export class PeggingThread {
  /** Resolves with the plan's horizon once it is made. */
  readonly ready: Promise<{ horizon: number }>;
  readonly #worker: Worker;
  readonly #pending = new PendingReplies();
  #failure: Error | undefined;

  constructor(setup: PeggingSetup) {
    this.#worker = new Worker(new URL('./pegging-worker-entry.js', import.meta.url), { workerData: setup });
    let ready!: { resolve: (value: { horizon: number }) => void; reject: (error: Error) => void };
    this.ready = new Promise((resolve, reject) => {
      ready = { resolve, reject };
    });
    this.ready.catch(() => undefined);
    const fail = (error: Error) => {
      this.#failure ??= error;
      ready.reject(error);
      this.#pending.failAll(error);
    };
    this.#worker.on('message', (reply: PeggingReply) => {
      if (reply.id === 0) {
        if ('bug' in reply) return fail(new Error(`planning with pegging failed: ${reply.bug}`));
        return ready.resolve(reply.value as { horizon: number });
      }
      this.#pending.settle(
        reply.id,
        'bug' in reply ? { error: new Error(`a pegging question failed: ${reply.bug}`) } : reply,
      );
    });
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the pegging thread stopped (exit code ${code})`)));
  }

  /** The end demands an order serves; undefined when the plan has no such order. */
  order(order: string): Promise<OrderPegging | undefined> {
    return this.#ask({ kind: 'order', order }) as Promise<OrderPegging | undefined>;
  }

  /** The orders that serve an end demand; undefined when the network has no such demand. */
  demand(
    demand: { company: string; item: string; period: number },
    limit: number,
  ): Promise<DemandPegging | undefined> {
    return this.#ask({ kind: 'demand', demand, limit }) as Promise<DemandPegging | undefined>;
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  async #ask(question: Question): Promise<unknown> {
    await this.ready;
    if (this.#failure !== undefined) throw this.#failure;
    const { id, answer } = this.#pending.ask();
    this.#worker.postMessage({ ...question, id } satisfies PeggingQuestion);
    return (await answer) ?? undefined;
  }
}
