/**
 * @module routes/chain-status
 * The Chain status page's questions (issue 6, item 2), answered from the plan the plan views keep per
 * network version (`plan-cache.ts`) and core's `ChainStatus`, built once per plan with it (in the
 * plan's thread for a large network: `plan-answers.ts`); a plan still being made answers 503 with
 * `Retry-After` after a wait, as the plan views do:
 *
 * - `GET /api/v1/networks/{name}/status`: companies worst first (short, causing shortages elsewhere,
 *   over capacity, late, fine), each with planned orders, open orders and their ETAs, shortages per
 *   item with units and the worst load; filtered (`search`, `tier`, `state`) and paged, so a
 *   60,000-company network is never sent whole;
 * - `GET /api/v1/networks/{name}/status/companies/{company}`: one company's open orders (ETA against
 *   the period first planned) and planned orders, its shortages with causes, the shortages it causes
 *   elsewhere, its bottlenecks.
 *
 * "First planned" is the due of an open order in the network version, else in its `order.opened`
 * event; `order.changed` events move the ETA. Every answer says which plan it read (`plan.through`: the
 * log position), so the page can tell whether an event it saw is in it.
 */
import { COMPANY_STATES, type CompanyState } from '@keten/core';
import { z } from 'zod';
import { AUTHENTICATED_ERRORS, ErrorResponse, NetworkName, wholeNumber } from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { component } from '../validation.ts';
import { type Api, notFound, type RouteContext } from './context.ts';
import { PLAN_PENDING, PlanSource, planSource, preferredWait } from './plan-views.ts';

/** Companies one status page lists at most. */
export const MAX_STATUS_ROWS = 500;
/** Items one `…/items` question names at most. */
export const MAX_ITEMS = 500;
/** Orders one company's status lists at most. */
export const MAX_STATUS_ORDERS = 2000;

const State = z.enum(COMPANY_STATES as [CompanyState, ...CompanyState[]]);

const WorstLoad = z
  .object({
    capacity: z.string(),
    period: z.number().int(),
    load: z.number(),
    limit: z.number(),
    unit: z.string().describe('`load` and `limit` are in this unit per period.'),
    share: z.number().nullable().describe('load / limit; null when the limit is 0.'),
  })
  .nullable();

const Row = z.object({
  company: z.string(),
  name: z.string(),
  tier: z.number().int().nullable(),
  country: z.string(),
  state: State,
  plannedOrders: z.number().int(),
  nextPlannedDue: z.number().int().nullable(),
  customerOrders: z.number().int(),
  openOrders: z.number().int(),
  lateOrders: z.number().int().describe('Open orders whose ETA is later than first planned.'),
  nextEta: z.number().int().nullable(),
  shortages: z.array(z.object({ item: z.string(), unit: z.string(), quantity: z.number() })),
  firstShortPeriod: z.number().int().nullable(),
  causes: z.number().int().describe('Shortages anywhere whose root cause lies at this company.'),
  bottlenecks: z.number().int().describe('Capacity-periods over the limit.'),
  worstLoad: WorstLoad,
});

export const ChainStatusSchema = component(
  'ChainStatus',
  z
    .object({
      network: z.string(),
      horizon: z.number().int(),
      period: z.enum(['day', 'week']).describe('What a period is; periods count from `start` (period 0).'),
      start: z.string().describe('The first day of period 0 (YYYY-MM-DD).'),
      total: z.number().int().describe('Companies matching the query, before paging.'),
      counts: z.record(State, z.number().int()).describe('Companies per state in the whole network.'),
      rows: z.array(Row),
      replanned: z
        .object({ at: z.string(), through: z.number().int(), failed: z.boolean() })
        .nullable()
        .describe(
          'The latest re-plan since the server started (its diff: `GET …/plan/changes`); null: none yet.',
        ),
      plan: PlanSource,
    })
    .describe('Chain status: companies worst first.'),
);

const Shortage = z.object({
  company: z.string(),
  item: z.string(),
  period: z.number().int(),
  quantity: z.number(),
  cause: z.object({
    code: z.string(),
    company: z.string(),
    item: z.string(),
    period: z.number().int(),
    text: z.string(),
  }),
});

export const CompanyStatusSchema = component(
  'CompanyChainStatus',
  z
    .object({
      network: z.string(),
      horizon: z.number().int(),
      row: Row,
      orders: z.array(
        z.object({
          id: z.string(),
          source: z.enum(['plan', 'open']),
          kind: z.enum(['production', 'purchase']),
          role: z.enum(['make', 'buy', 'supply']),
          counterpart: z.string().optional(),
          item: z.string(),
          unit: z.string(),
          quantity: z.number(),
          plannedDue: z.number().int().nullable(),
          eta: z.number().int(),
          delay: z.number().int().describe('ETA − planned due, in periods.'),
          start: z.number().int().optional(),
        }),
      ),
      totalOrders: z.number().int(),
      shortages: z.array(Shortage),
      causes: z.array(Shortage),
      bottlenecks: z.array(
        z.object({
          company: z.string(),
          capacity: z.string(),
          period: z.number().int(),
          load: z.number(),
          limit: z.number(),
          maximum: z.number().optional(),
          unit: z.string(),
        }),
      ),
      plan: PlanSource,
    })
    .describe("One company's chain status: open orders with ETAs, planned orders, shortages, bottlenecks."),
);

