/**
 * @module routes/plan
 * Chain-deep planning of a stored network: `POST /api/v1/networks/{name}/plan` answers the whole plan
 * (the contract of `keten plan --json`), streamed in chunks so a plan with millions of orders never
 * becomes one string; `GET /api/v1/networks/{name}/plan/summary` answers the summary `keten plan`
 * prints. Whoever may read the network may plan it (viewer). Planning runs in the request, on the
 * server's one thread: a 60,000-company plan holds it for seconds.
 */
import { Readable } from 'node:stream';
import { type Network, type PlanOptions, planJsonChunks, planNetwork, summarizePlan } from '@keten/core';
import {
  AUTHENTICATED_ERRORS,
  ErrorResponse,
  NetworkParams,
  PlanRequest,
  PlanSchema,
  PlanSummaryQuery,
  PlanSummarySchema,
} from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import type { Api, RouteContext } from './context.ts';
import { getVersion } from './networks.ts';

interface PlanParameters {
  readonly horizon?: number | undefined;
  readonly buildAheadWindow?: number | undefined;
  readonly frozenPeriods?: number | undefined;
  readonly pegging?: boolean | undefined;
}

/**
 * The options of `planNetwork`, or an `invalid-request` naming the field when `horizon` would extend
 * the network's horizon. `where` is how the field is addressed in the request (`/horizon`).
 */
function planOptions(network: Network, parameters: PlanParameters, where: string): PlanOptions {
  const { horizon, buildAheadWindow, frozenPeriods, pegging } = parameters;
  if (horizon !== undefined && horizon > network.horizon) {
    const message = `horizon ${horizon} is longer than the network's horizon of ${network.horizon} periods; it may shorten it, not extend it`;
    throw new ApiError('invalid-request', message, { details: [{ path: where, message }] });
  }
  return {
    ...(horizon === undefined ? {} : { horizon }),
    ...(buildAheadWindow === undefined ? {} : { buildAheadWindow }),
    ...(frozenPeriods === undefined ? {} : { frozenPeriods }),
    ...(pegging === undefined ? {} : { pegging }),
  };
}

export function planRoutes(app: Api, context: RouteContext): void {
  const viewer = { auth: requireRole('viewer') } as const;
  const errors = { ...AUTHENTICATED_ERRORS, 404: ErrorResponse };

  app.post(
    '/networks/:name/plan',
    {
      config: viewer,
      schema: {
        summary: 'Plan a network across all tiers',
        description:
          'Plans the latest version of the network (or `version`) with multi-echelon MRP over every tier: ' +
          'finite capacity, overflow to second sources, build-ahead, shortages with their cause, bottlenecks and pegging. ' +
          "The answer is the plan, streamed; `horizon` may shorten the network's horizon, not extend it (400 naming `/horizon`). " +
          'Planning is deterministic: the same version and options give the same plan.',
        tags: ['planning'],
        params: NetworkParams,
        // No body at all arrives as null: plan with the defaults.
        body: PlanRequest.nullable(),
        response: { 200: PlanSchema.describe('The plan'), ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const stored = await getVersion(context, request.params.name, body.version);
      const options = planOptions(stored.content, body, '/horizon');
      const started = performance.now();
      const plan = planNetwork(stored.content, options);
      request.log.info(
        {
          network: stored.network,
          version: stored.version,
          orders: plan.orders.length,
          milliseconds: Math.round(performance.now() - started),
        },
        'network planned',
      );
      // A stream is sent as it is (the schema documents what it carries); Fastify handles backpressure.
      const stream = Readable.from(planJsonChunks(plan));
      return reply.type('application/json; charset=utf-8').send(stream as never);
    },
  );

  app.get(
    '/networks/:name/plan/summary',
    {
      config: viewer,
      schema: {
        summary: 'Summary of the plan of a network',
        description:
          'Plans the network as `POST …/plan` does (without pegging) and answers what a planner reads first: ' +
          'totals and fill rate, shortages by end demand with their causes, bottlenecks per capacity, load per tier.',
        tags: ['planning'],
        params: NetworkParams,
        querystring: PlanSummaryQuery,
        response: { 200: PlanSummarySchema.describe('The summary'), ...errors },
      },
    },
    async (request) => {
      const { version, ...parameters } = request.query;
      const stored = await getVersion(context, request.params.name, version);
      const options = planOptions(stored.content, { ...parameters, pegging: false }, '/horizon');
      return summarizePlan(stored.content, planNetwork(stored.content, options));
    },
  );
}
