import { describe, expect, it } from 'vitest';
import { Arena } from './arena.ts';

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
});
