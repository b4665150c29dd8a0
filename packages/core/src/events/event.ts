/**
 * @module events/event
 * The shape of an event written to the log: `{ type, key, at, source, payload }`, where `key` is the
 * idempotency key (writing the same key twice stores it once). Checked at every edge that accepts
 * events (HTTP, CLI files) so the log only holds well-formed ones.
 */
import { z } from 'zod';

/** Event types are dotted lower-case words, e.g. `order.created`, `machine.state-changed`. */
export const EventType = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'must be dotted lower-case words, e.g. order.created');

export const EventInputSchema = z.strictObject({
  type: EventType,
  key: z.string().min(1, 'the idempotency key may not be empty').max(300),
  at: z.iso.datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time with a time zone, e.g. 2027-01-04T08:00:00Z',
  }),
  source: z.string().min(1).max(300),
  payload: z.unknown().refine((value) => value !== undefined, 'payload is required (use null for none)'),
});
