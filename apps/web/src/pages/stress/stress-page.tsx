/**
 * @module pages/stress
 * Weak spots: runs the stress test of the network (`POST …/stress-test`, a job followed to its end)
 * and shows the companies ranked by what their failure costs: time-to-survive (TTS), time-to-recover
 * (TTR), the loss with its currency, the risk exposure index (REI), a flag where TTS < TTR, the end
 * demand lost, and the TTS/TTR chart. docs/stress-test.md explains the figures. Opened with `?run=1`
 * (the overview's "Run the stress test") it starts at once with the default time to recover.
 */
import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { api } from '../../api/client.ts';
import type { NetworkFactsResponse } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { type JobView, useJob } from '../../api/use-job.ts';
import { Chart } from '../../components/chart.tsx';
import { count, money, periods, quantity, share } from '../../components/format.ts';
import { JobProgress } from '../../components/job-progress.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { Link, pathTo } from '../../router.tsx';
import {
  type CompanyStressJson,
  closestToBreaking,
  flaggedCount,
  rankedCompanies,
  type StressJson,
  ttsTtrChart,
} from './stress-view.ts';
import '../../analysis.css';

/** The server's and `keten stress-test`'s default time to recover (periods). */
export const DEFAULT_TTR = 4;

export function StressPage({ network: name }: { readonly network: string }) {
  const [ttr, setTtr] = useState(String(DEFAULT_TTR));
  const [showAll, setShowAll] = useState(false);
  const job = useJob<StressJson>();
  const ttrId = useId();
  // The network's period (week or day) names the time to recover's unit: from the version's summary
  // (a few hundred bytes; the graph would be megabytes for a large network).
  const facts = useApi(
    (signal) =>
      api.get<NetworkFactsResponse>(`/api/v1/networks/${encodeURIComponent(name)}/summary`, { signal }),
    [name],
  );
  const unit = facts.state === 'done' ? `${facts.value.period}s` : 'periods';
  const ttrValue = Number(ttr);
  const ttrProblem =
    ttr.trim() === '' || !Number.isFinite(ttrValue) || ttrValue < 0 || ttrValue > 10_000
      ? `Give the time to recover as a number of ${unit} from 0 to 10,000.`
      : undefined;
  const running = job.run.state === 'starting' || job.run.state === 'following';

  const start = (recover: number) =>
    job.start((signal) =>
      api.post<JobView<StressJson>>(
        `/api/v1/networks/${encodeURIComponent(name)}/stress-test`,
        { ttr: recover },
        { signal },
      ),
    );
  const run = (event: FormEvent) => {
    event.preventDefault();
    if (ttrProblem === undefined) start(ttrValue);
  };
  // `?run=1`: started once, and the address loses it (a reload does not run it again). Started a tick
  // later so that React's development double mount starts one job, not one aborted and another.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the page opens
  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('run') !== '1') return;
    const timer = setTimeout(() => {
      window.history.replaceState(window.history.state, '', window.location.pathname);
      start(DEFAULT_TTR);
    }, 0);
    return () => clearTimeout(timer);
  }, []);

  const result = job.run.state === 'succeeded' ? job.run.result : undefined;

  return (
    <>
      <h1>Weak spots of {name}</h1>
      <p className="explain">
        If a company went down tomorrow, how long could the network still deliver all end demand, and what
        would it lose? <strong>TTS</strong> (time to survive) is how long the network meets all end demand
        while the company is down; <strong>TTR</strong> (time to recover) is how long the company needs to be
        back. Where TTS is shorter than TTR, customers go without: those companies are flagged.
      </p>
      <form className="form-row" onSubmit={run} noValidate>
        <label htmlFor={ttrId}>
          Time to recover ({unit})
          <input
            id={ttrId}
            type="number"
            min={0}
            step="any"
            value={ttr}
            aria-invalid={ttrProblem !== undefined}
            aria-describedby={`${ttrId}-help`}
            onChange={(event) => setTtr(event.target.value)}
          />
        </label>
        <button type="submit" className="button-primary" disabled={running || ttrProblem !== undefined}>
          {result === undefined ? 'Run the stress test' : 'Run it again'}
        </button>
        <span id={`${ttrId}-help`} className={ttrProblem === undefined ? 'muted' : 'field-error'}>
          {ttrProblem ??
            `For every company without a TTR of its own in the network (default ${DEFAULT_TTR} ${unit}).`}
        </span>
      </form>
      <JobProgress run={job.run} what="the stress test" onCancel={job.cancel} />
      {result === undefined ? null : (
        <StressResultView
          result={result}
          network={name}
          showAll={showAll}
          setShowAll={setShowAll}
          runWith={(recover) => {
            setTtr(String(recover));
            start(recover);
          }}
        />
      )}
    </>
  );
}

