/**
 * @module internal/exchange-store
 * A company node's exchange state in SQL (migration 2): receipts, records, outbox, audit trail and
 * nonces. `commit` is one transaction; the audit trail is appended under a transaction-level advisory
 * lock, so its hash chain has one order whatever the concurrency, and the database refuses changes to
 * written entries (the `refuse_change` trigger of migration 1).
 */
import { createHash } from 'node:crypto';
import {
  type AuditEntry,
  type AuditInput,
  type AuditQuery,
  type AuditSearchPage,
  type AuditSearchQuery,
  type CommitOutcome,
  type ExchangeChanges,
  type ExchangeReceipt,
  type ExchangeStore,
  exchangeReadLimit,
  GENESIS_HASH,
  nextAuditEntry,
  type OutboxMessage,
  type OutboxQuery,
  type PreparedEvent,
  prepareEvents,
  type RecordWrite,
  receiptsOf,
  type StoredEvent,
  type StoredRecord,
  versionConflict,
} from '@keten/core';
import { StoreError } from '../errors.ts';
import { isoText, operation, type StoreContext } from './context.ts';
import type { SqlExecutor } from './driver.ts';
import { insertEvents, writtenEvents } from './event-store.ts';

interface OutboxRow {
  sequence: number | string;
  id: string;
  receiver: string;
  path: string;
  body: string;
  kind: string;
  correlation: string | null;
  created_at: string;
  attempts: number | string;
  next_attempt_at: string;
  delivered_at: string | null;
  last_error: string | null;
  abandoned_at: string | null;
}

interface AuditRow {
  sequence: number | string;
  at: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  reason: string | null;
  details: string | null;
  previous_hash: string;
  hash: string;
}

interface RecordRow {
  kind: string;
  id: string;
  version: number | string;
  value: string;
  updated_at: string;
}

const OUTBOX_COLUMNS = `sequence, id, receiver, path, body::text AS body, kind, correlation,
  ${isoText('created_at')} AS created_at, attempts, ${isoText('next_attempt_at')} AS next_attempt_at,
  ${isoText('delivered_at')} AS delivered_at, last_error, ${isoText('abandoned_at')} AS abandoned_at`;
const AUDIT_COLUMNS = `sequence, ${isoText('at')} AS at, actor, action, resource, outcome, reason,
  details::text AS details, previous_hash, hash`;
const RECORD_COLUMNS = `kind, id, version, value::text AS value, ${isoText('updated_at')} AS updated_at`;

/** Nonces are pruned at most this often (ms): remembering one stays one statement. */
const NONCE_PRUNE_INTERVAL = 10_000;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The last audit entry this process wrote, per database and schema: the next append's guess of where
 * the chain ends (checked by the insert itself), which saves reading it first on every commit.
 */
const auditTails = new WeakMap<object, Map<string, { readonly sequence: number; readonly hash: string }>>();

function lastAuditEntries(driver: object): Map<string, { readonly sequence: number; readonly hash: string }> {
  return bySchemaOf(auditTails, driver);
}

/** What this process keeps of one database (driver), by schema. */
function bySchemaOf<T>(caches: WeakMap<object, Map<string, T>>, driver: object): Map<string, T> {
  let bySchema = caches.get(driver);
  if (bySchema === undefined) {
    bySchema = new Map();
    caches.set(driver, bySchema);
  }
  return bySchema;
}

/** Per database (driver) and schema: a cache of this process's. */
function cacheOf<T>(
  caches: WeakMap<object, Map<string, T>>,
  driver: object,
  schema: string,
  make: () => T,
): T {
  const bySchema = bySchemaOf(caches, driver);
  let cache = bySchema.get(schema);
  if (cache === undefined) {
    cache = make();
    bySchema.set(schema, cache);
  }
  return cache;
}

const recordCaches = new WeakMap<object, Map<string, RecordCache>>();

