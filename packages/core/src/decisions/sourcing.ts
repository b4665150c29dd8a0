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
import { type Network, type Sourcing, type SupplierShare, valueAt } from '../model/schema.ts';
import { didYouMean } from '../model/suggest.ts';
import { err, ok, type Result } from '../result.ts';
import type { MetricSummaries } from '../simulation/metrics.ts';
import { compileSimulation } from '../simulation/model.ts';
import type { Scenario } from '../simulation/scenario.ts';
import { simulate } from '../simulation/simulate.ts';
import {
  baseScenario,
  type CandidateSplit,
  candidateSplits,
  DEFAULT_DISRUPTION_RATES,
  type DisruptionRates,
  periodsPerYear,
  type SourcingScenario,
  STANDARD_DISRUPTIONS,
  standardScenarios,
} from './sourcing-scenarios.ts';

/** Defaults of the comparison's options. */
export const SOURCING_DEFAULTS = {
  runs: 50,
  seed: 1,
  /** Periods simulated, unless the network's horizon is longer. */
  periods: 52,
  /** A split is acceptable when the end-customer fill rate of its worst scenario is at least this. */
  minimumFill: 0.8,
  /**
   * When no split is acceptable, the splits whose worst case is within this of the best worst case
   * count as equally robust (differences that small are within the Monte Carlo noise of 50 runs).
   */
  robustnessTolerance: 0.02,
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
  /** Worst-case end-customer fill rate a split must keep to be recommended (default 0.8). */
  readonly minimumFill?: number;
  /** Yearly rates of the standard disruptions; any left out keep their default. */
  readonly rates?: Partial<DisruptionRates>;
  /** Called after each simulated split and scenario, with how many are done of how many. */
  readonly onProgress?: (done: number, total: number) => void;
}

// ---------------------------------------------------------------- the result

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
  readonly kind: CandidateSplit['kind'];
  readonly shares: readonly { readonly supplier: string; readonly share: number }[];
  /** The network's own split. */
  readonly current: boolean;
  /** Price per unit of the mix (Σ share × price), null when a supplier has no price. */
  readonly unitPrice: number | null;
  readonly expected: SourcingCosts & { readonly buyerFill: number | null; readonly endFill: number | null };
  /**
   * The scenario with the lowest end-customer fill rate (ties: the higher cost), leaving out those that
   * strike the buyer's own region.
   */
  readonly worst: SourcingOutcome;
  /** The worst case keeps the required fill rate. */
  readonly acceptable: boolean;
  /** Suppliers the split asks more of than their maximum capacity for the item, at the mean rate. */
  readonly overloaded: readonly { readonly supplier: string; readonly load: number }[];
  /** One per scenario, in the order of `SourcingComparison.scenarios`. */
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
  /** The item's unit (pcs, kg, …). */
  readonly unit: string;
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
  readonly reason: 'unknown-buyer' | 'unknown-item' | 'not-sourced' | 'single-supplier' | 'invalid-options';
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
  const prepared = prepareSourcing(network, options);
  if (!prepared.ok) return prepared;
  const setup = prepared.value;
  const splits = candidateSplits(setup.rule);
  const total = splits.length * setup.scenarios.length;
  let done = 0;
  const results = splits.map((split) =>
    simulateSplit(setup, split, setup.runs, () => {
      done++;
      options.onProgress?.(done, total);
    }),
  );
  return ok({
    ...comparisonHeader(setup),
    splits: results,
    recommendation: recommend(results, setup.scenarios, setup.minimumFill, setup.currency),
    notes: sourcingNotes(setup),
  });
}

/**
 * Everything a comparison of splits needs before it simulates one: the rule, the options checked, the
 * disruption set, the base scenario, the network with holding costs, the suppliers' prices and the
 * buyer's volume. Made once by `prepareSourcing`; `simulateSplit` plays one split on it (the split
 * optimiser, `sourcing-optimise.ts`, uses the same two).
 */
