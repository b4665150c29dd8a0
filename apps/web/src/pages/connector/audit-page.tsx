/**
 * @module pages/connector/audit-page
 * The node's audit trail, for its admins (`GET /api/v1/connector/audit/search`): who accessed what
 * and when, denials with the constraint that failed and why, filtered by partner, action and outcome
 * (kept in the address, so a view can be bookmarked), paged back from the newest, and the hash chain
 * checked over the whole trail: intact, or the entry where it breaks.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count } from '../../components/format.ts';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { navigate, useLocation } from '../../router.tsx';
import type { AgreementsView } from './agreements-page.tsx';
import {
  type AuditPage as AuditAnswer,
  type AuditFilter,
  actorWords,
  apiQuery,
  chainWords,
  denialWords,
  EMPTY_FILTER,
  filterFromSearch,
  newestPage,
  OUTCOMES,
  olderPage,
  PAGE_SIZES,
  partyNames,
  REFUSALS,
  searchFromFilter,
} from './audit-view.ts';
import { ConnectorOnly, Id, StateBadge, utc } from './connector-parts.tsx';

const ACTIONS = [
  ['', 'any action'],
  ['catalog', 'catalog reads'],
  ['negotiation', 'negotiations'],
  ['transfer', 'transfers'],
  ['data', 'data pushed and received'],
  ['status', 'chain-deep status'],
] as const;

export function AuditPage() {
  return (
    <>
      <h1>Audit trail</h1>
      <p className="muted">
        Every access of a partner to this node's data, every decision and message, in a hash chain: each entry
        carries the hash of the one before, so a changed or removed entry shows. Admins only.
      </p>
      <ConnectorOnly>
        <AuditContent />
      </ConnectorOnly>
    </>
  );
}

function AuditContent() {
  const location = useLocation();
  const filter = filterFromSearch(location.search.toString());
  const key = searchFromFilter(filter);
  const loaded = useApi(
    (signal) => api.get<AuditAnswer>('/api/v1/connector/audit/search', { signal, query: apiQuery(filter) }),
    [key],
  );
  // The partners' names for the actors' DIDs (one read; the page works without it).
  const parties = useApi(
    (signal) =>
      api
        .get<AgreementsView>('/api/v1/connector/agreements', { signal })
        .then((view) =>
          partyNames([...view.negotiations, ...view.transfers].map((process) => process.partner)),
        )
        .catch(() => new Map<string, string>()),
    [],
  );
  const names = parties.state === 'done' ? parties.value : new Map<string, string>();
  const go = (next: AuditFilter) => navigate(`/connector/audit${searchFromFilter(next)}`);
  return (
    <>
      <FilterForm filter={filter} onApply={go} />
      {loaded.state === 'loading' ? <Loading what="the audit trail" /> : null}
      {loaded.state === 'failed' ? <ErrorDisplay error={loaded.error} /> : null}
      {loaded.state === 'done' ? (
        <AuditResults page={loaded.value} filter={filter} go={go} names={names} />
      ) : null}
    </>
  );
}

function FilterForm({
  filter,
  onApply,
}: {
  readonly filter: AuditFilter;
  readonly onApply: (filter: AuditFilter) => void;
}) {
  const [partner, setPartner] = useState(filter.partner);
  const [action, setAction] = useState(filter.action);
  const [outcome, setOutcome] = useState(filter.outcome);
  const [limit, setLimit] = useState(filter.limit);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ partner: partner.trim(), action, outcome, limit });
  };
  return (
    <form className="form-row" onSubmit={submit} aria-label="Filter the audit trail">
      <label className="field">
        Partner (DID, BPNL or company in actor or resource)
        <input value={partner} onChange={(event) => setPartner(event.target.value)} maxLength={200} />
      </label>
      <label className="field">
        Action
        <select value={action} onChange={(event) => setAction(event.target.value)}>
          {ACTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Outcome
        <select value={outcome} onChange={(event) => setOutcome(event.target.value)}>
          <option value="">any outcome</option>
          {OUTCOMES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        Entries per page
        <select value={limit} onChange={(event) => setLimit(Number(event.target.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size} entries
            </option>
          ))}
        </select>
      </label>
      <div className="actions">
        <button type="submit" className="button-primary">
          Filter
        </button>
        <button
          type="button"
          className="button-quiet"
          onClick={() => {
            setPartner('');
            setAction('');
            setOutcome('');
            setLimit(EMPTY_FILTER.limit);
            onApply(EMPTY_FILTER);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

function AuditResults({
  page,
  filter,
  go,
  names,
}: {
  readonly names: ReadonlyMap<string, string>;
  readonly page: AuditAnswer;
  readonly filter: AuditFilter;
  readonly go: (filter: AuditFilter) => void;
}) {
  const chain = chainWords(page.chain, page.total);
  const older = olderPage(filter, page);
  return (
    <>
      <p className={chain.broken ? 'chain-broken' : 'chain-intact'} role="status" data-testid="chain">
        {chain.text}
      </p>
      <p aria-live="polite">
        {count(page.matched, 'entry', 'entries')} match of {count(page.total, 'entry', 'entries')}; showing{' '}
        {count(page.entries.length, 'entry', 'entries')}
        {filter.before === undefined ? ', the newest first' : ` before entry ${filter.before}`}.
      </p>
      {page.entries.length === 0 ? (
        <p className="muted">No entry matches.</p>
      ) : (
        <ScrollRegion label="Audit entries">
          <table>
            <caption className="visually-hidden">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Did</th>
                <th scope="col">On</th>
                <th scope="col">Outcome</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((entry) => {
                const denial = REFUSALS.has(entry.outcome) ? denialWords(entry.reason) : undefined;
                return (
                  <tr key={entry.sequence}>
                    <td>{entry.sequence}</td>
                    <td>{utc(entry.at)}</td>
                    <td title={entry.actor}>{actorWords(names, entry.actor)}</td>
                    <td>{entry.action}</td>
                    <td>
                      <Id id={entry.resource} />
                    </td>
                    <td>
                      <StateBadge state={entry.outcome} />
                    </td>
                    <td>
                      {denial === undefined ? (
                        (entry.reason ?? '')
                      ) : (
                        <>
                          {denial.constraint === undefined ? null : (
                            <strong>Failed: {denial.constraint}. </strong>
                          )}
                          {denial.why}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <nav className="actions" aria-label="Audit pages">
        <button
          type="button"
          className="button-quiet"
          disabled={filter.before === undefined}
          onClick={() => go(newestPage(filter))}
        >
          Newest
        </button>
        <button
          type="button"
          className="button-quiet"
          disabled={older === undefined}
          onClick={() => older !== undefined && go(older)}
        >
          Older entries
        </button>
      </nav>
    </>
  );
}