function StressResultView({
  result,
  network,
  showAll,
  setShowAll,
  runWith,
}: {
  readonly result: StressJson;
  readonly network: string;
  readonly showAll: boolean;
  readonly setShowAll: (value: boolean) => void;
  /** Runs the test again with another time to recover. */
  readonly runWith: (ttr: number) => void;
}) {
  const ranked = useMemo(() => rankedCompanies(result), [result]);
  const chart = useMemo(() => ttsTtrChart(result), [result]);
  const flagged = flaggedCount(result);
  const shown = showAll ? ranked : ranked.slice(0, 20);
  const worst = ranked[0];
  const closest = useMemo(() => closestToBreaking(result), [result]);
  // The shortest whole time to recover that would flag all of the closest (TTS < TTR).
  const longer = closest.length === 0 ? undefined : Math.floor(Math.max(...closest.map((c) => c.tts!))) + 1;
  return (
    <section aria-labelledby="stress-result">
      <h2 id="stress-result">Result</h2>
      <p data-testid="stress-summary">
        {count(result.companies.length, 'company', 'companies')} tested;{' '}
        <strong>{count(flagged, 'company', 'companies')}</strong> with TTS &lt; TTR.{' '}
        {worst === undefined || worst.loss <= 0
          ? 'No single failure costs the network anything within its time to recover.'
          : `The weakest spot is ${worst.name}: ${money(worst.loss, result.currency)} lost while it is down for ${periods(worst.ttr, result.period)}.`}
        {worst !== undefined && worst.tier === 0 && worst.tts === 0
          ? ` ${worst.name} sells to the end customers itself: while it is down, nothing is sold.`
          : ''}
      </p>
      {closest.length === 0 || longer === undefined ? null : (
        <p data-testid="stress-closest">
          Closest to breaking among the others:{' '}
          {closest.map((company, index) => (
            <span key={company.company}>
              {index === 0 ? '' : index === closest.length - 1 ? ' and ' : ', '}
              <Link
                to={pathTo('/networks/:name/companies/:company', { name: network, company: company.company })}
              >
                {company.name}
              </Link>{' '}
              (the network survives {periods(round(company.tts!), result.period)} without it)
            </span>
          ))}
          . Down for longer than that, each would cost end demand.{' '}
          <button type="button" className="button-quiet" onClick={() => runWith(longer)}>
            Run again with a time to recover of {periods(longer, result.period)}
          </button>
        </p>
      )}
      <h3>TTS and TTR of the {Math.min(20, ranked.length)} weakest companies</h3>
      <Chart
        option={chart}
        testId="tts-ttr-chart"
        height={380}
        label={`Bar chart: time to survive per company in ${result.period}s against its time to recover; red bars are companies with TTS below TTR. The table below has the figures.`}
      />
      <h3>Ranking</h3>
      <ScrollRegion label="Ranking of the companies">
        <table data-testid="stress-ranking">
          <caption className="visually-hidden">Companies ranked by the loss their failure causes</caption>
          <thead>
            <tr>
              {RANKING_COLUMNS.map(([label, numeric]) => (
                <th key={label} scope="col" className={numeric ? 'number' : undefined}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((company) => (
              <Row key={company.company} company={company} result={result} network={network} />
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {ranked.length > 20 ? (
        <button type="button" className="button-quiet" onClick={() => setShowAll(!showAll)}>
          {showAll ? 'Show the 20 weakest' : `Show all ${ranked.length} companies`}
        </button>
      ) : null}
      <p className="muted">
        Loss: what the network loses at best while the company is down for its TTR, others re-planning (in{' '}
        {result.currency}). REI: the loss over the largest loss (the weakest spot has 100 %). Disruption:{' '}
        {result.disruption}, others at {result.capacity} capacity; {count(result.solves, 'LP')} solved.
      </p>
      {result.warnings.length > 0 ? (
        <ul className="muted">
          {result.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function Row({
  company,
  result,
  network,
}: {
  readonly company: CompanyStressJson;
  readonly result: StressJson;
  readonly network: string;
}) {
  const lost = company.lostDemand.slice(0, 3);
  return (
    <tr>
      <td className="number">{company.rank}</td>
      <td>
        <Link to={pathTo('/networks/:name/companies/:company', { name: network, company: company.company })}>
          {company.name}
        </Link>
      </td>
      <td className="number">{company.tier ?? '–'}</td>
      <td className="number">
        {company.tts === null ? 'indefinitely' : periods(round(company.tts), result.period)}
      </td>
      <td className="number">{periods(company.ttr, result.period)}</td>
      <td>{company.flagged ? <span className="flag">flagged</span> : 'no'}</td>
      <td className="number">{money(company.loss, result.currency)}</td>
      <td className="number">{share(company.rei)}</td>
      <td>
        {lost.length === 0
          ? '–'
          : lost
              .map(
                (demand) =>
                  `${quantity(round(demand.units), 'units')} of ${demand.item} at ${demand.company}`,
              )
              .join('; ')}
        {company.lostDemand.length > 3 ? ' …' : ''}
      </td>
    </tr>
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The table's columns: heading, and whether it holds numbers (right-aligned). */
const RANKING_COLUMNS: readonly (readonly [string, boolean])[] = [
  ['Rank', true],
  ['Company', false],
  ['Tier', true],
  ['TTS', true],
  ['TTR', true],
  ['TTS < TTR', false],
  ['Loss', true],
  ['REI', true],
  ['End demand lost', false],
];
