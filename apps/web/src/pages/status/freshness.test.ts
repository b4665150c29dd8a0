import { describe, expect, it } from 'vitest';
import { ago, markChanges, rowSignature } from './freshness.ts';

interface Row {
  readonly company: string;
  readonly short: number;
}
const key = (row: Row) => row.company;

describe('freshness', () => {
  it('marks new and changed rows with the time, keeps the time of unchanged ones, forgets rows gone', () => {
    const first = markChanges<Row>(
      undefined,
      [
        { company: 'a', short: 0 },
        { company: 'b', short: 1 },
      ],
      key,
      new Map(),
      1000,
    );
    expect([...first.changedAt]).toEqual([]);
    const second = markChanges<Row>(
      first.signatures,
      [
        { company: 'a', short: 2 },
        { company: 'b', short: 1 },
        { company: 'c', short: 0 },
      ],
      key,
      first.changedAt,
      2000,
    );
    expect(Object.fromEntries(second.changedAt)).toEqual({ a: 2000, c: 2000 });
    const third = markChanges<Row>(
      second.signatures,
      [{ company: 'a', short: 2 }],
      key,
      second.changedAt,
      9000,
    );
    expect(Object.fromEntries(third.changedAt)).toEqual({ a: 2000 });
    expect(third.signatures.get('a')).toBe(rowSignature({ company: 'a', short: 2 }));
  });

  it('says how long ago in words', () => {
    expect(ago(0, 9_000)).toBe('just now');
    expect(ago(0, 12_000)).toBe('12 s ago');
    expect(ago(0, 180_000)).toBe('3 min ago');
    expect(ago(0, 2 * 3_600_000)).toBe('2 h ago');
    expect(ago(5_000, 0)).toBe('just now');
  });
});
