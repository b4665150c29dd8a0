import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Arena, setSharedChunkBudget, sharedChunkBytes, sharedChunkBytesMade } from './arena.ts';

describe('Arena', () => {
  it('hands out zeroed, aligned, non-overlapping arrays', () => {
    const arena = new Arena(64);
    const bytes = arena.u8(3);
    const doubles = arena.f64(2);
    const ints = arena.i32(5);
    expect(doubles.byteOffset % 8).toBe(0);
    bytes.fill(255);
    doubles.fill(1.5);
    ints.fill(-1);
    expect([...bytes]).toEqual([255, 255, 255]);
    expect([...doubles]).toEqual([1.5, 1.5]);
    expect([...ints]).toEqual([-1, -1, -1, -1, -1]);
  });

  it('starts a new chunk when one is full, and gives larger arrays a chunk of their own', () => {
    const arena = new Arena(32, 64);
    const a = arena.f64(3);
    const b = arena.f64(3);
    const c = arena.f64(8);
    const big = arena.f64(100);
    expect(b.buffer).not.toBe(a.buffer);
    expect(b.buffer.byteLength).toBe(64); // twice the first chunk
    expect(c.buffer.byteLength).toBe(64); // no larger than the largest
    expect(big.length).toBe(100);
    expect(big.buffer.byteLength).toBe(800);
    a.fill(1);
    expect([...b]).toEqual([0, 0, 0]);
  });

  it('takes a sized arena in one chunk, above 512 MB too, and at once when reserved', () => {
    const reserved = Arena.sized(3 * 1024 * 1024).reserve();
    const small = reserved.f64(10);
    const rest = reserved.f64((3 * 1024 * 1024) / 8 - 10);
    expect(small.buffer.byteLength).toBe(3 * 1024 * 1024);
    expect(rest.buffer).toBe(small.buffer);
    expect(rest.byteOffset).toBe(80);
    // Address space only: nothing of it is written.
    const large = Arena.sized(600 * 1024 * 1024);
    expect(large.u8(1).buffer.byteLength).toBe(600 * 1024 * 1024);
    // Reserving twice takes no second chunk.
    const twice = new Arena(64).reserve().reserve();
    expect(twice.f64(8).buffer.byteLength).toBe(64);
  });

  it('hands a chunk given back to the next arena that takes a spare of its size, zeroed where taken', () => {
    const bytes = 16 * 1024 * 1024;
    const first = Arena.sized(bytes, true).reserve();
    const written = first.f64(bytes / 8);
    written.fill(7);
    first.giveBack();
    // An arena that does not take spares, or one far smaller, gets a chunk of its own.
    expect(Arena.sized(bytes).f64(1).buffer).not.toBe(written.buffer);
    expect(Arena.sized(1024 * 1024, true).f64(1).buffer).not.toBe(written.buffer);
    const second = Arena.sized(bytes, true).reserve();
    const ints = second.i32(4);
    const doubles = second.f64(3);
    expect(ints.buffer).toBe(written.buffer);
    // Thirteen bytes: eight zeroed as a double, five one by one.
    const odd = second.u8(13);
    const after = second.u8(3);
    expect([...ints]).toEqual([0, 0, 0, 0]);
    expect([...doubles]).toEqual([0, 0, 0]);
    expect([...odd]).toEqual(new Array(13).fill(0));
    expect([...after]).toEqual([0, 0, 0]);
    // What was not taken again still holds the old values (only what is handed out is zeroed).
    expect(written[bytes / 8 - 1]).toBe(7);
    // Taken once: a third arena gets a fresh chunk.
    expect(Arena.sized(bytes, true).reserve().f64(1).buffer).not.toBe(written.buffer);
  });

  it('makes large chunks shared array buffers within the budget, plain ones beyond it and for small chunks', () => {
    const bytes = 16 * 1024 * 1024;
    const small = Arena.sized(1024 * 1024).f64(1);
    expect(small.buffer).toBeInstanceOf(ArrayBuffer);
    const before = sharedChunkBytes();
    const madeBefore = sharedChunkBytesMade();
    const budget = setSharedChunkBudget(before + bytes);
    try {
      const shared = Arena.sized(bytes).f64(bytes / 8);
      expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(sharedChunkBytes()).toBe(before + bytes);
      // Used as any other: written, read, zeroed where nothing was written.
      shared[3] = 2.5;
      expect(shared[3]).toBe(2.5);
      expect(shared[4]).toBe(0);
      // The budget is spent: the next large chunk is a plain array buffer, which V8 counts.
      const plain = Arena.sized(bytes).f64(1);
      expect(plain.buffer).toBeInstanceOf(ArrayBuffer);
      expect(sharedChunkBytes()).toBe(before + bytes);
      // Shared chunks made are counted whether collected or not, plain ones never.
      expect(sharedChunkBytesMade()).toBe(madeBefore + bytes);
    } finally {
      setSharedChunkBudget(budget);
    }
  });

  it('counts a shared chunk out of the budget once it is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const bytes = 16 * 1024 * 1024;
    const before = sharedChunkBytes();
    (() => {
      const dropped = Arena.sized(bytes).f64(1);
      expect(dropped.buffer).toBeInstanceOf(SharedArrayBuffer);
    })();
    expect(sharedChunkBytes()).toBe(before + bytes);
    for (let attempt = 0; attempt < 50 && sharedChunkBytes() > before; attempt++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Chunks earlier tests dropped may go too.
    expect(sharedChunkBytes()).toBeLessThanOrEqual(before);
  });
});
