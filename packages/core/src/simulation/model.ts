/**
 * @module simulation/model
 * A network and a scenario compiled once into the flat, typed-array model the simulator runs on: one
 * stage per company and item (the planner's nodes, `planning/flatten.ts`), purchase arcs and
 * bill-of-materials lines as index lists, every per-company and per-stage setting of the scenario as
 * a typed array, every event as a per-period factor or a short index list. Runs then touch only
 * arrays; no object graph is built per period. The model is plain data and can be rebuilt in a worker
 * from the network and scenario (compiling is deterministic) or passed by structured clone.
 */
import type { Network } from '../model/schema.ts';
import { computeTiers } from '../model/tiers.ts';
import { arcBuyers, type FlatNetwork, flattenNetwork } from '../planning/flatten.ts';
import {
  type AllocationRule,
  type CompanySettings,
  DEFAULT_COMPANY_SETTINGS,
  DEFAULT_ORDERING_POLICY,
  type DemandPattern,
  daysToPeriods,
  type OrderingPolicy,
  type Scenario,
  STERMAN_PARAMETERS,
} from './scenario.ts';

/** Ordering policy codes in `SimulationModel.policy`. */
export const POLICY_CODES = { 'order-up-to': 0, 's-S': 1, 'anchoring-adjustment': 2 } as const;
/** Allocation rule codes in `SimulationModel.allocation`. */
export const ALLOCATION_CODES: Record<AllocationRule, number> = { proportional: 0, fifo: 1, priority: 2 };
/** A customer entry of a stage that stands for its end customers (not an arc or a BOM line). */
export const END_CUSTOMERS = -1;

