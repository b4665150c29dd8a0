import type { Scenario, SimulationResult } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { compareResults, eventWindows, fillRateChart, lowestCash, ordersChart } from './simulation-view.ts';

const metric = (mean: number | null) => ({
  mean,
  p5: mean === null ? null : mean * 0.9,
  p95: mean === null ? null : mean * 1.1,
});
const metrics = (fill: number, cash: number) => ({
  fillRate: metric(fill),
  backorders: metric(3),
  inventory: metric(40),
  bullwhip: metric(2),
  lostRevenue: metric(1000),
  cashLowPoint: metric(cash),
  bankruptcies: metric(0),
  timeToRecover: metric(4),
  cost: metric(500),
});

function result(fill = 0.9): SimulationResult {
  return {
    scenario: 's',
    networkName: 'n',
    seed: 1,
    periods: 4,
    warmUp: 0,
    runs: [0, 1],
    network: metrics(fill, -50),
    tiers: [
      { tier: 1, companies: 2, metrics: metrics(0.8, 10) },
      { tier: 0, companies: 1, metrics: metrics(0.95, 20) },
    ],
    companies: [
      { id: 'a', tier: 0, metrics: metrics(0.9, 5) },
      { id: 'b', tier: 1, metrics: metrics(0.9, -20) },
      { id: 'c', tier: 1, metrics: { ...metrics(0.9, 0), cashLowPoint: metric(null) } },
    ],
    series: [
      {
        tier: 1,
        demand: [1, 2, 3, 4],
        orders: [2, 3, 4, 5],
        inventory: [9, 8, 7, 6],
        backorders: [0, 0, 1, 0],
      },
      {
        tier: 0,
        demand: [1, 1, 1, 1],
        orders: [1, 2, 1, 2],
        inventory: [5, 5, 5, 5],
        backorders: [0, 0, 0, 0],
      },
      {
        tier: null,
        demand: [1, 1, 1.004, 1],
        orders: [3, 5, 5, 7],
        inventory: [14, 13, 12, 11],
        backorders: [0, 0, 1, 0],
      },
    ],
  };
}

describe('the simulation view', () => {
  it('draws end-customer demand and each tier’s orders, tiers in order, with the events shaded', () => {
    const scenario = {
      format: 'keten.scenario/v1',
      name: 's',
      events: [
        { type: 'supplier-failure', company: 'b', from: 1, duration: 2 },
        { type: 'region-capacity', region: 'ASIA', from: 2, factor: 0.5 },
        { type: 'bankruptcy', company: 'c', at: 3 },
        { type: 'lane-delay', supplier: 'b', buyer: 'a', from: 9, to: 12, extraLeadTime: 1 },
      ],
    } as Scenario;
    const option = ordersChart(result(), scenario, 'week');
    const series = option.series as { name: string; data: number[]; markArea?: { data: unknown[] } }[];
    expect(series.map((entry) => entry.name)).toEqual([
      'end-customer demand',
      'orders of tier 0',
      'orders of tier 1',
    ]);
    expect(series[0]!.data).toEqual([1, 1, 1, 1]);
    expect(series[2]!.data).toEqual([2, 3, 4, 5]);
    // The lane delay starts after the last period: not drawn.
    expect(series[0]!.markArea!.data).toHaveLength(3);
    expect(eventWindows(scenario, 4)).toEqual([
      { from: 1, to: 3, label: 'supplier-failure b' },
      { from: 2, to: 4, label: 'region-capacity ASIA' },
      { from: 3, to: 4, label: 'c bankrupt' },
    ]);
  });

  it('shows fill rates in % per tier and for end customers', () => {
    const series = fillRateChart(result()).series as { data: (number | null)[] }[];
    expect(series[0]!.data).toEqual([95, 80, 90]);
    expect(series[1]!.data).toEqual([85.5, 72, 81]);
  });

  it('lists the lowest cash low points first, leaving out companies without one', () => {
    expect(lowestCash(result()).map((entry) => entry.id)).toEqual(['b', 'a']);
  });

  it('compares two results metric by metric, naming the better side', () => {
    const rows = compareResults(result(0.7), result(0.9));
    expect(rows).toHaveLength(9);
    expect(rows[0]).toMatchObject({ metric: 'fillRate', better: 'b' });
    expect(rows.find((row) => row.metric === 'cost')!.better).toBeUndefined();
  });
});
