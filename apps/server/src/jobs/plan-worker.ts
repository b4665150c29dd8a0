/**
 * @module jobs/plan-worker
 * The body of a plan thread (`plan-thread.ts`): receives one network version in slices (`PlanPart`),
 * plans it for the plan views and the chain status (tens of seconds of CPU and gigabytes at 60,000
 * companies), keeps the plan, builds the indexes the first questions need when no question is
 * waiting (the questions that waited for the plan go first), and
 * answers questions about it (`PlanAnswers`), so the server's event loop never holds that work.
 */
import { parentPort } from 'node:worker_threads';
import { PLAN_QUESTIONS, PlanAnswers } from '../plan-answers.ts';
import type { PlanPart, PlanThreadQuestion, PlanThreadReply } from './plan-thread.ts';
import { addSlice } from './slices.ts';
import { boundThreadChunks, touchPagesAhead } from './thread-memory.ts';

boundThreadChunks();
touchPagesAhead();
const port = parentPort;
if (port === null) throw new Error('plan-worker.ts runs in a worker thread');
const post = (reply: PlanThreadReply) => port.postMessage(reply);
const known = new Set<string>(PLAN_QUESTIONS);
const network: Record<string, unknown> = {};
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
        const made = new PlanAnswers(
          { network: network as never, options: message.options, firstDues: message.firstDues },
          (step) => post({ type: 'step', step }),
        );
        answers = made;
        warmUp = made.warmUp();
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