/** The compiled simulation model: the flattened network plus the scenario as arrays. */
export interface SimulationModel {
  readonly scenario: string;
  readonly network: string;
  readonly periods: number;
  readonly warmUp: number;
  /** steady: stages start in equilibrium; network: from the network's inventory and open orders. */
  readonly initialState: 'steady' | 'network';
  readonly flat: FlatNetwork;
  // ---- companies
  readonly companyIds: readonly string[];
  /** Company of each stage. */
  readonly stageCompany: Int32Array;
  /** Stages of company c: `companyStage[companyStageStart[c] .. companyStageStart[c+1]]`. */
  readonly companyStageStart: Int32Array;
  readonly companyStage: Int32Array;
  /** Tier of each company, -1 for companies in no chain; `tiers` is the number of tiers. */
  readonly companyTier: Int32Array;
  readonly tiers: number;
  // ---- purchase arcs (the flat network's `arc*` arrays: buyer stage → supplier stage)
  readonly arcBuyer: Int32Array;
  /** Periods from shipment to arrival (the lane's lead time, at least 1). */
  readonly arcLead: Int32Array;
  /** Information delay: periods an order takes to reach the supplier. */
  readonly arcDelay: Int32Array;
  readonly arcPrice: Float64Array;
  /** Lane-delay events of arc a: `laneFrom/laneTo/laneExtra[laneStart[a] .. laneStart[a+1]]`. */
  readonly laneStart: Int32Array;
  readonly laneFrom: Int32Array;
  readonly laneTo: Int32Array;
  readonly laneExtra: Int32Array;
  // ---- bill-of-materials lines (the flat network's `bom*` arrays)
  readonly lineOwner: Int32Array;
  // ---- customers of each stage, in allocation order: arc index, `arcs + line`, or END_CUSTOMERS
  readonly customerStart: Int32Array;
  readonly customerEntry: Int32Array;
  /** Priority rank of each entry (lower first); equal ranks share proportionally. */
  readonly customerRank: Int32Array;
  // ---- end demand
  /** Stages with end demand, and each stage's demand index (-1 for none). */
  readonly demandStage: Int32Array;
  readonly stageDemand: Int32Array;
  /** 1 when the demand is drawn from a normal distribution, else it is `demandMean`. */
  readonly demandRandom: Uint8Array;
  /** Mean and standard deviation per demand × period, with changes and events applied. */
  readonly demandMean: Float64Array;
  readonly demandStdDev: Float64Array;
  /** Price per unit of end demand per stage (0 when unknown). */
  readonly endPrice: Float64Array;
  // ---- policies, per stage (from the stage's company)
  readonly policy: Uint8Array;
  /** 0 moving average, 1 exponential smoothing (also Sterman's expected demand). */
  readonly forecast: Uint8Array;
  readonly forecastPeriods: Int32Array;
  /** Offsets of each stage's moving-average history in a shared buffer. */
  readonly historyStart: Int32Array;
  readonly alpha: Float64Array;
  readonly safetyFactor: Float64Array;
  readonly reorderPoint: Float64Array;
  readonly orderUpTo: Float64Array;
  /** 1 when s and S are units, 0 when they are periods of forecast demand. */
  readonly levelsInUnits: Uint8Array;
  readonly alphaS: Float64Array;
  readonly beta: Float64Array;
  /** Desired stock in units, NaN when given as periods (`desiredStockPeriods`). */
  readonly desiredStock: Float64Array;
  readonly desiredStockPeriods: Float64Array;
  /** Desired supply line in units, NaN for lead time × expected demand. */
  readonly desiredSupplyLine: Float64Array;
  readonly sharing: Uint8Array;
  readonly anySharing: boolean;
  readonly allowReturns: Uint8Array;
  readonly allocation: Uint8Array;
  /** Replenishment lead time L of each stage as its policy sees it (Chen et al.'s L). */
  readonly leadTime: Float64Array;
  /** 1 when the stage replenishes by production, 0 by purchase, 2 when it cannot replenish. */
  readonly replenish: Uint8Array;
  /** 1 when the stage's replenishment orders count as its company's orders for the bullwhip ratio. */
  readonly countsOrders: Uint8Array;
  // ---- steady state
  /** Mean throughput per period at the start (period 0's end demand through shares and BOMs). */
  readonly rate: Float64Array;
  /** Standard deviation of the stage's demand at the start (end demand's, passed on linearly). */
  readonly spread: Float64Array;
  /** End-demand units per unit of the stage's item: converts series to one unit for bullwhip ratios. */
  readonly endUnits: Float64Array;
  // ---- events and finance, per company
  /** Capacity factor per company × period (supplier failure 0, region capacity). */
  readonly capacityFactor: Float64Array;
  /** Period of a scheduled bankruptcy, -1 for none. */
  readonly bankruptAt: Int32Array;
  readonly cash: Float64Array;
  readonly creditLine: Float64Array;
  /** 1 when the company may produce up to its maximum capacity (overtime). */
  readonly overtime: Uint8Array;
  /** 1 when the company has a cash balance in the network, so it can go bankrupt. */
  readonly cashTracked: Uint8Array;
  readonly gracePeriods: Int32Array;
  /** Payment term of the company as a buyer, in periods. */
  readonly paymentTerm: Int32Array;
  /** Payment-delay events of company c: `payFrom/payTo/payExtra[payStart[c] .. payStart[c+1]]`. */
  readonly payStart: Int32Array;
  readonly payFrom: Int32Array;
  readonly payTo: Int32Array;
  readonly payExtra: Int32Array;
  // ---- costs, per stage
  readonly unitCost: Float64Array;
  readonly holdingCost: Float64Array;
  readonly backlogCost: number;
  // ---- ring sizes
  /** Longer than any shipment or production lead time (with delays). */
  readonly transitSlots: number;
  /** Longer than any information delay (0: orders reach suppliers at once). */
  readonly mailSlots: number;
  /** Longer than any payment term with its delay. */
  readonly paySlots: number;
}

/** The period (0-based, exclusive end) of an event's window. */
function windowOf(event: {
  from: number;
  to?: number | undefined;
  duration?: number | undefined;
}): [number, number] {
  return [event.from, event.to ?? event.from + (event.duration ?? 1)];
}

/**
 * Compiles `network` and a validated `scenario` into the simulation model. Deterministic: the same
 * inputs give the same arrays, so every worker may compile its own copy.
 */
