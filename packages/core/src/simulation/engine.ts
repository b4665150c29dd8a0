/**
 * @module simulation/engine
 * The simulator's inner loop: every stage (company × item) of the compiled model advances period by
 * period over typed arrays. One period:
 *
 * 1. **Start.** Scheduled bankruptcies happen; payments fall due (a bankrupt buyer pays nothing);
 *    goods arrive (shipments and finished production whose lead time is over, and the network's open
 *    orders); orders in the mail reach their suppliers; end demand is drawn.
 * 2. **Each stage, customers before suppliers** (the planner's low-level-code order, so an order
 *    placed this period reaches a supplier without information delay in the same period):
 *    a. new end demand joins the end-customer backlog;
 *    b. the stage ships from stock what it owes (end customers, buyers, and its own company's
 *       production that uses it as a component), by its allocation rule when stock is short;
 *       shipments travel the lane's lead time (at least 1) plus any lane delay, and are invoiced;
 *    c. it updates its forecast and places a replenishment order by its policy, on its inventory
 *       position (stock − what it owes + what it has on order): to its own production if it makes the
 *       item (and at once to its component stages for the components), else to its suppliers by
 *       share (a bankrupt supplier's share goes to the others).
 * 3. **Production.** Every making stage starts what its production orders, capacity (times the
 *    events' factor), capacity groups and components (shipped to it in 2b) allow; output arrives
 *    after the production lead time (0: at once, usable next period).
 * 4. **End.** Cash is checked (a tracked company below zero, credit line included, for more than its
 *    grace periods goes bankrupt) and the period is measured.
 *
 * Lead-time convention (Chen et al. 2000): an order placed in period t, after that period's demand,
 * arrives at the start of period t + L, with L = information delay + max(1, lane lead time) for a
 * purchase and max(1, production lead time) for production; so L counts the review period, and the
 * order-up-to level covers L periods of demand.
 */
import { createRandom, type Random } from '../random.ts';
import { entityCount, METRICS, type RunResult, SERIES } from './metrics.ts';
import { END_CUSTOMERS, type SimulationModel } from './model.ts';

const EPSILON = 1e-9;
const metricIndex = Object.fromEntries(METRICS.map((name, index) => [name, index])) as Record<
  (typeof METRICS)[number],
  number
>;

/**
 * The seed of run `run` of a simulation seeded with `seed`: a hash of both (splitmix-style mixing of
 * each 32-bit half), so every run's random numbers depend on (seed, run) alone and runs can be
 * computed in any order, in any worker.
 */
export function runSeed(seed: number, run: number): number {
  const mix = (value: number): number => {
    let x = value | 0;
    x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
    x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
    return (x ^ (x >>> 15)) >>> 0;
  };
  const low = seed >>> 0;
  const high = Math.floor(seed / 4_294_967_296) >>> 0;
  const a = mix(low ^ mix(run + 0x9e3779b9));
  const b = mix(high ^ mix(a + Math.imul(run, 0x85ebca6b)));
  return (b & 0x1fffff) * 4_294_967_296 + a;
}

/**
 * Runs `runIndexes` of the model with `seed`, each from the same initial state, and returns one
 * result per run in the order given. Pure: the same model, seed and index give the same result.
 */
export function simulateRuns(
  model: SimulationModel,
  seed: number,
  runIndexes: Iterable<number>,
): RunResult[] {
  const engine = new Engine(model);
  const results: RunResult[] = [];
  for (const run of runIndexes) results.push(engine.run(run, createRandom(runSeed(seed, run))));
  return results;
}

/** A moving-average or exponential-smoothing forecaster for every stage, on typed arrays. */
class Forecasters {
  readonly history: Float64Array;
  readonly position: Int32Array;
  readonly sum: Float64Array;
  readonly sumOfSquares: Float64Array;
  readonly level: Float64Array;
  readonly squaredError: Float64Array;

  constructor(private readonly model: SimulationModel) {
    const nodes = model.flat.nodes;
    this.history = new Float64Array(model.historyStart[nodes]!);
    this.position = new Int32Array(nodes);
    this.sum = new Float64Array(nodes);
    this.sumOfSquares = new Float64Array(nodes);
    this.level = new Float64Array(nodes);
    this.squaredError = new Float64Array(nodes);
  }

  /**
   * Every stage forecasts `initial[n]` with spread `spread[n]`. A moving average's history holds the
   * mean p times; its sum of squares is set so the spread is right until real values replace them.
   */
  reset(initial: Float64Array, spread: Float64Array): void {
    const { historyStart, forecastPeriods } = this.model;
    for (let n = 0; n < initial.length; n++) {
      const value = initial[n]!;
      const periods = forecastPeriods[n]!;
      this.history.fill(value, historyStart[n]!, historyStart[n + 1]!);
      this.position[n] = 0;
      this.sum[n] = value * periods;
      this.sumOfSquares[n] = value * value * periods + (periods - 1) * spread[n]! * spread[n]!;
      this.level[n] = value;
      this.squaredError[n] = spread[n]! * spread[n]!;
    }
  }

  /** Adds an observation; returns the new forecast of demand per period. */
  observe(n: number, value: number): number {
    const model = this.model;
    if (model.forecast[n] === 1) {
      // Exponential smoothing (Brown 1959): level += alpha (x - level); the spread as smoothed MSE.
      const alpha = model.alpha[n]!;
      const error = value - this.level[n]!;
      this.squaredError[n] = alpha * error * error + (1 - alpha) * this.squaredError[n]!;
      this.level[n]! += alpha * error;
      return this.level[n]!;
    }
    const periods = model.forecastPeriods[n]!;
    const start = model.historyStart[n]!;
    const at = this.position[n]!;
    const old = this.history[start + at]!;
    this.history[start + at] = value;
    const next = at + 1 === periods ? 0 : at + 1;
    this.position[n] = next;
    if (next === 0) {
      // Recompute the running sums once per cycle so rounding errors cannot pile up.
      let sum = 0;
      let squares = 0;
      for (let k = start; k < start + periods; k++) {
        sum += this.history[k]!;
        squares += this.history[k]! * this.history[k]!;
      }
      this.sum[n] = sum;
      this.sumOfSquares[n] = squares;
    } else {
      this.sum[n]! += value - old;
      this.sumOfSquares[n]! += value * value - old * old;
    }
    return this.sum[n]! / periods;
  }

