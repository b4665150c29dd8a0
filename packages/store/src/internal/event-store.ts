/**
 * @module internal/event-store
 * The append-only, idempotent event log in SQL.
 *
 * - Idempotent: `INSERT ... ON CONFLICT (key) DO NOTHING RETURNING` writes a key once; keys not
 *   returned were in the log already and are reported as duplicates. A key repeated inside one call
 *   is written once (`prepareEvents` keeps its first occurrence).
 * - Fast: events go in batches of up to `BATCH_EVENTS` per statement, sent as one JSON array
 *   parameter unpacked by `jsonb_array_elements`, so a batch needs two parameters whatever its size
 *   (PostgreSQL allows 65,535 per statement).
 * - All or nothing: one call is one transaction; a crash leaves none of its events.
 * - Ordered: appends take a transaction-level advisory lock on the log, so sequence numbers are
 *   handed out in commit order and a reader following `after` never skips an event that commits
 *   later with a smaller number. Sequence numbers are strictly increasing but may have gaps (a
 *   conflicting insert still draws one).
 */
import {
  type AppendOutcome,
  type EventInput,
  type EventQuery,
  type EventStore,
  eventReadAfter,
  eventReadLimit,
  type PreparedEvent,
  prepareEvents,
  type StoredEvent,
} from '@keten/core';
import { StoreError } from '../errors.ts';
import { isoText, operation, type StoreContext } from './context.ts';
import type { SqlExecutor } from './driver.ts';

/** Most events per INSERT statement. */
export const BATCH_EVENTS = 10000;
/** Most characters of JSON per INSERT statement, so one batch of large payloads stays a modest message. */
const BATCH_CHARACTERS = 8_000_000;

interface EventRow {
  sequence: number | string;
  type: string;
  key: string;
  at: string;
  source: string;
  payload: string;
  recorded_at: string;
}

export class SqlEventStore implements EventStore {
  constructor(private readonly context: StoreContext) {}

  append(events: readonly EventInput[]): Promise<AppendOutcome> {
    const { schema, schemaName, driver, clock } = this.context;
    return operation(this.context, `appending ${events.length} events`, async () => {
      const batch = prepareEvents(events);
      if (!batch.ok) {
        throw new StoreError('invalid-input', batch.error.message, {
          details: { index: batch.error.index, reason: batch.error.reason },
        });
      }
      const prepared = batch.value.events;
      if (prepared.length === 0) return { appended: [], duplicates: [...batch.value.repeated] };
      const recordedAt = clock.now().toISOString();
      const sequences = await driver.transaction((tx) =>
        insertEvents(tx, schema, schemaName, prepared, recordedAt),
      );
      const { appended, duplicates } = writtenEvents(prepared, sequences, recordedAt);
      duplicates.push(...batch.value.repeated);
      return { appended, duplicates };
    });
  }

  read(query: EventQuery = {}): Promise<StoredEvent[]> {
    const { schema, driver } = this.context;
    return operation(this.context, 'reading events', async () => {
      const limit = eventReadLimit(query);
      const after = eventReadAfter(query);
      if (limit === 0 || after === undefined) return [];
      const conditions: string[] = [];
      const params: unknown[] = [];
      if (after > 0) {
        params.push(after);
        conditions.push(`sequence > $${params.length}`);
      }
      if (query.type !== undefined) {
        params.push(query.type);
        conditions.push(`type = $${params.length}`);
      }
      if (query.source !== undefined) {
        params.push(query.source);
        conditions.push(`source = $${params.length}`);
      }
      params.push(limit);
      const rows = await driver.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${schema}.events
         ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
         ORDER BY sequence LIMIT $${params.length}`,
        params,
      );
      return rows.map(toStoredEvent);
    });
  }

  get(key: string): Promise<StoredEvent | undefined> {
    const { schema, driver } = this.context;
    return operation(this.context, `reading event ${key}`, async () => {
      const rows = await driver.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${schema}.events WHERE key = $1`,
        [key],
      );
      return rows[0] ? toStoredEvent(rows[0]) : undefined;
    });
  }
}

/**
 * Writes prepared events inside the caller's transaction, under the log's advisory lock; returns the
 * sequence number of each key written (keys already in the log are absent).
 */
export async function insertEvents(
  tx: SqlExecutor,
  schema: string,
  schemaName: string,
  prepared: readonly PreparedEvent[],
  recordedAt: string,
): Promise<Map<string, number>> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`keten.events.${schemaName}`]);
  const written = new Map<string, number>();
  for (const chunk of chunks(prepared)) {
    const rows = await tx.query<{ sequence: number | string; key: string }>(
      `INSERT INTO ${schema}.events (type, key, at, source, payload, recorded_at)
       SELECT e->>'type', e->>'key', (e->>'at')::timestamptz, e->>'source', e->'payload', $2::timestamptz
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS batch (e, position)
       ORDER BY position
       ON CONFLICT (key) DO NOTHING
       RETURNING sequence, key`,
      [chunk, recordedAt],
    );
    for (const row of rows) written.set(row.key, Number(row.sequence));
  }
  return written;
}

/** The events `insertEvents` wrote, in sequence order, and the keys it did not write. */
export function writtenEvents(
  prepared: readonly PreparedEvent[],
  sequences: ReadonlyMap<string, number>,
  recordedAt: string,
): { appended: StoredEvent[]; duplicates: string[] } {
  const appended: StoredEvent[] = [];
  const duplicates: string[] = [];
  for (const event of prepared) {
    const sequence = sequences.get(event.key);
    if (sequence === undefined) {
      duplicates.push(event.key);
      continue;
    }
    appended.push({
      sequence,
      type: event.type,
      key: event.key,
      at: event.at,
      source: event.source,
      payload: JSON.parse(event.payloadJson),
      recordedAt,
    });
  }
  appended.sort((a, b) => a.sequence - b.sequence);
  return { appended, duplicates };
}

const EVENT_COLUMNS = `sequence, type, key, ${isoText('at')} AS at, source, payload::text AS payload,
  ${isoText('recorded_at')} AS recorded_at`;

/** The events as JSON arrays of at most `BATCH_EVENTS` events and about `BATCH_CHARACTERS` characters. */
function* chunks(events: readonly PreparedEvent[]): Generator<string> {
  let parts: string[] = [];
  let characters = 0;
  for (const event of events) {
    const text = `{"type":${JSON.stringify(event.type)},"key":${JSON.stringify(event.key)},"at":"${event.at}","source":${JSON.stringify(event.source)},"payload":${event.payloadJson}}`;
    if (parts.length > 0 && (parts.length >= BATCH_EVENTS || characters + text.length > BATCH_CHARACTERS)) {
      yield `[${parts.join(',')}]`;
      parts = [];
      characters = 0;
    }
    parts.push(text);
    characters += text.length;
  }
  if (parts.length > 0) yield `[${parts.join(',')}]`;
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    sequence: Number(row.sequence),
    type: row.type,
    key: row.key,
    at: row.at,
    source: row.source,
    payload: JSON.parse(row.payload),
    recordedAt: row.recorded_at,
  };
}
