/**
 * @module simulation/scenario
 * The scenario format `keten.scenario/v1`: what to simulate on a network. Demand that replaces the
 * network's (a stochastic pattern with step changes), the ordering policy of every company with
 * per-company overrides, the events of a stress test (supplier failure, bankruptcy, regional
 * capacity, lane delay, payment delay, demand change) and costs. Field semantics follow
 * `shared/examples/scenario-oem-brakes.yaml` and are documented in `docs/simulation.md`.
 *
 * The parts with a `type` (demand patterns, ordering policies, forecasts, events) are validated in
 * two steps by the loader: first the `type` against the list of types (with a "did you mean"), then
 * the fields of that type, so that a typo in a type name gives one clear message instead of one per
 * possible type.
 */
import { z } from 'zod';
import { Id, Periods } from '../model/schema.ts';

export const SCENARIO_FORMAT = 'keten.scenario/v1';

const NonNegative = z.number().finite().min(0);
const Factor = z.number().finite().min(0).describe('A multiplier, 0 or more (1 leaves things as they are).');
const Days = z.number().int('must be a whole number of days').min(0);

// ---------------------------------------------------------------- demand

export const NormalPattern = z.strictObject({
  type: z.literal('normal'),
  mean: NonNegative.describe('Mean demand per period.'),
  stdDev: NonNegative.describe('Standard deviation per period; draws are independent and floored at 0.'),
});
export const ConstantPattern = z.strictObject({
  type: z.literal('constant'),
  value: NonNegative.describe('Demand in every period.'),
});
export const SeriesPattern = z.strictObject({
  type: z.literal('series'),
  quantities: z
    .array(NonNegative)
    .min(1, 'a series needs at least one value')
    .describe('Demand per period from period 0; periods after the list get the average of the list.'),
});
export const NetworkPattern = z.strictObject({
  type: z.literal('network'),
});

/** The base demand of a company and item, before its `changes`. */
export const DEMAND_PATTERNS = {
  normal: NormalPattern,
  constant: ConstantPattern,
  series: SeriesPattern,
  network: NetworkPattern,
} as const;
export type DemandPattern =
  | z.infer<typeof NormalPattern>
  | z.infer<typeof ConstantPattern>
  | z.infer<typeof SeriesPattern>
  | z.infer<typeof NetworkPattern>;

export const DemandChange = z.strictObject({
  from: Periods.describe('First period in which the factor applies.'),
  factor: Factor.describe(
    "From `from` on, the base pattern's mean and standard deviation are multiplied by this factor (factors do not compound: a later change replaces an earlier one).",
  ),
});
export type DemandChange = z.infer<typeof DemandChange>;

export const ScenarioDemand = z.strictObject({
  company: Id,
  item: Id,
  pattern: z.unknown().describe('The base demand: normal, constant, series or network.'),
  changes: z.array(DemandChange).optional(),
  price: NonNegative.optional().describe("Revenue per unit; default the network demand record's price."),
});
export type ScenarioDemand = Omit<z.infer<typeof ScenarioDemand>, 'pattern'> & { pattern: DemandPattern };

// ---------------------------------------------------------------- ordering policies

export const MovingAverage = z.strictObject({
  type: z.literal('moving-average'),
  periods: z.number().int().min(1).max(520).describe('Number of past periods averaged (p).'),
});
export const ExponentialSmoothing = z.strictObject({
  type: z.literal('exponential-smoothing'),
  alpha: z.number().gt(0).max(1).describe('Smoothing constant: weight of the newest observation.'),
});
export const FORECASTS = {
  'moving-average': MovingAverage,
  'exponential-smoothing': ExponentialSmoothing,
} as const;
export type Forecast = z.infer<typeof MovingAverage> | z.infer<typeof ExponentialSmoothing>;

const forecastField = z.unknown().optional().describe('moving-average or exponential-smoothing.');

export const OrderUpToPolicy = z.strictObject({
  type: z.literal('order-up-to'),
  forecast: forecastField,
  safetyFactor: NonNegative.optional().describe(
    'z: the order-up-to level is L x forecast + z x (estimated standard deviation) x sqrt(L).',
  ),
});
export const MinMaxPolicy = z.strictObject({
  type: z.literal('s-S'),
  forecast: forecastField,
  s: NonNegative.describe('Reorder point: order when the inventory position is at or below s.'),
  S: NonNegative.describe('Order up to S.'),
  levelsIn: z
    .enum(['periods', 'units'])
    .optional()
    .describe('periods (default): s and S are periods of forecast demand; units: fixed quantities.'),
});
export const AnchoringPolicy = z.strictObject({
  type: z.literal('anchoring-adjustment'),
  theta: z.number().min(0).max(1).optional().describe('Weight of the newest demand in the expected demand.'),
  alphaS: z.number().min(0).max(1).optional().describe('Fraction of the stock gap ordered per period.'),
  beta: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Weight of the supply-line gap relative to the stock gap.'),
  desiredStock: NonNegative.optional().describe('Desired stock in units (S*).'),
  desiredStockPeriods: NonNegative.optional().describe(
    'Desired stock as periods of expected demand (used when desiredStock is not given; default 2).',
  ),
  desiredSupplyLine: NonNegative.optional().describe(
    'Desired supply line in units (SL*); default lead time x expected demand.',
  ),
});
export const ORDERING_POLICIES = {
  'order-up-to': OrderUpToPolicy,
  's-S': MinMaxPolicy,
  'anchoring-adjustment': AnchoringPolicy,
} as const;
export type OrderingPolicy =
  | (Omit<z.infer<typeof OrderUpToPolicy>, 'forecast'> & { forecast?: Forecast })
  | (Omit<z.infer<typeof MinMaxPolicy>, 'forecast'> & { forecast?: Forecast })
  | z.infer<typeof AnchoringPolicy>;

