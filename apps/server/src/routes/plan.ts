/**
 * @module routes/plan
 * Chain-deep planning of a stored network: `POST /api/v1/networks/{name}/plan` answers the whole plan
 * (the contract of `keten plan --json`), streamed in chunks so a plan with millions of orders never
 * becomes one string; `GET /api/v1/networks/{name}/plan/summary` answers the summary `keten plan`
 * prints. Both plan the version with the planning events of the network in the log (its open orders,
 * capacity changes, suppliers down, demand: `readEffectiveNetwork`). Whoever may read the network may
 * plan it (viewer).
 *
 * Re-planning: `POST /api/v1/networks/{name}/replan` (planner) re-plans after events, answers the diff
 * and publishes the plan; `GET /api/v1/networks/{name}/plan/changes` answers the latest re-plan, also
 * those made in the background after `POST /api/v1/events` (see `replanner.ts`), whole; `…/plan/changes/summary`
 * and `…/plan/changes/companies/{company}` answer it in pages (`plan-changes-pages.ts`), as the web app reads it.
 *
 * Planning runs on the server's one thread: a 60,000-company plan holds it for seconds.
 */
import { Readable } from 'node:stream';
import {
  type EffectiveNetwork,
  type Network,
  type PlanOptions,
  planJsonChunks,
  planNetwork,
  summarizePlan,
} from '@keten/core';
import { readEffectiveNetwork, storePlanningSource } from '@keten/store';
import { z } from 'zod';
import {
  AUTHENTICATED_ERRORS,
  ErrorResponse,
  NetworkParams,
  PageQuery,
  PlanChangesSchema,
  PlanChangesSummarySchema,
  PlanCompanyChangesSchema,
  PlanRequest,
  PlanSchema,
  PlanSummaryQuery,
  PlanSummarySchema,
  ReplanRequest,
  ReplanResponse,
} from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import { companyChanges, indexPlanChanges, type PlanChangesIndex, pageOf } from '../plan-changes-pages.ts';
import { failureToApiError, type PlanChanges, type ReplanFailure } from '../replanner.ts';
import { type Api, currentUser, type RouteContext } from './context.ts';

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
function planOptions(effective: EffectiveNetwork, parameters: PlanParameters, where: string): PlanOptions {
  const { horizon, buildAheadWindow, frozenPeriods, pegging } = parameters;
  const network: Network = effective.network;
  if (horizon !== undefined && horizon > network.horizon) {
    const message = `horizon ${horizon} is longer than the network's horizon of ${network.horizon} periods; it may shorten it, not extend it`;
    throw new ApiError('invalid-request', message, { details: [{ path: where, message }] });
  }
  return {
    ...(horizon === undefined ? {} : { horizon }),
    ...(buildAheadWindow === undefined ? {} : { buildAheadWindow }),
    ...(frozenPeriods === undefined ? {} : { frozenPeriods }),
    ...(pegging === undefined ? {} : { pegging }),
    blocked: effective.blocked,
  };
}

