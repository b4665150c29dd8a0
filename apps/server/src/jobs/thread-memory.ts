/**
 * @module jobs/thread-memory
 * The planner's large arrays live in shared chunks that V8 does not count as external memory (core's
 * planning/arena.ts): a dropped plan's chunks are freed at the thread's next full collection of its
 * own heap, not at once. Core bounds the chunks made and not yet collected at 12 GiB of address space
 * per thread; a server thread that drops a plan on every re-plan, beside others doing the same, keeps
 * to a third of the machine's memory each, so that the chunks it could have freed stay a small part
 * of it (past the bound, chunks are plain array buffers again, which V8 counts and collects for).
 */
import { totalmem } from 'node:os';
import { SHARED_CHUNK_BUDGET, setPageToucher, setSharedChunkBudget } from '@keten/core';
import { IdleCollector, startPageToucher } from '@keten/workers';

/** A third of the machine's memory, at most core's 12 GiB. */
export function threadChunkBudget(machineBytes: number = totalmem()): number {
  return Math.min(SHARED_CHUNK_BUDGET, Math.floor(machineBytes / 3));
}

/** Bounds this thread's shared chunks (`threadChunkBudget`); called once at a planning thread's start. */
export function boundThreadChunks(): void {
  setSharedChunkBudget(threadChunkBudget());
}

/**
 * Sets a page toucher for this planning thread (`@keten/workers`' `startPageToucher`): a thread of its
 * own faults in the pages of the arrays the planner is about to write, which on a virtual machine
 * whose fresh memory is dear takes seconds off a large plan (docs/planning.md, "Pages touched ahead").
 * It waits, idle, between plans; called once at a planning thread's start.
 */
export function touchPagesAhead(): void {
  setPageToucher(startPageToucher());
}

const idle = new IdleCollector();

/**
 * A full collection of this thread's heap if it grew by a quarter since the last one, or the thread
 * made 1 GiB of shared chunks since (`@keten/workers`' `IdleCollector`); called by the re-plan thread
 * once a re-plan has answered, so the next re-plan does not stop to mark the network model (0.4 s at
 * 60,000 companies) and the chunks of the plan it replaced are freed now, not left to pile up to the
 * bound above.
 */
export function collectWhileIdle(): void {
  idle.collectIfGrown();
}
