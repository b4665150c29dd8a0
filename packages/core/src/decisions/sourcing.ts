/**
 * @module decisions/sourcing
 * Which sourcing split to choose for one buyer and one item. The splits the item's approved suppliers
 * allow (single source from each; 70/30 and its reverse with two; 60/20/20 with each supplier as the
 * main source once with three or more; and the network's current split) are each simulated under a
 * standard disruption set (no disruption; each supplier down for 4 and for 12 periods; each of their
 * regions at half capacity for 8 periods; each lane 4 periods slower for 8 periods), each scenario
 * with a probability from a yearly rate. Per split: expected cost (holding, late delivery to end
 * customers, lost revenue, purchases), expected fill rates, the worst case, and a recommendation: the
 * cheapest split whose worst case still fills enough. Pure; every figure and rule is in
 * `docs/sourcing.md`.
 *
 * Every split and scenario runs on the same seed (common random numbers): the demand every split
 * sees is the same, so differences between splits are the splits', not the dice's.
 *
 * @example
 * const result = compareSourcing(network, { buyer: 'oem', item: 'frame', runs: 50, seed: 1 });
 * if (result.ok) console.log(formatSourcingReport(result.value));
 * else console.error(result.error.message);
 */
import type { Network, Sourcing, SupplierShare } from '../model/schema.ts';
import { closestMatch } from '../model/suggest.ts';
import { err, ok, type Result } from '../result.ts';
import type { MetricSummaries } from '../simulation/metrics.ts';
import { compileSimulation } from '../simulation/model.ts';
import type { Scenario, ScenarioDemand, ScenarioEvent } from '../simulation/scenario.ts';
import { SCENARIO_FORMAT } from '../simulation/scenario.ts';
import { simulate } from '../simulation/simulate.ts';

// ---------------------------------------------------------------- the standard set

/** Kinds of scenario in the standard disruption set. */
export type DisruptionKind = 'none' | 'supplier-down-short' | 'supplier-down-long' | 'region-half' | 'lane-slow';

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

/** Defaults of the comparison's options. */
export const SOURCING_DEFAULTS = {
  runs: 50,
  seed: 1,
  /** Periods simulated, unless the network's horizon is longer. */
  periods: 52,
  /** A split is acceptable when the end-customer fill rate of its worst scenario is at least this. */
  minimumFill: 0.9,
  /** Cost of one end-customer unit owed for one week, as a share of its price (a late-delivery penalty). */
  lateCostPerWeek: 0.01,
} as const;

