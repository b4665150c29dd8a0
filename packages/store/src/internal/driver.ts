/**
 * @module internal/driver
 * The little SQL the store needs from a database, so one implementation of the stores runs on PGlite
 * and on PostgreSQL: parameterized queries, several statements at once, and transactions. Every
 * failure leaves here as a `StoreError`; the driver's own errors never reach callers.
 */
import { StoreError, type StoreErrorCode } from '../errors.ts';

/** Runs statements; inside a transaction or outside one. */
export interface SqlExecutor {
  /** One statement with `$1`, `$2`, ... parameters; the rows it returns. */
  query<Row extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /** Several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

/** A database connection (PGlite) or pool (PostgreSQL). */
export interface SqlDriver extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data is, for messages: a directory, `memory`, or a URL without its password. */
  readonly location: string;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it rejects. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The `StoreError` for a driver failure, by SQLSTATE (PostgreSQL, Appendix A "Error Codes") or Node
 * socket error code; a `StoreError` passes through unchanged.
 */
export function toStoreError(error: unknown, doing: string, location: string): StoreError {
  if (error instanceof StoreError) return error;
  const code =
    typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  const message = error instanceof Error ? error.message : String(error);
  const storeCode = classify(code, message);
  const where = storeCode === 'unavailable' ? `cannot reach the database at ${location}` : doing;
  return new StoreError(storeCode, `${where}: ${message}`, {
    cause: error,
    details: { location, ...(code === '' ? {} : { sqlState: code }) },
  });
}

function classify(code: string, message: string): StoreErrorCode {
  if (/^E[A-Z]+$/.test(code)) return 'unavailable'; // ECONNREFUSED, ENOTFOUND, ECONNRESET, ETIMEDOUT, ...
  if (code.length === 5) {
    if (code === '23514' || code === '23502') return 'invalid-input';
    const family = code.slice(0, 2);
    if (family === '23' || family === '40') return 'conflict';
    if (family === '22' || code === '54000') return 'invalid-input';
    if (family === '08' || family === '28' || family === '53' || family === '57' || family === '58') {
      return 'unavailable';
    }
    if (code === '3D000') return 'unavailable'; // the database does not exist
    if (family === 'XX' && code !== 'XX000') return 'corrupt'; // XX001 data_corrupted, XX002 index_corrupted
    return 'internal';
  }
  if (/connection terminated|timeout exceeded when trying to connect|connection refused/i.test(message)) {
    return 'unavailable';
  }
  return 'internal';
}

/** A URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable database URL)';
  }
}
