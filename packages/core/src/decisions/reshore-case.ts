/**
 * @module decisions/reshore-case
 * The reshoring case format `keten.reshore/v1`: one item (its unit, weight, annual volume, demand
 * variability, holding rate, service level and shortage cost) and the candidate locations to source
 * it from (unit price with its currency, production CO2, transport legs by mode and distance, duty
 * rate, lead time and its variability, a disruption profile). Loaded from YAML or JSON with the
 * scenario loader's machinery: every problem at once with file, line and column, never a throw.
 * Field semantics are in `docs/reshoring.md`.
 *
 * @example
 * const loaded = loadReshoreCase(text, 'reshore-brakes.yaml');
 * if (loaded.ok) console.log(formatReshoreReport(compareLocations(loaded.value.reshoreCase)));
 * else for (const issue of loaded.error) console.log(formatIssue(issue));
 */
import { z } from 'zod';
import type { DocumentPath, Issue } from '../model/issues.ts';
import type { LoadOptions } from '../model/load-result.ts';
import { type Locate, locateNowhere } from '../model/locate.ts';
import { Id, TransportMode } from '../model/schema.ts';
import { describeValue, type IssueDraft, placeIssues, schemaIssues } from '../model/schema-issues.ts';
import { didYouMean } from '../model/suggest.ts';
import { ok, type Result } from '../result.ts';
import { loadValidatedDocument } from '../simulation/load-scenario.ts';

export const RESHORE_FORMAT = 'keten.reshore/v1';

const NonNegative = z.number().finite().min(0);
const Positive = z.number().finite().gt(0);
/** ISO 4217 currency codes: three capital letters. */
const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 currency code such as EUR');
const Share = z.number().finite().min(0).max(1);

export const ReshoreItem = z.strictObject({
  name: z.string().min(1).max(200),
  unit: z.string().min(1).max(20).optional().describe('Unit of the item (default pcs).'),
  weightKg: Positive.describe('Shipping weight of one unit, kg (packaging included): what transport moves.'),
  annualVolume: Positive.describe('Units needed a year.'),
  demandStdDev: NonNegative.describe('Standard deviation of weekly demand, units.'),
  holdingRate: Share.describe(
    'Cost of holding stock for a year as a share of its value (capital, storage, obsolescence).',
  ),
  serviceLevel: z
    .number()
    .gt(0)
    .lt(1)
    .describe(
      'Cycle service level the safety stock is sized for: the chance of no stock-out in a replenishment cycle.',
    ),
  shortageCost: NonNegative.describe(
    'Cost of one unit owed to the line for one week (a stopped line, expediting, penalties), in the case currency.',
  ),
});
export type ReshoreItem = z.infer<typeof ReshoreItem>;

export const ReshoreUnitPrice = z.strictObject({
  amount: NonNegative.describe('Price per unit at the supplier (FCA/FOB: before transport, duties and tax).'),
  currency: Currency.describe(
    'Currency of the price; other than the case currency it needs an exchange rate.',
  ),
});

export const ReshoreProduction = z.strictObject({
  co2PerUnit: NonNegative.optional().describe('kg CO2e of making one unit (cradle to gate).'),
  co2PerKg: NonNegative.optional().describe('kg CO2e per kg of the unit (cradle to gate); times weightKg.'),
});

export const ReshoreTransportLeg = z.strictObject({
  mode: TransportMode,
  km: Positive.max(50_000).describe('Distance of the leg, km.'),
});

export const ReshoreLeadTime = z.strictObject({
  weeks: Positive.max(104).describe('Mean replenishment lead time, weeks (order to receipt).'),
  stdDev: NonNegative.max(52).describe('Standard deviation of the lead time, weeks.'),
});

export const RESHORE_DISRUPTION_TYPES = ['supplier-down', 'lane-delay', 'region-capacity'] as const;
export type ReshoreDisruptionType = (typeof RESHORE_DISRUPTION_TYPES)[number];