export interface SourcingSetup {
  readonly network: Network;
  readonly rule: Sourcing;
  readonly runs: number;
  readonly seed: number;
  readonly periods: number;
  readonly minimumFill: number;
  readonly rates: DisruptionRates;
  readonly currency: string;
  readonly regionOf: ReadonlyMap<string, string>;
  readonly scenarios: readonly SourcingScenario[];
  /** The network with a holdingCost wherever a unitCost allows one. */
  readonly costed: Network;
  readonly base: Scenario;
  /** Per supplier of the rule, in its order. */
  readonly prices: readonly (number | null)[];
  readonly volume: number;
  readonly money: { readonly latePrice: number; readonly lateRate: number };
}

/** Checks the question and the options and builds the `SourcingSetup` (see `compareSourcing`). */
export function prepareSourcing(
  network: Network,
  options: SourcingOptions,
): Result<SourcingSetup, SourcingFailure> {
  const found = findRule(network, options.buyer, options.item);
  if (!found.ok) return found;
  const rule = found.value;
  const settings = checkOptions(network, options);
  if (!settings.ok) return settings;
  const { runs, seed, periods, minimumFill, rates } = settings.value;
  const regionOf = new Map(network.companies.map((company) => [company.id, company.site.region]));
  const costed = withHoldingCosts(network);
  const base = baseScenario(network, periods);
  return ok({
    network,
    rule,
    runs,
    seed,
    periods,
    minimumFill,
    rates,
    currency: network.currency ?? 'EUR',
    regionOf,
    scenarios: standardScenarios(rule, regionOf, rates, periodsPerYear(network), periods),
    costed,
    base,
    prices: rule.suppliers.map((line) => priceOf(network, rule, line)),
    volume: usage(costed, base, rule),
    money: {
      latePrice: lateCostPerUnit(network),
      lateRate: SOURCING_DEFAULTS.lateCostPerWeek * (network.period === 'week' ? 1 : 1 / 7),
    },
  });
}

/**
 * One split simulated under every scenario of the setup with `runs` runs on the setup's seed: its
 * outcomes, expected values, worst case, acceptability and overloads. `onScenario` is called after
 * each scenario.
 */
export function simulateSplit(
  setup: SourcingSetup,
  split: CandidateSplit,
  runs: number = setup.runs,
  onScenario?: () => void,
): SourcingSplit {
  const { rule, scenarios, base, money } = setup;
  const variant = withShares(setup.costed, rule, split.shares);
  const unitPrice = mixPrice(rule, split.shares, setup.prices);
  const purchases = unitPrice === null ? null : unitPrice * setup.volume;
  const outcomes: SourcingOutcome[] = [];
  for (const scenario of scenarios) {
    // A supplier the split leaves out, with no other customer, changes nothing when it fails or its
    // lane slows: the undisrupted outcome stands (the same seed would give the same numbers).
    const idle =
      scenario.supplier !== undefined &&
      (scenario.kind === 'lane-slow'
        ? !split.shares.some((entry) => entry.supplier === scenario.supplier)
        : !hasCustomers(variant, scenario.supplier));
    const run = idle
      ? undefined
      : simulate(
          variant,
          {
            ...base,
            name: scenario.id,
            ...(scenario.event === undefined ? {} : { events: [scenario.event] }),
          },
          { runs, seed: setup.seed },
        );
    onScenario?.();
    if (run === undefined) {
      outcomes.push({ ...outcomes[0]!, scenario: scenario.id });
      continue;
    }
    const buyer = run.companies.find((company) => company.id === rule.buyer)?.metrics;
    outcomes.push(
      outcome(scenario.id, run.network, buyer, run.periods - run.warmUp, { ...money, purchases }),
    );
  }
  const worst = worstOf(outcomes.filter((_, index) => !scenarios[index]!.hitsBuyer));
  return {
    ...split,
    unitPrice,
    expected: expectation(outcomes, scenarios),
    worst,
    acceptable: worst.endFill !== null && worst.endFill >= setup.minimumFill - 1e-12,
    overloaded: overloads(variant, base, rule, split.shares),
    outcomes,
  };
}

/** Suppliers of the rule a split asks more of than their maximum capacity (see `SourcingSplit.overloaded`). */
export function splitOverloads(
  setup: SourcingSetup,
  shares: readonly { supplier: string; share: number }[],
): { supplier: string; load: number }[] {
  return overloads(withShares(setup.costed, setup.rule, shares), setup.base, setup.rule, shares);
}

