/**
 * @module decisions/sourcing-scenarios
 * What a sourcing comparison simulates: the candidate splits of a sourcing rule (single source from
 * each supplier; 70/30 and 30/70 with two; 60/20/20 with each of three as the main source; the current
 * split), the standard disruption set with the probability of each scenario, and the base scenario
 * (demand, ordering policy) every split and disruption is played on. Rates, lengths and the policy
 * are documented in `docs/sourcing.md`.
 */
import type { Network, Sourcing } from '../model/schema.ts';
import type { Scenario, ScenarioDemand, ScenarioEvent } from '../simulation/scenario.ts';
import { SCENARIO_FORMAT } from '../simulation/scenario.ts';

/** Kinds of scenario in the standard disruption set. */
export type DisruptionKind =
  | 'none'
  | 'supplier-down-short'
  | 'supplier-down-long'
  | 'region-half'
  | 'lane-slow';

/**
 * Yearly rates (expected events per year) of the standard disruptions. They are assumptions for a
 * first comparison, not measured frequencies; a planner with figures of their own passes `rates`.
 */
export interface DisruptionRates {
  /** A supplier down for 4 periods (a fire in one hall, a breakdown, a strike), per supplier. */
  readonly supplierDownShort: number;
  /** A supplier down for 12 periods (a major fire, a flood, a restructuring), per supplier. */
  readonly supplierDownLong: number;
  /** A supplier's region at half capacity for 8 periods (a lockdown, a power shortage), per region. */
  readonly regionHalf: number;
  /** A lane 4 periods slower for 8 periods, between two regions (ports, canals, sea routes). */
  readonly laneSlowBetweenRegions: number;
  /** The same within one region (road or rail congestion, a border). */
  readonly laneSlowWithinRegion: number;
}

export const DEFAULT_DISRUPTION_RATES: DisruptionRates = {
  supplierDownShort: 0.1,
  supplierDownLong: 0.03,
  regionHalf: 0.05,
  laneSlowBetweenRegions: 0.2,
  laneSlowWithinRegion: 0.05,
};

/** The standard disruptions: lengths in periods, the capacity factor and the extra lead time. */
export const STANDARD_DISRUPTIONS = {
  /** Every disruption starts in this period (0-based), after the forecasts have settled. */
  start: 8,
  supplierDownShort: 4,
  supplierDownLong: 12,
  regionPeriods: 8,
  regionFactor: 0.5,
  lanePeriods: 8,
  laneExtraLeadTime: 4,
} as const;

/**
 * The standard disruption set for the rule's suppliers. A scenario's probability is that of at least
 * one such event in the simulated time, 1 − e^(−rate × years) (a Poisson process with the yearly
 * rate); the scenarios are taken as exclusive (one disruption at a time, which holds while the
 * probabilities are small), and no disruption has the rest.
 */
export function standardScenarios(
  rule: Sourcing,
  regionOf: ReadonlyMap<string, string>,
  rates: DisruptionRates,
  periodsInYear: number,
  periods: number,
): SourcingScenario[] {
  const years = periods / periodsInYear;
  const probability = (rate: number) => 1 - Math.exp(-rate * years);
  const start = STANDARD_DISRUPTIONS.start;
  const buyerRegion = regionOf.get(rule.buyer) ?? '';
  const scenarios: SourcingScenario[] = [];
  for (const line of rule.suppliers) {
    const supplier = line.supplier;
    for (const [kind, duration, rate] of [
      ['supplier-down-short', STANDARD_DISRUPTIONS.supplierDownShort, rates.supplierDownShort],
      ['supplier-down-long', STANDARD_DISRUPTIONS.supplierDownLong, rates.supplierDownLong],
    ] as const) {
      scenarios.push({
        id: `${supplier}-down-${duration}`,
        kind,
        label: `${supplier} down for ${duration} periods`,
        supplier,
        probability: probability(rate),
        hitsBuyer: false,
        event: { type: 'supplier-failure', company: supplier, from: start, duration },
      });
    }
  }
  const regions = [...new Set(rule.suppliers.map((line) => regionOf.get(line.supplier) ?? ''))];
  for (const region of regions) {
    scenarios.push({
      id: `${region}-half`,
      kind: 'region-half',
      label: `${region} at half capacity for ${STANDARD_DISRUPTIONS.regionPeriods} periods`,
      region,
      probability: probability(rates.regionHalf),
      hitsBuyer: region === buyerRegion,
      event: {
        type: 'region-capacity',
        region,
        from: start,
        duration: STANDARD_DISRUPTIONS.regionPeriods,
        factor: STANDARD_DISRUPTIONS.regionFactor,
      },
    });
  }
  for (const line of rule.suppliers) {
    const between = (regionOf.get(line.supplier) ?? '') !== buyerRegion;
    scenarios.push({
      id: `${line.supplier}-lane-slow`,
      kind: 'lane-slow',
      label: `lane ${line.supplier} → ${rule.buyer} ${STANDARD_DISRUPTIONS.laneExtraLeadTime} periods slower for ${STANDARD_DISRUPTIONS.lanePeriods} periods`,
      supplier: line.supplier,
      probability: probability(between ? rates.laneSlowBetweenRegions : rates.laneSlowWithinRegion),
      hitsBuyer: false,
      event: {
        type: 'lane-delay',
        supplier: line.supplier,
        buyer: rule.buyer,
        item: rule.item,
        from: start,
        duration: STANDARD_DISRUPTIONS.lanePeriods,
        extraLeadTime: STANDARD_DISRUPTIONS.laneExtraLeadTime,
      },
    });
  }
  const disrupted = scenarios.reduce((sum, scenario) => sum + scenario.probability, 0);
  const scale = disrupted > 1 ? 1 / disrupted : 1;
  return [
    {
      id: 'none',
      kind: 'none',
      label: 'no disruption',
      probability: Math.max(0, 1 - disrupted),
      hitsBuyer: false,
    },
    ...scenarios.map((scenario) => ({ ...scenario, probability: scenario.probability * scale })),
  ];
}

