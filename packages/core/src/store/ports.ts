/**
 * @module store/ports
 * The storage capabilities keten's core and apps rely on. Adapters (`@keten/store`: PGlite, PostgreSQL)
 * implement them; `memory.ts` is the in-memory implementation for tests, demos and simulation. One
 * contract suite (`packages/store/test/contract.ts`) runs against every implementation.
 */
import type { Network } from '../model/schema.ts';

/** Summary figures of one network version, computed at import. */
export interface NetworkSummary {
  readonly companies: number;
  readonly items: number;
  readonly tiers: number;
  readonly sourcingLinks: number;
}

/** One stored version of a network, without its content. */
export interface NetworkVersionInfo {
  readonly network: string;
  readonly version: number;
  readonly createdAt: string;
  /** Where the content came from: a file name, `api`, `generate`, `demo`. */
  readonly source: string;
  /** Who imported it: a user name or `system`. */
  readonly author: string;
  /**
   * SHA-256 of the canonical JSON content (`canonicalJson`, RFC 8785: keys sorted), hex; the same
   * content has the same hash in every store, whatever order its keys came in.
   */
  readonly contentHash: string;
  readonly summary: NetworkSummary;
}

export interface StoredNetwork extends NetworkVersionInfo {
  /** The content as imported (deep equal, key order kept), a fresh copy on every read. */
  readonly content: Network;
}

export interface NetworkListEntry {
  readonly network: string;
  readonly latestVersion: number;
  readonly versions: number;
  readonly updatedAt: string;
  readonly summary: NetworkSummary;
}

export interface ImportRequest {
  /** Name of the network the version belongs to; a new name creates the network. */
  readonly network: string;
  readonly content: Network;
  readonly summary: NetworkSummary;
  readonly source: string;
  readonly author: string;
  /**
   * The content's JSON text and hash made already, off the caller's thread (the server makes them in
   * its import thread): `text` is `JSON.stringify(content)`, `contentHash` the SHA-256 hex of
   * `canonicalJson(content)`. A store takes them as given instead of making them again.
   */
  readonly prepared?: PreparedContent;
}

/** A network's stored text and content hash, made by the caller (`ImportRequest.prepared`). */
export interface PreparedContent {
  readonly text: string;
  readonly contentHash: string;
}

/**
 * Networks with versions. Every import makes a new version, atomically: a crash leaves the previous
 * or the new version, never a half-written one.
 */
export interface NetworkStore {
  importVersion(request: ImportRequest): Promise<NetworkVersionInfo>;
  listNetworks(): Promise<NetworkListEntry[]>;
  listVersions(network: string): Promise<NetworkVersionInfo[]>;
  /** The given version, or the latest when `version` is omitted; undefined when there is none. */
  getVersion(network: string, version?: number): Promise<StoredNetwork | undefined>;
}

/** An event as written: `key` is the idempotency key, unique across the log. */
export interface EventInput {
  readonly type: string;
  readonly key: string;
  /**
   * When it happened, as the source says: an ISO 8601 date, or date and time with a zone (`Z` or
   * ±hh:mm). Stores normalize it to UTC with milliseconds (`2027-01-04T07:00:00.000Z`); a time
   * without a zone is refused.
   */
  readonly at: string;
  /** Who or what produced it: a company id, a node DID, a machine, `cli`. */
  readonly source: string;
  readonly payload: unknown;
}

export interface StoredEvent extends EventInput {
  /** Position in the log, strictly increasing in commit order; there may be gaps. */
  readonly sequence: number;
  /** When the log accepted it (ISO 8601). */
  readonly recordedAt: string;
}

export interface AppendOutcome {
  /** Events newly written, with their sequence numbers. */
  readonly appended: StoredEvent[];
  /** Keys already in the log (this call or an earlier one): not written again. */
  readonly duplicates: string[];
}