/** What a comparison says about the question, whatever the splits: `SourcingComparison` minus splits. */
export function comparisonHeader(
  setup: SourcingSetup,
): Omit<SourcingComparison, 'splits' | 'recommendation' | 'notes'> {
  const { network, rule, prices } = setup;
  return {
    network: network.name,
    buyer: rule.buyer,
    item: rule.item,
    currency: setup.currency,
    period: network.period,
    runs: setup.runs,
    seed: setup.seed,
    periods: setup.periods,
    minimumFill: setup.minimumFill,
    rates: setup.rates,
    suppliers: rule.suppliers.map((line, index) => ({
      id: line.supplier,
      region: setup.regionOf.get(line.supplier) ?? '',
      leadTime: line.leadTime,
      mode: line.mode ?? 'road',
      unitPrice: prices[index] ?? null,
      share: line.share,
    })),
    volume: setup.volume,
    unit: network.items.find((entry) => entry.id === rule.item)?.unit ?? '',
    scenarios: setup.scenarios,
  };
}

/** Notes on what the costs leave out (missing prices, no end-demand price, scaled probabilities). */
export function sourcingNotes(setup: SourcingSetup): string[] {
  const { rule, prices, money, scenarios } = setup;
  const notes: string[] = [];
  if (prices.some((price) => price === null))
    notes.push(
      `Purchases are left out of the cost: ${rule.suppliers
        .filter((_, index) => prices[index] === null)
        .map((line) => line.supplier)
        .join(
          ', ',
        )} ${prices.filter((price) => price === null).length === 1 ? 'has' : 'have'} no unitPrice on the lane (nor a unitCost for ${rule.item}).`,
    );
  if (money.latePrice === 0)
    notes.push('No end demand has a price: late deliveries and lost revenue cost nothing here.');
  if (scenarios[0]!.probability < 1e-9)
    notes.push(
      'The disruption rates add up to more than one event in the simulated periods; their probabilities were scaled to sum to 1.',
    );
  return notes;
}

