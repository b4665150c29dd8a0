/**
 * @module pages/status
 * Chain status, live (`/networks/:name/status`, issue 6 item 2): per company what the plan asks of it
 * against what is under way — planned orders, open orders with their ETA against the period first
 * planned, shortages with units, the worst load against capacity — worst first, paged and filtered on
 * the server (`GET …/status`). The live stream (`api/live.ts`) brings every event: the page asks again
 * and marks the rows that changed "updated just now" (a quiet note that ages, no flashing). A planner
 * can post a capacity change from here and watch the re-plan arrive.
 */
import { useEffect, useRef, useState } from 'react';
import type { ApiFailure } from '../../api/client.ts';
import { api } from '../../api/client.ts';
import { useLive } from '../../api/live.ts';
import { useSession } from '../../api/session.tsx';
import { hasRole } from '../../api/types.ts';
import { asFailure, useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, quantity, share, tierName } from '../../components/format.ts';
import { ChangesView } from '../plan/changes-view.tsx';
import {
  type CompanyState,
  type CompanyStatusAnswer,
  STATE_LABELS,
  type StatusAnswer,
  type StatusRow,
} from '../plan/plan-api.ts';
import { ScrollRegion } from '../plan/scroll-region.tsx';
import { ago, markChanges } from './freshness.ts';
import '../plan/plan.css';

const PAGE = 25;
const STATES: readonly CompanyState[] = ['short', 'causes', 'bottleneck', 'late', 'ok'];

/** Re-renders every `milliseconds`, so "just now" ages. */
function useNow(milliseconds: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), milliseconds);
    return () => clearInterval(timer);
  }, [milliseconds]);
  return now;
}

