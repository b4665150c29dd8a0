/**
 * @module logger
 * The structured logger the store writes to: pino-compatible (`logger.info({ schema }, 'migrated')`),
 * optional, and silent by default. The store never writes to the console.
 */

/** A pino-compatible logger: an object of facts first, then a message. */
export interface StoreLogger {
  info(facts: object, message: string): void;
  warn(facts: object, message: string): void;
  error(facts: object, message: string): void;
}

/** Drops everything: the default when no logger is given. */
export const silentLogger: StoreLogger = {
  info() {},
  warn() {},
  error() {},
};
