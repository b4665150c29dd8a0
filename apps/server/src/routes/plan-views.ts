/**
 * @module routes/plan-views
 * The Plan page's questions, each answered from the plan kept per network version (`plan-cache.ts`),
 * not by planning again:
 *
 * - `GET /api/v1/networks/{name}/plan/companies/{company}`: one company's plan per item and period
 *   (orders in and out, production, receipts, stock, shortages), its short end demands with causes,
 *   the shortages it causes elsewhere, its bottlenecks;
 * - `GET /api/v1/networks/{name}/plan/heat-map`: capacity × period (load, required load, limit,
 *   maximum, unit), busiest first, paged and filtered by company;
 * - `GET /api/v1/networks/{name}/plan/pegging`: from an end demand (`company`, `item`, `period`) down
 *   the chain to the orders that serve it, or from an order (`order`) up to the end demands it serves.
 *
 * Every answer says which plan it read (`plan`: version, log position, when planned, whether it came
 * from the cache). The latest re-plan's diff is `GET …/plan/changes` (routes/plan.ts).
 *
 * A plan still being made (a large network's first question: tens of seconds, in a thread of its own)
 * is waited for at most 10 s (`Prefer: wait=N` asks for 0 to 60), then answered 503 `unavailable`
 * with `Retry-After` and `details.planning` (`PLAN_PENDING`): ask again.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AUTHENTICATED_ERRORS,
  Bottleneck,
  DemandPeg,
  ErrorResponse,
  NetworkName,
  PlannedOrder,
  ShortageCause,
  wholeNumber,
} from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import { type CachedPlan, MAX_WAIT_SECONDS } from '../plan-cache.ts';
import { component } from '../validation.ts';
import { type Api, notFound, type RouteContext } from './context.ts';

/** Rows of the heat map one request answers at most. */
export const MAX_HEAT_MAP_ROWS = 2000;
/** Orders one pegging answer lists at most. */
export const MAX_PEGGED_ORDERS = 10_000;

export const PlanSource = z
  .object({
    version: z.number().int(),
    through: z
      .number()
      .int()
      .describe('Every planning event of the network up to this log sequence is in it.'),
    plannedAt: z.string(),
    seconds: z.number().describe('How long planning took.'),
    replanned: z
      .boolean()
      .describe(
        'Re-planned from the plan of the same version before it (planning events came since: only what they reach is planned again); false: planned whole.',
      ),
    cached: z
      .boolean()
      .describe('Answered from the plan kept for this version (false: planned for this request).'),
  })
  .describe('The plan the answer was read from.');

const Shortage = z.object({
  company: z.string(),
  item: z.string(),
  period: z.number().int(),
  quantity: z.number(),
  cause: ShortageCause,
});

const PerPeriod = z.array(z.number());

export const CompanyPlanSchema = component(
  'CompanyPlan',
  z
    .object({
      network: z.string(),
      horizon: z.number().int(),
      company: z.object({ id: z.string(), name: z.string(), tier: z.number().int().nullable() }),
      items: z.array(
        z.object({
          item: z.string(),
          unit: z.string().describe('The unit of every quantity of the item.'),
          ordersIn: PerPeriod.describe("Customers' purchase orders, by the period the company ships them."),
          endDemand: PerPeriod.describe('End-customer demand at the company.'),
          ordersOut: PerPeriod.describe('Its purchase orders, by the period they arrive.'),
          production: PerPeriod.describe('Started quantity.'),
          receipts: PerPeriod.describe('Production finished, purchases and open orders received.'),
          stock: PerPeriod.describe('At the end of the period.'),
          shortages: PerPeriod.describe('End demand not met on time.'),
        }),
      ),
      shortages: z.array(Shortage).describe('Its end demands that are short, with their causes.'),
      causes: z.array(Shortage).describe('Shortages anywhere whose root cause lies at this company.'),
      bottlenecks: z.array(Bottleneck),
      orders: z.number().int().describe('Planned orders that involve the company.'),
      plan: PlanSource,
    })
    .describe("One company's plan per item and period (index = period, 0 … horizon − 1)."),
);

