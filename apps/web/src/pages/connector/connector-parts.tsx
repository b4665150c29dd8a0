/**
 * @module pages/connector/connector-parts
 * What the connector pages share: the note shown on a node without a connector, a process state as a
 * badge (ended badly in red, done in green, under way plain), times in UTC, and ids shortened with the
 * full text kept for screen readers and as a tooltip.
 */
import type { ReactNode } from 'react';
import { Loading } from '../../components/error-display.tsx';
import { shortId } from './audit-view.ts';
import { useHasConnector } from './use-connector.ts';
import '../../analysis.css';
import './connector.css';

/** Renders `children` only on a node with a connector; says so otherwise. */
export function ConnectorOnly({ children }: { readonly children: ReactNode }) {
  const has = useHasConnector();
  if (has === undefined) return <Loading what="this node's connector" />;
  if (!has)
    return (
      <p className="notice" role="status">
        This node has no connector: it is not a company node of a network, so it makes no agreements and keeps
        no exchange audit. Open the web app of a company node (with <code>npm start</code>, ports 8081 and up)
        to see its agreements.
      </p>
    );
  return <>{children}</>;
}

const BAD = new Set(['TERMINATED', 'denied', 'refused', 'withheld', 'abandoned', 'SUSPENDED']);
const GOOD = new Set(['FINALIZED', 'COMPLETED', 'STARTED', 'granted', 'delivered', 'answered']);

export function StateBadge({ state }: { readonly state: string }) {
  const className = BAD.has(state) ? 'flag' : GOOD.has(state) ? 'ok-badge' : 'plain-badge';
  return <span className={className}>{state}</span>;
}

/** `2026-01-05T10:11:12.345Z` → `2026-01-05 10:11:12 UTC`. */
export function utc(at: string | undefined): string {
  if (at === undefined) return '—';
  return `${at.slice(0, 19).replace('T', ' ')} UTC`;
}

export function Id({ id }: { readonly id: string }) {
  const short = shortId(id);
  return (
    <span className="id" title={id}>
      {short}
    </span>
  );
}
