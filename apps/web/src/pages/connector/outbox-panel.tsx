/**
 * @module pages/connector/outbox-panel
 * The outbox in one panel (`GET /api/v1/connector/outbox/summary`): what waits for delivery and when
 * it is tried next, what was given up with the receiver's reason, and what went out last. A partner
 * that is down shows here as pending messages with a growing attempt count.
 */
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count } from '../../components/format.ts';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { utc } from './connector-parts.tsx';

interface OutboxLine {
  readonly sequence: number;
  readonly id: string;
  readonly to: string;
  readonly path: string;
  readonly kind: string;
  readonly createdAt: string;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly deliveredAt?: string;
  readonly lastError?: string;
  readonly abandonedAt?: string;
}

interface OutboxSummary {
  readonly pending: readonly OutboxLine[];
  readonly abandoned: readonly OutboxLine[];
  readonly delivered: readonly OutboxLine[];
  readonly counts: { readonly pending: number; readonly abandoned: number; readonly delivered: number };
  readonly capped: boolean;
}

export function OutboxPanel() {
  const loaded = useApi(
    (signal) => api.get<OutboxSummary>('/api/v1/connector/outbox/summary', { signal }),
    [],
  );
  return (
    <section className="panel" aria-labelledby="outbox-heading">
      <h2 id="outbox-heading">Outbox</h2>
      {loaded.state === 'loading' ? <Loading what="the outbox" /> : null}
      {loaded.state === 'failed' ? <ErrorDisplay error={loaded.error} /> : null}
      {loaded.state === 'done' ? <OutboxContent summary={loaded.value} /> : null}
    </section>
  );
}

function OutboxContent({ summary }: { readonly summary: OutboxSummary }) {
  const more = summary.capped ? ' or more' : '';
  return (
    <>
      <p className="outbox-counts">
        <span>
          {count(summary.counts.pending, 'message')} pending{more}
        </span>
        <span>
          {count(summary.counts.delivered, 'message')} delivered{more}
        </span>
        <span className={summary.counts.abandoned > 0 ? 'flag' : undefined}>
          {count(summary.counts.abandoned, 'message')} abandoned{more}
        </span>
      </p>
      <OutboxTable
        label="Pending messages"
        lines={summary.pending}
        empty="Nothing waits: every message reached its partner."
        last={(line) =>
          `${count(line.attempts, 'attempt')} so far; next ${utc(line.nextAttemptAt)}${line.lastError === undefined ? '' : `; last error: ${line.lastError}`}`
        }
      />
      <OutboxTable
        label="Abandoned messages"
        lines={summary.abandoned}
        empty="None abandoned."
        last={(line) => `given up ${utc(line.abandonedAt)}: ${line.lastError ?? 'no reason recorded'}`}
      />
      <OutboxTable
        label="Delivered last"
        lines={summary.delivered}
        empty="Nothing delivered yet."
        last={(line) => `delivered ${utc(line.deliveredAt)} after ${count(line.attempts, 'attempt')}`}
      />
    </>
  );
}

function OutboxTable({
  label,
  lines,
  empty,
  last,
}: {
  readonly label: string;
  readonly lines: readonly OutboxLine[];
  readonly empty: string;
  readonly last: (line: OutboxLine) => string;
}) {
  return (
    <>
      <h3>{label}</h3>
      {lines.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ScrollRegion label={label}>
          <table>
            <caption className="visually-hidden">{label}</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">What</th>
                <th scope="col">To</th>
                <th scope="col">Created</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => (
                <tr key={line.sequence}>
                  <td>{line.sequence}</td>
                  <td>{line.kind}</td>
                  <td>
                    {line.to}
                    {line.path}
                  </td>
                  <td>{utc(line.createdAt)}</td>
                  <td>{last(line)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </>
  );
}
