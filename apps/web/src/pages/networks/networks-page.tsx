/**
 * @module pages/networks
 * The networks this node holds (`GET /api/v1/networks`), each with its size and links to its views.
 */
import { api } from '../../api/client.ts';
import type { NetworkListEntry } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count } from '../../components/format.ts';
import { Link, pathTo } from '../../router.tsx';

export function NetworksPage() {
  const loaded = useApi(
    (signal) => api.get<{ networks: NetworkListEntry[] }>('/api/v1/networks', { signal }),
    [],
  );
  return (
    <>
      <h1>Networks</h1>
      <p className="explain start-here">
        A network is the companies that supply each other, down to raw materials. To see where one is weak —
        companies short of parts, capacities over their limit, parts with a single supplier — and to run a
        stress test, open its overview: <strong>Start here</strong> below.
      </p>
      {loaded.state === 'loading' ? <Loading what="networks" /> : null}
      {loaded.state === 'failed' ? <ErrorDisplay error={loaded.error} /> : null}
      {loaded.state === 'done' && loaded.value.networks.length === 0 ? (
        <p>
          This node holds no network yet. A planner imports one with <code>keten import FILE</code> or{' '}
          <code>POST /api/v1/networks</code>.
        </p>
      ) : null}
      {loaded.state === 'done' ? (
        <ul className="cards">
          {loaded.value.networks.map((entry) => (
            <li key={entry.network} className="card">
              <h2>
                <Link to={pathTo('/networks/:name', { name: entry.network })}>{entry.network}</Link>
              </h2>
              <p>
                {count(entry.summary.companies, 'company', 'companies')} in{' '}
                {count(entry.summary.tiers, 'tier')}, {count(entry.summary.items, 'item')},{' '}
                {count(entry.summary.sourcingLinks, 'sourcing link')}
              </p>
              <p className="muted">
                version {entry.latestVersion} of {entry.versions}, updated{' '}
                {new Date(entry.updatedAt).toLocaleString('en-GB', { timeZone: 'UTC' })} UTC
              </p>
              <p>
                <Link
                  to={pathTo('/networks/:name', { name: entry.network })}
                  className="button-primary button-link"
                >
                  Start here: weak spots at a glance
                </Link>
              </p>
              <p className="card-links">
                <Link to={pathTo('/networks/:name/map', { name: entry.network })}>Map</Link>
                <Link to={pathTo('/networks/:name/graph', { name: entry.network })}>Graph</Link>
                <Link to={pathTo('/networks/:name/stress', { name: entry.network })}>
                  Weak spots (stress test)
                </Link>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
