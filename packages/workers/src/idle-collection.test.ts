import { describe, expect, it } from 'vitest';
import { IdleCollector } from './idle-collection.ts';

describe('IdleCollector', () => {
  it('collects the garbage a piece of work left, and not again until the heap grew', () => {
    const idle = new IdleCollector();
    expect(idle.available).toBe(true);
    // Whatever the test runner left, as a start.
    idle.collectIfGrown();
    let garbage: { index: number; text: string }[] | undefined = Array.from(
      { length: 1_500_000 },
      (_, index) => ({
        index,
        text: `item-${index}`,
      }),
    );
    expect(garbage.length).toBe(1_500_000);
    garbage = undefined;
    const collected = idle.collectIfGrown();
    expect(collected).toBeDefined();
    expect(collected!.beforeMiB - collected!.afterMiB).toBeGreaterThan(32);
    expect(collected!.milliseconds).toBeGreaterThanOrEqual(0);
    // Nothing grew since: no second collection.
    expect(idle.collectIfGrown()).toBeUndefined();
  });
});
