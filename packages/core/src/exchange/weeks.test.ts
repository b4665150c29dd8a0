import { describe, expect, it } from 'vitest';
import { dateValue, periodOfDate } from './weeks.ts';

/** The reading as it was: a pattern, then Date's own check that nothing rolled over. */
function byDate(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) return Number.NaN;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const value = Date.UTC(year, month - 1, day);
  const check = new Date(value);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return Number.NaN;
  return value;
}

describe('dateValue', () => {
  it('reads every day of 1899-2101 and the texts around them as Date does', () => {
    const texts: string[] = [];
    for (let year = 1899; year <= 2101; year++)
      for (let month = 0; month <= 13; month++)
        for (let day = 0; day <= 32; day++)
          texts.push(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
    texts.push('0050-03-01', '0099-12-31', '0100-01-01', '2024-02-29 ', '2024-2-29', '2024/02/29');
    texts.push('２０２４-02-29', '2024-0a-01', '', '20240229', '+02024-02-2', '-2024-02-29');
    let dates = 0;
    // Twice: the second time from the cache.
    for (const round of [1, 2]) {
      for (const text of texts) {
        const expected = byDate(text);
        if (round === 1 && !Number.isNaN(expected)) dates += 1;
        expect(dateValue(text), text).toBe(expected);
      }
    }
    expect(dates).toBe(74_145);
  });

  it('maps dates to periods of a week network', () => {
    const network = { period: 'week' as const, start: '2026-11-30' };
    expect(periodOfDate(network, '2026-11-30')).toBe(0);
    expect(periodOfDate(network, '2026-12-13')).toBe(1);
    expect(periodOfDate(network, '2026-11-29')).toBe(-1);
    expect(periodOfDate(network, '2026-02-30')).toBeUndefined();
  });
});
