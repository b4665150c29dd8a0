/**
 * @module jobs/thread-memory
 * What a planning thread does about memory: the bound on the planner's shared chunks
 * (`@keten/workers`' `boundThreadChunks`), a page toucher, and a collection while idle.
 */
import { setPageToucher } from '@keten/core';
import { IdleCollector, startPageToucher } from '@keten/workers';

export { boundThreadChunks } from '@keten/workers';

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
 * thread's bound (`boundThreadChunks`).
 */
export function collectWhileIdle(): void {
  idle.collectIfGrown();
}