export function StatusPage({ network }: { readonly network: string }) {
  const [search, setSearch] = useState('');
  const [states, setStates] = useState<ReadonlySet<CompanyState>>(new Set());
  const [offset, setOffset] = useState(0);
  const [reload, setReload] = useState(0);
  const [changesReload, setChangesReload] = useState(0);
  const [sawReplan, setSawReplan] = useState(false);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [lastEvent, setLastEvent] = useState<string | undefined>(undefined);
  const now = useNow(5000);
  const live = useLive(network, {
    onLog: (event) => {
      setLastEvent(`#${event.sequence} ${event.type} from ${event.source}`);
      if (event.type !== 'plan.published') setReload((value) => value + 1);
    },
    onPlanChanges: () => {
      setSawReplan(true);
      setChangesReload((value) => value + 1);
      setReload((value) => value + 1);
    },
  });
  const loaded = useApi(
    (signal) =>
      api.get<StatusAnswer>(`/api/v1/networks/${encodeURIComponent(network)}/status`, {
        signal,
        query: {
          offset,
          limit: PAGE,
          search: search.trim() === '' ? undefined : search.trim(),
          state: states.size === 0 ? undefined : [...states].join(','),
        },
      }),
    [network, offset, search, [...states].join(','), reload],
  );
  // Keep the last answer on screen while the next one loads: no flashing on every event.
  const shown = useRef<StatusAnswer | undefined>(undefined);
  const marks = useRef<{
    signatures: Map<string, string> | undefined;
    changedAt: Map<string, number>;
    query: string;
  }>({
    signatures: undefined,
    changedAt: new Map(),
    query: '',
  });
  const query = `${offset}|${search}|${[...states].join(',')}`;
  if (loaded.state === 'done' && loaded.value !== shown.current) {
    const sameQuery = marks.current.query === query;
    const next = markChanges(
      sameQuery ? marks.current.signatures : undefined,
      loaded.value.rows,
      (row) => row.company,
      sameQuery ? marks.current.changedAt : new Map(),
      Date.now(),
    );
    marks.current = { ...next, query };
    shown.current = loaded.value;
  }
  const answer = shown.current;
  const toggleState = (state: CompanyState) => {
    const next = new Set(states);
    if (next.has(state)) next.delete(state);
    else next.add(state);
    setStates(next);
    setOffset(0);
  };

  return (
    <>
      <h1>Chain status · {network}</h1>
      <p className="live-line" role="status" aria-live="polite">
        <span className={`live-dot live-${live.state}`} aria-hidden="true" />
        {live.state === 'live'
          ? 'Live'
          : live.state === 'connecting'
            ? 'Connecting…'
            : `Reconnecting (${live.problem ?? 'no connection'})…`}
        {lastEvent === undefined || live.lastMessageAt === undefined
          ? ''
          : ` · last event ${lastEvent}, ${ago(live.lastMessageAt, now)}`}
        {answer === undefined
          ? ''
          : ` · plan of version ${answer.plan.version} with the events up to #${answer.plan.through}`}
      </p>
      {loaded.state === 'failed' ? <ErrorDisplay error={loaded.error} /> : null}
      {answer === undefined && loaded.state === 'loading' ? (
        <Loading what="the chain status" waiting={loaded.waiting} />
      ) : null}
      {answer === undefined ? null : (
        <>
          <ul className="chips" aria-label="Filter by state">
            {STATES.map((state) => (
              <li key={state}>
                <button
                  type="button"
                  className={`chip state-${state}`}
                  aria-pressed={states.has(state)}
                  onClick={() => toggleState(state)}
                >
                  {STATE_LABELS[state]}{' '}
                  <span className="chip-note">{count(answer.counts[state], 'company', 'companies')}</span>
                </button>
              </li>
            ))}
          </ul>
          <form className="filters" onSubmit={(event) => event.preventDefault()}>
            <label>
              Find a company{' '}
              <input
                value={search}
                onChange={(event) => {
                  setSearch(event.target.value);
                  setOffset(0);
                }}
                placeholder="name or id"
              />
            </label>
          </form>
          <ScrollRegion label="Companies">
            <table className="status-table" aria-busy={loaded.state === 'loading'}>
              <caption className="visually-hidden">Chain status per company, worst first</caption>
              <thead>
                <tr>
                  <th scope="col">Company</th>
                  <th scope="col">State</th>
                  <th scope="col" className="number">
                    Planned orders
                  </th>
                  <th scope="col" className="number">
                    Under way (ETA)
                  </th>
                  <th scope="col">Short</th>
                  <th scope="col">Worst load</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {answer.rows.map((row) => (
                  <StatusLine
                    key={row.company}
                    row={row}
                    period={answer.period}
                    changedAt={marks.current.changedAt.get(row.company)}
                    now={now}
                    selected={row.company === selected}
                    onSelect={() => setSelected(row.company === selected ? undefined : row.company)}
                  />
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          <p className="pager">
            <span>
              {answer.total === 0
                ? 'No company matches.'
                : `${offset + 1}–${offset + answer.rows.length} of ${count(answer.total, 'company', 'companies')}`}
            </span>
            <button
              type="button"
              className="button-quiet"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Previous
            </button>
            <button
              type="button"
              className="button-quiet"
              disabled={offset + PAGE >= answer.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Next
            </button>
          </p>
          {selected === undefined ? null : (
            <CompanyStatusView network={network} company={selected} period={answer.period} reload={reload} />
          )}
          <PostEvent network={network} period={answer.period} horizon={answer.horizon} />
          <section className="panel" aria-labelledby="status-changes-title">
            <h2 id="status-changes-title">What the latest re-plan changed</h2>
            <ChangesView
              network={network}
              replanned={sawReplan || answer.replanned !== null}
              reload={changesReload}
              periodUnit={answer.period}
              units={new Map()}
            />
          </section>
        </>
      )}
    </>
  );
}

function StatusLine({
  row,
  period,
  changedAt,
  now,
  selected,
  onSelect,
}: {
  readonly row: StatusRow;
  readonly period: 'day' | 'week';
  readonly changedAt: number | undefined;
  readonly now: number;
  readonly selected: boolean;
  readonly onSelect: () => void;
}) {
  const recent = changedAt !== undefined && now - changedAt < 60_000;
  return (
    <tr className={recent ? 'row-updated' : undefined} data-company={row.company}>
      <th scope="row">
        <button type="button" className="link-button" aria-expanded={selected} onClick={onSelect}>
          {row.name}
        </button>
        <div className="muted">
          {row.company} · {tierName(row.tier)} · {row.country}
        </div>
      </th>
      <td>
        <span className={`badge badge-${row.state}`}>{STATE_LABELS[row.state]}</span>
        {row.causes > 0 ? (
          <div className="muted">causes {count(row.causes, 'shortage')} elsewhere</div>
        ) : null}
      </td>
      <td className="number">
        {row.plannedOrders}
        {row.nextPlannedDue === null ? null : (
          <div className="muted">
            next due {period} {row.nextPlannedDue}
          </div>
        )}
        {row.customerOrders > 0 ? (
          <div className="muted">{count(row.customerOrders, 'customer order')}</div>
        ) : null}
      </td>
      <td className="number">
        {row.openOrders}
        {row.nextEta === null ? null : (
          <div className="muted">
            first ETA {period} {row.nextEta}
          </div>
        )}
        {row.lateOrders > 0 ? <div className="text-late">{count(row.lateOrders, 'order')} late</div> : null}
      </td>
      <td>
        {row.shortages.length === 0
          ? '—'
          : row.shortages
              .slice(0, 3)
              .map((line) => `${quantity(line.quantity, line.unit)} ${line.item}`)
              .join(', ')}
        {row.firstShortPeriod === null ? null : (
          <div className="muted">
            from {period} {row.firstShortPeriod}
          </div>
        )}
      </td>
      <td>
        {row.worstLoad === null
          ? '—'
          : `${row.worstLoad.share === null ? 'no capacity' : share(row.worstLoad.share)} of ${row.worstLoad.capacity}`}
        {row.worstLoad === null ? null : (
          <div className="muted">
            {quantity(row.worstLoad.load, `${row.worstLoad.unit}/${period}`)} of{' '}
            {quantity(row.worstLoad.limit, `${row.worstLoad.unit}/${period}`)}, {period}{' '}
            {row.worstLoad.period}
          </div>
        )}
      </td>
      <td className="updated-cell">{changedAt === undefined ? '' : `updated ${ago(changedAt, now)}`}</td>
    </tr>
  );
}

function CompanyStatusView({
  network,
  company,
  period,
  reload,
}: {
  readonly network: string;
  readonly company: string;
  readonly period: 'day' | 'week';
  readonly reload: number;
}) {
  const loaded = useApi(
    (signal) =>
      api.get<CompanyStatusAnswer>(
        `/api/v1/networks/${encodeURIComponent(network)}/status/companies/${encodeURIComponent(company)}`,
        { signal, query: { limit: 100 } },
      ),
    [network, company, reload],
  );
  if (loaded.state === 'loading') return <Loading what={`${company}'s orders`} waiting={loaded.waiting} />;
  if (loaded.state === 'failed') return <ErrorDisplay error={loaded.error} />;
  const answer = loaded.value;
  return (
    <section className="panel" aria-labelledby="company-status-title" data-testid="company-status">
      <h2 id="company-status-title">
        {answer.row.name} <span className="muted">({answer.row.company})</span>
      </h2>
      {answer.shortages.length > 0 ? (
        <ul>
          {answer.shortages.slice(0, 10).map((shortage) => (
            <li key={`${shortage.item}/${shortage.period}`}>
              {shortage.item}, {period} {shortage.period}:{' '}
              {quantity(shortage.quantity, unitOf(answer, shortage.item))} short — {shortage.cause.text}
            </li>
          ))}
        </ul>
      ) : null}
      {answer.bottlenecks.length > 0 ? (
        <p>
          Over the limit:{' '}
          {answer.bottlenecks
            .slice(0, 6)
            .map(
              (line) =>
                `${line.capacity} in ${period} ${line.period} (${quantity(line.load, line.unit)} of ${quantity(line.limit, line.unit)})`,
            )
            .join('; ')}
          {answer.bottlenecks.length > 6 ? `; and ${answer.bottlenecks.length - 6} more` : ''}
        </p>
      ) : null}
      <ScrollRegion label={`Orders of ${answer.row.name}`}>
        <table>
          <caption>
            Orders: open (under way) first, then planned by due — {answer.orders.length} of{' '}
            {answer.totalOrders}
          </caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Kind</th>
              <th scope="col">Item</th>
              <th scope="col" className="number">
                Quantity
              </th>
              <th scope="col">Planned</th>
              <th scope="col">ETA</th>
            </tr>
          </thead>
          <tbody>
            {answer.orders.map((order) => (
              <tr key={`${order.source}/${order.id}`}>
                <td>
                  <code>{order.id}</code>{' '}
                  <span className="muted">{order.source === 'open' ? 'under way' : 'planned'}</span>
                </td>
                <td>
                  {order.role === 'make'
                    ? 'makes'
                    : order.role === 'buy'
                      ? `buys from ${order.counterpart}`
                      : `for ${order.counterpart}`}
                </td>
                <td>{order.item}</td>
                <td className="number">{quantity(order.quantity, order.unit)}</td>
                <td>{order.plannedDue === null ? 'not known' : `${period} ${order.plannedDue}`}</td>
                <td className={order.delay > 0 ? 'text-late' : undefined}>
                  {period} {order.eta}
                  {order.delay > 0
                    ? ` (${count(order.delay, period)} late)`
                    : order.delay < 0
                      ? ` (${count(-order.delay, period)} early)`
                      : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </section>
  );
}

function unitOf(answer: CompanyStatusAnswer, item: string): string {
  return (
    answer.orders.find((order) => order.item === item)?.unit ??
    answer.row.shortages.find((line) => line.item === item)?.unit ??
    'pcs'
  );
}

/** A planner posts a capacity change (`capacity.changed`); the re-plan arrives through the stream. */
function PostEvent({
  network,
  period,
  horizon,
}: {
  readonly network: string;
  readonly period: 'day' | 'week';
  readonly horizon: number;
}) {
  const { user } = useSession();
  const [company, setCompany] = useState('');
  const [target, setTarget] = useState('');
  const [targetKind, setTargetKind] = useState<'item' | 'group'>('item');
  const [from, setFrom] = useState('0');
  const [capacity, setCapacity] = useState('');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<{ ok: string } | { failed: ApiFailure } | undefined>(undefined);
  if (user === null || user === undefined || !hasRole(user.role, 'planner')) return null;
  const submit = async () => {
    setSending(true);
    setResult(undefined);
    try {
      const answer = await api.post<{ appended: { sequence: number }[] }>('/api/v1/events', {
        events: [
          {
            type: 'capacity.changed',
            key: `web/${user.username}/${crypto.randomUUID()}`,
            at: new Date().toISOString(),
            source: `web:${user.username}`,
            payload: {
              network,
              company: company.trim(),
              [targetKind]: target.trim(),
              from: Number(from),
              capacity: Number(capacity),
            },
          },
        ],
      });
      const sequence = answer.appended[0]?.sequence;
      setResult({ ok: `Posted as event #${sequence ?? '?'}; the re-plan follows here when it is done.` });
    } catch (error) {
      setResult({ failed: asFailure(error) });
    } finally {
      setSending(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="post-event-title">
      <h2 id="post-event-title">Post a capacity change</h2>
      <form
        className="event-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <label>
          Company <input required value={company} onChange={(event) => setCompany(event.target.value)} />
        </label>
        <label htmlFor="event-target-kind">Of</label>
        <select
          id="event-target-kind"
          value={targetKind}
          onChange={(event) => setTargetKind(event.target.value as 'item' | 'group')}
        >
          <option value="item">the production of item</option>
          <option value="group">the capacity group</option>
        </select>
        <label>
          {targetKind === 'item' ? 'Item' : 'Group'}{' '}
          <input required value={target} onChange={(event) => setTarget(event.target.value)} />
        </label>
        <label>
          From {period}{' '}
          <input
            required
            type="number"
            min={0}
            max={horizon - 1}
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
        </label>
        <label>
          New capacity (per {period}){' '}
          <input
            required
            type="number"
            min={0}
            step="any"
            value={capacity}
            onChange={(event) => setCapacity(event.target.value)}
          />
        </label>
        <button type="submit" className="button-primary" disabled={sending}>
          {sending ? 'Posting…' : 'Post the change'}
        </button>
      </form>
      {result === undefined ? null : 'ok' in result ? (
        <p role="status">{result.ok}</p>
      ) : (
        <ErrorDisplay error={result.failed} title="The event was refused" />
      )}
    </section>
  );
}
