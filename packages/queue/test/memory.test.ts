/** The simulation queue contract over the in-process queue (always runs, no server needed). */
import { InMemorySimulationQueue } from '../src/index.ts';
import { describeQueueContract } from './contract.ts';

describeQueueContract('in-process', async () => {
  const queues = new Map<string, InMemorySimulationQueue>();
  return {
    open: async (name, settings = {}) => {
      let queue = queues.get(name);
      if (queue === undefined) {
        queue = new InMemorySimulationQueue(settings);
        queues.set(name, queue);
      }
      return queue;
    },
  };
});
