/**
 * @module solver/highs-worker
 * The body of a `createHighsThreadSolver` worker thread: one `createHighsSolver`, the models the main
 * thread has sent (kept by number, so HiGHS keeps them loaded), and one reply per request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { err, type LpModel } from '@keten/core';
import { createHighsSolver, type HighsSolverOptions } from './highs.ts';
import type { SolveReply, SolveRequest } from './highs-threads.ts';

const port = parentPort;
if (port === null) throw new Error('highs-worker.ts runs as a worker thread');
const solver = createHighsSolver(workerData as HighsSolverOptions);
const models = new Map<number, LpModel>();

port.on('message', async (request: SolveRequest) => {
  if (request.data !== undefined) models.set(request.model, request.data);
  const model = models.get(request.model);
  const result =
    model === undefined
      ? err({
          reason: 'solver-failed' as const,
          message: `model ${request.model} was never sent to this worker`,
        })
      : await solver.solve(model, request.changes, request.limits);
  const reply: SolveReply = { id: request.id, result };
  const values = result.ok && result.value.status === 'optimal' ? [result.value.columnValues.buffer] : [];
  port.postMessage(reply, values as ArrayBuffer[]);
});
