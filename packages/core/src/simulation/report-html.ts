/**
 * @module simulation/report-html
 * A simulation as one self-contained HTML page people can mail around and open anywhere: the key
 * figures, orders against demand per tier over time (the bullwhip), the bullwhip ratio per tier,
 * inventories, backorders and fill rates, cash low points, every company in a table, and, when a
 * stress test is given, time-to-survive against time-to-recover per company. Charts are inline SVG
 * (`svg-charts.ts`): no script, no font and no stylesheet is fetched. The result itself is embedded as
 * JSON (`<script type="application/json" id="simulation-result">`) for whoever wants the numbers.
 * Pure and deterministic: the same result gives the same bytes.
 *
 * @example writeFile('report.html', simulationReportHtml(result, { network, scenario }));
 */
import type { StressResult } from '../decisions/stress.ts';
import type { Network } from '../model/schema.ts';
import type { MetricSummary } from './metrics.ts';
import { cashLowPoints, weakCompanies } from './report.ts';
import type { Scenario, ScenarioEvent } from './scenario.ts';
import type { SimulationResult } from './simulate.ts';
import { type Bar, barChart, escapeXml, type LineSeries, lineChart, PALETTE } from './svg-charts.ts';

export interface SimulationReportOptions {
  /** The network simulated: currency, company names, which companies hold cash. */
  readonly network?: Network;
  /** The scenario: its description and its events, shaded on the charts over time. */
  readonly scenario?: Scenario;
  /** A stress test of the same network: adds the time-to-survive / time-to-recover chart. */
  readonly stress?: StressResult;
  /** Cash low points and weak companies shown (default 15). */
  readonly limit?: number;
}

