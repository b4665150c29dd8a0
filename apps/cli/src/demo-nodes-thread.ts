/**
 * @module demo-nodes-thread
 * `keten demo` runs its company nodes in a worker thread of their own, with an embedded database of
 * their own (`<home>/nodes-store`, a schema per node), so the demo's web API keeps its event loop: the
 * 44 nodes' negotiations, pushes and re-plans (and their database, PGlite, which runs on the thread
 * that opened it) no longer hold up the pages' requests. This is the main thread's side; the thread is
 * `demo-nodes-worker.ts`. Messages both ways are plain objects (`DemoNodesMessage`).
 */
import { Worker } from 'node:worker_threads';
import type { Network } from '@keten/core';

/** What the thread is told at its start. */
export interface DemoNodesSetup {
  readonly network: Network;
  readonly networkName: string;
  /** The nodes' embedded database folder. */
  readonly dataDir: string;
  /** Each node's key and membership go in `<folder>/<company>`. */
  readonly folder: string;
  /** The first node's port (the others follow it); 0: free ports. */
  readonly firstPort: number;
  readonly admin: { readonly username: string; readonly password: string };
}

/** From the thread to the main thread. */
export type DemoNodesMessage =
  | { readonly type: 'log'; readonly message: string }
  | {
      readonly type: 'up';
      readonly nodes: number;
      readonly oem?: { readonly company: string; readonly url: string };
    }
  | { readonly type: 'ready'; readonly agreements: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };

export interface DemoNodesThreadOptions {
  readonly setup: DemoNodesSetup;
  /** Everything the thread says, in words (its log lines, up, ready, failed). */
  readonly onMessage: (message: DemoNodesMessage) => void;
}

export interface DemoNodesThread {
  /** Stops starting nodes, closes those up and their database, then ends the thread. */
  close(): Promise<void>;
}

/** How long `close` waits for the thread to close its nodes and database before ending it. */
const CLOSE_WAIT_MS = 30_000;

export function startDemoNodesThread(options: DemoNodesThreadOptions): DemoNodesThread {
  const worker = new Worker(new URL('./demo-nodes-entry.js', import.meta.url), {
    workerData: options.setup,
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      exited = true;
      if (code !== 0)
        options.onMessage({ type: 'failed', message: `the nodes' thread stopped (exit code ${code})` });
      resolve();
    });
  });
  worker.on('error', (error) => options.onMessage({ type: 'failed', message: error.message }));
  worker.on('message', (message: DemoNodesMessage) => options.onMessage(message));
  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        if (exited) return;
        worker.postMessage({ type: 'close' });
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), CLOSE_WAIT_MS);
        });
        if ((await Promise.race([exit, late])) === 'late') await worker.terminate();
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
