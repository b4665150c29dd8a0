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
import { type StageLayout, stageLayout } from './layout.ts';
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

/**
 * A moving-average or exponential-smoothing forecaster for every stage, on typed arrays, in the
 * engine's numbering; the per-stage settings are held as fields, so the hot `observe` reads no
 * object graph.
 */
class Forecasters {
  readonly history: Float64Array;
  readonly position: Int32Array;
  readonly sum: Float64Array;
  readonly sumOfSquares: Float64Array;
  readonly level: Float64Array;
  readonly squaredError: Float64Array;
  private readonly method: Uint8Array;
  private readonly periods: Int32Array;
  private readonly start: Int32Array;
  private readonly alpha: Float64Array;

  constructor(layout: StageLayout) {
    const nodes = layout.stageOf.length;
    this.method = layout.forecast;
    this.periods = layout.forecastPeriods;
    this.start = layout.historyStart;
    this.alpha = layout.alpha;
    this.history = new Float64Array(layout.historyStart[nodes]!);
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
    for (let n = 0; n < initial.length; n++) {
      const value = initial[n]!;
      const periods = this.periods[n]!;
      this.history.fill(value, this.start[n]!, this.start[n + 1]!);
      this.position[n] = 0;
      this.sum[n] = value * periods;
      this.sumOfSquares[n] = value * value * periods + (periods - 1) * spread[n]! * spread[n]!;
      this.level[n] = value;
      this.squaredError[n] = spread[n]! * spread[n]!;
    }
  }

  /** Adds an observation; returns the new forecast of demand per period. */
  observe(n: number, value: number): number {
    if (this.method[n] === 1) {
      // Exponential smoothing (Brown 1959): level += alpha (x - level); the spread as smoothed MSE.
      const alpha = this.alpha[n]!;
      const level = this.level[n]!;
      const error = value - level;
      this.squaredError[n] = alpha * error * error + (1 - alpha) * this.squaredError[n]!;
      const next = level + alpha * error;
      this.level[n] = next;
      return next;
    }
    const history = this.history;
    const periods = this.periods[n]!;
    const start = this.start[n]!;
    const at = this.position[n]!;
    const old = history[start + at]!;
    history[start + at] = value;
    const next = at + 1 === periods ? 0 : at + 1;
    this.position[n] = next;
    let sum: number;
    if (next === 0) {
      // Recompute the running sums once per cycle so rounding errors cannot pile up.
      sum = 0;
      let squares = 0;
      for (let k = start; k < start + periods; k++) {
        const x = history[k]!;
        sum += x;
        squares += x * x;
      }
      this.sumOfSquares[n] = squares;
    } else {
      sum = this.sum[n]! + (value - old);
      this.sumOfSquares[n]! += value * value - old * old;
    }
    this.sum[n] = sum;
    return sum / periods;
  }

