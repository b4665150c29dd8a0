/**
 * @module api-schemas
 * The shapes the HTTP API accepts and returns, as zod schemas: they validate requests, type handlers
 * and generate the OpenAPI document. Domain shapes (a network, an event) come from `@keten/core`.
 */
import {
  type Plan as CorePlan,
  type PlanDiff as CorePlanDiff,
  type PlannedOrder as CorePlannedOrder,
  type PlanSummary as CorePlanSummary,
  type Role as CoreRole,
  type SimulationResult as CoreSimulationResult,
  EventInputSchema,
  METRICS,
  Network,
  ORDER_FIELDS,
  ROLES,
  SERIES,
  SHORTAGE_CODES,
  STORE_LIMITS,
} from '@keten/core';
import { z } from 'zod';
import { API_ERROR_CODES } from './errors.ts';
import { component } from './validation.ts';

// ---- common ----

export const NetworkComponent = component('Network', Network);

/** A whole number in a query string or path: digits only, so `''`, `1e3` and `-1` are refused. */
export function wholeNumber(minimum: number, maximum: number) {
  return z
    .string()
    .regex(/^[0-9]{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(minimum).max(maximum));
}

export const Issue = component(
  'Issue',
  z
    .object({
      line: z.number().int().optional(),
      column: z.number().int().optional(),
      row: z.number().int().optional().describe('CSV row, for CSV input.'),
      field: z.string().optional(),
      path: z
        .array(z.union([z.string(), z.number()]))
        .describe("Where in the network, e.g. `['sourcing', 3, 'suppliers', 0, 'share']`."),
      code: z.string().describe('Stable code of the problem, e.g. `unknown-field`.'),
      message: z.string(),
      severity: z.enum(['error', 'warning']),
    })
    .describe('One problem found in a network.'),
);
export type Issue = z.infer<typeof Issue>;

export const ErrorResponse = component(
  'Error',
  z
    .object({
      error: z.object({
        code: z.enum(API_ERROR_CODES as [string, ...string[]]),
        message: z.string(),
        details: z.unknown().optional(),
        issues: z.array(Issue).optional().describe('Every problem of an invalid network or scenario.'),
        requestId: z.string().optional().describe('On `internal` errors: the id to look for in the log.'),
      }),
    })
    .describe('An error: a stable code, a message for people, and details where they help.'),
);

/** Error responses every authenticated route may give. */
export const AUTHENTICATED_ERRORS = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  500: ErrorResponse,
} as const;

// ---- health ----

export const Health = z.object({
  status: z.enum(['ok', 'unavailable']),
  version: z.string(),
  store: z.enum(['reachable', 'unreachable']),
  /** A company node of a network (it has a connector: agreements, audit trail); the web app lists its pages. */
  connector: z.boolean(),
});

// ---- networks ----

/** As `checkNetworkName` in core: what every store accepts. */
export const NetworkName = z
  .string()
  .min(1)
  .max(STORE_LIMITS.networkName)
  .refine((name) => !name.includes('\u0000'), 'may not contain NUL');

export const NetworkSummary = z.object({
  companies: z.number().int(),
  items: z.number().int(),
  tiers: z.number().int(),
  sourcingLinks: z.number().int(),
});

export const NetworkVersionInfo = component(
  'NetworkVersionInfo',
  z.object({
    network: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    source: z.string().describe('Where the content came from: a file name, `api`, `generate`, `demo`.'),
    author: z.string().describe('Who imported it.'),
    contentHash: z.string().describe('SHA-256 of the canonical JSON content, hex.'),
    summary: NetworkSummary,
  }),
);

export const StoredNetwork = NetworkVersionInfo.extend({ content: NetworkComponent });

export const NetworkListEntry = z.object({
  network: z.string(),
  latestVersion: z.number().int(),
  versions: z.number().int(),
  updatedAt: z.string(),
  summary: NetworkSummary,
});

