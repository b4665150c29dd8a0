/**
 * @module planning/flatten
 * The network flattened to integer indices for the planner: one "node" per company and item that
 * takes part in supply (makes, buys, supplies, stocks, receives or sells it), production records,
 * sourcing arcs (buyer node → supplier node) and bill-of-materials arcs (parent node → component
 * node) as compressed index lists, and per node × period values in typed arrays (`node * horizon +
 * period`). Object graphs per period would not reach 60,000 companies in seconds; these do.
 */
import { type Network, valueAt } from '../model/schema.ts';
import { Arena } from './arena.ts';

/** The flattened network. Arrays indexed by node have `nodes` entries; "per period" ones `nodes * horizon`. */
export interface FlatNetwork {
  readonly horizon: number;
  readonly nodes: number;
  readonly company: string[];
  readonly item: string[];
  /** 1 when the item is counted in whole units (`pcs`). */
  readonly whole: Uint8Array;
  readonly onHand: Float64Array;
  readonly safetyStock: Float64Array;
  /** Scheduled receipts (open orders) per period. */
  readonly receipts: Float64Array;
  /** End demand per period. */
  readonly endDemand: Float64Array;
  /** Production record of the node, or -1. */
  readonly production: Int32Array;
  readonly leadTime: Int32Array;
  readonly yieldRate: Float64Array;
  readonly lotMinimum: Float64Array;
  readonly lotMultiple: Float64Array;
  /**
   * Production capacity per period (starts): node n's row starts at `capacityRow[n] * horizon`. A row
   * for each node that makes, and after them one row of zeros that all other nodes share
   * (`makerRows`). Rows beyond those (`CAPACITY_SPARE_ROWS` of them in a network flattened for
   * planning) are for a patched network's capacities (`flat-patch.ts`).
   */
  readonly capacity: Float64Array;
  /**
   * Maximum capacity per period (reported only), NaN when the node's production records set none; in
   * the shared row of nodes that make nothing 0 (never read). Rows as `capacity`'s.
   */
  readonly maximumCapacity: Float64Array;
  /**
   * The row of node n in `capacity` and `maximumCapacity` (`makerRows`); a patch that changes a node's
   * capacity writes its row into a spare row of the same arrays and points the node there, instead of
   * copying both arrays whole for one node.
   */
  readonly capacityRow: Int32Array;
  /** Bill of materials of a making node: components `bomNode[bomStart[n] .. bomStart[n+1]]`. */
  readonly bomStart: Int32Array;
  readonly bomNode: Int32Array;
  readonly bomQuantity: Float64Array;
  /** Sourcing of a buying node: arcs `arcStart[n] .. arcStart[n+1]`. */
  readonly arcStart: Int32Array;
  readonly arcSupplier: Int32Array;
  readonly arcShare: Float64Array;
  readonly arcLeadTime: Int32Array;
  /** Capacity groups of a making node: `nodeGroup[groupStart[n] .. groupStart[n+1]]` with their load. */
  readonly groupStart: Int32Array;
  readonly nodeGroup: Int32Array;
  readonly nodeGroupLoad: Float64Array;
  readonly groupId: string[];
  readonly groupCompany: string[];
  /** Group capacity per group × period, and maximum (NaN when absent). */
  readonly groupCapacity: Float64Array;
  readonly groupMaximum: Float64Array;
  /** Nodes ordered from end demand downwards: every consumer of a node comes before it. */
  readonly order: Int32Array;
  /** Nodes that sit on a sourcing or bill-of-materials cycle (not planned; the validator rejects BOM cycles). */
  readonly cyclic: number;
}

/**
 * Spare rows after the nodes' own in `capacity` and `maximumCapacity` of a network flattened for
 * planning, for patches (`flat-patch.ts`): a server's chain of re-plans patches the same base again
 * and again, each patch with every change since the base; when they are used up, a patch copies the
 * arrays once, with new spare rows.
 */
export const CAPACITY_SPARE_ROWS = 1024;

/** Node n's row in `capacity` and `maximumCapacity` of `flat`, times the horizon: where its periods start. */
export function capacityBase(flat: FlatNetwork, n: number): number {
  return flat.capacityRow[n]! * flat.horizon;
}

/** 0, 1, …, `count` − 1: every node in its own place (`order` as numbered in planning order). */
export function identityRows(count: number): Int32Array {
  const rows = new Int32Array(count);
  for (let k = 0; k < count; k++) rows[k] = k;
  return rows;
}

