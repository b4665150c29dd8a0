import { describe, expect, it } from 'vitest';
import { count, duration, money, periods, perPeriod, quantity, share, tierName } from './format.ts';

describe('every number with its unit', () => {
  it('formats quantities, shares, periods, money and counts', () => {
    expect(quantity(1234.5, 'pcs')).toBe('1,234.5 pcs');
    expect(share(0.7)).toBe('70 %');
    expect(share(1 / 3)).toBe('33.3 %');
    expect(periods(1, 'week')).toBe('1 week');
    expect(periods(3, 'day')).toBe('3 days');
    expect(money(12.5, 'EUR')).toBe('€12.50');
    expect(money(3, 'XXQ')).toMatch(/3.*XXQ|XXQ.*3/);
    expect(count(1, 'company', 'companies')).toBe('1 company');
    expect(count(60000, 'company', 'companies')).toBe('60,000 companies');
    expect(duration(850)).toBe('850 ms');
    expect(duration(1234)).toBe('1.2 s');
  });

  it('says a capacity per period, and its range when it varies', () => {
    expect(perPeriod(120, 'pcs', 'week')).toBe('120 pcs/week');
    expect(perPeriod([8, 8], 'kg', 'day')).toBe('8 kg/day');
    expect(perPeriod([8, 0, 8], 'pcs', 'week')).toBe('0–8 pcs/week (varies by week)');
  });

  it('names tiers', () => {
    expect(tierName(0)).toBe('tier 0 (sells to end customers)');
    expect(tierName(2)).toBe('tier 2');
    expect(tierName(null)).toBe('in no chain');
  });
});
