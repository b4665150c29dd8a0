/**
 * @module planning/logged-cells
 * Values by position, most of them one usual value, kept compactly for a kept run's dirty log and
 * checkpoints (docs/planning.md, "A kept run's checkpoint arena, measured and made smaller"): only
 * the values that are not usual are stored, with a bit per position and a running count per 32
 * positions, so that any position is read in constant time. Their arrays come from the run's arenas.
 */
import type { Arena } from './arena.ts';

/**
 * Values by position, written in rising order a period at a time (`putReversed`) and then read in any
 * order (`get`), of which most are one value (`usual`): only the others are kept, in order, with a
 * bit per position and per 32 positions the count of values kept before them. The dirty log's pending
 * quantities (at 60,000 companies 12% of starts and 23% of shipments are not 0) and ratios (30% not
 * 1) took 500 MB of fresh memory dense, some 150 MB so.
 */
export class LoggedCells {
  readonly bits: Int32Array;
  readonly before: Int32Array;
  readonly values: Float64Array;
  count = 0;
  /** Words of `bits` whose `before` is set. */
  counted = 0;
  /** `kept`: room for that many values (by default one per position). */
  constructor(
    positions: number,
    readonly usual: number,
    arena: Arena,
    kept = positions,
  ) {
    const words = Math.ceil(positions / 32);
    this.bits = arena.i32(words);
    this.before = arena.i32(words);
    // Taken whole, touched only as far as it is used (arena.ts).
    this.values = arena.f64(kept);
  }
  /**
   * `source`'s values by position (`source[i]` at `i`), in arrays from `arena` of the size they need.
   * Exact to the bit: a value is kept unless it is `usual` itself (−0 is kept where `usual` is 0).
   */
  static of(source: Float64Array, usual: number, arena: Arena): LoggedCells {
    const inverse = 1 / usual;
    // Room for every value (the checkpoint arena is sized for it, `checkpointBytes`; only what is
    // written is touched), filled in one pass without a branch on which are kept (as `putReversed`):
    // two passes with one, a count and a copy, were some 40 ms a checkpoint at 60,000 companies.
    const cells = new LoggedCells(source.length, usual, arena);
    const { bits, before, values } = cells;
    let k = 0;
    for (let word = 0; word < bits.length; word++) {
      before[word] = k;
      let set = 0;
      const end = Math.min(source.length, (word + 1) << 5);
      for (let i = word << 5; i < end; i++) {
        const value = source[i]!;
        values[k] = value;
        // Kept unless it is `usual` itself (the second test tells −0 from 0).
        const kept = +(value !== usual) | +(1 / value !== inverse);
        set |= kept << (i & 31);
        k += kept;
      }
      bits[word] = set;
    }
    cells.count = k;
    cells.counted = bits.length;
    return cells;
  }
  /** A copy in arrays from `arena`. */
  copy(arena: Arena): LoggedCells {
    const copy = new LoggedCells(this.bits.length << 5, this.usual, arena, this.count);
    copy.bits.set(this.bits);
    copy.before.set(this.before);
    copy.values.set(this.values.subarray(0, this.count));
    copy.count = this.count;
    copy.counted = this.counted;
    return copy;
  }
  /** Every position's value from 0 into `target` (as long as the positions), when all were put. */
  readInto(target: Float64Array): void {
    const { bits, values, usual } = this;
    let k = 0;
    for (let i = 0; i < target.length; i++)
      target[i] = (bits[i >> 5]! & (1 << (i & 31))) === 0 ? usual : values[k++]!;
  }
  /**
   * Puts `source` last to first at `first` on (`source[source.length - 1]` at `first`), after what
   * was put before it. Without a branch on whether a value is kept (which of them are has no pattern
   * a processor could predict): each is written at the end of `values` and counted when it is not
   * `usual`, so the next is written over it when it is.
   */
  putReversed(first: number, source: Float64Array): void {
    const usual = this.usual;
    const { values, bits, before } = this;
    let count = this.count;
    let counted = this.counted;
    let position = first;
    const end = first + source.length;
    let from = source.length - 1;
    while (position < end) {
      const word = position >> 5;
      while (counted <= word) before[counted++] = count;
      const stop = Math.min(end, (word + 1) << 5);
      let set = bits[word]!;
      for (; position < stop; position++, from--) {
        const value = source[from]!;
        values[count] = value;
        const kept = +(value !== usual);
        set |= kept << (position & 31);
        count += kept;
      }
      bits[word] = set;
    }
    this.count = count;
    this.counted = counted;
  }
  /** Keeps `value` at `position` (the usual value too), after the positions put before it. */
  put(position: number, value: number): void {
    const word = position >> 5;
    while (this.counted <= word) this.before[this.counted++] = this.count;
    this.bits[word]! |= 1 << (position & 31);
    this.values[this.count++] = value;
  }
  /** Whether a value is kept at `position`. */
  has(position: number): boolean {
    return (this.bits[position >> 5]! & (1 << (position & 31))) !== 0;
  }
  get(position: number): number {
    const bits = this.bits[position >> 5]!;
    const bit = 1 << (position & 31);
    if ((bits & bit) === 0) return this.usual;
    return this.values[this.before[position >> 5]! + bitCount(bits & (bit - 1))]!;
  }
}

/**
 * What each node waits to start (or arc to ship) after catching up in a period, by position as
 * `after`: what it waited after the period before (`after`, `stride` positions back; nothing before
 * the first, as a full pass 2 from period 0 starts) unless its catching up wrote it (`noted`, put as
 * the pass steps the nodes). At 60,000 companies catching up writes in 5% of node steps: logged
 * whole a period at a time, the two were 40% of what the log wrote.
 */
export class CaughtCells {
  readonly noted: LoggedCells;
  constructor(
    readonly after: LoggedCells,
    readonly stride: number,
    arena: Arena,
  ) {
    this.noted = new LoggedCells(after.values.length, after.usual, arena);
  }
  put(position: number, value: number): void {
    this.noted.put(position, value);
  }
  get(position: number): number {
    if (this.noted.has(position)) return this.noted.get(position);
    return position >= this.stride ? this.after.get(position - this.stride) : 0;
  }
}

/**
 * Values by position, put in rising order (`put`) and read in any order (`get`), most of them exact as
 * 32-bit floats: those are kept so, the others whole (`wide`; `narrow` holds NaN there). At 60,000
 * companies 82 % of the dirty log's stocks are (most are whole numbers): as doubles they were 116 MB
 * of fresh memory, the largest part of a kept run's checkpoint arena; so 58 MB and 24 MB.
 */
export class NarrowCells {
  readonly narrow: Float32Array;
  readonly wide: LoggedCells;
  constructor(positions: number, arena: Arena) {
    this.narrow = arena.f32(positions);
    // (Its usual value is never asked for: a position is read from it only where one was put.)
    this.wide = new LoggedCells(positions, 0, arena);
  }
  put(position: number, value: number): void {
    if (Math.fround(value) === value) this.narrow[position] = value;
    else {
      this.narrow[position] = NaN;
      this.wide.put(position, value);
    }
  }
  get(position: number): number {
    const value = this.narrow[position]!;
    return Number.isNaN(value) ? this.wide.get(position) : value;
  }
}

/** The number of bits set in a 32-bit word (Hacker's Delight, 2nd ed., section 5-1). */
export function bitCount(word: number): number {
  let x = word - ((word >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
