/**
 * @module pages/overview
 * A network's start page (`/networks/:name`): what to look at first, for someone who has read nothing.
 * Three steps, each with the figures that matter and a link to the page with the details: where the
 * chain breaks in the plan (companies short, causing shortages, over capacity, late; the worst named),
 * the parts bought from one supplier only (from the network graph), and the stress test (what if a
 * company fails), started from here in one click.
 */
import { useMemo } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, quantity, share, tierName } from '../../components/format.ts';
import { Link, pathTo } from '../../router.tsx';
import { useNetworkGraph } from '../network/use-network-graph.ts';
import { type CompanyState, STATE_LABELS, type StatusAnswer, type StatusRow } from '../plan/plan-api.ts';
import { singleSourcing } from './single-sourcing.ts';
import '../plan/plan.css';

/** Above this many companies the overview does not load the whole graph to find single sources. */
const GRAPH_LIMIT = 5000;
const ORDER: readonly CompanyState[] = ['short', 'causes', 'bottleneck', 'late', 'ok'];

export function OverviewPage({ network }: { readonly network: string }) {
  const path = (page: string) => pathTo(`/networks/:name/${page}`, { name: network });
  const status = useApi(
    (signal) =>
      api.get<StatusAnswer>(`/api/v1/networks/${encodeURIComponent(network)}/status`, {
        signal,
        query: { limit: 5, state: 'short,causes,bottleneck,late' },
      }),
    [network],
  );
  if (status.state === 'failed' && status.error.status === 404) {
    return (
      <>
        <h1>{network}: what to look at first</h1>
        <ErrorDisplay error={status.error} title="No such network here" />
        <p>
          <Link to="/">See the networks this node holds</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{network}: what to look at first</h1>
      <p className="explain">
        Three steps show where this supply network is weak. Each says what it found and links to the page with
        the details; the navigation on the left has every page.
      </p>
      <ol className="steps">
        <li className="step panel" aria-labelledby="step-chain">
          <h2 id="step-chain">1. Where the chain breaks</h2>
          {status.state === 'loading' ? <Loading what="the plan" waiting={status.waiting} /> : null}
          {status.state === 'failed' ? <ErrorDisplay error={status.error} /> : null}
          {status.state === 'done' ? <ChainBreaks answer={status.value} network={network} /> : null}
          <p className="step-links">
            <Link to={path('status')}>Chain status (live): every company, worst first</Link>
            <Link to={path('plan')}>Plan: the bottleneck heat map, capacity by week</Link>
          </p>
        </li>
        <li className="step panel" aria-labelledby="step-single">
          <h2 id="step-single">2. Parts with one supplier only</h2>
          {status.state === 'done' && companiesOf(status.value) > GRAPH_LIMIT ? (
            <p>
              With {count(companiesOf(status.value), 'company', 'companies')} this overview does not load the
              whole network; the sourcing comparison finds them.
            </p>
          ) : status.state === 'done' ? (
            <SingleSources network={network} />
          ) : null}
          <p className="step-links">
            <Link to={path('sourcing')}>Sourcing comparison: would a second supplier pay?</Link>
            <Link to={path('graph')}>Graph: who supplies whom, by tier</Link>
          </p>
        </li>
        <li className="step panel" aria-labelledby="step-stress">
          <h2 id="step-stress">3. What if a company fails? The stress test</h2>
          <p>
            The stress test takes each company out in turn and asks how long the network still meets all end
            demand (time to survive) against how long the company needs to come back (time to recover), and
            what the gap costs. It ranks the companies by that loss.
          </p>
          <p>
            <Link to={`${path('stress')}?run=1`} className="button-primary button-link">
              Run the stress test
            </Link>{' '}
            <span className="muted">on the demo it takes some seconds; the page shows its progress</span>
          </p>
        </li>
      </ol>
    </>
  );
}

/** The network's companies: every state's count (`total` counts only the rows asked for). */
function companiesOf(answer: StatusAnswer): number {
  return ORDER.reduce((sum, state) => sum + answer.counts[state], 0);
}

function ChainBreaks({ answer, network }: { readonly answer: StatusAnswer; readonly network: string }) {
  const companies = companiesOf(answer);
  const troubled = companies - answer.counts.ok;
  return (
    <>
      <p>
        The plan of version {answer.plan.version} over {count(answer.horizon, answer.period)}:{' '}
        <strong>
          {count(troubled, 'company', 'companies')} of {count(companies, 'company', 'companies')}
        </strong>{' '}
        {troubled === 1 ? 'is' : 'are'} in trouble.
      </p>
      <ul className="state-counts" aria-label="Companies by state">
        {ORDER.map((state) => (
          <li key={state}>
            <span className={`badge badge-${state}`}>{STATE_LABELS[state]}</span>{' '}
            {count(answer.counts[state], 'company', 'companies')}
          </li>
        ))}
      </ul>
      {answer.rows.length === 0 ? (
        <p>No company is short, over capacity or late: the chain holds.</p>
      ) : (
        <>
          <h3>The worst first</h3>
          <ul className="worst">
            {answer.rows.map((row) => (
              <li key={row.company}>
                <span className={`badge badge-${row.state}`}>{STATE_LABELS[row.state]}</span>{' '}
                <Link
                  to={pathTo('/networks/:name/companies/:company', { name: network, company: row.company })}
                >
                  {row.name}
                </Link>
                <span className="muted">, {tierName(row.tier)}</span>: {trouble(row, answer.period)}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** What is wrong at a company, in words with units. */
function trouble(row: StatusRow, period: 'day' | 'week'): string {
  const parts: string[] = [];
  if (row.shortages.length > 0) {
    const shortages = row.shortages
      .slice(0, 2)
      .map((shortage) => `${quantity(shortage.quantity, shortage.unit)} of ${shortage.item}`)
      .join(' and ');
    parts.push(
      `end demand short by ${shortages}${row.firstShortPeriod === null ? '' : ` from ${period} ${row.firstShortPeriod}`}`,
    );
  }
  if (row.causes > 0) parts.push(`the root cause of ${count(row.causes, 'shortage')} elsewhere`);
  if (row.worstLoad !== null && row.worstLoad.share !== null && row.worstLoad.share > 1) {
    parts.push(
      `${row.worstLoad.capacity} needs ${share(row.worstLoad.share)} of its capacity in ${period} ${row.worstLoad.period}` +
        ` (${count(row.bottlenecks, `${period} over the limit`, `${period}s over the limit`)})`,
    );
  }
  if (row.lateOrders > 0) parts.push(`${count(row.lateOrders, 'order')} late`);
  return parts.length === 0 ? 'on plan' : parts.join('; ');
}

function SingleSources({ network }: { readonly network: string }) {
  const loaded = useNetworkGraph(network);
  const found = useMemo(
    () => (loaded.state === 'done' ? singleSourcing(loaded.value.graph) : undefined),
    [loaded],
  );
  if (loaded.state === 'loading') return <Loading what="the network" waiting={loaded.waiting} />;
  if (loaded.state === 'failed') return <ErrorDisplay error={loaded.error} />;
  if (found === undefined) return null;
  const { graph } = loaded.value;
  const sole = found.single.filter((source) => source.makers === 1).length;
  const name = (index: number) => graph.companies.name[index]!;
  const companyLink = (index: number) => (
    <Link
      to={pathTo('/networks/:name/companies/:company', {
        name: network,
        company: graph.companies.id[index]!,
      })}
    >
      {name(index)}
    </Link>
  );
  return (
    <>
      <p>
        <strong>
          {count(found.single.length, 'part')} of {count(found.pairs, 'part')} bought
        </strong>{' '}
        come from one supplier only
        {sole === 0
          ? ', though another company makes each of them.'
          : `; ${sole === found.single.length ? (sole === 1 ? 'it has' : 'all of them have') : `${sole} of them have`} no other maker in the network at all.`}{' '}
        If such a supplier stops, its customer has nowhere else to go.
      </p>
      {found.single.length === 0 ? null : (
        <ul className="worst">
          {found.single.slice(0, 6).map((source) => {
            const item = graph.items[source.item]!;
            return (
              <li key={`${source.buyer} ${source.item}`}>
                {companyLink(source.buyer)}
                <span className="muted">, {tierName(graph.companies.tier[source.buyer]!)},</span> buys{' '}
                {item.name} <span className="muted">({item.unit})</span> only from{' '}
                {companyLink(source.supplier)}
                {source.makers === 1
                  ? '; no other company makes it'
                  : `; ${count(source.makers - 1, 'other company', 'other companies')} could make it`}
              </li>
            );
          })}
        </ul>
      )}
      {found.single.length > 6 ? (
        <p className="muted">
          And {found.single.length - 6} more: each company's page lists its suppliers and shares.
        </p>
      ) : null}
    </>
  );
}
