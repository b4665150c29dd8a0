/**
 * @module jobs/plan-worker
 * The body of a plan thread (`plan-thread.ts`): plans one network version for the plan views and the
 * chain status (tens of seconds of CPU and gigabytes at 60,000 companies), keeps the plan, and
 * answers questions about it (`PlanAnswers`), so the server's event loop never holds that work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PLAN_QUESTIONS, PlanAnswers, type PlanSetup } from '../plan-answers.ts';
import type { PlanThreadQuestion, PlanThreadReply } from './plan-thread.ts';

const port = parentPort;
if (port === null) throw new Error('plan-worker.ts runs in a worker thread');
const post = (reply: PlanThreadReply) => port.postMessage(reply);
const known = new Set<string>(PLAN_QUESTIONS);

try {
  const answers = new PlanAnswers(workerData as PlanSetup, (step) => post({ type: 'step', step }));
  post({ type: 'made', made: answers.made });
  port.on('message', ({ id, question, args }: PlanThreadQuestion) => {
    try {
      if (!known.has(question)) throw new Error(`no such question: ${question}`);
      const ask = answers[question] as (...values: unknown[]) => unknown;
      post({ type: 'answer', id, value: ask.apply(answers, [...args]) ?? null });
    } catch (error) {
      post({ type: 'bug', id, message: String((error as Error).stack ?? error) });
    }
  });
} catch (error) {
  post({ type: 'bug', id: 0, message: String((error as Error).stack ?? error) });
}
