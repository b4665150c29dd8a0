/**
 * @module jobs/import-thread
 * Large imports are loaded in a worker thread (`import-worker.ts`), not on the server's event loop:
 * parsing, validating and hashing a 60,000-company network held the server's thread for many seconds
 * (13.5–14.7 s for the whole import, most of it this). The body goes to the thread as text; the
 * network comes back in slices (`slices.ts`) with its stored text and content hash, and the store
 * writes it on the server's thread in parts (`network_version_parts`).
 *
 * Bodies below `THREAD_CHARACTERS` are loaded on the server's thread (a few milliseconds; no thread to
 * start). One body at a time; the thread ends after `IDLE_MS` without work, and a thread that fails
 * fails the import it held (the next one starts a new thread).
 */
import { Worker } from 'node:worker_threads';
import type { Issue, Network, NetworkSummary, PreparedContent } from '@keten/core';
import { type ImportBody, type PreparedImport, prepareImport } from './import-load.ts';
import { PendingReplies } from './pending-replies.ts';
import { addSlice, type SlicePart } from './slices.ts';

/** Bodies of this many characters or more are loaded in the thread. */
export const THREAD_CHARACTERS = 1_000_000;
/** The thread ends after this long without an import (it holds tens of MB even idle). */
export const IDLE_MS = 60_000;

/** Main → worker: a body to load; the binary graph of the network loaded for request `of`. */
export type ImportThreadRequest =
  | { readonly type: 'prepare'; readonly id: number; readonly body: ImportBody }
  | {
      readonly type: 'graph';
      readonly id: number;
      readonly of: number;
      readonly network: string;
      readonly version: number;
    };

/** Worker → main: problems; or the prepared parts, the network's slices, done; or a bug. */
export type ImportThreadReply =
  | { readonly type: 'refused'; readonly id: number; readonly issues: Issue[] }
  | {
      readonly type: 'prepared';
      readonly id: number;
      readonly summary: NetworkSummary;
      readonly warnings: Issue[];
      readonly prepared: PreparedContent;
    }
  | { readonly type: 'content'; readonly id: number; readonly part: SlicePart }
  | { readonly type: 'done'; readonly id: number }
  /** The binary graph asked for; null when the thread holds that network no longer. */
  | { readonly type: 'graph'; readonly id: number; readonly bytes: Uint8Array | null }
  | { readonly type: 'bug'; readonly id: number; readonly message: string };

export class ImportThread {
  #worker: Worker | undefined;
  #idle: NodeJS.Timeout | undefined;
  readonly #pending = new PendingReplies();
  /** Imports wait here for the one before them (one at a time in the thread). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly threadCharacters = THREAD_CHARACTERS) {}

  /** Loads and prepares `body` for the store: on this thread when small, else in the import thread. */
  prepare(body: ImportBody): Promise<PreparedImport> {
    if (body.text.length < this.threadCharacters) return Promise.resolve(prepareImport(body));
    const turn = this.#queue.then(() => this.#inThread(body));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  /** Ends the thread; an import it holds fails. */
  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  async #inThread(body: ImportBody): Promise<PreparedImport> {
    clearTimeout(this.#idle);
    const worker = this.#start();
    const { id, answer } = this.#pending.ask();
    worker.postMessage({ type: 'prepare', id, body } satisfies ImportThreadRequest);
    try {
      const prepared = (await answer) as PreparedImport;
      if (!prepared.ok) return prepared;
      const graphBinary = (network: string, version: number) => this.#graph(worker, id, network, version);
      return { ok: true, value: { ...prepared.value, graphBinary } };
    } finally {
      if (this.#pending.size === 0 && this.#worker === worker) {
        this.#idle = setTimeout(() => void this.close(), IDLE_MS);
        this.#idle.unref();
      }
    }
  }

  /** The binary graph of the network loaded for request `of`, made in the thread; undefined when gone. */
  async #graph(
    worker: Worker,
    of: number,
    network: string,
    version: number,
  ): Promise<Uint8Array | undefined> {
    if (this.#worker !== worker) return undefined;
    const { id, answer } = this.#pending.ask();
    worker.postMessage({ type: 'graph', id, of, network, version } satisfies ImportThreadRequest);
    return ((await answer) as Uint8Array | null) ?? undefined;
  }

  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(new URL('./import-worker-entry.js', import.meta.url));
    this.#worker = worker;
    /** The answer being received: what came before the network's slices, and the network so far. */
    const receiving = new Map<
      number,
      {
        summary: NetworkSummary;
        warnings: Issue[];
        prepared: PreparedContent;
        network: Record<string, unknown>;
      }
    >();
    const end = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      receiving.clear();
      this.#pending.failAll(error);
    };
    worker.on('error', (error) => end(new Error(`the import thread failed: ${error.message}`)));
    worker.on('exit', (code) => end(new Error(`the import thread stopped (exit code ${code})`)));
    worker.on('message', (reply: ImportThreadReply) => {
      switch (reply.type) {
        case 'refused':
          return this.#pending.settle(reply.id, { value: { ok: false, error: reply.issues } });
        case 'prepared': {
          const { summary, warnings, prepared } = reply;
          receiving.set(reply.id, { summary, warnings, prepared, network: {} });
          return;
        }
        case 'content': {
          const answer = receiving.get(reply.id);
          if (answer !== undefined) addSlice(answer.network, reply.part);
          return;
        }
        case 'done': {
          const answer = receiving.get(reply.id);
          receiving.delete(reply.id);
          if (answer === undefined) return;
          const { network, ...rest } = answer;
          const value: PreparedImport = {
            ok: true,
            value: { ...rest, network: network as unknown as Network },
          };
          return this.#pending.settle(reply.id, { value });
        }
        case 'graph':
          return this.#pending.settle(reply.id, { value: reply.bytes });
        case 'bug':
          receiving.delete(reply.id);
          return this.#pending.settle(reply.id, {
            error: new Error(`loading the network failed in the import thread: ${reply.message}`),
          });
      }
    });
    return worker;
  }
}
