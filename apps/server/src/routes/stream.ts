/**
 * @module routes/stream
 * The live stream (server-sent events, `stream-hub.ts`): `GET /api/v1/stream` with a bearer token, or
 * with `?ticket=` from `POST /api/v1/stream/ticket` for a browser's `EventSource` (which cannot send
 * headers). `Last-Event-ID` (or `?after=`) resumes from that log sequence; `topics` picks `log`,
 * `plan`, `jobs` (default all); `network` keeps plan messages and addressed log events to one network.
 */
import { z } from 'zod';
import { AUTHENTICATED_ERRORS, ErrorResponse, NetworkName, wholeNumber } from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import { STREAM_TOPICS, type StreamTopic } from '../stream-hub.ts';
import { type Api, currentUser, type RouteContext } from './context.ts';

const StreamQuery = z.strictObject({
  ticket: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('A ticket from `POST /api/v1/stream/ticket`, instead of the header.'),
  topics: z
    .string()
    .regex(/^[a-z]+(,[a-z]+)*$/, 'must be a comma-separated list such as log,plan')
    .optional()
    .describe(`Which messages: ${STREAM_TOPICS.join(', ')} (default all).`),
  network: NetworkName.optional().describe(
    'Only plan messages of this network, and log events addressed to it or to none.',
  ),
  after: wholeNumber(0, Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('Resume after this log sequence (as the Last-Event-ID header; the header wins).'),
});

const LAST_EVENT_ID = /^[0-9]{1,15}$/;

export function streamRoutes(app: Api, context: RouteContext): void {
  const hub = context.stream;

  app.post(
    '/stream/ticket',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'A ticket to open the live stream with',
        description:
          `For a browser's EventSource, which cannot send an Authorization header: a ticket good once, for ${Math.round(context.tickets.ttlMs / 1000)} s, ` +
          'standing for you and the token you asked with. Open `GET /api/v1/stream?ticket=…` with it.',
        tags: ['live'],
        response: {
          200: z.object({ ticket: z.string(), expiresAt: z.string() }).describe('The ticket'),
          ...AUTHENTICATED_ERRORS,
        },
      },
    },
    async (request) => context.tickets.issue(currentUser(request)),
  );

  app.get(
    '/stream',
    {
      config: { auth: { ...requireRole('viewer'), tickets: true } },
      // Fastify's request lines carry the URL, and with it a ticket: this route logs its own line.
      logLevel: 'warn',
      schema: {
        summary: 'The live stream (server-sent events)',
        description:
          '`text/event-stream` with these events: `ready` (where the stream starts), `log` (each event appended to the event ' +
          'log, `id` its sequence), `plan.changes` (each re-plan with its diff; a large diff as counts with `truncated`, the ' +
          'whole one at `GET …/plan/changes`), `plan.failed`, `job` (state and progress of your jobs; admins: all), `closed` ' +
          `(why the server ends the stream), and a comment every ${Math.round(hub.limits.heartbeatMs / 1000)} s. Reconnecting with ` +
          '`Last-Event-ID` (EventSource does it) sends every log event after it first, so nothing is lost. A client that does ' +
          `not take what it is sent (${Math.round(hub.limits.maxBufferBytes / 1024)} KiB waiting, or nothing taken for ` +
          `${Math.round(hub.limits.stallMs / 1000)} s) is dropped and may reconnect. Authenticate with the bearer token, or ` +
          `\`?ticket=\` from \`POST /api/v1/stream/ticket\`. At most ${hub.limits.maxClientsPerUser} streams per user ` +
          `and ${hub.limits.maxClients} in all (429).`,
        tags: ['live'],
        querystring: StreamQuery,
        response: {
          200: z.string().describe('Server-sent events (`text/event-stream`)'),
          ...AUTHENTICATED_ERRORS,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const principal = currentUser(request);
      const topics = new Set<StreamTopic>();
      for (const topic of (request.query.topics ?? STREAM_TOPICS.join(',')).split(',')) {
        if (!(STREAM_TOPICS as readonly string[]).includes(topic)) {
          const message = `unknown topic '${topic}'; the topics are ${STREAM_TOPICS.join(', ')}`;
          throw new ApiError('invalid-request', message, { details: [{ path: '/topics', message }] });
        }
        topics.add(topic as StreamTopic);
      }
      const header = request.headers['last-event-id'];
      if (typeof header === 'string' && header !== '' && !LAST_EVENT_ID.test(header)) {
        throw new ApiError('invalid-request', 'Last-Event-ID must be a log sequence (a whole number)');
      }
      const after = typeof header === 'string' && header !== '' ? Number(header) : request.query.after;
      if (hub.size >= hub.limits.maxClients) {
        throw new ApiError(
          'rate-limited',
          `${hub.size} streams are open on this server, the most it serves; try again later`,
          {
            headers: { 'retry-after': '30' },
          },
        );
      }
      if (hub.countOf(principal.username) >= hub.limits.maxClientsPerUser) {
        throw new ApiError(
          'rate-limited',
          `you have ${hub.limits.maxClientsPerUser} streams open, the most per user; close one first`,
          { headers: { 'retry-after': '30' } },
        );
      }
      reply.hijack();
      const response = reply.raw;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
        'x-request-id': request.id,
      });
      app.log.info(
        {
          reqId: request.id,
          user: principal.username,
          topics: [...topics],
          network: request.query.network,
          after,
          ticket: request.query.ticket !== undefined,
        },
        'stream opened',
      );
      try {
        await hub.open({ principal, sink: response, topics, network: request.query.network, after });
      } catch (error) {
        request.log.error({ err: error }, 'opening a stream failed');
        response.destroy();
      }
    },
  );
}
