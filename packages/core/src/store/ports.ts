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

/** Everything a node stores, opened and closed as one. */
export interface KetenStore {
  readonly networks: NetworkStore;
  readonly events: EventStore;
  readonly access: AccessStore;
  close(): Promise<void>;
}

/** Time comes in through this, so core stays deterministic in tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
