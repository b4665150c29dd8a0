/**
 * @module pages/connector/agreements-page
 * A company node's agreements, for its admins: the datasets it offers each partner with the usage
 * policy in words (who, for what, until when, how many tiers further), its negotiations and their
 * states (REQUESTED … FINALIZED, or TERMINATED with the reason), the agreements concluded, the
 * transfers, and the outbox (what waits for a partner that is down). `GET /api/v1/connector/agreements`
 * (admin) and `GET /api/v1/connector/outbox/summary` (planner).
 */
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count } from '../../components/format.ts';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { Link } from '../../router.tsx';
import { ConnectorOnly, Id, StateBadge, utc } from './connector-parts.tsx';
import { OutboxPanel } from './outbox-panel.tsx';
import { datasetKindWords, expiryWords, forwardDepthWords, policyWords } from './policy-words.ts';

interface PartnerRef {
  readonly company: string;
  readonly did: string;
  readonly bpnl: string;
}

interface ProcessView {
  readonly id: string;
  readonly dataset: string;
  readonly role: string;
  readonly partner: PartnerRef;
  readonly state: string;
  readonly protocolState: string;
  readonly agreementId?: string;
  readonly format?: string;
  readonly termination?: { readonly by: string; readonly code?: string; readonly reason: string };
  /** Past its state's deadline: the node checks on it (docs/node.md, "Processes that stall"). */
  readonly stalled?: {
    readonly state: string;
    readonly since: string;
    readonly checks: number;
    readonly last?: string;
  };
  /** This node ended it because it stalled; `told`: a termination message went to the partner. */
  readonly ended?: { readonly code: string; readonly told: boolean };
  readonly updatedAt: string;
}

export interface AgreementsView {
  readonly offers: readonly {
    readonly dataset: string;
    readonly kind?: string;
    readonly partner?: string;
    readonly policy: unknown;
    /** The access policy: who sees and may negotiate it (the partner's BPNL). */
    readonly access?: unknown;
  }[];
  readonly negotiations: readonly ProcessView[];
  readonly agreements: readonly {
    readonly id: string;
    readonly dataset: string;
    readonly policy: unknown;
    readonly provider: PartnerRef | 'self';
    readonly consumer: PartnerRef | 'self';
    readonly concludedAt: string;
  }[];
  readonly transfers: readonly ProcessView[];
}

export function AgreementsPage() {
  return (
    <>
      <h1>Agreements</h1>
      <p className="muted">
        What this company node offers its partners, under which usage policy, and what was agreed. Each
        partner sees only the datasets meant for it; every access is checked against the agreement and written
        to the <Link to="/connector/audit">audit trail</Link>. Admins only.
      </p>
      <ConnectorOnly>
        <AgreementsContent />
      </ConnectorOnly>
    </>
  );
}

function partyName(party: PartnerRef | 'self'): string {
  return party === 'self' ? 'this node' : party.company;
}

