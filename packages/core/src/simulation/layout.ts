/**
 * @module simulation/layout
 * The compiled model renumbered for the engine's inner loop (internal to the simulator). Stages are
 * numbered in planning order, the order the engine visits them every period (customers before
 * suppliers), and each stage's purchase arcs, bill-of-materials lines, capacity-group entries and
 * customer slots follow one another in that order, so a period's pass reads every per-stage array
 * front to back. At 60,000 companies these arrays are tens of megabytes, and in the model's own
 * numbering nearly every stage visited was a cache miss in each of them.
 *
 * Every order that decides a floating-point sum is kept, so runs give the same numbers to the bit:
 * a stage keeps the order of its arcs, lines, groups and customers; a company keeps the order of its
 * stages (`companyStage`); `endStages` lists the stages with end demand in the model's order; and
 * `arcOf` leads back to the model's arc numbers, in which the engine settles payments.
 */
import { capacityBase, type FlatNetwork } from '../planning/flatten.ts';
import { END_CUSTOMERS, type SimulationModel } from './model.ts';

/** The model's per-stage, per-arc, per-line and per-slot arrays in the engine's numbering. */
export interface StageLayout
  extends Pick<
      SimulationModel,
      | 'stageCompany'
      | 'stageDemand'
      | 'customerStart'
      | 'historyStart'
      | 'policy'
      | 'forecast'
      | 'forecastPeriods'
      | 'alpha'
      | 'safetyFactor'
      | 'reorderPoint'
      | 'orderUpTo'
      | 'levelsInUnits'
      | 'alphaS'
      | 'beta'
      | 'desiredStock'
      | 'desiredStockPeriods'
      | 'desiredSupplyLine'
      | 'sharing'
      | 'allowReturns'
      | 'allocation'
      | 'leadTime'
      | 'replenish'
      | 'countsOrders'
      | 'rate'
      | 'spread'
      | 'endUnits'
      | 'endPrice'
      | 'unitCost'
      | 'holdingCost'
      | 'arcBuyer'
      | 'arcDelay'
      | 'arcLead'
      | 'arcPrice'
      | 'laneStart'
      | 'laneFrom'
      | 'laneTo'
      | 'laneExtra'
      | 'lineOwner'
      | 'customerEntry'
      | 'customerRank'
      | 'companyStage'
      | 'demandStage'
    >,
    Pick<
      FlatNetwork,
      | 'arcStart'
      | 'bomStart'
      | 'groupStart'
      | 'onHand'
      | 'yieldRate'
      | 'arcSupplier'
      | 'arcShare'
      | 'bomQuantity'
      | 'nodeGroup'
      | 'nodeGroupLoad'
    > {
  /** The model's stage of each engine stage (the planning order). */
  readonly stageOf: Int32Array;
  /** The model's arc of each engine arc. */
  readonly arcOf: Int32Array;
  /** Production lead time of each stage in periods (the flat network's `leadTime`). */
  readonly productionLead: Int32Array;
  /** Stages with end demand, in the model's order. */
  readonly endStages: Int32Array;
  /** Stages that make their item, in planning order. */
  readonly makers: Int32Array;
  /**
   * The capacity each maker may use per period, period-major (`t × makers + i`): the maximum capacity
   * when its company works overtime and has one, else the normal capacity (events not applied).
   */
  readonly makerCapacity: Float64Array;
  /** With `initialState: network`: the open orders arriving per period, period-major (`t × nodes + n`). */
  readonly receipts: Float64Array | undefined;
}

/** `order` maps new index → old; returns the compressed list rebuilt in the new order and, per new entry, its old entry. */
function relist(start: Int32Array, order: Int32Array): { starts: Int32Array; from: Int32Array } {
  const count = order.length;
  const starts = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) {
    const old = order[i]!;
    starts[i + 1] = starts[i]! + (start[old + 1]! - start[old]!);
  }
  const from = new Int32Array(starts[count]!);
  for (let i = 0; i < count; i++) {
    const old = order[i]!;
    for (let j = 0; j < start[old + 1]! - start[old]!; j++) from[starts[i]! + j] = start[old]! + j;
  }
  return { starts, from };
}

function gather<T extends Float64Array | Int32Array | Uint8Array>(source: T, from: Int32Array): T {
  const target = new (source.constructor as new (length: number) => T)(from.length);
  for (let i = 0; i < from.length; i++) target[i] = source[from[i]!]!;
  return target;
}

/** `values` with every element v replaced by `rank[v]` (negative values kept). */
function renumber(values: Int32Array, rank: Int32Array): Int32Array {
  return values.map((value) => (value < 0 ? value : rank[value]!));
}

function inverse(order: Int32Array): Int32Array {
  const rank = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) rank[order[i]!] = i;
  return rank;
}