  /** The current estimate of the standard deviation of demand per period. */
  spread(n: number): number {
    const model = this.model;
    if (model.forecast[n] === 1) return Math.sqrt(this.squaredError[n]!);
    const periods = model.forecastPeriods[n]!;
    if (periods < 2) return 0;
    const sum = this.sum[n]!;
    return Math.sqrt(Math.max(0, (this.sumOfSquares[n]! - (sum * sum) / periods) / (periods - 1)));
  }
}

/** Streaming variance over the measured periods, per entity (shifted by the first value for accuracy). */
class Moments {
  readonly sum: Float64Array;
  readonly sumOfSquares: Float64Array;
  readonly shift: Float64Array;
  count = 0;

  constructor(size: number) {
    this.sum = new Float64Array(size);
    this.sumOfSquares = new Float64Array(size);
    this.shift = new Float64Array(size);
  }

  reset(): void {
    this.sum.fill(0);
    this.sumOfSquares.fill(0);
    this.count = 0;
  }

  add(index: number, value: number): void {
    if (this.count === 0) this.shift[index] = value;
    const x = value - this.shift[index]!;
    this.sum[index]! += x;
    this.sumOfSquares[index]! += x * x;
  }

  variance(index: number): number {
    if (this.count < 2) return Number.NaN;
    const sum = this.sum[index]!;
    return Math.max(0, (this.sumOfSquares[index]! - (sum * sum) / this.count) / (this.count - 1));
  }
}

/** Bullwhip ratio Var(orders) / Var(demand); undefined when demand does not vary. */
function ratio(orders: number, demand: number): number {
  return demand > EPSILON ? orders / demand : Number.NaN;
}

/** Stock and pipelines at the start of every run. */
interface InitialState {
  readonly onHand: Float64Array;
  readonly onOrder: Float64Array;
  readonly transit: Float64Array;
  readonly mail: Float64Array;
}

/**
 * The state every run starts from. Orders in the mail (information delay) always hold each buyer's
 * steady orders, as in the beer game: the network has no record of them. `network`: the network's
 * inventory, with its open orders arriving when due. `steady`: equilibrium with period 0's demand,
 * every lane and production line full (rate × lead time in transit, rate in each period's slot) and
 * the stock the policy holds in equilibrium on hand (order-up-to: its safety stock z·σ·√L; (s, S):
 * S less the pipeline; anchoring and adjustment: its desired stock); stages that cannot replenish
 * keep the network's inventory.
 */
function initialState(model: SimulationModel): InitialState {
  const flat = model.flat;
  const nodes = flat.nodes;
  const arcs = flat.arcSupplier.length;
  const onHand = Float64Array.from(flat.onHand);
  const onOrder = new Float64Array(nodes);
  const transit = new Float64Array(nodes * model.transitSlots);
  const mail = new Float64Array(arcs * model.mailSlots);
  for (let a = 0; a < arcs; a++) {
    const delay = model.arcDelay[a]!;
    const buyer = model.arcBuyer[a]!;
    if (delay === 0 || model.replenish[buyer] !== 0) continue;
    const steady = model.rate[buyer]! * flat.arcShare[a]!;
    for (let t = 0; t < delay; t++) mail[a * model.mailSlots + t] = steady;
    onOrder[buyer]! += steady * delay;
  }
  if (model.initialState === 'network') {
    for (let n = 0; n < nodes; n++) {
      for (let t = 0; t < model.periods; t++) onOrder[n]! += flat.receipts[n * model.periods + t]!;
    }
    return { onHand, onOrder, transit, mail };
  }
  const slots = model.transitSlots;
  for (let n = 0; n < nodes; n++) {
    const rate = model.rate[n]!;
    if (model.replenish[n] === 2) continue;
    if (model.replenish[n] === 1) {
      const lead = flat.leadTime[n]!;
      for (let t = 0; t < lead; t++) transit[n * slots + t]! += rate;
      onOrder[n]! += rate * lead;
    } else {
      for (let a = flat.arcStart[n]!; a < flat.arcStart[n + 1]!; a++) {
        const steady = rate * flat.arcShare[a]!;
        for (let t = 0; t < model.arcLead[a]!; t++) transit[n * slots + t]! += steady;
        onOrder[n]! += steady * model.arcLead[a]!;
      }
    }
    const lead = model.leadTime[n]!;
    let stock: number;
    switch (model.policy[n]) {
      case 0:
        stock = model.safetyFactor[n]! * model.spread[n]! * Math.sqrt(lead);
        break;
      case 1: {
        const scale = model.levelsInUnits[n] === 1 ? 1 : rate;
        stock = model.orderUpTo[n]! * scale - onOrder[n]!;
        break;
      }
      default:
        stock = Number.isNaN(model.desiredStock[n]!)
          ? model.desiredStockPeriods[n]! * rate
          : model.desiredStock[n]!;
    }
    onHand[n] = Math.max(0, stock);
  }
  return { onHand, onOrder, transit, mail };
}

