import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Arena } from './arena.ts';
import { bitCount, LoggedCells, NarrowCells } from './logged-cells.ts';

/** Doubles a plan's state holds, and the ones that are easy to get wrong: −0, NaN, the infinities. */
const value = (usual: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(usual) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(0, -0, 1, Number.NaN, Number.POSITIVE_INFINITY, -Number.MAX_VALUE),
    },
    { weight: 3, arbitrary: fc.double() },
    { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  );

const usualAndValues = fc
  .constantFrom(0, 1)
  .chain((usual) => fc.tuple(fc.constant(usual), fc.array(value(usual), { maxLength: 200 })));

describe('LoggedCells', () => {
  it('keeps every value of a source that is not its usual one, to the bit (−0 apart from 0)', () => {
    fc.assert(
      fc.property(usualAndValues, ([usual, values]) => {
        const source = Float64Array.from(values);
        const cells = LoggedCells.of(source, usual, new Arena());
        const read = new Float64Array(source.length);
        cells.readInto(read);
        for (let i = 0; i < source.length; i++) {
          expect(Object.is(read[i], source[i])).toBe(true);
          expect(Object.is(cells.get(i), source[i])).toBe(true);
          expect(cells.has(i)).toBe(!Object.is(source[i], usual));
        }
        // Only what is not usual is kept, and a copy reads the same.
        expect(cells.count).toBe(values.filter((entry) => !Object.is(entry, usual)).length);
        const copy = cells.copy(new Arena());
        for (let i = 0; i < source.length; i++) expect(Object.is(copy.get(i), source[i])).toBe(true);
      }),
    );
  });

  it('reads back what was put period by period, last to first (putReversed) or one at a time (put)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 6 }),
        fc.infiniteStream(fc.double({ noNaN: true })),
        (usual, width, periods, stream) => {
          const cells = new LoggedCells(width * periods, usual, new Arena());
          const put: number[] = [];
          for (let t = 0; t < periods; t++) {
            // Half of a period's values the usual one, as in a plan.
            const source = Float64Array.from({ length: width }, () => {
              const next = stream.next().value;
              return next > 0 ? usual : next;
            });
            cells.putReversed(t * width, source);
            for (let k = width - 1; k >= 0; k--) put.push(source[k]!);
          }
          // putReversed compares with `!==`: a −0 put where 0 is usual reads back as 0.
          for (const [position, expected] of put.entries())
            expect(cells.get(position) === expected).toBe(true);
          const one = new LoggedCells(put.length, usual, new Arena());
          for (const [position, entry] of put.entries()) one.put(position, entry);
          for (const [position, expected] of put.entries())
            expect(Object.is(one.get(position), expected)).toBe(true);
        },
      ),
    );
  });
});

describe('NarrowCells', () => {
  it('reads back every value put, exact to the bit, whether or not a 32-bit float holds it', () => {
    fc.assert(
      fc.property(fc.array(value(0), { minLength: 1, maxLength: 200 }), (values) => {
        const cells = new NarrowCells(values.length, new Arena());
        for (const [position, entry] of values.entries()) cells.put(position, entry);
        for (const [position, entry] of values.entries())
          expect(Object.is(cells.get(position), entry)).toBe(true);
      }),
    );
  });
});

describe('bitCount', () => {
  it('counts the bits set in a 32-bit word', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (word) => {
        let naive = 0;
        for (let bit = 0; bit < 32; bit++) if ((word >>> bit) & 1) naive++;
        expect(bitCount(word)).toBe(naive);
      }),
    );
  });
});