export function compileSimulation(network: Network, scenario: Scenario): SimulationModel {
  const periods = scenario.periods ?? network.horizon;
  const flat = flattenNetwork(network, periods);
  const nodes = flat.nodes;
  const arcs = flat.arcSupplier.length;
  const lines = flat.bomNode.length;

  // Companies and their stages.
  const companyIds = network.companies.map((company) => company.id);
  const companyIndex = new Map(companyIds.map((id, index) => [id, index]));
  const companies = companyIds.length;
  const stageCompany = new Int32Array(nodes);
  for (let n = 0; n < nodes; n++) stageCompany[n] = companyIndex.get(flat.company[n]!) ?? 0;
  const companyStageStart = new Int32Array(companies + 1);
  for (let n = 0; n < nodes; n++) companyStageStart[stageCompany[n]! + 1]!++;
  for (let c = 0; c < companies; c++) companyStageStart[c + 1]! += companyStageStart[c]!;
  const companyStage = new Int32Array(nodes);
  const fill = companyStageStart.slice(0, companies);
  for (let n = 0; n < nodes; n++) companyStage[fill[stageCompany[n]!]!++] = n;
  const tierMap = computeTiers(network);
  const companyTier = new Int32Array(companies).fill(-1);
  let tiers = 0;
  companyIds.forEach((id, c) => {
    const tier = tierMap.get(id);
    if (tier !== undefined) {
      companyTier[c] = tier;
      tiers = Math.max(tiers, tier + 1);
    }
  });

  // Settings per company: defaults, the policy section, then the company's override.
  const section = scenario.policy ?? {};
  const base: CompanySettings = {
    informationSharing: section.informationSharing ?? DEFAULT_COMPANY_SETTINGS.informationSharing,
    informationDelay: section.informationDelay ?? DEFAULT_COMPANY_SETTINGS.informationDelay,
    allocation: section.allocation ?? DEFAULT_COMPANY_SETTINGS.allocation,
    priority: section.priority ?? DEFAULT_COMPANY_SETTINGS.priority,
    allowReturns: section.allowReturns ?? DEFAULT_COMPANY_SETTINGS.allowReturns,
    overtime: section.overtime ?? DEFAULT_COMPANY_SETTINGS.overtime,
    bankruptcyGracePeriods: section.bankruptcyGracePeriods ?? DEFAULT_COMPANY_SETTINGS.bankruptcyGracePeriods,
  };
  const baseOrdering = section.default ?? DEFAULT_ORDERING_POLICY;
  const settings: CompanySettings[] = [];
  const orderings: OrderingPolicy[] = [];
  for (const id of companyIds) {
    const override = section.companies?.[id];
    settings.push({
      informationSharing: override?.informationSharing ?? base.informationSharing,
      informationDelay: override?.informationDelay ?? base.informationDelay,
      allocation: override?.allocation ?? base.allocation,
      priority: override?.priority ?? base.priority,
      allowReturns: override?.allowReturns ?? base.allowReturns,
      overtime: override?.overtime ?? base.overtime,
      bankruptcyGracePeriods: override?.bankruptcyGracePeriods ?? base.bankruptcyGracePeriods,
    });
    orderings.push(override?.ordering ?? baseOrdering);
  }

  // Arcs.
  const arcBuyer = arcBuyers(flat.arcStart);
  const arcLead = new Int32Array(arcs);
  const arcDelay = new Int32Array(arcs);
  const arcPrice = new Float64Array(arcs);
  const unitCost = new Float64Array(nodes);
  const holdingCost = new Float64Array(nodes).fill(scenario.costs?.holding ?? 0);
  const productions = network.production ?? [];
  for (let n = 0; n < nodes; n++) {
    const record = flat.production[n]! >= 0 ? productions[flat.production[n]!] : undefined;
    if (record === undefined) continue;
    unitCost[n] = record.unitCost ?? 0;
    if (record.holdingCost !== undefined && scenario.costs?.holding === undefined)
      holdingCost[n] = record.holdingCost;
  }
  {
    // Lane prices by (buyer company and item, supplier company), keyed by numbers: at 60,000 companies
    // a string key per sourcing line and per arc cost more than the rest of this block.
    const itemIndex = new Map((network.items ?? []).map((item, index) => [item.id, index]));
    const items = itemIndex.size + 1;
    const prices = new Map<number, Map<number, number>>();
    for (const rule of network.sourcing ?? []) {
      const buyer = companyIndex.get(rule.buyer);
      const item = itemIndex.get(rule.item);
      if (buyer === undefined || item === undefined) continue;
      for (const line of rule.suppliers) {
        const supplier = companyIndex.get(line.supplier);
        if (line.unitPrice === undefined || supplier === undefined) continue;
        const key = buyer * items + item;
        let bySupplier = prices.get(key);
        if (bySupplier === undefined) {
          bySupplier = new Map();
          prices.set(key, bySupplier);
        }
        bySupplier.set(supplier, line.unitPrice);
      }
    }
    const stageItem = Int32Array.from(flat.item, (id) => itemIndex.get(id) ?? items - 1);
    for (let a = 0; a < arcs; a++) {
      const buyer = arcBuyer[a]!;
      const supplier = flat.arcSupplier[a]!;
      arcLead[a] = Math.max(1, flat.arcLeadTime[a]!);
      arcDelay[a] = settings[stageCompany[buyer]!]!.informationDelay;
      arcPrice[a] =
        prices.get(stageCompany[buyer]! * items + stageItem[buyer]!)?.get(stageCompany[supplier]!) ??
        unitCost[supplier]!;
    }
  }
  const lineOwner = new Int32Array(lines);
  for (let n = 0; n < nodes; n++)
    for (let l = flat.bomStart[n]!; l < flat.bomStart[n + 1]!; l++) lineOwner[l] = n;

  // End demand.
  const demandSpecs = endDemand(network, scenario, periods);
  const demandStage = new Int32Array(demandSpecs.length);
  const stageDemand = new Int32Array(nodes).fill(-1);
  const demandRandom = new Uint8Array(demandSpecs.length);
  const demandMean = new Float64Array(demandSpecs.length * periods);
  const demandStdDev = new Float64Array(demandSpecs.length * periods);
  const endPrice = new Float64Array(nodes);
  const nodeOf = stageLookup(flat);
  demandSpecs.forEach((spec, d) => {
    const n = nodeOf(spec.company, spec.item);
    demandStage[d] = n;
    stageDemand[n] = d;
    endPrice[n] = spec.price;
    demandRandom[d] = spec.random ? 1 : 0;
    demandMean.set(spec.mean, d * periods);
    demandStdDev.set(spec.stdDev, d * periods);
  });
  for (const event of scenario.events ?? []) {
    if (event.type !== 'demand-change') continue;
    const [from, to] = windowOf(event);
    demandSpecs.forEach((spec, d) => {
      if (spec.company !== event.company || (event.item !== undefined && spec.item !== event.item)) return;
      for (let t = from; t < Math.min(to, periods); t++) {
        demandMean[d * periods + t]! *= event.factor;
        demandStdDev[d * periods + t]! *= event.factor;
      }
    });
  }

  // Customers of each stage, in allocation order.
  const customerStart = new Int32Array(nodes + 1);
  for (let a = 0; a < arcs; a++) customerStart[flat.arcSupplier[a]! + 1]!++;
  for (let l = 0; l < lines; l++) customerStart[flat.bomNode[l]! + 1]!++;
  for (let n = 0; n < nodes; n++) if (stageDemand[n]! >= 0) customerStart[n + 1]!++;
  for (let n = 0; n < nodes; n++) customerStart[n + 1]! += customerStart[n]!;
  const customerEntry = new Int32Array(customerStart[nodes]!);
  const customerRank = new Int32Array(customerStart[nodes]!);
  {
    const at = customerStart.slice(0, nodes);
    for (let n = 0; n < nodes; n++) if (stageDemand[n]! >= 0) customerEntry[at[n]!++] = END_CUSTOMERS;
    for (let a = 0; a < arcs; a++) customerEntry[at[flat.arcSupplier[a]!]!++] = a;
    for (let l = 0; l < lines; l++) customerEntry[at[flat.bomNode[l]!]!++] = arcs + l;
    const rankOf = companyIds.map((_, c) => {
      const list = settings[c]!.priority;
      return new Map(list.map((id, rank) => [id, rank]));
    });
    for (let n = 0; n < nodes; n++) {
      const start = customerStart[n]!;
      const end = customerStart[n + 1]!;
      const ranks = rankOf[stageCompany[n]!]!;
      if (ranks.size === 0) continue; // no priority list: every customer has rank 0, in arc order
      const unlisted = ranks.size;
      const entries = Array.from(customerEntry.subarray(start, end), (entry) => {
        const buyer = entry === END_CUSTOMERS ? -1 : entry < arcs ? arcBuyer[entry]! : -1;
        const rank = buyer < 0 ? unlisted : (ranks.get(flat.company[buyer]!) ?? unlisted);
        return { entry, rank };
      });
      entries.sort((x, y) => x.rank - y.rank); // stable: equal ranks keep their order
      entries.forEach(({ entry, rank }, k) => {
        customerEntry[start + k] = entry;
        customerRank[start + k] = rank;
      });
    }
  }

  // Policies per stage.
  const policy = new Uint8Array(nodes);
  const forecast = new Uint8Array(nodes);
  const forecastPeriods = new Int32Array(nodes).fill(1);
  const alpha = new Float64Array(nodes);
  const safetyFactor = new Float64Array(nodes);
  const reorderPoint = new Float64Array(nodes);
  const orderUpTo = new Float64Array(nodes);
  const levelsInUnits = new Uint8Array(nodes);
  const alphaS = new Float64Array(nodes);
  const beta = new Float64Array(nodes);
  const desiredStock = new Float64Array(nodes).fill(Number.NaN);
  const desiredStockPeriods = new Float64Array(nodes);
  const desiredSupplyLine = new Float64Array(nodes).fill(Number.NaN);
  const sharing = new Uint8Array(nodes);
  const allowReturns = new Uint8Array(nodes);
  const allocation = new Uint8Array(nodes);
  const historyStart = new Int32Array(nodes + 1);
  for (let n = 0; n < nodes; n++) {
    const c = stageCompany[n]!;
    const ordering = orderings[c]!;
    const setting = settings[c]!;
    policy[n] = POLICY_CODES[ordering.type];
    sharing[n] = setting.informationSharing ? 1 : 0;
    allowReturns[n] = setting.allowReturns ? 1 : 0;
    allocation[n] = ALLOCATION_CODES[setting.allocation];
    if (ordering.type === 'anchoring-adjustment') {
      forecast[n] = 1;
      alpha[n] = ordering.theta ?? STERMAN_PARAMETERS.theta;
      alphaS[n] = ordering.alphaS ?? STERMAN_PARAMETERS.alphaS;
      beta[n] = ordering.beta ?? STERMAN_PARAMETERS.beta;
      desiredStock[n] = ordering.desiredStock ?? Number.NaN;
      desiredStockPeriods[n] = ordering.desiredStockPeriods ?? 2;
      desiredSupplyLine[n] = ordering.desiredSupplyLine ?? Number.NaN;
    } else {
      const method = ordering.forecast ?? { type: 'moving-average', periods: 4 };
      if (method.type === 'moving-average') forecastPeriods[n] = method.periods;
      else {
        forecast[n] = 1;
        alpha[n] = method.alpha;
      }
      if (ordering.type === 'order-up-to') safetyFactor[n] = ordering.safetyFactor ?? 0;
      else {
        reorderPoint[n] = ordering.s;
        orderUpTo[n] = ordering.S;
        levelsInUnits[n] = ordering.levelsIn === 'units' ? 1 : 0;
      }
    }
    historyStart[n + 1] = historyStart[n]! + (forecast[n] === 0 ? forecastPeriods[n]! : 0);
  }

  // How each stage replenishes, and its lead time as its policy sees it.
  const replenish = new Uint8Array(nodes);
  const leadTime = new Float64Array(nodes);
  for (let n = 0; n < nodes; n++) {
    if (flat.production[n]! >= 0) {
      replenish[n] = 1;
      leadTime[n] = Math.max(1, flat.leadTime[n]!);
    } else if (flat.arcStart[n + 1]! > flat.arcStart[n]!) {
      replenish[n] = 0;
      let lead = 0;
      for (let a = flat.arcStart[n]!; a < flat.arcStart[n + 1]!; a++) {
        lead += flat.arcShare[a]! * (arcDelay[a]! + arcLead[a]!);
      }
      leadTime[n] = lead;
    } else {
      replenish[n] = 2;
      leadTime[n] = 1;
    }
  }
  const buysSomething = new Uint8Array(companies);
  for (let n = 0; n < nodes; n++) if (replenish[n] === 0) buysSomething[stageCompany[n]!] = 1;
  const countsOrders = new Uint8Array(nodes);
  for (let n = 0; n < nodes; n++) {
    countsOrders[n] = (buysSomething[stageCompany[n]!] ? replenish[n] === 0 : replenish[n] === 1) ? 1 : 0;
  }

  // Throughput at the start (initial forecasts) and on average over the run (end-demand units).
  const endAt = (value: (d: number) => number): Float64Array => {
    const values = new Float64Array(nodes);
    for (let d = 0; d < demandSpecs.length; d++) values[demandStage[d]!]! += value(d);
    return values;
  };
  const rate = propagate(
    flat,
    replenish,
    endAt((d) => demandMean[d * periods]!),
  );
  const spread = propagate(
    flat,
    replenish,
    endAt((d) => demandStdDev[d * periods]!),
  );
  const averageEnd = endAt((d) => {
    let sum = 0;
    for (let t = 0; t < periods; t++) sum += demandMean[d * periods + t]!;
    return sum / periods;
  });
  const averageRate = propagate(flat, replenish, averageEnd);
  const endFlow = propagate(flat, replenish, averageEnd, true);
  const endUnits = new Float64Array(nodes);
  for (let n = 0; n < nodes; n++) endUnits[n] = averageRate[n]! > 0 ? endFlow[n]! / averageRate[n]! : 0;

  // Events per company.
  const capacityFactor = new Float64Array(companies * periods).fill(1);
  const bankruptAt = new Int32Array(companies).fill(-1);
  const regionOf = network.companies.map((company) => company.site.region);
  const payEvents: { company: number; from: number; to: number; extra: number }[] = [];
  const laneEvents: { arc: number; from: number; to: number; extra: number }[] = [];
  for (const event of scenario.events ?? []) {
    switch (event.type) {
      case 'supplier-failure': {
        const c = companyIndex.get(event.company)!;
        const [from, to] = windowOf(event);
        for (let t = from; t < Math.min(to, periods); t++) capacityFactor[c * periods + t] = 0;
        break;
      }
      case 'region-capacity': {
        const [from, to] = windowOf(event);
        regionOf.forEach((region, c) => {
          if (region !== event.region) return;
          for (let t = from; t < Math.min(to, periods); t++) capacityFactor[c * periods + t]! *= event.factor;
        });
        break;
      }
      case 'bankruptcy': {
        const c = companyIndex.get(event.company)!;
        bankruptAt[c] = bankruptAt[c]! < 0 ? event.at : Math.min(bankruptAt[c]!, event.at);
        break;
      }
      case 'payment-delay': {
        const [from, to] = windowOf(event);
        const extra = daysToPeriods(event.extraDays, network.period);
        payEvents.push({ company: companyIndex.get(event.company)!, from, to, extra });
        break;
      }
      case 'lane-delay': {
        const [from, to] = windowOf(event);
        for (let a = 0; a < arcs; a++) {
          const buyer = arcBuyer[a]!;
          const supplier = flat.arcSupplier[a]!;
          if (flat.company[buyer] !== event.buyer || flat.company[supplier] !== event.supplier) continue;
          if (event.item !== undefined && flat.item[buyer] !== event.item) continue;
          laneEvents.push({ arc: a, from, to, extra: event.extraLeadTime });
        }
        break;
      }
      case 'demand-change':
        break;
    }
  }
  const lanes = groupEvents(laneEvents, (event) => event.arc, arcs);
  const pays = groupEvents(payEvents, (event) => event.company, companies);

  // Finance.
  const cash = new Float64Array(companies);
  const creditLine = new Float64Array(companies);
  const cashTracked = new Uint8Array(companies);
  const overtime = Uint8Array.from(settings, (setting) => (setting.overtime ? 1 : 0));
  const gracePeriods = new Int32Array(companies);
  const paymentTerm = new Int32Array(companies);
  network.companies.forEach((company, c) => {
    cash[c] = company.cash ?? 0;
    cashTracked[c] = company.cash === undefined ? 0 : 1;
    creditLine[c] = company.creditLine ?? 0;
    gracePeriods[c] = settings[c]!.bankruptcyGracePeriods;
    paymentTerm[c] = daysToPeriods(company.paymentTermDays ?? 0, network.period);
  });

  let transitSlots = 2;
  for (let a = 0; a < arcs; a++) {
    let extra = 0;
    for (let e = lanes.start[a]!; e < lanes.start[a + 1]!; e++) extra = Math.max(extra, lanes.extra[e]!);
    transitSlots = Math.max(transitSlots, arcLead[a]! + extra + 1);
  }
  for (let n = 0; n < nodes; n++) transitSlots = Math.max(transitSlots, flat.leadTime[n]! + 1);
  let mailSlots = 0;
  for (let a = 0; a < arcs; a++) mailSlots = Math.max(mailSlots, arcDelay[a]! + 1);
  let paySlots = 1;
  for (let c = 0; c < companies; c++) {
    let extra = 0;
    for (let e = pays.start[c]!; e < pays.start[c + 1]!; e++) extra = Math.max(extra, pays.extra[e]!);
    paySlots = Math.max(paySlots, paymentTerm[c]! + extra + 1);
  }

  return {
    scenario: scenario.name,
    network: network.name,
    periods,
    warmUp: scenario.warmUp ?? 0,
    initialState: scenario.initialState ?? 'steady',
    flat,
    companyIds,
    stageCompany,
    companyStageStart,
    companyStage,
    companyTier,
    tiers,
    arcBuyer,
    arcLead,
    arcDelay,
    arcPrice,
    laneStart: lanes.start,
    laneFrom: lanes.from,
    laneTo: lanes.to,
    laneExtra: lanes.extra,
    lineOwner,
    customerStart,
    customerEntry,
    customerRank,
    demandStage,
    stageDemand,
    demandRandom,
    demandMean,
    demandStdDev,
    endPrice,
    policy,
    forecast,
    forecastPeriods,
    historyStart,
    alpha,
    safetyFactor,
    reorderPoint,
    orderUpTo,
    levelsInUnits,
    alphaS,
    beta,
    desiredStock,
    desiredStockPeriods,
    desiredSupplyLine,
    sharing,
    anySharing: sharing.some((value) => value === 1),
    allowReturns,
    allocation,
    leadTime,
    replenish,
    countsOrders,
    rate,
    spread,
    endUnits,
    capacityFactor,
    bankruptAt,
    cash,
    creditLine,
    cashTracked,
    overtime,
    gracePeriods,
    paymentTerm,
    payStart: pays.start,
    payFrom: pays.from,
    payTo: pays.to,
    payExtra: pays.extra,
    unitCost,
    holdingCost,
    backlogCost: scenario.costs?.backlog ?? 0,
    transitSlots,
    mailSlots,
    paySlots,
  };
}

