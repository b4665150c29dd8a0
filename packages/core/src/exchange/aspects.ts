/**
 * @module exchange/aspects
 * The Catena-X aspect models keten exchanges, as TypeScript: each model's name, namespace, version and
 * SAMM URN (the connector validates against the JSON Schema in `packages/connector/schemas/catena-x/`),
 * zod shapes of the payloads for reading them (the fields keten reads, with the schemas' patterns;
 * unknown fields are allowed and ignored, as a newer minor version may add some), and the units.
 *
 * Source: eclipse-tractusx/sldt-semantic-models @ 9adcc37d (CC-BY-4.0): the `.ttl` and
 * `gen/<Model>-schema.json` of each model.
 */
import { z } from 'zod';

/** Every aspect model keten sends or reads, with where its schema is. */
export const ASPECT_MODELS = {
  WeekBasedMaterialDemand: { namespace: 'io.catenax.week_based_material_demand', version: '3.0.1' },
  WeekBasedCapacityGroup: { namespace: 'io.catenax.week_based_capacity_group', version: '3.0.1' },
  DemandAndCapacityNotification: {
    namespace: 'io.catenax.demand_and_capacity_notification',
    version: '3.0.0',
  },
  ItemStock: { namespace: 'io.catenax.item_stock', version: '2.0.0' },
  DeliveryInformation: { namespace: 'io.catenax.delivery_information', version: '2.0.0' },
  PlannedProductionOutput: { namespace: 'io.catenax.planned_production_output', version: '2.0.0' },
  IdBasedRequestForUpdate: { namespace: 'io.catenax.id_based_request_for_update', version: '3.0.0' },
  IdBasedComment: { namespace: 'io.catenax.id_based_comment', version: '1.1.0' },
} as const satisfies Record<string, { namespace: string; version: string }>;

export type AspectModel = keyof typeof ASPECT_MODELS;

/** `urn:samm:io.catenax.week_based_material_demand:3.0.1#WeekBasedMaterialDemand` */
export function aspectModelUrn(model: AspectModel): string {
  const { namespace, version } = ASPECT_MODELS[model];
  return `urn:samm:${namespace}:${version}#${model}`;
}

// --- units (io.catenax.shared.quantity 2.0.0, ItemUnitEnumeration) ---

/**
 * keten unit codes (the network's `unit`: short names and UN/ECE Recommendation 20 common codes) and
 * the Catena-X unit each stands for. Rec. 20 codes from UNECE Recommendation 20, rev. 17 (2021),
 * annexes II and III.
 */
export const CATENA_X_UNITS: Readonly<Record<string, string>> = {
  pcs: 'unit:piece',
  pc: 'unit:piece',
  piece: 'unit:piece',
  C62: 'unit:piece',
  H87: 'unit:piece',
  EA: 'unit:piece',
  set: 'unit:set',
  SET: 'unit:set',
  pair: 'unit:pair',
  PR: 'unit:pair',
  kWh: 'unit:kilowattHour',
  KWH: 'unit:kilowattHour',
  g: 'unit:gram',
  GRM: 'unit:gram',
  kg: 'unit:kilogram',
  KGM: 'unit:kilogram',
  t: 'unit:tonneMetricTon',
  TNE: 'unit:tonneMetricTon',
  lb: 'unit:pound',
  LBR: 'unit:pound',
  oz: 'unit:ounceAvoirdupois',
  ONZ: 'unit:ounceAvoirdupois',
  m: 'unit:metre',
  MTR: 'unit:metre',
  cm: 'unit:centimetre',
  CMT: 'unit:centimetre',
  km: 'unit:kilometre',
  KMT: 'unit:kilometre',
  in: 'unit:inch',
  INH: 'unit:inch',
  ft: 'unit:foot',
  FOT: 'unit:foot',
  m2: 'unit:squareMetre',
  MTK: 'unit:squareMetre',
  cm2: 'unit:squareCentimetre',
  CMK: 'unit:squareCentimetre',
  m3: 'unit:cubicMetre',
  MTQ: 'unit:cubicMetre',
  cm3: 'unit:cubicCentimetre',
  CMQ: 'unit:cubicCentimetre',
  l: 'unit:litre',
  L: 'unit:litre',
  LTR: 'unit:litre',
  ml: 'unit:millilitre',
  MLT: 'unit:millilitre',
  hl: 'unit:hectolitre',
  HLT: 'unit:hectolitre',
  s: 'unit:secondUnitOfTime',
  SEC: 'unit:secondUnitOfTime',
  min: 'unit:minuteUnitOfTime',
  MIN: 'unit:minuteUnitOfTime',
  h: 'unit:hourUnitOfTime',
  HUR: 'unit:hourUnitOfTime',
  d: 'unit:day',
  DAY: 'unit:day',
};

