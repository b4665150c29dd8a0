import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, randomFromState } from './random.ts';

describe('xoshiro128**', () => {
  it('matches the reference C implementation (prng.di.unimi.it) from state 1, 2, 3, 4', () => {
    // Printed by the public-domain xoshiro128starstar.c compiled with gcc.
    const random = randomFromState([1, 2, 3, 4]);
    const values = Array.from({ length: 6 }, () => random.uint32());
    expect(values).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });
});

describe('createRandom', () => {
  it('gives the same sequence for the same seed and different ones for neighbouring seeds', () => {
    const draw = (seed: number) => {
      const random = createRandom(seed);
      return Array.from({ length: 8 }, () => random.uint32());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(0)).not.toEqual(draw(2 ** 32));
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => createRandom(1.5)).toThrow(RangeError);
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
  });

  it('keeps every draw inside its range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.nat(100), (seed, minimum, width) => {
        const random = createRandom(seed);
        for (let draw = 0; draw < 50; draw += 1) {
          const value = random.integer(minimum, minimum + width);
          expect(Number.isInteger(value) && value >= minimum && value <= minimum + width).toBe(true);
          const float = random.next();
          expect(float >= 0 && float < 1).toBe(true);
          expect(random.weighted([0, 2, 0, 1])).not.toBe(0);
        }
      }),
    );
  });

  it('draws roughly uniformly and normally', () => {
    const random = createRandom(42);
    const counts = [0, 0, 0, 0];
    let sum = 0;
    let sumOfSquares = 0;
    const draws = 40_000;
    for (let draw = 0; draw < draws; draw += 1) {
      counts[random.integer(0, 3)]! += 1;
      const value = random.normal(10, 2);
      sum += value;
      sumOfSquares += value * value;
    }
    for (const count of counts) expect(Math.abs(count - draws / 4)).toBeLessThan(draws * 0.02);
    const mean = sum / draws;
    expect(mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(sumOfSquares / draws - mean * mean)).toBeCloseTo(2, 1);
  });

  it('forks independent, reproducible streams', () => {
    const first = createRandom(3).fork();
    const second = createRandom(3).fork();
    expect(first.uint32()).toBe(second.uint32());
    const parent = createRandom(3);
    const child = parent.fork();
    expect(child.uint32()).not.toBe(parent.uint32());
  });
});
