/**
 * @module store/memory
 * In-memory implementations of the storage ports, for tests, demos and simulation. They follow the
 * same contract as the database adapters in `@keten/store` (the shared contract suite runs against
 * both): versions 1, 2, 3 per network, content returned as a fresh copy equal to what was imported,
 * the SHA-256 content hash of the canonical JSON, an idempotent event log with strictly increasing
 * sequence numbers, users and tokens. Nothing survives `close()`.
 *
 * @example
 * const store = createMemoryStore();
 * await store.networks.importVersion({ network: 'demo', content, summary, source: 'demo', author: 'system' });
 * await store.events.append([{ type: 'order', key: 'po-1', at: '2025-03-03T08:00:00Z', source: 'oem', payload: {} }]);
 */
import { canonicalJson } from './canonical-json.ts';
import {
  checkNetworkName,
  eventReadAfter,
  eventReadLimit,
  normalizeTimestamp,
  prepareEvents,
} from './input.ts';
import { MemoryExchangeStore } from './memory-exchange.ts';
import {
  type AccessStore,
  type AppendOutcome,
  type Clock,
  type EventInput,
  type EventQuery,
  type EventStore,
  type ImportRequest,
  type KetenStore,
  type NetworkListEntry,
  type NetworkStore,
  type NetworkVersionInfo,
  ROLES,
  type Role,
  type StoredEvent,
  type StoredNetwork,
  systemClock,
  type TokenRecord,
  type UserRecord,
} from './ports.ts';
import { sha256Hex } from './sha256.ts';

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  /**
   * Hash of the canonical JSON content, as hex. Default: SHA-256 in plain TypeScript (`sha256Hex`);
   * pass a faster native one (e.g. `node:crypto`) where there is one.
   */
  readonly hash?: (canonicalContent: string) => string;
}

/**
 * A whole in-memory store: networks, events and access, closed as one. After `close()` every call
 * rejects.
 */
export function createMemoryStore(clock: Clock = systemClock, options: MemoryStoreOptions = {}): KetenStore {
  const state = { closed: false };
  const guard = (): void => {
    if (state.closed) throw new Error('the in-memory store is closed');
  };
  const networks = new MemoryNetworkStore(clock, options.hash ?? sha256Hex, guard);
  const events = new MemoryEventStore(clock, guard);
  const access = new MemoryAccessStore(clock, guard);
  const exchange = new MemoryExchangeStore(events, clock, guard);
  return {
    networks,
    events,
    access,
    exchange,
    async close() {
      state.closed = true;
    },
  };
}

interface VersionEntry {
  readonly info: NetworkVersionInfo;
  /** JSON text: every read parses a fresh copy, so callers cannot change what is stored. */
  readonly content: string;
}

/** Networks with versions, in memory. */
export class MemoryNetworkStore implements NetworkStore {
  readonly #versions = new Map<string, VersionEntry[]>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly hash: (canonicalContent: string) => string = sha256Hex,
    private readonly guard: () => void = () => {},
  ) {}

  async importVersion(request: ImportRequest): Promise<NetworkVersionInfo> {
    this.guard();
    const problem = checkNetworkName(request.network);
    if (problem) throw new Error(problem);
    // Kept as written (key order too), hashed in canonical form, as the database adapters do.
    const content = request.prepared?.text ?? JSON.stringify(request.content);
    const hash = request.prepared?.contentHash ?? this.hash(canonicalJson(request.content));
    const versions = this.#versions.get(request.network) ?? [];
    const info: NetworkVersionInfo = {
      network: request.network,
      version: versions.length + 1,
      createdAt: this.clock.now().toISOString(),
      source: request.source,
      author: request.author,
      contentHash: hash,
      summary: copy(request.summary),
    };
    versions.push({ info, content });
    this.#versions.set(request.network, versions);
    return copy(info);
  }

  async listNetworks(): Promise<NetworkListEntry[]> {
    this.guard();
    return [...this.#versions.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([network, versions]) => {
        const latest = versions[versions.length - 1]!.info;
        return {
          network,
          latestVersion: latest.version,
          versions: versions.length,
          updatedAt: latest.createdAt,
          summary: copy(latest.summary),
        };
      });
  }

  async listVersions(network: string): Promise<NetworkVersionInfo[]> {
    this.guard();
    return (this.#versions.get(network) ?? []).map((entry) => copy(entry.info));
  }

  async getVersion(network: string, version?: number): Promise<StoredNetwork | undefined> {
    this.guard();
    const versions = this.#versions.get(network) ?? [];
    const entry = version === undefined ? versions[versions.length - 1] : versions[version - 1];
    if (!entry) return undefined;
    return { ...copy(entry.info), content: JSON.parse(entry.content) };
  }
}

interface EventEntry {
  readonly event: Omit<StoredEvent, 'payload'>;
  readonly payloadJson: string;
}