export const ReshoreDisruption = z.strictObject({
  type: z.enum(RESHORE_DISRUPTION_TYPES),
  perYear: NonNegative.max(52).describe('Expected number of such events a year.'),
  weeks: z
    .number()
    .int('must be a whole number of weeks')
    .min(1)
    .max(52)
    .describe(
      'supplier-down: weeks without output; lane-delay: weeks of shipments slowed; region-capacity: weeks at the reduced capacity.',
    ),
  extraWeeks: z
    .number()
    .int('must be a whole number of weeks')
    .min(1)
    .max(26)
    .optional()
    .describe('lane-delay only: extra weeks in transit for what ships in the window.'),
  factor: z
    .number()
    .min(0)
    .lt(1)
    .optional()
    .describe('region-capacity only: the share of capacity left (0.5: half).'),
});
export type ReshoreDisruption = z.infer<typeof ReshoreDisruption>;

export const ReshoreLocation = z.strictObject({
  id: Id,
  name: z.string().min(1).max(200).optional(),
  region: z.string().min(1).max(60).optional().describe('Region of the location (default its id).'),
  unitPrice: ReshoreUnitPrice,
  production: ReshoreProduction,
  transport: z.array(ReshoreTransportLeg).min(1, 'give at least one transport leg').max(20),
  dutyRate: Share.describe(
    'Import duty as a share of the customs value (price plus transport); 0 inside a customs union.',
  ),
  leadTime: ReshoreLeadTime,
  capacityHeadroom: NonNegative.max(10)
    .optional()
    .describe(
      'Weekly capacity above the mean weekly volume, as a share (default 0.3): how fast it catches up.',
    ),
  disruptions: z
    .array(ReshoreDisruption)
    .max(20)
    .optional()
    .describe('The disruption profile (default none).'),
});
export type ReshoreLocation = z.infer<typeof ReshoreLocation>;

const ModeNumbers = z.strictObject(
  Object.fromEntries(TransportMode.options.map((mode) => [mode, NonNegative.optional()])) as Record<
    TransportMode,
    z.ZodOptional<typeof NonNegative>
  >,
);

export const ReshoreSettings = z.strictObject({
  runs: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Monte Carlo runs per location and disruption (default 20).'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Seed (default 1).'),
});

export const ReshoreCaseSchema = z.strictObject({
  format: z.literal(RESHORE_FORMAT),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  currency: Currency.describe(
    'Currency of every result and of carbonPrice, shortageCost and transportCosts.',
  ),
  carbonPrice: NonNegative.describe(
    'Price of one tonne of CO2e (an ETS/CBAM price or an internal one), in the case currency.',
  ),
  exchangeRates: z
    .record(z.string(), Positive)
    .optional()
    .describe(
      'Units of the case currency for one unit of another currency, e.g. { CNY: 0.128 } in a EUR case.',
    ),
  transportCosts: ModeNumbers.optional().describe(
    'Freight cost per tonne-km by mode in the case currency (defaults: docs/reshoring.md).',
  ),
  emissionFactors: ModeNumbers.optional().describe(
    'kg CO2e per tonne-km by mode (defaults: docs/reshoring.md).',
  ),
  item: ReshoreItem,
  locations: z.array(ReshoreLocation).min(2, 'compare at least two locations').max(20),
  simulation: ReshoreSettings.optional(),
});
export type ReshoreCase = z.infer<typeof ReshoreCaseSchema>;

/** A case that passed validation. */
export interface LoadedReshoreCase {
  readonly reshoreCase: ReshoreCase;
  readonly warnings: Issue[];
}

/**
 * Load a reshoring case from YAML or JSON text (by the file name's extension, else by the first
 * character). On failure the list holds every problem, in file order, with line and column.
 */
export function loadReshoreCase(
  text: string,
  fileName: string,
  options: LoadOptions = {},
): Result<LoadedReshoreCase, Issue[]> {
  const loaded = loadValidatedDocument(text, fileName, options, (data, locate) => {
    const { reshoreCase, issues } = validateReshoreCase(data, locate);
    return reshoreCase === undefined ? { issues } : { value: reshoreCase, issues };
  });
  return loaded.ok ? ok({ reshoreCase: loaded.value.value, warnings: loaded.value.warnings }) : loaded;
}

/**
 * Validate plain data (parsed YAML or JSON, or an HTTP body) as a reshoring case. Issues have an empty
 * `file`; `locate` gives them positions. `reshoreCase` is present when there are no errors.
 */