export const ImportQuery = z.strictObject({
  name: NetworkName.optional().describe("Store under this name instead of the network's own `name`."),
  source: z.string().min(1).max(200).optional().describe('Where the content came from (default `api`).'),
});

export const ImportResponse = z.object({
  version: NetworkVersionInfo,
  warnings: z.array(Issue),
});

export const NetworkParams = z.strictObject({ name: NetworkName });
export const VersionParams = z.strictObject({ name: NetworkName, version: wholeNumber(1, 1e12) });

export const DiffQuery = z.strictObject({
  from: wholeNumber(1, 1e12).optional().describe('Older version (default: the one before `to`).'),
  to: wholeNumber(1, 1e12).optional().describe('Newer version (default: the latest).'),
});

// ---- planning ----

/** Whole periods, as a JSON number in a body. */
const Periods = (maximum: number) => z.number().int('must be a whole number of periods').min(0).max(maximum);

export const PlanRequest = z
  .strictObject({
    version: z.number().int().min(1).optional().describe('Version to plan (default: the latest).'),
    horizon: Periods(3660)
      .min(1)
      .optional()
      .describe("Periods to plan (default: the network's horizon); may shorten it, not extend it."),
    buildAheadWindow: Periods(3660)
      .optional()
      .describe(
        'How many periods earlier production may start, or a purchase arrive, when the due period is full (default 4).',
      ),
    frozenPeriods: Periods(3660)
      .optional()
      .describe('Periods from 0 in which no new order may start (default 0).'),
    pegging: z.boolean().optional().describe('Compute pegging (default true).'),
  })
  .describe('Options of the plan, each optional: `{}` (or no body) plans with the defaults.');

export const PlanSummaryQuery = z.strictObject({
  version: wholeNumber(1, 1e12).optional().describe('Version to plan (default: the latest).'),
  horizon: wholeNumber(1, 3660)
    .optional()
    .describe("Periods to plan (default: the network's horizon); may shorten it, not extend it."),
  buildAheadWindow: wholeNumber(0, 3660).optional().describe('Build-ahead window in periods (default 4).'),
  frozenPeriods: wholeNumber(0, 3660).optional().describe('Frozen periods from 0 (default 0).'),
});

const ShortageCode = z.enum(SHORTAGE_CODES);

export const ShortageCause = z
  .object({
    code: ShortageCode,
    company: z.string(),
    item: z.string(),
    period: z.number().int(),
    text: z
      .string()
      .describe('Why, in words a planner reads: which supplier, which period, which constraint.'),
  })
  .describe('Why a demand is short: the constraint, where and when it binds.');

export const DemandPeg = z.object({
  company: z.string(),
  item: z.string(),
  period: z.number().int(),
  quantity: z.number(),
});

export const PlannedOrder = z.object({
  id: z.string().describe('Stable: the same order in two plans has the same id.'),
  kind: z.enum(['production', 'purchase']),
  company: z.string().describe('The maker of production, the buyer of a purchase.'),
  item: z.string(),
  quantity: z.number().describe('What arrives at `due`.'),
  startQuantity: z
    .number()
    .optional()
    .describe('What is started (loads capacity, consumes components), when it differs from `quantity`.'),
  start: z.number().int().describe('Production start, or the period the supplier ships.'),
  due: z.number().int(),
  supplier: z.string().optional(),
});

export const Bottleneck = z.object({
  company: z.string(),
  capacity: z.string().describe('A capacity group id, or `company/item` for a production record.'),
  period: z.number().int(),
  load: z.number().describe('Load that meeting all demand on time would need.'),
  limit: z.number(),
  maximum: z.number().optional(),
});