/** The append-only, idempotent event log, in memory. */
export class MemoryEventStore implements EventStore {
  readonly #log: EventEntry[] = [];
  readonly #byKey = new Map<string, EventEntry>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly guard: () => void = () => {},
  ) {}

  async append(events: readonly EventInput[]): Promise<AppendOutcome> {
    this.guard();
    const batch = prepareEvents(events);
    if (!batch.ok) throw new Error(batch.error.message);
    const recordedAt = this.clock.now().toISOString();
    const appended: StoredEvent[] = [];
    const duplicates: string[] = [];
    for (const event of batch.value.events) {
      if (this.#byKey.has(event.key)) {
        duplicates.push(event.key);
        continue;
      }
      const entry: EventEntry = {
        event: {
          sequence: this.#log.length + 1,
          type: event.type,
          key: event.key,
          at: event.at,
          source: event.source,
          recordedAt,
        },
        payloadJson: event.payloadJson,
      };
      this.#log.push(entry);
      this.#byKey.set(event.key, entry);
      appended.push(toStoredEvent(entry));
    }
    duplicates.push(...batch.value.repeated);
    return { appended, duplicates };
  }

  async read(query: EventQuery = {}): Promise<StoredEvent[]> {
    this.guard();
    const limit = eventReadLimit(query);
    const start = eventReadAfter(query);
    const result: StoredEvent[] = [];
    if (start === undefined) return result;
    // Sequence n sits at index n - 1, so reading after a position starts there.
    for (let index = start; index < this.#log.length && result.length < limit; index++) {
      const entry = this.#log[index]!;
      if (query.type !== undefined && entry.event.type !== query.type) continue;
      if (query.source !== undefined && entry.event.source !== query.source) continue;
      result.push(toStoredEvent(entry));
    }
    return result;
  }

  async get(key: string): Promise<StoredEvent | undefined> {
    this.guard();
    const entry = this.#byKey.get(key);
    return entry ? toStoredEvent(entry) : undefined;
  }
}

function toStoredEvent(entry: EventEntry): StoredEvent {
  return { ...entry.event, payload: JSON.parse(entry.payloadJson) };
}

type MutableUser = { -readonly [K in keyof UserRecord]: UserRecord[K] };
type MutableToken = { -readonly [K in keyof TokenRecord]: TokenRecord[K] };

/** Users with roles and their API tokens, in memory. */
export class MemoryAccessStore implements AccessStore {
  readonly #users = new Map<string, MutableUser>();
  readonly #tokens = new Map<string, MutableToken>();

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly guard: () => void = () => {},
  ) {}

  async createUser(user: {
    username: string;
    role: Role;
    passwordHash: string;
  }): Promise<UserRecord | 'exists'> {
    this.guard();
    checkRole(user.role);
    if (this.#users.has(user.username)) return 'exists';
    const record: MutableUser = {
      username: user.username,
      role: user.role,
      passwordHash: user.passwordHash,
      createdAt: this.clock.now().toISOString(),
      disabled: false,
    };
    this.#users.set(user.username, record);
    return { ...record };
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    this.guard();
    const user = this.#users.get(username);
    return user ? { ...user } : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    this.guard();
    return [...this.#users.values()]
      .sort((a, b) => compareText(a.username, b.username))
      .map((user) => ({ ...user }));
  }

  async updateUser(
    username: string,
    change: { role?: Role; passwordHash?: string; disabled?: boolean },
  ): Promise<boolean> {
    this.guard();
    if (change.role !== undefined) checkRole(change.role);
    const user = this.#users.get(username);
    if (!user) return false;
    if (change.role !== undefined) user.role = change.role;
    if (change.passwordHash !== undefined) user.passwordHash = change.passwordHash;
    if (change.disabled !== undefined) user.disabled = change.disabled;
    return true;
  }

  async createToken(token: {
    id: string;
    username: string;
    name: string;
    tokenHash: string;
    expiresAt?: string;
  }): Promise<TokenRecord> {
    this.guard();
    if (!this.#users.has(token.username)) throw new Error(`no user ${token.username} to give a token to`);
    if (this.#tokens.has(token.id)) throw new Error(`a token with id ${token.id} exists already`);
    for (const existing of this.#tokens.values()) {
      if (existing.tokenHash === token.tokenHash) throw new Error('a token with this hash exists already');
    }
    const record: MutableToken = {
      id: token.id,
      username: token.username,
      name: token.name,
      tokenHash: token.tokenHash,
      createdAt: this.clock.now().toISOString(),
    };
    if (token.expiresAt !== undefined) record.expiresAt = requireTimestamp(token.expiresAt);
    this.#tokens.set(token.id, record);
    return { ...record };
  }

  async findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined> {
    this.guard();
    for (const token of this.#tokens.values()) {
      if (token.tokenHash === tokenHash) return { ...token };
    }
    return undefined;
  }

  async listTokens(username?: string): Promise<TokenRecord[]> {
    this.guard();
    return [...this.#tokens.values()]
      .filter((token) => username === undefined || token.username === username)
      .sort((a, b) => compareText(a.createdAt, b.createdAt) || compareText(a.id, b.id))
      .map((token) => ({ ...token }));
  }

  async revokeToken(id: string): Promise<boolean> {
    this.guard();
    const token = this.#tokens.get(id);
    if (!token || token.revokedAt !== undefined) return false;
    token.revokedAt = this.clock.now().toISOString();
    return true;
  }

  async touchToken(id: string, at: string): Promise<void> {
    this.guard();
    const time = requireTimestamp(at);
    const token = this.#tokens.get(id);
    if (token) token.lastUsedAt = time;
  }
}

function checkRole(role: Role): void {
  if (!ROLES.includes(role))
    throw new Error(`unknown role ${JSON.stringify(role)}; roles are ${ROLES.join(', ')}`);
}

function requireTimestamp(text: string): string {
  const time = normalizeTimestamp(text);
  if (time === undefined) throw new Error(`not an ISO 8601 time with a zone: ${JSON.stringify(text)}`);
  return time;
}

/** Orders text as PostgreSQL's "C" collation does for the characters of ids and names (code units). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
