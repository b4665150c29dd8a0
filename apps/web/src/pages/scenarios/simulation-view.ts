/**
 * @module pages/scenarios/simulation-view
 * A simulation's result (`keten simulate --json`, the simulate job's result; docs/simulation.md,
 * Metrics) as the scenario studio plots it: orders placed per tier against end-customer demand over
 * the periods (the bullwhip, with the scenario's events shaded), stock per tier, fill rate per tier
 * and the network (mean, 5–95 % over runs), the lowest cash low points, and two results side by
 * side. Pure: ECharts options and table rows, no DOM.
 */
import type { MetricName, Scenario, SimulationResult } from '@keten/core';
import type { ChartOption } from '../../components/chart.tsx';

type MetricSummary = {
  readonly mean: number | null;
  readonly p5: number | null;
  readonly p95: number | null;
};

const INK = '#16202c';
/** Tier colours, distinguishable and dark enough for lines on white. */
const TIER_COLOURS = ['#1f56c2', '#b3401a', '#2a7a3b', '#7a3fa0', '#8a6d00', '#0f6f7a', '#a4161a'];

export function tierColour(tier: number): string {
  return TIER_COLOURS[tier % TIER_COLOURS.length]!;
}

/** The shaded windows of a scenario's events: `[from, to)` in periods, with a label. */
export function eventWindows(
  scenario: Scenario | undefined,
  periods: number,
): { readonly from: number; readonly to: number; readonly label: string }[] {
  const windows: { from: number; to: number; label: string }[] = [];
  for (const event of scenario?.events ?? []) {
    const fields = event as unknown as Record<string, number | string | undefined>;
    if (event.type === 'bankruptcy') {
      windows.push({ from: event.at, to: periods, label: `${event.company} bankrupt` });
      continue;
    }
    const from = fields.from as number;
    const to =
      typeof fields.to === 'number'
        ? fields.to
        : typeof fields.duration === 'number'
          ? from + fields.duration
          : periods;
    const who =
      event.type === 'region-capacity'
        ? event.region
        : event.type === 'lane-delay'
          ? `${event.supplier}→${event.buyer}`
          : (fields.company as string);
    windows.push({ from, to: Math.min(to, periods), label: `${event.type} ${who}` });
  }
  return windows.filter((window) => window.from < periods && window.to > window.from);
}

function periodAxis(result: SimulationResult, period: 'day' | 'week'): NonNullable<ChartOption['xAxis']> {
  return {
    type: 'category',
    name: period,
    nameLocation: 'middle',
    nameGap: 28,
    data: Array.from({ length: result.periods }, (_, index) => String(index)),
    axisLabel: { color: INK },
    nameTextStyle: { color: INK },
  };
}