/** The Catena-X unit of a keten unit code; undefined when the enumeration has none. */
export function catenaXUnit(unit: string): string | undefined {
  return Object.hasOwn(CATENA_X_UNITS, unit) ? CATENA_X_UNITS[unit] : undefined;
}

// --- shared traits (io.catenax.shared.*) ---

/** UuidV4Trait's pattern (io.catenax.shared.uuid 2.0.0): 8-4-4-4-12 hex digits, optionally `urn:uuid:`. */
export const Uuid = z
  .string()
  .regex(
    /(^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)|(^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$)/,
    'must be a UUID (8-4-4-4-12 hex digits, optionally prefixed urn:uuid:)',
  );
/** BpnlTrait (io.catenax.shared.business_partner_number 2.0.0). */
export const Bpnl = z
  .string()
  .regex(/^BPNL[a-zA-Z0-9]{12}$/, 'must be a BPNL: BPNL and 12 letters or digits');
export const Bpns = z
  .string()
  .regex(/^BPNS[a-zA-Z0-9]{12}$/, 'must be a BPNS: BPNS and 12 letters or digits');
export const Bpna = z
  .string()
  .regex(/^BPNA[a-zA-Z0-9]{12}$/, 'must be a BPNA: BPNA and 12 letters or digits');
const Quantity = z.number().finite().min(0);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD');
/** date-time with an offset, as xsd:dateTime in the models. */
const DateTime = z.iso.datetime({ offset: true, local: false });
const Unit = z.string().regex(/^[a-zA-Z]*:[a-zA-Z]+$/, 'must be a Catena-X unit such as unit:piece');
const DemandCategory = z.object({
  demandCategoryCode: z.enum(['0001', 'A1S1', 'SR99', 'PI01', 'OS01', 'OI01', 'ED01', 'PO01']),
});
export type DemandCategoryCode = z.infer<typeof DemandCategory>['demandCategoryCode'];
const ItemQuantity = z.object({ value: z.number().finite(), unit: Unit });
const OrderPositionReference = z.object({
  supplierOrderId: z.string().optional(),
  customerOrderId: z.string(),
  customerOrderPositionId: z.string(),
});

// --- WeekBasedMaterialDemand 3.0.1 ---

export const WeekBasedMaterialDemand = z.object({
  materialDemandId: Uuid,
  customer: Bpnl,
  supplier: Bpnl,
  materialNumberCustomer: z.string(),
  materialNumberSupplier: z.string().optional(),
  materialDescriptionCustomer: z.string(),
  materialGlobalAssetId: Uuid.optional(),
  unitOfMeasure: Unit.optional(),
  unitOfMeasureIsOmitted: z.boolean(),
  materialDemandIsInactive: z.boolean(),
  changedAt: DateTime,
  demandSeries: z.array(
    z.object({
      customerLocation: Bpns,
      expectedSupplierLocation: Bpns.optional(),
      demandCategory: DemandCategory,
      demands: z.array(z.object({ pointInTime: Day, demand: Quantity })),
    }),
  ),
});
export type WeekBasedMaterialDemand = z.infer<typeof WeekBasedMaterialDemand>;

// --- WeekBasedCapacityGroup 3.0.1 ---

export const WeekBasedCapacityGroup = z.object({
  capacityGroupId: Uuid,
  name: z.string(),
  customer: Bpnl,
  supplier: Bpnl,
  supplierLocations: z.array(Bpns).optional(),
  unitOfMeasure: Unit.optional(),
  unitOfMeasureIsOmitted: z.boolean(),
  capacityGroupIsInactive: z.boolean(),
  changedAt: DateTime,
  linkedCapacityGroups: z.array(Uuid).optional(),
  linkedDemandSeries: z
    .array(
      z.object({
        materialNumberCustomer: z.string(),
        materialNumberSupplier: z.string().optional(),
        customerLocation: Bpns,
        demandCategory: DemandCategory,
        loadFactor: z.number().finite().optional(),
      }),
    )
    .optional(),
  capacities: z
    .array(
      z.object({
        pointInTime: Day,
        actualCapacity: Quantity,
        maximumCapacity: Quantity,
        agreedCapacity: Quantity.optional(),
        deltaProductionResult: z.number().finite().optional(),
      }),
    )
    .optional(),
});
export type WeekBasedCapacityGroup = z.infer<typeof WeekBasedCapacityGroup>;

// --- DemandAndCapacityNotification 3.0.0 ---