function AgreementsContent() {
  const loaded = useApi((signal) => api.get<AgreementsView>('/api/v1/connector/agreements', { signal }), []);
  const now = Date.now();
  if (loaded.state === 'loading') return <Loading what="agreements" />;
  if (loaded.state === 'failed') return <ErrorDisplay error={loaded.error} />;
  const view = loaded.value;
  const terminated = view.negotiations.filter((entry) => entry.protocolState === 'TERMINATED').length;
  return (
    <>
      <p>
        {count(view.offers.length, 'offer')}, {count(view.negotiations.length, 'negotiation')} (
        {count(terminated, 'terminated', 'terminated')}), {count(view.agreements.length, 'agreement')},{' '}
        {count(view.transfers.length, 'transfer')}.
      </p>

      <section aria-labelledby="offers-heading">
        <h2 id="offers-heading">Offers this node makes</h2>
        <ScrollRegion label="Offers">
          <table>
            <caption className="visually-hidden">
              Datasets offered, per partner, with their usage policy
            </caption>
            <thead>
              <tr>
                <th scope="col">Partner</th>
                <th scope="col">Dataset</th>
                <th scope="col">Who may use it</th>
                <th scope="col">Purpose</th>
                <th scope="col">Until</th>
                <th scope="col">Forward depth</th>
              </tr>
            </thead>
            <tbody>
              {view.offers.map((offer) => {
                const words = policyWords(offer.policy);
                const partners = [...new Set([...words.partners, ...policyWords(offer.access).partners])];
                return (
                  <tr key={offer.dataset}>
                    <td>{offer.partner ?? '—'}</td>
                    <td>
                      {datasetKindWords(offer.kind)}
                      <br />
                      <small>
                        <Id id={offer.dataset} />
                      </small>
                    </td>
                    <td>
                      {partners.length === 0 ? 'any active member' : partners.join(', ')}
                      {offer.partner === undefined ? '' : ` (${offer.partner})`}
                    </td>
                    <td>{words.purposes.join('; ') || 'any'}</td>
                    <td>{expiryWords(words.expiresAt, now)}</td>
                    <td>
                      {forwardDepthWords(words.forwardDepth)}
                      {words.thirdPartyForbidden ? '; third parties forbidden' : ''}
                      {words.other.length > 0 ? `; also ${words.other.join('; ')}` : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      </section>

      <section aria-labelledby="negotiations-heading">
        <h2 id="negotiations-heading">Negotiations</h2>
        <ProcessTable label="Negotiations" processes={view.negotiations} kind="negotiation" />
      </section>

      <section aria-labelledby="agreements-heading">
        <h2 id="agreements-heading">Agreements concluded</h2>
        <ScrollRegion label="Agreements">
          <table>
            <caption className="visually-hidden">Agreements with their parties and terms</caption>
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Provider → consumer</th>
                <th scope="col">Concluded</th>
                <th scope="col">Terms</th>
              </tr>
            </thead>
            <tbody>
              {view.agreements.map((agreement) => {
                const words = policyWords(agreement.policy);
                return (
                  <tr key={agreement.id}>
                    <td>
                      <Id id={agreement.dataset} />
                    </td>
                    <td>
                      {partyName(agreement.provider)} → {partyName(agreement.consumer)}
                    </td>
                    <td>{utc(agreement.concludedAt)}</td>
                    <td>
                      {words.purposes.join('; ') || 'any purpose'}; until {expiryWords(words.expiresAt, now)};{' '}
                      {forwardDepthWords(words.forwardDepth)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollRegion>
      </section>

      <section aria-labelledby="transfers-heading">
        <h2 id="transfers-heading">Transfers</h2>
        <ProcessTable label="Transfers" processes={view.transfers} kind="transfer" />
      </section>

      <OutboxPanel />
    </>
  );
}

function ProcessTable({
  label,
  processes,
  kind,
}: {
  readonly label: string;
  readonly processes: readonly ProcessView[];
  readonly kind: 'negotiation' | 'transfer';
}) {
  if (processes.length === 0) return <p className="muted">No {kind}s yet.</p>;
  // Ended badly first, then under way, then done: what needs a look comes first.
  const rank = (process: ProcessView) =>
    process.protocolState === 'TERMINATED' || process.protocolState === 'SUSPENDED'
      ? 0
      : process.protocolState === 'FINALIZED' || process.protocolState === 'COMPLETED'
        ? 2
        : 1;
  const sorted = [...processes].sort((a, b) => rank(a) - rank(b) || b.updatedAt.localeCompare(a.updatedAt));
  return (
    <ScrollRegion label={label}>
      <table>
        <caption className="visually-hidden">
          {label}: partner, dataset, this node's role, state and why it ended
        </caption>
        <thead>
          <tr>
            <th scope="col">Partner</th>
            <th scope="col">Dataset</th>
            <th scope="col">This node is</th>
            <th scope="col">State</th>
            <th scope="col">Reason / agreement</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((process) => (
            <tr key={process.id}>
              <td>{process.partner.company}</td>
              <td>
                <Id id={process.dataset} />
              </td>
              <td>{process.role}</td>
              <td>
                <StateBadge state={process.protocolState} />
                {process.state !== process.protocolState ? (
                  <small> ({process.state.toLowerCase()}: not yet delivered)</small>
                ) : null}
              </td>
              <td>
                {process.termination !== undefined ? (
                  <>
                    Ended by the {process.termination.by}
                    {process.termination.code === undefined ? '' : ` (${process.termination.code})`}:{' '}
                    {process.termination.reason || 'no reason given'}
                    {process.ended !== undefined && !process.ended.told ? (
                      <small> (ended on this side only: the partner was not told)</small>
                    ) : null}
                  </>
                ) : process.stalled !== undefined ? (
                  <>
                    Waiting in {process.stalled.state} since {utc(process.stalled.since)}
                    {process.stalled.last === undefined ? '' : `: ${process.stalled.last}`}
                  </>
                ) : process.agreementId !== undefined ? (
                  <Id id={process.agreementId} />
                ) : (
                  '—'
                )}
              </td>
              <td>{utc(process.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
