/**
 * @module touch-ahead
 * `keten plan` and `keten replan` plan with core's page toucher set (`@keten/workers`'
 * `startPageToucher`): a second thread faults in the pages of the arrays the planner is about to write,
 * which on a virtual machine whose fresh memory is dear takes seconds off a large plan's own thread
 * (docs/planning.md, "Pages touched ahead"). The thread starts in the background; the plan does not
 * wait for it.
 */
import { setPageToucher } from '@keten/core';
import { startPageToucher } from '@keten/workers';

/** Runs `work` with a page toucher set, and ends its thread after. */
export async function withPagesTouchedAhead<T>(work: () => T | Promise<T>): Promise<T> {
  const toucher = startPageToucher();
  const before = setPageToucher(toucher);
  try {
    return await work();
  } finally {
    setPageToucher(before);
    await toucher.stop();
  }
}
