/**
 * @module model/schema
 * The network format `keten.network/v1`: one zod definition that validates input files, gives the
 * TypeScript types of the model, and generates the published JSON Schema
 * (`docs/schema/network.schema.json`). Field semantics follow `shared/examples/network-minimal.yaml`;
 * every optional field added for later capabilities is documented here with `.describe()`, which also
 * lands in the JSON Schema so editors show it.
 *
 * Structural rules live here (types, ranges, unknown fields). Rules that relate records to each other
 * (references, duplicates, cycles, shares, horizon lengths) live in `validate.ts`.
 */
import { z } from 'zod';

export const NETWORK_FORMAT = 'keten.network/v1';

/** Identifiers: letters, digits and `-_.:`; no spaces, so they survive CSV, URLs and logs. */
export const Id = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:-]*$/,
    'must start with a letter or digit and contain only letters, digits and . _ : -',
  );

const NonNegative = z.number().finite().min(0);
const Positive = z.number().finite().gt(0);
const Money = z.number().finite().min(0);
/** Whole periods, ≥ 0. */
export const Periods = z.number().int('must be a whole number of periods').min(0);

/**
 * A per-period quantity: one number for every period, or a list with one value per period. A list
 * shorter than the horizon repeats its last value; zeros in a list are shutdown periods. A single
 * capacity of 0 is rejected in `validate.ts` (it makes a production record useless).
 */
export const PerPeriod = z.union([
  NonNegative,
  z.array(NonNegative).min(1, 'a per-period list needs at least one value'),
]);
export type PerPeriod = z.infer<typeof PerPeriod>;

export const TransportMode = z.enum(['road', 'rail', 'sea', 'air', 'inland-waterway']);
export type TransportMode = z.infer<typeof TransportMode>;

export const Site = z.strictObject({
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in capitals, e.g. NL')
    .describe('ISO 3166-1 alpha-2 country code, e.g. NL, DE, CN.'),
  region: z
    .string()
    .min(1)
    .max(60)
    .describe(
      'The region the site belongs to for regional scenarios (lockdowns, tariffs), e.g. EU, ASIA, NA.',
    ),
  location: z
    .tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)])
    .optional()
    .describe('[latitude, longitude] in decimal degrees (WGS 84).'),
  city: z.string().max(200).optional().describe('City of the site, for maps and reports.'),
  bpns: z
    .string()
    .regex(/^BPNS[0-9A-Z]{12}$/, 'must be a Catena-X site number: BPNS followed by 12 digits or capitals')
    .optional()
    .describe(
      "Catena-X business partner number of the site (BPNS). Default in exchanged payloads: the company's bpn with BPNL replaced by BPNS.",
    ),
  bpna: z
    .string()
    .regex(/^BPNA[0-9A-Z]{12}$/, 'must be a Catena-X address number: BPNA followed by 12 digits or capitals')
    .optional()
    .describe(
      "Catena-X business partner number of the site's address (BPNA). Default in exchanged payloads: the company's bpn with BPNL replaced by BPNA.",
    ),
});

export const Company = z.strictObject({
  id: Id,
  name: z.string().min(1).max(300),
  bpn: z
    .string()
    .regex(
      /^BPNL[0-9A-Z]{12}$/,
      'must be a Catena-X legal-entity number: BPNL followed by 12 digits or capitals',
    )
    .optional()
    .describe('Catena-X business partner number of the legal entity (BPNL + 12 characters).'),
  group: Id.optional().describe('Corporate group: a multi-site firm is several companies with one group.'),
  site: Site,
  cash: z.number().finite().optional().describe('Cash at period 0, in `currency` (financial simulation).'),
  paymentTermDays: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Days after delivery after which this company pays its suppliers.'),
  creditLine: Money.optional().describe(
    'Credit the company may draw before its cash counts as negative (financial simulation).',
  ),
  ttr: Periods.optional().describe(
    'Time to recover, in periods, after a disruption of this company (stress test; overrides --ttr).',
  ),
});
export type Company = z.infer<typeof Company>;

