import { setSharedChunkBudget } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { boundThreadChunks, THREAD_CHUNK_CEILING, threadChunkBudget } from './chunk-budget.ts';

describe('threadChunkBudget', () => {
  it('is the machine, at most 24 GiB', () => {
    expect(threadChunkBudget(16 * 1024 ** 3)).toBe(16 * 1024 ** 3);
    expect(threadChunkBudget(6 * 1024 ** 3)).toBe(6 * 1024 ** 3);
    expect(threadChunkBudget(64 * 1024 ** 3)).toBe(24 * 1024 ** 3);
    expect(THREAD_CHUNK_CEILING).toBe(24 * 1024 ** 3);
  });

  it('sets the budget of the thread it runs in', () => {
    boundThreadChunks();
    const set = setSharedChunkBudget(12 * 1024 ** 3);
    expect(set).toBe(threadChunkBudget());
  });
});
