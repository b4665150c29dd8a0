/**
 * @module jobs/plan-thread
 * A network version's plan for the plan views and the chain status, made and held in a worker thread
 * of its own (`plan-worker.ts`): the network goes to the thread once (structured clones of slices,
 * between which the server answers others: `PlanPart`), the plan never comes back; questions go there and plain answers come back (`PlanAsker`). `close()` ends the
 * thread, and with it the plan's memory (some 3.5 GB at 60,000 companies) at once.
 */
import { Worker } from 'node:worker_threads';
import {
  askerOf,
  type PlanAsker,
  type PlanMade,
  type PlanQuestions,
  type PlanSetup,
  type PlanStep,
} from '../plan-answers.ts';
import { PendingReplies } from './pending-replies.ts';

/**
 * Main → worker, before any question: the network a section at a time (a long list in slices of
 * `SLICE` records), then the rest of the setup. Each message is cloned on the server's thread as it is
 * posted; in slices, with a turn of the event loop between them, no clone holds it for long (the
 * whole 60,000-company network at once held it some 1–2 s of CPU).
 */
export type PlanPart =
  | { readonly part: 'value'; readonly key: string; readonly value: unknown }
  | { readonly part: 'items'; readonly key: string; readonly items: readonly unknown[] }
  | {
      readonly part: 'setup';
      readonly options: PlanSetup['options'];
      readonly firstDues: PlanSetup['firstDues'];
    };

/** Records per slice of a long list sent to a plan thread. */
export const SLICE = 5_000;

/** Main → worker: a question and its arguments. */
export interface PlanThreadQuestion {
  readonly id: number;
  readonly question: keyof PlanQuestions;
  readonly args: readonly unknown[];
}

/** Worker → main: a step started, the plan made, an answer, or a bug (id 0: making the plan). */
export type PlanThreadReply =
  | { readonly type: 'step'; readonly step: PlanStep }
  | { readonly type: 'made'; readonly made: PlanMade }
  | { readonly type: 'answer'; readonly id: number; readonly value: unknown }
  | { readonly type: 'bug'; readonly id: number; readonly message: string };

export class PlanThread {
  /** Resolves once the plan and its chain status are made; rejects when the thread fails or ends. */
  readonly made: Promise<PlanMade>;
  readonly answers: PlanAsker;
  /** Resolves when the thread has ended. */
  readonly ended: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new PendingReplies();
  #failure: Error | undefined;

  /** Starts the thread; `onStep` hears each step of making the plan as it starts. */
  constructor(setup: PlanSetup, onStep: (step: PlanStep) => void = () => {}) {
    this.#worker = new Worker(new URL('./plan-worker-entry.js', import.meta.url));
    let made!: { resolve: (value: PlanMade) => void; reject: (error: Error) => void };
    this.made = new Promise((resolve, reject) => {
      made = { resolve, reject };
    });
    this.made.catch(() => undefined);
    const fail = (error: Error) => {
      this.#failure ??= error;
      made.reject(this.#failure);
      this.#pending.failAll(this.#failure);
    };
    this.#worker.on('message', (reply: PlanThreadReply) => {
      switch (reply.type) {
        case 'step':
          return onStep(reply.step);
        case 'made':
          return made.resolve(reply.made);
        case 'answer':
        case 'bug': {
          if (reply.type === 'bug' && reply.id === 0) {
            return fail(new Error(`making the plan failed: ${reply.message}`));
          }
          this.#pending.settle(
            reply.id,
            reply.type === 'bug'
              ? { error: new Error(`a plan question failed: ${reply.message}`) }
              : { value: reply.value ?? undefined },
          );
          return;
        }
      }
    });
    this.#worker.on('error', fail);
    this.ended = new Promise((resolve) => {
      this.#worker.on('exit', (code) => {
        fail(new Error(`the plan thread stopped (exit code ${code})`));
        resolve();
      });
    });
    this.#send(setup).catch(fail);
    this.answers = askerOf(async (question, args) => {
      await this.made;
      if (this.#failure !== undefined) throw this.#failure;
      const { id, answer } = this.#pending.ask();
      this.#worker.postMessage({ id, question, args } satisfies PlanThreadQuestion);
      return answer;
    });
  }

  /** Sends the setup in parts (`PlanPart`), a turn of the event loop between them. */
  async #send(setup: PlanSetup): Promise<void> {
    const post = async (part: PlanPart) => {
      if (this.#failure !== undefined) throw this.#failure;
      this.#worker.postMessage(part);
      await new Promise((resolve) => setImmediate(resolve));
    };
    for (const [key, value] of Object.entries(setup.network)) {
      if (!Array.isArray(value) || value.length <= SLICE) await post({ part: 'value', key, value });
      else {
        for (let at = 0; at < value.length; at += SLICE) {
          await post({ part: 'items', key, items: value.slice(at, at + SLICE) });
        }
      }
    }
    await post({ part: 'setup', options: setup.options, firstDues: setup.firstDues });
  }

  /** The thread failed or ended: its plan is gone. */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /**
   * Ends the thread once no question is waiting for it, and not before `graceMs`: a request that
   * was handed this plan just before it was replaced still gets its answer.
   */
  retire(graceMs = 1_000): void {
    const end = () => {
      if (this.#pending.size === 0) void this.close();
      else setTimeout(end, 100).unref();
    };
    setTimeout(end, graceMs).unref();
  }

  /** Ends the thread (a plan being made is abandoned; questions waiting fail). */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