class Engine {
  private readonly nodes: number;
  private readonly arcs: number;
  private readonly companies: number;
  // state per stage
  private readonly onHand: Float64Array;
  private readonly onOrder: Float64Array;
  private readonly endBacklog: Float64Array;
  private readonly endNew: Float64Array;
  private readonly productionBacklog: Float64Array;
  private readonly transit: Float64Array;
  private readonly local: Forecasters;
  private readonly own: Forecasters;
  private readonly shared: Float64Array;
  private readonly sharedSpread: Float64Array;
  // per stage, this period (for measuring)
  private readonly ordered: Float64Array;
  private readonly externalNew: Float64Array;
  private readonly immediate: Float64Array;
  private readonly endImmediate: Float64Array;
  // per arc and BOM line
  private readonly arcBacklog: Float64Array;
  private readonly arcNew: Float64Array;
  private readonly mail: Float64Array;
  private readonly payments: Float64Array;
  private readonly lineBacklog: Float64Array;
  private readonly lineNew: Float64Array;
  private readonly kit: Float64Array;
  private readonly groupLeft: Float64Array;
  private readonly groupCompany: Int32Array;
  private readonly makers: Int32Array;
  private readonly pricedArcs: boolean;
  // per company
  private readonly cash: Float64Array;
  private readonly bankrupt: Uint8Array;
  private readonly negativeStreak: Int32Array;
  private readonly lost: Float64Array;
  private readonly demandNow: Float64Array;
  private readonly shipScratch: Float64Array;
  private readonly initialOwn: Float64Array;
  private readonly initialOwnSpread: Float64Array;
  private readonly initial: InitialState;
  private readonly scheduledReceipts: boolean;

  constructor(private readonly model: SimulationModel) {
    const flat = model.flat;
    const nodes = flat.nodes;
    const arcs = flat.arcSupplier.length;
    const lines = flat.bomNode.length;
    const companies = model.companyIds.length;
    this.nodes = nodes;
    this.arcs = arcs;
    this.companies = companies;
    this.onHand = new Float64Array(nodes);
    this.onOrder = new Float64Array(nodes);
    this.endBacklog = new Float64Array(nodes);
    this.endNew = new Float64Array(nodes);
    this.productionBacklog = new Float64Array(nodes);
    this.transit = new Float64Array(nodes * model.transitSlots);
    this.local = new Forecasters(model);
    this.own = new Forecasters(model);
    this.shared = new Float64Array(nodes);
    this.sharedSpread = new Float64Array(nodes);
    this.ordered = new Float64Array(nodes);
    this.externalNew = new Float64Array(nodes);
    this.immediate = new Float64Array(nodes);
    this.endImmediate = new Float64Array(nodes);
    this.arcBacklog = new Float64Array(arcs);
    this.arcNew = new Float64Array(arcs);
    this.mail = new Float64Array(arcs * model.mailSlots);
    this.payments = new Float64Array(arcs * model.paySlots);
    this.lineBacklog = new Float64Array(lines);
    this.lineNew = new Float64Array(lines);
    this.kit = new Float64Array(lines);
    this.groupLeft = new Float64Array(flat.groupId.length);
    const companyIndex = new Map(model.companyIds.map((id, c) => [id, c]));
    this.groupCompany = Int32Array.from(flat.groupCompany, (id) => companyIndex.get(id) ?? 0);
    this.makers = Int32Array.from(
      Array.from(flat.order).filter((n) => model.replenish[n] === 1),
      (n) => n,
    );
    this.pricedArcs = model.arcPrice.some((price) => price > 0);
    this.scheduledReceipts = model.initialState === 'network';
    this.cash = new Float64Array(companies);
    this.bankrupt = new Uint8Array(companies);
    this.negativeStreak = new Int32Array(companies);
    this.lost = new Float64Array(companies);
    this.demandNow = new Float64Array(model.demandStage.length);
    let widest = 1;
    for (let n = 0; n < nodes; n++)
      widest = Math.max(widest, model.customerStart[n + 1]! - model.customerStart[n]!);
    this.shipScratch = new Float64Array(widest);
    // Initial forecasts: the steady flow of period 0's end demand; the own (end-demand) forecasters
    // of information sharing start at the stage's own end demand.
    this.initialOwn = new Float64Array(nodes);
    this.initialOwnSpread = new Float64Array(nodes);
    for (let d = 0; d < model.demandStage.length; d++) {
      this.initialOwn[model.demandStage[d]!]! += model.demandMean[d * model.periods]!;
      this.initialOwnSpread[model.demandStage[d]!]! += model.demandStdDev[d * model.periods]!;
    }
    this.initial = initialState(model);
  }

  private reset(): void {
    const model = this.model;
    this.onHand.set(this.initial.onHand);
    this.onOrder.set(this.initial.onOrder);
    this.transit.set(this.initial.transit);
    this.mail.set(this.initial.mail);
    this.endBacklog.fill(0);
    this.endNew.fill(0);
    this.productionBacklog.fill(0);
    this.local.reset(model.rate, model.spread);
    this.own.reset(this.initialOwn, this.initialOwnSpread);
    this.arcBacklog.fill(0);
    this.arcNew.fill(0);
    this.payments.fill(0);
    this.lineBacklog.fill(0);
    this.lineNew.fill(0);
    this.kit.fill(0);
    this.cash.set(model.cash);
    this.bankrupt.fill(0);
    this.negativeStreak.fill(0);
    this.lost.fill(0);
  }

