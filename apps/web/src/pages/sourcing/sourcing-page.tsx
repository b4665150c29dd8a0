/**
 * @module pages/sourcing
 * Sourcing comparison: pick a buyer and an item it buys from several approved suppliers, run
 * `keten sourcing` on the node as a job (`POST …/sourcing`), and see every split (single source, 70/30
 * and its reverse, 60/20/20, the current one) with its expected cost, fill rate and worst case under
 * the standard disruption set, and the recommendation with its reason (docs/sourcing.md).
 */
import type { NetworkGraph, SourcingComparison } from '@keten/core';
import { type FormEvent, useMemo, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { type JobView, useJob } from '../../api/use-job.ts';
import { Chart } from '../../components/chart.tsx';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, money, periods, share } from '../../components/format.ts';
import { JobProgress } from '../../components/job-progress.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { questionKey, scenarioLabel, sourcingQuestions, splitChart, splitRows } from './sourcing-view.ts';
import '../../analysis.css';

export function SourcingPage({ network: name }: { readonly network: string }) {
  const loaded = useApi(
    (signal) => api.get<NetworkGraph>(`/api/v1/networks/${encodeURIComponent(name)}/graph`, { signal }),
    [name],
  );
  if (loaded.state === 'loading') return <Loading what={`network ${name}`} />;
  if (loaded.state === 'failed') return <ErrorDisplay error={loaded.error} />;
  return <Sourcing name={name} network={loaded.value} />;
}

function Sourcing({ name, network }: { readonly name: string; readonly network: NetworkGraph }) {
  const questions = useMemo(() => sourcingQuestions(network), [network]);
  const [chosen, setChosen] = useState(questions[0] === undefined ? '' : questionKey(questions[0]));
  const [runs, setRuns] = useState('50');
  const [minimumFill, setMinimumFill] = useState('80');
  const job = useJob<SourcingComparison>();
  const question = questions.find((entry) => questionKey(entry) === chosen);
  const runCount = Number(runs);
  const fill = Number(minimumFill);
  const runsProblem =
    Number.isInteger(runCount) && runCount >= 1 && runCount <= 1000
      ? undefined
      : 'Runs: a whole number from 1 to 1,000.';
  const fillProblem =
    minimumFill.trim() !== '' && Number.isFinite(fill) && fill >= 0 && fill <= 100
      ? undefined
      : 'Required fill: 0 to 100 %.';
  const busy = job.run.state === 'starting' || job.run.state === 'following';

  const run = (event: FormEvent) => {
    event.preventDefault();
    if (question === undefined || runsProblem !== undefined || fillProblem !== undefined) return;
    job.start((signal) =>
      api.post<JobView<SourcingComparison>>(
        `/api/v1/networks/${encodeURIComponent(name)}/sourcing`,
        { buyer: question.buyer, item: question.item, runs: runCount, minimumFill: fill / 100 },
        { signal },
      ),
    );
  };

  const result = job.run.state === 'succeeded' ? job.run.result : undefined;
  return (
    <>
      <h1>Sourcing of {name}</h1>
      <p className="explain">
        Single source, 70/30 or 60/20/20? Each split of an item's approved suppliers is simulated under the
        same disruptions (each supplier down for 4 and for 12 periods, its region at half capacity, its lane
        slower), weighed by how likely each is. The recommendation is the cheapest split whose worst case
        still fills enough end demand.
      </p>
      {questions.length === 0 ? (
        <p role="status">No buyer in this network buys an item from two or more approved suppliers.</p>
      ) : (
        <form className="form-row" onSubmit={run} noValidate>
          <span className="field">
            <label htmlFor="sourcing-question">Buyer and item</label>
            <select id="sourcing-question" value={chosen} onChange={(event) => setChosen(event.target.value)}>
              {questions.map((entry) => (
                <option key={questionKey(entry)} value={questionKey(entry)}>
                  {entry.buyerName} buys {entry.itemName} from{' '}
                  {entry.suppliers.map((supplier) => `${supplier.name} ${share(supplier.share)}`).join(', ')}
                </option>
              ))}
            </select>
          </span>
          <span className="field">
            <label htmlFor="sourcing-runs">Runs per split and scenario</label>
            <input
              id="sourcing-runs"
              className="narrow"
              inputMode="numeric"
              value={runs}
              aria-invalid={runsProblem === undefined ? undefined : true}
              onChange={(event) => setRuns(event.target.value)}
            />
          </span>
          <span className="field">
            <label htmlFor="sourcing-fill">Required worst-case fill (%)</label>
            <input
              id="sourcing-fill"
              className="narrow"
              inputMode="decimal"
              value={minimumFill}
              aria-invalid={fillProblem === undefined ? undefined : true}
              onChange={(event) => setMinimumFill(event.target.value)}
            />
          </span>
          <button
            type="submit"
            className="button-primary"
            disabled={busy || runsProblem !== undefined || fillProblem !== undefined}
          >
            Compare the splits
          </button>
          {runsProblem === undefined && fillProblem === undefined ? null : (
            <span className="field-error" role="alert">
              {[runsProblem, fillProblem].filter(Boolean).join(' ')}
            </span>
          )}
        </form>
      )}
      <JobProgress run={job.run} what="the sourcing comparison" onCancel={job.cancel} />
      {result === undefined ? null : <ComparisonView comparison={result} network={network} />}
    </>
  );
}