export interface EventQuery {
  /** Only events with a sequence above this. */
  readonly after?: number;
  readonly type?: string;
  readonly source?: string;
  /** At most this many (default 1000, at most 10000). */
  readonly limit?: number;
}

/**
 * The append-only, idempotent event log that orders, status and lifecycle events are written into.
 * Appending a key that is already there is not an error: it is reported in `duplicates` and the
 * stored event is left as it was. One `append` call is all or nothing; an event the store cannot
 * hold (see `prepareEvents`) rejects the whole call, as a bug of the caller.
 */
export interface EventStore {
  append(events: readonly EventInput[]): Promise<AppendOutcome>;
  read(query?: EventQuery): Promise<StoredEvent[]>;
  /** The event with this idempotency key, if any. */
  get(key: string): Promise<StoredEvent | undefined>;
}

export type Role = 'viewer' | 'planner' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'planner', 'admin'];

export interface UserRecord {
  readonly username: string;
  readonly role: Role;
  /** A self-describing memory-hard hash (e.g. `scrypt$N$r$p$salt$hash`); never the password. */
  readonly passwordHash: string;
  readonly createdAt: string;
  readonly disabled: boolean;
}

export interface TokenRecord {
  /** Public identifier of the token (shown in lists, used to revoke). */
  readonly id: string;
  readonly username: string;
  /** What the token is for, e.g. `ci` or `laptop`. */
  readonly name: string;
  /** SHA-256 of the secret, hex; the secret itself is shown once and never stored. */
  readonly tokenHash: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
}

