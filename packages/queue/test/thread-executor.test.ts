/** Workers on simulation threads (`threadExecutor`) over the in-process queue: same bytes, jobs after jobs. */
import { simulate } from '@keten/core';
import { describe, expect, it } from 'vitest';
import {
  InMemorySimulationQueue,
  serveSimulationTasks,
  simulateOnQueue,
  threadExecutor,
} from '../src/index.ts';
import { network, scenario } from './contract.ts';

describe('threadExecutor', () => {
  it('gives the local result on 2 threads, for one job after another (threads rebound to the new job)', async () => {
    const queue = new InMemorySimulationQueue();
    const executor = threadExecutor(2);
    const stop = new AbortController();
    const serving = serveSimulationTasks(queue, {
      threads: 2,
      execute: executor.execute,
      signal: stop.signal,
    });
    try {
      for (const seed of [3, 4]) {
        const result = await simulateOnQueue(queue, network, scenario, { runs: 30, seed, runsPerTask: 4 });
        expect(JSON.stringify(result)).toBe(JSON.stringify(simulate(network, scenario, { runs: 30, seed })));
      }
    } finally {
      stop.abort();
      await serving;
      await executor.close();
    }
  });
});