export const ALLOCATION_RULES = ['proportional', 'fifo', 'priority'] as const;
export type AllocationRule = (typeof ALLOCATION_RULES)[number];

/** Settings that hold per company, network-wide under `policy` or for one company. */
const companySettings = {
  informationSharing: z
    .boolean()
    .optional()
    .describe('true: the company forecasts from end-customer demand instead of the orders it receives.'),
  informationDelay: Periods.optional().describe(
    "Periods an order of this company takes to reach its supplier (the beer game's 2 weeks of mail).",
  ),
  allocation: z
    .enum(ALLOCATION_RULES)
    .optional()
    .describe('How a supplier short of stock shares it among what its customers are owed.'),
  priority: z
    .array(Id)
    .optional()
    .describe('With allocation: priority, the customer companies served first, in this order.'),
  allowReturns: z
    .boolean()
    .optional()
    .describe('true: negative orders are placed (they cancel open orders); false: orders are floored at 0.'),
  overtime: z
    .boolean()
    .optional()
    .describe(
      "true: production may run up to the network's maximumCapacity (overtime, extra shifts); false: normal capacity only.",
    ),
  bankruptcyGracePeriods: Periods.optional().describe(
    'A company whose cash (plus credit line) is below 0 for more than this many periods in a row goes bankrupt.',
  ),
};

/** A company's override: any field of the ordering policies, and the company settings. */
export const CompanyPolicy = z.strictObject({
  type: z.enum(['order-up-to', 's-S', 'anchoring-adjustment']).optional(),
  forecast: forecastField,
  safetyFactor: z.unknown().optional(),
  s: z.unknown().optional(),
  S: z.unknown().optional(),
  levelsIn: z.unknown().optional(),
  theta: z.unknown().optional(),
  alphaS: z.unknown().optional(),
  beta: z.unknown().optional(),
  desiredStock: z.unknown().optional(),
  desiredStockPeriods: z.unknown().optional(),
  desiredSupplyLine: z.unknown().optional(),
  ...companySettings,
});

/** The names of the ordering fields of a company override (the rest are company settings). */
export const ORDERING_FIELDS = [
  'type',
  'forecast',
  'safetyFactor',
  's',
  'S',
  'levelsIn',
  'theta',
  'alphaS',
  'beta',
  'desiredStock',
  'desiredStockPeriods',
  'desiredSupplyLine',
] as const;

export const PolicySection = z.strictObject({
  default: z.unknown().optional().describe('The ordering policy of every company without an override.'),
  ...companySettings,
  companies: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Overrides per company id: ordering fields and company settings.'),
});

/** Settings of one company after defaults and overrides. */
export interface CompanySettings {
  readonly informationSharing: boolean;
  readonly informationDelay: number;
  readonly allocation: AllocationRule;
  readonly priority: readonly string[];
  readonly allowReturns: boolean;
  readonly overtime: boolean;
  readonly bankruptcyGracePeriods: number;
}

export type CompanySettingsInput = Partial<CompanySettings>;

/** The policy section as validated: the default and every override resolved to full policies. */
export interface ScenarioPolicy extends CompanySettingsInput {
  readonly default?: OrderingPolicy;
  readonly companies?: Readonly<Record<string, { ordering?: OrderingPolicy } & CompanySettingsInput>>;
}

// ---------------------------------------------------------------- events

const windowFields = {
  from: Periods.describe('First period of the window.'),
  to: Periods.optional().describe('First period after the window (exclusive).'),
  duration: z.number().int().min(1).optional().describe('Length of the window in periods: to - from.'),
};

