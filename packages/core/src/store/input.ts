/**
 * @module store/input
 * The rules every store applies to what it is asked to hold, shared by the in-memory store and the
 * database adapters so that they accept, normalize and refuse exactly the same input: event fields,
 * times, network names, and the limit of an event query.
 *
 * Input that breaks these rules is a bug of the caller (the server and the connector validate at the
 * edge), so stores throw on it rather than return it as a value.
 */
import { err, ok, type Result } from '../result.ts';
import type { EventInput, EventQuery } from './ports.ts';

/**
 * Longest key, type and source of an event, and longest network name, in UTF-16 code units. They keep
 * every value well inside a PostgreSQL b-tree index entry (at most 2,704 bytes, i.e. at least 676
 * characters of UTF-8).
 */
export const STORE_LIMITS = {
  eventKey: 500,
  eventType: 200,
  eventSource: 500,
  networkName: 200,
} as const;

/** Events returned by `EventStore.read` without a `limit`, and the most it returns with one. */
export const EVENT_READ_LIMIT = { default: 1000, maximum: 10_000 } as const;

/** An event checked and normalized for storage: `at` in UTC with milliseconds, the payload as JSON text. */
export interface PreparedEvent {
  readonly type: string;
  readonly key: string;
  readonly at: string;
  readonly source: string;
  readonly payloadJson: string;
}

/** Why an event was refused. */
export interface EventProblem {
  /** Position of the event in the appended list. */
  readonly index: number;
  readonly reason: 'key' | 'type' | 'source' | 'time' | 'payload';
  readonly message: string;
}

/** The events of one append, checked: each key once (the first occurrence), later repeats listed apart. */
export interface PreparedBatch {
  readonly events: PreparedEvent[];
  /** Keys that occurred more than once in the batch, once per extra occurrence. */
  readonly repeated: string[];
}

/**
 * Checks and normalizes the events of one `append` call, all or nothing: the first problem refuses the
 * whole batch. A key that occurs twice in the batch is kept once (its first occurrence); the others are
 * reported in `repeated`, and the store reports them as duplicates.
 */
export function prepareEvents(events: readonly EventInput[]): Result<PreparedBatch, EventProblem> {
  const prepared: PreparedEvent[] = [];
  const repeated: string[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const problem = checkEvent(event, index);
    if (problem) return err(problem);
    const at = normalizeTimestamp(event.at);
    if (at === undefined) {
      return err({
        index,
        reason: 'time',
        message: `event ${event.key}: "at" must be an ISO 8601 date, or date and time with a zone (Z or ±hh:mm), got ${JSON.stringify(event.at)}`,
      });
    }
    let payloadJson: string | undefined;
    try {
      payloadJson = JSON.stringify(event.payload ?? null);
    } catch (error) {
      return err({
        index,
        reason: 'payload',
        message: `event ${event.key}: the payload is not JSON: ${String(error)}`,
      });
    }
    if (seen.has(event.key)) {
      repeated.push(event.key);
      continue;
    }
    seen.add(event.key);
    prepared.push({
      type: event.type,
      key: event.key,
      at,
      source: event.source,
      payloadJson: payloadJson ?? 'null',
    });
  }
  return ok({ events: prepared, repeated });
}

function checkEvent(event: EventInput, index: number): EventProblem | undefined {
  const fields = [
    ['key', event.key, STORE_LIMITS.eventKey],
    ['type', event.type, STORE_LIMITS.eventType],
    ['source', event.source, STORE_LIMITS.eventSource],
  ] as const;
  for (const [name, value, limit] of fields) {
    if (typeof value !== 'string' || value.length === 0 || value.length > limit || value.includes('\u0000')) {
      return {
        index,
        reason: name,
        message: `event ${index}: "${name}" must be a string of 1 to ${limit} characters without NUL`,
      };
    }
  }
  return undefined;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?))?$/;

/**
 * A time as stored: ISO 8601 in UTC with milliseconds (`2025-03-03T08:00:00.000Z`), or undefined when
 * `text` is not an ISO 8601 date, or date and time with a zone. A time without a zone is refused
 * because it would mean a different instant on every machine. Digits below a millisecond are dropped.
 */
export function normalizeTimestamp(text: string): string | undefined {
  if (typeof text !== 'string') return undefined;
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const monthNumber = Number(month);
  const dayNumber = Number(day);
  if (monthNumber < 1 || monthNumber > 12 || dayNumber < 1) return undefined;
  if (dayNumber > daysInMonth(Number(year), monthNumber)) return undefined;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) {
    return undefined;
  }
  const time = Date.parse(text.replace(' ', 'T'));
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A problem with a network name, or undefined when the name can be stored. */
export function checkNetworkName(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > STORE_LIMITS.networkName) {
    return `a network name must have 1 to ${STORE_LIMITS.networkName} characters`;
  }
  if (name.includes('\u0000')) return 'a network name cannot contain NUL';
  return undefined;
}

/**
 * The sequence number a query reads after: `after` rounded down; 0 when absent or not a number;
 * undefined for +Infinity (nothing comes after it).
 */
export function eventReadAfter(query: EventQuery): number | undefined {
  if (query.after === undefined || Number.isNaN(query.after) || query.after === -Infinity) return 0;
  if (query.after === Infinity) return undefined;
  return Math.max(0, Math.floor(query.after));
}

/** The number of events a query returns at most: its `limit` (whole, 0 to the maximum) or the default. */
export function eventReadLimit(query: EventQuery): number {
  if (query.limit === undefined) return EVENT_READ_LIMIT.default;
  if (!Number.isFinite(query.limit)) return EVENT_READ_LIMIT.maximum;
  return Math.min(Math.max(Math.floor(query.limit), 0), EVENT_READ_LIMIT.maximum);
}