export function validateReshoreCase(
  data: unknown,
  locate: Locate = locateNowhere,
): { reshoreCase?: ReshoreCase; issues: Issue[] } {
  const drafts: IssueDraft[] = [];
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    drafts.push({
      path: [],
      code: 'wrong-type',
      message: `a reshoring case must hold a group of fields at the top (format, name, currency, carbonPrice, item, locations), not ${describeValue(data)}`,
    });
    return { issues: placeIssues(drafts, locate) };
  }
  const parsed = ReshoreCaseSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    drafts.push(...schemaIssues(ReshoreCaseSchema, [], parsed.error.issues));
    return { issues: placeIssues(drafts, locate) };
  }
  drafts.push(...crossChecks(parsed.data));
  const issues = placeIssues(drafts, locate);
  return issues.some((issue) => issue.severity === 'error')
    ? { issues }
    : { reshoreCase: parsed.data, issues };
}

/** Rules that relate fields to each other: ids, currencies, what each disruption type needs. */
function crossChecks(value: ReshoreCase): IssueDraft[] {
  const drafts: IssueDraft[] = [];
  const rates = value.exchangeRates ?? {};
  const known = [value.currency, ...Object.keys(rates)];
  for (const [code] of Object.entries(rates)) {
    if (!/^[A-Z]{3}$/.test(code))
      drafts.push({
        path: ['exchangeRates', code],
        code: 'invalid-value',
        target: 'key',
        message: `'${code}' is not a three-letter ISO 4217 currency code such as CNY`,
      });
  }
  const seen = new Map<string, number>();
  value.locations.forEach((location, index) => {
    const path: DocumentPath = ['locations', index];
    const first = seen.get(location.id);
    if (first !== undefined)
      drafts.push({
        path: [...path, 'id'],
        code: 'duplicate-id',
        message: `the location id '${location.id}' is already used by locations[${first}]; give each location its own id`,
      });
    else seen.set(location.id, index);
    const currency = location.unitPrice.currency;
    if (!known.includes(currency))
      drafts.push({
        path: [...path, 'unitPrice', 'currency'],
        code: 'unknown-reference',
        message: `the price is in ${currency} but the case is in ${value.currency} and 'exchangeRates' has no rate for ${currency}${didYouMean(currency, known)}; add ${currency}: <${value.currency} per ${currency}> under exchangeRates`,
      });
    const production = location.production;
    if ((production.co2PerUnit === undefined) === (production.co2PerKg === undefined))
      drafts.push({
        path: [...path, 'production'],
        code: production.co2PerUnit === undefined ? 'missing-field' : 'invalid-value',
        message:
          production.co2PerUnit === undefined
            ? "give the production CO2 as 'co2PerUnit' (kg CO2e a unit) or 'co2PerKg' (kg CO2e per kg)"
            : "give either 'co2PerUnit' or 'co2PerKg', not both",
      });
    (location.disruptions ?? []).forEach((disruption, at) => {
      const place: DocumentPath = [...path, 'disruptions', at];
      const needs =
        disruption.type === 'lane-delay'
          ? 'extraWeeks'
          : disruption.type === 'region-capacity'
            ? 'factor'
            : undefined;
      if (needs !== undefined && disruption[needs] === undefined)
        drafts.push({
          path: place,
          code: 'missing-field',
          message: `a ${disruption.type} disruption needs '${needs}'${needs === 'extraWeeks' ? ' (extra weeks in transit)' : ' (the share of capacity left, e.g. 0.5)'}`,
        });
      for (const field of ['extraWeeks', 'factor'] as const)
        if (field !== needs && disruption[field] !== undefined)
          drafts.push({
            path: [...place, field],
            code: 'invalid-value',
            target: 'key',
            message: `'${field}' belongs to ${field === 'extraWeeks' ? 'lane-delay' : 'region-capacity'} disruptions, not to ${disruption.type}; remove it`,
          });
    });
  });
  if (value.currency !== 'EUR' && rates.EUR === undefined) {
    const used = new Set(value.locations.flatMap((location) => location.transport.map((leg) => leg.mode)));
    const missing = [...used].filter((mode) => value.transportCosts?.[mode] === undefined);
    if (missing.length > 0)
      drafts.push({
        path: ['currency'],
        code: 'missing-field',
        message: `the default freight costs are in EUR and the case is in ${value.currency}: add EUR: <${value.currency} per EUR> under exchangeRates, or give transportCosts for ${missing.join(', ')}`,
      });
  }
  return drafts;
}