  run(run: number, random: Random): RunResult {
    const model = this.model;
    const periods = model.periods;
    const tiers = model.tiers;
    const companies = this.companies;
    const entities = entityCount(model);
    this.reset();
    const values = new Float64Array(METRICS.length * entities).fill(Number.NaN);
    const rows = tiers + 1;
    const series = new Float64Array(SERIES.length * rows * periods);

    // Measurements accumulated over the run.
    const companyOrders = new Float64Array(companies);
    const companyDemandUnits = new Float64Array(companies);
    const companyBacklog = new Float64Array(companies);
    const companyStock = new Float64Array(companies);
    const demandSum = new Float64Array(companies);
    const immediateSum = new Float64Array(companies);
    const backlogSum = new Float64Array(companies);
    const stockSum = new Float64Array(companies);
    const costSum = new Float64Array(companies);
    const cashLow = Float64Array.from(this.cash);
    const episode = new Int32Array(companies);
    const longest = new Int32Array(companies);
    const companyMoments = { orders: new Moments(companies), demand: new Moments(companies) };
    const tierOrders = new Float64Array(tiers);
    const tierCash = new Float64Array(tiers);
    const tierCashLow = new Float64Array(tiers).fill(Number.POSITIVE_INFINITY);
    const tierMoments = new Moments(tiers);
    const endMoments = new Moments(1);
    let networkCashLow = Number.POSITIVE_INFINITY;
    let endDemandSum = 0;
    let endImmediateSum = 0;
    let endBacklogSum = 0;
    let endEpisode = 0;
    let endLongest = 0;
    let measured = 0;

    for (let t = 0; t < periods; t++) {
      this.startPeriod(t, random);
      this.stages(t);
      this.produce(t);
      this.checkCash(t);

      // Measure the period.
      companyOrders.fill(0);
      companyDemandUnits.fill(0);
      companyBacklog.fill(0);
      companyStock.fill(0);
      const measuring = t >= model.warmUp;
      let endDemand = 0;
      let endBacklog = 0;
      let endImmediate = 0;
      for (let n = 0; n < this.nodes; n++) {
        const c = model.stageCompany[n]!;
        let stock = this.onHand[n]!;
        for (let l = model.flat.bomStart[n]!; l < model.flat.bomStart[n + 1]!; l++) stock += this.kit[l]!;
        const owed = this.externalOwed(n);
        companyStock[c]! += stock;
        companyBacklog[c]! += owed;
        companyDemandUnits[c]! += this.externalNew[n]! * model.endUnits[n]!;
        if (model.countsOrders[n] === 1) companyOrders[c]! += this.ordered[n]! * model.endUnits[n]!;
        if (model.stageDemand[n]! >= 0) {
          endDemand += this.endNew[n]!;
          endBacklog += Math.max(0, this.endBacklog[n]!);
          endImmediate += this.endImmediate[n]!;
        }
        if (measuring) {
          demandSum[c]! += this.externalNew[n]!;
          immediateSum[c]! += this.immediate[n]!;
          costSum[c]! += model.holdingCost[n]! * Math.max(0, stock) + model.backlogCost * owed;
        }
      }
      tierOrders.fill(0);
      tierCash.fill(0);
      let totalCash = 0;
      let totalOrders = 0;
      let totalStock = 0;
      for (let c = 0; c < companies; c++) {
        const tier = model.companyTier[c]!;
        totalCash += this.cash[c]!;
        totalOrders += companyOrders[c]!;
        totalStock += companyStock[c]!;
        cashLow[c] = Math.min(cashLow[c]!, this.cash[c]!);
        if (tier >= 0) {
          tierOrders[tier]! += companyOrders[c]!;
          tierCash[tier]! += this.cash[c]!;
          series[(0 * rows + tier) * periods + t]! += companyDemandUnits[c]!;
          series[(1 * rows + tier) * periods + t]! += companyOrders[c]!;
          series[(2 * rows + tier) * periods + t]! += companyStock[c]!;
          series[(3 * rows + tier) * periods + t]! += companyBacklog[c]!;
        }
        if (measuring) {
          backlogSum[c]! += companyBacklog[c]!;
          stockSum[c]! += companyStock[c]!;
          companyMoments.orders.add(c, companyOrders[c]!);
          companyMoments.demand.add(c, companyDemandUnits[c]!);
          episode[c] = companyBacklog[c]! > 1e-6 ? episode[c]! + 1 : 0;
          longest[c] = Math.max(longest[c]!, episode[c]!);
        }
      }
      networkCashLow = Math.min(networkCashLow, totalCash);
      for (let k = 0; k < tiers; k++) tierCashLow[k] = Math.min(tierCashLow[k]!, tierCash[k]!);
      series[(0 * rows + tiers) * periods + t] = endDemand;
      series[(1 * rows + tiers) * periods + t] = totalOrders;
      series[(2 * rows + tiers) * periods + t] = totalStock;
      series[(3 * rows + tiers) * periods + t] = endBacklog;
      if (measuring) {
        for (let k = 0; k < tiers; k++) tierMoments.add(k, tierOrders[k]!);
        endMoments.add(0, endDemand);
        companyMoments.orders.count++;
        companyMoments.demand.count++;
        tierMoments.count++;
        endMoments.count++;
        endDemandSum += endDemand;
        endImmediateSum += endImmediate;
        endBacklogSum += endBacklog;
        endEpisode = endBacklog > 1e-6 ? endEpisode + 1 : 0;
        endLongest = Math.max(endLongest, endEpisode);
        measured++;
      }
    }

    // What is still owed at the end is revenue lost within the run.
    for (let n = 0; n < this.nodes; n++) {
      const c = model.stageCompany[n]!;
      this.lost[c]! += Math.max(0, this.endBacklog[n]!) * model.endPrice[n]!;
      for (let k = model.customerStart[n]!; k < model.customerStart[n + 1]!; k++) {
        const entry = model.customerEntry[k]!;
        if (entry >= 0 && entry < this.arcs)
          this.lost[c]! += Math.max(0, this.arcBacklog[entry]!) * model.arcPrice[entry]!;
      }
    }

    const set = (metric: keyof typeof metricIndex, entity: number, value: number) => {
      values[metricIndex[metric] * entities + entity] = value;
    };
    const endVariance = endMoments.variance(0);
    const tierBullwhip = new Float64Array(tiers);
    for (let k = 0; k < tiers; k++) tierBullwhip[k] = ratio(tierMoments.variance(k), endVariance);
    const tierTotals = (source: Float64Array) => {
      const totals = new Float64Array(tiers);
      for (let c = 0; c < companies; c++)
        if (model.companyTier[c]! >= 0) totals[model.companyTier[c]!]! += source[c]!;
      return totals;
    };
    const bankruptcies = Float64Array.from(this.bankrupt);
    const recover = Float64Array.from(longest);
    const perTier = {
      demand: tierTotals(demandSum),
      immediate: tierTotals(immediateSum),
      backlog: tierTotals(backlogSum),
      stock: tierTotals(stockSum),
      lost: tierTotals(this.lost),
      bankruptcies: tierTotals(bankruptcies),
      cost: tierTotals(costSum),
    };
    const tierRecover = new Float64Array(tiers);
    for (let c = 0; c < companies; c++) {
      const tier = model.companyTier[c]!;
      if (tier >= 0) tierRecover[tier] = Math.max(tierRecover[tier]!, recover[c]!);
      set('fillRate', c, demandSum[c]! > EPSILON ? immediateSum[c]! / demandSum[c]! : Number.NaN);
      set('backorders', c, backlogSum[c]! / measured);
      set('inventory', c, stockSum[c]! / measured);
      set('bullwhip', c, ratio(companyMoments.orders.variance(c), companyMoments.demand.variance(c)));
      set('lostRevenue', c, this.lost[c]!);
      set('cashLowPoint', c, cashLow[c]!);
      set('bankruptcies', c, bankruptcies[c]!);
      set('timeToRecover', c, recover[c]!);
      set('cost', c, costSum[c]!);
    }
    let networkBullwhip = Number.NaN;
    for (let k = 0; k < tiers; k++) {
      const e = companies + k;
      set(
        'fillRate',
        e,
        perTier.demand[k]! > EPSILON ? perTier.immediate[k]! / perTier.demand[k]! : Number.NaN,
      );
      set('backorders', e, perTier.backlog[k]! / measured);
      set('inventory', e, perTier.stock[k]! / measured);
      set('bullwhip', e, tierBullwhip[k]!);
      set('lostRevenue', e, perTier.lost[k]!);
      set('cashLowPoint', e, tierCashLow[k]!);
      set('bankruptcies', e, perTier.bankruptcies[k]!);
      set('timeToRecover', e, tierRecover[k]!);
      set('cost', e, perTier.cost[k]!);
      if (!Number.isNaN(tierBullwhip[k]!))
        networkBullwhip = Math.max(Number.isNaN(networkBullwhip) ? 0 : networkBullwhip, tierBullwhip[k]!);
    }
    const network = entities - 1;
    const sum = (source: Float64Array) => source.reduce((total, value) => total + value, 0);
    set('fillRate', network, endDemandSum > EPSILON ? endImmediateSum / endDemandSum : Number.NaN);
    set('backorders', network, endBacklogSum / measured);
    set('inventory', network, sum(stockSum) / measured);
    set('bullwhip', network, networkBullwhip);
    set('lostRevenue', network, sum(this.lost));
    set('cashLowPoint', network, networkCashLow);
    set('bankruptcies', network, sum(bankruptcies));
    set('timeToRecover', network, endLongest);
    set('cost', network, sum(costSum));
    return { run, values, series };
  }

