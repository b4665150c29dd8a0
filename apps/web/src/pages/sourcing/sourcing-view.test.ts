import type { Network, SourcingComparison } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { questionKey, scenarioLabel, sourcingQuestions, splitChart, splitRows } from './sourcing-view.ts';

const network = {
  companies: [
    { id: 'oem', name: 'OEM' },
    { id: 'a', name: 'Alpha' },
    { id: 'b', name: 'Beta' },
  ],
  items: [
    { id: 'frame', name: 'Frame' },
    { id: 'bolt', name: 'Bolt' },
  ],
  sourcing: [
    { buyer: 'oem', item: 'bolt', suppliers: [{ supplier: 'a', share: 1, leadTime: 1 }] },
    {
      buyer: 'oem',
      item: 'frame',
      suppliers: [
        { supplier: 'a', share: 0.7, leadTime: 1 },
        { supplier: 'b', share: 0.3, leadTime: 2 },
      ],
    },
  ],
} as unknown as Network;

const outcome = (endFill: number, total: number) => ({
  scenario: 'a-12',
  holding: 1,
  late: 1,
  lostRevenue: 1,
  purchases: total - 3,
  total,
  buyerFill: endFill,
  endFill,
});

const comparison = {
  currency: 'EUR',
  minimumFill: 0.8,
  scenarios: [{ id: 'a-12', label: 'a down for 12 periods' }],
  splits: [
    {
      label: 'a 100',
      current: false,
      acceptable: false,
      expected: outcome(0.95, 300),
      worst: outcome(0.5, 400),
    },
    {
      label: 'a 70 / b 30',
      current: true,
      acceptable: true,
      expected: outcome(0.96, 280),
      worst: outcome(0.85, 350),
    },
    {
      label: 'b 70 / a 30',
      current: false,
      acceptable: true,
      expected: outcome(0.96, 250),
      worst: outcome(0.84, 330),
    },
  ],
  recommendation: { split: 'b 70 / a 30', acceptable: true, reason: 'cheapest acceptable' },
} as unknown as SourcingComparison;

describe('the sourcing view', () => {
  it('offers only buyer and item pairs with two or more approved suppliers', () => {
    const questions = sourcingQuestions(network);
    expect(questions).toHaveLength(1);
    expect(questions[0]).toMatchObject({ buyerName: 'OEM', itemName: 'Frame' });
    expect(questions[0]!.suppliers.map((supplier) => supplier.name)).toEqual(['Alpha', 'Beta']);
    expect(questionKey(questions[0]!)).toBe('oem frame');
  });

  it('marks the recommended split and prices each against the current one', () => {
    const rows = splitRows(comparison);
    expect(rows.map((row) => row.recommended)).toEqual([false, false, true]);
    expect(rows.map((row) => row.versusCurrent)).toEqual([20, 0, -30]);
    expect(scenarioLabel(comparison, 'a-12')).toBe('a down for 12 periods');
  });

  it('charts expected cost (red where the worst case fails) and worst-case fill in %', () => {
    const series = splitChart(comparison).series as {
      data: ({ value: number; itemStyle: { color: string } } | number)[];
    }[];
    const bars = series[0]!.data as { value: number; itemStyle: { color: string } }[];
    expect(bars.map((bar) => bar.value)).toEqual([300, 280, 250]);
    expect(bars[0]!.itemStyle.color).toBe('#a4161a');
    expect(series[1]!.data).toEqual([50, 85, 84]);
  });
});
