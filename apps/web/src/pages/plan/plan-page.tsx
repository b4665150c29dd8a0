/**
 * @module pages/plan
 * The Plan page (`/networks/:name/plan`, issue 6 item 3): the bottleneck heat map, one company's plan
 * per item and period (orders in and out, production, receipts, stock, shortages, each with its unit)
 * with its shortages and their causes in words, pegging from an end demand down the chain and from an
 * order up, and the diff after the latest re-plan. Everything is asked of the server a piece at a time
 * (a company, a page of capacities, one demand's pegging), so a 60,000-company network works as the
 * demo does. The live stream refreshes what an event changes.
 */
import { useMemo, useState } from 'react';
import { api } from '../../api/client.ts';
import { useLive } from '../../api/live.ts';
import { useApi } from '../../api/use-api.ts';
import { Chart } from '../../components/chart.tsx';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, quantity, tierName } from '../../components/format.ts';
import { ChangesView } from './changes-view.tsx';
import { HeatMap } from './heat-map.tsx';
import { type ItemPlanFigures, itemPlanChart } from './item-chart.ts';
import { PeggingView, type PegQuestion } from './pegging-view.tsx';
import { type CompanyPlanAnswer, periodDate, STATE_LABELS, type StatusAnswer } from './plan-api.ts';
import { ScrollRegion } from './scroll-region.tsx';
import './plan.css';

const MEASURES = [
  ['endDemand', 'End demand'],
  ['ordersIn', 'Customer orders (ship)'],
  ['production', 'Production starts'],
  ['ordersOut', 'Purchases (arrive)'],
  ['receipts', 'Receipts'],
  ['stock', 'Stock (end of period)'],
  ['shortages', 'Short'],
] as const;