/**
 * Mean flow through every stage for the given end demand per stage, consumers first: a stage that
 * makes passes its starts times the BOM quantities to its components, a stage that buys passes its
 * flow times the shares to its suppliers. With `endUnits`, flows are counted in end-demand units
 * (BOM quantities and yields left out), so a flow divided by the plain one converts a stage's units.
 */
function propagate(
  flat: FlatNetwork,
  replenish: Uint8Array,
  end: Float64Array,
  endUnits = false,
): Float64Array {
  const flow = Float64Array.from(end);
  for (let i = 0; i < flat.nodes; i++) {
    const n = flat.order[i]!;
    if (replenish[n] === 1) {
      const starts = endUnits ? flow[n]! : flow[n]! / flat.yieldRate[n]!;
      for (let l = flat.bomStart[n]!; l < flat.bomStart[n + 1]!; l++) {
        flow[flat.bomNode[l]!]! += endUnits ? starts : starts * flat.bomQuantity[l]!;
      }
    } else if (replenish[n] === 0) {
      for (let a = flat.arcStart[n]!; a < flat.arcStart[n + 1]!; a++) {
        flow[flat.arcSupplier[a]!]! += flow[n]! * flat.arcShare[a]!;
      }
    }
  }
  return flow;
}

/** Window events grouped by an owner index as compressed lists. */
function groupEvents<T extends { from: number; to: number; extra: number }>(
  events: readonly T[],
  ownerOf: (event: T) => number,
  owners: number,
): { start: Int32Array; from: Int32Array; to: Int32Array; extra: Int32Array } {
  const sorted = [...events].sort((a, b) => ownerOf(a) - ownerOf(b));
  const start = new Int32Array(owners + 1);
  for (const event of sorted) start[ownerOf(event) + 1]!++;
  for (let o = 0; o < owners; o++) start[o + 1]! += start[o]!;
  return {
    start,
    from: Int32Array.from(sorted, (event) => event.from),
    to: Int32Array.from(sorted, (event) => event.to),
    extra: Int32Array.from(sorted, (event) => event.extra),
  };
}

