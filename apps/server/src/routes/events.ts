/**
 * @module routes/events
 * The append-only, idempotent event log: `GET /api/v1/events` reads it in sequence order,
 * `POST /api/v1/events` appends. Appending a key that is already there is not an error: it is listed in
 * `duplicates`, and the answer is 201 when anything was written and 200 when nothing was. Once the
 * answer is sent, planning events that were written start a re-plan of the networks they address
 * (`replanner.ts`; the result at `GET …/plan/changes`).
 */
import { type StoredEvent as CoreStoredEvent, checkPlanningPayloads, prepareEvents } from '@keten/core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AppendRequest,
  AppendResponse,
  AUTHENTICATED_ERRORS,
  ErrorResponse,
  EventsQuery,
  StoredEvent,
} from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import type { Api, RouteContext } from './context.ts';

/** Events in one append request may add up to this much JSON. */
const EVENTS_BODY_LIMIT = 32 * 1024 * 1024;

/** Events an append wrote, until its answer is sent and re-planning may start. */
const written = new WeakMap<FastifyRequest, CoreStoredEvent[]>();

export function eventRoutes(app: Api, context: RouteContext): void {
  app.get(
    '/events',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'Read the event log',
        description: 'Events in sequence order. Page with `after` = the last sequence you have.',
        tags: ['events'],
        querystring: EventsQuery,
        response: { 200: z.object({ events: z.array(StoredEvent) }), ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => {
      const { after, type, source, limit } = request.query;
      const events = await context.store.events.read({
        ...(after === undefined ? {} : { after }),
        ...(type === undefined ? {} : { type }),
        ...(source === undefined ? {} : { source }),
        limit: limit ?? 1000,
      });
      return { events };
    },
  );

  app.post(
    '/events',
    {
      config: { auth: requireRole('planner') },
      bodyLimit: Math.min(EVENTS_BODY_LIMIT, context.bodyLimit),
      schema: {
        summary: 'Append events (idempotent by key)',
        description:
          'Writes the events whose `key` is not in the log yet. Keys already there are returned in `duplicates` and left as they were. ' +
          'A planning event whose payload does not fit its type (see docs/planning.md) is refused with 400, naming the field; nothing is appended then. ' +
          'When planning events (`capacity.changed`, `supplier.down`, `supplier.restored`, `demand.changed`, `demand.added`, `order.opened`, ' +
          '`order.changed`, `order.closed`) were written, the networks they address (by `payload.network`; every network ' +
          'when absent) are re-planned in the background once this answer is sent: see `GET /api/v1/networks/{name}/plan/changes`.',
        tags: ['events'],
        body: AppendRequest,
        response: {
          200: AppendResponse.describe('Nothing new: every key was in the log already'),
          201: AppendResponse.describe('At least one event was written'),
          ...AUTHENTICATED_ERRORS,
          413: ErrorResponse,
          415: ErrorResponse,
        },
      },
      onResponse: async (request) => {
        const events = written.get(request);
        if (events !== undefined) context.replanner.afterEvents(events);
      },
    },
    async (request, reply) => {
      // The store's own rules (lengths, times it can normalise): refusing here makes a 400, not a 500.
      const checked = prepareEvents(request.body.events);
      if (!checked.ok) {
        throw new ApiError('invalid-request', checked.error.message, {
          details: { index: checked.error.index, field: checked.error.reason },
        });
      }
      // A planning event whose payload does not fit its type could never be applied: refuse it here.
      const problems = checkPlanningPayloads(request.body.events);
      if (problems.length > 0) {
        const details = problems.map((problem) => ({
          path: `/events/${problem.index}/${problem.path.join('/')}`,
          message: problem.message,
        }));
        const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
        throw new ApiError(
          'invalid-request',
          `${count} in the payloads of planning events, so nothing was appended; the first, at ${details[0]?.path}: ${details[0]?.message}`,
          { details },
        );
      }
      const outcome = await context.store.events.append(request.body.events);
      if (outcome.appended.length > 0) written.set(request, outcome.appended);
      reply.code(outcome.appended.length > 0 ? 201 : 200);
      return outcome;
    },
  );
}
