/**
 * @module store/memory-exchange
 * The exchange store in memory, for tests, demos and simulation; same contract as the SQL one.
 */
import {
  auditEntryMatches,
  exchangeReadLimit,
  GENESIS_HASH,
  nextAuditEntry,
  versionConflict,
} from './exchange.ts';
import { prepareEvents } from './input.ts';
import {
  type AuditEntry,
  type AuditInput,
  type AuditQuery,
  type AuditSearchPage,
  type AuditSearchQuery,
  type Clock,
  type CommitOutcome,
  type EventStore,
  type ExchangeChanges,
  type ExchangeReceipt,
  type ExchangeStore,
  type OutboxMessage,
  type OutboxQuery,
  type StoredEvent,
  type StoredRecord,
  systemClock,
} from './ports.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Every receipt a commit claims: `receipt` and `receipts`. */
export function receiptsOf(changes: ExchangeChanges): readonly ExchangeReceipt[] {
  const { receipt, receipts = [] } = changes;
  return receipt === undefined ? receipts : [receipt, ...receipts];
}

export class MemoryExchangeStore implements ExchangeStore {
  readonly #receipts = new Set<string>();
  readonly #records = new Map<string, { record: StoredRecord; json: string }>();
  readonly #outbox: Mutable<OutboxMessage>[] = [];
  readonly #audit: AuditEntry[] = [];
  readonly #nonces = new Map<string, number>();
  #noncesPrunedAt = 0;

  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock = systemClock,
    private readonly guard: () => void = () => {},
  ) {}

  async commit(changes: ExchangeChanges): Promise<CommitOutcome> {
    this.guard();
    const receipts = receiptsOf(changes);
    const claimed = new Set<string>();
    for (const { key } of receipts) {
      if (this.#receipts.has(key) || claimed.has(key)) return { status: 'duplicate', key };
      claimed.add(key);
    }
    for (const write of changes.records ?? []) {
      if (write.expectedVersion === undefined) continue;
      const actual = this.#records.get(recordKey(write.kind, write.id))?.record.version ?? 0;
      if (actual !== write.expectedVersion)
        return versionConflict({ ...write, expectedVersion: write.expectedVersion }, actual);
    }
    const events = changes.events ?? [];
    if (events.length > 0) {
      const batch = prepareEvents(events);
      if (!batch.ok) throw new Error(batch.error.message);
    }
    // Every check is done: from here on nothing fails, so the commit is all or nothing. The event
    // store's append runs synchronously up to its first await, which it has none of in memory.
    const appended = events.length > 0 ? this.events.append(events) : Promise.resolve({ appended: [] });
    const now = this.clock.now().toISOString();
    for (const key of claimed) this.#receipts.add(key);
    const byRecord = new Map<string, StoredRecord>();
    for (const write of changes.records ?? []) {
      const key = recordKey(write.kind, write.id);
      const version = (this.#records.get(key)?.record.version ?? 0) + 1;
      const json = JSON.stringify(write.value ?? null);
      const record: StoredRecord = {
        kind: write.kind,
        id: write.id,
        version,
        value: JSON.parse(json),
        updatedAt: now,
      };
      this.#records.set(key, { record, json });
      // Once per record, where it was first written (a Map keeps that place), as it stands at the end.
      byRecord.set(key, { ...record, value: JSON.parse(json) });
    }
    const records = [...byRecord.values()];
    const outbox: OutboxMessage[] = [];
    for (const input of changes.outbox ?? []) {
      const message: Mutable<OutboxMessage> = {
        id: input.id,
        to: input.to,
        path: input.path,
        body: JSON.parse(JSON.stringify(input.body ?? null)),
        kind: input.kind,
        ...(input.correlation === undefined ? {} : { correlation: input.correlation }),
        sequence: this.#outbox.length + 1,
        createdAt: now,
        attempts: 0,
        nextAttemptAt: now,
      };
      this.#outbox.push(message);
      outbox.push(copyMessage(message));
    }
    const audit = (changes.audit ?? []).map((input) => this.#appendAudit(input, now));
    const { appended: written } = await appended;
    return { status: 'committed', records, outbox, events: written as StoredEvent[], audit };
  }

  #appendAudit(input: AuditInput, at: string): AuditEntry {
    const previousHash = this.#audit[this.#audit.length - 1]?.hash ?? GENESIS_HASH;
    const entry = nextAuditEntry(input, this.#audit.length + 1, at, previousHash);
    this.#audit.push(entry);
    return entry;
  }

  async hasReceipt(key: string): Promise<boolean> {
    this.guard();
    return this.#receipts.has(key);
  }

  async acceptedReceipts(keys: readonly string[]): Promise<ReadonlySet<string>> {
    this.guard();
    return new Set(keys.filter((key) => this.#receipts.has(key)));
  }

  async getRecord(kind: string, id: string): Promise<StoredRecord | undefined> {
    this.guard();
    const stored = this.#records.get(recordKey(kind, id));
    return stored === undefined ? undefined : { ...stored.record, value: JSON.parse(stored.json) };
  }

  async listRecords(kind: string, options: { readonly limit?: number } = {}): Promise<StoredRecord[]> {
    this.guard();
    const limit = exchangeReadLimit(options.limit);
    return [...this.#records.values()]
      .filter((stored) => stored.record.kind === kind)
      .sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0))
      .slice(0, limit)
      .map((stored) => ({ ...stored.record, value: JSON.parse(stored.json) }));
  }

  async dueMessages(now: string, limit: number): Promise<OutboxMessage[]> {
    this.guard();
    const at = Date.parse(now);
    // Receivers with a pending message not due yet: their later messages wait behind it.
    const waiting = new Set<string>();
    const most = Math.max(0, Math.trunc(limit));
    const due: OutboxMessage[] = [];
    for (const message of this.#outbox) {
      if (due.length >= most) break;
      if (!isPending(message) || waiting.has(message.to)) continue;
      if (Date.parse(message.nextAttemptAt) <= at) due.push(copyMessage(message));
      else waiting.add(message.to);
    }
    return due;
  }

  async nextDueAt(): Promise<string | undefined> {
    this.guard();
    // A receiver's messages fall due with its oldest pending one.
    const seen = new Set<string>();
    let next: string | undefined;
    for (const message of this.#outbox) {
      if (!isPending(message) || seen.has(message.to)) continue;
      seen.add(message.to);
      if (next === undefined || Date.parse(message.nextAttemptAt) < Date.parse(next))
        next = message.nextAttemptAt;
    }
    return next;
  }

  async listMessages(query: OutboxQuery = {}): Promise<OutboxMessage[]> {
    this.guard();
    const state = query.state ?? 'pending';
    return this.#outbox
      .filter((message) => {
        if (query.correlation !== undefined && message.correlation !== query.correlation) return false;
        if (state === 'pending') return isPending(message);
        if (state === 'delivered') return message.deliveredAt !== undefined;
        if (state === 'abandoned') return message.abandonedAt !== undefined;
        return true;
      })
      .slice(0, exchangeReadLimit(query.limit))
      .map(copyMessage);
  }

  async markDelivered(sequence: number | readonly number[], at: string): Promise<void> {
    this.guard();
    for (const each of typeof sequence === 'number' ? [sequence] : sequence) {
      const message = this.#outbox[each - 1];
      if (message === undefined || message.deliveredAt !== undefined) continue;
      message.deliveredAt = new Date(at).toISOString();
      message.attempts += 1;
    }
  }

  async markAttemptFailed(
    sequence: number | readonly number[],
    error: string,
    nextAttemptAt: string,
  ): Promise<void> {
    this.guard();
    for (const each of typeof sequence === 'number' ? [sequence] : sequence) {
      const message = this.#outbox[each - 1];
      if (message === undefined || !isPending(message)) continue;
      message.attempts += 1;
      message.lastError = error;
      message.nextAttemptAt = new Date(nextAttemptAt).toISOString();
    }
  }

  async markAbandoned(sequence: number, error: string, at: string): Promise<void> {
    this.guard();
    const message = this.#outbox[sequence - 1];
    if (message === undefined || !isPending(message)) return;
    message.attempts += 1;
    message.lastError = error;
    message.abandonedAt = new Date(at).toISOString();
  }

  async readAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    this.guard();
    const limit = exchangeReadLimit(query.limit);
    const result: AuditEntry[] = [];
    for (
      let index = Math.max(0, query.after ?? 0);
      index < this.#audit.length && result.length < limit;
      index++
    ) {
      const entry = this.#audit[index]!;
      if (query.actor !== undefined && entry.actor !== query.actor) continue;
      if (query.resource !== undefined && entry.resource !== query.resource) continue;
      result.push(JSON.parse(JSON.stringify(entry)));
    }
    return result;
  }

  async searchAudit(query: AuditSearchQuery): Promise<AuditSearchPage> {
    this.guard();
    const limit = exchangeReadLimit(query.limit);
    const entries: AuditEntry[] = [];
    let matched = 0;
    let more = false;
    for (let index = this.#audit.length - 1; index >= 0; index--) {
      const entry = this.#audit[index]!;
      if (!auditEntryMatches(entry, query)) continue;
      matched++;
      if (query.before !== undefined && entry.sequence >= query.before) continue;
      if (entries.length < limit) entries.push(JSON.parse(JSON.stringify(entry)));
      else more = true;
    }
    return { entries, more, matched, total: this.#audit.length };
  }

  async rememberNonce(nonce: string, expiresAt: string): Promise<boolean> {
    this.guard();
    const now = this.clock.now().getTime();
    // Forget expired nonces at most once a second, so remembering stays O(1) per request.
    if (now - this.#noncesPrunedAt >= 1000) {
      this.#noncesPrunedAt = now;
      for (const [seen, expiry] of this.#nonces) if (expiry < now) this.#nonces.delete(seen);
    }
    if (this.#nonces.has(nonce)) return false;
    this.#nonces.set(nonce, Date.parse(expiresAt));
    return true;
  }
}

function recordKey(kind: string, id: string): string {
  return `${kind}\u0000${id}`;
}

function isPending(message: OutboxMessage): boolean {
  return message.deliveredAt === undefined && message.abandonedAt === undefined;
}

function copyMessage(message: OutboxMessage): OutboxMessage {
  return { ...message, body: JSON.parse(JSON.stringify(message.body)) };
}