export const Item = z.strictObject({
  id: Id,
  name: z.string().min(1).max(300),
  unit: z
    .string()
    .regex(/^[A-Za-z0-9]{1,6}$/, 'must be a unit code such as pcs, kg, m, m2, m3, l or a UN/ECE Rec. 20 code')
    .describe(
      'pcs, kg, m, m2, m3, l, or another UN/ECE Recommendation 20 code. pcs items are planned in whole units.',
    ),
  hsCode: z
    .string()
    .regex(/^[0-9]{6,10}$/, 'must be 6 to 10 digits of the Harmonized System')
    .optional()
    .describe('Harmonized System code, for duties in the reshoring calculator.'),
  weightKg: NonNegative.optional().describe('Mass of one unit in kg, for transport cost and CO2.'),
});
export type Item = z.infer<typeof Item>;

export const BomLine = z.strictObject({
  item: Id,
  quantity: Positive.describe('Units of the component per unit of the parent.'),
});
export type BomLine = z.infer<typeof BomLine>;

export const LotSize = z.strictObject({
  minimum: NonNegative.optional().describe('Smallest quantity that may be started.'),
  multiple: Positive.optional().describe('Started quantities are a multiple of this.'),
});

export const Production = z.strictObject({
  company: Id,
  item: Id,
  leadTime: Periods.describe('Whole periods from start to completion.'),
  capacity: PerPeriod.describe(
    'Units that may start per period: one number, or a list with one value per period (a shorter list repeats its last value; zeros are shutdown periods).',
  ),
  maximumCapacity: PerPeriod.optional().describe(
    'Capacity with overtime or an extra shift; reported, never planned on. Same list rules as capacity.',
  ),
  unitCost: Money.optional().describe('Cost of making one unit, in `currency`.'),
  co2PerUnit: NonNegative.optional().describe('kg CO2e added by this production step per unit.'),
  partNumber: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "The maker's part number: its material number as supplier (Catena-X materialNumberSupplier). Default: the item id.",
    ),
  lotSize: LotSize.optional().describe('Lot-size rules on the started quantity.'),
  yield: z
    .number()
    .gt(0)
    .max(1)
    .optional()
    .describe('Good share of what is started; a pcs item starts ceil(good / yield) units.'),
  holdingCost: Money.optional().describe(
    'Cost of holding one unit of the item for one period at this company (inventory placement).',
  ),
  bom: z.array(BomLine).optional().describe('Components per unit; raw materials have none.'),
});
export type Production = z.infer<typeof Production>;

export const CapacityGroupItem = z.strictObject({
  item: Id,
  load: Positive.describe('Capacity used per started unit of the item.'),
});

export const CapacityGroup = z.strictObject({
  id: Id,
  company: Id,
  capacity: PerPeriod.describe(
    'Capacity per period shared by the items; same list rules as production capacity.',
  ),
  maximumCapacity: PerPeriod.optional().describe('With overtime; reported, never planned on.'),
  items: z.array(CapacityGroupItem).min(1, 'a capacity group needs at least one item'),
});
export type CapacityGroup = z.infer<typeof CapacityGroup>;

export const SupplierShare = z.strictObject({
  supplier: Id,
  share: z.number().gt(0, 'a share must be above 0').max(1, 'a share cannot exceed 1'),
  leadTime: Periods.describe("The lane's lead time in whole periods."),
  unitPrice: Money.optional().describe('Price per unit paid to this supplier, in `currency`.'),
  mode: TransportMode.optional().describe('Transport mode of the lane (default road).'),
  co2PerUnit: NonNegative.optional().describe('kg CO2e of transporting one unit over this lane.'),
  distanceKm: NonNegative.optional().describe('Length of the lane in km.'),
  supplierPartNumber: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "The supplier's part number for the item, as the buyer knows it (Catena-X materialNumberSupplier). Default: the supplier's production partNumber, else the item id.",
    ),
});
export type SupplierShare = z.infer<typeof SupplierShare>;

