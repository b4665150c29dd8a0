/**
 * @module page-toucher
 * A thread that faults in pages of the planner's shared arrays ahead of their first write
 * (`setPageToucher` of `@keten/core`). On a virtual machine whose fresh memory is dear (stop 21's host:
 * 11–17 µs a 4 KiB page, half of it the host's), the first touches of a 60,000-company plan's
 * 2–3 GB cost the planner's thread several seconds; made on the other core meanwhile, they cost it
 * little (docs/planning.md, "Pages touched ahead").
 *
 * A page is touched by `Atomics.compareExchange(word, 0, 0)` on its first word: an atomic write of 0
 * where a 0 is, nothing where anything else is, so no value the planner wrote or writes at the same
 * time is ever changed, whatever the timing.
 *
 * @example
 * const toucher = startPageToucher();
 * setPageToucher(toucher);
 * try { planNetwork(network); } finally { setPageToucher(undefined); toucher.stop(); }
 */
import { Worker } from 'node:worker_threads';
import type { PageToucher } from '@keten/core';

/** The page size touched (a huge page is touched 512 times, each after the first at no cost). */
const PAGE = 4096;

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const PAGE = ${PAGE};
parentPort.on('message', (message) => {
  const { buffer, from, to } = message;
  const words = new Int32Array(buffer, 0, Math.floor(buffer.byteLength / 4));
  const last = Math.min(Math.ceil(to / PAGE), Math.ceil(words.length * 4 / PAGE));
  for (let page = Math.floor(from / PAGE); page < last; page++) {
    Atomics.compareExchange(words, page * (PAGE / 4), 0, 0);
  }
  if (message.done) parentPort.postMessage(message.done);
});
`;

export interface StartedPageToucher extends PageToucher {
  /** Resolves once every range asked so far has been touched (tests). */
  idle(): Promise<void>;
  /** Ends the thread; ranges not yet touched are left. */
  stop(): Promise<void>;
}

/**
 * Starts the touching thread. It does not keep the process alive; `stop` ends it. Ranges are touched
 * in the order they are asked.
 */
export function startPageToucher(): StartedPageToucher {
  const worker = new Worker(SOURCE, { eval: true });
  worker.unref();
  let asked = 0;
  const waiting = new Map<number, () => void>();
  // Listened to only while `idle` waits: a listener on its messages kept an unreferenced thread's
  // process alive (bench:plan's worker never ended).
  const heard = (done: number) => {
    waiting.get(done)?.();
    waiting.delete(done);
    if (waiting.size === 0) {
      worker.off('message', heard);
      worker.unref();
    }
  };
  return {
    touch(buffer, from, to) {
      if (to > from) worker.postMessage({ buffer, from, to });
    },
    idle() {
      asked++;
      const done = asked;
      return new Promise<void>((resolve) => {
        if (waiting.size === 0) worker.on('message', heard);
        waiting.set(done, resolve);
        worker.postMessage({ buffer: new SharedArrayBuffer(4), from: 0, to: 0, done });
      });
    },
    async stop() {
      await worker.terminate();
    },
  };
}
