/**
 * @module jobs/plan-thread
 * A network version's plan for the plan views and the chain status, made and held in a worker thread
 * of its own (`plan-worker.ts`): the network goes to the thread once (structured clones of slices,
 * between which the server answers others: `PlanPart`), the plan never comes back; questions go there and plain answers come back (`PlanAsker`). `close()` ends the
 * thread, and with it the plan's memory (some 3.5 GB at 60,000 companies) at once. When planning
 * events move the network on, `replan` sends the thread the network again and it re-plans from the
 * run it kept (only what the events reach), instead of a new thread planning the whole network.
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
import { postInSlices, type SlicePart } from './slices.ts';

/**
 * Main → worker, before any question: the network a field at a time, long lists in slices
 * (`slices.ts`: between them the server answers others), then the rest of the setup.
 */
export type PlanPart =
  | SlicePart
  | {
      readonly part: 'setup';
      readonly options: PlanSetup['options'];
      readonly firstDues: PlanSetup['firstDues'];
    };

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
  readonly answers: PlanAsker;
  /** Resolves when the thread has ended. */
  readonly ended: Promise<void>;
  readonly #worker: Worker;
  readonly #pending = new PendingReplies();
  #failure: Error | undefined;
  /** The plan being made or made last, and who hears its steps. */
  #made!: {
    readonly promise: Promise<PlanMade>;
    readonly resolve: (value: PlanMade) => void;
    readonly reject: (error: Error) => void;
  };
  #onStep: (step: PlanStep) => void;
  readonly #fail: (error: Error) => void;

  /** Starts the thread; `onStep` hears each step of making the plan as it starts. */
  constructor(setup: PlanSetup, onStep: (step: PlanStep) => void = () => {}) {
    this.#worker = new Worker(new URL('./plan-worker-entry.js', import.meta.url));
    this.#onStep = onStep;
    this.#expect();
    const fail = (error: Error) => {
      this.#failure ??= error;
      this.#made.reject(this.#failure);
      this.#pending.failAll(this.#failure);
    };
    this.#fail = fail;
    this.#worker.on('message', (reply: PlanThreadReply) => {
      switch (reply.type) {
        case 'step':
          return this.#onStep(reply.step);
        case 'made':
          return this.#made.resolve(reply.made);
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
      // The latest plan: a question asked while the thread re-plans waits for the new plan.
      await this.made;
      if (this.#failure !== undefined) throw this.#failure;
      const { id, answer } = this.#pending.ask();
      this.#worker.postMessage({ id, question, args } satisfies PlanThreadQuestion);
      return answer;
    });
  }

  /** Resolves once the latest plan and its chain status are made; rejects when the thread fails or ends. */
  get made(): Promise<PlanMade> {
    return this.#made.promise;
  }

  /**
   * Plans `setup` (the same version's network with later planning events) by re-planning the plan
   * this thread holds; until it is made, questions wait for it (`made`). Only once the last plan was
   * made (the plan cache asks no sooner).
   */
  replan(setup: PlanSetup, onStep: (step: PlanStep) => void = () => {}): Promise<PlanMade> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    this.#onStep = onStep;
    this.#expect();
    this.#send(setup).catch(this.#fail);
    return this.made;
  }

  /** A new plan is on its way: `made` waits for it. */
  #expect(): void {
    let settle!: { resolve: (value: PlanMade) => void; reject: (error: Error) => void };
    const promise = new Promise<PlanMade>((resolve, reject) => {
      settle = { resolve, reject };
    });
    promise.catch(() => undefined);
    this.#made = { promise, ...settle };
  }

  /** Sends the setup in parts (`PlanPart`), a turn of the event loop between them. */
  async #send(setup: PlanSetup): Promise<void> {
    const post = (part: PlanPart) => {
      if (this.#failure !== undefined) throw this.#failure;
      this.#worker.postMessage(part);
    };
    await postInSlices(setup.network, post);
    post({ part: 'setup', options: setup.options, firstDues: setup.firstDues });
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