export const PlanSchema = component(
  'Plan',
  z
    .object({
      network: z.string(),
      horizon: z.number().int(),
      orders: z
        .array(PlannedOrder)
        .describe('The planned orders; open orders of the network are not repeated.'),
      deliveries: z
        .array(
          z.object({
            company: z.string(),
            item: z.string(),
            period: z.number().int().describe('When it is served; later than `forPeriod` when late.'),
            quantity: z.number(),
            forPeriod: z.number().int().describe('The period of the end demand.'),
          }),
        )
        .describe('Deliveries to end customers.'),
      shortages: z
        .array(
          z.object({
            company: z.string(),
            item: z.string(),
            period: z.number().int(),
            quantity: z.number().describe('Not served on time.'),
            cause: ShortageCause,
          }),
        )
        .describe('Per end demand and period: on-time deliveries + shortages = demand.'),
      bottlenecks: z
        .array(Bottleneck)
        .describe('Capacities and periods where the load needed is over the capacity.'),
      pegging: z
        .array(z.object({ order: z.string(), servesDemand: z.array(DemandPeg) }))
        .describe('For each order, the end demand it serves.'),
      safetyStockDraws: z
        .array(
          z.object({
            company: z.string(),
            item: z.string(),
            period: z.number().int(),
            stock: z.number().describe('Stock at the end of the period.'),
            target: z.number().describe('The safety-stock target.'),
          }),
        )
        .optional()
        .describe('Periods in which stock was drawn below its safety-stock target to serve demand.'),
    })
    .describe('A chain-deep plan (the output contract of `keten plan --json`; see docs/planning.md).'),
);

const Utilisation = z.number().nullable();

export const PlanSummarySchema = component(
  'PlanSummary',
  z
    .object({
      network: z.string(),
      horizon: z.number().int(),
      totals: z.object({
        demand: z.number(),
        onTime: z.number(),
        short: z.number().describe('Not delivered on time: the sum of the shortages.'),
        late: z.number().describe('Of `short`, what is delivered later within the horizon.'),
        unserved: z.number().describe('Of `short`, what is not delivered within the horizon.'),
        fillRate: z.number().describe('onTime / demand; 1 without demand.'),
      }),
      orders: z.object({ production: z.number().int(), purchase: z.number().int(), total: z.number().int() }),
      shortages: z
        .array(
          z.object({
            company: z.string(),
            item: z.string(),
            demand: z.number(),
            short: z.number(),
            late: z.number(),
            fillRate: z.number(),
            periods: z.number().int(),
            firstPeriod: z.number().int(),
            causes: z.array(
              z.object({
                code: ShortageCode,
                company: z.string(),
                item: z.string(),
                quantity: z.number(),
                periods: z.number().int(),
                firstPeriod: z.number().int(),
                text: z.string(),
              }),
            ),
          }),
        )
        .describe('Per end demand with a shortage, the largest first; its causes, the largest first.'),
      bottlenecks: z
        .array(
          z.object({
            company: z.string(),
            capacity: z.string(),
            periods: z.number().int(),
            firstPeriod: z.number().int(),
            lastPeriod: z.number().int(),
            peakPeriod: z.number().int(),
            peakLoad: z.number(),
            limit: z.number(),
            maximum: z.number().optional(),
            beyondMaximum: z
              .number()
              .int()
              .describe(
                'Periods in which even the maximum capacity (or the capacity, without one) is too little.',
              ),
          }),
        )
        .describe('Per capacity over its limit, the one over in most periods first.'),
      tiers: z
        .array(
          z.object({
            tier: z.number().int().nullable().describe('null: companies in no chain to end demand.'),
            companies: z.number().int(),
            orders: z.number().int(),
            capacities: z.number().int(),
            meanUtilisation: Utilisation,
            peakUtilisation: Utilisation,
            peak: z
              .object({
                company: z.string(),
                capacity: z.string(),
                period: z.number().int(),
                utilisation: z.number(),
              })
              .optional(),
          }),
        )
        .describe('Planned load against capacity per tier.'),
    })
    .describe('A plan in the figures a planner reads first (what `keten plan` prints).'),
);

// ---- re-planning ----

const Count = z.number().int().min(0);

const OrderChangeSchema = z.object({
  id: z.string(),
  before: PlannedOrder,
  after: PlannedOrder,
  fields: z.array(z.enum(ORDER_FIELDS)).describe('The fields that differ.'),
});