export interface SourcingOptions {
  readonly buyer: string;
  readonly item: string;
  /** Monte Carlo runs per split and scenario (default 50). */
  readonly runs?: number;
  readonly seed?: number;
  /** Periods simulated (default the larger of 52 and the network's horizon; at least 20). */
  readonly periods?: number;
  /** Worst-case end-customer fill rate a split must keep to be recommended (default 0.9). */
  readonly minimumFill?: number;
  /** Yearly rates of the standard disruptions; any left out keep their default. */
  readonly rates?: Partial<DisruptionRates>;
  /** Called after each simulated split and scenario, with how many are done of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

// ---------------------------------------------------------------- the result

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
  readonly event?: ScenarioEvent;
}

/** Costs of a split in one scenario or as expected values, in the network's currency. */
export interface SourcingCosts {
  /** Stock held, at the network's `holdingCost` (production records; 0 where absent). */
  readonly holding: number;
  /** End-customer units owed per period × price × the late-delivery rate. */
  readonly late: number;
  /** Demand not shipped by the end of the run (the simulator's `lostRevenue`). */
  readonly lostRevenue: number;
  /** The buyer's purchases of the item at the split's prices; null when a supplier has no price. */
  readonly purchases: number | null;
  /** The sum of the above (purchases counted as 0 when null). */
  readonly total: number;
}

export interface SourcingOutcome extends SourcingCosts {
  readonly scenario: string;
  /** Share of the buyer's external demand shipped in the period it arrived (mean over runs). */
  readonly buyerFill: number | null;
  /** Share of end-customer demand (the whole network's) shipped in the period it arrived. */
  readonly endFill: number | null;
}

export interface SourcingSplit {
  /** e.g. `frame-a 70 / frame-b 30`. */
  readonly label: string;
  /** e.g. `70/30 with frame-a as main source`, `single source from frame-b`. */
  readonly name: string;
  readonly kind: 'single' | 'main-second' | 'current';
  readonly shares: readonly { readonly supplier: string; readonly share: number }[];
  /** The network's own split. */
  readonly current: boolean;
  /** Price per unit of the mix (Σ share × price), null when a supplier has no price. */
  readonly unitPrice: number | null;
  readonly expected: SourcingCosts & { readonly buyerFill: number | null; readonly endFill: number | null };
  /** The scenario with the lowest end-customer fill rate (ties: the higher cost). */
  readonly worst: SourcingOutcome;
  /** The worst case keeps the required fill rate. */
  readonly acceptable: boolean;
  readonly outcomes: readonly SourcingOutcome[];
}

export interface SourcingComparison {
  readonly network: string;
  readonly buyer: string;
  readonly item: string;
  readonly currency: string;
  readonly period: Network['period'];
  readonly runs: number;
  readonly seed: number;
  readonly periods: number;
  readonly minimumFill: number;
  readonly rates: DisruptionRates;
  readonly suppliers: readonly {
    readonly id: string;
    readonly region: string;
    readonly leadTime: number;
    readonly mode: string;
    readonly unitPrice: number | null;
    readonly share: number;
  }[];
  /** Units of the item the buyer uses over the simulated periods at the mean rate. */
  readonly volume: number;
  readonly scenarios: readonly SourcingScenario[];
  /** Splits in the order they were built; the recommended one is named in `recommendation`. */
  readonly splits: readonly SourcingSplit[];
  readonly recommendation: {
    readonly split: string;
    /** False when no split keeps the required fill rate in its worst case (the best worst case wins). */
    readonly acceptable: boolean;
    readonly reason: string;
  };
  readonly notes: readonly string[];
}

/** Why a comparison cannot be made; `message` says it in words. */
export interface SourcingFailure {
  readonly reason:
    | 'unknown-buyer'
    | 'unknown-item'
    | 'not-sourced'
    | 'single-supplier'
    | 'invalid-options';
  readonly message: string;
}

// ---------------------------------------------------------------- the comparison

/**
 * Compares the sourcing splits of `options.item` at `options.buyer` (see the module comment). An
 * unknown buyer or item, an item the buyer does not buy, an item with one approved supplier and bad
 * options are failures with a message; the network must be valid.
 */
export function compareSourcing(
  network: Network,
  options: SourcingOptions,
): Result<SourcingComparison, SourcingFailure> {
  const found = findRule(network, options.buyer, options.item);
  if (!found.ok) return found;
  const rule = found.value;
  const settings = checkOptions(network, options);
  if (!settings.ok) return settings;
  const { runs, seed, periods, minimumFill, rates } = settings.value;

  const regionOf = new Map(network.companies.map((company) => [company.id, company.site.region]));
  const buyerRegion = regionOf.get(rule.buyer) ?? '';
  const scenarios = standardScenarios(rule, regionOf, buyerRegion, rates, periodsPerYear(network) , periods);
  const splits = candidateSplits(rule);
  const base = baseScenario(network, periods);
  const prices = rule.suppliers.map((line) => priceOf(network, rule, line));
  const volume = usage(network, base, rule);
  const latePrice = lateCostPerUnit(network);
  const periodWeeks = network.period === 'week' ? 1 : 1 / 7;
  const lateRate = SOURCING_DEFAULTS.lateCostPerWeek * periodWeeks;

  const total = splits.length * scenarios.length;
  let done = 0;
  const results: SourcingSplit[] = splits.map((split) => {
    const variant = withShares(network, rule, split.shares);
    const unitPrice = mixPrice(rule, split.shares, prices);
    const purchases = unitPrice === null ? null : unitPrice * volume;
    const outcomes = scenarios.map((scenario): SourcingOutcome => {
      const run = simulate(
        variant,
        { ...base, name: scenario.id, ...(scenario.event === undefined ? {} : { events: [scenario.event] }) },
        { runs, seed },
      );
      done++;
      options.onProgress?.(done, total);
      const buyerMetrics = run.companies.find((company) => company.id === rule.buyer)?.metrics;
      return outcome(scenario.id, run.network, buyerMetrics, run.periods - run.warmUp, {
        latePrice,
        lateRate,
        purchases,
      });
    });
    const expected = expectation(outcomes, scenarios);
    const worst = worstOf(outcomes);
    return {
      ...split,
      unitPrice,
      expected,
      worst,
      acceptable: worst.endFill !== null && worst.endFill >= minimumFill - 1e-12,
      outcomes,
    };
  });

  const notes: string[] = [];
  if (prices.some((price) => price === null))
    notes.push(
      `Purchases are left out of the cost: ${rule.suppliers
        .filter((_, index) => prices[index] === null)
        .map((line) => line.supplier)
        .join(', ')} ${prices.filter((price) => price === null).length === 1 ? 'has' : 'have'} no unitPrice on the lane (nor a unitCost for ${rule.item}).`,
    );
  if (latePrice === 0)
    notes.push('No end demand has a price: late deliveries and lost revenue cost nothing here.');
  if (scenarios[0]!.probability < 1e-9)
    notes.push(
      'The disruption rates add up to more than one event in the simulated periods; their probabilities were scaled to sum to 1.',
    );

  return ok({
    network: network.name,
    buyer: rule.buyer,
    item: rule.item,
    currency: network.currency ?? 'EUR',
    period: network.period,
    runs,
    seed,
    periods,
    minimumFill,
    rates,
    suppliers: rule.suppliers.map((line, index) => ({
      id: line.supplier,
      region: regionOf.get(line.supplier) ?? '',
      leadTime: line.leadTime,
      mode: line.mode ?? 'road',
      unitPrice: prices[index] ?? null,
      share: line.share,
    })),
    volume,
    scenarios,
    splits: results,
    recommendation: recommend(results, scenarios, minimumFill),
    notes,
  });
}

function findRule(network: Network, buyer: string, item: string): Result<Sourcing, SourcingFailure> {
  const companies = network.companies.map((company) => company.id);
  if (!companies.includes(buyer)) {
    const match = closestMatch(buyer, companies);
    return err({
      reason: 'unknown-buyer',
      message: `there is no company '${buyer}' in the network${match === undefined ? '' : ` (did you mean '${match}'?)`}`,
    });
  }
  const items = network.items.map((entry) => entry.id);
  if (!items.includes(item)) {
    const match = closestMatch(item, items);
    return err({
      reason: 'unknown-item',
      message: `there is no item '${item}' in the network${match === undefined ? '' : ` (did you mean '${match}'?)`}`,
    });
  }
  const rules = network.sourcing ?? [];
  const rule = rules.find((entry) => entry.buyer === buyer && entry.item === item);
  if (rule === undefined) {
    const bought = rules.filter((entry) => entry.buyer === buyer).map((entry) => entry.item);
    const buyers = rules.filter((entry) => entry.item === item).map((entry) => entry.buyer);
    const hints = [
      bought.length === 0 ? `${buyer} buys nothing` : `${buyer} buys ${list(bought)}`,
      buyers.length === 0 ? `nobody buys ${item}` : `${item} is bought by ${list(buyers)}`,
    ];
    return err({
      reason: 'not-sourced',
      message: `${buyer} does not buy ${item}: no sourcing rule for that pair (${hints.join('; ')})`,
    });
  }
  if (rule.suppliers.length < 2) {
    const only = rule.suppliers[0]!.supplier;
    return err({
      reason: 'single-supplier',
      message:
        `${buyer} has one approved supplier of ${item} (${only}): there are no splits to compare. ` +
        `Single-sourced, every disruption at ${only} (a failure, its region, its lane) reaches ${buyer} in full; ` +
        `a second source needs qualifying first (add it to the sourcing rule and compare again), ` +
        `and until then stock at ${buyer} is the buffer (keten stress-test shows how long it lasts).`,
    });
  }
  return ok(rule);
}

function list(values: readonly string[]): string {
  const unique = [...new Set(values)];
  return unique.length <= 5 ? unique.join(', ') : `${unique.slice(0, 5).join(', ')} and ${unique.length - 5} more`;
}

function checkOptions(
  network: Network,
  options: SourcingOptions,
): Result<
  { runs: number; seed: number; periods: number; minimumFill: number; rates: DisruptionRates },
  SourcingFailure
> {
  const runs = options.runs ?? SOURCING_DEFAULTS.runs;
  const seed = options.seed ?? SOURCING_DEFAULTS.seed;
  const periods = options.periods ?? Math.max(SOURCING_DEFAULTS.periods, network.horizon);
  const minimumFill = options.minimumFill ?? SOURCING_DEFAULTS.minimumFill;
  const shortest = STANDARD_DISRUPTIONS.start + STANDARD_DISRUPTIONS.supplierDownLong;
  const invalid = (message: string) => err<SourcingFailure>({ reason: 'invalid-options', message });
  if (!Number.isSafeInteger(runs) || runs < 1) return invalid(`runs must be a whole number ≥ 1, got ${runs}`);
  if (!Number.isSafeInteger(seed) || seed < 0) return invalid(`seed must be a whole number ≥ 0, got ${seed}`);
  if (!Number.isSafeInteger(periods) || periods < shortest || periods > 5200)
    return invalid(
      `periods must be a whole number from ${shortest} to 5200 (the longest disruption runs from period ${STANDARD_DISRUPTIONS.start} for ${STANDARD_DISRUPTIONS.supplierDownLong} periods), got ${periods}`,
    );
  if (!(minimumFill >= 0 && minimumFill <= 1))
    return invalid(`the minimum fill rate must be from 0 to 1, got ${minimumFill}`);
  const rates = { ...DEFAULT_DISRUPTION_RATES, ...options.rates };
  for (const [name, rate] of Object.entries(rates))
    if (!(Number.isFinite(rate) && rate >= 0)) return invalid(`the rate ${name} must be 0 or more, got ${rate}`);
  return ok({ runs, seed, periods, minimumFill, rates });
}

function periodsPerYear(network: Network): number {
  return network.period === 'week' ? 52 : 365;
}

/**
 * The standard disruption set for the rule's suppliers. A scenario's probability is that of at least
 * one such event in the simulated time, 1 − e^(−rate × years) (a Poisson process with the yearly
 * rate); the scenarios are taken as exclusive (one disruption at a time, which holds while the
 * probabilities are small), and no disruption has the rest.
 */
export function standardScenarios(
  rule: Sourcing,
  regionOf: ReadonlyMap<string, string>,
  buyerRegion: string,
  rates: DisruptionRates,
  periodsInYear: number,
  periods: number,
): SourcingScenario[] {
  const years = periods / periodsInYear;
  const probability = (rate: number) => 1 - Math.exp(-rate * years);
  const start = STANDARD_DISRUPTIONS.start;
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
    { id: 'none', kind: 'none', label: 'no disruption', probability: Math.max(0, 1 - disrupted) },
    ...scenarios.map((scenario) => ({ ...scenario, probability: scenario.probability * scale })),
  ];
}