  /** What stage n owes its customers outside its own company (end customers and buyers). */
  private externalOwed(n: number): number {
    const model = this.model;
    let owed = Math.max(0, this.endBacklog[n]!);
    for (let k = model.customerStart[n]!; k < model.customerStart[n + 1]!; k++) {
      const entry = model.customerEntry[k]!;
      if (entry >= 0 && entry < this.arcs) owed += Math.max(0, this.arcBacklog[entry]!);
    }
    return owed;
  }

  private startPeriod(t: number, random: Random): void {
    const model = this.model;
    const flat = model.flat;
    const periods = model.periods;
    for (let c = 0; c < this.companies; c++)
      if (model.bankruptAt[c] === t && this.bankrupt[c] === 0) this.goBankrupt(c);
    // Payments due.
    if (this.pricedArcs) {
      const slots = model.paySlots;
      const slot = t % slots;
      for (let a = 0; a < this.arcs; a++) {
        const amount = this.payments[a * slots + slot]!;
        if (amount === 0) continue;
        this.payments[a * slots + slot] = 0;
        const buyer = model.stageCompany[model.arcBuyer[a]!]!;
        if (this.bankrupt[buyer] === 1) continue; // a bankrupt buyer never pays: the supplier's loss
        this.cash[buyer]! -= amount;
        this.cash[model.stageCompany[flat.arcSupplier[a]!]!]! += amount;
      }
    }
    // Arrivals.
    const slots = model.transitSlots;
    const slot = t % slots;
    for (let n = 0; n < this.nodes; n++) {
      const arriving =
        this.transit[n * slots + slot]! + (this.scheduledReceipts ? flat.receipts[n * periods + t]! : 0);
      if (arriving !== 0) {
        this.transit[n * slots + slot] = 0;
        this.onHand[n]! += arriving;
        this.onOrder[n]! -= arriving;
      }
      this.ordered[n] = 0;
      this.externalNew[n] = 0;
      this.immediate[n] = 0;
      this.endImmediate[n] = 0;
      this.endNew[n] = 0;
    }
    this.arcNew.fill(0);
    this.lineNew.fill(0);
    // Orders in the mail reach their suppliers.
    if (model.mailSlots > 0) {
      const mailSlots = model.mailSlots;
      const mailSlot = t % mailSlots;
      for (let a = 0; a < this.arcs; a++) {
        const amount = this.mail[a * mailSlots + mailSlot]!;
        if (amount === 0) continue;
        this.mail[a * mailSlots + mailSlot] = 0;
        const buyer = model.arcBuyer[a]!;
        if (this.bankrupt[model.stageCompany[flat.arcSupplier[a]!]!] === 1) {
          this.onOrder[buyer]! -= amount; // nobody there to take the order
        } else if (this.bankrupt[model.stageCompany[buyer]!] === 0) {
          this.arcBacklog[a]! += amount;
          this.arcNew[a]! += amount;
        }
      }
    }
    // End demand.
    for (let d = 0; d < this.demandNow.length; d++) {
      const mean = model.demandMean[d * periods + t]!;
      this.demandNow[d] =
        model.demandRandom[d] === 1
          ? Math.max(0, random.normal(mean, model.demandStdDev[d * periods + t]!))
          : mean;
    }
  }