const ShortageChangeSchema = z.object({
  company: z.string(),
  item: z.string(),
  period: z.number().int(),
  change: z.enum(['appeared', 'grew', 'shrank', 'disappeared']),
  before: z.number(),
  after: z.number(),
  cause: ShortageCause,
});

const BottleneckChangeSchema = Bottleneck.extend({ change: z.enum(['appeared', 'disappeared']) });

const NoticeReasonSchema = z.object({
  role: z
    .enum(['maker', 'buyer', 'supplier', 'demand'])
    .describe(
      'maker: its production orders; buyer: the purchases it places with `counterpart`; supplier: ' +
        'the purchases `counterpart` places with it; demand: shortages of its end demand.',
    ),
  counterpart: z.string().optional(),
  added: Count,
  removed: Count,
  changed: Count,
  text: z.string().describe('The reason in words.'),
});

export const PlanDiffSchema = component(
  'PlanDiff',
  z
    .object({
      network: z.string(),
      horizon: z.number().int(),
      orders: z.object({
        added: z.array(PlannedOrder).describe('In the new plan only, by id.'),
        removed: z.array(PlannedOrder).describe('In the old plan only (cancelled), by id.'),
        changed: z.array(OrderChangeSchema).describe('In both, with other figures, by id.'),
      }),
      companies: z
        .array(z.object({ company: z.string(), added: Count, removed: Count, changed: Count }))
        .describe('Orders that changed per company (the maker of production, the buyer of a purchase).'),
      shortages: z
        .array(ShortageChangeSchema)
        .describe('Shortages of end demand (company, item, period) that are new, gone or of another size.'),
      bottlenecks: z
        .array(BottleneckChangeSchema)
        .describe('Bottlenecks (company, capacity, period) in one plan only.'),
      notices: z
        .array(
          z.object({
            company: z.string(),
            reasons: z.array(NoticeReasonSchema),
          }),
        )
        .describe('Who must be told, and why.'),
    })
    .describe(
      'What changed between two plans of a network: orders per company, shortages, bottlenecks, who to tell.',
    ),
);

const ReplanStatsSchema = z
  .object({
    nodes: Count.describe('Company × item nodes in the network.'),
    recomputed: Count.describe('Nodes whose requirements were computed again.'),
    full: z.boolean().describe('True when the whole network was planned again.'),
    reason: z.string().optional().describe('Why the re-plan had to start from scratch.'),
    seconds: z.number().describe('How long the re-plan took (not counting the plan it started from).'),
  })
  .describe('How the re-plan went.');

const ReplanBaseSchema = z
  .object({
    version: z.number().int(),
    through: Count,
    from: z
      .enum(['published', 'version', 'kept'])
      .describe(
        'published: the last published plan; version: the version without events (nothing published yet); ' +
          'kept: the plan of the previous re-plan.',
      ),
  })
  .describe('The plan the diff is taken against.');

export const ReplanRequest = z
  .strictObject({
    version: z.number().int().min(1).optional().describe('Version to plan (default: the latest).'),
    dryRun: z
      .boolean()
      .optional()
      .describe('Re-plan and answer the diff, but record nothing (no `plan.published` event).'),
  })
  .describe('`{}` (or no body) re-plans the latest version and publishes the result.');

export const ReplanResponse = component(
  'Replan',
  z
    .object({
      network: z.string(),
      version: z.number().int(),
      diff: PlanDiffSchema,
      stats: ReplanStatsSchema,
      through: Count.describe('The log position planned: every planning event up to this sequence is in.'),
      base: ReplanBaseSchema,
      published: z
        .object({
          key: z.string().describe('`plan.published/NETWORK/VERSION/THROUGH`'),
          sequence: z.number().int().optional(),
        })
        .optional()
        .describe('The `plan.published` event written; absent on a dry run or when nothing changed.'),
    })
    .describe('A re-plan: what changed since the base plan, and how much was computed again.'),
);

