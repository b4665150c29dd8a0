import { describe, expect, it } from 'vitest';
import type { CompanyStress, StressResult } from './stress.ts';
import { formatStressSummary, stressJson } from './stress-report.ts';

const company = (entry: Partial<CompanyStress> & Pick<CompanyStress, 'company' | 'rank'>): CompanyStress => ({
  name: entry.company,
  ttr: 2,
  tts: Infinity,
  loss: 0,
  rei: 0,
  flagged: false,
  lostDemand: [],
  ...entry,
});

const result: StressResult = {
  network: 'stress-test',
  period: 'week',
  currency: 'EUR',
  disruption: 'site',
  capacity: 'normal',
  baseline: { tts: Infinity, losses: [{ ttr: 2, loss: 0 }] },
  companies: [
    company({
      company: 'plant',
      rank: 1,
      tier: 0,
      tts: 0,
      loss: 1_400_000,
      rei: 1,
      flagged: true,
      lostDemand: [
        { company: 'plant', item: 'p1', units: 150 },
        { company: 'plant', item: 'p2', units: 100 },
        { company: 'plant', item: 'p3', units: 1 },
      ],
    }),
    company({
      company: 's3',
      rank: 2,
      tier: 1,
      tts: 0.9,
      loss: 275_000,
      rei: 11 / 56,
      flagged: true,
      lostDemand: [{ company: 'plant', item: 'p1', units: 55 }],
    }),
    company({ company: 's1', rank: 3, tier: 1, tts: 2.25 }),
    company({ company: 'loner', rank: 4 }),
  ],
  model: { columns: 15, rows: 19, nonZeros: 40 },
  solves: 10,
  reused: 0,
  warnings: [],
};

describe('formatStressSummary', () => {
  it('prints the assumptions, the undisrupted network and the ranked table', () => {
    expect(formatStressSummary(result)).toBe(
      [
        "Stress test of 'stress-test': 4 companies, each down for its time to recover (2 weeks); a company down makes, ships and sells nothing, others work to normal capacity.",
        'Undisrupted, the network meets end demand indefinitely.',
        '2 companies run out before recovering (TTS < TTR); 2 companies would cost end demand when down.',
        '',
        'rank  company  tier  TTR   TTS           loss    REI  flag       end demand lost',
        '   1  plant       0    2     0  1,400,000 EUR  1.000  TTS < TTR  150 p1 at plant, 100 p2 at plant, …',
        '   2  s3          1    2   0.9    275,000 EUR  0.196  TTS < TTR  55 p1 at plant',
        '   3  s1          1    2  2.25          0 EUR  0.000',
        '   4  loner       -    2     ∞          0 EUR  0.000',
        '',
      ].join('\n'),
    );
  });

  it('counts the companies beyond the limit, and says when the network cannot keep up undisrupted', () => {
    const text = formatStressSummary(
      {
        ...result,
        period: 'day',
        capacity: 'maximum',
        disruption: 'production',
        baseline: {
          tts: 3,
          losses: [
            { ttr: 2, loss: 0 },
            { ttr: 4, loss: 200 },
          ],
        },
        warnings: ['1 end demand has neither lossPerUnit nor price: a unit lost counts as a loss of 1'],
      },
      { limit: 2 },
    );
    expect(text).toContain('(2 days); a company down makes nothing, others work to maximum capacity.');
    expect(text).toContain(
      'Undisrupted, the network meets end demand for 3 days, then falls short (some capacity is below mean demand); ' +
        'it loses 200 EUR in 4 days, and each loss below is what a disruption adds to that.',
    );
    expect(text).toContain('… and 2 more companies (0 with a loss)');
    expect(text).not.toContain('loner');
    expect(text).toMatch(/\n\nNote: 1 end demand has neither lossPerUnit nor price/);
  });
});

describe('stressJson', () => {
  it('writes an infinite TTS as null and survives JSON.stringify unchanged otherwise', () => {
    const json = JSON.parse(JSON.stringify(stressJson(result)));
    expect(json.baseline.tts).toBeNull();
    expect(json.companies.map((entry: { tts: number | null }) => entry.tts)).toEqual([0, 0.9, 2.25, null]);
    expect(json.companies[1]).toEqual({ ...result.companies[1] });
    expect(json.model).toEqual(result.model);
  });
});