  /** Step 2 for every stage, customers before suppliers. */
  private stages(t: number): void {
    const order = this.model.flat.order;
    for (let i = 0; i < order.length; i++) this.stage(order[i]!, t);
  }

  private stage(n: number, t: number): void {
    const model = this.model;
    const flat = model.flat;
    const arcs = this.arcs;
    const c = model.stageCompany[n]!;
    const dead = this.bankrupt[c] === 1;
    const d = model.stageDemand[n]!;
    if (d >= 0) {
      const quantity = this.demandNow[d]!;
      this.endBacklog[n]! += quantity;
      this.endNew[n] = quantity;
    }

    // What is owed, and what is new this period.
    const start = model.customerStart[n]!;
    const end = model.customerStart[n + 1]!;
    let positive = 0;
    let net = 0;
    let received = 0;
    let externalNew = 0;
    let externalOld = 0;
    for (let k = start; k < end; k++) {
      const entry = model.customerEntry[k]!;
      const owed = this.owed(n, entry);
      const fresh = this.fresh(n, entry);
      net += owed;
      if (owed > 0) positive += owed;
      received += fresh;
      if (entry < arcs) {
        externalNew += fresh;
        externalOld += Math.max(0, owed - Math.max(0, fresh));
      }
    }

    // Ship.
    let shipped = 0;
    let externalShipped = 0;
    let endShipped = 0;
    const available = dead ? 0 : Math.max(0, this.onHand[n]!);
    if (positive > EPSILON && available > EPSILON) {
      const scratch = this.shipScratch;
      this.allocate(n, start, end, Math.min(available, positive), positive, scratch);
      for (let k = start; k < end; k++) {
        const quantity = scratch[k - start]!;
        if (quantity <= 0) continue;
        const entry = model.customerEntry[k]!;
        this.ship(n, entry, quantity, t);
        shipped += quantity;
        if (entry < arcs) externalShipped += quantity;
        if (entry === END_CUSTOMERS) endShipped += quantity;
      }
      this.onHand[n]! -= shipped;
    }
    this.externalNew[n] = externalNew;
    const wanted = Math.max(0, externalNew);
    this.immediate[n] = Math.min(wanted, Math.max(0, externalShipped - externalOld));
    if (d >= 0) {
      const endOld = Math.max(0, this.endBacklog[n]! + endShipped - this.endNew[n]!);
      this.endImmediate[n] = Math.min(this.endNew[n]!, Math.max(0, endShipped - endOld));
    }

    // Forecast.
    let forecast: number;
    let spread: number;
    if (model.anySharing) {
      // Everyone's view of end-customer demand, passed up from customers (computed for every stage,
      // since a sharing stage needs it from customers that do not share themselves).
      let sharedForecast = d >= 0 ? this.own.observe(n, this.endNew[n]!) : 0;
      let sharedSpread = d >= 0 ? this.own.spread(n) : 0;
      for (let k = start; k < end; k++) {
        const entry = model.customerEntry[k]!;
        if (entry === END_CUSTOMERS) continue;
        if (entry < arcs) {
          const buyer = model.arcBuyer[entry]!;
          if (model.replenish[buyer] !== 0) continue;
          sharedForecast += flat.arcShare[entry]! * this.shared[buyer]!;
          sharedSpread += flat.arcShare[entry]! * this.sharedSpread[buyer]!;
        } else {
          const line = entry - arcs;
          const owner = model.lineOwner[line]!;
          const perUnit = flat.bomQuantity[line]! / flat.yieldRate[owner]!;
          sharedForecast += perUnit * this.shared[owner]!;
          sharedSpread += perUnit * this.sharedSpread[owner]!;
        }
      }
      this.shared[n] = sharedForecast;
      this.sharedSpread[n] = sharedSpread;
    }
    if (model.sharing[n] === 1) {
      forecast = this.shared[n]!;
      spread = this.sharedSpread[n]!;
    } else {
      forecast = this.local.observe(n, received);
      spread = this.local.spread(n);
    }

    // Order.
    if (dead || model.replenish[n] === 2) return;
    const owedAfter = net - shipped;
    const position = this.onHand[n]! - owedAfter + this.onOrder[n]!;
    const lead = model.leadTime[n]!;
    let quantity: number;
    switch (model.policy[n]) {
      case 0: {
        // Order-up-to (Chen, Drezner, Ryan & Simchi-Levi 2000): y = L·forecast + z·σ̂·√L.
        const level = lead * forecast + model.safetyFactor[n]! * spread * Math.sqrt(lead);
        quantity = level - position;
        break;
      }
      case 1: {
        // (s, S): when the inventory position is at or below s, order up to S (Scarf 1960).
        const scale = model.levelsInUnits[n] === 1 ? 1 : forecast;
        const reorder = model.reorderPoint[n]! * scale;
        quantity = position <= reorder + EPSILON ? model.orderUpTo[n]! * scale - position : 0;
        break;
      }
      default: {
        // Anchoring and adjustment (Sterman 1989, eq. 7-9): O = L̂ + αS·(S* − S + β·(SL* − SL)).
        const stock = this.onHand[n]! - owedAfter;
        const desiredStock = Number.isNaN(model.desiredStock[n]!)
          ? model.desiredStockPeriods[n]! * forecast
          : model.desiredStock[n]!;
        const desiredLine = Number.isNaN(model.desiredSupplyLine[n]!)
          ? lead * forecast
          : model.desiredSupplyLine[n]!;
        quantity =
          forecast +
          model.alphaS[n]! * (desiredStock - stock + model.beta[n]! * (desiredLine - this.onOrder[n]!));
      }
    }
    if (model.allowReturns[n] === 0 && quantity < 0) quantity = 0;
    if (quantity === 0) return;
    this.place(n, quantity, t);
  }