/**
 * Records as last read or written, for PGlite only: an embedded database belongs to one process (its
 * directory is locked) and every record is written through `commit`, which puts what it wrote here
 * once its transaction committed. A read that raced a commit cannot put back an older state, because
 * an entry is only ever replaced by a higher version (a record's version grows by one per write).
 * It saves the node's handlers a statement per look-up (the transfer a push comes on, the forecast it
 * replaces). Bounded: the least recently used go first.
 */
class RecordCache {
  static readonly SIZE = 5000;
  readonly #entries = new Map<
    string,
    { readonly version: number; readonly json: string; readonly updatedAt: string }
  >();

  get(kind: string, id: string): StoredRecord | undefined {
    const key = `${kind}\u0000${id}`;
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    // A fresh copy each time: callers may change what they get.
    return { kind, id, version: entry.version, value: JSON.parse(entry.json), updatedAt: entry.updatedAt };
  }

  offer(kind: string, id: string, version: number, record: StoredRecord): void {
    const key = `${kind}\u0000${id}`;
    const known = this.#entries.get(key);
    if (known !== undefined && known.version >= version) return;
    this.#entries.delete(key);
    this.#entries.set(key, {
      version,
      json: JSON.stringify(record.value ?? null),
      updatedAt: record.updatedAt,
    });
    if (this.#entries.size > RecordCache.SIZE) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}

/** Forgets what this process remembers of a schema's exchange state (the schema was dropped). */
export function forgetExchangeCaches(driver: object, schema: string): void {
  auditTails.get(driver)?.delete(schema);
  recordCaches.get(driver)?.delete(schema);
}

/** `inputs` as audit entries after `tail` (sequence and hash of the entry before them). */
function chainOn(
  inputs: readonly AuditInput[],
  tail: { readonly sequence: number; readonly hash: string },
  at: string,
): AuditEntry[] {
  let sequence = tail.sequence;
  let previousHash = tail.hash;
  const entries: AuditEntry[] = [];
  for (const input of inputs) {
    sequence += 1;
    const entry = nextAuditEntry(input, sequence, at, previousHash, sha256);
    entries.push(entry);
    previousHash = entry.hash;
  }
  return entries;
}

export class SqlExchangeStore implements ExchangeStore {
  #noncesPrunedAt = 0;

  constructor(private readonly context: StoreContext) {}

  commit(changes: ExchangeChanges): Promise<CommitOutcome> {
    const { driver, clock } = this.context;
    return operation(this.context, 'committing an exchange', async () => {
      let prepared: readonly PreparedEvent[] = [];
      if ((changes.events ?? []).length > 0) {
        const batch = prepareEvents(changes.events ?? []);
        if (!batch.ok) {
          throw new StoreError('invalid-input', batch.error.message, {
            details: { index: batch.error.index, reason: batch.error.reason },
          });
        }
        prepared = batch.value.events;
      }
      const now = clock.now().toISOString();
      const outcome = await driver
        .transaction((tx) => this.#commitIn(tx, changes, prepared, now))
        .catch((error: unknown) => {
          // Some receipts of the commit were claimed before one turned out to be known: rolled back.
          if (error instanceof RepeatedReceipt) return { status: 'duplicate' as const, key: error.key };
          throw error;
        });
      if (outcome.status === 'committed') {
        const cache = this.#records();
        for (const record of outcome.records) cache?.offer(record.kind, record.id, record.version, record);
      }
      return outcome;
    });
  }

  /** The record cache of this database and schema, on PGlite (see `RecordCache`); none on PostgreSQL. */
  #records(): RecordCache | undefined {
    const { driver, schemaName } = this.context;
    if (driver.kind !== 'pglite') return undefined;
    return cacheOf(recordCaches, driver, schemaName, () => new RecordCache());
  }

  async #commitIn(
    tx: SqlExecutor,
    changes: ExchangeChanges,
    prepared: readonly PreparedEvent[],
    now: string,
  ): Promise<CommitOutcome> {
    const { schema, schemaName, driver } = this.context;
    const receipts = receiptsOf(changes);
    const checked = (changes.records ?? []).some((write) => write.expectedVersion !== undefined);
    // PGlite runs one transaction at a time (its own lock), so the advisory locks that order
    // concurrent PostgreSQL sessions would cost a statement each and protect nothing there.
    const lock = driver.kind === 'postgres';
    // Nothing is written until every check has passed, so a refused commit leaves no trace and the
    // transaction needs no rollback: first the receipt (a duplicate wins over a conflict), then the
    // versions (rows locked until commit), then the receipt is claimed (a concurrent twin loses here;
    // of a batch's receipts, claimed in one statement, a known one rolls the transaction back).
    // Without version checks the claim alone decides, so the first look is skipped.
    if (receipts.length > 0 && checked) {
      const seen = await tx.query<{ key: string }>(
        `SELECT key FROM ${schema}.exchange_receipts WHERE key = ANY($1::text[]) LIMIT 1`,
        [receipts.map((receipt) => receipt.key)],
      );
      if (seen[0] !== undefined) return { status: 'duplicate', key: seen[0].key };
    }
    for (const write of changes.records ?? []) {
      if (write.expectedVersion === undefined) continue;
      // The lock serializes writers of one record even while it does not exist yet (FOR UPDATE locks
      // only rows that are there), so two "must be new" writes cannot both pass.
      if (lock) {
        await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
          `keten.record.${schemaName}.${write.kind}.${write.id}`,
        ]);
      }
      const current = await tx.query<{ version: number | string }>(
        `SELECT version FROM ${schema}.exchange_records WHERE kind = $1 AND id = $2 FOR UPDATE`,
        [write.kind, write.id],
      );
      const actual = current[0] === undefined ? 0 : Number(current[0].version);
      if (actual !== write.expectedVersion)
        return versionConflict({ ...write, expectedVersion: write.expectedVersion }, actual);
    }
    if (receipts.length === 1) {
      const [receipt] = receipts as [ExchangeReceipt];
      const rows = await tx.query(
        `INSERT INTO ${schema}.exchange_receipts (key, sender, kind, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [receipt.key, receipt.from, receipt.kind, now],
      );
      if (rows.length === 0) return { status: 'duplicate', key: receipt.key };
    } else if (receipts.length > 1) {
      // A batch: one statement claims them all; one that was known (or comes twice) refuses the lot.
      const rows = await tx.query<{ key: string }>(
        `INSERT INTO ${schema}.exchange_receipts (key, sender, kind, received_at)
         SELECT r->>'key', r->>'from', r->>'kind', $2 FROM jsonb_array_elements($1::jsonb) AS batch (r)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [JSON.stringify(receipts.map(({ key, from, kind }) => ({ key, from, kind }))), now],
      );
      if (rows.length < receipts.length) {
        const claimed = new Set(rows.map((row) => row.key));
        const counted = new Set<string>();
        let repeated = receipts[0]!.key;
        for (const { key } of receipts) {
          if (!claimed.has(key) || counted.has(key)) {
            repeated = key;
            break;
          }
          counted.add(key);
        }
        if (rows.length === 0) return { status: 'duplicate', key: repeated };
        throw new RepeatedReceipt(repeated);
      }
    }
    const records = await this.#writeRecords(tx, changes.records ?? [], now);
    const outbox: OutboxMessage[] = [];
    const messages = changes.outbox ?? [];
    if (messages.length > 0) {
      const batch = JSON.stringify(
        messages.map((message) => ({
          id: message.id,
          receiver: message.to,
          path: message.path,
          body: message.body ?? null,
          kind: message.kind,
          correlation: message.correlation ?? null,
        })),
      );
      const rows = await tx.query<{ sequence: number | string; id: string }>(
        `INSERT INTO ${schema}.exchange_outbox (id, receiver, path, body, kind, correlation, created_at, next_attempt_at)
         SELECT m->>'id', m->>'receiver', m->>'path', m->'body', m->>'kind', m->>'correlation', $2, $2
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS batch (m, position)
         ORDER BY position
         RETURNING sequence, id`,
        [batch, now],
      );
      const sequences = new Map(rows.map((row) => [row.id, Number(row.sequence)]));
      // The bodies as stored (a copy the caller cannot change), from the text the insert took.
      const copies = JSON.parse(batch) as { body: unknown }[];
      for (const [index, message] of messages.entries()) {
        outbox.push({
          id: message.id,
          to: message.to,
          path: message.path,
          body: copies[index]!.body,
          kind: message.kind,
          ...(message.correlation === undefined ? {} : { correlation: message.correlation }),
          sequence: sequences.get(message.id)!,
          createdAt: now,
          attempts: 0,
          nextAttemptAt: now,
        });
      }
    }
    let events: StoredEvent[] = [];
    if (prepared.length > 0) {
      const sequences = await insertEvents(tx, schema, schemaName, prepared, now);
      events = writtenEvents(prepared, sequences, now).appended;
    }
    const audit = await this.#appendAudit(tx, changes, now);
    return { status: 'committed', records, outbox, events, audit };
  }

  /**
   * Upserts `writes` with one statement: several writes of one record become its last value, its
   * version grown by the number of writes.
   */
  async #writeRecords(tx: SqlExecutor, writes: readonly RecordWrite[], now: string): Promise<StoredRecord[]> {
    if (writes.length === 0) return [];
    const { schema } = this.context;
    const last = new Map<string, { kind: string; id: string; json: string; writes: number }>();
    for (const write of writes) {
      const key = `${write.kind}\u0000${write.id}`;
      const json = JSON.stringify(write.value ?? null);
      const known = last.get(key);
      if (known === undefined) last.set(key, { kind: write.kind, id: write.id, json, writes: 1 });
      else last.set(key, { ...known, json, writes: known.writes + 1 });
    }
    const rows = await tx.query<{ kind: string; id: string; version: number | string }>(
      `INSERT INTO ${schema}.exchange_records (kind, id, version, value, updated_at)
       SELECT r->>'kind', r->>'id', (r->>'writes')::bigint, r->'value', $2
       FROM jsonb_array_elements($1::jsonb) AS batch (r)
       ON CONFLICT (kind, id) DO UPDATE
         SET version = ${schema}.exchange_records.version + EXCLUDED.version, value = EXCLUDED.value,
             updated_at = EXCLUDED.updated_at
       RETURNING kind, id, version`,
      [
        `[${[...last.values()].map((entry) => `{"kind":${JSON.stringify(entry.kind)},"id":${JSON.stringify(entry.id)},"writes":${entry.writes},"value":${entry.json}}`).join(',')}]`,
        now,
      ],
    );
    const versions = new Map(rows.map((row) => [`${row.kind}\u0000${row.id}`, Number(row.version)]));
    return [...last].map(([key, entry]) => ({
      kind: entry.kind,
      id: entry.id,
      version: versions.get(key)!,
      value: JSON.parse(entry.json),
      updatedAt: now,
    }));
  }

  async #appendAudit(tx: SqlExecutor, changes: ExchangeChanges, at: string): Promise<AuditEntry[]> {
    const inputs = changes.audit ?? [];
    if (inputs.length === 0) return [];
    const { schema, schemaName, driver } = this.context;
    // One order for the hash chain whatever the concurrency (PGlite: one transaction at a time anyway).
    if (driver.kind === 'postgres') {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`keten.audit.${schemaName}`]);
    }
    // The entry the chain ends with, as this process last wrote it: the insert checks it is still the
    // last one (another process, a rolled-back transaction), so a stale guess costs a second try, never
    // a broken chain.
    const tails = lastAuditEntries(driver);
    const guess = tails.get(schemaName);
    if (guess !== undefined) {
      const entries = chainOn(inputs, guess, at);
      if (await this.#insertAudit(tx, entries, guess.hash)) {
        tails.set(schemaName, entries.at(-1)!);
        return entries;
      }
    }
    const last = await tx.query<{ sequence: number | string; hash: string }>(
      `SELECT sequence, hash FROM ${schema}.exchange_audit ORDER BY sequence DESC LIMIT 1`,
    );
    const tail = {
      sequence: last[0] === undefined ? 0 : Number(last[0].sequence),
      hash: last[0]?.hash ?? GENESIS_HASH,
    };
    const entries = chainOn(inputs, tail, at);
    if (!(await this.#insertAudit(tx, entries, tail.hash))) {
      throw new StoreError('conflict', 'the audit trail grew while this commit appended to it; try again');
    }
    tails.set(schemaName, entries.at(-1)!);
    return entries;
  }

  /** Appends `entries` when the trail still ends with `previousHash`; false (nothing written) otherwise. */
  async #insertAudit(
    tx: SqlExecutor,
    entries: readonly AuditEntry[],
    previousHash: string,
  ): Promise<boolean> {
    const { schema } = this.context;
    const rows = await tx.query(
      `INSERT INTO ${schema}.exchange_audit (sequence, at, actor, action, resource, outcome, reason, details, previous_hash, hash)
       SELECT (a->>'sequence')::bigint, (a->>'at')::timestamptz, a->>'actor', a->>'action', a->>'resource',
              a->>'outcome', a->>'reason', a->'details', a->>'previousHash', a->>'hash'
       FROM jsonb_array_elements($1::jsonb) AS batch (a)
       WHERE COALESCE((SELECT hash FROM ${schema}.exchange_audit ORDER BY sequence DESC LIMIT 1), $2) = $3
       RETURNING sequence`,
      // An entry without details has no `details` key, so a->'details' is SQL NULL there.
      [JSON.stringify(entries), GENESIS_HASH, previousHash],
    );
    return rows.length === entries.length;
  }

  hasReceipt(key: string): Promise<boolean> {
    const { schema, driver } = this.context;
    return operation(this.context, `reading receipt ${key}`, async () => {
      const rows = await driver.query(`SELECT 1 FROM ${schema}.exchange_receipts WHERE key = $1`, [key]);
      return rows.length > 0;
    });
  }

  acceptedReceipts(keys: readonly string[]): Promise<ReadonlySet<string>> {
    const { schema, driver } = this.context;
    return operation(this.context, `reading ${keys.length} receipts`, async () => {
      if (keys.length === 0) return new Set<string>();
      const rows = await driver.query<{ key: string }>(
        `SELECT key FROM ${schema}.exchange_receipts WHERE key = ANY($1::text[])`,
        [[...keys]],
      );
      return new Set(rows.map((row) => row.key));
    });
  }

  getRecord(kind: string, id: string): Promise<StoredRecord | undefined> {
    const { schema, driver } = this.context;
    return operation(this.context, `reading the ${kind} record ${id}`, async () => {
      const cache = this.#records();
      const cached = cache?.get(kind, id);
      if (cached !== undefined) return cached;
      const rows = await driver.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM ${schema}.exchange_records WHERE kind = $1 AND id = $2`,
        [kind, id],
      );
      if (rows[0] === undefined) return undefined;
      const record = toRecord(rows[0]);
      cache?.offer(kind, id, record.version, record);
      return record;
    });
  }

  listRecords(kind: string, options: { readonly limit?: number } = {}): Promise<StoredRecord[]> {
    const { schema, driver } = this.context;
    return operation(this.context, `listing ${kind} records`, async () => {
      const rows = await driver.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM ${schema}.exchange_records WHERE kind = $1 ORDER BY id COLLATE "C" LIMIT $2`,
        [kind, exchangeReadLimit(options.limit)],
      );
      return rows.map(toRecord);
    });
  }

  dueMessages(now: string, limit: number): Promise<OutboxMessage[]> {
    const { schema, driver } = this.context;
    return operation(this.context, 'reading due outbox messages', async () => {
      // The rows are chosen first and only then read whole: sorting them with their bodies turned to
      // text would convert every due message's body, not just the `limit` sent (milliseconds each
      // hundred on PGlite).
      // A receiver's messages go in order: none is due while an earlier one to it waits for a later
      // attempt (`waiting`: the first such message per receiver; few, as only failures wait).
      const rows = await driver.query<OutboxRow>(
        `WITH waiting AS (
           SELECT receiver, min(sequence) AS sequence FROM ${schema}.exchange_outbox
           WHERE delivered_at IS NULL AND abandoned_at IS NULL AND next_attempt_at > $1
           GROUP BY receiver)
         SELECT ${OUTBOX_COLUMNS} FROM ${schema}.exchange_outbox
         WHERE sequence IN (
           SELECT message.sequence FROM ${schema}.exchange_outbox AS message
           LEFT JOIN waiting ON waiting.receiver = message.receiver
           WHERE message.delivered_at IS NULL AND message.abandoned_at IS NULL
             AND message.next_attempt_at <= $1
             AND (waiting.sequence IS NULL OR message.sequence < waiting.sequence)
           ORDER BY message.sequence LIMIT $2)
         ORDER BY sequence`,
        [now, Math.max(0, Math.floor(limit))],
      );
      return rows.map(toMessage);
    });
  }

  nextDueAt(): Promise<string | undefined> {
    const { schema, driver } = this.context;
    return operation(this.context, 'reading the next due outbox message', async () => {
      // A receiver's messages fall due with its oldest pending one (see `dueMessages`).
      const rows = await driver.query<{ at: string | null }>(
        `SELECT ${isoText('min(next_attempt_at)')} AS at FROM ${schema}.exchange_outbox
         WHERE sequence IN (
           SELECT min(sequence) FROM ${schema}.exchange_outbox
           WHERE delivered_at IS NULL AND abandoned_at IS NULL
           GROUP BY receiver)`,
      );
      return rows[0]?.at ?? undefined;
    });
  }

  listMessages(query: OutboxQuery = {}): Promise<OutboxMessage[]> {
    const { schema, driver } = this.context;
    return operation(this.context, 'listing outbox messages', async () => {
      const conditions: string[] = [];
      const params: unknown[] = [];
      const state = query.state ?? 'pending';
      if (state === 'pending') conditions.push('delivered_at IS NULL AND abandoned_at IS NULL');
      if (state === 'delivered') conditions.push('delivered_at IS NOT NULL');
      if (state === 'abandoned') conditions.push('abandoned_at IS NOT NULL');
      if (query.correlation !== undefined) {
        params.push(query.correlation);
        conditions.push(`correlation = $${params.length}`);
      }
      params.push(exchangeReadLimit(query.limit));
      // As in `dueMessages`: choose the rows, then read them whole.
      const rows = await driver.query<OutboxRow>(
        `SELECT ${OUTBOX_COLUMNS} FROM ${schema}.exchange_outbox
         WHERE sequence IN (
           SELECT sequence FROM ${schema}.exchange_outbox
           ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
           ORDER BY sequence LIMIT $${params.length})
         ORDER BY sequence`,
        params,
      );
      return rows.map(toMessage);
    });
  }

  markDelivered(sequence: number | readonly number[], at: string): Promise<void> {
    const { schema, driver } = this.context;
    const sequences = sequenceList(sequence);
    return operation(
      this.context,
      `marking outbox message ${describeSequences(sequences)} delivered`,
      async () => {
        if (sequences.length === 0) return;
        // One statement for a whole batch: a sender confirms many messages at once.
        await driver.query(
          `UPDATE ${schema}.exchange_outbox SET delivered_at = $2, attempts = attempts + 1
         WHERE sequence = ANY($1::bigint[]) AND delivered_at IS NULL`,
          [sequences, at],
        );
      },
    );
  }

  markAttemptFailed(
    sequence: number | readonly number[],
    error: string,
    nextAttemptAt: string,
  ): Promise<void> {
    const { schema, driver } = this.context;
    const sequences = sequenceList(sequence);
    return operation(
      this.context,
      `recording a failed delivery of outbox message ${describeSequences(sequences)}`,
      async () => {
        if (sequences.length === 0) return;
        await driver.query(
          `UPDATE ${schema}.exchange_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
           WHERE sequence = ANY($1::bigint[]) AND delivered_at IS NULL AND abandoned_at IS NULL`,
          [sequences, error, nextAttemptAt],
        );
      },
    );
  }

  markAbandoned(sequence: number, error: string, at: string): Promise<void> {
    const { schema, driver } = this.context;
    return operation(this.context, `abandoning outbox message ${sequence}`, async () => {
      await driver.query(
        `UPDATE ${schema}.exchange_outbox SET attempts = attempts + 1, last_error = $2, abandoned_at = $3
         WHERE sequence = $1 AND delivered_at IS NULL AND abandoned_at IS NULL`,
        [sequence, error, at],
      );
    });
  }

  readAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const { schema, driver } = this.context;
    return operation(this.context, 'reading the audit trail', async () => {
      const conditions: string[] = [];
      const params: unknown[] = [];
      if ((query.after ?? 0) > 0) {
        params.push(query.after);
        conditions.push(`sequence > $${params.length}`);
      }
      if (query.actor !== undefined) {
        params.push(query.actor);
        conditions.push(`actor = $${params.length}`);
      }
      if (query.resource !== undefined) {
        params.push(query.resource);
        conditions.push(`resource = $${params.length}`);
      }
      params.push(exchangeReadLimit(query.limit));
      const rows = await driver.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM ${schema}.exchange_audit
         ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY sequence LIMIT $${params.length}`,
        params,
      );
      return rows.map(toAuditEntry);
    });
  }

  searchAudit(query: AuditSearchQuery): Promise<AuditSearchPage> {
    const { schema, driver } = this.context;
    return operation(this.context, 'searching the audit trail', async () => {
      // Filters as SQL; the page walks the primary key backwards and stops after `limit` + 1 matches.
      const params: unknown[] = [];
      const filters: string[] = [];
      const bind = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      if (query.text !== undefined) {
        // The text is looked for among the distinct actors and resources (a loose scan of their
        // indexes: a node has few partners and datasets), then the entries are found by those indexes.
        const pattern = `%${likeEscaped(query.text.toLowerCase())}%`;
        const distinct = async (column: 'actor' | 'resource') =>
          (
            await driver.query<{ value: string }>(
              `WITH RECURSIVE found(value) AS (
                 (SELECT ${column} FROM ${schema}.exchange_audit ORDER BY ${column} LIMIT 1)
                 UNION ALL
                 SELECT (SELECT ${column} FROM ${schema}.exchange_audit WHERE ${column} > found.value
                         ORDER BY ${column} LIMIT 1)
                 FROM found WHERE found.value IS NOT NULL
               )
               SELECT value FROM found WHERE value IS NOT NULL AND lower(value) LIKE $1`,
              [pattern],
            )
          ).map((row) => row.value);
        const [actors, resources] = [await distinct('actor'), await distinct('resource')];
        filters.push(`(actor = ANY(${bind(actors)}::text[]) OR resource = ANY(${bind(resources)}::text[]))`);
      }
      if (query.actionPrefix !== undefined)
        filters.push(`action LIKE ${bind(`${likeEscaped(query.actionPrefix)}%`)}`);
      if (query.outcome !== undefined) filters.push(`outcome = ${bind(query.outcome)}`);
      const where = (conditions: string[]) =>
        conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
      const filterParams = [...params];
      const limit = exchangeReadLimit(query.limit);
      const page = [...filters];
      if (query.before !== undefined) page.push(`sequence < ${bind(query.before)}`);
      const rows = await driver.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM ${schema}.exchange_audit ${where(page)}
         ORDER BY sequence DESC LIMIT ${bind(limit + 1)}`,
        params,
      );
      // Sequences run 1, 2, 3, … (the chain): the last one is the count, read from the primary key.
      const [last] = await driver.query<{ total: string | number | null }>(
        `SELECT max(sequence) AS total FROM ${schema}.exchange_audit`,
      );
      const total = Number(last?.total ?? 0);
      let matched = total;
      if (filters.length > 0) {
        const [counted] = await driver.query<{ matched: string | number }>(
          `SELECT count(*) AS matched FROM ${schema}.exchange_audit ${where(filters)}`,
          filterParams,
        );
        matched = Number(counted?.matched ?? 0);
      }
      return {
        entries: rows.slice(0, limit).map(toAuditEntry),
        more: rows.length > limit,
        matched,
        total,
      };
    });
  }

  rememberNonce(nonce: string, expiresAt: string): Promise<boolean> {
    const { schema, driver, clock } = this.context;
    return operation(this.context, 'remembering a request nonce', async () => {
      const now = clock.now();
      if (now.getTime() - this.#noncesPrunedAt >= NONCE_PRUNE_INTERVAL) {
        this.#noncesPrunedAt = now.getTime();
        await driver.query(`DELETE FROM ${schema}.exchange_nonces WHERE expires_at < $1`, [
          now.toISOString(),
        ]);
      }
      // A nonce seen before counts as new again only once it has expired.
      const rows = await driver.query(
        `INSERT INTO ${schema}.exchange_nonces (nonce, expires_at) VALUES ($1, $2)
         ON CONFLICT (nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at
           WHERE ${schema}.exchange_nonces.expires_at < $3
         RETURNING nonce`,
        [nonce, expiresAt, now.toISOString()],
      );
      return rows.length > 0;
    });
  }
}