const StatusQuery = z.strictObject({
  search: z.string().max(200).optional().describe("Part of a company's id or name, any case."),
  tier: wholeNumber(0, 1000).optional(),
  state: z
    .string()
    .max(100)
    .transform((text) => text.split(','))
    .pipe(z.array(State))
    .optional()
    .describe(`Only these states, comma-separated (${COMPANY_STATES.join(', ')}).`),
  offset: wholeNumber(0, 1e9).optional(),
  limit: wholeNumber(1, MAX_STATUS_ROWS)
    .optional()
    .describe(`Companies (default 50, at most ${MAX_STATUS_ROWS}).`),
});

const ItemsQuery = z.strictObject({
  ids: z
    .string()
    .min(1)
    .max(20_000)
    .transform((text) => [...new Set(text.split(','))])
    .pipe(z.array(z.string().min(1).max(200)).max(MAX_ITEMS, `at most ${MAX_ITEMS} items at a time`))
    .describe(`Item ids, comma-separated (at most ${MAX_ITEMS}).`),
});

export function chainStatusRoutes(app: Api, context: RouteContext): void {
  const viewer = { auth: requireRole('viewer') } as const;
  const errors = { ...AUTHENTICATED_ERRORS, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse };

  app.get(
    '/networks/:name/status',
    {
      config: viewer,
      schema: {
        summary: 'Chain status: companies worst first',
        description:
          'Per company: its state (short: its end demand is short; causes: shortages elsewhere start here; bottleneck: a ' +
          'capacity over its limit; late: an open order arrives later than first planned; ok), planned orders, open orders ' +
          '(in progress or in transit) with the earliest ETA, shortages per item with units, the worst load against limit. ' +
          'From the plan kept for the latest version with every planning event in the log (`plan.through`). Filtered by ' +
          `\`search\`, \`tier\` and \`state\`, paged with \`offset\` and \`limit\` (default 50, at most ${MAX_STATUS_ROWS}). ` +
          PLAN_PENDING,
        tags: ['planning'],
        params: z.strictObject({ name: NetworkName }),
        querystring: StatusQuery,
        response: { 200: ChainStatusSchema, ...errors },
      },
    },
    async (request) => {
      const { search, tier, state, offset, limit } = request.query;
      const plan = await context.plans.plan(request.params.name, undefined, preferredWait(request));
      const page = await plan.answers.status({
        ...(search === undefined ? {} : { search }),
        ...(tier === undefined ? {} : { tier }),
        ...(state === undefined ? {} : { states: state }),
        ...(offset === undefined ? {} : { offset }),
        limit: limit ?? 50,
      });
      const { period, start } = plan;
      const { changes, failure } = context.replanner.changes(request.params.name);
      const replanned =
        changes === undefined
          ? failure === undefined
            ? null
            : { at: failure.at, through: 0, failed: true }
          : { at: changes.at, through: changes.through, failed: failure !== undefined };
      return { ...page, period, start, replanned, plan: planSource(plan) };
    },
  );

  app.get(
    '/networks/:name/status/companies/:company',
    {
      config: viewer,
      schema: {
        summary: "One company's chain status",
        description:
          'Its open orders first (latest against plan first: ETA, the period first planned, the delay), then its planned ' +
          'orders by due (what it makes, buys, and what customers buy from it), each in its unit; its short end demands ' +
          'with causes, the shortages it causes elsewhere (first 100), its bottlenecks. ' +
          `At most \`limit\` orders (default 200, at most ${MAX_STATUS_ORDERS}); \`totalOrders\` counts all. ` +
          PLAN_PENDING,
        tags: ['planning'],
        params: z.strictObject({ name: NetworkName, company: z.string().min(1).max(200) }),
        querystring: z.strictObject({ limit: wholeNumber(1, MAX_STATUS_ORDERS).optional() }),
        response: { 200: CompanyStatusSchema, ...errors },
      },
    },
    async (request) => {
      const plan = await context.plans.plan(request.params.name, undefined, preferredWait(request));
      const found = await plan.answers.statusOfCompany(request.params.company, request.query.limit ?? 200);
      if (found === undefined)
        throw notFound(`'${request.params.name}' has no company '${request.params.company}'`);
      return { ...found, plan: planSource(plan) };
    },
  );

  app.get(
    '/networks/:name/items',
    {
      config: viewer,
      schema: {
        summary: 'Some items of a network: names and units',
        description:
          'The name and unit of each item asked for (`ids`), so a page can show a quantity with its unit without ' +
          'reading the whole network. Unknown ids are listed in `unknown`. From the latest version with its events.',
        tags: ['planning'],
        params: z.strictObject({ name: NetworkName }),
        querystring: ItemsQuery,
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.string(), name: z.string(), unit: z.string() })),
            unknown: z.array(z.string()),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const plan = await context.plans.plan(request.params.name, undefined, preferredWait(request));
      return await plan.answers.items(request.query.ids);
    },
  );
}