/** The network a stored version is planned on, or the `ApiError` saying why there is none. */
async function effectiveNetwork(context: RouteContext, name: string, version?: number) {
  const result = await readEffectiveNetwork(storePlanningSource(context.store), name, version);
  if (!result.ok) throw failureToApiError(result.error);
  return result.value;
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
      const effective = await effectiveNetwork(context, request.params.name, body.version);
      const options = planOptions(effective, body, '/horizon');
      const started = performance.now();
      const plan = planNetwork(effective.network, options);
      request.log.info(
        {
          network: effective.name,
          version: effective.version,
          through: effective.throughSequence,
          events: effective.applied,
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
      const effective = await effectiveNetwork(context, request.params.name, version);
      const options = planOptions(effective, { ...parameters, pegging: false }, '/horizon');
      return summarizePlan(effective.network, planNetwork(effective.network, options));
    },
  );

  app.post(
    '/networks/:name/replan',
    {
      config: { auth: requireRole('planner') },
      schema: {
        summary: 'Re-plan a network after events, and publish the plan',
        description:
          'Plans the latest version (or `version`) with every planning event of the network in the log, re-planning ' +
          'incrementally from the plan last published (a `plan.published` event; the version without events when none was), ' +
          'and answers the diff: orders per company, shortages, bottlenecks, who must be told. ' +
          'Unless `dryRun`, or nothing changed, the plan is recorded as published with a `plan.published` event ' +
          '(key `plan.published/NETWORK/VERSION/THROUGH`), so the next re-plan diffs against it. ' +
          'An event in the log that cannot be applied is a 409 `conflict` with every problem in `details`.',
        tags: ['planning'],
        params: NetworkParams,
        body: ReplanRequest.nullable(),
        response: {
          200: ReplanResponse.describe('The re-plan'),
          ...AUTHENTICATED_ERRORS,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const result = await context.replanner.replan({
        network: request.params.name,
        version: body.version,
        dryRun: body.dryRun,
        source: currentUser(request).username,
      });
      if (!result.ok) throw failureToApiError(result.error);
      const outcome = result.value;
      request.log.info(
        {
          network: outcome.network,
          version: outcome.version,
          through: outcome.through,
          recomputed: outcome.stats.recomputed,
          nodes: outcome.stats.nodes,
          published: outcome.published?.key,
        },
        'network re-planned',
      );
      return outcome;
    },
  );

  app.get(
    '/networks/:name/plan/changes',
    {
      config: viewer,
      schema: {
        summary: 'The latest re-plan of a network',
        description:
          'After `POST /api/v1/events` accepts planning events, the server re-plans the networks they address (every ' +
          'network for events without `network`) in the background, one at a time, each from its previous plan. ' +
          'This answers the latest re-plan (also one made by `POST …/replan`): the diff, how much was computed again, ' +
          'the log position and when; `failure` tells of a later re-plan that failed. ' +
          'Before the first re-plan the answer is 404 `no-plan-changes` (409 `conflict` when it failed).',
        tags: ['planning'],
        params: NetworkParams,
        response: { 200: PlanChangesSchema.describe('The latest re-plan'), ...errors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const { changes, failure } = await latestChanges(context, request.params.name);
      return failure === undefined ? changes : { ...changes, failure };
    },
  );

  app.get(
    '/networks/:name/plan/changes/summary',
    {
      config: viewer,
      schema: {
        summary: "The latest re-plan's diff: totals and a page of companies",
        description:
          'The latest re-plan as `GET …/plan/changes` answers it, without the diff itself: its totals (orders new, ' +
          'changed and cancelled; shortages; bottlenecks) and a page of the companies it touches, most changes ' +
          "first, each with its counts. A company's orders, shortages and reasons: `GET …/plan/changes/companies/{company}`. " +
          'Errors as `GET …/plan/changes`.',
        tags: ['planning'],
        params: NetworkParams,
        querystring: PageQuery(25, 1000, 'companies'),
        response: {
          200: PlanChangesSummarySchema.describe('The totals and a page'),
          ...errors,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { changes, failure } = await latestChanges(context, request.params.name);
      const index = indexOf(changes);
      const { offset = 0, limit = 25 } = request.query;
      return {
        ...which(changes),
        stats: changes.stats,
        base: changes.base,
        ...(failure === undefined ? {} : { failure }),
        totals: { ...index.totals, companies: index.companies.length },
        companies: pageOf(index.companies, offset, limit),
      };
    },
  );

  app.get(
    '/networks/:name/plan/changes/companies/:company',
    {
      config: viewer,
      schema: {
        summary: "One company's share of the latest re-plan's diff",
        description:
          'A page of the orders of `company` that the latest re-plan made new, changed (with the figures before) or ' +
          'cancelled, and the shortages of its end demand that moved, its bottlenecks and why it must be told. ' +
          'A company the diff does not touch has zero counts and empty lists. Errors as `GET …/plan/changes`.',
        tags: ['planning'],
        params: NetworkParams.extend({ company: z.string().min(1).max(300) }),
        querystring: PageQuery(40, 1000, 'orders'),
        response: {
          200: PlanCompanyChangesSchema.describe("The company's share"),
          ...errors,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { changes } = await latestChanges(context, request.params.name);
      const { offset = 0, limit = 40 } = request.query;
      return {
        ...which(changes),
        ...companyChanges(indexOf(changes), request.params.company, offset, limit),
      };
    },
  );
}

/** Which re-plan a page is of. */
const which = ({ network, version, through, at }: PlanChanges) => ({ network, version, through, at });

/** Each latest re-plan's diff indexed by company, once, while it is kept. */
const indexes = new WeakMap<PlanChanges, PlanChangesIndex>();
function indexOf(changes: PlanChanges): PlanChangesIndex {
  let index = indexes.get(changes);
  if (index === undefined) {
    index = indexPlanChanges(changes.diff);
    indexes.set(changes, index);
  }
  return index;
}

/** The latest re-plan of `name` and a failure after it, or the error saying why there is none. */
async function latestChanges(
  context: RouteContext,
  name: string,
): Promise<{ changes: PlanChanges; failure?: ReplanFailure }> {
  const { changes, failure } = context.replanner.changes(name);
  if (changes !== undefined) return failure === undefined ? { changes } : { changes, failure };
  if (failure !== undefined) {
    throw new ApiError(failure.code, `the latest re-plan of '${name}' failed: ${failure.message}`, {
      ...(failure.details === undefined ? {} : { details: failure.details }),
    });
  }
  const exists = (await context.store.networks.getVersion(name)) !== undefined;
  throw new ApiError(
    exists ? 'no-plan-changes' : 'not-found',
    exists
      ? `'${name}' has not been re-planned since the server started: append planning events ` +
          `(POST /api/v1/events) or re-plan it (POST /api/v1/networks/${name}/replan)`
      : `no network named '${name}'`,
  );
}
