/**
 * @module routes/reshore
 * `POST /api/v1/reshore`: the reshoring calculator (core's `compareLocations`, `docs/reshoring.md`).
 * The body is JSON `{ case, carbonPrice?, runs?, seed? }` with the `keten.reshore/v1` case as an object
 * or as YAML/JSON text, or the case itself as YAML (`application/yaml`) with carbonPrice, runs and seed
 * in the query. The answer is the comparison, the same JSON as `keten reshore --json`.
 *
 * The disruption cost is simulated on the request's thread; the work is bounded by
 * `MAX_RESHORE_SIMULATED_RUNS` (locations × (1 + disruptions) × 3 lead-time variants × runs), about
 * five seconds on one core, and a case asking for more is a 400 naming `runs`.
 */
import {
  type Issue as CoreIssue,
  compareLocations,
  formatIssue,
  loadReshoreCase,
  RESHORE_DEFAULTS,
  type ReshoreCase,
  type ReshoreComparison,
  validateReshoreCase,
} from '@keten/core';
import { z } from 'zod';
import { AUTHENTICATED_ERRORS, ErrorResponse } from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import { component } from '../validation.ts';
import type { Api } from './context.ts';
import { apiIssue } from './networks.ts';

const YAML_TYPES = ['application/yaml', 'text/yaml'];

/** Most simulated chain runs one request may cost (see the module comment). */
export const MAX_RESHORE_SIMULATED_RUNS = 2000;

/** Case text: the request body limit bounds it anyway; this keeps the loader's own check in step. */
const MAX_CASE_TEXT = 1024 * 1024;

const CarbonPrice = z
  .number()
  .min(0)
  .max(1e6)
  .describe("Price of a tonne of CO2e in the case currency (default the case's carbonPrice).");
const Runs = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .describe("Monte Carlo runs per location and disruption (default the case's, else 20).");
const Seed = z
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .describe("Seed (default the case's, else 1).");

export const ReshoreRequest = z
  .strictObject({
    case: z
      .union([
        z.string().min(1).describe('The case as YAML or JSON text: problems are told by line and column.'),
        z.record(z.string(), z.unknown()).describe('The case as a JSON object: problems are told by path.'),
      ])
      .describe('A `keten.reshore/v1` case (docs/reshoring.md).'),
    carbonPrice: CarbonPrice.optional(),
    runs: Runs.optional(),
    seed: Seed.optional(),
  })
  .describe('A reshoring case to compare, and optional overrides.');

const fromQuery = <T extends z.ZodNumber>(schema: T) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(schema);

export const ReshoreQuery = z.strictObject({
  carbonPrice: fromQuery(CarbonPrice).optional().describe('With a YAML body: the carbon price per tonne.'),
  runs: fromQuery(Runs).optional().describe('With a YAML body: Monte Carlo runs.'),
  seed: fromQuery(Seed).optional().describe('With a YAML body: the seed.'),
});

const Costs = z
  .object({
    price: z.number(),
    transport: z.number(),
    duty: z.number(),
    pipeline: z.number(),
    safetyStock: z.number(),
    co2: z.number(),
    disruption: z.number(),
    total: z.number(),
  })
  .describe('Cost components of one unit, in the case currency.');

export const ReshoreComparisonSchema = component(
  'ReshoreComparison',
  z
    .object({
      name: z.string(),
      currency: z.string(),
      carbonPrice: z.number(),
      item: z.object({
        name: z.string(),
        unit: z.string(),
        annualVolume: z.number(),
        weightKg: z.number(),
        serviceLevel: z.number(),
      }),
      locations: z
        .array(
          z.object({
            id: z.string(),
            name: z.string(),
            region: z.string(),
            quotedPrice: z.object({ amount: z.number(), currency: z.string() }),
            costs: Costs,
            annualCost: z.number(),
            emissions: z
              .object({ production: z.number(), transport: z.number(), total: z.number() })
              .describe('kg CO2e per unit.'),
            legs: z
              .array(z.object({ mode: z.string(), km: z.number(), cost: z.number(), co2: z.number() }))
              .readonly(),
            inventory: z.object({
              leadTimeWeeks: z.number(),
              leadTimeStdDev: z.number(),
              pipelineUnits: z.number(),
              safetyFactor: z.number(),
              safetyStockUnits: z.number(),
              landedValue: z.number(),
            }),
            disruption: z.object({
              perYear: z.number(),
              perUnit: z.number(),
              simulatedLeadTime: z.number().int(),
              periods: z.number().int(),
              runs: z.number().int(),
              seed: z.number().int(),
              baseFill: z.number().nullable(),
              outcomes: z
                .array(
                  z.object({
                    type: z.enum(['supplier-down', 'lane-delay', 'region-capacity']),
                    label: z.string(),
                    perYear: z.number(),
                    unitWeeksLate: z.number(),
                    costPerEvent: z.number(),
                    costPerYear: z.number(),
                    fillRate: z.number().nullable(),
                  }),
                )
                .readonly(),
            }),
          }),
        )
        .readonly(),
      cheapest: z.string().describe('The location with the lowest total landed cost per unit.'),
      breakEven: z
        .array(
          z.object({
            first: z.string(),
            second: z.string(),
            carbonPrice: z.number().nullable(),
            cheaperBelow: z.string(),
            cheaperAbove: z.string().nullable(),
          }),
        )
        .readonly(),
      sensitivity: z
        .array(
          z.object({
            driver: z.enum(['carbon price', 'transport cost', 'lead time', 'disruption probability']),
            change: z.string(),
            totals: z.array(z.number()).readonly(),
            cheapest: z.string(),
          }),
        )
        .readonly(),
      factors: z
        .array(
          z.object({
            mode: z.string(),
            costPerTonneKm: z.number(),
            costSource: z.string(),
            kgCo2ePerTonneKm: z.number(),
            emissionSource: z.string(),
          }),
        )
        .readonly(),
      runs: z.number().int(),
      seed: z.number().int(),
    })
    .describe(
      'Total landed cost per unit of every location (the output of `keten reshore --json`; docs/reshoring.md).',
    ),
);