/** The model in the engine's numbering (see the module header). */
export function stageLayout(model: SimulationModel): StageLayout {
  const flat = model.flat;
  const nodes = flat.nodes;
  const arcs = flat.arcSupplier.length;
  const periods = model.periods;
  const stageOf = flat.order;
  const stageRank = inverse(stageOf);
  const byStage = <T extends Float64Array | Int32Array | Uint8Array>(source: T) => gather(source, stageOf);
  const arcList = relist(flat.arcStart, stageOf);
  const arcOf = arcList.from;
  const arcRank = inverse(arcOf);
  const lineList = relist(flat.bomStart, stageOf);
  const lineRank = inverse(lineList.from);
  const groupList = relist(flat.groupStart, stageOf);
  const slotList = relist(model.customerStart, stageOf);
  const historyStart = new Int32Array(nodes + 1);
  for (let i = 0; i < nodes; i++) {
    const old = stageOf[i]!;
    historyStart[i + 1] = historyStart[i]! + (model.historyStart[old + 1]! - model.historyStart[old]!);
  }
  const laneList = relist(model.laneStart, arcOf);
  const customerEntry = gather(model.customerEntry, slotList.from).map((entry) =>
    entry === END_CUSTOMERS ? entry : entry < arcs ? arcRank[entry]! : arcs + lineRank[entry - arcs]!,
  );
  const stageCompany = byStage(model.stageCompany);
  const replenish = byStage(model.replenish);
  const makerList: number[] = [];
  for (let n = 0; n < nodes; n++) if (replenish[n] === 1) makerList.push(n);
  const makers = Int32Array.from(makerList);
  const makerCapacity = new Float64Array(makers.length * periods);
  makers.forEach((n, i) => {
    const old = stageOf[n]!;
    const overtime = model.overtime[stageCompany[n]!] === 1;
    const row = capacityBase(flat, old);
    for (let t = 0; t < periods; t++) {
      const maximum = flat.maximumCapacity[row + t]!;
      makerCapacity[t * makers.length + i] =
        overtime && !Number.isNaN(maximum) ? maximum : flat.capacity[row + t]!;
    }
  });
  let receipts: Float64Array | undefined;
  if (model.initialState === 'network') {
    receipts = new Float64Array(nodes * periods);
    for (let n = 0; n < nodes; n++) {
      const old = stageOf[n]!;
      for (let t = 0; t < periods; t++) receipts[t * nodes + n] = flat.receipts[old * periods + t]!;
    }
  }
  const endStages: number[] = [];
  for (let old = 0; old < nodes; old++) if (model.stageDemand[old]! >= 0) endStages.push(stageRank[old]!);
  return {
    stageOf,
    arcOf,
    stageCompany,
    stageDemand: byStage(model.stageDemand),
    customerStart: slotList.starts,
    arcStart: arcList.starts,
    bomStart: lineList.starts,
    groupStart: groupList.starts,
    historyStart,
    policy: byStage(model.policy),
    forecast: byStage(model.forecast),
    forecastPeriods: byStage(model.forecastPeriods),
    alpha: byStage(model.alpha),
    safetyFactor: byStage(model.safetyFactor),
    reorderPoint: byStage(model.reorderPoint),
    orderUpTo: byStage(model.orderUpTo),
    levelsInUnits: byStage(model.levelsInUnits),
    alphaS: byStage(model.alphaS),
    beta: byStage(model.beta),
    desiredStock: byStage(model.desiredStock),
    desiredStockPeriods: byStage(model.desiredStockPeriods),
    desiredSupplyLine: byStage(model.desiredSupplyLine),
    sharing: byStage(model.sharing),
    allowReturns: byStage(model.allowReturns),
    allocation: byStage(model.allocation),
    leadTime: byStage(model.leadTime),
    replenish,
    countsOrders: byStage(model.countsOrders),
    rate: byStage(model.rate),
    spread: byStage(model.spread),
    endUnits: byStage(model.endUnits),
    endPrice: byStage(model.endPrice),
    unitCost: byStage(model.unitCost),
    holdingCost: byStage(model.holdingCost),
    onHand: byStage(flat.onHand),
    productionLead: byStage(flat.leadTime),
    yieldRate: byStage(flat.yieldRate),
    arcSupplier: renumber(gather(flat.arcSupplier, arcOf), stageRank),
    arcBuyer: renumber(gather(model.arcBuyer, arcOf), stageRank),
    arcShare: gather(flat.arcShare, arcOf),
    arcDelay: gather(model.arcDelay, arcOf),
    arcLead: gather(model.arcLead, arcOf),
    arcPrice: gather(model.arcPrice, arcOf),
    laneStart: laneList.starts,
    laneFrom: gather(model.laneFrom, laneList.from),
    laneTo: gather(model.laneTo, laneList.from),
    laneExtra: gather(model.laneExtra, laneList.from),
    bomQuantity: gather(flat.bomQuantity, lineList.from),
    lineOwner: renumber(gather(model.lineOwner, lineList.from), stageRank),
    customerEntry,
    customerRank: gather(model.customerRank, slotList.from),
    nodeGroup: gather(flat.nodeGroup, groupList.from),
    nodeGroupLoad: gather(flat.nodeGroupLoad, groupList.from),
    companyStage: renumber(model.companyStage, stageRank),
    demandStage: renumber(model.demandStage, stageRank),
    endStages: Int32Array.from(endStages),
    makers,
    makerCapacity,
    receipts,
  };
}
