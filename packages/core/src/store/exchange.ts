/**
 * @module store/exchange
 * What a company node stores of its exchanges with other nodes, as one port: the inbox (keys of the
 * messages it has accepted, so a message delivered twice is applied once), the outbox (messages it
 * has decided to send, kept until the receiver confirms them), records (negotiations, transfer
 * processes, agreements: versioned JSON documents), the audit trail (every access to the node's data,
 * hash-chained so that a changed or deleted entry shows), and the nonces of authenticated requests
 * (so a replayed request is refused).
 *
 * The unit of work is `commit`: everything a node decides on receiving a message or taking a decision
 * — the inbox key, the new state of its records, the messages to send, the events for its log, the
 * audit entries — is written in one transaction or not at all. That is what makes the node's promise
 * hold: nothing accepted is lost on a crash, nothing is applied twice, and a decision whose message
 * was not yet sent is sent after a restart (the outbox still holds it).
 *
 * The port (`ExchangeStore` and its types) is in `ports.ts`, with the others. Implementations:
 * `MemoryExchangeStore` (core, for tests and simulation) and the SQL one in
 * `@keten/store` (PGlite, PostgreSQL); `packages/store/test/exchange-contract.ts` runs against all.
 */
import { canonicalJson } from './canonical-json.ts';
import type { AuditEntry, AuditInput, AuditSearchQuery, CommitOutcome, RecordWrite } from './ports.ts';
import { sha256Hex } from './sha256.ts';

/** The previous hash of the first audit entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of an audit entry: SHA-256 over the previous hash and the canonical JSON (RFC 8785) of the
 * entry's content, so changing, inserting or deleting any entry breaks every hash after it. `hash` is
 * SHA-256 as hex (default: core's plain-TypeScript `sha256Hex`; adapters pass `node:crypto`'s).
 */
export function auditHash(
  previousHash: string,
  entry: Omit<AuditEntry, 'hash' | 'previousHash'>,
  hash: (text: string) => string = sha256Hex,
): string {
  const content: Record<string, unknown> = {
    sequence: entry.sequence,
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    resource: entry.resource,
    outcome: entry.outcome,
  };
  if (entry.reason !== undefined) content.reason = entry.reason;
  if (entry.details !== undefined) content.details = entry.details;
  return hash(`${previousHash}\n${canonicalJson(content)}`);
}

/** Where an audit trail's chain breaks, and how. */
export interface AuditBreak {
  readonly sequence: number;
  readonly reason: 'changed' | 'missing-or-reordered';
  readonly message: string;
}

/**
 * Checks a run of consecutive audit entries (as read, oldest first): each entry's hash must be its
 * `auditHash`, and each entry's `previousHash` the hash of the entry before it (`startHash` for the
 * first: `GENESIS_HASH` when the run starts at the beginning). Returns the first break, if any.
 * `hash` is SHA-256 as hex (adapters pass `node:crypto`'s, several times faster than core's).
 */
export function verifyAuditChain(
  entries: readonly AuditEntry[],
  startHash: string = GENESIS_HASH,
  hash: (text: string) => string = sha256Hex,
): AuditBreak | undefined {
  let previous = startHash;
  for (const entry of entries) {
    if (entry.previousHash !== previous) {
      return {
        sequence: entry.sequence,
        reason: 'missing-or-reordered',
        message: `audit entry ${entry.sequence} follows a hash that is not the previous entry's: an entry before it was removed, inserted or reordered`,
      };
    }
    if (auditHash(entry.previousHash, entry, hash) !== entry.hash) {
      return {
        sequence: entry.sequence,
        reason: 'changed',
        message: `audit entry ${entry.sequence} does not match its hash: it was changed after it was written`,
      };
    }
    previous = entry.hash;
  }
  return undefined;
}

/** The default and largest page of `readAudit` and `listMessages`. */
export const EXCHANGE_READ_LIMIT = { default: 1000, max: 10000 } as const;

/** Whether `entry` matches an audit search's filters (`before` aside): the memory store's, and the SQL store's meaning. */
export function auditEntryMatches(
  entry: AuditEntry,
  query: Pick<AuditSearchQuery, 'text' | 'actionPrefix' | 'outcome'>,
): boolean {
  const text = query.text?.toLowerCase();
  return (
    (text === undefined ||
      entry.actor.toLowerCase().includes(text) ||
      entry.resource.toLowerCase().includes(text)) &&
    (query.actionPrefix === undefined || entry.action.startsWith(query.actionPrefix)) &&
    (query.outcome === undefined || entry.outcome === query.outcome)
  );
}

export function exchangeReadLimit(limit: number | undefined): number {
  if (limit === undefined) return EXCHANGE_READ_LIMIT.default;
  return Math.max(0, Math.min(EXCHANGE_READ_LIMIT.max, Math.floor(limit)));
}

/**
 * The next audit entry after `previousHash`: its content (details copied as JSON) and its hash.
 * Every implementation of the port makes its entries here, so they hash alike.
 */
export function nextAuditEntry(
  input: AuditInput,
  sequence: number,
  at: string,
  previousHash: string,
  hash: (text: string) => string = sha256Hex,
): AuditEntry {
  const details = input.details === undefined ? undefined : JSON.parse(JSON.stringify(input.details));
  const content = {
    sequence,
    at,
    actor: input.actor,
    action: input.action,
    resource: input.resource,
    outcome: input.outcome,
    ...(input.reason === undefined ? {} : { reason: input.reason }),
    ...(details === undefined ? {} : { details }),
  };
  return { ...content, previousHash, hash: auditHash(previousHash, content, hash) };
}

/** The outcome of a commit refused because `write` expected another version than `actualVersion`. */
export function versionConflict(
  write: RecordWrite & { readonly expectedVersion: number },
  actualVersion: number,
): Extract<CommitOutcome, { status: 'conflict' }> {
  return {
    status: 'conflict',
    kind: write.kind,
    id: write.id,
    expectedVersion: write.expectedVersion,
    actualVersion,
  };
}