export const PlanChangesSchema = component(
  'PlanChanges',
  z
    .object({
      network: z.string(),
      version: z.number().int(),
      diff: PlanDiffSchema,
      stats: ReplanStatsSchema,
      through: Count.describe('The log position planned.'),
      base: ReplanBaseSchema,
      at: z.string().describe('When the re-plan was made (ISO 8601).'),
      failure: z
        .object({
          at: z.string(),
          code: z.enum(API_ERROR_CODES as [string, ...string[]]),
          message: z.string(),
          details: z.unknown().optional(),
        })
        .optional()
        .describe('A later re-plan that failed (e.g. an event that cannot be applied); the diff is older.'),
    })
    .describe('The latest re-plan of a network: after events arrived, or by `POST …/replan`.'),
);

const LatestReplan = {
  network: z.string(),
  version: z.number().int(),
  through: Count.describe('The log position planned.'),
  at: z.string().describe('When the re-plan was made (ISO 8601).'),
};

/** `offset` and `limit` of a paged list, `limit` from 1 to `maximum` (default `fallback`). */
export function PageQuery(fallback: number, maximum: number, what: string) {
  return z.strictObject({
    offset: wholeNumber(0, Number.MAX_SAFE_INTEGER)
      .optional()
      .describe(`Skip this many ${what} (default 0).`),
    limit: wholeNumber(1, maximum)
      .optional()
      .describe(`At most this many ${what} (default ${fallback}, at most ${maximum}).`),
  });
}

function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    offset: Count,
    limit: Count,
    total: Count.describe('How many in all.'),
    items: z.array(item),
  });
}

const CompanyChangeCountsSchema = z.object({
  company: z.string(),
  added: Count.describe('Its orders new in the plan (production it makes, purchases it places).'),
  removed: Count.describe('Its orders cancelled.'),
  changed: Count.describe('Its orders with other figures.'),
  shortages: Count.describe('Shortages of its end demand that moved.'),
  bottlenecks: Count.describe('Its capacity-periods newly over the limit or back under it.'),
});

export const PlanChangesSummarySchema = component(
  'PlanChangesSummary',
  z
    .object({
      ...LatestReplan,
      stats: ReplanStatsSchema,
      base: ReplanBaseSchema,
      failure: PlanChangesSchema.shape.failure,
      totals: z.object({
        orders: z.object({
          added: Count,
          removed: Count,
          changed: Count,
          companies: Count.describe('Companies whose orders changed.'),
        }),
        companies: Count.describe('Companies the diff touches.'),
        shortages: z.object({ appeared: Count, grew: Count, shrank: Count, disappeared: Count }),
        bottlenecks: z.object({ appeared: Count, disappeared: Count }),
      }),
      companies: pageSchema(CompanyChangeCountsSchema).describe(
        'A page of the companies the diff touches, most changed orders and shortages first, then by id.',
      ),
    })
    .describe("The latest re-plan's diff in totals, and a page of the companies it touches."),
);

export const PlanCompanyChangesSchema = component(
  'PlanCompanyChanges',
  z
    .object({
      ...LatestReplan,
      counts: CompanyChangeCountsSchema,
      orders: pageSchema(
        z.discriminatedUnion('change', [
          z.object({ change: z.literal('new'), id: z.string(), order: PlannedOrder }),
          z.object({ change: z.literal('cancelled'), id: z.string(), order: PlannedOrder }),
          z.object({
            change: z.literal('changed'),
            id: z.string(),
            order: PlannedOrder.describe('The order now.'),
            before: PlannedOrder,
            fields: z.array(z.enum(ORDER_FIELDS)).describe('The fields that differ.'),
          }),
        ]),
      ).describe('A page of its orders that changed: new, then changed, then cancelled, each by id.'),
      shortages: z.array(ShortageChangeSchema).describe('Shortages of its end demand that moved.'),
      bottlenecks: z.array(BottleneckChangeSchema),
      reasons: z.array(NoticeReasonSchema).describe('Why it must be told.'),
    })
    .describe("One company's share of the latest re-plan's diff (zero counts: the diff does not touch it)."),
);