/**
 * Rows of `capacity` and `maximumCapacity` by node: one for each node that makes (`production[n] ≥
 * 0`), in the order `visit` lists the nodes (node order without it), then one row that every other
 * node shares (capacity 0, never planned on; maximum 0, never read); `rows` counts them all. At
 * 60,000 companies 88,651 of 279,864 nodes make: a row for every node was 116 MB per array, written
 * all over in planning order (a row of 52 periods is a tenth of a page), where these are 37 MB.
 */
export function makerRows(
  production: Int32Array,
  visit?: Int32Array,
): { capacityRow: Int32Array; rows: number } {
  const nodes = production.length;
  const capacityRow = new Int32Array(nodes).fill(-1);
  let rows = 0;
  for (let k = 0; k < nodes; k++) {
    const n = visit === undefined ? k : visit[k]!;
    if (production[n]! >= 0) capacityRow[n] = rows++;
  }
  for (let n = 0; n < nodes; n++) if (capacityRow[n] === -1) capacityRow[n] = rows;
  return { capacityRow, rows: rows + 1 };
}

/** Flattens `network` for `horizon` periods (at most the network's horizon). */
export function flattenNetwork(network: Network, horizon: number): FlatNetwork {
  return flattenRows(network, horizon, undefined).flat;
}

/**
 * `flattenNetwork`, with the per-period arrays' rows in planning order when `ordered` is given (row
 * `k` is the k-th node of `order`, the arrays from the arena `ordered` makes for the network's
 * size): the rows are then written once where `numberInPlanningOrder` wants them, instead of written
 * and copied (at 60,000 companies four arrays of 116 MB each, fresh memory the system must hand out
 * page by page). Such a result is only for `numberInPlanningOrder(flat, arena, true)`.
 */
