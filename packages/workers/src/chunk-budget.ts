/**
 * @module chunk-budget
 * How much address space of the planner's shared chunks a planning thread may hold before chunks are
 * plain array buffers again (core's planning/arena.ts, `setSharedChunkBudget`).
 *
 * The planner's large arrays live in shared chunks that V8 does not count as external memory: a
 * dropped run's chunks are freed at the thread's next full collection, not at once. The bound is on
 * address space, not on memory: at 60,000 companies a kept plan makes 5.6 GiB of chunks and touches
 * some 2.3 GiB of them, a re-plan makes 2.4–3.8 GiB and touches a few hundred MiB (stop 26, EPYC VM:
 * the process's peak 3.1 GB). A server's re-plan thread holds the plan it re-plans from and its
 * latest re-plan, and makes the next: 13.3 GiB of address space at 60,000 companies. Bounded at a
 * third of the machine (8 GiB here, as before stop 26), the next re-plan's chunks were partly plain
 * buffers, and every 64 MB of those set off a full collection: re-plans took 1.5–2 times as long with
 * the same peak memory (docs/planning.md, "The re-plan thread's bound"). What bounds the chunks a
 * thread could have freed is now its idle collection (`IdleCollector`: after every 1 GiB of chunks
 * made); the budget is the backstop, at the machine's memory and at most `THREAD_CHUNK_CEILING`.
 */
import { totalmem } from 'node:os';
import { setSharedChunkBudget } from '@keten/core';

/** The most a thread's budget is, whatever the machine: two 60,000-company re-plans beside their plan, and room. */
export const THREAD_CHUNK_CEILING = 24 * 1024 ** 3;

/** The machine's memory, at most `THREAD_CHUNK_CEILING`. */
export function threadChunkBudget(machineBytes: number = totalmem()): number {
  return Math.min(THREAD_CHUNK_CEILING, machineBytes);
}

/** Bounds this thread's shared chunks (`threadChunkBudget`); called once at a planning thread's start. */
export function boundThreadChunks(): void {
  setSharedChunkBudget(threadChunkBudget());
}
