import { createMemoryStore } from '@keten/core';
import { describeStoreContract } from './contract.ts';

describeStoreContract('in-memory (core)', async () => ({
  open: async (_name, clock) => createMemoryStore(clock),
}));
