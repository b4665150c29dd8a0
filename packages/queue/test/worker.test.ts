/** The worker loop when the queue is away for a moment: it tries again instead of stopping. */
import { simulate } from '@keten/core';
import { expect, it } from 'vitest';
import {
  decodeResultMessage,
  InMemorySimulationQueue,
  type SimulationQueue,
  serveSimulationTasks,
  simulateOnQueue,
} from '../src/index.ts';
import { network, scenario } from './contract.ts';

it('takes tasks again after the queue failed to answer', async () => {
  const queue = new InMemorySimulationQueue();
  let failures = 1;
  const nextTask: SimulationQueue['nextTask'] = (signal) => {
    if (failures-- > 0) return Promise.reject(new Error('connection reset'));
    return queue.nextTask(signal);
  };
  const flaky = new Proxy(queue, {
    get: (target, property) => {
      if (property === 'nextTask') return nextTask;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const warnings: string[] = [];
  const log = {
    debug: () => {},
    info: () => {},
    error: () => {},
    warn: (_: object, message: string) => warnings.push(message),
  };
  const stop = new AbortController();
  const serving = serveSimulationTasks(flaky, { signal: stop.signal, log });
  const result = await simulateOnQueue(queue, network, scenario, { runs: 6, seed: 2 });
  stop.abort();
  await serving;
  expect(JSON.stringify(result)).toBe(JSON.stringify(simulate(network, scenario, { runs: 6, seed: 2 })));
  expect(warnings).toEqual(['could not take a task, trying again in 1 s: connection reset']);
});

it('drains when aborted mid-task: the task in hand is finished and acknowledged, no new one is taken', async () => {
  const queue = new InMemorySimulationQueue({ ackWaitMs: 200 });
  const stop = new AbortController();
  let calls = 0;
  const serving = serveSimulationTasks(queue, {
    signal: stop.signal,
    execute: async (_job, _load, runs) => {
      calls += 1;
      stop.abort(); // the signal comes while this task is being worked on
      await new Promise((resolve) => setTimeout(resolve, 400)); // longer than the ack wait
      return runs.map((run) => ({ run, values: new Float64Array(1), series: new Float64Array(1) }));
    },
  });
  await queue.publishTasks([
    { job: 'j', runs: [0] },
    { job: 'j', runs: [1] },
  ]);
  await serving;
  expect(calls).toBe(1);
  // The first task is done (its results are there, it is not delivered again); the second still waits.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(queue.waitingTasks).toBe(1);
  const results: Uint8Array[] = [];
  const reading = new AbortController();
  const read = (async () => {
    for await (const message of queue.results('j', reading.signal)) results.push(message);
  })();
  await new Promise((resolve) => setTimeout(resolve, 50));
  reading.abort();
  await read;
  expect(results.map((message) => decodeResultMessage(message).type)).toContain('runs');
});
