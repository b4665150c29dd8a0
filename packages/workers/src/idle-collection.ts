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
 * It collects only when the heap grew by a quarter (and 32 MB) since the last collection it ran, or
 * when the thread made 1 GiB of the planner's shared chunks since then: after a small re-plan, no
 * collection of a large heap that is mostly live. The second reason is the planner's arrays: they live
 * in shared chunks that V8 neither counts nor collects for, so a re-plan that made some 3 GiB of them
 * grows the heap by a tenth only; without a collection the chunks of the runs the thread dropped
 * piled up to core's budget, past which chunks are plain array buffers that V8 does count, and the
 * next re-plans each stopped for full collections ("external memory pressure", 0.5–0.7 s each on the
 * 2-core EPYC VM, with the other core marking the network model for as long; docs/planning.md, "Shared
 * chunks collected while idle").
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
import { sharedChunkBytesMade } from '@keten/core';

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
/** Shared chunks made since the last collection that make the next one worth it (see above). */
export const SHARED_CHUNK_GROWTH = 1024 * 1024 * 1024;

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
  /** Shared chunks made by then (`sharedMade`'s figure). */
  #madeBefore: number;

  /**
   * `sharedMade`: the bytes of shared chunks this thread made so far (core's `sharedChunkBytesMade`,
   * unless a test counts its own); `sharedGrowth`: how many made since the last collection set off the
   * next.
   */
  constructor(
    private readonly sharedMade: () => number = sharedChunkBytesMade,
    private readonly sharedGrowth: number = SHARED_CHUNK_GROWTH,
  ) {
    this.#madeBefore = sharedMade();
  }

  /** Whether this thread can collect (see the module's text). */
  get available(): boolean {
    return collector() !== undefined;
  }

  /**
   * Runs a full collection now if the heap grew by a quarter and 32 MB since the last one this
   * collector ran, or the thread made `sharedGrowth` bytes of shared chunks since; what it did, or
   * undefined when it did not collect.
   */
  collectIfGrown(): IdleCollection | undefined {
    const gc = collector();
    if (gc === undefined) return undefined;
    const before = getHeapStatistics().used_heap_size;
    const made = this.sharedMade();
    const heapGrew = before >= this.#after * GROWTH && before - this.#after >= SMALLEST_GROWTH;
    if (!heapGrew && made - this.#madeBefore < this.sharedGrowth) return undefined;
    const started = performance.now();
    gc();
    const milliseconds = performance.now() - started;
    this.#after = getHeapStatistics().used_heap_size;
    this.#madeBefore = made;
    return { milliseconds, beforeMiB: before / 2 ** 20, afterMiB: this.#after / 2 ** 20 };
  }
}