/** The report as one HTML document. */
export function simulationReportHtml(
  result: SimulationResult,
  options: SimulationReportOptions = {},
): string {
  const currency = options.network?.currency ?? 'EUR';
  const limit = Math.max(1, options.limit ?? 15);
  const windows = eventWindows(options.scenario?.events ?? [], result.periods);
  const tiers = result.series.filter((row) => row.tier !== null);
  const network = result.series.find((row) => row.tier === null);
  const sections: string[] = [];

  sections.push(
    section(
      'Orders against demand, per tier',
      'What each tier receives (demand) and what it orders from its suppliers, in end-product units, mean over runs. ' +
        'Orders that swing wider than the demand behind them are the bullwhip effect. Shaded: the scenario’s events.',
      tiers
        .map((row) =>
          lineChart({
            title: `Tier ${row.tier}${row.tier === 0 ? ' (sells to end customers)' : ''}`,
            yLabel: 'end-product units per period',
            series: [
              { name: 'demand received', values: row.demand, color: PALETTE[0]! },
              { name: 'orders placed', values: row.orders, color: PALETTE[1]! },
              ...(network === undefined
                ? []
                : [{ name: 'end-customer demand', values: network.demand, color: '#7f7f7f', dashed: true }]),
            ],
            windows,
          }),
        )
        .join(''),
    ),
  );

  const bullwhips = result.tiers.map((tier) => bar(`tier ${tier.tier}`, tier.metrics.bullwhip, number));
  const spread = bullwhips.flatMap((entry) => (entry.value !== null && entry.value > 0 ? [entry.value] : []));
  sections.push(
    section(
      'Bullwhip ratio per tier',
      'Var(orders placed by the tier) / Var(end-customer demand): 1 passes demand on as it is; more amplifies it. ' +
        'Bar: mean over runs; whiskers: 5th to 95th percentile.',
      barChart({
        title: 'Bullwhip ratio',
        xLabel: 'Var(orders) / Var(end-customer demand)',
        bars: bullwhips,
        format: number,
        log: spread.length > 0 && Math.max(...spread) / Math.min(1, ...spread) > 50,
        reference: { value: 1, label: '1: no amplification' },
      }),
    ),
  );

  sections.push(
    section(
      'Inventories',
      'Units on hand per tier (components waiting for production included), mean over runs.',
      lineChart({
        title: 'Inventory on hand',
        yLabel: 'units',
        series: [
          ...tiers.map((row, index) => ({
            name: `tier ${row.tier}`,
            values: row.inventory,
            color: PALETTE[index % PALETTE.length]!,
          })),
        ],
        windows,
      }),
    ),
  );

  sections.push(
    section(
      'Fill rate and backorders',
      'Fill rate: the share of what customers asked that was shipped in the period they asked for it. ' +
        'Backorders: units owed at the end of each period, mean over runs.',
      barChart({
        title: 'Fill rate',
        xLabel: 'fill rate',
        bars: [
          bar('end customers', result.network.fillRate, percent),
          ...result.tiers.map((tier) => bar(`tier ${tier.tier}`, tier.metrics.fillRate, percent)),
        ],
        format: percent,
        maximum: 1,
        tickFormat: (value) => `${Math.round(value * 100)} %`,
      }) +
        lineChart({
          title: 'Backorders',
          yLabel: 'units owed',
          series: [
            ...(network === undefined
              ? []
              : [{ name: 'end customers', values: network.backorders, color: '#7f7f7f', dashed: true }]),
            ...tiers.map(
              (row, index): LineSeries => ({
                name: `tier ${row.tier}`,
                values: row.backorders,
                color: PALETTE[index % PALETTE.length]!,
              }),
            ),
          ],
          windows,
        }),
    ),
  );

  const cash = cashLowPoints(result, options.network).slice(0, limit);
  if (cash.length > 0) {
    sections.push(
      section(
        'Cash low points',
        `The lowest cash each company reached (${escapeXml(currency)}), lowest first; red where it went below zero in the mean. ` +
          'Bar: mean; whiskers: 5th to 95th percentile over runs. A company below zero (credit line included) for longer than its grace period goes bankrupt.',
        barChart({
          title: `Cash low point (${currency})`,
          xLabel: currency,
          bars: cash.map((company) => ({
            ...bar(company.id, company.metrics.cashLowPoint, money),
            flagged: (company.metrics.cashLowPoint.mean ?? 0) < 0,
          })),
          format: money,
        }),
      ),
    );
  }

  if (options.stress !== undefined) sections.push(stressSection(options.stress, limit * 2));
  sections.push(companyTable(result, options.network, currency));

  const weak = weakCompanies(result).slice(0, 3);
  const figures = [
    ['fill rate, end customers', format(result.network.fillRate, percent)],
    ['lost revenue', `${format(result.network.lostRevenue, money)} ${currency}`],
    ['time to recover', `${format(result.network.timeToRecover, number)} periods`],
    ['bankruptcies', format(result.network.bankruptcies, number)],
    ['largest bullwhip ratio', format(result.network.bullwhip, number)],
    ['weakest companies', weak.length === 0 ? 'none' : weak.map((company) => company.id).join(', ')],
  ];
  const description = options.scenario?.description;
  const title = `Simulation: ${result.scenario} on ${result.networkName}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeXml(title)}</h1>
<p>${result.runs.length} run${result.runs.length === 1 ? '' : 's'} of ${result.periods} periods, seed ${result.seed}${result.warmUp > 0 ? `; the first ${result.warmUp} periods left out of the metrics` : ''}. Figures are means over runs; [5th – 95th percentile] where given. Made by keten simulate.</p>
${description === undefined ? '' : `<p>${escapeXml(description)}</p>`}
<dl class="figures">${figures.map(([name, value]) => `<div><dt>${escapeXml(name!)}</dt><dd>${escapeXml(value!)}</dd></div>`).join('')}</dl>
</header>
<main>
${sections.join('\n')}
</main>
<script type="application/json" id="simulation-result">${JSON.stringify(result).replaceAll('<', '\\u003c')}</script>
</body>
</html>
`;
}

function stressSection(stress: StressResult, limit: number): string {
  const shown = stress.companies.slice(0, limit);
  const finite = shown.flatMap((entry) => (Number.isFinite(entry.tts) ? [entry.tts] : []));
  const maximum = Math.max(1, ...finite, ...shown.map((entry) => entry.ttr)) * 1.25;
  const unit = stress.period === 'week' ? 'weeks' : 'days';
  return section(
    'Time to survive against time to recover',
    `Per company, ranked by the loss while it is down (Simchi-Levi et al. 2015): the bar is how long the network meets end demand without it (TTS, ${unit}); ` +
      `the black tick is how long it takes to recover (TTR). Red: TTS < TTR, the network runs out before the company is back. Bars marked ∞ never run out.`,
    barChart({
      title: `TTS and TTR (${unit}), ${stress.disruption === 'site' ? 'site down' : 'production down'}`,
      xLabel: unit,
      bars: shown.map((entry) => ({
        label: entry.company,
        value: entry.tts,
        marker: entry.ttr,
        flagged: entry.flagged,
        title: `${entry.company}: TTS ${Number.isFinite(entry.tts) ? number(entry.tts) : '∞'}, TTR ${number(entry.ttr)}, loss ${money(entry.loss)} ${stress.currency}`,
      })),
      format: number,
      maximum,
      markerLabel: 'TTR',
    }),
  );
}