  /** Places a replenishment order of stage n (negative only when returns are allowed). */
  private place(n: number, quantity: number, t: number): void {
    const model = this.model;
    const flat = model.flat;
    if (model.replenish[n] === 1) {
      this.productionBacklog[n]! += quantity;
      this.onOrder[n]! += quantity;
      this.ordered[n] = quantity;
      const starts = quantity / flat.yieldRate[n]!;
      for (let l = flat.bomStart[n]!; l < flat.bomStart[n + 1]!; l++) {
        const amount = starts * flat.bomQuantity[l]!;
        this.lineBacklog[l]! += amount;
        this.lineNew[l]! += amount;
      }
      return;
    }
    let active = 0;
    for (let a = flat.arcStart[n]!; a < flat.arcStart[n + 1]!; a++) {
      if (this.bankrupt[model.stageCompany[flat.arcSupplier[a]!]!] === 0) active += flat.arcShare[a]!;
    }
    if (active <= EPSILON) return; // every supplier is gone: nothing can be ordered
    const slots = model.mailSlots;
    for (let a = flat.arcStart[n]!; a < flat.arcStart[n + 1]!; a++) {
      if (this.bankrupt[model.stageCompany[flat.arcSupplier[a]!]!] === 1) continue;
      const amount = (quantity * flat.arcShare[a]!) / active;
      const delay = model.arcDelay[a]!;
      if (delay === 0) {
        this.arcBacklog[a]! += amount;
        this.arcNew[a]! += amount;
      } else this.mail[a * slots + ((t + delay) % slots)]! += amount;
    }
    this.onOrder[n]! += quantity;
    this.ordered[n] = quantity;
  }

  private owed(n: number, entry: number): number {
    if (entry === END_CUSTOMERS) return this.endBacklog[n]!;
    return entry < this.arcs ? this.arcBacklog[entry]! : this.lineBacklog[entry - this.arcs]!;
  }

  private fresh(n: number, entry: number): number {
    if (entry === END_CUSTOMERS) return this.endNew[n]!;
    return entry < this.arcs ? this.arcNew[entry]! : this.lineNew[entry - this.arcs]!;
  }

  /**
   * Shares `amount` (< what is owed in total) among the customers of stage n into `into`:
   * proportional to what each is owed; fifo: what was owed before this period first, then this
   * period's orders, each proportionally; priority: by rank, proportionally within a rank.
   */
  private allocate(
    n: number,
    start: number,
    end: number,
    amount: number,
    total: number,
    into: Float64Array,
  ): void {
    const model = this.model;
    const rule = model.allocation[n]!;
    if (amount >= total - EPSILON) {
      for (let k = start; k < end; k++) into[k - start] = Math.max(0, this.owed(n, model.customerEntry[k]!));
      return;
    }
    if (rule === 0) {
      const share = amount / total;
      for (let k = start; k < end; k++)
        into[k - start] = Math.max(0, this.owed(n, model.customerEntry[k]!)) * share;
      return;
    }
    if (rule === 1) {
      let old = 0;
      for (let k = start; k < end; k++) {
        const entry = model.customerEntry[k]!;
        const owed = Math.max(0, this.owed(n, entry));
        into[k - start] = Math.max(0, owed - Math.max(0, this.fresh(n, entry)));
        old += into[k - start]!;
      }
      if (amount <= old) {
        const share = old > 0 ? amount / old : 0;
        for (let k = start; k < end; k++) into[k - start]! *= share;
        return;
      }
      const rest = amount - old;
      const fresh = total - old;
      const share = fresh > 0 ? rest / fresh : 0;
      for (let k = start; k < end; k++) {
        const owed = Math.max(0, this.owed(n, model.customerEntry[k]!));
        into[k - start]! += (owed - into[k - start]!) * share;
      }
      return;
    }
    let left = amount;
    let k = start;
    while (k < end) {
      const rank = model.customerRank[k]!;
      let group = k;
      let owedInRank = 0;
      while (group < end && model.customerRank[group] === rank) {
        owedInRank += Math.max(0, this.owed(n, model.customerEntry[group]!));
        group++;
      }
      const share = owedInRank > 0 ? Math.min(1, left / owedInRank) : 0;
      for (let j = k; j < group; j++)
        into[j - start] = Math.max(0, this.owed(n, model.customerEntry[j]!)) * share;
      left -= owedInRank * share;
      k = group;
    }
  }

