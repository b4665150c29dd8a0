/**
 * @module pages/connector/chain-status-page
 * "Status of everything behind order X" (`POST /api/v1/connector/status`, planners): this node asks
 * its suppliers, they ask theirs, each under its own consent; the assembled tree comes back with the
 * parts withheld (the owner's consent does not reach this node), unavailable or repeated marked with
 * their reason, and how many of the suppliers' signatures were verified.
 */
import { type FormEvent, useState } from 'react';
import { type ApiFailure, api } from '../../api/client.ts';
import { asFailure } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, duration, quantity, share } from '../../components/format.ts';
import { ConnectorOnly, utc } from './connector-parts.tsx';
import {
  missingWords,
  type StatusAnswer,
  type StatusPart,
  statusRows,
  statusTotals,
  suppliersInOrder,
} from './status-tree.ts';

type Asked =
  | { readonly state: 'idle' }
  | { readonly state: 'asking' }
  | { readonly state: 'done'; readonly answer: StatusAnswer; readonly tookMs: number }
  | { readonly state: 'failed'; readonly error: ApiFailure };

export function ChainStatusPage() {
  return (
    <>
      <h1>Chain-deep status</h1>
      <p className="muted">
        Ask the whole chain behind one of this company's orders or end demands. Each supplier answers for
        itself and passes the question on; a supplier's data reaches you only as far as its owner agreed (the
        forward depth of its status agreement). Planners and admins.
      </p>
      <ConnectorOnly>
        <ChainStatusContent />
      </ConnectorOnly>
    </>
  );
}

function ChainStatusContent() {
  const [order, setOrder] = useState('');
  const [timeoutS, setTimeoutS] = useState(10);
  const [asked, setAsked] = useState<Asked>({ state: 'idle' });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAsked({ state: 'asking' });
    const started = performance.now();
    try {
      const answer = await api.post<StatusAnswer>('/api/v1/connector/status', {
        order: order.trim(),
        timeoutMs: timeoutS * 1000,
      });
      setAsked({ state: 'done', answer, tookMs: performance.now() - started });
    } catch (error) {
      setAsked({ state: 'failed', error: asFailure(error) });
    }
  };
  return (
    <>
      <form className="form-row" onSubmit={(event) => void submit(event)} aria-label="Ask the chain">
        <label className="field">
          Order: ITEM, ITEM@PERIOD or an order id of the plan
          <input
            value={order}
            onChange={(event) => setOrder(event.target.value)}
            required
            maxLength={300}
            placeholder="e.g. LITHO-SCANNER"
          />
        </label>
        <label className="field">
          Wait for answers (seconds)
          <input
            type="number"
            min={1}
            max={60}
            value={timeoutS}
            onChange={(event) => setTimeoutS(Math.min(60, Math.max(1, Number(event.target.value) || 10)))}
          />
        </label>
        <div className="actions">
          <button type="submit" className="button-primary" disabled={asked.state === 'asking'}>
            Ask the chain
          </button>
        </div>
      </form>
      {asked.state === 'asking' ? <Loading what="the chain's answers" /> : null}
      {asked.state === 'failed' ? <ErrorDisplay error={asked.error} /> : null}
      {asked.state === 'done' ? <StatusResult answer={asked.answer} tookMs={asked.tookMs} /> : null}
    </>
  );
}

function StatusResult({ answer, tookMs }: { readonly answer: StatusAnswer; readonly tookMs: number }) {
  const rows = statusRows(answer.tree);
  const totals = statusTotals(rows);
  const { verification } = answer;
  return (
    <section aria-labelledby="status-answer" aria-live="polite">
      <h2 id="status-answer">Behind {answer.order}</h2>
      <p>
        Asked {utc(answer.askedAt)}, answered in {duration(tookMs)}:{' '}
        {count(totals.answered, 'company', 'companies')} answered down to tier {totals.depth};{' '}
        {count(totals.withheld, 'part')} withheld, {count(totals.unavailable, 'part')} unavailable,{' '}
        {count(totals.repeated, 'part')} repeated; {count(totals.shortages, 'shortage')},{' '}
        {count(totals.bottlenecks, 'bottleneck')}.
      </p>
      <p
        className={verification.failed.length > 0 ? 'chain-broken' : 'chain-intact'}
        data-testid="signatures"
      >
        Signatures: {count(verification.verified, 'part')} verified against its owner's key,{' '}
        {count(verification.failed.length, 'part')} failed
        {verification.failed.length > 0
          ? ` (${verification.failed.map((failure) => `${failure.owner}: ${failure.reason}`).join('; ')})`
          : ''}
        .
      </p>
      <ul className="status-tree">
        <PartItem part={answer.tree} />
      </ul>
    </section>
  );
}

function PartItem({ part }: { readonly part: StatusPart }) {
  if (part.status !== 'answered') {
    return (
      <li className="status-part-missing">
        <strong>{part.owner.name}</strong> — {missingWords(part.status)}: {part.reason}
      </li>
    );
  }
  return (
    <li>
      <details open>
        <summary>
          <strong>{part.owner.name}</strong> ({part.owner.bpnl}): {count(part.orders.length, 'order')},{' '}
          {part.shortages.length === 0 ? (
            'no shortage'
          ) : (
            <span className="flag">{count(part.shortages.length, 'shortage')}</span>
          )}
          {part.bottlenecks.length > 0 ? `, ${count(part.bottlenecks.length, 'bottleneck')}` : ''}
          {part.signature === undefined ? ' (unsigned: this node)' : ' (signed)'}
        </summary>
        <ul>
          {part.shortages.map((shortage) => (
            <li key={`${shortage.item}-${shortage.date}`}>
              <span className="flag">Short</span> {shortage.item} on {shortage.date}:{' '}
              {quantity(shortage.quantity, shortage.unit)} — {shortage.cause.text}
            </li>
          ))}
          {part.notes.map((note) => (
            <li key={note}>Note: {note}</li>
          ))}
          {part.orders.length === 0 ? null : (
            <li>
              <details>
                <summary>{count(part.orders.length, 'order')} behind the question</summary>
                <ul>
                  {part.orders.slice(0, 50).map((order) => (
                    <li key={order.id}>
                      {order.kind === 'purchase' ? `Buys from ${order.supplier?.name ?? '?'}` : 'Makes'}{' '}
                      {order.item}: {quantity(order.quantity, order.unit)} of{' '}
                      {quantity(order.orderQuantity, order.unit)}, due {order.dueDate}
                      {order.open ? ' (open order)' : ''}
                    </li>
                  ))}
                  {part.orders.length > 50 ? <li>… {count(part.orders.length - 50, 'order')} more</li> : null}
                </ul>
              </details>
            </li>
          )}
          {part.bottlenecks.length === 0 ? null : (
            <li>
              <details>
                <summary>{count(part.bottlenecks.length, 'bottleneck')}</summary>
                <ul>
                  {part.bottlenecks.map((bottleneck) => (
                    <li key={`${bottleneck.capacity}-${bottleneck.date}`}>
                      {bottleneck.capacity} on {bottleneck.date}: load{' '}
                      {share(bottleneck.limit > 0 ? bottleneck.load / bottleneck.limit : 1)} of its limit
                    </li>
                  ))}
                </ul>
              </details>
            </li>
          )}
          {suppliersInOrder(part.suppliers).map((supplier) => (
            <PartItem key={`${supplier.owner.bpnl}:${supplier.status}`} part={supplier} />
          ))}
        </ul>
      </details>
    </li>
  );
}