/** Users with roles and their API tokens: the node's own accounts (not other companies' nodes). */
export interface AccessStore {
  /** `exists` when the user name is taken. */
  createUser(user: { username: string; role: Role; passwordHash: string }): Promise<UserRecord | 'exists'>;
  getUser(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  /** false when there is no such user. */
  updateUser(
    username: string,
    change: { role?: Role; passwordHash?: string; disabled?: boolean },
  ): Promise<boolean>;
  /** Rejects (a bug of the caller) for an unknown user or a token id or hash that exists already. */
  createToken(token: {
    id: string;
    username: string;
    name: string;
    tokenHash: string;
    expiresAt?: string;
  }): Promise<TokenRecord>;
  /** The token with this hash, revoked or expired ones too: the caller checks `revokedAt` and `expiresAt`. */
  findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  listTokens(username?: string): Promise<TokenRecord[]>;
  /** false when there is no such token or it was revoked already. */
  revokeToken(id: string): Promise<boolean>;
  touchToken(id: string, at: string): Promise<void>;
}

// --- exchanges between company nodes (see exchange.ts for what they are for) ---

/** A message the node has decided to send. */
export interface OutboxInput {
  /** Unique id of the message: the receiver's idempotency key. */
  readonly id: string;
  /** The receiver: its base URL (the address of its protocol endpoint). */
  readonly to: string;
  /** The path under the receiver's base URL, e.g. `/dsp/negotiations/request`. */
  readonly path: string;
  /** The JSON body. */
  readonly body: unknown;
  /** What it is, for logs, the audit trail and the web app: e.g. `dspace:ContractRequestMessage`. */
  readonly kind: string;
  /** The negotiation, transfer or exchange it belongs to, if any. */
  readonly correlation?: string;
}

/** A message in the outbox, as stored. */
export interface OutboxMessage extends OutboxInput {
  /** Position in the outbox, strictly increasing in commit order. */
  readonly sequence: number;
  readonly createdAt: string;
  /** Delivery attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due (ISO 8601). */
  readonly nextAttemptAt: string;
  /** When the receiver confirmed it; absent while it is pending. */
  readonly deliveredAt?: string;
  /** Why the last attempt failed. */
  readonly lastError?: string;
  /** When it was given up on (the receiver refused it for good); absent otherwise. */
  readonly abandonedAt?: string;
}

/** A record to write: `value` replaces what was there. */
export interface RecordWrite {
  /** The kind of record: `negotiation`, `transfer`, `agreement`, `partner`, ... */
  readonly kind: string;
  readonly id: string;
  readonly value: unknown;
  /**
   * The version the writer read (0: the record must not exist yet). When given and the stored version
   * differs, the whole commit is refused as a `conflict`: someone else changed it in between.
   */
  readonly expectedVersion?: number;
}

export interface StoredRecord {
  readonly kind: string;
  readonly id: string;
  /** 1 on first write, one more on every write. */
  readonly version: number;
  readonly value: unknown;
  readonly updatedAt: string;
}

/** What the audit trail records. */
export interface AuditInput {
  /** Who acted: a node DID, a user name, `system`. */
  readonly actor: string;
  /** What they did: `catalog.read`, `negotiation.request`, `transfer.start`, `data.read`, ... */
  readonly action: string;
  /** What it concerned: a dataset, an agreement, an order, a message id. */
  readonly resource: string;
  /** `granted` or `denied` for accesses; `received`, `sent`, `applied`, ... for messages. */
  readonly outcome: string;
  /** Why, in words; for a denial, which constraint failed. */
  readonly reason?: string;
  readonly details?: unknown;
}

/** An entry of the audit trail, as stored. */
export interface AuditEntry extends AuditInput {
  readonly sequence: number;
  readonly at: string;
  /** The hash of the entry before (`GENESIS_HASH` for the first). */
  readonly previousHash: string;
  /** `auditHash(previousHash, entry)`. */
  readonly hash: string;
}

/** A message accepted: its idempotency key, who sent it and what it was. */
export interface ExchangeReceipt {
  readonly key: string;
  readonly from: string;
  readonly kind: string;
}

/** Everything written by one `commit`, all or nothing. */
export interface ExchangeChanges {
  /**
   * The message being accepted, by its idempotency key (a message id, a request's nonce): when the
   * key was accepted before, nothing of this commit is written and the outcome is `duplicate`.
   */
  readonly receipt?: ExchangeReceipt;
  /**
   * Several messages accepted together (a batch applied in one transaction), beside `receipt` if
   * given: when any of their keys was accepted before (or comes twice), nothing of this commit is
   * written and the outcome is `duplicate` with that key. A receiver checks `acceptedReceipts` first
   * and leaves the repeats out, so this only happens when a twin was accepted in between.
   */
  readonly receipts?: readonly ExchangeReceipt[];
  /**
   * Records to write, in order. Several writes of one record in one commit land as the last one
   * (its version grows by one per write, as if they had been committed one after the other).
   */
  readonly records?: readonly RecordWrite[];
  readonly outbox?: readonly OutboxInput[];
  /** Events for the node's event log (idempotent by key, as `EventStore.append`). */
  readonly events?: readonly EventInput[];
  readonly audit?: readonly AuditInput[];
}

export type CommitOutcome =
  | {
      readonly status: 'committed';
      /** Each record written, as it now stands (once per record, in the order first written). */
      readonly records: readonly StoredRecord[];
      readonly outbox: readonly OutboxMessage[];
      readonly events: readonly StoredEvent[];
      readonly audit: readonly AuditEntry[];
    }
  | { readonly status: 'duplicate'; readonly key: string }
  | {
      readonly status: 'conflict';
      readonly kind: string;
      readonly id: string;
      readonly expectedVersion: number;
      readonly actualVersion: number;
    };

export interface AuditQuery {
  /** Only entries with a sequence above this. */
  readonly after?: number;
  readonly actor?: string;
  readonly resource?: string;
  /** At most this many (default 1000, at most 10000). */
  readonly limit?: number;
}

/**
 * A search of the audit trail, newest first (`ExchangeStore.searchAudit`): the filters all hold. The
 * store answers one page and a count itself (SQL: the primary key walked backwards, one count), never
 * by handing the whole trail to the caller.
 */
export interface AuditSearchQuery {
  /** Text the actor or the resource contains, ignoring case (a DID, a BPNL, a company id). */
  readonly text?: string;
  /** The action, or its start (`negotiation` matches `negotiation.request`). */
  readonly actionPrefix?: string;
  readonly outcome?: string;
  /** Only entries with a sequence below this (paging back). */
  readonly before?: number;
  /** At most this many entries (at most 10000). */
  readonly limit: number;
}

/** One page of an audit search. */
export interface AuditSearchPage {
  /** The matching entries, newest first. */
  readonly entries: readonly AuditEntry[];
  /** Whether older matching entries follow (below the last entry's sequence). */
  readonly more: boolean;
  /** Entries of the whole trail that match the filters (`before` aside). */
  readonly matched: number;
  /** Entries in the whole trail. */
  readonly total: number;
}

export interface OutboxQuery {
  /** `pending` (not delivered, not abandoned; the default), `delivered`, `abandoned` or `all`. */
  readonly state?: 'pending' | 'delivered' | 'abandoned' | 'all';
  readonly correlation?: string;
  readonly limit?: number;
}

/** The exchange state of one node. Failures of the store itself reject (as the other ports do). */
export interface ExchangeStore {
  /** Writes `changes` in one transaction; see `ExchangeChanges`. */
  commit(changes: ExchangeChanges): Promise<CommitOutcome>;
  /** True when a message with this key was accepted. */
  hasReceipt(key: string): Promise<boolean>;
  /** The keys among `keys` of messages accepted before (one look for a whole batch). */
  acceptedReceipts(keys: readonly string[]): Promise<ReadonlySet<string>>;
  getRecord(kind: string, id: string): Promise<StoredRecord | undefined>;
  /** Records of a kind, by id. */
  listRecords(kind: string, options?: { readonly limit?: number }): Promise<StoredRecord[]>;
  /**
   * Pending messages whose next attempt is due at `now` (ISO 8601), oldest first, and each only when
   * no earlier message to its receiver waits for a later attempt: a receiver gets its messages in
   * the order they were committed (a forecast that went T+1, T, T+1 must not end at T because the
   * last one's retry fell due before the middle one's).
   */
  dueMessages(now: string, limit: number): Promise<OutboxMessage[]>;
  /**
   * When the next pending message falls due (as `dueMessages` has it: the earliest next attempt of
   * a receiver's oldest pending message), if any: when a delivery loop should wake up.
   */
  nextDueAt(): Promise<string | undefined>;
  listMessages(query?: OutboxQuery): Promise<OutboxMessage[]>;
  /**
   * The receiver confirmed the message (or each of several, in one write: a sender marks a batch
   * delivered at once). Idempotent.
   */
  markDelivered(sequence: number | readonly number[], at: string): Promise<void>;
  /** An attempt failed (of one message or several): one attempt more, the error, and when to try again. */
  markAttemptFailed(
    sequence: number | readonly number[],
    error: string,
    nextAttemptAt: string,
  ): Promise<void>;
  /** Give up on a message the receiver refused for good (it stays, marked, for the audit). */
  markAbandoned(sequence: number, error: string, at: string): Promise<void>;
  readAudit(query?: AuditQuery): Promise<AuditEntry[]>;
  /** One page of the audit trail's entries that match, newest first, with how many match in all. */
  searchAudit(query: AuditSearchQuery): Promise<AuditSearchPage>;
  /**
   * Remembers a request nonce until `expiresAt`; false when it was seen before (a replay). Expired
   * nonces may be forgotten (a request that old is refused for its age anyway).
   */
  rememberNonce(nonce: string, expiresAt: string): Promise<boolean>;
}

/** Everything a node stores, opened and closed as one. */
export interface KetenStore {
  readonly networks: NetworkStore;
  readonly events: EventStore;
  readonly access: AccessStore;
  /** The node's exchanges with other nodes: inbox, outbox, records, audit trail, nonces. */
  readonly exchange: ExchangeStore;
  close(): Promise<void>;
}

/** Time comes in through this, so core stays deterministic in tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
