import { setSharedChunkBudget } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { boundThreadChunks, threadChunkBudget } from './thread-memory.ts';

describe('threadChunkBudget', () => {
  it('is a third of the machine, at most 12 GiB', () => {
    expect(threadChunkBudget(24 * 1024 ** 3)).toBe(8 * 1024 ** 3);
    expect(threadChunkBudget(6 * 1024 ** 3)).toBe(2 * 1024 ** 3);
    expect(threadChunkBudget(64 * 1024 ** 3)).toBe(12 * 1024 ** 3);
  });

  it('sets the budget of the thread it runs in', () => {
    boundThreadChunks();
    const set = setSharedChunkBudget(12 * 1024 ** 3);
    expect(set).toBe(threadChunkBudget());
  });
});
