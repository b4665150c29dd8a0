/**
 * @module exchange/problems
 * What can go wrong when keten builds a payload from its data or reads one it received, as values:
 * each problem names the field (in the payload, or in the network), the value, and what to do.
 * A reader that finds a problem applies nothing from the payload (all or nothing); parts of a good
 * payload that cannot be applied (a week beyond the horizon, an order the receiver does not hold) are
 * `ExchangeNote`s beside the result, never dropped silently.
 */
import type { z } from 'zod';
import { err, type Result } from '../result.ts';

/** Every kind of problem, with what it means; the keys form `ExchangeProblemCode`. */
export const EXCHANGE_PROBLEM_CODES = {
  malformed: "The payload does not have the model's shape (a field missing, of the wrong kind or pattern).",
  'no-bpn': 'A company that takes part in the exchange has no `bpn` in the network.',
  'unknown-partner': 'A BPNL or BPNS that is the number of no company in the network.',
  'wrong-receiver': 'The payload is addressed to another business partner than the node reading it.',
  'unknown-material': 'A material number (or twin id) that stands for no item between these partners.',
  'not-a-partner': 'The two companies do not buy or sell the item to each other in the network.',
  'unit-mismatch': "The payload's unit of measure is not the unit of the item in the network.",
  'unknown-company': 'A company id that the network does not define.',
  'unknown-item': 'An item id that the network does not define.',
  'bad-date': 'A date or date-time that the receiver cannot place in its calendar.',
} as const satisfies Record<string, string>;

export type ExchangeProblemCode = keyof typeof EXCHANGE_PROBLEM_CODES;

/** One problem with a payload or with the data a payload is built from. */
export interface ExchangeProblem {
  readonly code: ExchangeProblemCode;
  /** The field, e.g. `['demandSeries', 0, 'customerLocation']`, or `['companies', 'kempen', 'bpn']`. */
  readonly path: readonly (string | number)[];
  /** The offending value, when there is one. */
  readonly value?: string;
  /** What is wrong and what to do, in plain words. */
  readonly message: string;
}

/** Every kind of note, with what it means. */
export const EXCHANGE_NOTE_CODES = {
  'before-start': 'A quantity dated before period 0: applied in period 0.',
  'beyond-horizon': "A quantity dated after the receiver's horizon: not applied.",
  'no-lane': 'The receiver knows no lane lead time for this customer and item: 0 periods assumed.',
  'unknown-order': 'An order the receiver does not hold open: nothing applied for it.',
  'unit-omitted': 'The unit of the item has no Catena-X unit: the payload says so and carries none.',
  'not-modelled': "Capacity of a supplier the receiver's network does not model: returned, not applied.",
} as const satisfies Record<string, string>;

export type ExchangeNoteCode = keyof typeof EXCHANGE_NOTE_CODES;

/** A part of a payload that was not applied as it stood, and why. */
export interface ExchangeNote {
  readonly code: ExchangeNoteCode;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** `demandSeries[0].customerLocation: unknown-partner: …` */
export function formatExchangeProblem(problem: ExchangeProblem | ExchangeNote): string {
  const field = problem.path
    .map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`))
    .join('')
    .replace(/^\./, '');
  return `${field === '' ? '(payload)' : field}: ${problem.code}: ${problem.message}`;
}

export function problem(
  code: ExchangeProblemCode,
  path: readonly (string | number)[],
  message: string,
  value?: string,
): ExchangeProblem {
  return value === undefined ? { code, path, message } : { code, path, value, message };
}

/** At most this many shape problems are reported for one payload. */
const MAX_SHAPE_PROBLEMS = 50;

/**
 * Parses `payload` with a zod shape; the problems, when it does not fit, are `malformed` ones with
 * the field's path. Never throws, whatever `payload` is.
 */
export function parseShape<T>(
  schema: z.ZodType<T>,
  model: string,
  payload: unknown,
): Result<T, ExchangeProblem[]> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, value: parsed.data };
  return err(
    parsed.error.issues.slice(0, MAX_SHAPE_PROBLEMS).map((issue) => {
      const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
      return problem('malformed', path, `${issue.message} (not a valid ${model} payload)`);
    }),
  );
}