function companyTable(result: SimulationResult, network: Network | undefined, currency: string): string {
  const names = new Map(network?.companies.map((company) => [company.id, company.name]) ?? []);
  const columns: [string, keyof SimulationResult['network'], (value: number) => string][] = [
    ['fill rate', 'fillRate', percent],
    ['backorders', 'backorders', number],
    ['inventory', 'inventory', number],
    ['bullwhip', 'bullwhip', number],
    [`lost revenue (${currency})`, 'lostRevenue', money],
    [`cash low point (${currency})`, 'cashLowPoint', money],
    ['bankrupt', 'bankruptcies', percent],
    ['time to recover', 'timeToRecover', number],
  ];
  const rows = result.companies.map((company) => {
    const cells = columns.map(([, metric, formatValue]) => {
      const summary = company.metrics[metric];
      return `<td title="${escapeXml(format(summary, formatValue))}">${summary.mean === null ? '–' : escapeXml(formatValue(summary.mean))}</td>`;
    });
    const name = names.get(company.id);
    return `<tr><th scope="row"${name === undefined ? '' : ` title="${escapeXml(name)}"`}>${escapeXml(company.id)}</th><td>${company.tier ?? '–'}</td>${cells.join('')}</tr>`;
  });
  return section(
    'Every company',
    'Means over runs; hover a cell for the 5th – 95th percentile. “bankrupt” is the share of runs in which the company went bankrupt.',
    `<div class="table"><table><thead><tr><th>company</th><th>tier</th>${columns.map(([title]) => `<th>${escapeXml(title)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
  );
}

/** The scenario's events as windows over periods, for shading. */
export function eventWindows(
  events: readonly ScenarioEvent[],
  periods: number,
): { from: number; to: number; label: string }[] {
  return events.map((event) => {
    if (event.type === 'bankruptcy')
      return { from: event.at, to: periods, label: `bankruptcy of ${event.company}` };
    const to = event.to ?? (event.duration === undefined ? periods : event.from + event.duration);
    const what =
      event.type === 'supplier-failure'
        ? `${event.company} fails`
        : event.type === 'region-capacity'
          ? `${event.region} at ${percent(event.factor)} capacity`
          : event.type === 'lane-delay'
            ? `lane ${event.supplier} → ${event.buyer} ${event.extraLeadTime} periods slower`
            : event.type === 'payment-delay'
              ? `${event.company} pays ${event.extraDays} days late`
              : `demand at ${event.company} × ${event.factor}`;
    return { from: event.from, to, label: `${what}, periods ${event.from}–${to - 1}` };
  });
}

function section(title: string, explanation: string, body: string): string {
  return `<section><h2>${escapeXml(title)}</h2><p>${explanation}</p>${body}</section>`;
}

function bar(label: string, metric: MetricSummary, formatValue: (value: number) => string): Bar {
  return {
    label,
    value: metric.mean,
    low: metric.p5,
    high: metric.p95,
    title: `${label}: ${format(metric, formatValue)}`,
  };
}

function format(metric: MetricSummary, formatValue: (value: number) => string): string {
  if (metric.mean === null) return 'n/a';
  if (metric.p5 === null || metric.p95 === null || formatValue(metric.p5) === formatValue(metric.p95)) {
    return formatValue(metric.mean);
  }
  return `${formatValue(metric.mean)} [${formatValue(metric.p5)} – ${formatValue(metric.p95)}]`;
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function number(value: number): string {
  return NUMBER.format(value);
}

function money(value: number): string {
  return MONEY.format(value);
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

const STYLE = `
body { font-family: system-ui, sans-serif; color: #222; margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0; }
h2 { font-size: 17px; margin: 32px 0 4px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
section p, header p { color: #555; font-size: 13px; max-width: 900px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.figures div { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.figures dt { font-size: 12px; color: #666; }
.figures dd { margin: 4px 0 0; font-size: 15px; font-weight: 600; }
svg.chart { display: block; margin: 12px 0; max-width: 100%; height: auto; }
.table { overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th[scope=row], thead th:first-child { text-align: left; }
thead th { position: sticky; top: 0; background: #fafafa; }
`;