function flattenRows(
  network: Network,
  horizon: number,
  ordered: ((sizes: FlatSizes, lists: number) => Arena) | undefined,
): { flat: FlatNetwork; arena: Arena | undefined } {
  // Company, then item: no key strings to build for the millions of lookups of a large network.
  const index = new Map<string, Map<string, number>>();
  const company: string[] = [];
  const item: string[] = [];
  // The records of one company mostly follow one another: its item map is looked up once for them.
  let lastCompany: string | undefined;
  let lastItems = new Map<string, number>();
  const node = (companyId: string, itemId: string): number => {
    let items = lastItems;
    if (companyId !== lastCompany) {
      let found = index.get(companyId);
      if (found === undefined) {
        found = new Map();
        index.set(companyId, found);
      }
      items = found;
      lastCompany = companyId;
      lastItems = found;
    }
    let found = items.get(itemId);
    if (found === undefined) {
      found = company.length;
      items.set(itemId, found);
      company.push(companyId);
      item.push(itemId);
    }
    return found;
  };
  const productions = network.production ?? [];
  const sourcing = network.sourcing ?? [];
  const inventory = network.inventory ?? [];
  const openOrders = network.openOrders ?? [];
  const demand = network.demand ?? [];
  // Each record's nodes, looked up once (the lists below are read again in the same order).
  const madeAt = new Int32Array(productions.length);
  const componentAt: number[] = [];
  productions.forEach((record, position) => {
    madeAt[position] = node(record.company, record.item);
    for (const line of record.bom ?? []) componentAt.push(node(record.company, line.item));
  });
  const buyerAt = new Int32Array(sourcing.length);
  const supplierAt: number[] = [];
  sourcing.forEach((rule, position) => {
    buyerAt[position] = node(rule.buyer, rule.item);
    for (const line of rule.suppliers) supplierAt.push(node(line.supplier, rule.item));
  });
  const nodesOf = (records: readonly { company: string; item: string }[]) =>
    Int32Array.from(records, (record) => node(record.company, record.item));
  const inventoryAt = nodesOf(inventory);
  const openOrderAt = nodesOf(openOrders);
  const demandAt = nodesOf(demand);

  const nodes = company.length;
  const cells = nodes * horizon;
  const units = new Map(network.items.map((entry) => [entry.id, entry.unit]));
  const whole = new Uint8Array(nodes);
  for (let n = 0; n < nodes; n++) whole[n] = units.get(item[n]!) === 'pcs' ? 1 : 0;

  const onHand = new Float64Array(nodes);
  const safetyStock = new Float64Array(nodes);
  inventory.forEach((record, position) => {
    const n = inventoryAt[position]!;
    onHand[n] = (onHand[n] ?? 0) + record.onHand;
    safetyStock[n] = Math.max(safetyStock[n] ?? 0, record.safetyStock ?? 0);
  });
  const production = new Int32Array(nodes).fill(-1);
  const leadTime = new Int32Array(nodes);
  const yieldRate = new Float64Array(nodes).fill(1);
  const lotMinimum = new Float64Array(nodes);
  const lotMultiple = new Float64Array(nodes);
  const bomCount = new Int32Array(nodes + 1);
  productions.forEach((record, position) => {
    const n = madeAt[position]!;
    production[n] = position;
    leadTime[n] = record.leadTime;
    yieldRate[n] = record.yield ?? 1;
    lotMinimum[n] = record.lotSize?.minimum ?? 0;
    lotMultiple[n] = record.lotSize?.multiple ?? 0;
    bomCount[n + 1] = record.bom?.length ?? 0;
  });
  const bomStart = prefix(bomCount);
  const bomNode = new Int32Array(bomStart[nodes]!);
  const bomQuantity = new Float64Array(bomStart[nodes]!);
  let component = 0;
  productions.forEach((record, position) => {
    let at = bomStart[madeAt[position]!]!;
    for (const line of record.bom ?? []) {
      bomNode[at] = componentAt[component++]!;
      bomQuantity[at] = line.quantity;
      at++;
    }
  });

  const arcCount = new Int32Array(nodes + 1);
  sourcing.forEach((rule, position) => {
    const at = buyerAt[position]! + 1;
    arcCount[at] = arcCount[at]! + rule.suppliers.length;
  });
  const arcStart = prefix(arcCount);
  const arcSupplier = new Int32Array(arcStart[nodes]!);
  const arcShare = new Float64Array(arcStart[nodes]!);
  const arcLeadTime = new Int32Array(arcStart[nodes]!);
  const arcFill = arcStart.slice(0, nodes);
  let supplier = 0;
  sourcing.forEach((rule, position) => {
    const buyer = buyerAt[position]!;
    for (const line of rule.suppliers) {
      const at = arcFill[buyer]!++;
      arcSupplier[at] = supplierAt[supplier++]!;
      arcShare[at] = line.share;
      arcLeadTime[at] = line.leadTime;
    }
  });

  const groups = network.capacityGroups ?? [];
  const groupCount = new Int32Array(nodes + 1);
  for (const group of groups) {
    for (const line of group.items) groupCount[node(group.company, line.item) + 1]!++;
  }
  const groupStart = prefix(groupCount);
  const nodeGroup = new Int32Array(groupStart[nodes]!);
  const nodeGroupLoad = new Float64Array(groupStart[nodes]!);
  const groupFill = groupStart.slice(0, nodes);
  const groupCapacity = new Float64Array(groups.length * horizon);
  const groupMaximum = new Float64Array(groups.length * horizon).fill(Number.NaN);
  groups.forEach((group, g) => {
    for (let t = 0; t < horizon; t++) {
      groupCapacity[g * horizon + t] = valueAt(group.capacity, t);
      if (group.maximumCapacity !== undefined)
        groupMaximum[g * horizon + t] = valueAt(group.maximumCapacity, t);
    }
    for (const line of group.items) {
      const at = groupFill[node(group.company, line.item)]!++;
      nodeGroup[at] = g;
      nodeGroupLoad[at] = line.load;
    }
  });

  const { order, cyclic } = consumersFirst(nodes, bomStart, bomNode, arcStart, arcSupplier);

  // The four per-period arrays in one buffer: one allocation, one collection at most (see arena.ts).
  // Node n's row starts at `row[n]`: n * horizon, or its place in planning order times horizon.
  const row = new Int32Array(nodes);
  if (ordered === undefined) for (let n = 0; n < nodes; n++) row[n] = n * horizon;
  else for (let k = 0; k < nodes; k++) row[order[k]!] = k * horizon;
  const sizes = {
    nodes,
    horizon,
    arcs: arcSupplier.length,
    bomLines: bomNode.length,
    longestLead: longestLead(leadTime, arcLeadTime),
  };
  const arena = ordered?.(sizes, bomNode.length + arcSupplier.length + nodeGroup.length);
  // Capacity rows by node, the makers' in the order of their other rows (planning order when `ordered`).
  const { capacityRow, rows: capacityRows } = makerRows(
    production,
    ordered === undefined ? undefined : order,
  );
  // Spare capacity rows only where a patch may use them (a network flattened for planning).
  const capacityCells = (capacityRows + (arena === undefined ? 0 : CAPACITY_SPARE_ROWS)) * horizon;
  const perPeriod =
    arena === undefined
      ? new Float64Array(2 * cells + 2 * capacityCells)
      : arena.f64(2 * cells + 2 * capacityCells);
  const receipts = perPeriod.subarray(0, cells);
  openOrders.forEach((record, position) => {
    if (record.due >= horizon) return;
    const cell = row[openOrderAt[position]!]! + record.due;
    receipts[cell] = (receipts[cell] ?? 0) + record.quantity;
  });
  const endDemand = perPeriod.subarray(cells, 2 * cells);
  demand.forEach((record, position) => {
    const base = row[demandAt[position]!]!;
    const last = Math.min(horizon, record.quantities.length);
    for (let t = 0; t < last; t++)
      endDemand[base + t] = (endDemand[base + t] ?? 0) + (record.quantities[t] ?? 0);
  });
  const capacity = perPeriod.subarray(2 * cells, 2 * cells + capacityCells);
  // NaN only in the rows of making nodes none of whose records sets a maximum (the shared row of the
  // others is never read: `bottlenecks` reads making nodes only).
  const maximumCapacity = perPeriod.subarray(2 * cells + capacityCells, 2 * cells + 2 * capacityCells);
  const hasMaximum = new Uint8Array(nodes);
  productions.forEach((record, position) => {
    if (record.maximumCapacity !== undefined) hasMaximum[madeAt[position]!] = 1;
  });
  for (const n of madeAt) {
    const base = capacityRow[n]! * horizon;
    if (hasMaximum[n] === 0) maximumCapacity.fill(Number.NaN, base, base + horizon);
  }
  productions.forEach((record, position) => {
    const base = capacityRow[madeAt[position]!]! * horizon;
    for (let t = 0; t < horizon; t++) {
      capacity[base + t] = valueAt(record.capacity, t);
      if (record.maximumCapacity !== undefined)
        maximumCapacity[base + t] = valueAt(record.maximumCapacity, t);
    }
  });
  const flat: FlatNetwork = {
    horizon,
    nodes,
    company,
    item,
    whole,
    onHand,
    safetyStock,
    receipts,
    endDemand,
    production,
    leadTime,
    yieldRate,
    lotMinimum,
    lotMultiple,
    capacity,
    maximumCapacity,
    capacityRow,
    bomStart,
    bomNode,
    bomQuantity,
    arcStart,
    arcSupplier,
    arcShare,
    arcLeadTime,
    groupStart,
    nodeGroup,
    nodeGroupLoad,
    groupId: groups.map((group) => group.id),
    groupCompany: groups.map((group) => group.company),
    groupCapacity,
    groupMaximum,
    order,
    cyclic,
  };
  return { flat, arena };
}