/** Thrown inside a commit's transaction to roll back receipts claimed before a known one came up. */
class RepeatedReceipt extends StoreError {
  constructor(readonly key: string) {
    // A StoreError, so the drivers pass it through unchanged.
    super('conflict', `the message ${key} was accepted before`);
  }
}

/** Outbox sequences as a list of whole numbers (an array parameter both drivers send as bigint[]). */
function sequenceList(sequence: number | readonly number[]): number[] {
  const list = typeof sequence === 'number' ? [sequence] : [...sequence];
  for (const each of list) {
    if (!Number.isSafeInteger(each)) {
      throw new StoreError('invalid-input', `an outbox sequence must be a whole number, not ${each}`);
    }
  }
  return list;
}

function describeSequences(sequences: readonly number[]): string {
  if (sequences.length <= 3) return sequences.join(', ');
  return `${sequences[0]} … ${sequences.at(-1)} (${sequences.length} messages)`;
}

function toRecord(row: RecordRow): StoredRecord {
  return {
    kind: row.kind,
    id: row.id,
    version: Number(row.version),
    value: JSON.parse(row.value),
    updatedAt: row.updated_at,
  };
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    to: row.receiver,
    path: row.path,
    body: JSON.parse(row.body),
    kind: row.kind,
    ...(row.correlation === null ? {} : { correlation: row.correlation }),
    sequence: Number(row.sequence),
    createdAt: row.created_at,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    ...(row.delivered_at === null ? {} : { deliveredAt: row.delivered_at }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.abandoned_at === null ? {} : { abandonedAt: row.abandoned_at }),
  };
}

/** `text` for a LIKE pattern: its own `%`, `_` and `\` match themselves. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    sequence: Number(row.sequence),
    at: row.at,
    actor: row.actor,
    action: row.action,
    resource: row.resource,
    outcome: row.outcome,
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.details === null ? {} : { details: JSON.parse(row.details) }),
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
