/**
 * @module pages/plan/changes-view
 * The diff after the latest re-plan, asked of the node in pages (`plan-changes.ts`): one line for the
 * whole, then the companies it touches, 25 at a time (most changes first); a company's orders that are
 * new, changed (fields before → after) or cancelled, 40 at a time, the shortages of its end demand that
 * moved and why it must be told are asked when its entry is opened. `reload` changes when the live
 * stream reports a re-plan, so the page shows it without a reload.
 */

import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, quantity } from '../../components/format.ts';
import {
  type ChangedOrder,
  type CompanyChanges,
  type CompanyCounts,
  changedFields,
  type PlanChangesSummary,
  type ShortageChange,
  summarizeChanges,
} from './plan-changes.ts';

const COMPANIES_SHOWN = 25;
const ORDERS_SHOWN = 40;

export function ChangesView(props: {
  readonly network: string;
  /** Whether the node has re-planned the network since it started (else there is nothing to ask). */
  readonly replanned: boolean;
  readonly reload: number;
  readonly periodUnit: 'day' | 'week';
  readonly units: ReadonlyMap<string, string>;
}) {
  if (!props.replanned) return NOT_REPLANNED;
  return <LatestChanges {...props} />;
}

/** The offsets of the pages after the first, `pages` pages of `size` in all. */
const laterPages = (pages: number, size: number) =>
  Array.from({ length: pages - 1 }, (_, page) => (page + 1) * size);

interface Shared {
  readonly network: string;
  readonly periodUnit: 'day' | 'week';
  readonly units: ReadonlyMap<string, string>;
}

const NOT_REPLANNED = (
  <p data-testid="plan-changes">
    Not re-planned since this node started. When a planner posts an event (a capacity change, a supplier down,
    new demand), the re-plan's changes appear here.
  </p>
);

function LatestChanges(props: Shared & { readonly reload: number }) {
  const { network, reload } = props;
  const [pages, setPages] = useState(1);
  const loaded = useApi(
    (signal) =>
      api.get<PlanChangesSummary>(`/api/v1/networks/${encodeURIComponent(network)}/plan/changes/summary`, {
        signal,
        query: { limit: COMPANIES_SHOWN },
      }),
    [network, reload],
  );
  if (loaded.state === 'loading') return <Loading what="the latest re-plan" waiting={loaded.waiting} />;
  if (loaded.state === 'failed') {
    if (loaded.error.code === 'no-plan-changes') return NOT_REPLANNED;
    return <ErrorDisplay error={loaded.error} />;
  }
  const changes = loaded.value;
  const total = changes.companies.total;
  const shown = Math.min(total, pages * COMPANIES_SHOWN);
  return (
    <div data-testid="plan-changes">
      <p>
        <strong>{summarizeChanges(changes.totals)}.</strong>{' '}
        <span className="muted">
          Re-planned {new Date(changes.at).toLocaleTimeString('en-GB')} with the events up to #
          {changes.through}: {count(changes.stats.recomputed, 'node')} of {count(changes.stats.nodes, 'node')}{' '}
          computed again in {changes.stats.seconds.toFixed(3)} s.
        </span>
      </p>
      {changes.failure === undefined ? null : (
        <p className="notice" role="alert">
          A later re-plan failed: {changes.failure.message} <code>{changes.failure.code}</code>
        </p>
      )}
      {total === 0 ? null : (
        <ul className="change-list">
          {changes.companies.items.map((company) => (
            <CompanyEntry key={company.company} {...props} counts={company} />
          ))}
          {laterPages(pages, COMPANIES_SHOWN).map((offset) => (
            <CompaniesPage key={offset} {...props} offset={offset} />
          ))}
        </ul>
      )}
      {shown < total ? (
        <p className="muted">
          {count(shown, 'company', 'companies')} of {total} shown.{' '}
          <button type="button" onClick={() => setPages(pages + 1)}>
            Show {Math.min(COMPANIES_SHOWN, total - shown)} more
          </button>
        </p>
      ) : null}
    </div>
  );
}

/** A later page of the companies (their entries, in the list the first page started). */
function CompaniesPage(props: Shared & { readonly reload: number; readonly offset: number }) {
  const { network, reload, offset } = props;
  const loaded = useApi(
    (signal) =>
      api.get<PlanChangesSummary>(`/api/v1/networks/${encodeURIComponent(network)}/plan/changes/summary`, {
        signal,
        query: { offset, limit: COMPANIES_SHOWN },
      }),
    [network, reload, offset],
  );
  if (loaded.state === 'loading')
    return (
      <li>
        <Loading what="more companies" waiting={loaded.waiting} />
      </li>
    );
  if (loaded.state === 'failed')
    return (
      <li>
        <ErrorDisplay error={loaded.error} />
      </li>
    );
  return (
    <>
      {loaded.value.companies.items.map((company) => (
        <CompanyEntry key={company.company} {...props} counts={company} />
      ))}
    </>
  );
}

