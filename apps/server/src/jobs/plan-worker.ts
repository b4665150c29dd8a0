/**
 * @module jobs/plan-worker
 * The body of a plan thread (`plan-thread.ts`): receives one network version in slices (`PlanPart`),
 * plans it for the plan views and the chain status (tens of seconds of CPU and gigabytes at 60,000
 * companies), keeps the plan, builds the indexes the first questions need when no question is
 * waiting (the questions that waited for the plan go first), and
 * answers questions about it (`PlanAnswers`), so the server's event loop never holds that work.
 * When planning events move the network on, the thread is sent the network again and re-plans it
 * from the run it kept (`replanNetwork`), instead of a new thread planning it whole.
 */
import { parentPort } from 'node:worker_threads';
import { setPlanningClock } from '@keten/core';
import { PLAN_QUESTIONS, PlanAnswers } from '../plan-answers.ts';
import type { PlanPart, PlanThreadQuestion, PlanThreadReply } from './plan-thread.ts';
import { addSlice } from './slices.ts';
import { boundThreadChunks, collectWhileIdle, touchPagesAhead } from './thread-memory.ts';

boundThreadChunks();
touchPagesAhead();
// A re-plan's dirty-set pass that has run as long as pass 2 over every node gives up for it.
setPlanningClock(() => performance.now());
const port = parentPort;
if (port === null) throw new Error('plan-worker.ts runs in a worker thread');
const post = (reply: PlanThreadReply) => port.postMessage(reply);
const known = new Set<string>(PLAN_QUESTIONS);
/** The network being received (a new one for every setup). */
let network: Record<string, unknown> = {};
let answers: PlanAnswers | undefined;
/** Steps that build the indexes the first questions need, taken when no question came for `IDLE_MS`. */
let warmUp: (() => void)[] = [];
const IDLE_MS = 2_000;
let idle: NodeJS.Timeout | undefined;

/** Takes the next warm-up step once no question has come for a while (questions waiting go first). */
function whenIdle(): void {
  clearTimeout(idle);
  if (warmUp.length === 0) return;
  idle = setTimeout(() => {
    warmUp.shift()?.();
    whenIdle();
  }, IDLE_MS);
}

port.on('message', (message: PlanPart | PlanThreadQuestion) => {
  if (answers !== undefined && 'question' in message) return answer(answers, message);
  if (!('part' in message)) return;
  try {
    switch (message.part) {
      case 'value':
      case 'items':
        return addSlice(network, message);
      case 'setup': {
        const received = network;
        network = {};
        // The first plan is kept to re-plan from; each later one is re-planned from the one before.
        const before = answers;
        const made = new PlanAnswers(
          { network: received as never, options: message.options, firstDues: message.firstDues },
          (step) => post({ type: 'step', step }),
          { from: before?.run },
        );
        answers = made;
        // The plan it replaced is garbage now (some of it in shared chunks only a full collection
        // frees): collected first when the thread is idle.
        warmUp = before === undefined ? made.warmUp() : [collectWhileIdle, ...made.warmUp()];
        post({ type: 'made', made: made.made });
        whenIdle();
        return;
      }
    }
  } catch (error) {
    post({ type: 'bug', id: 0, message: String((error as Error).stack ?? error) });
  }
});

function answer(answers: PlanAnswers, { id, question, args }: PlanThreadQuestion): void {
  try {
    if (!known.has(question)) throw new Error(`no such question: ${question}`);
    const ask = answers[question] as (...values: unknown[]) => unknown;
    post({ type: 'answer', id, value: ask.apply(answers, [...args]) ?? null });
  } catch (error) {
    post({ type: 'bug', id, message: String((error as Error).stack ?? error) });
  }
  whenIdle();
}
