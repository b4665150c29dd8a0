/**
 * @module random
 * A small seeded pseudo-random number generator for everything in keten that must be reproducible:
 * synthetic networks, Monte Carlo runs, property tests. Never `Math.random`: the same seed gives the
 * same sequence on every machine and every run.
 *
 * The generator is xoshiro128** 1.1 by David Blackman and Sebastiano Vigna
 * (https://prng.di.unimi.it/xoshiro128starstar.c, public domain): 128 bits of state, period 2^128 − 1,
 * 32-bit outputs, all in 32-bit integer arithmetic (`Math.imul`, shifts), so it is exact in JavaScript.
 * Its state is filled from the seed with splitmix32 (Sebastiano Vigna's SplitMix finalizer with the
 * 32-bit constants of Chris Wellons' hash-prospector, as published in
 * https://github.com/bryc/code/blob/master/jshash/PRNGs.md), because xoshiro must not start from an
 * all-zero state and neighbouring seeds must give unrelated streams.
 *
 * @example
 * const random = createRandom(7);
 * random.integer(1, 6); // a die roll, the same one for seed 7 every time
 */

/** A reproducible stream of random numbers. */
export interface Random {
  /** The next 32-bit unsigned integer. */
  uint32(): number;
  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A whole number in [minimum, maximum], both included. */
  integer(minimum: number, maximum: number): number;
  /** A float in [minimum, maximum). */
  between(minimum: number, maximum: number): number;
  /** A float in [minimum, maximum) whose logarithm is uniform: for quantities spanning decades. */
  logBetween(minimum: number, maximum: number): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T;
  /** An index drawn with probability proportional to its weight (weights ≥ 0, not all 0). */
  weighted(weights: readonly number[]): number;
  /** A normally distributed number (Box–Muller transform). */
  normal(mean: number, standardDeviation: number): number;
  /** Shuffles `list` in place (Fisher–Yates) and returns it. */
  shuffle<T>(list: T[]): T[];
  /**
   * An independent stream derived from this one. Give each phase of a computation its own fork, so
   * that a change in how many numbers one phase draws does not shift every later phase.
   */
  fork(): Random;
}

/** splitmix32: one step of the seeding sequence (see the module header for its source). */
function splitmix32(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) | 0;
  let mixed = next ^ (next >>> 16);
  mixed = Math.imul(mixed, 0x21f0aaad);
  mixed ^= mixed >>> 15;
  mixed = Math.imul(mixed, 0x735a2d97);
  mixed ^= mixed >>> 15;
  return { state: next, value: mixed >>> 0 };
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

const TWO_TO_THE_32 = 4_294_967_296;

/**
 * A generator for `seed`, which may be any safe integer (its high and low 32 bits both count).
 * Throws a RangeError for anything else: a seed is a programmer's input, not a user's file.
 */
export function createRandom(seed: number): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_TO_THE_32) >>> 0;
  let seeder = splitmix32(low ^ Math.imul(high, 0x85ebca6b));
  const words: number[] = [];
  for (let index = 0; index < 4; index += 1) {
    seeder = splitmix32(seeder.state ^ (index === 1 ? high : 0));
    words.push(seeder.value);
  }
  return fromState(words[0]!, words[1]!, words[2]!, words[3]!);
}

/**
 * A generator started from an explicit xoshiro128** state of four 32-bit words, for checking against
 * the reference implementation's test vectors. Use `createRandom` everywhere else.
 */
export function randomFromState(state: readonly [number, number, number, number]): Random {
  return fromState(state[0], state[1], state[2], state[3]);
}

function fromState(a: number, b: number, c: number, d: number): Random {
  // xoshiro forbids the all-zero state; splitmix32 never yields it for four words, but a fork could.
  let s0 = a | 0;
  let s1 = b | 0;
  let s2 = c | 0;
  let s3 = (a | b | c | d) === 0 ? 1 : d | 0;

  const uint32 = (): number => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9);
    const shifted = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= shifted;
    s3 = rotateLeft(s3, 11);
    return result >>> 0;
  };
  const next = (): number => uint32() / TWO_TO_THE_32;

  const random: Random = {
    uint32,
    next,
    integer(minimum, maximum) {
      return minimum + Math.floor(next() * (maximum - minimum + 1));
    },
    between(minimum, maximum) {
      return minimum + next() * (maximum - minimum);
    },
    logBetween(minimum, maximum) {
      return minimum * (maximum / minimum) ** next();
    },
    chance(probability) {
      return next() < probability;
    },
    pick(list) {
      if (list.length === 0) throw new RangeError('cannot pick from an empty list');
      return list[Math.floor(next() * list.length)]!;
    },
    weighted(weights) {
      let total = 0;
      for (const weight of weights) total += weight;
      if (!(total > 0)) throw new RangeError('weights must not all be zero');
      let target = next() * total;
      for (let index = 0; index < weights.length; index += 1) {
        target -= weights[index]!;
        if (target < 0) return index;
      }
      // Rounding can leave target at a hair above zero: fall back to the last positive weight.
      for (let index = weights.length - 1; index >= 0; index -= 1) if (weights[index]! > 0) return index;
      return weights.length - 1;
    },
    normal(mean, standardDeviation) {
      // Box–Muller (Box & Muller 1958, Ann. Math. Statist. 29(2)); 1 − u keeps the logarithm finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      return mean + standardDeviation * radius * Math.cos(2 * Math.PI * next());
    },
    shuffle(list) {
      for (let index = list.length - 1; index > 0; index -= 1) {
        const other = Math.floor(next() * (index + 1));
        const value = list[index]!;
        list[index] = list[other]!;
        list[other] = value;
      }
      return list;
    },
    fork() {
      return fromState(uint32(), uint32(), uint32(), uint32());
    },
  };
  return random;
}
