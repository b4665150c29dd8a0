/**
 * @module idle-collection
 * A full collection of this thread's heap while it is idle, after a plan or a re-plan has answered.
 *
 * A 60,000-company network model is some 320 MB of small objects; a plan leaves its heap near the
 * limit at which V8 starts a full collection, and the next allocations (a re-plan's first tens of
 * megabytes) set one off: marking the whole model, a pause of 0.4 s in the re-plan on the 2-core VMs
 * of the benchmarks (`--trace-gc`). Collected while the thread waits for its next message, the heap
 * starts the next re-plan with room for several. A collection also frees the shared chunks of the
 * runs the thread dropped (core's planning/arena.ts: V8 frees them only at a full collection), so a
 * server thread that replaced its kept plan gives back its gigabytes then, not at some later
 * collection.
 *
 * It collects only when the heap grew by a quarter (and 32 MB) since the last collection it ran: after
 * a small re-plan, no collection of a large heap that is mostly live.
 *
 * Node offers no collection call without `--expose-gc`; as Jest's leak detector does, the flag is set
 * at run time (`v8.setFlagsFromString`) and the function taken from a new context (`vm`). Where that is
 * refused the collector does nothing.
 *
 * @example
 * const idle = new IdleCollector();
 * const run = planNetworkRun(network);
 * post(answer);
 * idle.collectIfGrown();
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** A full collection that ran: how long it took and the heap used before and after, in MiB. */
export interface IdleCollection {
  readonly milliseconds: number;
  readonly beforeMiB: number;
  readonly afterMiB: number;
}

/** The growth since the last collection that makes the next one worth it. */
const GROWTH = 1.25;
/** …and at least this much (a small heap is left alone). */
const SMALLEST_GROWTH = 32 * 1024 * 1024;

let collect: (() => void) | null | undefined;

/** The collection function, or undefined where it cannot be had. */
function collector(): (() => void) | undefined {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') collect = exposed as () => void;
    else {
      try {
        setFlagsFromString('--expose-gc');
        const made: unknown = runInNewContext('gc');
        collect = typeof made === 'function' ? (made as () => void) : null;
      } catch {
        collect = null;
      }
    }
  }
  return collect ?? undefined;
}

export class IdleCollector {
  /** Heap used after the last collection this collector ran (0 before the first). */
  #after = 0;

  /** Whether this thread can collect (see the module's text). */
  get available(): boolean {
    return collector() !== undefined;
  }

  /**
   * Runs a full collection now if the heap grew by a quarter and 32 MB since the last one this
   * collector ran; what it did, or undefined when it did not collect.
   */
  collectIfGrown(): IdleCollection | undefined {
    const gc = collector();
    if (gc === undefined) return undefined;
    const before = getHeapStatistics().used_heap_size;
    if (before < this.#after * GROWTH || before - this.#after < SMALLEST_GROWTH) return undefined;
    const started = performance.now();
    gc();
    const milliseconds = performance.now() - started;
    this.#after = getHeapStatistics().used_heap_size;
    return { milliseconds, beforeMiB: before / 2 ** 20, afterMiB: this.#after / 2 ** 20 };
  }
}