  /** The current estimate of the standard deviation of demand per period. */
  spread(n: number): number {
    if (this.method[n] === 1) return Math.sqrt(this.squaredError[n]!);
    const periods = this.periods[n]!;
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

/**
 * Stock and pipelines at the start of every run, in the engine's numbering. Rings are period-major
 * (`slot × size + index`), so the start of a period reads one slot's row front to back.
 */
interface InitialState {
  readonly onHand: Float64Array;
  readonly onOrder: Float64Array;
  /** Goods arriving at stage n in ring slot s: `transit[s × nodes + n]`. */
  readonly transit: Float64Array;
  /** Orders reaching arc a's supplier in ring slot s: `mail[s × arcs + a]`. */
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
function initialState(model: SimulationModel, layout: StageLayout): InitialState {
  const nodes = layout.stageOf.length;
  const arcs = layout.arcOf.length;
  const onHand = Float64Array.from(layout.onHand);
  const onOrder = new Float64Array(nodes);
  const transit = new Float64Array(nodes * model.transitSlots);
  const mail = new Float64Array(arcs * model.mailSlots);
  const { arcDelay, arcBuyer, replenish, rate, arcShare, arcStart, arcLead } = layout;
  for (let a = 0; a < arcs; a++) {
    const delay = arcDelay[a]!;
    const buyer = arcBuyer[a]!;
    if (delay === 0 || replenish[buyer] !== 0) continue;
    const steady = rate[buyer]! * arcShare[a]!;
    for (let t = 0; t < delay; t++) mail[t * arcs + a] = steady;
    onOrder[buyer]! += steady * delay;
  }
  if (layout.receipts !== undefined) {
    for (let n = 0; n < nodes; n++) {
      for (let t = 0; t < model.periods; t++) onOrder[n]! += layout.receipts[t * nodes + n]!;
    }
    return { onHand, onOrder, transit, mail };
  }
  for (let n = 0; n < nodes; n++) {
    const stageRate = rate[n]!;
    if (replenish[n] === 2) continue;
    if (replenish[n] === 1) {
      const lead = layout.productionLead[n]!;
      for (let t = 0; t < lead; t++) transit[t * nodes + n]! += stageRate;
      onOrder[n]! += stageRate * lead;
    } else {
      for (let a = arcStart[n]!; a < arcStart[n + 1]!; a++) {
        const steady = stageRate * arcShare[a]!;
        for (let t = 0; t < arcLead[a]!; t++) transit[t * nodes + n]! += steady;
        onOrder[n]! += steady * arcLead[a]!;
      }
    }
    const lead = layout.leadTime[n]!;
    let stock: number;
    switch (layout.policy[n]) {
      case 0:
        stock = layout.safetyFactor[n]! * layout.spread[n]! * Math.sqrt(lead);
        break;
      case 1: {
        const scale = layout.levelsInUnits[n] === 1 ? 1 : stageRate;
        stock = layout.orderUpTo[n]! * scale - onOrder[n]!;
        break;
      }
      default:
        stock = Number.isNaN(layout.desiredStock[n]!)
          ? layout.desiredStockPeriods[n]! * stageRate
          : layout.desiredStock[n]!;
    }
    onHand[n] = Math.max(0, stock);
  }
  return { onHand, onOrder, transit, mail };
}

/** Fields of the per-stage measurement row (`STAGE_ROW` numbers per stage, see `measure`). */
const STAGE_ROW = 8;

/**
 * One simulator for one model: the state of a run, reset before each, in the engine's numbering
 * (`layout.ts`: stages in planning order). What customers are owed lives per customer slot:
 * `owed[k]` and this period's new orders `fresh[k]`, for end customers, buying arcs and
 * bill-of-materials lines alike, so a stage reads its customers as one contiguous row; `arcSlot`,
 * `lineSlot` and `endSlot` say where an arc's, a line's and a stage's end customers' row is.
 */
class Engine {
  private readonly model: SimulationModel;
  private readonly nodes: number;
  private readonly arcs: number;
  private readonly companies: number;
  private readonly periods: number;
  // the model's arrays in the engine's numbering
  private readonly layout: StageLayout;
  private readonly stageCompany: Int32Array;
  private readonly stageDemand: Int32Array;
  private readonly customerStart: Int32Array;
  private readonly customerEntry: Int32Array;
  private readonly policy: Uint8Array;
  private readonly replenish: Uint8Array;
  private readonly sharing: Uint8Array;
  private readonly allowReturns: Uint8Array;
  private readonly leadTime: Float64Array;
  private readonly rootLeadTime: Float64Array;
  private readonly safetyFactor: Float64Array;
  private readonly arcStart: Int32Array;
  private readonly arcSupplier: Int32Array;
  private readonly arcShare: Float64Array;
  private readonly arcBuyer: Int32Array;
  private readonly arcDelay: Int32Array;
  private readonly arcLead: Int32Array;
  private readonly arcPrice: Float64Array;
  private readonly arcOf: Int32Array;
  private readonly bomStart: Int32Array;
  private readonly bomQuantity: Float64Array;
  private readonly yieldRate: Float64Array;
  private readonly endPrice: Float64Array;
  /** Payments are settled in the model's arc order: the paying and paid company of each model arc. */
  private readonly payerOf: Int32Array;
  private readonly payeeOf: Int32Array;
  // customer slots
  private readonly arcSlot: Int32Array;
  private readonly lineSlot: Int32Array;
  private readonly endSlot: Int32Array;
  private readonly owed: Float64Array;
  private readonly fresh: Float64Array;
  // state per stage
  private readonly onHand: Float64Array;
  private readonly onOrder: Float64Array;
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
  /** Per stage, `STAGE_ROW` figures of the period, written in planning order, summed per company. */
  private readonly stageRow: Float64Array;
  // per arc (mail: engine numbering; payments: the model's) and BOM line
  private readonly mail: Float64Array;
  private readonly payments: Float64Array;
  private readonly kit: Float64Array;
  private readonly groupLeft: Float64Array;
  private readonly groupCompany: Int32Array;
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
  // measurements of a run, reused from run to run
  private readonly companyOrders: Float64Array;
  /**
   * Per company, what its counted orders are multiplied by for the bullwhip ratio: the steady rate of
   * the demand it serves over the steady rate of its orders (both in end-product units). A company
   * that buys 16 components per product orders 16 streams; summed, they flow 16 times as fast as the
   * demand behind them and vary 256 times as much, so an unscaled Var(orders) / Var(demand) said 256
   * times too much. Scaled, they are compared on the demand's footing; a stage that orders one item
   * for each it sells (a serial chain, the beer game) keeps a factor of 1.
   */
  private readonly orderWeight: Float64Array;
  /**
   * Per tier, the same for a tier's orders against end-customer demand: the steady end demand over
   * the steady demand the tier's companies serve. Twenty suppliers of twenty components each serve
   * the whole end demand once: their orders, summed, flow twenty times as fast.
   */
  private readonly tierWeight: Float64Array;
  private readonly companyDemandUnits: Float64Array;
  private readonly companyBacklog: Float64Array;
  private readonly companyStock: Float64Array;
  private readonly demandSum: Float64Array;
  private readonly immediateSum: Float64Array;
  private readonly backlogSum: Float64Array;
  private readonly stockSum: Float64Array;
  private readonly costSum: Float64Array;
  private readonly cashLow: Float64Array;
  private readonly episode: Int32Array;
  private readonly longest: Int32Array;
  private readonly orderMoments: Moments;
  private readonly demandMoments: Moments;
  private readonly tierOrders: Float64Array;
  private readonly tierCash: Float64Array;
  private readonly tierCashLow: Float64Array;
  private readonly tierMoments: Moments;
  private readonly endMoments: Moments;
  /** Whether some order travels by mail (an information delay); else the mail ring stays empty. */
  private readonly anyDelay: boolean;
  /** Per stage, the sum of its arcs' shares, in arc order. */
  private readonly shareSum: Float64Array;
  /** Whether a company has gone bankrupt in this run. */
  private anyBankrupt = false;
  /** This period's slot in the transit, mail and payment rings. */
  private transitNow = 0;
  private mailNow = 0;
  private payNow = 0;

  constructor(model: SimulationModel) {
    const flat = model.flat;
    const layout = stageLayout(model);
    const nodes = flat.nodes;
    const arcs = flat.arcSupplier.length;
    const lines = flat.bomNode.length;
    const companies = model.companyIds.length;
    const tiers = model.tiers;
    this.model = model;
    this.layout = layout;
    this.nodes = nodes;
    this.arcs = arcs;
    this.companies = companies;
    this.periods = model.periods;
    this.stageCompany = layout.stageCompany;
    this.stageDemand = layout.stageDemand;
    this.customerStart = layout.customerStart;
    this.customerEntry = layout.customerEntry;
    this.policy = layout.policy;
    this.replenish = layout.replenish;
    this.sharing = layout.sharing;
    this.allowReturns = layout.allowReturns;
    this.leadTime = layout.leadTime;
    this.rootLeadTime = layout.leadTime.map(Math.sqrt);
    this.safetyFactor = layout.safetyFactor;
    this.arcStart = layout.arcStart;
    this.arcSupplier = layout.arcSupplier;
    this.arcShare = layout.arcShare;
    this.arcBuyer = layout.arcBuyer;
    this.arcDelay = layout.arcDelay;
    this.arcLead = layout.arcLead;
    this.arcPrice = layout.arcPrice;
    this.arcOf = layout.arcOf;
    this.bomStart = layout.bomStart;
    this.bomQuantity = layout.bomQuantity;
    this.yieldRate = layout.yieldRate;
    this.endPrice = layout.endPrice;
    this.anyDelay = layout.arcDelay.some((delay) => delay > 0);
    this.shareSum = new Float64Array(nodes);
    for (let n = 0; n < nodes; n++) {
      let sum = 0;
      for (let a = layout.arcStart[n]!; a < layout.arcStart[n + 1]!; a++) sum += layout.arcShare[a]!;
      this.shareSum[n] = sum;
    }
    this.payerOf = new Int32Array(arcs);
    this.payeeOf = new Int32Array(arcs);
    for (let a = 0; a < arcs; a++) {
      this.payerOf[a] = model.stageCompany[model.arcBuyer[a]!]!;
      this.payeeOf[a] = model.stageCompany[flat.arcSupplier[a]!]!;
    }
    const slots = layout.customerStart[nodes]!;
    this.arcSlot = new Int32Array(arcs);
    this.lineSlot = new Int32Array(lines);
    this.endSlot = new Int32Array(nodes).fill(-1);
    for (let n = 0; n < nodes; n++) {
      for (let k = layout.customerStart[n]!; k < layout.customerStart[n + 1]!; k++) {
        const entry = layout.customerEntry[k]!;
        if (entry === END_CUSTOMERS) this.endSlot[n] = k;
        else if (entry < arcs) this.arcSlot[entry] = k;
        else this.lineSlot[entry - arcs] = k;
      }
    }
    this.owed = new Float64Array(slots);
    this.fresh = new Float64Array(slots);
    this.onHand = new Float64Array(nodes);
    this.onOrder = new Float64Array(nodes);
    this.productionBacklog = new Float64Array(nodes);
    this.transit = new Float64Array(nodes * model.transitSlots);
    this.local = new Forecasters(layout);
    this.own = new Forecasters(layout);
    this.shared = new Float64Array(nodes);
    this.sharedSpread = new Float64Array(nodes);
    this.ordered = new Float64Array(nodes);
    this.externalNew = new Float64Array(nodes);
    this.immediate = new Float64Array(nodes);
    this.endImmediate = new Float64Array(nodes);
    this.stageRow = new Float64Array(nodes * STAGE_ROW);
    this.mail = new Float64Array(arcs * model.mailSlots);
    this.payments = new Float64Array(arcs * model.paySlots);
    this.kit = new Float64Array(lines);
    this.groupLeft = new Float64Array(flat.groupId.length);
    const companyIndex = new Map(model.companyIds.map((id, c) => [id, c]));
    this.groupCompany = Int32Array.from(flat.groupCompany, (id) => companyIndex.get(id) ?? 0);
    this.pricedArcs = model.arcPrice.some((price) => price > 0);
    this.cash = new Float64Array(companies);
    this.bankrupt = new Uint8Array(companies);
    this.negativeStreak = new Int32Array(companies);
    this.lost = new Float64Array(companies);
    this.demandNow = new Float64Array(model.demandStage.length);
    let widest = 1;
    for (let n = 0; n < nodes; n++)
      widest = Math.max(widest, layout.customerStart[n + 1]! - layout.customerStart[n]!);
    this.shipScratch = new Float64Array(widest);
    // Initial forecasts: the steady flow of period 0's end demand; the own (end-demand) forecasters
    // of information sharing start at the stage's own end demand.
    this.initialOwn = new Float64Array(nodes);
    this.initialOwnSpread = new Float64Array(nodes);
    for (let d = 0; d < layout.demandStage.length; d++) {
      this.initialOwn[layout.demandStage[d]!]! += model.demandMean[d * model.periods]!;
      this.initialOwnSpread[layout.demandStage[d]!]! += model.demandStdDev[d * model.periods]!;
    }
    this.initial = initialState(model, layout);
    this.companyOrders = new Float64Array(companies);
    this.orderWeight = new Float64Array(companies).fill(1);
    const tierServed = new Float64Array(tiers);
    for (let c = 0; c < companies; c++) {
      let served = 0;
      let ordering = 0;
      for (let s = model.companyStageStart[c]!; s < model.companyStageStart[c + 1]!; s++) {
        const n = layout.companyStage[s]!;
        const flow = layout.rate[n]! * layout.endUnits[n]!;
        let external = this.endSlot[n]! >= 0;
        for (let k = layout.customerStart[n]!; !external && k < layout.customerStart[n + 1]!; k++) {
          external = layout.customerEntry[k]! < arcs;
        }
        if (external) served += flow;
        if (layout.countsOrders[n] === 1) ordering += flow;
      }
      if (served > EPSILON && ordering > EPSILON) this.orderWeight[c] = served / ordering;
      if (model.companyTier[c]! >= 0) tierServed[model.companyTier[c]!]! += served;
    }
    let endRate = 0;
    for (const n of layout.endStages) endRate += layout.rate[n]! * layout.endUnits[n]!;
    this.tierWeight = new Float64Array(tiers).fill(1);
    for (let k = 0; k < tiers; k++) {
      if (endRate > EPSILON && tierServed[k]! > EPSILON) this.tierWeight[k] = endRate / tierServed[k]!;
    }
    this.companyDemandUnits = new Float64Array(companies);
    this.companyBacklog = new Float64Array(companies);
    this.companyStock = new Float64Array(companies);
    this.demandSum = new Float64Array(companies);
    this.immediateSum = new Float64Array(companies);
    this.backlogSum = new Float64Array(companies);
    this.stockSum = new Float64Array(companies);
    this.costSum = new Float64Array(companies);
    this.cashLow = new Float64Array(companies);
    this.episode = new Int32Array(companies);
    this.longest = new Int32Array(companies);
    this.orderMoments = new Moments(companies);
    this.demandMoments = new Moments(companies);
    this.tierOrders = new Float64Array(tiers);
    this.tierCash = new Float64Array(tiers);
    this.tierCashLow = new Float64Array(tiers);
    this.tierMoments = new Moments(tiers);
    this.endMoments = new Moments(1);
  }

  private reset(): void {
    const model = this.model;
    this.onHand.set(this.initial.onHand);
    this.onOrder.set(this.initial.onOrder);
    this.transit.set(this.initial.transit);
    this.mail.set(this.initial.mail);
    this.owed.fill(0);
    this.fresh.fill(0);
    this.productionBacklog.fill(0);
    this.local.reset(this.layout.rate, this.layout.spread);
    this.own.reset(this.initialOwn, this.initialOwnSpread);
    this.payments.fill(0);
    this.kit.fill(0);
    this.cash.set(model.cash);
    this.bankrupt.fill(0);
    this.anyBankrupt = false;
    this.negativeStreak.fill(0);
    this.lost.fill(0);
    this.demandSum.fill(0);
    this.immediateSum.fill(0);
    this.backlogSum.fill(0);
    this.stockSum.fill(0);
    this.costSum.fill(0);
    this.cashLow.set(this.cash);
    this.episode.fill(0);
    this.longest.fill(0);
    this.orderMoments.reset();
    this.demandMoments.reset();
    this.tierCashLow.fill(Number.POSITIVE_INFINITY);
    this.tierMoments.reset();
    this.endMoments.reset();
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
    const { demandSum, immediateSum, backlogSum, stockSum, costSum, cashLow, longest } = this;
    let networkCashLow = Number.POSITIVE_INFINITY;
    let endDemandSum = 0;
    let endImmediateSum = 0;
    let endBacklogSum = 0;
    let endEpisode = 0;
    let endLongest = 0;
    let measured = 0;

    for (let t = 0; t < periods; t++) {
      this.startPeriod(t, random);
      for (let n = 0; n < this.nodes; n++) this.stage(n, t);
      this.produce(t);
      this.checkCash();
      const measuring = t >= model.warmUp;
      const network = this.measure(t, measuring, series);
      networkCashLow = Math.min(networkCashLow, network.cash);
      if (measuring) {
        endDemandSum += network.endDemand;
        endImmediateSum += network.endImmediate;
        endBacklogSum += network.endBacklog;
        endEpisode = network.endBacklog > 1e-6 ? endEpisode + 1 : 0;
        endLongest = Math.max(endLongest, endEpisode);
        measured++;
      }
    }

    // What is still owed at the end is revenue lost within the run (each company's stages in the
    // model's order).
    const { owed, customerStart, customerEntry, endSlot } = this;
    const { companyStage } = this.layout;
    for (let c = 0; c < companies; c++) {
      for (let s = model.companyStageStart[c]!; s < model.companyStageStart[c + 1]!; s++) {
        const n = companyStage[s]!;
        const end = endSlot[n]!;
        this.lost[c]! += (end < 0 ? 0 : Math.max(0, owed[end]!)) * this.endPrice[n]!;
        for (let k = customerStart[n]!; k < customerStart[n + 1]!; k++) {
          const entry = customerEntry[k]!;
          if (entry >= 0 && entry < this.arcs) this.lost[c]! += Math.max(0, owed[k]!) * this.arcPrice[entry]!;
        }
      }
    }

    const set = (metric: keyof typeof metricIndex, entity: number, value: number) => {
      values[metricIndex[metric] * entities + entity] = value;
    };
    const endVariance = this.endMoments.variance(0);
    const tierBullwhip = new Float64Array(tiers);
    for (let k = 0; k < tiers; k++) tierBullwhip[k] = ratio(this.tierMoments.variance(k), endVariance);
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
      set('bullwhip', c, ratio(this.orderMoments.variance(c), this.demandMoments.variance(c)));
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
      set('cashLowPoint', e, this.tierCashLow[k]!);
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

  /** The network's figures of one period, handed from `measure` to `run` without allocating. */
  private readonly periodFigures = { cash: 0, endDemand: 0, endImmediate: 0, endBacklog: 0 };

  /**
   * Measures period t: company sums, tier series, and (when `measuring`) the run's accumulators.
   * Each stage's figures are worked out front to back into its row of `stageRow`, then added up per
   * company in the model's order of its stages, so every sum adds the same numbers in the same order
   * whatever the engine's numbering.
   */
  private measure(
    t: number,
    measuring: boolean,
    series: Float64Array,
  ): { cash: number; endDemand: number; endImmediate: number; endBacklog: number } {
    const model = this.model;
    const layout = this.layout;
    const periods = this.periods;
    const tiers = model.tiers;
    const rows = tiers + 1;
    const companies = this.companies;
    const arcs = this.arcs;
    const { companyOrders, companyDemandUnits, companyBacklog, companyStock, stageRow } = this;
    const { demandSum, immediateSum, costSum, backlogSum, stockSum, cashLow, episode, longest } = this;
    const { owed, customerStart, customerEntry, endSlot, onHand, kit, bomStart } = this;
    const { externalNew, ordered, immediate } = this;
    const { endUnits, countsOrders, holdingCost, companyStage } = layout;
    const backlogCost = model.backlogCost;
    for (let n = 0; n < this.nodes; n++) {
      let stock = onHand[n]!;
      for (let l = bomStart[n]!; l < bomStart[n + 1]!; l++) stock += kit[l]!;
      // What stage n owes its customers outside its own company (end customers and buyers).
      const end = endSlot[n]!;
      let externalOwed = end < 0 ? 0 : Math.max(0, owed[end]!);
      for (let k = customerStart[n]!; k < customerStart[n + 1]!; k++) {
        const entry = customerEntry[k]!;
        if (entry >= 0 && entry < arcs) externalOwed += Math.max(0, owed[k]!);
      }
      const row = n * STAGE_ROW;
      stageRow[row] = stock;
      stageRow[row + 1] = externalOwed;
      stageRow[row + 2] = externalNew[n]! * endUnits[n]!;
      stageRow[row + 3] = countsOrders[n]!;
      stageRow[row + 4] = ordered[n]! * endUnits[n]!;
      stageRow[row + 5] = externalNew[n]!;
      stageRow[row + 6] = immediate[n]!;
      stageRow[row + 7] = holdingCost[n]! * Math.max(0, stock) + backlogCost * externalOwed;
    }
    for (let c = 0; c < companies; c++) {
      let stock = 0;
      let backlog = 0;
      let demandUnits = 0;
      let orders = 0;
      for (let s = model.companyStageStart[c]!; s < model.companyStageStart[c + 1]!; s++) {
        const row = companyStage[s]! * STAGE_ROW;
        stock += stageRow[row]!;
        backlog += stageRow[row + 1]!;
        demandUnits += stageRow[row + 2]!;
        if (stageRow[row + 3] === 1) orders += stageRow[row + 4]!;
        if (measuring) {
          demandSum[c]! += stageRow[row + 5]!;
          immediateSum[c]! += stageRow[row + 6]!;
          costSum[c]! += stageRow[row + 7]!;
        }
      }
      companyStock[c] = stock;
      companyBacklog[c] = backlog;
      companyDemandUnits[c] = demandUnits;
      companyOrders[c] = orders * this.orderWeight[c]!;
    }
    let endDemand = 0;
    let endBacklog = 0;
    let endImmediate = 0;
    const endStages = layout.endStages;
    for (let i = 0; i < endStages.length; i++) {
      const n = endStages[i]!;
      const end = endSlot[n]!;
      endDemand += this.fresh[end]!;
      endBacklog += Math.max(0, owed[end]!);
      endImmediate += this.endImmediate[n]!;
    }
    const { tierOrders, tierCash, tierCashLow, cash } = this;
    for (let k = 0; k < tiers; k++) {
      tierOrders[k] = 0;
      tierCash[k] = 0;
    }
    let totalCash = 0;
    let totalOrders = 0;
    let totalStock = 0;
    for (let c = 0; c < companies; c++) {
      const tier = model.companyTier[c]!;
      totalCash += cash[c]!;
      totalOrders += companyOrders[c]!;
      totalStock += companyStock[c]!;
      cashLow[c] = Math.min(cashLow[c]!, cash[c]!);
      if (tier >= 0) {
        tierOrders[tier]! += companyOrders[c]!;
        tierCash[tier]! += cash[c]!;
        series[(0 * rows + tier) * periods + t]! += companyDemandUnits[c]!;
        series[(1 * rows + tier) * periods + t]! += companyOrders[c]!;
        series[(2 * rows + tier) * periods + t]! += companyStock[c]!;
        series[(3 * rows + tier) * periods + t]! += companyBacklog[c]!;
      }
      if (measuring) {
        backlogSum[c]! += companyBacklog[c]!;
        stockSum[c]! += companyStock[c]!;
        this.orderMoments.add(c, companyOrders[c]!);
        this.demandMoments.add(c, companyDemandUnits[c]!);
        episode[c] = companyBacklog[c]! > 1e-6 ? episode[c]! + 1 : 0;
        longest[c] = Math.max(longest[c]!, episode[c]!);
      }
    }
    for (let k = 0; k < tiers; k++) tierCashLow[k] = Math.min(tierCashLow[k]!, tierCash[k]!);
    series[(0 * rows + tiers) * periods + t] = endDemand;
    series[(1 * rows + tiers) * periods + t] = totalOrders;
    series[(2 * rows + tiers) * periods + t] = totalStock;
    series[(3 * rows + tiers) * periods + t] = endBacklog;
    if (measuring) {
      for (let k = 0; k < tiers; k++) this.tierMoments.add(k, tierOrders[k]! * this.tierWeight[k]!);
      this.endMoments.add(0, endDemand);
      this.orderMoments.count++;
      this.demandMoments.count++;
      this.tierMoments.count++;
      this.endMoments.count++;
    }
    const figures = this.periodFigures;
    figures.cash = totalCash;
    figures.endDemand = endDemand;
    figures.endImmediate = endImmediate;
    figures.endBacklog = endBacklog;
    return figures;
  }

  private startPeriod(t: number, random: Random): void {
    const model = this.model;
    const periods = this.periods;
    const nodes = this.nodes;
    const arcs = this.arcs;
    const { bankrupt, cash, stageCompany, arcBuyer, arcSupplier, onHand, onOrder } = this;
    // Every lead time and delay is shorter than its ring, so slot = now + delay wraps at most once.
    this.transitNow = t % model.transitSlots;
    this.mailNow = model.mailSlots > 0 ? t % model.mailSlots : 0;
    this.payNow = t % model.paySlots;
    for (let c = 0; c < this.companies; c++)
      if (model.bankruptAt[c] === t && bankrupt[c] === 0) this.goBankrupt(c);
    // Payments due, in the model's arc order.
    if (this.pricedArcs) {
      const { payments, payerOf, payeeOf } = this;
      const row = this.payNow * arcs;
      for (let a = 0; a < arcs; a++) {
        const amount = payments[row + a]!;
        if (amount === 0) continue;
        payments[row + a] = 0;
        const buyer = payerOf[a]!;
        if (bankrupt[buyer] === 1) continue; // a bankrupt buyer never pays: the supplier's loss
        cash[buyer]! -= amount;
        cash[payeeOf[a]!]! += amount;
      }
    }
    // Arrivals. (Small arrays are cleared in loops: a call to fill costs more than a few stores.)
    const { transit, ordered, externalNew, immediate, endImmediate, fresh } = this;
    const row = this.transitNow * nodes;
    const receipts = this.layout.receipts;
    const receiptRow = t * nodes;
    for (let n = 0; n < nodes; n++) {
      const arriving = transit[row + n]! + (receipts === undefined ? 0 : receipts[receiptRow + n]!);
      if (arriving !== 0) {
        transit[row + n] = 0;
        onHand[n]! += arriving;
        onOrder[n]! -= arriving;
      }
      ordered[n] = 0;
      externalNew[n] = 0;
      immediate[n] = 0;
      endImmediate[n] = 0;
    }
    for (let k = 0; k < fresh.length; k++) fresh[k] = 0;
    // Orders in the mail reach their suppliers.
    if (this.anyDelay) {
      const { mail, owed, arcSlot } = this;
      const mailRow = this.mailNow * arcs;
      for (let a = 0; a < arcs; a++) {
        const amount = mail[mailRow + a]!;
        if (amount === 0) continue;
        mail[mailRow + a] = 0;
        const buyer = arcBuyer[a]!;
        if (bankrupt[stageCompany[arcSupplier[a]!]!] === 1) {
          onOrder[buyer]! -= amount; // nobody there to take the order
        } else if (bankrupt[stageCompany[buyer]!] === 0) {
          const k = arcSlot[a]!;
          owed[k]! += amount;
          fresh[k]! += amount;
        }
      }
    }
    // End demand.
    const { demandMean, demandStdDev, demandRandom } = model;
    const demandNow = this.demandNow;
    for (let d = 0; d < demandNow.length; d++) {
      const mean = demandMean[d * periods + t]!;
      demandNow[d] =
        demandRandom[d] === 1 ? Math.max(0, random.normal(mean, demandStdDev[d * periods + t]!)) : mean;
    }
  }

  /** Step 2 for stage n: end demand, shipping, forecast and order. */
  private stage(n: number, t: number): void {
    const arcs = this.arcs;
    const { owed, fresh, customerEntry, onHand } = this;
    const c = this.stageCompany[n]!;
    const dead = this.bankrupt[c] === 1;
    const d = this.stageDemand[n]!;
    const endSlot = this.endSlot[n]!;
    if (d >= 0) {
      const quantity = this.demandNow[d]!;
      owed[endSlot]! += quantity;
      fresh[endSlot] = quantity;
    }

    // What is owed, and what is new this period.
    const start = this.customerStart[n]!;
    const end = this.customerStart[n + 1]!;
    let positive = 0;
    let net = 0;
    let received = 0;
    let externalNew = 0;
    let externalOld = 0;
    for (let k = start; k < end; k++) {
      const owedNow = owed[k]!;
      const freshNow = fresh[k]!;
      net += owedNow;
      if (owedNow > 0) positive += owedNow;
      received += freshNow;
      if (customerEntry[k]! < arcs) {
        externalNew += freshNow;
        externalOld += Math.max(0, owedNow - Math.max(0, freshNow));
      }
    }

    // Ship.
    let shipped = 0;
    let externalShipped = 0;
    let endShipped = 0;
    const available = dead ? 0 : Math.max(0, onHand[n]!);
    if (positive > EPSILON && available > EPSILON) {
      // With enough stock every customer gets what it is owed (allocate's first case), read directly.
      const amount = Math.min(available, positive);
      const everything = amount >= positive - EPSILON;
      const scratch = this.shipScratch;
      if (!everything) this.allocate(n, start, end, amount, positive, scratch);
      for (let k = start; k < end; k++) {
        const quantity = everything ? Math.max(0, owed[k]!) : scratch[k - start]!;
        if (quantity <= 0) continue;
        const entry = customerEntry[k]!;
        owed[k]! -= quantity;
        if (entry >= arcs) this.kit[entry - arcs]! += quantity;
        else if (entry === END_CUSTOMERS) this.cash[c]! += quantity * this.endPrice[n]!;
        else this.shipToBuyer(c, entry, quantity, t);
        shipped += quantity;
        if (entry < arcs) externalShipped += quantity;
        if (entry === END_CUSTOMERS) endShipped += quantity;
      }
      onHand[n]! -= shipped;
    }
    this.externalNew[n] = externalNew;
    const wanted = Math.max(0, externalNew);
    this.immediate[n] = Math.min(wanted, Math.max(0, externalShipped - externalOld));
    if (d >= 0) {
      const endNew = fresh[endSlot]!;
      const endOld = Math.max(0, owed[endSlot]! + endShipped - endNew);
      this.endImmediate[n] = Math.min(endNew, Math.max(0, endShipped - endOld));
    }

    // Forecast.
    if (this.model.anySharing) this.share(n, d, start, end);
    const policy = this.policy[n]!;
    let forecast: number;
    let spread = 0;
    if (this.sharing[n] === 1) {
      forecast = this.shared[n]!;
      spread = this.sharedSpread[n]!;
    } else {
      forecast = this.local.observe(n, received);
      // Only order-up-to with safety stock reads the spread.
      if (policy === 0 && this.safetyFactor[n]! !== 0) spread = this.local.spread(n);
    }

    // Order.
    if (dead || this.replenish[n] === 2) return;
    const owedAfter = net - shipped;
    const onOrder = this.onOrder[n]!;
    const position = onHand[n]! - owedAfter + onOrder;
    const lead = this.leadTime[n]!;
    let quantity: number;
    if (policy === 0) {
      // Order-up-to (Chen, Drezner, Ryan & Simchi-Levi 2000): y = L·forecast + z·σ̂·√L.
      const level = lead * forecast + this.safetyFactor[n]! * spread * this.rootLeadTime[n]!;
      quantity = level - position;
    } else if (policy === 1) {
      // (s, S): when the inventory position is at or below s, order up to S (Scarf 1960).
      const layout = this.layout;
      const scale = layout.levelsInUnits[n] === 1 ? 1 : forecast;
      const reorder = layout.reorderPoint[n]! * scale;
      quantity = position <= reorder + EPSILON ? layout.orderUpTo[n]! * scale - position : 0;
    } else {
      // Anchoring and adjustment (Sterman 1989, eq. 7-9): O = L̂ + αS·(S* − S + β·(SL* − SL)).
      const layout = this.layout;
      const stock = onHand[n]! - owedAfter;
      const desiredStock = Number.isNaN(layout.desiredStock[n]!)
        ? layout.desiredStockPeriods[n]! * forecast
        : layout.desiredStock[n]!;
      const desiredLine = Number.isNaN(layout.desiredSupplyLine[n]!)
        ? lead * forecast
        : layout.desiredSupplyLine[n]!;
      quantity =
        forecast + layout.alphaS[n]! * (desiredStock - stock + layout.beta[n]! * (desiredLine - onOrder));
    }
    if (this.allowReturns[n] === 0 && quantity < 0) quantity = 0;
    if (quantity === 0) return;
    this.place(n, quantity, t);
  }

  /**
   * Information sharing: everyone's view of end-customer demand, passed up from customers (computed
   * for every stage, since a sharing stage needs it from customers that do not share themselves).
   */
  private share(n: number, d: number, start: number, end: number): void {
    const arcs = this.arcs;
    let sharedForecast = 0;
    let sharedSpread = 0;
    if (d >= 0) {
      sharedForecast = this.own.observe(n, this.fresh[this.endSlot[n]!]!);
      sharedSpread = this.own.spread(n);
    }
    for (let k = start; k < end; k++) {
      const entry = this.customerEntry[k]!;
      if (entry === END_CUSTOMERS) continue;
      if (entry < arcs) {
        const buyer = this.arcBuyer[entry]!;
        if (this.replenish[buyer] !== 0) continue;
        sharedForecast += this.arcShare[entry]! * this.shared[buyer]!;
        sharedSpread += this.arcShare[entry]! * this.sharedSpread[buyer]!;
      } else {
        const line = entry - arcs;
        const owner = this.layout.lineOwner[line]!;
        const perUnit = this.bomQuantity[line]! / this.yieldRate[owner]!;
        sharedForecast += perUnit * this.shared[owner]!;
        sharedSpread += perUnit * this.sharedSpread[owner]!;
      }
    }
    this.shared[n] = sharedForecast;
    this.sharedSpread[n] = sharedSpread;
  }

  /** Places a replenishment order of stage n (negative only when returns are allowed). */
  private place(n: number, quantity: number, _t: number): void {
    const { owed, fresh } = this;
    if (this.replenish[n] === 1) {
      this.productionBacklog[n]! += quantity;
      this.onOrder[n]! += quantity;
      this.ordered[n] = quantity;
      const starts = quantity / this.yieldRate[n]!;
      const lineSlot = this.lineSlot;
      for (let l = this.bomStart[n]!; l < this.bomStart[n + 1]!; l++) {
        const amount = starts * this.bomQuantity[l]!;
        const k = lineSlot[l]!;
        owed[k]! += amount;
        fresh[k]! += amount;
      }
      return;
    }
    const { arcShare, arcSupplier, bankrupt, stageCompany } = this;
    const first = this.arcStart[n]!;
    const last = this.arcStart[n + 1]!;
    // The shares of the suppliers still in business (all of them, summed the same way, until a
    // company goes bankrupt).
    const everyone = !this.anyBankrupt;
    let active = 0;
    if (everyone) active = this.shareSum[n]!;
    else {
      for (let a = first; a < last; a++) {
        if (bankrupt[stageCompany[arcSupplier[a]!]!] === 0) active += arcShare[a]!;
      }
    }
    if (active <= EPSILON) return; // every supplier is gone: nothing can be ordered
    const mailSlots = this.model.mailSlots;
    for (let a = first; a < last; a++) {
      if (!everyone && bankrupt[stageCompany[arcSupplier[a]!]!] === 1) continue;
      const amount = (quantity * arcShare[a]!) / active;
      const delay = this.arcDelay[a]!;
      if (delay === 0) {
        const k = this.arcSlot[a]!;
        owed[k]! += amount;
        fresh[k]! += amount;
      } else {
        let slot = this.mailNow + delay;
        if (slot >= mailSlots) slot -= mailSlots;
        this.mail[slot * this.arcs + a]! += amount;
      }
    }
    this.onOrder[n]! += quantity;
    this.ordered[n] = quantity;
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
    const layout = this.layout;
    const { owed, fresh } = this;
    const rule = layout.allocation[n]!;
    if (amount >= total - EPSILON) {
      for (let k = start; k < end; k++) into[k - start] = Math.max(0, owed[k]!);
      return;
    }
    if (rule === 0) {
      const share = amount / total;
      for (let k = start; k < end; k++) into[k - start] = Math.max(0, owed[k]!) * share;
      return;
    }
    if (rule === 1) {
      let old = 0;
      for (let k = start; k < end; k++) {
        const owedNow = Math.max(0, owed[k]!);
        into[k - start] = Math.max(0, owedNow - Math.max(0, fresh[k]!));
        old += into[k - start]!;
      }
      if (amount <= old) {
        const share = old > 0 ? amount / old : 0;
        for (let k = start; k < end; k++) into[k - start]! *= share;
        return;
      }
      const rest = amount - old;
      const freshTotal = total - old;
      const share = freshTotal > 0 ? rest / freshTotal : 0;
      for (let k = start; k < end; k++) {
        const owedNow = Math.max(0, owed[k]!);
        into[k - start]! += (owedNow - into[k - start]!) * share;
      }
      return;
    }
    const customerRank = layout.customerRank;
    let left = amount;
    let k = start;
    while (k < end) {
      const rank = customerRank[k]!;
      let group = k;
      let owedInRank = 0;
      while (group < end && customerRank[group] === rank) {
        owedInRank += Math.max(0, owed[group]!);
        group++;
      }
      const share = owedInRank > 0 ? Math.min(1, left / owedInRank) : 0;
      for (let j = k; j < group; j++) into[j - start] = Math.max(0, owed[j]!) * share;
      left -= owedInRank * share;
      k = group;
    }
  }

  /** Ships `quantity` of company c's stage on arc a to its buyer in period t (goods and invoice). */
  private shipToBuyer(c: number, a: number, quantity: number, t: number): void {
    const model = this.model;
    const layout = this.layout;
    const buyer = this.arcBuyer[a]!;
    const nominal = this.arcLead[a]!;
    let lead = nominal;
    for (let e = layout.laneStart[a]!; e < layout.laneStart[a + 1]!; e++) {
      if (t >= layout.laneFrom[e]! && t < layout.laneTo[e]!)
        lead = Math.max(lead, nominal + layout.laneExtra[e]!);
    }
    let slot = this.transitNow + lead;
    if (slot >= model.transitSlots) slot -= model.transitSlots;
    this.transit[slot * this.nodes + buyer]! += quantity;
    const value = quantity * this.arcPrice[a]!;
    if (value <= 0) return;
    const payer = this.stageCompany[buyer]!;
    const term = model.paymentTerm[payer]!;
    let due = term;
    for (let e = model.payStart[payer]!; e < model.payStart[payer + 1]!; e++) {
      const when = t + term;
      if (when >= model.payFrom[e]! && when < model.payTo[e]!) due = Math.max(due, term + model.payExtra[e]!);
    }
    if (due === 0) {
      this.cash[payer]! -= value;
      this.cash[c]! += value;
    } else {
      let paySlot = this.payNow + due;
      if (paySlot >= model.paySlots) paySlot -= model.paySlots;
      this.payments[paySlot * this.arcs + this.arcOf[a]!]! += value;
    }
  }

  /** Step 3: production starts within capacity, capacity groups and components. */
  private produce(t: number): void {
    const model = this.model;
    const flat = model.flat;
    const layout = this.layout;
    const periods = this.periods;
    const { groupLeft, bankrupt, kit, bomStart, bomQuantity, yieldRate, stageCompany } = this;
    const { capacityFactor, overtime } = model;
    for (let g = 0; g < groupLeft.length; g++) {
      const c = this.groupCompany[g]!;
      const maximum = flat.groupMaximum[g * periods + t]!;
      const capacity =
        overtime[c] === 1 && !Number.isNaN(maximum) ? maximum : flat.groupCapacity[g * periods + t]!;
      groupLeft[g] = bankrupt[c] === 1 ? 0 : capacity * capacityFactor[c * periods + t]!;
    }
    const { groupStart, nodeGroup, nodeGroupLoad, productionLead, makers, makerCapacity, unitCost } = layout;
    const nodes = this.nodes;
    const capacityRow = t * makers.length;
    for (let i = 0; i < makers.length; i++) {
      const n = makers[i]!;
      const wanted = this.productionBacklog[n]!;
      if (wanted <= EPSILON) continue;
      const c = stageCompany[n]!;
      if (bankrupt[c] === 1) continue;
      const yieldRateNow = yieldRate[n]!;
      const capacity = makerCapacity[capacityRow + i]!;
      let starts = Math.min(wanted / yieldRateNow, capacity * capacityFactor[c * periods + t]!);
      const firstLine = bomStart[n]!;
      const lastLine = bomStart[n + 1]!;
      for (let l = firstLine; l < lastLine; l++) {
        starts = Math.min(starts, Math.max(0, kit[l]!) / bomQuantity[l]!);
      }
      const firstGroup = groupStart[n]!;
      const lastGroup = groupStart[n + 1]!;
      for (let k = firstGroup; k < lastGroup; k++) {
        starts = Math.min(starts, Math.max(0, groupLeft[nodeGroup[k]!]!) / nodeGroupLoad[k]!);
      }
      if (starts <= EPSILON) continue;
      for (let l = firstLine; l < lastLine; l++) kit[l]! -= starts * bomQuantity[l]!;
      for (let k = firstGroup; k < lastGroup; k++) groupLeft[nodeGroup[k]!]! -= starts * nodeGroupLoad[k]!;
      const good = starts * yieldRateNow;
      this.productionBacklog[n]! -= good;
      this.cash[c]! -= starts * unitCost[n]!;
      const lead = productionLead[n]!;
      if (lead === 0) {
        this.onHand[n]! += good;
        this.onOrder[n]! -= good;
      } else {
        let slot = this.transitNow + lead;
        if (slot >= model.transitSlots) slot -= model.transitSlots;
        this.transit[slot * nodes + n]! += good;
      }
    }
  }

  /** Step 4: a tracked company below zero for more than its grace periods goes bankrupt. */
  private checkCash(): void {
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
    const { owed, arcSlot } = this;
    const companyStage = this.layout.companyStage;
    this.bankrupt[c] = 1;
    this.anyBankrupt = true;
    for (let s = model.companyStageStart[c]!; s < model.companyStageStart[c + 1]!; s++) {
      const n = companyStage[s]!;
      for (let k = this.customerStart[n]!; k < this.customerStart[n + 1]!; k++) {
        const a = this.customerEntry[k]!;
        if (a < 0 || a >= this.arcs) continue;
        const owedNow = owed[k]!;
        if (owedNow > 0) {
          this.onOrder[this.arcBuyer[a]!]! -= owedNow;
          this.lost[c]! += owedNow * this.arcPrice[a]!;
        }
        owed[k] = 0;
      }
      for (let a = this.arcStart[n]!; a < this.arcStart[n + 1]!; a++) {
        const k = arcSlot[a]!;
        const owedNow = owed[k]!;
        if (owedNow > 0) this.lost[this.stageCompany[this.arcSupplier[a]!]!]! += owedNow * this.arcPrice[a]!;
        owed[k] = 0;
      }
    }
  }
}