const _comparisonFits: z.infer<typeof ReshoreComparisonSchema> = {} as ReshoreComparison;

/** The case of the request, or `invalid-case` with every problem. */
function caseOf(input: string | Record<string, unknown>): ReshoreCase {
  if (typeof input === 'string') {
    const loaded = loadReshoreCase(input, 'case', { maxBytes: MAX_CASE_TEXT });
    if (loaded.ok) return loaded.value.reshoreCase;
    throw invalidCase(loaded.error);
  }
  const { reshoreCase, issues } = validateReshoreCase(input);
  if (reshoreCase !== undefined) return reshoreCase;
  throw invalidCase(issues);
}

function invalidCase(problems: readonly CoreIssue[]): ApiError {
  const issues = problems.map(apiIssue);
  const errors = issues.filter((issue) => issue.severity === 'error');
  const first = problems.find((issue) => issue.severity === 'error');
  return new ApiError(
    'invalid-case',
    `the reshoring case has ${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}; nothing was compared` +
      (first === undefined ? '' : `; the first: ${formatIssue({ ...first, file: 'case' })}`),
    { issues },
  );
}

/** Simulated chain runs a comparison costs: every location, undisrupted and per disruption, at three lead times. */
export function simulatedRuns(reshoreCase: ReshoreCase, runs: number): number {
  return reshoreCase.locations.reduce(
    (sum, location) => sum + (1 + (location.disruptions?.length ?? 0)) * 3 * runs,
    0,
  );
}

export function reshoreRoutes(app: Api): void {
  // A YAML body is the case itself, as text (JSON bodies use Fastify's parser).
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post(
    '/reshore',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'Compare sourcing locations by total landed cost (reshoring calculator)',
        description:
          'Compares the locations of a `keten.reshore/v1` case (docs/reshoring.md) by total landed cost per unit: price, ' +
          'transport by mode and distance, import duty, pipeline and safety-stock inventory, CO2 at a carbon price, and the ' +
          "expected disruption cost simulated per location with keten's simulator; with the break-even carbon price of every " +
          'pair and a sensitivity table. The body is JSON `{ case, carbonPrice?, runs?, seed? }`, the case an object or ' +
          'YAML/JSON text; or the case as YAML (`application/yaml`) with `carbonPrice`, `runs` and `seed` in the query. The ' +
          'same case and seed give the same answer as `keten reshore --json`. A case that does not fit the format is a 422 ' +
          '`invalid-case` with every problem in `issues`. The work is bounded: locations × (1 + disruptions) × 3 × runs may ' +
          `be at most ${MAX_RESHORE_SIMULATED_RUNS}, else a 400 \`invalid-request\` naming \`runs\`.`,
        tags: ['decisions'],
        querystring: ReshoreQuery,
        body: {
          content: {
            'application/json': { schema: ReshoreRequest },
            'application/yaml': { schema: ReshoreYamlBody },
            'text/yaml': { schema: ReshoreYamlBody },
          },
        },
        response: {
          200: ReshoreComparisonSchema,
          ...AUTHENTICATED_ERRORS,
          422: ErrorResponse,
        },
      },
    },
    async (request) => {
      const body = request.body as unknown as string | z.infer<typeof ReshoreRequest>;
      const input =
        typeof body === 'string' ? { case: body, ...request.query } : { ...request.query, ...body };
      if (typeof input.case === 'string' && input.case.trim() === '')
        throw new ApiError('invalid-request', 'the case is empty: send a keten.reshore/v1 case');
      const reshoreCase = caseOf(input.case);
      const runs = input.runs ?? reshoreCase.simulation?.runs ?? RESHORE_DEFAULTS.runs;
      const cost = simulatedRuns(reshoreCase, runs);
      if (cost > MAX_RESHORE_SIMULATED_RUNS) {
        const message =
          `the case needs ${cost} simulated runs (locations × (1 + disruptions) × 3 lead times × ${runs} runs); ` +
          `this server does at most ${MAX_RESHORE_SIMULATED_RUNS} per request: give fewer runs, or use keten reshore`;
        throw new ApiError('invalid-request', message, { details: [{ path: '/runs', message }] });
      }
      const started = performance.now();
      const result = compareLocations(reshoreCase, {
        ...(input.carbonPrice === undefined ? {} : { carbonPrice: input.carbonPrice }),
        runs,
        ...(input.seed === undefined ? {} : { seed: input.seed }),
      });
      request.log.info(
        {
          case: reshoreCase.name,
          locations: result.locations.length,
          runs,
          milliseconds: Math.round(performance.now() - started),
        },
        'reshoring case compared',
      );
      return result;
    },
  );
}

/** A YAML body: the case as text. */
const ReshoreYamlBody = ReshoreRequest.shape.case.options[0];