export const Sourcing = z.strictObject({
  buyer: Id,
  item: Id,
  buyerPartNumber: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "The buyer's part number for the item (Catena-X materialNumberCustomer). Default: the item id.",
    ),
  suppliers: z.array(SupplierShare).min(1, 'a sourcing rule needs at least one supplier'),
});
export type Sourcing = z.infer<typeof Sourcing>;

export const Inventory = z.strictObject({
  company: Id,
  item: Id,
  onHand: NonNegative,
  safetyStock: NonNegative.optional().describe('A target the plan restores, not a floor it never touches.'),
});
export type Inventory = z.infer<typeof Inventory>;

export const OpenOrder = z.strictObject({
  kind: z.enum(['purchase', 'production']),
  company: Id.describe('The buyer of a purchase, the maker of production.'),
  item: Id,
  supplier: Id.optional().describe('Required for a purchase, absent for production.'),
  quantity: Positive,
  due: Periods.describe('Period in which the order arrives.'),
  id: z.string().min(1).max(100).optional().describe('Order number, for tracing.'),
});
export type OpenOrder = z.infer<typeof OpenOrder>;

export const Demand = z.strictObject({
  company: Id,
  item: Id,
  quantities: z.array(NonNegative).describe('End-customer demand per period, from period 0.'),
  price: Money.optional().describe('Revenue per unit: revenue at risk in stress tests.'),
  lossPerUnit: Money.optional().describe(
    'Loss per unit of this demand not met, e.g. the profit margin (stress test; default: price).',
  ),
  mean: NonNegative.optional().describe('Mean demand per period, for stochastic models.'),
  stdDev: NonNegative.optional().describe('Standard deviation of demand per period.'),
  serviceLevel: z
    .number()
    .gt(0)
    .lt(1)
    .optional()
    .describe('Target probability of meeting demand from stock (Guaranteed Service Model).'),
  maxServiceTime: Periods.optional().describe('Longest service time promised to end customers, in periods.'),
});
export type Demand = z.infer<typeof Demand>;

export const Network = z.strictObject({
  format: z.literal(NETWORK_FORMAT),
  name: z.string().min(1).max(200),
  description: z.string().max(5000).optional(),
  period: z.enum(['day', 'week']).describe('Planning bucket. A week starts on Monday.'),
  start: z.iso.date('must be a date as YYYY-MM-DD').describe('First day of period 0 (ISO 8601).'),
  horizon: z.number().int().min(1).max(3660).describe('Periods to plan and simulate.'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as EUR')
    .optional()
    .describe('Currency of every money field (default EUR).'),
  holdingRate: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      "Cost of holding one unit for one period as a share of its value (a production's unitCost plus its components' prices), where a production has no holdingCost (Guaranteed Service Model, keten decouple). 25% a year is about 0.0048 a week.",
    ),
  companies: z.array(Company).min(1, 'a network needs at least one company'),
  items: z.array(Item).min(1, 'a network needs at least one item'),
  production: z.array(Production).optional(),
  capacityGroups: z.array(CapacityGroup).optional(),
  sourcing: z.array(Sourcing).optional(),
  inventory: z.array(Inventory).optional(),
  openOrders: z.array(OpenOrder).optional(),
  demand: z.array(Demand).optional(),
});
export type Network = z.infer<typeof Network>;

/** The section names of a network that hold lists of records, in file order. */
export const SECTIONS = [
  'companies',
  'items',
  'production',
  'capacityGroups',
  'sourcing',
  'inventory',
  'openOrders',
  'demand',
] as const;
export type Section = (typeof SECTIONS)[number];

/** The value of a per-period quantity in period `period` (a shorter list repeats its last value). */
export function valueAt(value: PerPeriod, period: number): number {
  if (typeof value === 'number') return value;
  return value[Math.min(period, value.length - 1)] ?? 0;
}
