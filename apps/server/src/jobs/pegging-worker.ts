/**
 * @module jobs/pegging-worker
 * The body of a pegging thread (`pegging-thread.ts`): plans one network version with pegging (seconds
 * to tens of seconds, and gigabytes, for thousands of companies), keeps the plan and answers pegging
 * questions about it, so the server's event loop never holds that work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PlanIndex, peggingOfDemand, peggingOfOrder, planNetwork } from '@keten/core';
import type { PeggingQuestion, PeggingReply, PeggingSetup } from './pegging-thread.ts';
import { boundThreadChunks, touchPagesAhead } from './thread-memory.ts';

boundThreadChunks();
touchPagesAhead();
const port = parentPort;
if (port === null) throw new Error('pegging-worker.ts runs in a worker thread');
const { network, options } = workerData as PeggingSetup;
try {
  const index = new PlanIndex(network, planNetwork(network, { ...options, pegging: true }));
  port.postMessage({ id: 0, value: { horizon: index.plan.horizon } } satisfies PeggingReply);
  port.on('message', (question: PeggingQuestion) => {
    try {
      const value =
        question.kind === 'order'
          ? peggingOfOrder(index, question.order)
          : peggingOfDemand(index, question.demand, question.limit);
      port.postMessage({ id: question.id, value: value ?? null } satisfies PeggingReply);
    } catch (error) {
      port.postMessage({
        id: question.id,
        bug: String((error as Error).stack ?? error),
      } satisfies PeggingReply);
    }
  });
} catch (error) {
  port.postMessage({ id: 0, bug: String((error as Error).stack ?? error) } satisfies PeggingReply);
}