/** A company's line; its orders, shortages and reasons are asked for when it is opened. */
function CompanyEntry(props: Shared & { readonly reload: number; readonly counts: CompanyCounts }) {
  const { counts } = props;
  const [open, setOpen] = useState(false);
  return (
    <li>
      <details onToggle={(event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
        <summary>
          <strong>{counts.company}</strong>: {counts.added} new, {counts.changed} changed, {counts.removed}{' '}
          cancelled
          {counts.shortages > 0 ? `, ${count(counts.shortages, 'shortage')} moved` : ''}
        </summary>
        {open ? <CompanyDetail {...props} /> : null}
      </details>
    </li>
  );
}

function CompanyDetail(props: Shared & { readonly reload: number; readonly counts: CompanyCounts }) {
  const { network, reload, counts } = props;
  const [pages, setPages] = useState(1);
  const loaded = useApi(
    (signal) =>
      api.get<CompanyChanges>(
        `/api/v1/networks/${encodeURIComponent(network)}/plan/changes/companies/${encodeURIComponent(counts.company)}`,
        { signal, query: { limit: ORDERS_SHOWN } },
      ),
    [network, reload, counts.company],
  );
  if (loaded.state === 'loading')
    return <Loading what={`the changes of ${counts.company}`} waiting={loaded.waiting} />;
  if (loaded.state === 'failed') return <ErrorDisplay error={loaded.error} />;
  const detail = loaded.value;
  const total = detail.orders.total;
  const shown = Math.min(total, pages * ORDERS_SHOWN);
  return (
    <>
      {detail.reasons.length > 0 ? (
        <p>Tell them: {detail.reasons.map((reason) => reason.text).join('; ')}.</p>
      ) : null}
      {total > 0 ? (
        <table>
          <caption className="visually-hidden">Orders of {counts.company} that changed</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Change</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <OrderRows {...props} orders={detail.orders.items} />
          {laterPages(pages, ORDERS_SHOWN).map((offset) => (
            <OrdersPage key={offset} {...props} offset={offset} />
          ))}
        </table>
      ) : null}
      {shown < total ? (
        <p className="muted">
          {count(shown, 'order')} of {total} shown.{' '}
          <button type="button" onClick={() => setPages(pages + 1)}>
            Show {Math.min(ORDERS_SHOWN, total - shown)} more orders of {counts.company}
          </button>
        </p>
      ) : null}
      {detail.shortages.length > 0 ? <ShortageList {...props} shortages={detail.shortages} /> : null}
    </>
  );
}

function OrdersPage(
  props: Shared & { readonly reload: number; readonly counts: CompanyCounts; readonly offset: number },
) {
  const { network, reload, counts, offset } = props;
  const loaded = useApi(
    (signal) =>
      api.get<CompanyChanges>(
        `/api/v1/networks/${encodeURIComponent(network)}/plan/changes/companies/${encodeURIComponent(counts.company)}`,
        { signal, query: { offset, limit: ORDERS_SHOWN } },
      ),
    [network, reload, counts.company, offset],
  );
  if (loaded.state !== 'done')
    return (
      <tbody>
        <tr>
          <td colSpan={3}>
            {loaded.state === 'loading' ? (
              <Loading what="more orders" waiting={loaded.waiting} />
            ) : (
              <ErrorDisplay error={loaded.error} />
            )}
          </td>
        </tr>
      </tbody>
    );
  return <OrderRows {...props} orders={loaded.value.orders.items} />;
}

/** The units of `items` not in `units`, asked of the node (`…/items`); a count of the item until known. */
function useUnitOf(network: string, units: ReadonlyMap<string, string>, items: readonly string[]) {
  const missing = [...new Set(items)]
    .filter((item) => !units.has(item))
    .sort()
    .slice(0, 500);
  const asked = useApi(
    (signal) =>
      missing.length === 0
        ? Promise.resolve({ items: [] as { id: string; unit: string }[] })
        : api.get<{ items: { id: string; unit: string }[] }>(
            `/api/v1/networks/${encodeURIComponent(network)}/items`,
            {
              signal,
              query: { ids: missing.join(',') },
            },
          ),
    [network, missing.join(',')],
  );
  const known = new Map(units);
  if (asked.state === 'done') for (const item of asked.value.items) known.set(item.id, item.unit);
  // Until the units are known, a quantity is shown as a count of its item, never with a guessed unit.
  return (item: string) => known.get(item) ?? 'units';
}

function OrderRows({
  network,
  units,
  periodUnit,
  orders,
}: Shared & { readonly orders: readonly ChangedOrder[] }) {
  const unitOf = useUnitOf(
    network,
    units,
    orders.map((entry) => entry.order.item),
  );
  return (
    <tbody>
      {orders.map((entry) => (
        <tr key={`${entry.change}/${entry.id}`}>
          <td>
            <code>{entry.id}</code>
          </td>
          <td>{entry.change}</td>
          <td>
            {entry.change === 'changed'
              ? changedFields(entry)
                  .map((field) => `${field.field} ${field.before} → ${field.after}`)
                  .join(', ')
              : `${quantity(entry.order.quantity, unitOf(entry.order.item))} ${entry.order.item}` +
                `${entry.order.supplier === undefined ? '' : ` from ${entry.order.supplier}`}, ${periodUnit} ${entry.order.start} → ${entry.order.due}`}
          </td>
        </tr>
      ))}
    </tbody>
  );
}

function ShortageList({
  network,
  units,
  periodUnit,
  shortages,
}: Shared & { readonly shortages: readonly ShortageChange[] }) {
  const unitOf = useUnitOf(
    network,
    units,
    shortages.map((shortage) => shortage.item),
  );
  return (
    <ul>
      {shortages.map((shortage) => (
        <li key={`${shortage.item}/${shortage.period}`}>
          {shortage.item}, {periodUnit} {shortage.period}: shortage {shortage.change} (
          {quantity(shortage.before, unitOf(shortage.item))} →{' '}
          {quantity(shortage.after, unitOf(shortage.item))}): {shortage.cause.text}
        </li>
      ))}
    </ul>
  );
}