function prefix(counts: Int32Array): Int32Array {
  const starts = new Int32Array(counts.length);
  for (let i = 1; i < counts.length; i++) starts[i] = starts[i - 1]! + counts[i]!;
  return starts;
}

/**
 * Kahn's algorithm over the consumer → supply edges (parent → component, buyer → supplier): a node
 * comes after all its consumers, the low-level-code order of MRP. Ties in index order, so the order is
 * deterministic. Nodes on a cycle are appended at the end and counted.
 */
function consumersFirst(
  nodes: number,
  bomStart: Int32Array,
  bomNode: Int32Array,
  arcStart: Int32Array,
  arcSupplier: Int32Array,
): { order: Int32Array; cyclic: number } {
  const consumers = new Int32Array(nodes);
  for (const child of bomNode) consumers[child]!++;
  for (const child of arcSupplier) consumers[child]!++;
  const order = new Int32Array(nodes);
  let tail = 0;
  for (let n = 0; n < nodes; n++) if (consumers[n] === 0) order[tail++] = n;
  for (let head = 0; head < tail; head++) {
    const n = order[head]!;
    for (let at = bomStart[n]!; at < bomStart[n + 1]!; at++) {
      const child = bomNode[at]!;
      if (--consumers[child]! === 0) order[tail++] = child;
    }
    for (let at = arcStart[n]!; at < arcStart[n + 1]!; at++) {
      const child = arcSupplier[at]!;
      if (--consumers[child]! === 0) order[tail++] = child;
    }
  }
  const placed = tail;
  for (let n = 0; n < nodes; n++) if (consumers[n]! > 0) order[tail++] = n;
  return { order, cyclic: nodes - placed };
}