export const HeatMapSchema = component(
  'CapacityHeatMap',
  z
    .object({
      network: z.string(),
      horizon: z.number().int(),
      total: z.number().int().describe('Capacities matching the query, before paging.'),
      rows: z.array(
        z.object({
          capacity: z.string().describe('A capacity group id, or `company/item` for a production record.'),
          kind: z.enum(['production', 'group']),
          company: z.string(),
          item: z.string().optional(),
          unit: z.string().describe("The item's unit for a production record; `load` units for a group."),
          load: PerPeriod.describe('Load the plan puts on it (what starts).'),
          required: PerPeriod.describe('Load that meeting every requirement on time would need.'),
          limit: PerPeriod,
          maximum: PerPeriod.nullable().describe('With overtime, where given; never planned on.'),
          peak: z
            .number()
            .nullable()
            .describe('Highest required / limit; null when a zero limit is asked for load.'),
        }),
      ),
      plan: PlanSource,
    })
    .describe('The bottleneck heat map: capacity × period, busiest first.'),
);

const PeggedOrder = PlannedOrder.extend({
  tier: z.number().int().nullable(),
  serves: z.number().describe('Units of the order that serve the demand.'),
});

export const PeggingSchema = component(
  'Pegging',
  z
    .object({
      demand: z
        .object({
          company: z.string(),
          item: z.string(),
          period: z.number().int(),
          quantity: z.number(),
          short: z.number(),
        })
        .optional()
        .describe('Asked by end demand: the demand, and the orders down the chain that serve it.'),
      orders: z.array(PeggedOrder).optional().describe('Tier 0 first, then by start.'),
      total: z.number().int().optional().describe('Orders that serve the demand in all.'),
      order: PlannedOrder.extend({ tier: z.number().int().nullable() })
        .optional()
        .describe('Asked by order: the order, and the end demands it serves.'),
      servesDemand: z.array(DemandPeg).optional(),
      plan: PlanSource,
    })
    .describe('Pegging of one end demand (down the chain) or one order (up to the end demands).'),
);

const PlanViewParams = z.strictObject({ name: NetworkName });
const CompanyParams = z.strictObject({ name: NetworkName, company: z.string().min(1).max(200) });
const Version = wholeNumber(1, 1e12).optional().describe('Version (default: the latest).');

const HeatMapQuery = z.strictObject({
  version: Version,
  company: z.string().min(1).max(200).optional().describe("Only this company's capacities."),
  minimumPeak: z
    .string()
    .regex(/^[0-9]{1,6}(\.[0-9]{1,6})?$/, 'must be a number such as 0.9')
    .transform(Number)
    .optional()
    .describe(
      'Only capacities loaded to at least this share of their limit in some period (1: bottlenecks).',
    ),
  offset: wholeNumber(0, 1e9).optional(),
  limit: wholeNumber(1, MAX_HEAT_MAP_ROWS)
    .optional()
    .describe(`Rows (default 100, at most ${MAX_HEAT_MAP_ROWS}).`),
});

const PeggingQuery = z.strictObject({
  version: Version,
  company: z.string().min(1).max(200).optional().describe('With item and period: the end demand.'),
  item: z.string().min(1).max(200).optional(),
  period: wholeNumber(0, 1e6).optional(),
  order: z.string().min(1).max(300).optional().describe('An order id: the end demands it serves.'),
  limit: wholeNumber(1, MAX_PEGGED_ORDERS)
    .optional()
    .describe(`Orders listed at most (default 1000, at most ${MAX_PEGGED_ORDERS}).`),
});

/** What every plan view and chain status question says about a plan still being made. */
export const PLAN_PENDING =
  'The plan of a large network is made in a thread of its own (tens of seconds at 60,000 companies). A question waits ' +
  'for it at most 10 s (`Prefer: wait=N` asks for 0 to 60 s), then is answered 503 `unavailable` with `Retry-After` ' +
  'and `details.planning`: `{ network, version, phase (reading, starting, planning, status), companies, ' +
  'elapsedSeconds, expectedSeconds (a hint from the last plan made; null before any) }` and `details.progress`: ' +
  '`{ done, total?, unit: "seconds" }` (time so far of the time expected). Making it goes on; ask again.';

/** The wait asked for with `Prefer: wait=N` (RFC 7240), in seconds, at most `MAX_WAIT_SECONDS`; undefined: the server's. */
export function preferredWait(request: FastifyRequest): number | undefined {
  const match = /(?:^|[,;\s])wait\s*=\s*"?(\d{1,6})"?/i.exec(String(request.headers.prefer ?? ''));
  return match === null ? undefined : Math.min(MAX_WAIT_SECONDS, Number(match[1]));
}

/** The `plan` field of a plan view's answer: which kept plan it was read from. */
export function planSource(plan: CachedPlan & { cached: boolean }) {
  return {
    version: plan.version,
    through: plan.through,
    plannedAt: plan.plannedAt,
    seconds: plan.seconds,
    replanned: plan.replanned,
    cached: plan.cached,
  };
}

