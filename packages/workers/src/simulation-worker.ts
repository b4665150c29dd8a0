/**
 * @module simulation-worker
 * The body of one simulation worker thread (started by `simulateInWorkers` through `worker-entry.js`).
 * It compiles the model itself from the network and scenario it was started with, answers the layout
 * of its results, then simulates each batch of run indexes it is sent and answers the runs, their
 * arrays transferred, not copied.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { compileSimulation, type RunResult, simulateRuns } from '@keten/core';
import type { ToMain, ToWorker, WorkerSetup } from './protocol.ts';

const port = parentPort;
if (port === null) throw new Error('simulation-worker.ts runs only as a worker thread');

const send = (message: ToMain, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

try {
  const { network, scenario, seed } = workerData as WorkerSetup;
  const model = compileSimulation(network, scenario);
  send({
    type: 'ready',
    layout: {
      scenario: model.scenario,
      network: model.network,
      periods: model.periods,
      warmUp: model.warmUp,
      companyIds: model.companyIds,
      companyTier: model.companyTier,
      tiers: model.tiers,
    },
  });
  port.on('message', (message: ToWorker) => {
    try {
      const results: RunResult[] = simulateRuns(model, seed, message.runs);
      const buffers = results.flatMap((result) => [
        result.values.buffer as ArrayBuffer,
        result.series.buffer as ArrayBuffer,
      ]);
      send({ type: 'results', results }, buffers);
    } catch (error) {
      send(failure(error));
    }
  });
} catch (error) {
  send(failure(error));
}

function failure(error: unknown): ToMain {
  return {
    type: 'failed',
    message: error instanceof Error ? error.message : String(error),
    ...(error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {}),
  };
}
