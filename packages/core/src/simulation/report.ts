/**
 * @module simulation/report
 * What a planner reads first of a simulation, as text for a terminal: the network's fill rate,
 * backorders, lost revenue and time to recover; fill rate and the bullwhip ratio per tier; the weakest
 * companies; bankruptcies; cash low points. Every figure is the mean over runs with its 5th and 95th
 * percentiles. Pure: `keten simulate` decides where the text goes.
 */
import type { Network } from '../model/schema.ts';
import { textTable } from '../text-table.ts';
import type { MetricSummary } from './metrics.ts';
import type { SimulationResult } from './simulate.ts';

export interface FormatSimulationOptions {
  /**
   * The network simulated: its currency, and which companies have a `cash` balance (only those can
   * go bankrupt, so only their cash low points are listed).
   */
  readonly network?: Network;
  /** At most this many weak companies (default 10). */
  readonly limit?: number;
}

/**
 * The simulation as text.
 *
 * @example console.log(formatSimulationSummary(simulate(network, scenario, { runs: 100 }), { network }));
 */
export function formatSimulationSummary(
  result: SimulationResult,
  options: FormatSimulationOptions = {},
): string {
  const currency = options.network?.currency ?? 'EUR';
  const limit = Math.max(1, options.limit ?? 10);
  const runs = result.runs.length;
  const measured = result.warmUp > 0 ? `, the first ${result.warmUp} left out of the metrics` : '';
  const lines = [
    `Simulation of '${result.scenario}' on '${result.networkName}': ${count(runs, 'run')} of ${count(result.periods, 'period')}${measured} (seed ${result.seed}).`,
    runs === 1
      ? 'One run: give --runs N (or runs: in the scenario) for means and 5th/95th percentiles.'
      : 'Each figure is the mean over runs, with the 5th and 95th percentiles in brackets.',
    '',
    'Network (end customers):',
  ];
  const network = result.network;
  const rows: [string, string][] = [
    ['fill rate', spread(network.fillRate, percent)],
    ['backorders', `${spread(network.backorders, number)} units owed, on average per period`],
    ['lost revenue', `${spread(network.lostRevenue, money)} ${currency}`],
    [
      'time to recover',
      `${spread(network.timeToRecover, number)} periods (the longest stretch with end customers waiting)`,
    ],
    ['bankruptcies', `${spread(network.bankruptcies, number)} companies`],
    ['cash low point', `${spread(network.cashLowPoint, money)} ${currency} (all companies' cash together)`],
  ];
  for (const [name, value] of rows) lines.push(`  ${name.padEnd(16)}${value}`);

  lines.push('', 'By tier (0 sells to end customers):');
  lines.push(
    ...indent(
      textTable(
        ['tier', 'companies', 'fill rate', 'bullwhip', 'backorders', 'time to recover', 'bankruptcies'],
        result.tiers.map((tier) => [
          String(tier.tier),
          String(tier.companies),
          spread(tier.metrics.fillRate, percent),
          spread(tier.metrics.bullwhip, number),
          mean(tier.metrics.backorders, number),
          mean(tier.metrics.timeToRecover, number),
          mean(tier.metrics.bankruptcies, number),
        ]),
        new Set([0, 1, 2, 3, 4, 5, 6]),
      ),
    ),
    '  bullwhip: Var(the tier’s orders) / Var(end-customer demand), in end-product units; above 1, orders swing more than demand.',
  );

  const weak = weakCompanies(result).slice(0, limit);
  lines.push('', `Weakest companies (lowest fill rate to their customers first, ${weak.length} shown):`);
  if (weak.length === 0)
    lines.push('  none: every company ships what it is asked in the period it is asked.');
  else {
    lines.push(
      ...indent(
        textTable(
          ['company', 'tier', 'fill rate', 'time to recover', 'backorders', `lost revenue (${currency})`],
          weak.map((company) => [
            company.id,
            company.tier === null ? '-' : String(company.tier),
            spread(company.metrics.fillRate, percent),
            mean(company.metrics.timeToRecover, number),
            mean(company.metrics.backorders, number),
            mean(company.metrics.lostRevenue, money),
          ]),
          new Set([1, 2, 3, 4, 5]),
        ),
      ),
    );
  }

  const bankrupt = result.companies.filter((company) => (company.metrics.bankruptcies.mean ?? 0) > 0);
  lines.push('');
  if (bankrupt.length === 0) lines.push('Bankruptcies: none, in any run.');
  else {
    bankrupt.sort(
      (a, b) => b.metrics.bankruptcies.mean! - a.metrics.bankruptcies.mean! || a.id.localeCompare(b.id),
    );
    lines.push(
      `Bankruptcies: ${count(bankrupt.length, 'company goes', 'companies go')} bankrupt in some runs: ` +
        bankrupt
          .map((company) => `${company.id} (${percent(company.metrics.bankruptcies.mean!)} of runs)`)
          .join(', '),
    );
  }

  lines.push(...cashLines(result, options.network, currency));
  return `${lines.join('\n')}\n`;
}