// Fail to compile when core's plan or summary no longer fits these schemas (a field changed or gone);
// a field core adds shows in the route tests, which compare answers with the schemas.
// (The plan's orders are a table that streams as the array of orders the schema describes.)
const _planFits: z.infer<typeof PlanSchema> = {} as Omit<CorePlan, 'orders'> & { orders: CorePlannedOrder[] };
const _orderFits: z.infer<typeof PlanSchema>['orders'][number] = {} as CorePlannedOrder;
const _summaryFits: z.infer<typeof PlanSummarySchema> = {} as CorePlanSummary;
const _diffFits: z.infer<typeof PlanDiffSchema> = {} as CorePlanDiff;

// ---- simulation ----

/** Most runs one simulation request may ask for (`POST …/simulate`); more is a 400 naming `runs`. */
export const MAX_SIMULATION_RUNS = 1000;

export const SimulateRequest = z
  .strictObject({
    scenario: z
      .union([
        z
          .string()
          .min(1)
          .describe('The scenario as YAML or JSON text: problems are told by line and column.'),
        z
          .record(z.string(), z.unknown())
          .describe('The scenario as a JSON object: problems are told by path.'),
      ])
      .describe('A `keten.scenario/v1` scenario (docs/simulation.md).'),
    runs: z
      .number()
      .int()
      .min(1)
      .max(MAX_SIMULATION_RUNS)
      .optional()
      .describe(`Monte Carlo runs (default: the scenario's runs, else 1); at most ${MAX_SIMULATION_RUNS}.`),
    seed: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe("Seed (default: the scenario's seed, else 1)."),
    version: z.number().int().min(1).optional().describe('Version of the network (default: the latest).'),
  })
  .describe('A scenario to simulate on the network, and how often.');

export const SimulateQuery = z.strictObject({
  runs: wholeNumber(1, MAX_SIMULATION_RUNS)
    .optional()
    .describe(`With a YAML body: Monte Carlo runs (at most ${MAX_SIMULATION_RUNS}).`),
  seed: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional().describe('With a YAML body: the seed.'),
  version: wholeNumber(1, 1e12).optional().describe('With a YAML body: the version of the network.'),
  format: z
    .enum(['json', 'html'])
    .optional()
    .describe('html: answer the self-contained HTML report (`keten simulate --report`) instead of JSON.'),
  async: z
    .enum(['0', '1', 'true', 'false'])
    .optional()
    .describe(
      '1 or true: run it as a job: 202 with the job at once, progress in runs, the result at `GET /api/v1/jobs/{id}`.',
    ),
});

const MetricSummarySchema = z
  .object({ mean: z.number().nullable(), p5: z.number().nullable(), p95: z.number().nullable() })
  .describe('Mean and 5th/95th percentiles over runs; null where no run defines the metric.');
const Metrics = z
  .object(
    Object.fromEntries(METRICS.map((metric) => [metric, MetricSummarySchema])) as Record<
      (typeof METRICS)[number],
      typeof MetricSummarySchema
    >,
  )
  .describe(
    'fillRate, backorders, inventory, bullwhip, lostRevenue, cashLowPoint, bankruptcies, timeToRecover, cost.',
  );

