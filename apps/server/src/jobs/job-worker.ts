/**
 * @module jobs/job-worker
 * The body of a job worker thread (`job-thread.ts` starts it): runs one stress test or sourcing
 * comparison with core, exactly as `keten stress-test --json` and `keten sourcing --json` do, posting
 * progress as it goes and the result as the JSON the CLI prints (parsed back, so the main thread gets
 * plain data). Expected failures (an unknown buyer, a solver that fails) are posted as values with
 * their reason; anything else as a bug with its stack.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compareSourcing, optimiseSourcing, stressJson, stressTest } from '@keten/core';
import { createHighsSolver, createHighsThreadSolver } from '@keten/solver';
import type { JobTask, JobThreadMessage } from './job-thread.ts';

const port = parentPort;
if (port === null) throw new Error('job-worker.ts runs in a worker thread');
const post = (message: JobThreadMessage) => port.postMessage(message);
const progress = (done: number, total: number) => post({ type: 'progress', done, total });
/** The CLI's `JSON.stringify(value, null, 2)`, as data. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

async function run(task: JobTask): Promise<void> {
  switch (task.kind) {
    case 'stress-test': {
      const { network, threads, ...options } = task;
      const solver = threads > 1 ? createHighsThreadSolver({ threads }) : createHighsSolver();
      try {
        const result = await stressTest(network, {
          ...options,
          solver,
          concurrency: threads,
          onProgress: progress,
        });
        if (!result.ok)
          return post({ type: 'failed', reason: result.error.reason, message: result.error.message });
        return post({ type: 'done', result: asJson(stressJson(result.value)) });
      } finally {
        if ('close' in solver) await solver.close();
        else solver.dispose();
      }
    }
    case 'sourcing': {
      const { network, optimise, step, maxSources, ...question } = task;
      const result = optimise
        ? optimiseSourcing(network, {
            ...question,
            ...(step === undefined ? {} : { step }),
            ...(maxSources === undefined ? {} : { maxSources }),
            onProgress: progress,
          })
        : compareSourcing(network, { ...question, onProgress: progress });
      if (!result.ok)
        return post({ type: 'failed', reason: result.error.reason, message: result.error.message });
      return post({ type: 'done', result: asJson(result.value) });
    }
  }
}

run(workerData as JobTask).catch((error: unknown) => {
  const bug = error instanceof Error ? error : new Error(String(error));
  post({ type: 'bug', message: bug.message, ...(bug.stack === undefined ? {} : { stack: bug.stack }) });
});
