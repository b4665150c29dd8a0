/**
 * @module decisions/reshore
 * The reshoring calculator: where to source an item from, by total landed cost per unit. For every
 * candidate location of a `keten.reshore/v1` case:
 *
 *   total = price + transport + duty + pipeline inventory + safety stock + CO2 + expected disruption
 *
 * with transport = Σ legs distance × weight × cost per tonne-km of the mode; duty = rate × (price +
 * transport) (the customs value, CIF); pipeline = holding rate × lead time (years) × price (Little's
 * law); safety stock = holding rate × z·sqrt(L σd² + d² σL²) × landed value / annual volume (Chopra &
 * Meindl); CO2 = (production + transport emissions) × carbon price; disruption = Σ frequency ×
 * simulated severity / annual volume (`reshore-disruption.ts`). Also the break-even carbon price of
 * every pair of locations and a sensitivity table. Pure and deterministic for a given seed; every
 * formula and default is in `docs/reshoring.md`.
 *
 * @example
 * const loaded = loadReshoreCase(text, 'case.yaml');
 * if (loaded.ok) {
 *   const result = compareLocations(loaded.value.reshoreCase, { carbonPrice: 100 });
 *   console.log(result.cheapest, formatReshoreReport(result));
 * }
 */
import type { TransportMode } from '../model/schema.ts';
import type { ReshoreCase, ReshoreLocation } from './reshore-case.ts';
import { type DisruptionCost, disruptionCost } from './reshore-disruption.ts';
import {
  DEFAULT_EMISSION_FACTORS,
  DEFAULT_TRANSPORT_COSTS_EUR,
  RESHORE_DEFAULTS,
  type SourcedFactor,
} from './reshore-factors.ts';
import { pipelineUnits, safetyStock } from './reshore-inventory.ts';

export interface ReshoreOptions {
  /** Overrides the case's carbonPrice (per tonne CO2e, in the case currency). */
  readonly carbonPrice?: number;
  /** Override the case's simulation settings. */
  readonly runs?: number;
  readonly seed?: number;
}

/** The cost components of one unit, in the case currency. */
export interface LandedCost {
  readonly price: number;
  readonly transport: number;
  readonly duty: number;
  readonly pipeline: number;
  readonly safetyStock: number;
  readonly co2: number;
  readonly disruption: number;
  readonly total: number;
}

/** The cost components in the order a report lists them. */
export const LANDED_COST_COMPONENTS = [
  'price',
  'transport',
  'duty',
  'pipeline',
  'safetyStock',
  'co2',
  'disruption',
] as const satisfies readonly (keyof LandedCost)[];

export interface LocationResult {
  readonly id: string;
  readonly name: string;
  readonly region: string;
  /** The unit price as the case gives it. */
  readonly quotedPrice: { readonly amount: number; readonly currency: string };
  readonly costs: LandedCost;
  /** costs.total × annual volume. */
  readonly annualCost: number;
  /** kg CO2e per unit. */
  readonly emissions: { readonly production: number; readonly transport: number; readonly total: number };
  readonly legs: readonly {
    readonly mode: TransportMode;
    readonly km: number;
    readonly cost: number;
    readonly co2: number;
  }[];
  readonly inventory: {
    readonly leadTimeWeeks: number;
    readonly leadTimeStdDev: number;
    readonly pipelineUnits: number;
    readonly safetyFactor: number;
    readonly safetyStockUnits: number;
    /** Price + transport + duty: what a unit in safety stock is worth. */
    readonly landedValue: number;
  };
  readonly disruption: DisruptionCost;
}

/** Where the cost lines of two locations cross as the carbon price rises. */
export interface BreakEven {
  readonly first: string;
  readonly second: string;
  /** Carbon price per tonne at which both cost the same; null when they never cross at a price ≥ 0. */
  readonly carbonPrice: number | null;
  /** Cheaper below the break-even (or at every price when there is none). */
  readonly cheaperBelow: string;
  /** Cheaper above it; null when there is no break-even. */
  readonly cheaperAbove: string | null;
}