/** Companies with customers (a fill rate), lowest mean fill rate first, then the longer time to recover. */
export function weakCompanies(result: SimulationResult): SimulationResult['companies'] {
  return result.companies
    .filter((company) => company.metrics.fillRate.mean !== null && company.metrics.fillRate.mean < 1 - 1e-9)
    .sort(
      (a, b) =>
        a.metrics.fillRate.mean! - b.metrics.fillRate.mean! ||
        (b.metrics.timeToRecover.mean ?? 0) - (a.metrics.timeToRecover.mean ?? 0) ||
        a.id.localeCompare(b.id),
    );
}

/** The companies with a cash balance in the network, lowest cash low point (5th percentile) first. */
export function cashLowPoints(result: SimulationResult, network?: Network): SimulationResult['companies'] {
  const tracked =
    network === undefined
      ? undefined
      : new Set(network.companies.filter((c) => c.cash !== undefined).map((c) => c.id));
  return result.companies
    .filter((company) => company.metrics.cashLowPoint.p5 !== null && (tracked?.has(company.id) ?? true))
    .sort((a, b) => a.metrics.cashLowPoint.p5! - b.metrics.cashLowPoint.p5! || a.id.localeCompare(b.id));
}

function cashLines(result: SimulationResult, network: Network | undefined, currency: string): string[] {
  const lowest = cashLowPoints(result, network);
  if (lowest.length === 0) return [];
  const negative = lowest.filter((company) => company.metrics.cashLowPoint.p5! < 0);
  const shown = (negative.length > 0 ? negative : lowest).slice(0, 5);
  const head =
    negative.length > 0
      ? `Cash low points: ${count(negative.length, 'company runs', 'companies run')} out of cash in at least 5 % of runs (credit lines not counted):`
      : 'Cash low points: no company runs out of cash in 95 % of runs; the lowest:';
  return [
    '',
    head,
    ...shown.map((company) => `  ${company.id}: ${spread(company.metrics.cashLowPoint, money)} ${currency}`),
  ];
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/** `mean [p5 – p95]`, or `-` when no run defines the metric. */
function spread(metric: MetricSummary, format: (value: number) => string): string {
  if (metric.mean === null || metric.p5 === null || metric.p95 === null) return '-';
  if (format(metric.p5) === format(metric.p95)) return format(metric.mean);
  return `${format(metric.mean)} [${format(metric.p5)} – ${format(metric.p95)}]`;
}

function mean(metric: MetricSummary, format: (value: number) => string): string {
  return metric.mean === null ? '-' : format(metric.mean);
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function number(value: number): string {
  return NUMBER.format(Math.abs(value) < 0.05 ? 0 : value);
}

function money(value: number): string {
  return MONEY.format(Math.abs(value) < 0.5 ? 0 : value);
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function count(value: number, one: string, many = `${one}s`): string {
  return `${NUMBER.format(value)} ${value === 1 ? one : many}`;
}