function ComparisonView({
  comparison,
  network,
}: {
  readonly comparison: SourcingComparison;
  readonly network: NetworkGraph;
}) {
  const rows = useMemo(() => splitRows(comparison), [comparison]);
  const chart = useMemo(() => splitChart(comparison), [comparison]);
  const names = new Map(network.companies.id.map((id, index) => [id, network.companies.name[index] ?? id]));
  const fill = (value: number | null) => (value === null ? '–' : share(value));
  const currency = comparison.currency;
  return (
    <section aria-labelledby="sourcing-result">
      <h2 id="sourcing-result">
        {count(comparison.splits.length, 'split')} of {comparison.item} at{' '}
        {names.get(comparison.buyer) ?? comparison.buyer}
      </h2>
      <p
        className={comparison.recommendation.acceptable ? 'notice' : 'error'}
        data-testid="sourcing-recommendation"
      >
        <strong>Recommendation: {comparison.recommendation.split}.</strong> {comparison.recommendation.reason}
      </p>
      <Chart
        option={chart}
        height={320}
        testId="sourcing-chart"
        label={`Bar chart: expected cost per split in ${currency}, red where the worst case fills less than required; markers: worst-case fill in %.`}
      />
      <ScrollRegion label="The splits compared">
        <table data-testid="sourcing-splits">
          <caption>
            {count(comparison.scenarios.length, 'scenario')} × {count(comparison.runs, 'run')} of{' '}
            {periods(comparison.periods, comparison.period)} each (seed {comparison.seed}); money in{' '}
            {currency}
          </caption>
          <thead>
            <tr>
              {SPLIT_COLUMNS.map(([label, numeric]) => (
                <th key={label} scope="col" className={numeric ? 'number' : undefined}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.label} className={row.recommended ? 'recommended' : undefined}>
                <th scope="row">
                  {row.label}
                  {row.current ? ' (current)' : ''}
                  {row.recommended ? <span className="ok-badge"> recommended</span> : null}
                  <br />
                  <span className="muted">{row.name}</span>
                </th>
                <td className="number">{money(Math.round(row.expected.total), currency)}</td>
                <td className="number">
                  {row.versusCurrent === null
                    ? '–'
                    : `${row.versusCurrent > 0 ? '+' : ''}${money(Math.round(row.versusCurrent), currency)}`}
                </td>
                <td className="number">
                  {row.expected.purchases === null
                    ? 'no price'
                    : money(Math.round(row.expected.purchases), currency)}
                </td>
                <td className="number">{money(Math.round(row.expected.holding), currency)}</td>
                <td className="number">{money(Math.round(row.expected.late), currency)}</td>
                <td className="number">{money(Math.round(row.expected.lostRevenue), currency)}</td>
                <td className="number">{fill(row.expected.endFill)}</td>
                <td className="number">
                  {fill(row.worst.endFill)}{' '}
                  {row.acceptable ? null : (
                    <span className="flag">below {share(comparison.minimumFill)}</span>
                  )}
                </td>
                <td>{scenarioLabel(comparison, row.worst.scenario)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {comparison.notes.length > 0 ? (
        <ul className="muted">
          {comparison.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/** The table's columns: heading, and whether it holds numbers (right-aligned). */
const SPLIT_COLUMNS: readonly (readonly [string, boolean])[] = [
  ['Split', false],
  ['Expected cost', true],
  ['vs current', true],
  ['Purchases', true],
  ['Holding', true],
  ['Late', true],
  ['Lost revenue', true],
  ['Fill (expected)', true],
  ['Worst fill', true],
  ['Worst case', false],
];