function findRule(network: Network, buyer: string, item: string): Result<Sourcing, SourcingFailure> {
  const companies = network.companies.map((company) => company.id);
  if (!companies.includes(buyer))
    return err({
      reason: 'unknown-buyer',
      message: `there is no company '${buyer}' in the network${didYouMean(buyer, companies)}`,
    });
  const items = network.items.map((entry) => entry.id);
  if (!items.includes(item))
    return err({
      reason: 'unknown-item',
      message: `there is no item '${item}' in the network${didYouMean(item, items)}`,
    });
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
  return unique.length <= 5
    ? unique.join(', ')
    : `${unique.slice(0, 5).join(', ')} and ${unique.length - 5} more`;
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
    if (!(Number.isFinite(rate) && rate >= 0))
      return invalid(`the rate ${name} must be 0 or more, got ${rate}`);
  return ok({ runs, seed, periods, minimumFill, rates });
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

/** The company sells to someone: a buyer's sourcing rule names it, or it has end demand. */
function hasCustomers(network: Network, company: string): boolean {
  return (
    (network.sourcing ?? []).some((rule) => rule.suppliers.some((line) => line.supplier === company)) ||
    (network.demand ?? []).some((record) => record.company === company)
  );
}

/** Yearly cost of holding a unit, as a share of its unit cost, where the network gives no holdingCost. */
export const HOLDING_RATE_PER_YEAR = 0.25;

/**
 * The network with a holdingCost on every production record that has a unitCost but no holdingCost:
 * 25 % of the unit cost a year, per period (a common carrying-cost rate for manufactured goods: capital,
 * storage, obsolescence). Stock of purchased items has no production record and stays unvalued.
 */
function withHoldingCosts(network: Network): Network {
  const perPeriod = HOLDING_RATE_PER_YEAR / periodsPerYear(network);
  return {
    ...network,
    production: (network.production ?? []).map((record) =>
      record.holdingCost !== undefined || record.unitCost === undefined
        ? record
        : { ...record, holdingCost: record.unitCost * perPeriod },
    ),
  };
}

/**
 * Suppliers of the rule whose mean load under the split exceeds their maximum capacity (else their
 * capacity) for the item, in period 0: the throughput of their stage (every customer, through shares
 * and BOMs) over the yield, against what they may start. Capacity groups are not counted.
 */
function overloads(
  variant: Network,
  base: Scenario,
  rule: Sourcing,
  shares: readonly { supplier: string; share: number }[],
): { supplier: string; load: number }[] {
  const model = compileSimulation(variant, base);
  const flat = model.flat;
  const result: { supplier: string; load: number }[] = [];
  for (const { supplier, share } of shares) {
    if (share === 0) continue;
    const record = (variant.production ?? []).find(
      (entry) => entry.company === supplier && entry.item === rule.item,
    );
    if (record === undefined) continue;
    let rate = 0;
    for (let n = 0; n < flat.nodes; n++)
      if (flat.company[n] === supplier && flat.item[n] === rule.item) rate += model.rate[n]!;
    const capacity = valueAt(record.maximumCapacity ?? record.capacity, 0);
    const load = capacity > 0 ? rate / (record.yield ?? 1) / capacity : Number.POSITIVE_INFINITY;
    if (load > 1 + 1e-9) result.push({ supplier, load });
  }
  return result;
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
  currency: string,
): SourcingComparison['recommendation'] {
  const money = (value: number) => `${MONEY.format(value)} ${currency}`;
  const labelOf = (id: string) => `with ${scenarios.find((scenario) => scenario.id === id)?.label ?? id}`;
  const pct = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
  const acceptable = splits.filter((split) => split.acceptable);
  const byCost = (a: SourcingSplit, b: SourcingSplit) => a.expected.total - b.expected.total;
  const current = splits.find((split) => split.current);
  if (acceptable.length === 0) {
    const bestWorst = Math.max(...splits.map((split) => split.worst.endFill ?? 0));
    const robust = splits.filter(
      (split) => (split.worst.endFill ?? 0) >= bestWorst - SOURCING_DEFAULTS.robustnessTolerance,
    );
    const best = [...robust].sort(byCost)[0]!;
    const others = robust.length - 1;
    return {
      split: best.label,
      acceptable: false,
      reason:
        `${capitalize(best.name)}: no split keeps ${pct(minimumFill)} of end demand filled in its worst case. ` +
        `The best worst case is ${pct(bestWorst)}; ` +
        (others === 0
          ? 'this split has it'
          : `of the ${robust.length} splits within ${pct(SOURCING_DEFAULTS.robustnessTolerance)} of that, this one has the lowest expected cost (${money(best.expected.total)})`) +
        ` (${pct(best.worst.endFill)} ${labelOf(best.worst.scenario)}). ` +
        'Reaching the target takes more than a split: stock at the buyer, a faster second source or more capacity.',
    };
  }
  const best = [...acceptable].sort(byCost)[0]!;
  const parts = [
    `${capitalize(best.name)}: the lowest expected cost (${money(best.expected.total)}) of the splits that keep at least ${pct(minimumFill)} of end demand filled in their worst case ` +
      `(${pct(best.worst.endFill)} ${labelOf(best.worst.scenario)}; ${pct(best.expected.endFill)} expected).`,
  ];
  if (current !== undefined && current !== best) {
    const saving = current.expected.total - best.expected.total;
    parts.push(
      `Against the current split (${current.label}) it saves ${money(saving)} in expectation` +
        `${current.acceptable ? '' : `, and the current split falls to ${pct(current.worst.endFill)} ${labelOf(current.worst.scenario)}`}.`,
    );
  } else if (current === best) {
    parts.push('It is the current split.');
  }
  const cheaper = splits.filter((split) => !split.acceptable && split.expected.total < best.expected.total);
  for (const split of cheaper.sort(byCost).slice(0, 2))
    parts.push(
      `${capitalize(split.name)} costs less in expectation (${money(split.expected.total)}) but falls to ${pct(split.worst.endFill)} ${labelOf(split.worst.scenario)}.`,
    );
  return { split: best.label, acceptable: true, reason: parts.join(' ') };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