export function planViewRoutes(app: Api, context: RouteContext): void {
  const viewer = { auth: requireRole('viewer') } as const;
  const errors = { ...AUTHENTICATED_ERRORS, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse };
  const cache = context.plans;

  app.get(
    '/networks/:name/plan/companies/:company',
    {
      config: viewer,
      schema: {
        summary: "A company's plan per item and period",
        description:
          'From the plan kept for the version (planned once per version and log position; a new version or planning event ' +
          'makes the next request plan again): per item the company makes, buys, sells or holds, per period: orders in ' +
          "(customers' purchase orders by ship period), end demand, orders out (by arrival), production starts, receipts, " +
          'end-of-period stock and shortages; its short end demands with causes, the shortages it causes elsewhere, its ' +
          "bottlenecks. Every quantity is in the item's `unit`. " +
          PLAN_PENDING,
        tags: ['planning'],
        params: CompanyParams,
        querystring: z.strictObject({ version: Version }),
        response: { 200: CompanyPlanSchema, ...errors },
      },
    },
    async (request) => {
      const plan = await cache.plan(request.params.name, request.query.version, preferredWait(request));
      const view = await plan.answers.company(request.params.company);
      if (view === undefined)
        throw notFound(`'${request.params.name}' has no company '${request.params.company}'`);
      return { ...view, plan: planSource(plan) };
    },
  );

  app.get(
    '/networks/:name/plan/heat-map',
    {
      config: viewer,
      schema: {
        summary: 'The bottleneck heat map: capacity × period',
        description:
          'Every production record and capacity group of the network (or of `company`), per period: the load the plan puts ' +
          'on it, the load on-time delivery would need, the limit and the maximum, in its unit; busiest first (peak ' +
          `required / limit). Paged with \`offset\` and \`limit\` (default 100, at most ${MAX_HEAT_MAP_ROWS}); \`total\` counts all. ` +
          PLAN_PENDING,
        tags: ['planning'],
        params: PlanViewParams,
        querystring: HeatMapQuery,
        response: { 200: HeatMapSchema, ...errors },
      },
    },
    async (request) => {
      const { version, company, minimumPeak, offset, limit } = request.query;
      const plan = await cache.plan(request.params.name, version, preferredWait(request));
      const map = await plan.answers.heatMap({
        ...(company === undefined ? {} : { company }),
        ...(minimumPeak === undefined ? {} : { minimumPeak }),
        ...(offset === undefined ? {} : { offset }),
        limit: limit ?? 100,
      });
      if (map === undefined) throw notFound(`'${request.params.name}' has no company '${company}'`);
      return { ...map, plan: planSource(plan) };
    },
  );

  app.get(
    '/networks/:name/plan/pegging',
    {
      config: viewer,
      schema: {
        summary: 'Pegging: an end demand down the chain, or an order up to its end demands',
        description:
          'With `company`, `item` and `period`: the end demand and the orders at every tier that serve it (how much of each), ' +
          'tier 0 first. With `order`: the order and the end demands it serves. Read from the plan kept for the version, ' +
          'made with pegging on the first such question (networks up to a size; larger ones answer 400 and point to ' +
          '`keten plan --csv`, with `details.pegging: { maxCompanies, companies }`). ' +
          PLAN_PENDING,
        tags: ['planning'],
        params: PlanViewParams,
        querystring: PeggingQuery,
        response: { 200: PeggingSchema, ...errors },
      },
    },
    async (request) => {
      const { version, company, item, period, order, limit } = request.query;
      const byDemand = company !== undefined || item !== undefined || period !== undefined;
      if (
        byDemand === (order !== undefined) ||
        (byDemand && (company === undefined || item === undefined || period === undefined))
      ) {
        const message = 'ask for an end demand (company, item and period) or an order (order), not both';
        throw new ApiError('invalid-request', message, {
          details: [{ path: order === undefined ? '/company' : '/order', message }],
        });
      }
      const plan = await cache.plan(request.params.name, version, preferredWait(request));
      const pegging = await cache.pegged(plan);
      if (order !== undefined) {
        const found = await pegging.order(order);
        if (found === undefined)
          throw notFound(`the plan of '${request.params.name}' has no order '${order}'`);
        return { ...found, plan: planSource(plan) };
      }
      const found = await pegging.demand({ company: company!, item: item!, period: period! }, limit ?? 1000);
      if (found === undefined) {
        throw notFound(
          `'${request.params.name}' has no end demand for ${item} at ${company} in period ${period} (periods 0 to ${plan.horizon - 1})`,
        );
      }
      return { ...found, plan: planSource(plan) };
    },
  );
}
