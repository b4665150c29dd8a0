/**
 * @module decisions/reshore-disruption
 * The expected disruption cost of a sourcing location, taken from keten's simulator. Each location
 * becomes a two-company chain (the location makes the item and ships it to the buyer's plant over
 * one lane with the location's lead time; the plant's line draws the weekly demand), every
 * disruption of its profile becomes one simulator event, and each is simulated on the same seed as
 * the undisrupted chain. The cost of one event is the extra unit-weeks owed to the line (its
 * severity) times the shortage cost; the expected cost a year is Σ frequency × severity over the
 * profile (the annual-loss-expectancy reading of risk: ISO 31000 practice, and S. Chopra and
 * M. S. Sodhi, "Managing risk to avoid supply-chain breakdown", MIT Sloan Management Review 46(1),
 * 2004). The mapping is documented in `docs/reshoring.md`.
 */
import type { Network } from '../model/schema.ts';
import type { Scenario, ScenarioEvent } from '../simulation/scenario.ts';
import { SCENARIO_FORMAT } from '../simulation/scenario.ts';
import { simulate } from '../simulation/simulate.ts';
import type { ReshoreDisruption, ReshoreItem } from './reshore-case.ts';
import { RESHORE_DEFAULTS } from './reshore-factors.ts';
import { normalQuantile } from './reshore-inventory.ts';

/** What one disruption of a profile does in the simulated chain. */
export interface DisruptionOutcome {
  readonly type: ReshoreDisruption['type'];
  /** In words, e.g. `supplier down for 6 weeks`. */
  readonly label: string;
  readonly perYear: number;
  /** Extra unit-weeks owed to the line because of one such event (mean over runs, at least 0). */
  readonly unitWeeksLate: number;
  /** unitWeeksLate × shortage cost. */
  readonly costPerEvent: number;
  /** perYear × costPerEvent. */
  readonly costPerYear: number;
  /** Share of the line's demand served in the week it was needed, over the run with the event. */
  readonly fillRate: number | null;
}

export interface DisruptionCost {
  /** Σ costPerYear. */
  readonly perYear: number;
  /** Per unit of annual volume. */
  readonly perUnit: number;
  /** Whole weeks the simulated lane takes (production 1 week + transit). */
  readonly simulatedLeadTime: number;
  readonly periods: number;
  readonly runs: number;
  readonly seed: number;
  /** Fill rate of the undisrupted chain. */
  readonly baseFill: number | null;
  readonly outcomes: readonly DisruptionOutcome[];
}

export interface DisruptionInput {
  readonly item: ReshoreItem;
  readonly location: {
    readonly id: string;
    readonly region?: string | undefined;
    readonly capacityHeadroom?: number | undefined;
  };
  /** Mean lead time, weeks (fractional allowed; the chain uses whole weeks). */
  readonly leadTimeWeeks: number;
  readonly disruptions: readonly ReshoreDisruption[];
  readonly runs: number;
  readonly seed: number;
  /** Multiplies every perYear (the sensitivity table's disruption probability). Default 1. */
  readonly rateFactor?: number;
}

const PLANT = 'plant';
const SOURCE = 'source';
const ITEM = 'item';

/**
 * Simulates the location's chain without and with each disruption of its profile, and prices the
 * difference (see the module comment).
 */
export function disruptionCost(input: DisruptionInput): DisruptionCost {
  const weekly = input.item.annualVolume / 52;
  const leadTime = Math.max(1, Math.round(input.leadTimeWeeks));
  const longest = Math.max(
    0,
    ...input.disruptions.map((disruption) => disruption.weeks + (disruption.extraWeeks ?? 0)),
  );
  // Long enough for the longest disruption to start, end, travel through the lane twice and be caught up.
  const periods = Math.max(52, RESHORE_DEFAULTS.disruptionStart + longest + 3 * leadTime + 26);
  const region = input.location.region ?? input.location.id;
  const network = chainOf(input, weekly, leadTime, periods, region);
  const base = scenarioOf(input.item, weekly, periods);
  const options = { runs: input.runs, seed: input.seed };
  const undisrupted = simulate(network, base, options);
  const owed = (result: typeof undisrupted) =>
    (result.network.backorders.mean ?? 0) * (result.periods - result.warmUp);
  const baseline = owed(undisrupted);
  const rateFactor = input.rateFactor ?? 1;
  const outcomes = input.disruptions.map((disruption): DisruptionOutcome => {
    const result = simulate(network, { ...base, events: [eventOf(disruption, region)] }, options);
    const unitWeeksLate = Math.max(0, owed(result) - baseline);
    const costPerEvent = unitWeeksLate * input.item.shortageCost;
    const perYear = disruption.perYear * rateFactor;
    return {
      type: disruption.type,
      label: labelOf(disruption),
      perYear,
      unitWeeksLate,
      costPerEvent,
      costPerYear: perYear * costPerEvent,
      fillRate: result.network.fillRate.mean,
    };
  });
  const perYear = outcomes.reduce((sum, outcome) => sum + outcome.costPerYear, 0);
  return {
    perYear,
    perUnit: perYear / input.item.annualVolume,
    simulatedLeadTime: leadTime,
    periods,
    runs: input.runs,
    seed: input.seed,
    baseFill: undisrupted.network.fillRate.mean,
    outcomes,
  };
}

