/**
 * @module pages/plan/changes-view
 * The diff after the latest re-plan (`GET …/plan/changes`): one line for the whole, then per company
 * (most changes first) its orders that are new, changed (fields before → after) or cancelled, the
 * shortages of its end demand that moved, and why it must be told. `reload` changes when the live
 * stream reports a re-plan, so the page shows it without a reload.
 */
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, quantity } from '../../components/format.ts';
import { groupChanges, type PlanChangesAnswer, summarizeChanges } from './plan-changes.ts';

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
  if (!props.replanned) {
    return (
      <p data-testid="plan-changes">
        Not re-planned since this node started. When a planner posts an event (a capacity change, a supplier
        down, new demand), the re-plan's changes appear here.
      </p>
    );
  }
  return <LatestChanges {...props} />;
}

function LatestChanges({
  network,
  reload,
  periodUnit,
  units,
}: {
  readonly network: string;
  readonly reload: number;
  readonly periodUnit: 'day' | 'week';
  readonly units: ReadonlyMap<string, string>;
}) {
  const loaded = useApi(
    (signal) =>
      api.get<PlanChangesAnswer>(`/api/v1/networks/${encodeURIComponent(network)}/plan/changes`, { signal }),
    [network, reload],
  );
  if (loaded.state === 'loading') return <Loading what="the latest re-plan" waiting={loaded.waiting} />;
  if (loaded.state === 'failed') {
    if (loaded.error.code === 'no-plan-changes') {
      return (
        <p data-testid="plan-changes">
          Not re-planned since this node started. When a planner posts an event (a capacity change, a supplier
          down, new demand), the re-plan's changes appear here.
        </p>
      );
    }
    return <ErrorDisplay error={loaded.error} />;
  }
  return <ChangesBody network={network} changes={loaded.value} periodUnit={periodUnit} units={units} />;
}

/** The diff, each quantity in its item's unit (asked of the node for the items shown: `…/items`). */
function ChangesBody({
  network,
  changes,
  periodUnit,
  units,
}: {
  readonly network: string;
  readonly changes: PlanChangesAnswer;
  readonly periodUnit: 'day' | 'week';
  readonly units: ReadonlyMap<string, string>;
}) {
  const grouped = groupChanges(changes.diff);
  const shown = grouped.slice(0, COMPANIES_SHOWN);
  const missing = [
    ...new Set(
      shown.flatMap((company) => [
        ...company.orders.slice(0, ORDERS_SHOWN).map((order) => order.order.item),
        ...company.shortages.map((shortage) => shortage.item),
      ]),
    ),
  ]
    .filter((item) => !units.has(item))
    .sort()
    .slice(0, 500);
  const asked = useApi(
    (signal) =>
      missing.length === 0
        ? Promise.resolve({ items: [] as { id: string; unit: string }[] })
        : api.get<{ items: { id: string; unit: string }[] }>(
            `/api/v1/networks/${encodeURIComponent(network)}/items`,
            { signal, query: { ids: missing.join(',') } },
          ),
    [network, missing.join(',')],
  );
  const known = new Map(units);
  if (asked.state === 'done') for (const item of asked.value.items) known.set(item.id, item.unit);
  // Until the units are known, a quantity is shown as a count of its item, never with a guessed unit.
  const unitOf = (item: string) => known.get(item) ?? 'units';
  return (
    <div data-testid="plan-changes">
      <p>
        <strong>{summarizeChanges(changes.diff)}.</strong>{' '}
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
      {grouped.length === 0 ? null : (
        <ul className="change-list">
          {shown.map((company) => (
            <li key={company.company}>
              <details>
                <summary>
                  <strong>{company.company}</strong>: {company.added} new, {company.changed} changed,{' '}
                  {company.removed} cancelled
                  {company.shortages.length > 0
                    ? `, ${count(company.shortages.length, 'shortage')} moved`
                    : ''}
                </summary>
                {company.reasons.length > 0 ? <p>Tell them: {company.reasons.join('; ')}.</p> : null}
                {company.orders.length > 0 ? (
                  <table>
                    <caption className="visually-hidden">Orders of {company.company} that changed</caption>
                    <thead>
                      <tr>
                        <th scope="col">Order</th>
                        <th scope="col">Change</th>
                        <th scope="col">What</th>
                      </tr>
                    </thead>
                    <tbody>
                      {company.orders.slice(0, ORDERS_SHOWN).map((order) => (
                        <tr key={`${order.change}/${order.id}`}>
                          <td>
                            <code>{order.id}</code>
                          </td>
                          <td>{order.change}</td>
                          <td>
                            {order.change === 'changed'
                              ? order.fields
                                  .map((field) => `${field.field} ${field.before} → ${field.after}`)
                                  .join(', ')
                              : `${quantity(order.order.quantity, unitOf(order.order.item))} ${order.order.item}` +
                                `${order.order.supplier === undefined ? '' : ` from ${order.order.supplier}`}, ${periodUnit} ${order.order.start} → ${order.order.due}`}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : null}
                {company.orders.length > ORDERS_SHOWN ? (
                  <p className="muted">and {count(company.orders.length - ORDERS_SHOWN, 'more order')}</p>
                ) : null}
                {company.shortages.length > 0 ? (
                  <ul>
                    {company.shortages.map((shortage) => (
                      <li key={`${shortage.item}/${shortage.period}`}>
                        {shortage.item}, {periodUnit} {shortage.period}: shortage {shortage.change} (
                        {quantity(shortage.before, unitOf(shortage.item))} →{' '}
                        {quantity(shortage.after, unitOf(shortage.item))}
                        ): {shortage.cause.text}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </details>
            </li>
          ))}
        </ul>
      )}
      {grouped.length > COMPANIES_SHOWN ? (
        <p className="muted">
          and {count(grouped.length - COMPANIES_SHOWN, 'more company', 'more companies')}
        </p>
      ) : null}
    </div>
  );
}