interface CandidateSplit {
  readonly label: string;
  readonly name: string;
  readonly kind: SourcingSplit['kind'];
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
      candidates.push(mainSecond(main, three.filter((supplier) => supplier !== main), [0.6, 0.2, 0.2]));
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

/** The network with the rule's suppliers and shares replaced (suppliers without a share dropped). */
function withShares(
  network: Network,
  rule: Sourcing,
  shares: readonly { supplier: string; share: number }[],
): Network {
  const suppliers: SupplierShare[] = [];
  for (const line of rule.suppliers) {
    const share = shares.find((entry) => entry.supplier === line.supplier)?.share ?? 0;
    if (share > 0) suppliers.push({ ...line, share });
  }
  return {
    ...network,
    sourcing: (network.sourcing ?? []).map((entry) => (entry === rule ? { ...rule, suppliers } : entry)),
  };
}

/** The lane's unitPrice, else the supplier's unitCost for the item (as the simulator pays), else null. */
function priceOf(network: Network, rule: Sourcing, line: SupplierShare): number | null {
  if (line.unitPrice !== undefined) return line.unitPrice;
  const record = (network.production ?? []).find(
    (entry) => entry.company === line.supplier && entry.item === rule.item,
  );
  return record?.unitCost ?? null;
}

function mixPrice(
  rule: Sourcing,
  shares: readonly { supplier: string; share: number }[],
  prices: readonly (number | null)[],
): number | null {
  let sum = 0;
  for (const [index, line] of rule.suppliers.entries()) {
    const share = shares.find((entry) => entry.supplier === line.supplier)?.share ?? 0;
    if (share === 0) continue;
    const price = prices[index];
    if (price === null || price === undefined) return null;
    sum += share * price;
  }
  return sum;
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
      count < 2 ? 0 : Math.sqrt(quantities.reduce((sum, value) => sum + (value - average) ** 2, 0) / (count - 1));
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

/** Units of the rule's item the buyer uses over the base scenario's periods, at the steady rate. */
function usage(network: Network, base: Scenario, rule: Sourcing): number {
  const model = compileSimulation(network, base);
  const flat = model.flat;
  for (let n = 0; n < flat.nodes; n++) {
    if (flat.company[n] === rule.buyer && flat.item[n] === rule.item)
      return model.rate[n]! * (model.periods - model.warmUp);
  }
  return 0;
}

/** Price of one end-customer unit, averaged over the demand records by their mean demand. */
function lateCostPerUnit(network: Network): number {
  let weight = 0;
  let sum = 0;
  for (const record of network.demand ?? []) {
    const count = record.quantities.length;
    const mean = record.mean ?? (count === 0 ? 0 : record.quantities.reduce((a, b) => a + b, 0) / count);
    weight += mean;
    sum += mean * (record.price ?? 0);
  }
  return weight === 0 ? 0 : sum / weight;
}

function outcome(
  scenario: string,
  network: MetricSummaries,
  buyer: MetricSummaries | undefined,
  measured: number,
  money: { latePrice: number; lateRate: number; purchases: number | null },
): SourcingOutcome {
  const holding = network.cost.mean ?? 0;
  const late = (network.backorders.mean ?? 0) * measured * money.latePrice * money.lateRate;
  const lostRevenue = network.lostRevenue.mean ?? 0;
  return {
    scenario,
    holding,
    late,
    lostRevenue,
    purchases: money.purchases,
    total: holding + late + lostRevenue + (money.purchases ?? 0),
    buyerFill: buyer?.fillRate.mean ?? null,
    endFill: network.fillRate.mean,
  };
}

function expectation(
  outcomes: readonly SourcingOutcome[],
  scenarios: readonly SourcingScenario[],
): SourcingSplit['expected'] {
  const weighted = (pick: (entry: SourcingOutcome) => number | null): number | null => {
    let sum = 0;
    for (const [index, entry] of outcomes.entries()) {
      const value = pick(entry);
      if (value === null) return null;
      sum += value * scenarios[index]!.probability;
    }
    return sum;
  };
  return {
    holding: weighted((entry) => entry.holding) ?? 0,
    late: weighted((entry) => entry.late) ?? 0,
    lostRevenue: weighted((entry) => entry.lostRevenue) ?? 0,
    purchases: outcomes[0]!.purchases,
    total: weighted((entry) => entry.total) ?? 0,
    buyerFill: weighted((entry) => entry.buyerFill),
    endFill: weighted((entry) => entry.endFill),
  };
}

function worstOf(outcomes: readonly SourcingOutcome[]): SourcingOutcome {
  let worst = outcomes[0]!;
  for (const entry of outcomes) {
    const fill = entry.endFill ?? 1;
    const worstFill = worst.endFill ?? 1;
    if (fill < worstFill - 1e-12 || (Math.abs(fill - worstFill) <= 1e-12 && entry.total > worst.total))
      worst = entry;
  }
  return worst;
}

/**
 * The recommendation: the lowest expected cost among the splits whose worst case keeps the minimum
 * fill rate; when none does, the split with the best worst case. The reason names the runner-up and
 * what rules the cheaper splits out.
 */
function recommend(
  splits: readonly SourcingSplit[],
  scenarios: readonly SourcingScenario[],
  minimumFill: number,
): SourcingComparison['recommendation'] {
  const labelOf = (id: string) => scenarios.find((scenario) => scenario.id === id)?.label ?? id;
  const pct = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
  const acceptable = splits.filter((split) => split.acceptable);
  const byCost = (a: SourcingSplit, b: SourcingSplit) => a.expected.total - b.expected.total;
  const current = splits.find((split) => split.current);
  if (acceptable.length === 0) {
    const best = [...splits].sort(
      (a, b) => (b.worst.endFill ?? 0) - (a.worst.endFill ?? 0) || byCost(a, b),
    )[0]!;
    return {
      split: best.label,
      acceptable: false,
      reason:
        `${capitalize(best.name)}: no split keeps ${pct(minimumFill)} of end demand filled in its worst case; ` +
        `this one comes closest, ${pct(best.worst.endFill)} when ${labelOf(best.worst.scenario)}. ` +
        'More stock at the buyer, a faster second source or more capacity is needed for that target.',
    };
  }
  const best = [...acceptable].sort(byCost)[0]!;
  const parts = [
    `${capitalize(best.name)}: the lowest expected cost (${money(best.expected.total)}) of the splits that keep at least ${pct(minimumFill)} of end demand filled in their worst case ` +
      `(${pct(best.worst.endFill)} when ${labelOf(best.worst.scenario)}; ${pct(best.expected.endFill)} expected).`,
  ];
  if (current !== undefined && current !== best) {
    const saving = current.expected.total - best.expected.total;
    parts.push(
      `Against the current split (${current.label}) it saves ${money(saving)} in expectation` +
        `${current.acceptable ? '' : `, and the current split falls to ${pct(current.worst.endFill)} when ${labelOf(current.worst.scenario)}`}.`,
    );
  } else if (current === best) {
    parts.push('It is the current split.');
  }
  const cheaper = splits.filter((split) => !split.acceptable && split.expected.total < best.expected.total);
  for (const split of cheaper.sort(byCost).slice(0, 2))
    parts.push(
      `${capitalize(split.name)} costs less in expectation (${money(split.expected.total)}) but falls to ${pct(split.worst.endFill)} when ${labelOf(split.worst.scenario)}.`,
    );
  return { split: best.label, acceptable: true, reason: parts.join(' ') };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
function money(value: number): string {
  return MONEY.format(value);
}
