/** The worker loop when the queue is away for a moment: it tries again instead of stopping. */
import { simulate } from '@keten/core';
import { expect, it } from 'vitest';
import {
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