/** A stage lookup by company and item. */
function stageLookup(flat: FlatNetwork): (company: string, item: string) => number {
  const index = new Map<string, Map<string, number>>();
  for (let n = 0; n < flat.nodes; n++) {
    let items = index.get(flat.company[n]!);
    if (items === undefined) {
      items = new Map();
      index.set(flat.company[n]!, items);
    }
    items.set(flat.item[n]!, n);
  }
  return (company, item) => index.get(company)?.get(item) ?? -1;
}

interface DemandSpec {
  readonly company: string;
  readonly item: string;
  readonly price: number;
  readonly random: boolean;
  readonly mean: Float64Array;
  readonly stdDev: Float64Array;
}

/**
 * End demand per company and item: the network's series (extended past their end with their
 * average), replaced where the scenario gives a pattern; each pattern's mean and standard deviation
 * multiplied by the factor of the latest change at or before the period (factors do not compound).
 */
function endDemand(network: Network, scenario: Scenario, periods: number): DemandSpec[] {
  const specs = new Map<string, DemandSpec>();
  const series = (quantities: readonly number[]): Float64Array => {
    const values = new Float64Array(periods);
    let sum = 0;
    for (const quantity of quantities) sum += quantity;
    const average = quantities.length > 0 ? sum / quantities.length : 0;
    for (let t = 0; t < periods; t++) values[t] = t < quantities.length ? quantities[t]! : average;
    return values;
  };
  const networkDemand = new Map<string, { quantities: number[]; price: number }>();
  for (const record of network.demand ?? []) {
    const key = `${record.company}\u0000${record.item}`;
    const known = networkDemand.get(key);
    if (known === undefined) {
      networkDemand.set(key, { quantities: [...record.quantities], price: record.price ?? 0 });
    } else {
      // Two records for one pair add up, as in the planner.
      record.quantities.forEach((quantity, t) => {
        known.quantities[t] = (known.quantities[t] ?? 0) + quantity;
      });
    }
    specs.set(key, {
      company: record.company,
      item: record.item,
      price: networkDemand.get(key)!.price,
      random: false,
      mean: series(networkDemand.get(key)!.quantities),
      stdDev: new Float64Array(periods),
    });
  }
  for (const demand of scenario.demand ?? []) {
    const key = `${demand.company}\u0000${demand.item}`;
    const known = networkDemand.get(key);
    const { mean, stdDev, random } = patternSeries(demand.pattern, known?.quantities ?? [], periods, series);
    const changes = [...(demand.changes ?? [])].sort((a, b) => a.from - b.from);
    let change = 0;
    let factor = 1;
    for (let t = 0; t < periods; t++) {
      while (change < changes.length && changes[change]!.from <= t) factor = changes[change++]!.factor;
      mean[t]! *= factor;
      stdDev[t]! *= factor;
    }
    specs.set(key, {
      company: demand.company,
      item: demand.item,
      price: demand.price ?? known?.price ?? 0,
      random,
      mean,
      stdDev,
    });
  }
  return [...specs.values()];
}

function patternSeries(
  pattern: DemandPattern,
  networkQuantities: readonly number[],
  periods: number,
  series: (quantities: readonly number[]) => Float64Array,
): { mean: Float64Array; stdDev: Float64Array; random: boolean } {
  switch (pattern.type) {
    case 'normal':
      return {
        mean: new Float64Array(periods).fill(pattern.mean),
        stdDev: new Float64Array(periods).fill(pattern.stdDev),
        random: pattern.stdDev > 0,
      };
    case 'constant':
      return {
        mean: new Float64Array(periods).fill(pattern.value),
        stdDev: new Float64Array(periods),
        random: false,
      };
    case 'series':
      return { mean: series(pattern.quantities), stdDev: new Float64Array(periods), random: false };
    case 'network':
      return { mean: series(networkQuantities), stdDev: new Float64Array(periods), random: false };
  }
}