/** A flattened network whose node numbers follow its `order`, with the way back to the first numbering. */
export interface OrderedFlatNetwork extends FlatNetwork {
  /** `appearance[k]`: the node that was number k in `flattenNetwork`'s numbering (first appearance). */
  readonly appearance: Int32Array;
}

/**
 * The same network with node `k` the k-th of `order` (so `order` is 0, 1, 2, …): a pass over the
 * nodes in planning order then reads every per-node array front to back, and each node's rows of
 * the per-period arrays follow one another. At 60,000 companies the planner's node arrays are tens of
 * megabytes; visited in the first numbering every read was a cache miss. Arcs follow their buyers;
 * each node keeps its own arcs, components and groups in the order it had.
 */
export function numberInPlanningOrder(
  flat: FlatNetwork,
  arena = new Arena(),
  /** The per-period arrays' rows are in planning order already (`flattenRows`): they are kept as they are. */
  rowsOrdered = false,
): OrderedFlatNetwork {
  const N = flat.nodes;
  const H = flat.horizon;
  const { order } = flat;
  const rank = new Int32Array(N);
  for (let k = 0; k < N; k++) rank[order[k]!] = k;
  const perNode = <T extends Float64Array | Int32Array | Uint8Array>(
    source: T,
    make: (n: number) => T,
  ): T => {
    const target = make(N);
    for (let k = 0; k < N; k++) target[k] = source[order[k]!]!;
    return target;
  };
  const perCell = (source: Float64Array): Float64Array => {
    if (rowsOrdered) return source;
    const target = arena.f64(N * H);
    for (let k = 0; k < N; k++) {
      const from = order[k]! * H;
      for (let t = 0; t < H; t++) target[k * H + t] = source[from + t]!;
    }
    return target;
  };
  // Compressed lists (components, arcs, groups) rebuilt in the new node order.
  const relist = (start: Int32Array) => {
    const starts = new Int32Array(N + 1);
    for (let k = 0; k < N; k++) {
      const n = order[k]!;
      starts[k + 1] = starts[k]! + (start[n + 1]! - start[n]!);
    }
    const from = new Int32Array(start[N]!); // new position → old position
    for (let k = 0; k < N; k++) {
      const n = order[k]!;
      for (let j = 0; j < start[n + 1]! - start[n]!; j++) from[starts[k]! + j] = start[n]! + j;
    }
    return { starts, from };
  };
  const gather = <T extends Float64Array | Int32Array>(
    source: T,
    from: Int32Array,
    make: (n: number) => T,
  ): T => {
    const target = make(from.length);
    for (let i = 0; i < from.length; i++) target[i] = source[from[i]!]!;
    return target;
  };
  const floats = (n: number) => arena.f64(n);
  const ints = (n: number) => arena.i32(n);
  const bom = relist(flat.bomStart);
  const arcs = relist(flat.arcStart);
  const groups = relist(flat.groupStart);
  const bomNode = gather(flat.bomNode, bom.from, ints);
  for (let i = 0; i < bomNode.length; i++) bomNode[i] = rank[bomNode[i]!]!;
  const arcSupplier = gather(flat.arcSupplier, arcs.from, ints);
  for (let i = 0; i < arcSupplier.length; i++) arcSupplier[i] = rank[arcSupplier[i]!]!;
  const identity = identityRows(N);
  return {
    horizon: H,
    nodes: N,
    company: Array.from(order, (n) => flat.company[n]!),
    item: Array.from(order, (n) => flat.item[n]!),
    whole: perNode(flat.whole, (n) => arena.u8(n)),
    onHand: perNode(flat.onHand, floats),
    safetyStock: perNode(flat.safetyStock, floats),
    receipts: perCell(flat.receipts),
    endDemand: perCell(flat.endDemand),
    production: perNode(flat.production, ints),
    leadTime: perNode(flat.leadTime, ints),
    yieldRate: perNode(flat.yieldRate, floats),
    lotMinimum: perNode(flat.lotMinimum, floats),
    lotMultiple: perNode(flat.lotMultiple, floats),
    // The capacity rows stay where they are: node k reads the row its node had.
    capacity: flat.capacity,
    maximumCapacity: flat.maximumCapacity,
    capacityRow: perNode(flat.capacityRow, ints),
    bomStart: bom.starts,
    bomNode,
    bomQuantity: gather(flat.bomQuantity, bom.from, floats),
    arcStart: arcs.starts,
    arcSupplier,
    arcShare: gather(flat.arcShare, arcs.from, floats),
    arcLeadTime: gather(flat.arcLeadTime, arcs.from, ints),
    groupStart: groups.starts,
    nodeGroup: gather(flat.nodeGroup, groups.from, ints),
    nodeGroupLoad: gather(flat.nodeGroupLoad, groups.from, floats),
    groupId: flat.groupId,
    groupCompany: flat.groupCompany,
    groupCapacity: flat.groupCapacity,
    groupMaximum: flat.groupMaximum,
    order: identity,
    cyclic: flat.cyclic,
    appearance: rank,
  };
}