  /** Ships `quantity` from stage n to one customer entry, in period t. */
  private ship(n: number, entry: number, quantity: number, t: number): void {
    const model = this.model;
    const c = model.stageCompany[n]!;
    if (entry === END_CUSTOMERS) {
      this.endBacklog[n]! -= quantity;
      this.cash[c]! += quantity * model.endPrice[n]!;
      return;
    }
    if (entry >= this.arcs) {
      const line = entry - this.arcs;
      this.lineBacklog[line]! -= quantity;
      this.kit[line]! += quantity;
      return;
    }
    const a = entry;
    this.arcBacklog[a]! -= quantity;
    const buyer = model.arcBuyer[a]!;
    let lead = model.arcLead[a]!;
    for (let e = model.laneStart[a]!; e < model.laneStart[a + 1]!; e++) {
      if (t >= model.laneFrom[e]! && t < model.laneTo[e]!)
        lead = Math.max(lead, model.arcLead[a]! + model.laneExtra[e]!);
    }
    const slots = model.transitSlots;
    this.transit[buyer * slots + ((t + lead) % slots)]! += quantity;
    const value = quantity * model.arcPrice[a]!;
    if (value <= 0) return;
    const payer = model.stageCompany[buyer]!;
    let due = model.paymentTerm[payer]!;
    for (let e = model.payStart[payer]!; e < model.payStart[payer + 1]!; e++) {
      const when = t + model.paymentTerm[payer]!;
      if (when >= model.payFrom[e]! && when < model.payTo[e]!)
        due = Math.max(due, model.paymentTerm[payer]! + model.payExtra[e]!);
    }
    if (due === 0) {
      this.cash[payer]! -= value;
      this.cash[c]! += value;
    } else this.payments[a * model.paySlots + ((t + due) % model.paySlots)]! += value;
  }

  /** Step 3: production starts within capacity, capacity groups and components. */
  private produce(t: number): void {
    const model = this.model;
    const flat = model.flat;
    const periods = model.periods;
    for (let g = 0; g < this.groupLeft.length; g++) {
      const c = this.groupCompany[g]!;
      const maximum = flat.groupMaximum[g * periods + t]!;
      const capacity =
        model.overtime[c] === 1 && !Number.isNaN(maximum) ? maximum : flat.groupCapacity[g * periods + t]!;
      this.groupLeft[g] = this.bankrupt[c] === 1 ? 0 : capacity * model.capacityFactor[c * periods + t]!;
    }
    const slots = model.transitSlots;
    for (let i = 0; i < this.makers.length; i++) {
      const n = this.makers[i]!;
      const wanted = this.productionBacklog[n]!;
      if (wanted <= EPSILON) continue;
      const c = model.stageCompany[n]!;
      if (this.bankrupt[c] === 1) continue;
      const yieldRate = flat.yieldRate[n]!;
      const maximum = flat.maximumCapacity[n * periods + t]!;
      const capacity =
        model.overtime[c] === 1 && !Number.isNaN(maximum) ? maximum : flat.capacity[n * periods + t]!;
      let starts = Math.min(wanted / yieldRate, capacity * model.capacityFactor[c * periods + t]!);
      for (let l = flat.bomStart[n]!; l < flat.bomStart[n + 1]!; l++) {
        starts = Math.min(starts, Math.max(0, this.kit[l]!) / flat.bomQuantity[l]!);
      }
      for (let k = flat.groupStart[n]!; k < flat.groupStart[n + 1]!; k++) {
        starts = Math.min(starts, Math.max(0, this.groupLeft[flat.nodeGroup[k]!]!) / flat.nodeGroupLoad[k]!);
      }
      if (starts <= EPSILON) continue;
      for (let l = flat.bomStart[n]!; l < flat.bomStart[n + 1]!; l++)
        this.kit[l]! -= starts * flat.bomQuantity[l]!;
      for (let k = flat.groupStart[n]!; k < flat.groupStart[n + 1]!; k++) {
        this.groupLeft[flat.nodeGroup[k]!]! -= starts * flat.nodeGroupLoad[k]!;
      }
      const good = starts * yieldRate;
      this.productionBacklog[n]! -= good;
      this.cash[c]! -= starts * model.unitCost[n]!;
      const lead = flat.leadTime[n]!;
      if (lead === 0) {
        this.onHand[n]! += good;
        this.onOrder[n]! -= good;
      } else this.transit[n * slots + ((t + lead) % slots)]! += good;
    }
  }

  /** Step 4: a tracked company below zero for more than its grace periods goes bankrupt. */
  private checkCash(_t: number): void {
    const model = this.model;
    for (let c = 0; c < this.companies; c++) {
      if (model.cashTracked[c] === 0 || this.bankrupt[c] === 1) continue;
      if (this.cash[c]! + model.creditLine[c]! < 0) {
        this.negativeStreak[c]!++;
        if (this.negativeStreak[c]! > model.gracePeriods[c]!) this.goBankrupt(c);
      } else this.negativeStreak[c] = 0;
    }
  }

  /**
   * Company c fails for good: it ships, makes, orders and pays nothing from now on. What it owes its
   * buyers is written off (their orders go to their other suppliers from now on), and what it had
   * ordered is cancelled at its suppliers; both count as revenue lost by the supplier.
   */
  private goBankrupt(c: number): void {
    const model = this.model;
    const flat = model.flat;
    this.bankrupt[c] = 1;
    for (let s = model.companyStageStart[c]!; s < model.companyStageStart[c + 1]!; s++) {
      const n = model.companyStage[s]!;
      for (let k = model.customerStart[n]!; k < model.customerStart[n + 1]!; k++) {
        const a = model.customerEntry[k]!;
        if (a < 0 || a >= this.arcs) continue;
        const owed = this.arcBacklog[a]!;
        if (owed > 0) {
          this.onOrder[model.arcBuyer[a]!]! -= owed;
          this.lost[c]! += owed * model.arcPrice[a]!;
        }
        this.arcBacklog[a] = 0;
      }
      for (let a = flat.arcStart[n]!; a < flat.arcStart[n + 1]!; a++) {
        const owed = this.arcBacklog[a]!;
        if (owed > 0) this.lost[model.stageCompany[flat.arcSupplier[a]!]!]! += owed * model.arcPrice[a]!;
        this.arcBacklog[a] = 0;
      }
    }
  }
}