/** One row of the sensitivity table: a driver moved, every location's total. */
export interface SensitivityRow {
  readonly driver: 'carbon price' | 'transport cost' | 'lead time' | 'disruption probability';
  /** e.g. `−50 %` or `40 EUR/t`. */
  readonly change: string;
  readonly totals: readonly number[];
  readonly cheapest: string;
}

export interface ReshoreComparison {
  readonly name: string;
  readonly currency: string;
  readonly carbonPrice: number;
  readonly item: {
    readonly name: string;
    readonly unit: string;
    readonly annualVolume: number;
    readonly weightKg: number;
    readonly serviceLevel: number;
  };
  readonly locations: readonly LocationResult[];
  /** The location with the lowest total landed cost per unit. */
  readonly cheapest: string;
  readonly breakEven: readonly BreakEven[];
  readonly sensitivity: readonly SensitivityRow[];
  /** The cost and emission factor of every mode the case uses, with its source. */
  readonly factors: readonly {
    readonly mode: TransportMode;
    readonly costPerTonneKm: number;
    readonly costSource: string;
    readonly kgCo2ePerTonneKm: number;
    readonly emissionSource: string;
  }[];
  readonly runs: number;
  readonly seed: number;
}

/** What the drivers of the sensitivity table multiply. */
interface Drivers {
  readonly carbonPrice: number;
  readonly transport: number;
  readonly leadTime: number;
  readonly rates: number;
}

/**
 * Total landed cost per unit of every location of a validated case (see the module comment), the
 * cheapest, the break-even carbon prices and the sensitivity table.
 */
export function compareLocations(reshoreCase: ReshoreCase, options: ReshoreOptions = {}): ReshoreComparison {
  const carbonPrice = options.carbonPrice ?? reshoreCase.carbonPrice;
  const runs = options.runs ?? reshoreCase.simulation?.runs ?? RESHORE_DEFAULTS.runs;
  const seed = options.seed ?? reshoreCase.simulation?.seed ?? RESHORE_DEFAULTS.seed;
  const factors = factorsOf(reshoreCase);
  // The simulator runs once per location and lead-time variant; rates scale its result linearly.
  const disruptions = new Map<string, DisruptionCost>();
  const disruptionOf = (location: ReshoreLocation, leadTimeFactor: number): DisruptionCost => {
    const key = `${location.id}\u0000${leadTimeFactor}`;
    let found = disruptions.get(key);
    if (found === undefined) {
      found = disruptionCost({
        item: reshoreCase.item,
        location,
        leadTimeWeeks: location.leadTime.weeks * leadTimeFactor,
        disruptions: location.disruptions ?? [],
        runs,
        seed,
      });
      disruptions.set(key, found);
    }
    return found;
  };
  const evaluate = (drivers: Drivers) =>
    reshoreCase.locations.map((location) =>
      locationResult(reshoreCase, location, factors, drivers, disruptionOf(location, drivers.leadTime)),
    );

  const base: Drivers = { carbonPrice, transport: 1, leadTime: 1, rates: 1 };
  const locations = evaluate(base);
  const cheapestOf = (results: readonly LocationResult[]) =>
    results.reduce((best, entry) => (entry.costs.total < best.costs.total ? entry : best)).id;

  const step = RESHORE_DEFAULTS.sensitivity;
  const percent = (factor: number) => `${factor < 1 ? '−' : '+'}${Math.round(Math.abs(factor - 1) * 100)} %`;
  const sensitivity: SensitivityRow[] = [];
  const row = (driver: SensitivityRow['driver'], change: string, drivers: Drivers) => {
    const results = evaluate(drivers);
    sensitivity.push({
      driver,
      change,
      totals: results.map((entry) => entry.costs.total),
      cheapest: cheapestOf(results),
    });
  };
  const prices = carbonPrice > 0 ? [carbonPrice * (1 - step), carbonPrice * (1 + step)] : [0, 100];
  for (const price of prices)
    row('carbon price', `${formatAmount(price)} ${reshoreCase.currency}/t`, { ...base, carbonPrice: price });
  for (const factor of [1 - step, 1 + step])
    row('transport cost', percent(factor), { ...base, transport: factor });
  for (const factor of [1 - step, 1 + step]) row('lead time', percent(factor), { ...base, leadTime: factor });
  for (const factor of [1 - step, 1 + step])
    row('disruption probability', percent(factor), { ...base, rates: factor });

  return {
    name: reshoreCase.name,
    currency: reshoreCase.currency,
    carbonPrice,
    item: {
      name: reshoreCase.item.name,
      unit: reshoreCase.item.unit ?? 'pcs',
      annualVolume: reshoreCase.item.annualVolume,
      weightKg: reshoreCase.item.weightKg,
      serviceLevel: reshoreCase.item.serviceLevel,
    },
    locations,
    cheapest: cheapestOf(locations),
    breakEven: breakEvens(locations),
    sensitivity,
    factors: [
      ...new Set(reshoreCase.locations.flatMap((location) => location.transport.map((leg) => leg.mode))),
    ].map((mode) => ({
      mode,
      costPerTonneKm: factors.cost(mode).value,
      costSource: factors.cost(mode).source,
      kgCo2ePerTonneKm: factors.emission(mode).value,
      emissionSource: factors.emission(mode).source,
    })),
    runs,
    seed,
  };
}