/**
 * The network as the planner reads it: flattened and numbered in planning order, its arrays from an
 * arena of their own (a re-plan that patches the network shares them, see `flat-patch.ts`), and an
 * arena `kept` made big enough for the planner's arrays that live as long as its run.
 */
export function flattenForPlanning<T = undefined>(
  network: Network,
  horizon: number,
  /**
   * Called with the network's sizes right after the flattened network's arena took its memory: the
   * planner takes its own arenas there, so that V8 runs one full collection for all (arena.ts).
   */
  along?: (sizes: FlatSizes) => T,
): { flat: OrderedFlatNetwork; along: T | undefined } {
  let made: T | undefined;
  // The numbered network (four per-period arrays, per-node values, the lists), apart from the planner's.
  const { flat, arena } = flattenRows(network, horizon, (sizes, lists) => {
    const own = Arena.sized(
      (sizes.nodes + CAPACITY_SPARE_ROWS) * horizon * 32 + sizes.nodes * 64 + lists * 16,
    ).reserve();
    made = along?.(sizes);
    return own;
  });
  return { flat: numberInPlanningOrder(flat, arena, true), along: made };
}

/**
 * Each arc's buying node, from the arcs by node (`arcStart[n] … arcStart[n + 1] − 1` are n's): the
 * planner's node of a purchase (`orderNode`), the simulator's buyer of a lane.
 */
export function arcBuyers(arcStart: Int32Array): Int32Array {
  const nodes = arcStart.length - 1;
  const buyer = new Int32Array(arcStart[nodes]!);
  for (let n = 0; n < nodes; n++) buyer.fill(n, arcStart[n]!, arcStart[n + 1]!);
  return buyer;
}

/** What the planner's arenas are sized by. */
export interface FlatSizes {
  readonly nodes: number;
  readonly horizon: number;
  /** Sourcing arcs (`arcSupplier.length`). */
  readonly arcs: number;
  /** Bill-of-materials lines (`bomNode.length`). */
  readonly bomLines: number;
  /** The longest lead time, of production or of a lane (how far ahead an order started now arrives). */
  readonly longestLead: number;
}

function longestLead(leadTime: Int32Array, arcLeadTime: Int32Array): number {
  // (Indexed loops: this runs once per plan and re-plan, too briefly to be optimized, and an iterator
  // over a typed array then allocates a result object per element: megabytes of heap at 60,000 companies.)
  let longest = 0;
  for (let k = 0; k < leadTime.length; k++) longest = Math.max(longest, leadTime[k]!);
  for (let k = 0; k < arcLeadTime.length; k++) longest = Math.max(longest, arcLeadTime[k]!);
  return longest;
}

/** The sizes of a flattened network. */
export function flatSizes(flat: FlatNetwork): FlatSizes {
  return {
    nodes: flat.nodes,
    horizon: flat.horizon,
    arcs: flat.arcSupplier.length,
    bomLines: flat.bomNode.length,
    longestLead: longestLead(flat.leadTime, flat.arcLeadTime),
  };
}

/** An arena big enough for the planner's arrays that live as long as its run (see Planner), and its request columns. */
export function plannerArena(sizes: FlatSizes): Arena {
  const { horizon, arcs } = sizes;
  const cells = sizes.nodes * horizon;
  const slots = (sizes.nodes + arcs) * horizon;
  const requestSlots = (sizes.bomLines + arcs) * horizon;
  // (The logs a kept run replays, `slots * 12 + cells * 12`, the requirement pass's causes a kept run
  // keeps, `cells * 4`, and the requests of pegging, `requestSlots * 12`, are counted too: address
  // space only when unused. The order columns have an arena of their own.)
  // (And its arrays by node and by arc, `nodes * 96 + arcs * 32`, which as plain buffers counted as
  // external memory and set off a full collection of the whole heap in a re-plan: arena.ts.)
  return Arena.sized(
    cells * 48 + arcs * horizon * 4 + slots * 12 + requestSlots * 12 + sizes.nodes * 96 + arcs * 32,
  );
}
