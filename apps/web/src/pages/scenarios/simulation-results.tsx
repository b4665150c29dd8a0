/**
 * @module pages/scenarios/simulation-results
 * One simulation's plots and figures (orders against demand per tier, stock per tier, fill rate,
 * lowest cash), and two simulations side by side with the network's metrics compared.
 */
import type { MetricName, Scenario, SimulationResult } from '@keten/core';
import { useMemo } from 'react';
import { Chart } from '../../components/chart.tsx';
import { count, money, periods, quantity, share } from '../../components/format.ts';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import {
  cashChart,
  compareResults,
  fillRateChart,
  inventoryChart,
  type MetricUnit,
  ordersChart,
} from './simulation-view.ts';

export interface SimulationRun {
  /** A number counting runs on this page. */
  readonly id: number;
  readonly scenario: Scenario;
  readonly result: SimulationResult;
}

export interface NetworkFacts {
  readonly currency: string;
  readonly period: 'day' | 'week';
  readonly names: ReadonlyMap<string, string>;
}

/** A metric's value with its unit. */
export function metricText(value: number | null, unit: MetricUnit, facts: NetworkFacts): string {
  if (value === null) return '–';
  switch (unit) {
    case 'share':
      return share(value);
    case 'units':
      return quantity(Math.round(value * 10) / 10, 'units');
    case 'ratio':
      return `${(Math.round(value * 100) / 100).toLocaleString('en-GB')} ×`;
    case 'money':
      return money(Math.round(value), facts.currency);
    case 'count':
      return count(Math.round(value * 100) / 100, 'company', 'companies');
    case 'periods':
      return periods(Math.round(value * 10) / 10, facts.period);
  }
}

/** `label` of a run, as lists and headings show it. */
export function runLabel(run: SimulationRun): string {
  return `#${run.id} ${run.scenario.name} (${count(run.result.runs.length, 'run')}, seed ${run.result.seed})`;
}

export function SimulationPlots({
  run,
  facts,
  compact = false,
}: {
  readonly run: SimulationRun;
  readonly facts: NetworkFacts;
  readonly compact?: boolean;
}) {
  const { result, scenario } = run;
  const orders = useMemo(() => ordersChart(result, scenario, facts.period), [result, scenario, facts.period]);
  const inventory = useMemo(() => inventoryChart(result, facts.period), [result, facts.period]);
  const fill = useMemo(() => fillRateChart(result), [result]);
  const cash = useMemo(() => cashChart(result, facts.currency, facts.names), [result, facts]);
  const network = result.network;
  const height = compact ? 260 : 320;
  return (
    <div className="simulation-plots" data-testid="simulation-plots">
      <p>
        End customers got <strong>{metricText(network.fillRate.mean, 'share', facts)}</strong> of their demand
        in the {facts.period} they asked (5–95 % over runs: {metricText(network.fillRate.p5, 'share', facts)}{' '}
        to {metricText(network.fillRate.p95, 'share', facts)}); lost revenue{' '}
        {metricText(network.lostRevenue.mean, 'money', facts)}; bullwhip up to{' '}
        {metricText(network.bullwhip.mean, 'ratio', facts)};{' '}
        {metricText(network.bankruptcies.mean, 'count', facts)} bankrupt on average.
      </p>
      <h3>Orders per tier against end-customer demand (the bullwhip)</h3>
      <p className="muted">
        In end-demand units per {facts.period}; the shaded windows are the scenario's events.
      </p>
      <Chart
        option={orders}
        height={height}
        testId="orders-chart"
        label={`Line chart over ${result.periods} ${facts.period}s: end-customer demand and the orders each tier places, in end-demand units per ${facts.period}; shaded windows are the scenario's events.`}
      />
      <h3>Stock on hand per tier</h3>
      <Chart
        option={inventory}
        height={height}
        testId="inventory-chart"
        label={`Line chart over ${result.periods} ${facts.period}s: units on hand per tier.`}
      />
      <div className="two-columns">
        <div>
          <h3>Fill rate per tier</h3>
          <Chart
            option={fill}
            height={260}
            testId="fill-chart"
            label="Bar chart: fill rate per tier and for end customers in %, with the 5th and 95th percentile over runs."
          />
        </div>
        <div>
          <h3>Lowest cash ({facts.currency})</h3>
          <Chart
            option={cash}
            height={260}
            testId="cash-chart"
            label={`Bar chart: the ten lowest cash low points per company in ${facts.currency}; red is below zero.`}
          />
        </div>
      </div>
      {compact ? null : <TierTable result={result} facts={facts} />}
    </div>
  );
}

const TIER_METRICS: readonly { metric: MetricName; label: string; unit: MetricUnit }[] = [
  { metric: 'fillRate', label: 'Fill rate', unit: 'share' },
  { metric: 'backorders', label: 'Backorders', unit: 'units' },
  { metric: 'inventory', label: 'Stock', unit: 'units' },
  { metric: 'bullwhip', label: 'Bullwhip', unit: 'ratio' },
  { metric: 'lostRevenue', label: 'Lost revenue', unit: 'money' },
  { metric: 'bankruptcies', label: 'Bankruptcies', unit: 'count' },
];

function TierTable({ result, facts }: { readonly result: SimulationResult; readonly facts: NetworkFacts }) {
  const tiers = [...result.tiers].sort((a, b) => a.tier - b.tier);
  return (
    <ScrollRegion label="Metrics per tier">
      <table>
        <caption>Per tier: mean over runs</caption>
        <thead>
          <tr>
            <th scope="col">Tier</th>
            <th scope="col" className="number">
              Companies
            </th>
            {TIER_METRICS.map((row) => (
              <th key={row.metric} scope="col" className="number">
                {row.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {tiers.map((tier) => (
            <tr key={tier.tier}>
              <th scope="row">tier {tier.tier}</th>
              <td className="number">{tier.companies}</td>
              {TIER_METRICS.map((row) => (
                <td key={row.metric} className="number">
                  {metricText(tier.metrics[row.metric].mean, row.unit, facts)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** Two runs side by side: the network's metrics compared, then each run's plots. */
export function Comparison({
  a,
  b,
  facts,
}: {
  readonly a: SimulationRun;
  readonly b: SimulationRun;
  readonly facts: NetworkFacts;
}) {
  const rows = useMemo(() => compareResults(a.result, b.result), [a, b]);
  return (
    <section aria-labelledby="comparison-title" data-testid="comparison">
      <h2 id="comparison-title">Side by side</h2>
      <ScrollRegion label="The two runs compared">
        <table>
          <caption className="visually-hidden">The network's metrics of the two runs (mean, 5–95 %)</caption>
          <thead>
            <tr>
              <th scope="col">Network</th>
              <th scope="col">A: {runLabel(a)}</th>
              <th scope="col">B: {runLabel(b)}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.metric}>
                <th scope="row">{row.label}</th>
                {(['a', 'b'] as const).map((side) => (
                  <td key={side}>
                    {metricText(row[side].mean, row.unit, facts)}{' '}
                    <span className="muted">
                      ({metricText(row[side].p5, row.unit, facts)} –{' '}
                      {metricText(row[side].p95, row.unit, facts)})
                    </span>
                    {row.better === side ? <span className="ok-badge"> better</span> : null}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <div className="two-columns">
        <div>
          <h3>A: {runLabel(a)}</h3>
          <SimulationPlots run={a} facts={facts} compact />
        </div>
        <div>
          <h3>B: {runLabel(b)}</h3>
          <SimulationPlots run={b} facts={facts} compact />
        </div>
      </div>
    </section>
  );
}
