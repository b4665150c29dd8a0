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

  it('collects once the thread made enough shared chunks since, though its heap did not grow', () => {
    let made = 0;
    const idle = new IdleCollector(() => made, 64 * 1024 * 1024);
    idle.collectIfGrown();
    expect(idle.collectIfGrown()).toBeUndefined();
    // A re-plan's arrays: shared chunks, not heap. Short of the growth: no collection.
    made += 63 * 1024 * 1024;
    expect(idle.collectIfGrown()).toBeUndefined();
    made += 1024 * 1024;
    expect(idle.collectIfGrown()).toBeDefined();
    // Counted from the collection on, not from the start.
    made += 32 * 1024 * 1024;
    expect(idle.collectIfGrown()).toBeUndefined();
  });
});
