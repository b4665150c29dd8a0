/**
 * @module errors
 * The CLI's one error type. Every expected failure (bad input, a network that is not there, a server
 * that does not answer) becomes a `CliError` with a fixed code and exit status; `main` prints its
 * message alone. Anything else is a bug: it is reported as such, with the stack only under KETEN_DEBUG.
 */

/** Exit statuses, stable for scripts. */
export const EXIT = {
  ok: 0,
  /** The input is invalid (a network with problems, a file that cannot be read as one). */
  invalid: 1,
  /** The command line itself is wrong. */
  usage: 2,
  notFound: 3,
  /** Refused: not logged in, not allowed, or the store is in use by another process. */
  refused: 4,
  /** A server or database did not answer. */
  unavailable: 5,
  internal: 70,
} as const;

export type CliErrorCode = keyof typeof EXIT;

export class CliError extends Error {
  readonly code: CliErrorCode;
  /** Lines printed after the message (e.g. every problem in a file). */
  readonly details: readonly string[];

  constructor(code: CliErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.details = details;
  }

  get exitCode(): number {
    return EXIT[this.code];
  }
}