/** The case's own factors where it gives them, else the defaults (freight costs converted from EUR). */
function factorsOf(reshoreCase: ReshoreCase) {
  const euro = reshoreCase.currency === 'EUR' ? 1 : (reshoreCase.exchangeRates?.EUR ?? Number.NaN);
  return {
    cost(mode: TransportMode): SourcedFactor {
      const own = reshoreCase.transportCosts?.[mode];
      if (own !== undefined) return { value: own, source: 'the case' };
      const fallback = DEFAULT_TRANSPORT_COSTS_EUR[mode];
      return euro === 1
        ? fallback
        : {
            value: fallback.value * euro,
            source: `${fallback.source}; converted at ${euro} ${reshoreCase.currency}/EUR`,
          };
    },
    emission(mode: TransportMode): SourcedFactor {
      const own = reshoreCase.emissionFactors?.[mode];
      return own === undefined ? DEFAULT_EMISSION_FACTORS[mode] : { value: own, source: 'the case' };
    },
  };
}

function locationResult(
  reshoreCase: ReshoreCase,
  location: ReshoreLocation,
  factors: ReturnType<typeof factorsOf>,
  drivers: Drivers,
  disruption: DisruptionCost,
): LocationResult {
  const item = reshoreCase.item;
  const tonnes = item.weightKg / 1000;
  const rate =
    location.unitPrice.currency === reshoreCase.currency
      ? 1
      : (reshoreCase.exchangeRates?.[location.unitPrice.currency] ?? Number.NaN);
  const price = location.unitPrice.amount * rate;
  const legs = location.transport.map((leg) => ({
    mode: leg.mode,
    km: leg.km,
    cost: leg.km * tonnes * factors.cost(leg.mode).value * drivers.transport,
    co2: leg.km * tonnes * factors.emission(leg.mode).value,
  }));
  const transport = legs.reduce((sum, leg) => sum + leg.cost, 0);
  // The customs value of an import is its CIF value: price plus transport and insurance to the border
  // (WTO Customs Valuation Agreement, art. 8.2; EU Union Customs Code, art. 71). All legs count here.
  const duty = location.dutyRate * (price + transport);
  const leadTimeWeeks = location.leadTime.weeks * drivers.leadTime;
  const weekly = item.annualVolume / 52;
  const pipeline = pipelineUnits(weekly, leadTimeWeeks);
  // Pipeline stock is valued at the price paid when the goods leave the supplier (FCA/FOB terms).
  const pipelineCost = (pipeline * price * item.holdingRate) / item.annualVolume;
  const stock = safetyStock({
    demandMean: weekly,
    demandStdDev: item.demandStdDev,
    leadTime: leadTimeWeeks,
    leadTimeStdDev: location.leadTime.stdDev,
    serviceLevel: item.serviceLevel,
  });
  const landedValue = price + transport + duty;
  const safetyStockCost = (stock.units * landedValue * item.holdingRate) / item.annualVolume;
  const production = location.production.co2PerUnit ?? (location.production.co2PerKg ?? 0) * item.weightKg;
  const transportCo2 = legs.reduce((sum, leg) => sum + leg.co2, 0);
  const emissions = { production, transport: transportCo2, total: production + transportCo2 };
  const co2 = (emissions.total / 1000) * drivers.carbonPrice;
  const disruptionPerUnit = disruption.perUnit * drivers.rates;
  const costs: LandedCost = {
    price,
    transport,
    duty,
    pipeline: pipelineCost,
    safetyStock: safetyStockCost,
    co2,
    disruption: disruptionPerUnit,
    total: price + transport + duty + pipelineCost + safetyStockCost + co2 + disruptionPerUnit,
  };
  return {
    id: location.id,
    name: location.name ?? location.id,
    region: location.region ?? location.id,
    quotedPrice: { ...location.unitPrice },
    costs,
    annualCost: costs.total * item.annualVolume,
    emissions,
    legs,
    inventory: {
      leadTimeWeeks,
      leadTimeStdDev: location.leadTime.stdDev,
      pipelineUnits: pipeline,
      safetyFactor: stock.safetyFactor,
      safetyStockUnits: stock.units,
      landedValue,
    },
    disruption: drivers.rates === 1 ? disruption : scaled(disruption, drivers.rates),
  };
}