export const LEADING_ROOT_CAUSES = [
  'strike',
  'natural-disaster',
  'production-incident',
  'pandemic-or-epidemic',
  'logistics-disruption',
  'war',
  'insolvency',
  'other',
] as const;
export type LeadingRootCause = (typeof LEADING_ROOT_CAUSES)[number];
export const NOTIFICATION_EFFECTS = [
  'demand-reduction',
  'demand-increase',
  'capacity-reduction',
  'capacity-increase',
] as const;
export type NotificationEffect = (typeof NOTIFICATION_EFFECTS)[number];

export const DemandAndCapacityNotification = z.object({
  notificationId: Uuid,
  sourceDisruptionId: Uuid,
  relatedNotificationIds: z.array(Uuid).optional(),
  leadingRootCause: z.enum(LEADING_ROOT_CAUSES),
  effect: z.enum(NOTIFICATION_EFFECTS),
  status: z.enum(['resolved', 'open']),
  text: z.string().optional(),
  resolvingMeasureDescription: z.string().optional(),
  startDateOfEffect: DateTime,
  expectedEndDateOfEffect: DateTime.optional(),
  contentChangedAt: DateTime,
  affectedSitesSender: z.array(Bpns).optional(),
  affectedSitesRecipient: z.array(Bpns).optional(),
  materialsAffected: z
    .array(
      z.object({
        materialGlobalAssetId: Uuid.optional(),
        materialNumberCustomer: z.string().optional(),
        materialNumberSupplier: z.string().optional(),
      }),
    )
    .optional(),
});
export type DemandAndCapacityNotification = z.infer<typeof DemandAndCapacityNotification>;

// --- ItemStock 2.0.0, DeliveryInformation 2.0.0, PlannedProductionOutput 2.0.0 ---

export const ItemStock = z.object({
  materialGlobalAssetId: Uuid,
  direction: z.enum(['INBOUND', 'OUTBOUND']),
  positions: z.array(
    z.object({
      orderPositionReference: OrderPositionReference.optional(),
      allocatedStocks: z.array(
        z.object({
          quantityOnAllocatedStock: ItemQuantity,
          stockLocationBPNS: Bpns,
          stockLocationBPNA: Bpna,
          isBlocked: z.boolean(),
          lastUpdatedOnDateTime: DateTime,
        }),
      ),
    }),
  ),
});
export type ItemStock = z.infer<typeof ItemStock>;

const TransitLocation = z.object({ bpnsProperty: Bpns, bpnaProperty: Bpna.optional() });
export const TRANSIT_EVENT_TYPES = [
  'estimated-departure',
  'estimated-arrival',
  'actual-departure',
  'actual-arrival',
] as const;

export const DeliveryInformation = z.object({
  materialGlobalAssetId: Uuid,
  positions: z.array(
    z.object({
      orderPositionReference: OrderPositionReference.optional(),
      deliveries: z.array(
        z.object({
          deliveryQuantity: ItemQuantity,
          lastUpdatedOnDateTime: DateTime,
          transitEvents: z.array(
            z.object({ dateTimeOfEvent: DateTime, eventType: z.enum(TRANSIT_EVENT_TYPES) }),
          ),
          transitLocations: z.object({ origin: TransitLocation, destination: TransitLocation }),
          trackingNumber: z.string().optional(),
          incoterm: z.string().optional(),
        }),
      ),
    }),
  ),
});
export type DeliveryInformation = z.infer<typeof DeliveryInformation>;

export const PlannedProductionOutput = z.object({
  materialGlobalAssetId: Uuid,
  positions: z.array(
    z.object({
      orderPositionReference: OrderPositionReference.optional(),
      allocatedPlannedProductionOutputs: z.array(
        z.object({
          plannedProductionQuantity: ItemQuantity,
          productionSiteBpns: Bpns,
          estimatedTimeOfCompletion: DateTime,
          lastUpdatedOnDateTime: DateTime,
        }),
      ),
    }),
  ),
});
export type PlannedProductionOutput = z.infer<typeof PlannedProductionOutput>;

// --- IdBasedRequestForUpdate 3.0.0 ---

const IdAndChange = { changedAt: DateTime.optional() };
export const IdBasedRequestForUpdate = z.object({
  weekBasedMaterialDemand: z.array(z.object({ materialDemandId: Uuid, ...IdAndChange })).optional(),
  weekBasedCapacityGroup: z.array(z.object({ capacityGroupId: Uuid, ...IdAndChange })).optional(),
});
export type IdBasedRequestForUpdate = z.infer<typeof IdBasedRequestForUpdate>;
