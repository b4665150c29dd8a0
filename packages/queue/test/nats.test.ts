/**
 * The simulation queue contract against a real NATS JetStream, when KETEN_TEST_NATS_URL is set (CI
 * sets it to nats://127.0.0.1:4222). Every queue has a name of its own, and its streams and object
 * store are deleted afterwards, so parallel runs do not meet.
 */
import { describe, it } from 'vitest';
import { connectNatsQueue } from '../src/index.ts';
import { describeQueueContract } from './contract.ts';

const url = process.env.KETEN_TEST_NATS_URL;

if (url === undefined || url === '') {
  describe('simulation queue contract: NATS JetStream', () => {
    it.skip('needs KETEN_TEST_NATS_URL', () => {});
  });
} else {
  const run = `t${process.pid}${Math.random().toString(36).slice(2, 6)}`;
  describeQueueContract(`NATS JetStream at ${url}`, async () => {
    const names = new Set<string>();
    return {
      open: async (name, settings = {}) => {
        names.add(`${run}_${name}`);
        return connectNatsQueue(url, { name: `${run}_${name}`, ...settings });
      },
      cleanup: async () => {
        for (const name of names) {
          const queue = await connectNatsQueue(url, { name });
          await queue.destroy();
          await queue.close();
        }
      },
    };
  });
}
