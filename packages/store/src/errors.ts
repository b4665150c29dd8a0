/**
 * @module errors
 * The one error type of the store adapters. Callers switch on `code`, never on driver messages: no raw
 * PGlite or `pg` error leaves this package. The server maps codes to HTTP statuses and the CLI to exit
 * codes; `STORE_ERROR_CODES` lists them all.
 */

/**
 * What went wrong, as a fixed list:
 * - `locked`: the embedded store's directory is in use by another process (a running keten server?).
 * - `unavailable`: the database cannot be reached or went away (PostgreSQL down, wrong URL, refused login).
 * - `migration-failed`: the schema could not be created or brought up to date, or it is newer than this keten.
 * - `conflict`: a write collided with stored data and was not made (e.g. a token for an unknown user).
 * - `corrupt`: stored data is damaged or not what keten wrote (a broken data directory).
 * - `invalid-input`: the caller asked to store something the store cannot hold (a bad schema name,
 *   an event time without a zone, a NUL character). A bug of the caller: the edge validates first.
 * - `closed`: the store or database was used after `close()`.
 * - `internal`: anything else; a bug of keten or of the database, logged with its cause.
 */
export const STORE_ERROR_CODES = [
  'locked',
  'unavailable',
  'migration-failed',
  'conflict',
  'corrupt',
  'invalid-input',
  'closed',
  'internal',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

/**
 * The error every store adapter operation rejects with.
 *
 * @example
 * try {
 *   store = await openStore({ dataDir });
 * } catch (error) {
 *   if (error instanceof StoreError && error.code === 'locked') console.error(error.message);
 *   else throw error;
 * }
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  /** Facts for logs and tools: the directory, the locking process id, the SQLSTATE of the driver error. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: StoreErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `error` is a `StoreError`, with the given code if one is given. */
export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