/**
 * The chain of one location: `source` makes the item in 1 week with capacity (1 + headroom) × the
 * mean weekly volume (overtime to the same), and ships it to `plant` over a lane of the rest of the
 * lead time; `plant` has the item's weekly demand. No money on the demand: shortages are priced here.
 */
function chainOf(
  input: DisruptionInput,
  weekly: number,
  leadTime: number,
  periods: number,
  region: string,
): Network {
  const capacity = weekly * (1 + (input.location.capacityHeadroom ?? RESHORE_DEFAULTS.capacityHeadroom));
  return {
    format: 'keten.network/v1',
    name: `reshore-${input.location.id}`,
    period: 'week',
    start: '2027-01-04',
    horizon: periods,
    companies: [
      // The plant's region never equals a location's: a region event strikes the location alone.
      { id: PLANT, name: 'Plant', site: { country: 'NL', region: `${region} (buyer)` } },
      { id: SOURCE, name: input.location.id, site: { country: 'NL', region } },
    ],
    items: [{ id: ITEM, name: input.item.name, unit: input.item.unit ?? 'pcs' }],
    production: [{ company: SOURCE, item: ITEM, leadTime: 1, capacity, maximumCapacity: capacity }],
    sourcing: [
      {
        buyer: PLANT,
        item: ITEM,
        suppliers: [{ supplier: SOURCE, share: 1, leadTime: leadTime - 1 }],
      },
    ],
    demand: [
      {
        company: PLANT,
        item: ITEM,
        quantities: [weekly],
        mean: weekly,
        stdDev: input.item.demandStdDev,
      },
    ],
  };
}

/**
 * The plant's demand as a normal distribution; every company orders up to its forecast over the lead
 * time plus z × the estimated spread × √L, with z from the item's service level and an exponentially
 * smoothed forecast (α 0.1), as in the sourcing comparison's base scenario.
 */
function scenarioOf(item: ReshoreItem, weekly: number, periods: number): Scenario {
  return {
    format: SCENARIO_FORMAT,
    name: 'reshore-base',
    periods,
    demand: [
      { company: PLANT, item: ITEM, pattern: { type: 'normal', mean: weekly, stdDev: item.demandStdDev } },
    ],
    policy: {
      default: {
        type: 'order-up-to',
        forecast: { type: 'exponential-smoothing', alpha: 0.1 },
        safetyFactor: normalQuantile(item.serviceLevel),
      },
      overtime: true,
    },
    costs: { backlog: 0 },
  };
}

function eventOf(disruption: ReshoreDisruption, region: string): ScenarioEvent {
  const from = RESHORE_DEFAULTS.disruptionStart;
  switch (disruption.type) {
    case 'supplier-down':
      return { type: 'supplier-failure', company: SOURCE, from, duration: disruption.weeks };
    case 'lane-delay':
      return {
        type: 'lane-delay',
        supplier: SOURCE,
        buyer: PLANT,
        item: ITEM,
        from,
        duration: disruption.weeks,
        extraLeadTime: disruption.extraWeeks ?? 0,
      };
    case 'region-capacity':
      return {
        type: 'region-capacity',
        region,
        from,
        duration: disruption.weeks,
        factor: disruption.factor ?? 1,
      };
  }
}

function labelOf(disruption: ReshoreDisruption): string {
  const weeks = (count: number) => `${count} ${count === 1 ? 'week' : 'weeks'}`;
  switch (disruption.type) {
    case 'supplier-down':
      return `supplier down for ${weeks(disruption.weeks)}`;
    case 'lane-delay':
      return `lane ${weeks(disruption.extraWeeks ?? 0)} slower for ${weeks(disruption.weeks)}`;
    case 'region-capacity':
      return `region at ${Math.round((disruption.factor ?? 1) * 100)} % capacity for ${weeks(disruption.weeks)}`;
  }
}
