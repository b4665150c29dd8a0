/**
 * @module decisions/reshore-factors
 * Default factors of the reshoring calculator: freight cost and greenhouse-gas emissions per tonne-km
 * for each transport mode, each with its source and year. They are defaults for a first comparison;
 * a case overrides any of them (`transportCosts`, `emissionFactors`), and a company reporting under
 * EN ISO 14083 / the GLEC Framework should put its carriers' own intensities there. Documented in
 * `docs/reshoring.md`.
 */
import type { TransportMode } from '../model/schema.ts';

/** A default number with where it comes from. */
export interface SourcedFactor {
  readonly value: number;
  readonly source: string;
}

/**
 * Greenhouse-gas intensity of freight, kg CO2e per tonne-km. Tonne-km follow EN ISO 14083:2023 and the
 * GLEC Framework: the mass of the goods times the distance of the leg. The defaults are published
 * averages; they differ in scope (tank-to-wheel or well-to-wheel), so the source says which.
 */
export const DEFAULT_EMISSION_FACTORS: Readonly<Record<TransportMode, SourcedFactor>> = {
  road: {
    value: 0.107,
    source:
      'DEFRA/DECC 2012 GHG conversion factors, Annex 7 Table 7e: all articulated HGVs, UK average load, direct + indirect (well-to-wheel), 0.10700 kg CO2e/tkm',
  },
  rail: {
    value: 0.0113,
    source:
      'CE Delft / KiM, 2014 figures for the Netherlands (20 % diesel, 80 % electric traction), 11.3 g CO2/tkm, as tabulated in European Transport Research Review 11 (2019), article 10.1186/s12544-019-0344-x, Table 9',
  },
  'inland-waterway': {
    value: 0.0386,
    source:
      'CE Delft / KiM, 2014 figures for the Netherlands, 38.6 g CO2/tkm, European Transport Research Review 11 (2019), article 10.1186/s12544-019-0344-x, Table 9',
  },
  sea: {
    value: 0.01536,
    source:
      'DEFRA freight conversion factors: deep-sea container ship (3,000 TEU and up), direct emissions, 0.01536 kg CO2e/tkm (as listed by the Mode Shift Centre)',
  },
  air: {
    value: 0.57,
    source:
      'DEFRA Guidelines for Company Reporting on GHG Emissions (2007): air freight long haul, 0.57 kg CO2/tkm (Hansard, House of Commons, 4 June 2007)',
  },
};

/**
 * Freight cost, EUR per tonne-km of goods. These are keten's own round assumptions for full loads on
 * European and Asia–Europe lanes in 2024, derived as written, not a published index; put your
 * forwarder's rates in the case's `transportCosts`.
 */
export const DEFAULT_TRANSPORT_COSTS_EUR: Readonly<Record<TransportMode, SourcedFactor>> = {
  road: {
    value: 0.11,
    source:
      'keten assumption (2024): a 40 t articulated truck at about 1.60 EUR/km with 14 t of goods on average (about 60 % of a 24 t payload)',
  },
  rail: {
    value: 0.05,
    source:
      'keten assumption (2024): about half the road rate per tonne-km for full block or container trains',
  },
  'inland-waterway': {
    value: 0.03,
    source: 'keten assumption (2024): Rhine container barge, about a quarter of the road rate per tonne-km',
  },
  sea: {
    value: 0.0075,
    source:
      'keten assumption (2024): a 40 ft container Shanghai–Rotterdam at about 1,500 EUR for 10 t of goods over 20,000 km',
  },
  air: {
    value: 0.45,
    source: 'keten assumption (2024): general air cargo at about 4 EUR/kg over 9,000 km',
  },
};

/** Defaults of the calculator's settings that are not per mode. */
export const RESHORE_DEFAULTS = {
  /** Monte Carlo runs per location and disruption (the disruption cost). */
  runs: 20,
  seed: 1,
  /** Capacity of a location above its share of the mean weekly volume (how fast it catches up). */
  capacityHeadroom: 0.3,
  /** The sensitivity table moves each driver by this share up and down. */
  sensitivity: 0.5,
  /** Every simulated disruption starts in this week, after the forecasts have settled. */
  disruptionStart: 8,
} as const;
