import type { NetworkGraph, SourcingComparison } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { questionKey, scenarioLabel, sourcingQuestions, splitChart, splitRows } from './sourcing-view.ts';

// The graph of: oem buys bolt from a alone, frame from a (70 %) and b (30 %).
const network = {
  period: 'week',
  currency: 'EUR',
  items: [
    { id: 'frame', name: 'Frame', unit: 'pcs' },
    { id: 'bolt', name: 'Bolt', unit: 'pcs' },
  ],
  regions: ['EU'],
  companies: { id: ['oem', 'a', 'b'], name: ['OEM', 'Alpha', 'Beta'] },
  lanes: {
    supplier: [1, 1, 2],
    buyer: [0, 0, 0],
    item: [1, 0, 0],
    share: [1, 0.7, 0.3],
    mode: [0, 0, 0],
    leadTime: [1, 1, 2],
  },
} as unknown as NetworkGraph;

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
    expect(questions[0]!.suppliers).toEqual([
      { id: 'a', name: 'Alpha', share: 0.7 },
      { id: 'b', name: 'Beta', share: 0.3 },
    ]);
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
