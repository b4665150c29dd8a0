/**
 * @module logging
 * Structured JSON logs with pino, one line per event, each request's lines carrying its id (`reqId`).
 * Secrets never reach the log: the Authorization and Cookie headers and any field named like a password,
 * token or secret are redacted, and request bodies are not logged at all.
 */
import type { FastifyBaseLogger } from 'fastify';
import { type Logger, type LoggerOptions, pino } from 'pino';

/** Paths pino replaces with `[redacted]`, wherever a log call puts them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  'passwordHash',
  'secret',
  'token',
  'tokenHash',
  '*.password',
  '*.passwordHash',
  '*.secret',
  '*.token',
  '*.tokenHash',
];

export type LoggerSetting = LoggerOptions | Logger | FastifyBaseLogger | false | undefined;

/** The logger the server uses: `false` for none; options or an instance get redaction added. */
export function serverLogger(setting: LoggerSetting): FastifyBaseLogger | undefined {
  if (setting === false) return undefined;
  const redact = { paths: REDACTED_PATHS, censor: '[redacted]' };
  if (isLogger(setting)) {
    // A child inherits the destination and level, and gets our redaction on top of the parent's.
    return setting.child({}, { redact }) as FastifyBaseLogger;
  }
  return pino({ level: 'info', ...setting, redact }) as FastifyBaseLogger;
}

function isLogger(value: unknown): value is Logger {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Logger).child === 'function' &&
    typeof (value as Logger).info === 'function'
  );
}