export const SimulationResultSchema = component(
  'SimulationResult',
  z
    .object({
      scenario: z.string(),
      networkName: z.string(),
      seed: z.number().int(),
      periods: z.number().int(),
      warmUp: z.number().int(),
      runs: z.array(z.number().int()).describe('Run indexes aggregated, ascending.'),
      network: Metrics.describe('The network: end-customer service, sums over companies.'),
      tiers: z.array(z.object({ tier: z.number().int(), companies: z.number().int(), metrics: Metrics })),
      companies: z.array(z.object({ id: z.string(), tier: z.number().int().nullable(), metrics: Metrics })),
      series: z
        .array(
          z
            .object({ tier: z.number().int().nullable() })
            .extend(
              Object.fromEntries(SERIES.map((name) => [name, z.array(z.number())])) as Record<
                (typeof SERIES)[number],
                z.ZodArray<z.ZodNumber>
              >,
            ),
        )
        .describe(
          'Per tier (tier null: the network), per period, mean over runs: demand, orders, inventory, backorders.',
        ),
    })
    .describe(
      'A simulation summarized over runs (the output of `keten simulate --json`; see docs/simulation.md).',
    ),
);

const _simulationFits: z.infer<typeof SimulationResultSchema> = {} as CoreSimulationResult;

// ---- events ----

export const StoredEvent = EventInputSchema.extend({
  sequence: z.number().int().describe('Position in the log, strictly increasing.'),
  recordedAt: z.string().describe('When the log accepted it (ISO 8601).'),
});

export const EventsQuery = z.strictObject({
  after: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional().describe('Only events with a higher sequence.'),
  type: z.string().min(1).max(100).optional(),
  source: z.string().min(1).max(300).optional(),
  limit: wholeNumber(1, 10_000).optional().describe('At most this many (default 1000).'),
});

export const AppendRequest = z.strictObject({
  events: z
    .array(EventInputSchema)
    .min(1, 'send at least one event')
    .max(10_000, 'send at most 10,000 events'),
});

export const AppendResponse = z.object({
  appended: z.array(StoredEvent),
  duplicates: z.array(z.string()).describe('Idempotency keys already in the log: not written again.'),
});

// ---- users, tokens, sessions ----

export const Role = z
  .enum(['viewer', 'planner', 'admin'] as const satisfies readonly CoreRole[])
  .describe('viewer < planner < admin');
// Fails to compile when core adds a role this schema does not list.
const _everyRole: readonly z.infer<typeof Role>[] = ROLES;

export const Username = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,63}$/,
    'must be 2 to 64 lower-case letters, digits or . _ - and start with a letter or digit',
  );

/** Length is checked by `passwordProblem`, which explains itself better than a schema would. */
export const Password = z.string().min(1, 'a password is required').max(4096);

export const User = component(
  'User',
  z.object({
    username: z.string(),
    role: Role,
    createdAt: z.string(),
    disabled: z.boolean(),
  }),
);

export const CreateUserRequest = z.strictObject({ username: Username, role: Role, password: Password });
export const UpdateUserRequest = z
  .strictObject({ role: Role.optional(), password: Password.optional(), disabled: z.boolean().optional() })
  .refine((change) => Object.keys(change).length > 0, 'give at least one of role, password, disabled');
export const UserParams = z.strictObject({ username: z.string().min(1).max(200) });

export const TokenInfo = component(
  'Token',
  z.object({
    id: z.string(),
    username: z.string(),
    name: z.string(),
    createdAt: z.string(),
    expiresAt: z.string().optional(),
    lastUsedAt: z.string().optional().describe('Updated at most once a minute.'),
    revokedAt: z.string().optional(),
  }),
);

export const CreateTokenRequest = z.strictObject({
  name: z.string().min(1).max(100).describe('What the token is for, e.g. `ci` or `laptop`.'),
  expiresInDays: z.number().int().min(1).max(3650).optional().describe('Default: never expires.'),
});

export const NewTokenResponse = z.object({
  token: TokenInfo,
  secret: z
    .string()
    .describe('The bearer token, `ktn_<id>_<secret>`. Shown once: the server keeps only its SHA-256.'),
});

export const TokensQuery = z.strictObject({
  username: z.string().min(1).max(200).optional().describe("Admins only: another user's tokens."),
});

export const TokenParams = z.strictObject({ id: z.string().min(1).max(100) });

export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(200),
  password: Password,
});

export const SessionResponse = NewTokenResponse.extend({ user: User });

export const Me = z.object({ user: User, token: TokenInfo });