export const SupplierFailureEvent = z.strictObject({
  type: z.literal('supplier-failure'),
  company: Id,
  ...windowFields,
});
export const BankruptcyEvent = z.strictObject({
  type: z.literal('bankruptcy'),
  company: Id,
  at: Periods.describe('Period in which the company goes bankrupt; it never comes back.'),
});
export const RegionCapacityEvent = z.strictObject({
  type: z.literal('region-capacity'),
  region: z.string().min(1).max(60),
  ...windowFields,
  factor: Factor.describe('Capacity of every company in the region is multiplied by this factor.'),
});
export const LaneDelayEvent = z.strictObject({
  type: z.literal('lane-delay'),
  supplier: Id,
  buyer: Id,
  item: Id.optional().describe('Only this item (default every item on the lane).'),
  ...windowFields,
  extraLeadTime: Periods.describe('Extra periods in transit for goods shipped in the window.'),
});
export const PaymentDelayEvent = z.strictObject({
  type: z.literal('payment-delay'),
  company: Id,
  ...windowFields,
  extraDays: Days.describe('Days later than its terms the company pays its suppliers.'),
});
export const DemandChangeEvent = z.strictObject({
  type: z.literal('demand-change'),
  company: Id,
  item: Id.optional().describe('Only this item (default every item the company sells to end customers).'),
  ...windowFields,
  factor: Factor.describe('End-customer demand is multiplied by this factor in the window.'),
});

export const EVENTS = {
  'supplier-failure': SupplierFailureEvent,
  bankruptcy: BankruptcyEvent,
  'region-capacity': RegionCapacityEvent,
  'lane-delay': LaneDelayEvent,
  'payment-delay': PaymentDelayEvent,
  'demand-change': DemandChangeEvent,
} as const;
export type ScenarioEvent =
  | z.infer<typeof SupplierFailureEvent>
  | z.infer<typeof BankruptcyEvent>
  | z.infer<typeof RegionCapacityEvent>
  | z.infer<typeof LaneDelayEvent>
  | z.infer<typeof PaymentDelayEvent>
  | z.infer<typeof DemandChangeEvent>;

// ---------------------------------------------------------------- the scenario

export const Costs = z.strictObject({
  holding: NonNegative.optional().describe(
    "Cost of one unit in stock for one period (default the production record's holdingCost, else 0).",
  ),
  backlog: NonNegative.optional().describe('Cost of one unit owed to a customer for one period (default 0).'),
});

/** The top level; the parts with a `type` are checked one by one by the loader. */
export const ScenarioTop = z.strictObject({
  format: z.literal(SCENARIO_FORMAT),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  periods: z
    .number()
    .int()
    .min(1)
    .max(5200)
    .optional()
    .describe("Periods to simulate (default the network's horizon)."),
  warmUp: Periods.optional().describe('Periods at the start left out of the metrics (default 0).'),
  initialState: z
    .enum(['steady', 'network'])
    .optional()
    .describe(
      "steady (default): every stage starts in equilibrium with period 0's demand; network: from the network's inventory and open orders.",
    ),
  runs: z.number().int().min(1).max(1_000_000).optional().describe('Monte Carlo runs (default 1).'),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Seed (default 1).'),
  demand: z.array(ScenarioDemand).optional(),
  policy: PolicySection.optional(),
  events: z.array(z.unknown()).optional(),
  costs: Costs.optional(),
});

/** A validated scenario, as written (no defaults filled in; see `docs/simulation.md`). */
export interface Scenario {
  readonly format: typeof SCENARIO_FORMAT;
  readonly name: string;
  readonly description?: string;
  readonly periods?: number;
  readonly warmUp?: number;
  readonly initialState?: 'steady' | 'network';
  readonly runs?: number;
  readonly seed?: number;
  readonly demand?: readonly ScenarioDemand[];
  readonly policy?: ScenarioPolicy;
  readonly events?: readonly ScenarioEvent[];
  readonly costs?: z.infer<typeof Costs>;
}

/** The default ordering policy: order-up-to, 4-period moving average, z = 1.65 (as in the example). */
export const DEFAULT_ORDERING_POLICY: OrderingPolicy = {
  type: 'order-up-to',
  forecast: { type: 'moving-average', periods: 4 },
  safetyFactor: 1.65,
};

/** Defaults of the company settings. */
export const DEFAULT_COMPANY_SETTINGS: CompanySettings = {
  informationSharing: false,
  informationDelay: 0,
  allocation: 'proportional',
  priority: [],
  allowReturns: false,
  overtime: false,
  bankruptcyGracePeriods: 4,
};

/**
 * Sterman's (1989) mean estimates over the beer-game subjects: theta 0.36, alphaS 0.26, beta 0.34
 * (J. D. Sterman, "Modeling managerial behavior: misperceptions of feedback in a dynamic decision
 * making experiment", Management Science 35(3), 321-339); with S' = desiredStock + beta x desiredSupplyLine
 * = 17 on average.
 */
export const STERMAN_PARAMETERS = { theta: 0.36, alphaS: 0.26, beta: 0.34 } as const;

/** Days to periods: ceil(days / period length), the scenario's rule. */
export function daysToPeriods(days: number, period: 'day' | 'week'): number {
  return Math.ceil(days / (period === 'week' ? 7 : 1));
}