function scaled(disruption: DisruptionCost, factor: number): DisruptionCost {
  return {
    ...disruption,
    perYear: disruption.perYear * factor,
    perUnit: disruption.perUnit * factor,
    outcomes: disruption.outcomes.map((outcome) => ({
      ...outcome,
      perYear: outcome.perYear * factor,
      costPerYear: outcome.costPerYear * factor,
    })),
  };
}

/**
 * For every pair: total(p) = rest + emissions × p / 1000 is a line in the carbon price p, so two
 * locations cost the same at p* = 1000 × (rest₂ − rest₁) / (emissions₁ − emissions₂). Below p* the
 * location with the lower rest is cheaper, above it the one with the lower emissions.
 */
export function breakEvens(locations: readonly LocationResult[]): BreakEven[] {
  const result: BreakEven[] = [];
  const restOf = (entry: LocationResult) => entry.costs.total - entry.costs.co2;
  for (let i = 0; i < locations.length; i++) {
    for (let j = i + 1; j < locations.length; j++) {
      const first = locations[i]!;
      const second = locations[j]!;
      const restGap = restOf(second) - restOf(first);
      const emissionGap = first.emissions.total - second.emissions.total;
      const price = emissionGap === 0 ? Number.NaN : (1000 * restGap) / emissionGap;
      if (!(price >= 0) || !Number.isFinite(price)) {
        // No crossing at a price ≥ 0: the order at a price of 0 holds at every price.
        const firstCheaper = restGap >= 0;
        result.push({
          first: first.id,
          second: second.id,
          carbonPrice: null,
          cheaperBelow: firstCheaper ? first.id : second.id,
          cheaperAbove: null,
        });
        continue;
      }
      const cleaner = emissionGap > 0 ? second.id : first.id;
      const dirtier = emissionGap > 0 ? first.id : second.id;
      result.push({
        first: first.id,
        second: second.id,
        carbonPrice: price,
        cheaperBelow: dirtier,
        cheaperAbove: cleaner,
      });
    }
  }
  return result;
}

function formatAmount(value: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value);
}