/** A split to compare, before it is simulated. */
export interface CandidateSplit {
  readonly label: string;
  readonly name: string;
  readonly kind: 'single' | 'main-second' | 'current';
  readonly shares: readonly { readonly supplier: string; readonly share: number }[];
  readonly current: boolean;
}

/**
 * The splits to compare: single source from each supplier; with two suppliers 70/30 and 30/70; with
 * three or more 60/20/20 over the first three suppliers in the rule's order, each of them the main
 * source once (with more than three, the others get nothing in these splits); and the current split.
 * A candidate equal to the current split is marked current instead of being listed twice.
 */
export function candidateSplits(rule: Sourcing): CandidateSplit[] {
  const suppliers = rule.suppliers.map((line) => line.supplier);
  const candidates: Omit<CandidateSplit, 'current'>[] = suppliers.map((supplier) => ({
    label: `${supplier} 100`,
    name: `single source from ${supplier}`,
    kind: 'single',
    shares: [{ supplier, share: 1 }],
  }));
  const mainSecond = (main: string, others: readonly string[], shares: readonly number[]) => ({
    label: [main, ...others].map((supplier, index) => `${supplier} ${percent(shares[index]!)}`).join(' / '),
    name: `${shares.map(percent).join('/')} with ${main} as main source`,
    kind: 'main-second' as const,
    shares: [main, ...others].map((supplier, index) => ({ supplier, share: shares[index]! })),
  });
  if (suppliers.length === 2) {
    const [first, second] = suppliers as [string, string];
    candidates.push(mainSecond(first, [second], [0.7, 0.3]), mainSecond(second, [first], [0.7, 0.3]));
  } else {
    const three = suppliers.slice(0, 3);
    for (const main of three)
      candidates.push(
        mainSecond(
          main,
          three.filter((supplier) => supplier !== main),
          [0.6, 0.2, 0.2],
        ),
      );
  }
  const current = rule.suppliers.map((line) => ({ supplier: line.supplier, share: line.share }));
  const result: CandidateSplit[] = candidates.map((candidate) => ({
    ...candidate,
    current: sameSplit(candidate.shares, current),
  }));
  if (!result.some((candidate) => candidate.current)) {
    result.push({
      label: current.map((entry) => `${entry.supplier} ${percent(entry.share)}`).join(' / '),
      name: 'the current split',
      kind: 'current',
      shares: current,
      current: true,
    });
  }
  return result;
}

/**
 * The scenario every comparison starts from: end demand as a normal distribution per demand record
 * (its `mean` and `stdDev`, else the mean and standard deviation of its series); order-up-to with an
 * exponentially smoothed forecast (α 0.1) and safety factor 1.65; overtime allowed; no backlog cost in
 * the simulator (late deliveries are costed here, from end-customer backlog).
 */
export function baseScenario(network: Network, periods: number): Scenario {
  const demand: ScenarioDemand[] = [];
  const seen = new Set<string>();
  for (const record of network.demand ?? []) {
    const key = `${record.company}\u0000${record.item}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const quantities = (network.demand ?? [])
      .filter((entry) => entry.company === record.company && entry.item === record.item)
      .reduce<number[]>((sum, entry) => {
        entry.quantities.forEach((quantity, t) => {
          sum[t] = (sum[t] ?? 0) + quantity;
        });
        return sum;
      }, []);
    const count = quantities.length;
    const average = count === 0 ? 0 : quantities.reduce((sum, value) => sum + value, 0) / count;
    const spread =
      count < 2
        ? 0
        : Math.sqrt(quantities.reduce((sum, value) => sum + (value - average) ** 2, 0) / (count - 1));
    demand.push({
      company: record.company,
      item: record.item,
      pattern: { type: 'normal', mean: record.mean ?? average, stdDev: record.stdDev ?? spread },
    });
  }
  return {
    format: SCENARIO_FORMAT,
    name: 'sourcing-base',
    periods,
    demand,
    policy: {
      default: {
        type: 'order-up-to',
        forecast: { type: 'exponential-smoothing', alpha: 0.1 },
        safetyFactor: 1.65,
      },
      overtime: true,
    },
    costs: { backlog: 0 },
  };
}

/** One scenario of the disruption set. */
export interface SourcingScenario {
  readonly id: string;
  readonly kind: DisruptionKind;
  /** In words, e.g. `frame-b down for 12 periods`. */
  readonly label: string;
  readonly supplier?: string;
  readonly region?: string;
  /** Probability that this scenario is the one that happens within the simulated periods. */
  readonly probability: number;
  /**
   * The disruption strikes the buyer's own region too: no split can help there, so the scenario
   * counts in the expected values but not in the worst case.
   */
  readonly hitsBuyer: boolean;
  readonly event?: ScenarioEvent;
}

/** Periods in a year: 52 weeks or 365 days. */
export function periodsPerYear(network: Network): number {
  return network.period === 'week' ? 52 : 365;
}

function percent(share: number): string {
  return String(Math.round(share * 1000) / 10);
}

function sameSplit(
  a: readonly { supplier: string; share: number }[],
  b: readonly { supplier: string; share: number }[],
): boolean {
  const shareOf = (split: readonly { supplier: string; share: number }[], supplier: string) =>
    split.find((entry) => entry.supplier === supplier)?.share ?? 0;
  const suppliers = new Set([...a, ...b].map((entry) => entry.supplier));
  return [...suppliers].every((supplier) => Math.abs(shareOf(a, supplier) - shareOf(b, supplier)) < 1e-9);
}