function valueAxis(name: string) {
  return { type: 'value' as const, name, axisLabel: { color: INK }, nameTextStyle: { color: INK } };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** The network's row and the tiers' rows of the series, tiers ascending. */
function rows(result: SimulationResult) {
  const network = result.series.find((row) => row.tier === null);
  const tiers = result.series
    .filter((row): row is typeof row & { tier: number } => row.tier !== null)
    .sort((a, b) => a.tier - b.tier);
  return { network, tiers };
}

/**
 * Orders placed per tier against end-customer demand, per period, in end-demand units (the series'
 * unit: docs/simulation.md). Amplification upstream is the bullwhip. Event windows are shaded.
 */
export function ordersChart(
  result: SimulationResult,
  scenario: Scenario | undefined,
  period: 'day' | 'week',
): ChartOption {
  const { network, tiers } = rows(result);
  const windows = eventWindows(scenario, result.periods);
  return {
    animation: false,
    grid: { left: 16, right: 24, top: 56, bottom: 36, containLabel: true },
    legend: { top: 4, textStyle: { color: INK } },
    tooltip: { trigger: 'axis' },
    xAxis: periodAxis(result, period),
    yAxis: valueAxis(`units/${period}`),
    series: [
      {
        name: 'end-customer demand',
        type: 'line',
        showSymbol: false,
        lineStyle: { width: 3, color: INK },
        itemStyle: { color: INK },
        data: (network?.demand ?? []).map(round),
        markArea: {
          silent: true,
          itemStyle: { color: 'rgba(164, 22, 26, 0.08)' },
          // Labels of overlapping windows would overprint each other: the tooltip names them.
          label: { show: false },
          data: windows.map((window) => [
            { name: window.label, xAxis: String(window.from) },
            { xAxis: String(Math.max(window.from, window.to - 1)) },
          ]),
        },
      },
      ...tiers.map((row) => ({
        name: `orders of tier ${row.tier}`,
        type: 'line' as const,
        showSymbol: false,
        lineStyle: { width: 1.5, color: tierColour(row.tier) },
        itemStyle: { color: tierColour(row.tier) },
        data: row.orders.map(round),
      })),
    ],
  };
}

/** Stock on hand per tier, per period (units of the tier's items added as they are). */
export function inventoryChart(result: SimulationResult, period: 'day' | 'week'): ChartOption {
  const { tiers } = rows(result);
  return {
    animation: false,
    grid: { left: 16, right: 24, top: 56, bottom: 36, containLabel: true },
    legend: { top: 4, textStyle: { color: INK } },
    tooltip: { trigger: 'axis' },
    xAxis: periodAxis(result, period),
    yAxis: valueAxis('units on hand'),
    series: tiers.map((row) => ({
      name: `tier ${row.tier}`,
      type: 'line' as const,
      showSymbol: false,
      lineStyle: { color: tierColour(row.tier) },
      itemStyle: { color: tierColour(row.tier) },
      data: row.inventory.map(round),
    })),
  };
}

/** Fill rate per tier and for end customers: the mean over runs (bar) and the 5th and 95th percentiles. */
export function fillRateChart(result: SimulationResult): ChartOption {
  const entries = [
    ...[...result.tiers]
      .sort((a, b) => a.tier - b.tier)
      .map((tier) => ({ label: `tier ${tier.tier}`, metric: tier.metrics.fillRate })),
    { label: 'end customers', metric: result.network.fillRate },
  ];
  const percent = (value: number | null) => (value === null ? null : round(value * 100));
  return {
    animation: false,
    grid: { left: 16, right: 24, top: 48, bottom: 16, containLabel: true },
    legend: { top: 4, textStyle: { color: INK } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: entries.map((entry) => entry.label), axisLabel: { color: INK } },
    yAxis: { ...valueAxis('fill rate, %'), min: 0, max: 100 },
    series: [
      {
        name: 'mean',
        type: 'bar',
        barMaxWidth: 40,
        itemStyle: { color: '#1f56c2' },
        data: entries.map((entry) => percent(entry.metric.mean)),
      },
      {
        name: '5th percentile',
        type: 'scatter',
        symbol: 'triangle',
        itemStyle: { color: '#a4161a' },
        data: entries.map((entry) => percent(entry.metric.p5)),
      },
      {
        name: '95th percentile',
        type: 'scatter',
        symbol: 'diamond',
        itemStyle: { color: INK },
        data: entries.map((entry) => percent(entry.metric.p95)),
      },
    ],
  };
}

/** The `limit` companies with the lowest mean cash low point, lowest first. */
export function lowestCash(
  result: SimulationResult,
  limit = 10,
): { readonly id: string; readonly tier: number | null; readonly cash: MetricSummary }[] {
  return result.companies
    .filter((company) => company.metrics.cashLowPoint.mean !== null)
    .map((company) => ({ id: company.id, tier: company.tier, cash: company.metrics.cashLowPoint }))
    .sort((a, b) => (a.cash.mean as number) - (b.cash.mean as number) || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/** The lowest cash low points as bars (below zero: the company needed credit). */
export function cashChart(
  result: SimulationResult,
  currency: string,
  names: ReadonlyMap<string, string>,
): ChartOption {
  const lowest = lowestCash(result);
  return {
    animation: false,
    grid: { left: 16, right: 32, top: 24, bottom: 16, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', name: currency, axisLabel: { color: INK }, nameTextStyle: { color: INK } },
    yAxis: {
      type: 'category',
      inverse: true,
      data: lowest.map((entry) => names.get(entry.id) ?? entry.id),
      axisLabel: { color: INK, width: 180, overflow: 'truncate' },
    },
    series: [
      {
        name: 'cash low point (mean)',
        type: 'bar',
        barMaxWidth: 22,
        data: lowest.map((entry) => ({
          value: round(entry.cash.mean as number),
          itemStyle: { color: (entry.cash.mean as number) < 0 ? '#a4161a' : '#2a7a3b' },
        })),
      },
    ],
  };
}

/** How a metric is shown: its unit. */
export type MetricUnit = 'share' | 'units' | 'ratio' | 'money' | 'count' | 'periods';

export const METRIC_ROWS: readonly {
  readonly metric: MetricName;
  readonly label: string;
  readonly unit: MetricUnit;
  readonly better: 'higher' | 'lower';
}[] = [
  { metric: 'fillRate', label: 'Fill rate (end customers)', unit: 'share', better: 'higher' },
  { metric: 'backorders', label: 'Backorders (end customers, mean)', unit: 'units', better: 'lower' },
  { metric: 'inventory', label: 'Stock on hand (all companies, mean)', unit: 'units', better: 'lower' },
  { metric: 'bullwhip', label: 'Bullwhip ratio (largest tier)', unit: 'ratio', better: 'lower' },
  { metric: 'lostRevenue', label: 'Lost revenue', unit: 'money', better: 'lower' },
  { metric: 'cashLowPoint', label: 'Cash low point (network)', unit: 'money', better: 'higher' },
  { metric: 'bankruptcies', label: 'Bankruptcies', unit: 'count', better: 'lower' },
  { metric: 'timeToRecover', label: 'Time to recover (end customers)', unit: 'periods', better: 'lower' },
  { metric: 'cost', label: 'Holding and backlog cost', unit: 'money', better: 'lower' },
];

export interface ComparedMetric {
  readonly metric: MetricName;
  readonly label: string;
  readonly unit: MetricUnit;
  readonly a: MetricSummary;
  readonly b: MetricSummary;
  /** Which side does better on the mean; undefined when equal or unknown. */
  readonly better: 'a' | 'b' | undefined;
}

/** The network's metrics of two results side by side, with the side that does better. */
export function compareResults(a: SimulationResult, b: SimulationResult): ComparedMetric[] {
  return METRIC_ROWS.map((row) => {
    const left = a.network[row.metric];
    const right = b.network[row.metric];
    let better: 'a' | 'b' | undefined;
    if (left.mean !== null && right.mean !== null && left.mean !== right.mean) {
      const higherWins = row.better === 'higher';
      better = left.mean > right.mean === higherWins ? 'a' : 'b';
    }
    return { metric: row.metric, label: row.label, unit: row.unit, a: left, b: right, better };
  });
}
