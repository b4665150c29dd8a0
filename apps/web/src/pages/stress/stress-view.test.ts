import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  closestToBreaking,
  infiniteLevel,
  labelReach,
  rankedCompanies,
  type StressJson,
  ttsTtrChart,
  weakSpots,
} from './stress-view.ts';

function result(companies: StressJson['companies']): StressJson {
  return {
    network: 'demo',
    period: 'week',
    currency: 'EUR',
    disruption: 'site',
    capacity: 'normal',
    baseline: { tts: null, losses: [{ ttr: 4, loss: 0 }] },
    companies,
    model: { columns: 10, rows: 5, nonZeros: 20 },
    solves: 4,
    reused: 0,
    warnings: [],
  };
}

const base = { tier: 1, lostDemand: [] } as const;

describe('the stress view', () => {
  const sample = result([
    { ...base, company: 'c', name: 'C', ttr: 4, tts: null, loss: 0, rei: 0, rank: 3, flagged: false },
    { ...base, company: 'a', name: 'A', ttr: 4, tts: 1.5, loss: 900, rei: 1, rank: 1, flagged: true },
    { ...base, company: 'b', name: 'B', ttr: 6, tts: 7, loss: 300, rei: 1 / 3, rank: 2, flagged: false },
  ]);

  it('ranks companies and keeps only those whose failure costs something as weak spots', () => {
    expect(rankedCompanies(sample).map((company) => company.company)).toEqual(['a', 'b', 'c']);
    expect(weakSpots(sample).map((company) => company.company)).toEqual(['a', 'b']);
  });

  it('names the unflagged companies with the least time to spare, not those that survive indefinitely', () => {
    const more = result([
      ...sample.companies,
      { ...base, company: 'd', name: 'D', ttr: 4, tts: 9.5, loss: 0, rei: 0, rank: 4, flagged: false },
      { ...base, company: 'e', name: 'E', ttr: 4, tts: 30, loss: 0, rei: 0, rank: 5, flagged: false },
    ]);
    // B spares 1 week, D 5.5, E 26; A is flagged, C survives indefinitely.
    expect(closestToBreaking(more).map((company) => company.company)).toEqual(['b', 'd', 'e']);
    expect(closestToBreaking(more, 1).map((company) => company.company)).toEqual(['b']);
  });

  it('draws TTS bars (red when TTS < TTR, ∞ at the top) and TTR markers per company', () => {
    const option = ttsTtrChart(sample);
    const [bars, markers] = option.series as [
      { data: { value: number; itemStyle: { color: string }; label: { show: boolean } }[] },
      { data: number[] },
    ];
    expect((option.xAxis as { data: string[] }).data).toEqual(['A', 'B', 'C']);
    expect(bars.data.map((bar) => bar.value)).toEqual([1.5, 7, 8]);
    expect(bars.data[0]!.itemStyle.color).toBe('#a4161a');
    expect(bars.data[1]!.itemStyle.color).not.toBe('#a4161a');
    expect(bars.data[2]!.label.show).toBe(true);
    expect(markers.data).toEqual([4, 6, 4]);
    expect((option.yAxis as { name: string }).name).toBe('weeks');
  });

  it("leaves room on the left for the first company's rotated name", () => {
    const named = result(
      ['steinhof-optics GmbH & Co. KG', 'B'].map((name, index) => ({
        ...sample.companies[0]!,
        company: `c${index}`,
        name,
        rank: index + 1,
      })),
    );
    const left = (ttsTtrChart(named).grid as { left: number }).left;
    // 29 characters at 7 px, cut to 150 px, at 40°: 115 px to the left, plus the line's 9 px.
    expect(left).toBe(labelReach('steinhof-optics GmbH & Co. KG'));
    expect(left).toBeGreaterThanOrEqual(Math.ceil(150 * Math.cos((40 * Math.PI) / 180)));
    expect(labelReach('A')).toBe(16);
  });

  it('keeps the limit of companies', () => {
    const many = result(
      Array.from({ length: 30 }, (_, index) => ({
        ...base,
        company: `c${index}`,
        name: `C${index}`,
        ttr: 4,
        tts: index,
        loss: 30 - index,
        rei: (30 - index) / 30,
        rank: index + 1,
        flagged: index < 4,
      })),
    );
    expect((ttsTtrChart(many, 20).xAxis as { data: string[] }).data).toHaveLength(20);
  });

  it('puts the ∞ level above every finite value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true })), (values) => {
        const level = infiniteLevel(values);
        for (const value of values) expect(level).toBeGreaterThan(value);
        expect(level).toBeGreaterThan(1);
      }),
    );
  });
});