export function PlanPage({ network }: { readonly network: string }) {
  const [search, setSearch] = useState('');
  const [company, setCompany] = useState<string | undefined>(
    () => new URLSearchParams(window.location.search).get('company') ?? undefined,
  );
  const [question, setQuestion] = useState<PegQuestion | undefined>(undefined);
  const [planReload, setPlanReload] = useState(0);
  const [changesReload, setChangesReload] = useState(0);
  const [replanned, setReplanned] = useState(false);
  const live = useLive(network, {
    onLog: (event) => {
      if (event.type !== 'plan.published') setPlanReload((value) => value + 1);
    },
    onPlanChanges: () => {
      setReplanned(true);
      setChangesReload((value) => value + 1);
    },
  });
  const status = useApi(
    (signal) =>
      api.get<StatusAnswer>(`/api/v1/networks/${encodeURIComponent(network)}/status`, {
        signal,
        query: { limit: 8, search: search.trim() === '' ? undefined : search.trim() },
      }),
    [network, search, planReload],
  );
  if (status.state === 'done' && status.value.replanned !== null && !replanned) setReplanned(true);
  const chosen = company ?? (status.state === 'done' ? status.value.rows[0]?.company : undefined);
  const period = status.state === 'done' ? status.value.period : 'week';
  const plan = useApi(
    (signal) =>
      chosen === undefined
        ? Promise.resolve(undefined)
        : api.get<CompanyPlanAnswer>(
            `/api/v1/networks/${encodeURIComponent(network)}/plan/companies/${encodeURIComponent(chosen)}`,
            { signal },
          ),
    [network, chosen, planReload],
  );
  const units = new Map<string, string>(
    plan.state === 'done' && plan.value !== undefined
      ? plan.value.items.map((line) => [line.item, line.unit])
      : [],
  );

  return (
    <>
      <h1>Plan · {network}</h1>
      <p className="muted" aria-live="polite">
        {status.state === 'done'
          ? `Plan of version ${status.value.plan.version} with the events up to #${status.value.plan.through}, ${status.value.plan.replanned === true ? 're-planned from the plan before' : 'planned'} ` +
            `${new Date(status.value.plan.plannedAt).toLocaleTimeString('en-GB')} in ${status.value.plan.seconds.toFixed(2)} s; ` +
            `${status.value.period}s 0–${status.value.horizon - 1} from ${periodDate(0, status.value.period, status.value.start)}. `
          : ''}
        {live.state === 'live'
          ? 'Live: updates as events arrive.'
          : live.state === 'connecting'
            ? 'Connecting to live updates…'
            : `Reconnecting to live updates (${live.problem ?? ''})…`}
      </p>
      {status.state === 'failed' ? <ErrorDisplay error={status.error} /> : null}

      <HeatMap network={network} periodUnit={period} onPickCompany={(picked) => setCompany(picked)} />

      <section className="panel" aria-labelledby="company-plan-title">
        <h2 id="company-plan-title">A company's plan</h2>
        <form className="filters" onSubmit={(event) => event.preventDefault()}>
          <label>
            Find a company{' '}
            <input
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              placeholder="name or id"
            />
          </label>
        </form>
        {status.state === 'loading' ? <Loading what="the plan" waiting={status.waiting} /> : null}
        {status.state === 'done' ? (
          <ul className="chips" aria-label="Companies, those in trouble first">
            {status.value.rows.map((row) => (
              <li key={row.company}>
                <button
                  type="button"
                  className={`chip state-${row.state}`}
                  aria-pressed={row.company === chosen}
                  onClick={() => setCompany(row.company)}
                >
                  {row.name} <span className="chip-note">{STATE_LABELS[row.state]}</span>
                </button>
              </li>
            ))}
            {status.value.total > status.value.rows.length ? (
              <li className="muted">
                {count(status.value.total - status.value.rows.length, 'more company', 'more companies')}:
                narrow the search
              </li>
            ) : null}
          </ul>
        ) : null}
        {plan.state === 'loading' ? <Loading what="the company's plan" waiting={plan.waiting} /> : null}
        {plan.state === 'failed' ? <ErrorDisplay error={plan.error} /> : null}
        {plan.state === 'done' && plan.value !== undefined ? (
          <CompanyPlanView
            answer={plan.value}
            periodUnit={period}
            onPeg={(item, at) =>
              setQuestion({ by: 'demand', company: plan.value!.company.id, item, period: at })
            }
          />
        ) : null}
      </section>

      <section className="panel" aria-labelledby="pegging-title">
        <h2 id="pegging-title">Pegging</h2>
        <PegForm
          onAsk={setQuestion}
          defaults={plan.state === 'done' && plan.value !== undefined ? firstDemand(plan.value) : undefined}
        />
        {question === undefined ? (
          <p className="muted">
            Pick an end demand (or a short period in the company's plan) to follow it down the chain, or an
            order id to see the end demands it serves.
          </p>
        ) : (
          <PeggingView
            network={network}
            question={question}
            periodUnit={period}
            units={units}
            onAsk={setQuestion}
          />
        )}
      </section>

      <section className="panel" aria-labelledby="changes-title">
        <h2 id="changes-title">Changes after the latest re-plan</h2>
        <ChangesView
          network={network}
          replanned={replanned}
          reload={changesReload}
          periodUnit={period}
          units={units}
        />
      </section>
    </>
  );
}

/** The company's first end demand that is short, else its first end demand. */
function firstDemand(
  answer: CompanyPlanAnswer,
): { company: string; item: string; period: number } | undefined {
  const short = answer.shortages[0];
  if (short !== undefined) return { company: short.company, item: short.item, period: short.period };
  for (const line of answer.items) {
    const at = line.endDemand.findIndex((value) => value > 0);
    if (at >= 0) return { company: answer.company.id, item: line.item, period: at };
  }
  return undefined;
}

function PegForm({
  onAsk,
  defaults,
}: {
  readonly onAsk: (question: PegQuestion) => void;
  readonly defaults: { company: string; item: string; period: number } | undefined;
}) {
  const [order, setOrder] = useState('');
  return (
    <div className="peg-forms">
      {defaults === undefined ? null : (
        <button type="button" className="button-primary" onClick={() => onAsk({ by: 'demand', ...defaults })}>
          Follow {defaults.item} at {defaults.company}, period {defaults.period}, down the chain
        </button>
      )}
      <form
        className="filters"
        onSubmit={(event) => {
          event.preventDefault();
          if (order.trim() !== '') onAsk({ by: 'order', order: order.trim() });
        }}
      >
        <label>
          Order id <input value={order} onChange={(event) => setOrder(event.target.value)} size={28} />
        </label>
        <button type="submit" className="button-quiet">
          Which end demands does it serve?
        </button>
      </form>
    </div>
  );
}

function CompanyPlanView({
  answer,
  periodUnit,
  onPeg,
}: {
  readonly answer: CompanyPlanAnswer;
  readonly periodUnit: 'day' | 'week';
  readonly onPeg: (item: string, period: number) => void;
}) {
  return (
    <div data-testid="company-plan">
      <h3>
        {answer.company.name}{' '}
        <span className="muted">
          ({answer.company.id}, {tierName(answer.company.tier)})
        </span>
      </h3>
      <p>
        {count(answer.orders, 'planned order')} involve it;{' '}
        {count(answer.shortages.length, 'short end demand')}, {count(answer.causes.length, 'shortage')}{' '}
        elsewhere caused here, {count(answer.bottlenecks.length, 'capacity-period')} over the limit.
      </p>
      {answer.shortages.length > 0 ? (
        <>
          <h4>Why it is short</h4>
          <ul>
            {answer.shortages.slice(0, 20).map((shortage) => (
              <li key={`${shortage.item}/${shortage.period}`}>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onPeg(shortage.item, shortage.period)}
                >
                  {shortage.item}, {periodUnit} {shortage.period}
                </button>
                :{' '}
                {quantity(
                  shortage.quantity,
                  answer.items.find((line) => line.item === shortage.item)?.unit ?? 'pcs',
                )}{' '}
                short — {shortage.cause.text}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {answer.causes.length > 0 ? (
        <>
          <h4>Shortages elsewhere that start here</h4>
          <ul>
            {answer.causes.slice(0, 10).map((shortage) => (
              <li key={`${shortage.company}/${shortage.item}/${shortage.period}`}>
                {shortage.company}: {shortage.item}, {periodUnit} {shortage.period} — {shortage.cause.text}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {answer.items.map((line, index) => (
        <div key={line.item}>
          <ItemPlot
            line={line}
            periodUnit={periodUnit}
            company={answer.company.name}
            // Plots cost the browser most: drawn at once for what the company sells, the rest on request.
            shown={
              index === 0 ||
              line.endDemand.some((value) => value > 0) ||
              line.shortages.some((value) => value > 0)
            }
          />
          <ScrollRegion label={`Plan of ${line.item}`}>
            <table className="plan-table">
              <caption>
                {line.item} <span className="muted">(in {line.unit})</span>
              </caption>
              <thead>
                <tr>
                  <th scope="col">{periodUnit}</th>
                  {line.stock.map((_, period) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: periods are their index
                    <th key={period} scope="col" className="number">
                      {period}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {MEASURES.filter(([field]) => line[field].some((value) => value !== 0)).map(
                  ([field, label]) => (
                    <tr key={field} className={field === 'shortages' ? 'row-short' : undefined}>
                      <th scope="row">
                        {label} <span className="muted">{line.unit}</span>
                      </th>
                      {line[field].map((value, period) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: periods are their index
                        <td key={period} className="number">
                          {value === 0 ? '' : Math.round(value * 100) / 100}
                        </td>
                      ))}
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </ScrollRegion>
        </div>
      ))}
    </div>
  );
}

function ItemPlot({
  line,
  periodUnit,
  company,
  shown,
}: {
  readonly line: ItemPlanFigures;
  readonly periodUnit: 'day' | 'week';
  readonly company: string;
  readonly shown: boolean;
}) {
  const [open, setOpen] = useState(shown);
  const option = useMemo(() => itemPlanChart(line, periodUnit), [line, periodUnit]);
  if (!open) {
    return (
      <p className="item-plot">
        <button type="button" className="button-quiet" aria-expanded={false} onClick={() => setOpen(true)}>
          Plot {line.item}
        </button>
      </p>
    );
  }
  return (
    <figure className="item-plot">
      <figcaption>
        {line.item} at {company}, per {periodUnit} in {line.unit}
      </figcaption>
      <Chart
        option={option}
        height={220}
        testId={`item-chart-${line.item}`}
        label={`${line.item} at ${company} per ${periodUnit}, in ${line.unit}: asked, received, stock and short; the figures are in the table below`}
      />
    </figure>
  );
}
