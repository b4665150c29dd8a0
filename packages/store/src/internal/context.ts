/**
 * @module internal/context
 * What each SQL store of one schema shares: the driver, the quoted schema, the clock, the logger, and
 * the closed flag; and the SQL that turns stored times into ISO 8601 text the same on every driver.
 */
import type { Clock } from '@keten/core';
import { StoreError } from '../errors.ts';
import type { StoreLogger } from '../logger.ts';
import { type SqlDriver, toStoreError } from './driver.ts';

export interface StoreContext {
  readonly driver: SqlDriver;
  /** The schema's name, e.g. `keten`. */
  readonly schemaName: string;
  /** The schema as a quoted SQL identifier, e.g. `"keten"`. */
  readonly schema: string;
  readonly clock: Clock;
  readonly logger: StoreLogger;
  /** True once the store or its database is closed. */
  isClosed(): boolean;
}

/**
 * Runs one store operation: refuses it when closed, and turns any failure into a `StoreError` saying
 * what was being done.
 */
export async function operation<T>(context: StoreContext, doing: string, work: () => Promise<T>): Promise<T> {
  if (context.isClosed()) {
    throw new StoreError('closed', `${doing}: the store ${context.schemaName} is closed`, {
      details: { schema: context.schemaName },
    });
  }
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError) {
      if (error.code === 'unavailable' || error.message.startsWith(doing)) throw error;
      throw new StoreError(error.code, `${doing}: ${error.message}`, {
        cause: error,
        details: error.details,
      });
    }
    throw toStoreError(error, doing, context.driver.location);
  }
}

/** SQL for a timestamptz column as `2025-03-03T08:00:00.000Z`; drivers would otherwise differ. */
export function isoText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
