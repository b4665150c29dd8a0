/**
 * @module planning/plan
 * Chain-deep planning: multi-echelon MRP over every tier of a network at once, with finite capacity,
 * overflow to second sources, build-ahead, shortages with their cause, bottlenecks and pegging.
 *
 * ## Time convention
 * Periods are the network's buckets, 0 .. horizon − 1. A quantity that arrives in period t (production
 * started in t − leadTime, a purchase shipped in t − laneLeadTime) can be used in period t. Components
 * must be on hand in the period production starts, and the started quantity loads capacity in that
 * period. A supplier ships from its stock of the period it ships. End demand of period t is served from
 * stock of period t. Stock never goes negative. Nothing starts or ships before period 0 (nor inside the
 * frozen periods): what would have to is a shortage with cause `lead-time` (or `frozen`), never an order
 * in the past. Open orders are scheduled receipts: they arrive at `due` and draw on no stock or capacity.
 *
 * ## Algorithm
 * The network is flattened to integer nodes (company × item) with per-period typed arrays
 * (`flatten.ts`) and planned in two passes:
 * 1. **Requirements, top-down.** Nodes are visited in low-level-code order (every consumer of a node
 *    before the node), so a node's gross requirement (end demand + components of its consumers'
 *    production starts + its buyers' shipments) is complete when it is netted. Netting runs period by
 *    period against on-hand stock, scheduled receipts and the safety-stock target. A net requirement is
 *    met by production (start = due − leadTime, lot sizes and yield on the started quantity, finite
 *    capacity of the record and its capacity groups; when full, build ahead up to `buildAheadWindow`
 *    periods earlier), then by purchase: split over the suppliers by their shares (whole units for
 *    `pcs`, by deficit on cumulative targets, so the cumulative quantities stay within one unit of the
 *    shares), each supplier's part checked against what that supplier can still promise (cumulative
 *    available-to-promise: stock + scheduled receipts + production capacity from the period its
 *    components can first be on hand, minus everything already required of it); the part a supplier
 *    cannot deliver in time moves to the other approved suppliers that can, else is bought ahead within
 *    the window, else stays unmet with a cause naming the supplier, period and constraint.
 * 2. **Feasibility, bottom-up.** Nodes in reverse order (suppliers and components first) simulate their
 *    stock: arrivals in, end demand then component and shipment requests out, in period order. A request
 *    the stock cannot cover is cut, and the cut travels up: a purchase arrives with less, a production
 *    order starts with what its scarcest component allows (lot sizes kept; unused components go back to
 *    stock). End demand not served on time is a shortage whose cause is the nearest root cause recorded
 *    at that node (a pass-1 shortfall or a cut order's cause), so a tier-3 capacity limit is named at
 *    the OEM. Unserved end demand stays on backlog and is delivered late when stock comes in.
 *
 * ## Known limits (honest)
 * - Capacity is allocated greedily in topological order: consumers visited earlier get a shared
 *   supplier's capacity first; there is no global optimization or priority between customers.
 * - A supplier's available-to-promise looks at its production capacity and the earliest period its
 *   components can arrive, not at their quantity; material shortfalls appear in pass 2 as cuts and
 *   shortages, not as reallocations to another supplier.
 * - Capacity-group room in the promise check ignores other items of the group; the plan itself never
 *   exceeds a group.
 * - Safety stock is restored where possible and drawn on for demand; a missed target is not reported.
 * - Pegging is proportional: an order serves each requirement of the period it covers in proportion.
 * - The frozen horizon forbids new starts in the first `frozenPeriods`; there is no previous plan to
 *   keep yet (incremental re-planning is a later step).
 */
import type { Network } from '../model/schema.ts';
import { type FlatNetwork, flattenNetwork } from './flatten.ts';

/** Options of `planNetwork`. */
export interface PlanOptions {
  /** Periods to plan; at most the network's horizon (default: the network's horizon). */
  readonly horizon?: number;
  /** How many periods earlier production may start, or a purchase arrive, when the due period is full (default 4). */
  readonly buildAheadWindow?: number;
  /** Periods from 0 in which no new order may start (default 0). */
  readonly frozenPeriods?: number;
  /** Compute pegging (default true). */
  readonly pegging?: boolean;
}

export type ShortageCode =
  | 'lead-time'
  | 'frozen'
  | 'capacity'
  | 'capacity-group'
  | 'supplier-capacity'
  | 'material'
  | 'no-supply';

/** Why a demand is short: the constraint, where and when it binds, in words a planner reads. */
export interface ShortageCause {
  readonly code: ShortageCode;
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly text: string;
}

export interface PlannedOrder {
  /** Stable: the same order in two plans has the same id. */
  readonly id: string;
  readonly kind: 'production' | 'purchase';
  /** The maker of production, the buyer of a purchase. */
  readonly company: string;
  readonly item: string;
  /** What arrives at `due`. */
  readonly quantity: number;
  /** What is started (loads capacity, consumes components), when it differs from `quantity`. */
  readonly startQuantity?: number;
  /** Production start, or the period the supplier ships. */
  readonly start: number;
  readonly due: number;
  readonly supplier?: string;
}

export interface Delivery {
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly quantity: number;
  readonly forPeriod: number;
}

export interface Shortage {
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly quantity: number;
  readonly cause: ShortageCause;
}

export interface Bottleneck {
  readonly company: string;
  /** A capacity group's id, or `company/item` for a production record. */
  readonly capacity: string;
  readonly period: number;
  /** Load that meeting all requirements on time would need. */
  readonly load: number;
  readonly limit: number;
  readonly maximum?: number;
}

export interface DemandPeg {
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly quantity: number;
}

export interface Pegging {
  readonly order: string;
  readonly servesDemand: DemandPeg[];
}

/** The output contract of issue 3, section 4. */
export interface Plan {
  readonly network: string;
  readonly horizon: number;
  readonly orders: PlannedOrder[];
  readonly deliveries: Delivery[];
  readonly shortages: Shortage[];
  readonly bottlenecks: Bottleneck[];
  readonly pegging: Pegging[];
}

const EPSILON = 1e-9;
const NEVER = 1 << 30;

/**
 * Plans `network` across all tiers. Deterministic: the same network and options give the same plan.
 *
 * @example
 * const plan = planNetwork(loaded.network, { buildAheadWindow: 2 });
 * for (const shortage of plan.shortages) console.log(shortage.cause.text);
 */
export function planNetwork(network: Network, options: PlanOptions = {}): Plan {
  const horizon = Math.max(1, Math.min(network.horizon, options.horizon ?? network.horizon));
  const flat = flattenNetwork(network, horizon);
  return new Planner(flat, options).run(network.name);
}

class Planner {
  readonly H: number;
  readonly window: number;
  readonly frozen: number;
  readonly pegging: boolean;
  readonly gross: Float64Array;
  readonly used: Float64Array;
  readonly groupUsed: Float64Array;
  readonly wantedLoad: Float64Array;
  readonly groupWanted: Float64Array;
  readonly causeAt: Int32Array;
  readonly stock: Float64Array;
  readonly earliest: Int32Array;
  readonly ready: Int32Array;
  readonly earliestPurchase: Int32Array;
  readonly cumulativeShare: Float64Array;
  readonly cumulativeTotal: Float64Array;
  readonly promise = new Map<number, Float64Array>();
  readonly causes: ShortageCause[] = [];
  // Orders, as parallel arrays.
  readonly orderKind = new IntColumn();
  readonly orderNode = new IntColumn();
  readonly orderArc = new IntColumn();
  readonly orderStart = new IntColumn();
  readonly orderQuantity = new NumberColumn();
  readonly orderStartQuantity = new NumberColumn();
  readonly orderFinalQuantity = new NumberColumn();
  readonly orderFinalStart = new NumberColumn();
  readonly orderCause = new IntColumn();
  readonly orderFirstRequest = new IntColumn();
  readonly orderPegs: (Map<number, number> | undefined)[] = [];
  /** Order index + 1 by node × start (production) and arc × ship period (purchase); 0 = none. */
  readonly productionAt: Int32Array;
  readonly purchaseAt: Int32Array;
  readonly ordersOf: (number[] | undefined)[];
  // Requests on a node: component needs of a production order, shipments of a purchase.
  readonly requestNode = new IntColumn();
  readonly requestPeriod = new IntColumn();
  readonly requestQuantity = new NumberColumn();
  readonly requestServed = new NumberColumn();
  readonly requestOrder = new IntColumn();
  readonly requestPer = new NumberColumn();
  readonly requestCause = new IntColumn();
  readonly requestsOf: (number[] | undefined)[];
  lastCause = -1;
  readonly deliveries: Delivery[] = [];
  readonly shortages: Shortage[] = [];

  constructor(
    readonly flat: FlatNetwork,
    options: PlanOptions,
  ) {
    const cells = flat.nodes * flat.horizon;
    this.H = flat.horizon;
    this.window = Math.max(0, Math.floor(options.buildAheadWindow ?? 4));
    this.frozen = Math.max(0, Math.floor(options.frozenPeriods ?? 0));
    this.pegging = options.pegging ?? true;
    this.gross = Float64Array.from(flat.endDemand);
    this.used = new Float64Array(cells);
    this.wantedLoad = new Float64Array(cells);
    this.groupUsed = new Float64Array(flat.groupCapacity.length);
    this.groupWanted = new Float64Array(flat.groupCapacity.length);
    this.causeAt = new Int32Array(cells).fill(-1);
    this.stock = new Float64Array(cells);
    this.earliest = new Int32Array(flat.nodes).fill(NEVER);
    this.ready = new Int32Array(flat.nodes);
    this.earliestPurchase = new Int32Array(flat.nodes).fill(NEVER);
    this.cumulativeShare = new Float64Array(flat.arcSupplier.length);
    this.cumulativeTotal = new Float64Array(flat.nodes);
    this.productionAt = new Int32Array(cells);
    this.purchaseAt = new Int32Array(flat.arcSupplier.length * flat.horizon);
    this.ordersOf = new Array(flat.nodes);
    this.requestsOf = new Array(flat.nodes);
  }

  run(name: string): Plan {
    this.earliestAvailability();
    const { order } = this.flat;
    for (let i = 0; i < order.length; i++) this.requirements(order[i]!);
    for (let i = order.length - 1; i >= 0; i--) this.feasibility(order[i]!);
    return this.assemble(name);
  }

  // ---- earliest availability (bottom-up): when can a node first have any of its item ----

  earliestAvailability(): void {
    const f = this.flat;
    for (let i = f.order.length - 1; i >= 0; i--) {
      const n = f.order[i]!;
      let first = f.onHand[n]! > 0 ? 0 : NEVER;
      for (let t = 0; t < this.H && t < first; t++) if (f.receipts[n * this.H + t]! > 0) first = t;
      if (f.production[n]! >= 0) {
        let ready = 0;
        for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
          ready = Math.max(ready, this.earliest[f.bomNode[at]!]!);
        }
        this.ready[n] = ready;
        if (ready < NEVER) first = Math.min(first, ready + f.leadTime[n]!);
      }
      let purchase = NEVER;
      for (let at = f.arcStart[n]!; at < f.arcStart[n + 1]!; at++) {
        const supplier = this.earliest[f.arcSupplier[at]!]!;
        if (supplier < NEVER) purchase = Math.min(purchase, supplier + f.arcLeadTime[at]!);
      }
      this.earliestPurchase[n] = purchase;
      this.earliest[n] = Math.min(first, purchase);
    }
  }

  // ---- pass 1: requirements ----

  requirements(n: number): void {
    const f = this.flat;
    const H = this.H;
    const base = n * H;
    const requests = this.sortRequests(n);
    const requestStart = new Int32Array(H + 1);
    for (const r of requests) requestStart[this.requestPeriod.a[r]! + 1]!++;
    for (let t = 0; t < H; t++) requestStart[t + 1]! += requestStart[t]!;
    const safety = f.safetyStock[n]!;
    let projected = f.onHand[n]!;
    for (let t = 0; t < H; t++) {
      projected += f.receipts[base + t]! - this.gross[base + t]!;
      if (projected < safety - EPSILON) {
        let need = safety - projected;
        if (f.whole[n] === 1) need = Math.ceil(need - EPSILON);
        this.lastCause = -1;
        projected += this.supply(n, t, need, requests, requestStart);
        if (projected < -EPSILON) {
          if (this.lastCause >= 0) this.causeAt[base + t] = this.lastCause;
          projected = 0;
        }
      }
    }
  }

  /** Requests on node `n` in period order (creation order within a period), kept for pass 2. */
  sortRequests(n: number): number[] {
    const list = this.requestsOf[n];
    if (list === undefined) return [];
    list.sort((a, b) => this.requestPeriod.a[a]! - this.requestPeriod.a[b]! || a - b);
    return list;
  }

  supply(n: number, t: number, need: number, requests: number[], requestStart: Int32Array): number {
    const f = this.flat;
    const context = { requests, requestStart };
    let placed = 0;
    if (f.production[n]! >= 0) placed += this.produce(n, t, need, context);
    if (placed < need - EPSILON && f.arcStart[n + 1]! > f.arcStart[n]!) {
      placed += this.purchase(n, t, need - placed, context);
    }
    if (f.production[n]! < 0 && f.arcStart[n + 1] === f.arcStart[n]) {
      this.lastCause = this.cause(
        'no-supply',
        n,
        t,
        `${f.company[n]} neither makes nor buys ${f.item[n]}, and its stock runs out in period ${t}`,
      );
    }
    return placed;
  }

  startFor(n: number, good: number): number {
    const f = this.flat;
    let start = good / f.yieldRate[n]!;
    if (f.whole[n] === 1) start = Math.ceil(start - EPSILON);
    start = Math.max(start, f.lotMinimum[n]!);
    const multiple = f.lotMultiple[n]!;
    if (multiple > 0) start = Math.ceil(start / multiple - EPSILON) * multiple;
    return start;
  }

  /** The largest start ≤ `room` that keeps the lot-size rules, or 0. */
  fitLot(n: number, start: number, room: number): number {
    const f = this.flat;
    if (start <= room + EPSILON) return start;
    let fit = room;
    const multiple = f.lotMultiple[n]!;
    if (multiple > 0) fit = Math.floor(room / multiple + EPSILON) * multiple;
    else if (f.whole[n] === 1) fit = Math.floor(room + EPSILON);
    return fit < f.lotMinimum[n]! - EPSILON || fit <= EPSILON ? 0 : fit;
  }

  goodOf(n: number, start: number): number {
    const good = start * this.flat.yieldRate[n]!;
    return this.flat.whole[n] === 1 ? Math.floor(good + 1e-6) : good;
  }

  produce(n: number, t: number, need: number, context: PegContext): number {
    const f = this.flat;
    const H = this.H;
    const base = n * H;
    const leadTime = f.leadTime[n]!;
    const first = t - leadTime;
    const lowest = Math.max(0, this.frozen, this.ready[n]!);
    if (first >= 0) {
      const wanted = this.startFor(n, need);
      this.wantedLoad[base + first]! += wanted;
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
        this.groupWanted[f.nodeGroup[at]! * H + first]! += wanted * f.nodeGroupLoad[at]!;
      }
    }
    let remaining = need;
    let placed = 0;
    let groupBound = false;
    for (let s = first; s >= lowest && s >= first - this.window; s--) {
      let room = f.capacity[base + s]! - this.used[base + s]!;
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
        const g = f.nodeGroup[at]! * H + s;
        const groupRoom = (f.groupCapacity[g]! - this.groupUsed[g]!) / f.nodeGroupLoad[at]!;
        if (groupRoom < room) {
          room = groupRoom;
          groupBound = true;
        }
      }
      const start = this.fitLot(n, this.startFor(n, remaining), Math.max(0, room));
      const good = start > 0 ? this.goodOf(n, start) : 0;
      if (good <= EPSILON) continue;
      this.used[base + s]! += start;
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
        this.groupUsed[f.nodeGroup[at]! * H + s]! += start * f.nodeGroupLoad[at]!;
      }
      const order = this.productionOrder(n, s, start, good);
      this.peg(order, n, t, good, context);
      remaining -= good;
      placed += good;
      if (remaining <= EPSILON) return placed;
    }
    const company = f.company[n]!;
    const item = f.item[n]!;
    if (first < 0) {
      this.lastCause = this.cause(
        'lead-time',
        n,
        t,
        `${item} at ${company} is needed in period ${t} but takes ${leadTime} periods to make: it would have to start in period ${first}, before period 0`,
      );
    } else if (first < this.frozen) {
      this.lastCause = this.cause(
        'frozen',
        n,
        first,
        `${item} at ${company} would have to start in period ${first}, inside the frozen periods 0-${this.frozen - 1}`,
      );
    } else if (first < this.ready[n]!) {
      const ready = this.ready[n]!;
      this.lastCause = this.cause(
        'material',
        n,
        first,
        ready >= NEVER
          ? `${company} can get no components of ${item} within the horizon`
          : `components of ${item} cannot be on hand at ${company} before period ${ready}; it would have to start in period ${first}`,
      );
    } else {
      this.lastCause = this.cause(
        groupBound ? 'capacity-group' : 'capacity',
        n,
        first,
        `${company} has no ${groupBound ? 'capacity-group' : 'production'} capacity left for ${item} in periods ${Math.max(lowest, first - this.window)}-${first} (needed for period ${t})`,
      );
    }
    return placed;
  }

  purchase(n: number, t: number, need: number, context: PegContext): number {
    const f = this.flat;
    const first = f.arcStart[n]!;
    const end = f.arcStart[n + 1]!;
    const count = end - first;
    const whole = f.whole[n] === 1;
    const lowest = Math.max(0, this.frozen);
    // The split by shares: deficits against cumulative targets, whole units by largest deficit.
    const parts = new Float64Array(count);
    const total = this.cumulativeTotal[n]! + need;
    if (whole) {
      // Quotas: the deficits (≥ 0) scaled to the need; whole units by largest remainder.
      const quotas = new Float64Array(count);
      let sum = 0;
      for (let k = 0; k < count; k++) {
        quotas[k] = Math.max(0, f.arcShare[first + k]! * total - this.cumulativeShare[first + k]!);
        sum += quotas[k]!;
      }
      let given = 0;
      for (let k = 0; k < count; k++) {
        if (sum > EPSILON) quotas[k] = (quotas[k]! * need) / sum;
        else quotas[k] = f.arcShare[first + k]! * need;
        parts[k] = Math.floor(quotas[k]! + EPSILON);
        given += parts[k]!;
      }
      const byRemainder = Array.from({ length: count }, (_, k) => k).sort(
        (a, b) => quotas[b]! - parts[b]! - (quotas[a]! - parts[a]!) || a - b,
      );
      for (let i = 0; given < need - EPSILON; i = (i + 1) % count) {
        parts[byRemainder[i]!]!++;
        given++;
      }
    } else {
      for (let k = 0; k < count; k++) parts[k] = f.arcShare[first + k]! * need;
    }
    // The cumulative targets follow the split asked of the suppliers, not what overflow moved, so a
    // supplier that could not deliver is not asked to catch up later.
    for (let k = 0; k < count; k++) this.cumulativeShare[first + k]! += parts[k]!;
    this.cumulativeTotal[n] = total;
    // Suppliers by share, largest first, for overflow.
    const byShare = Array.from({ length: count }, (_, k) => k).sort(
      (a, b) => f.arcShare[first + b]! - f.arcShare[first + a]! || a - b,
    );
    const promised = new Float64Array(count);
    let unplaced = 0;
    let failed = -1;
    for (const k of byShare) {
      const ship = t - f.arcLeadTime[first + k]!;
      const room = ship >= lowest ? this.availableToPromise(first + k, ship, whole) : 0;
      promised[k] = Math.min(parts[k]!, room);
      unplaced += parts[k]! - promised[k]!;
      if (promised[k]! < parts[k]! - EPSILON && failed < 0) failed = k;
      if (promised[k]! > EPSILON) this.ship(n, first + k, ship, promised[k]!, t, context);
    }
    // Overflow: the part a supplier cannot deliver in time goes to the others that can, then earlier.
    for (let ahead = 0; ahead <= this.window && unplaced > EPSILON; ahead++) {
      for (const k of byShare) {
        if (unplaced <= EPSILON) break;
        const ship = t - ahead - f.arcLeadTime[first + k]!;
        if (ship < lowest) continue;
        const room = this.availableToPromise(first + k, ship, whole);
        const take = Math.min(unplaced, room);
        if (take <= EPSILON) continue;
        this.ship(n, first + k, ship, take, t, context);
        unplaced -= take;
      }
    }
    if (unplaced > EPSILON) {
      // Name a supplier that could have delivered in time but is full, else the largest one that could not.
      let named = failed < 0 ? (byShare[0] ?? 0) : failed;
      for (const k of byShare) {
        const ship = t - f.arcLeadTime[first + k]!;
        if (ship >= lowest && this.earliest[f.arcSupplier[first + k]!]! <= ship) {
          named = k;
          break;
        }
      }
      this.lastCause = this.supplierCause(n, first + named, t);
    }
    return need - unplaced;
  }

  supplierCause(n: number, arc: number, t: number): number {
    const f = this.flat;
    const supplier = f.arcSupplier[arc]!;
    const lane = f.arcLeadTime[arc]!;
    const ship = t - lane;
    const name = f.company[supplier]!;
    const item = f.item[n]!;
    const buyer = f.company[n]!;
    const earliest = this.earliest[supplier]!;
    if (ship < 0) {
      return this.cause(
        'lead-time',
        supplier,
        ship,
        `${item} from ${name} needed at ${buyer} in period ${t} would have to ship in period ${ship} (lane ${lane} periods), before period 0; no other supplier could deliver in time`,
      );
    }
    if (ship < this.frozen) {
      return this.cause(
        'frozen',
        supplier,
        ship,
        `${item} from ${name} would have to ship inside the frozen periods`,
      );
    }
    if (earliest > ship) {
      return this.cause(
        'lead-time',
        supplier,
        ship,
        earliest >= NEVER
          ? `${name} cannot supply ${item} within the horizon; no other supplier could deliver to ${buyer} for period ${t}`
          : `${name} cannot ship ${item} before period ${earliest} (its own lead times), ${buyer} needs it by period ${t}; no other supplier could deliver in time`,
      );
    }
    return this.cause(
      'supplier-capacity',
      supplier,
      ship,
      `${name} has no ${item} left to promise for shipping in period ${ship} (needed at ${buyer} in period ${t}); no other supplier had room`,
    );
  }

  /**
   * What supplier node of `arc` can still promise to ship in period `ship`: the least, over this and
   * later periods, of cumulative potential supply minus cumulative requirements already placed on it.
   */
  availableToPromise(arc: number, ship: number, whole: boolean): number {
    const f = this.flat;
    const supplier = f.arcSupplier[arc]!;
    if (this.earliest[supplier]! > ship) return 0;
    const potential = this.potential(supplier);
    const H = this.H;
    const base = supplier * H;
    let required = 0;
    let least = Number.POSITIVE_INFINITY;
    for (let p = 0; p < H; p++) {
      required += this.gross[base + p]!;
      if (p >= ship) least = Math.min(least, potential[p]! - required);
    }
    least = Math.max(0, least);
    return whole && Number.isFinite(least) ? Math.floor(least + EPSILON) : least;
  }

  /** Cumulative supply a node could have by each period, ignoring component quantities. */
  potential(n: number): Float64Array {
    let found = this.promise.get(n);
    if (found !== undefined) return found;
    const f = this.flat;
    const H = this.H;
    const base = n * H;
    found = new Float64Array(H);
    let stock = f.onHand[n]!;
    let made = 0;
    const making = f.production[n]! >= 0;
    const leadTime = f.leadTime[n]!;
    const ready = Math.max(this.ready[n]!, this.frozen);
    for (let p = 0; p < H; p++) {
      stock += f.receipts[base + p]!;
      const start = p - leadTime;
      if (making && start >= ready) {
        let room = f.capacity[base + start]!;
        for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
          room = Math.min(room, f.groupCapacity[f.nodeGroup[at]! * H + start]! / f.nodeGroupLoad[at]!);
        }
        made += this.goodOf(n, this.fitLot(n, room + 1e12, room));
      }
      found[p] = p >= this.earliestPurchase[n]! ? Number.POSITIVE_INFINITY : stock + made;
    }
    this.promise.set(n, found);
    return found;
  }

  ship(n: number, arc: number, ship: number, quantity: number, t: number, context: PegContext): void {
    const f = this.flat;
    const supplier = f.arcSupplier[arc]!;
    const due = ship + f.arcLeadTime[arc]!;
    const slot = arc * this.H + ship;
    let order = this.purchaseAt[slot]! - 1;
    if (order < 0) {
      order = this.newOrder(1, n, arc, ship, due);
      this.purchaseAt[slot] = order + 1;
      this.newRequest(supplier, ship, order, 1);
    }
    this.orderQuantity.a[order]! += quantity;
    this.orderStartQuantity.a[order]! += quantity;
    this.requestQuantity.a[this.orderFirstRequest.a[order]!]! += quantity;
    this.gross[supplier * this.H + ship]! += quantity;
    this.peg(order, n, t, quantity, context);
  }

  productionOrder(n: number, start: number, startQuantity: number, good: number): number {
    const f = this.flat;
    const H = this.H;
    const slot = n * H + start;
    let order = this.productionAt[slot]! - 1;
    if (order < 0) {
      order = this.newOrder(0, n, -1, start, start + f.leadTime[n]!);
      this.productionAt[slot] = order + 1;
      for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
        this.newRequest(f.bomNode[at]!, start, order, f.bomQuantity[at]!);
      }
    }
    this.orderQuantity.a[order]! += good;
    this.orderStartQuantity.a[order]! += startQuantity;
    let request = this.orderFirstRequest.a[order]!;
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++, request++) {
      const amount = startQuantity * f.bomQuantity[at]!;
      this.requestQuantity.a[request]! += amount;
      this.gross[f.bomNode[at]! * H + start]! += amount;
    }
    return order;
  }

  newOrder(kind: number, n: number, arc: number, start: number, due: number): number {
    const order = this.orderKind.length;
    this.orderKind.push(kind);
    this.orderNode.push(n);
    this.orderArc.push(arc);
    this.orderStart.push(start);
    this.orderQuantity.push(0);
    this.orderStartQuantity.push(0);
    this.orderFinalQuantity.push(0);
    this.orderFinalStart.push(0);
    this.orderCause.push(-1);
    this.orderFirstRequest.push(this.requestNode.length);
    this.orderPegs.push(undefined);
    let list = this.ordersOf[n];
    if (list === undefined) {
      list = [];
      this.ordersOf[n] = list;
    }
    list.push(order);
    void due;
    return order;
  }

  newRequest(child: number, period: number, order: number, per: number): void {
    const request = this.requestNode.length;
    this.requestNode.push(child);
    this.requestPeriod.push(period);
    this.requestQuantity.push(0);
    this.requestServed.push(0);
    this.requestOrder.push(order);
    this.requestPer.push(per);
    this.requestCause.push(-1);
    let list = this.requestsOf[child];
    if (list === undefined) {
      list = [];
      this.requestsOf[child] = list;
    }
    list.push(request);
  }

  /**
   * Proportional pegging: `quantity` of `order` covers that share of node `n`'s gross requirement in
   * period `t`, so it serves the same share of the end demand behind every piece of that requirement.
   */
  peg(order: number, n: number, t: number, quantity: number, context: PegContext): void {
    if (!this.pegging) return;
    const H = this.H;
    const gross = this.gross[n * H + t]!;
    if (gross <= EPSILON) return;
    const share = Math.min(1, quantity / gross);
    let pegs = this.orderPegs[order];
    if (pegs === undefined) {
      pegs = new Map();
      this.orderPegs[order] = pegs;
    }
    const key = n * H + t;
    const own = this.flat.endDemand[key]!;
    if (own > 0) pegs.set(key, (pegs.get(key) ?? 0) + share * own);
    const { requests, requestStart } = context;
    for (let i = requestStart[t]!; i < requestStart[t + 1]!; i++) {
      const request = requests[i]!;
      const upstream = this.orderPegs[this.requestOrder.a[request]!];
      if (upstream === undefined) continue;
      for (const [demand, served] of upstream) pegs.set(demand, (pegs.get(demand) ?? 0) + share * served);
    }
  }

  cause(code: ShortageCode, n: number, period: number, text: string): number {
    this.causes.push({ code, company: this.flat.company[n]!, item: this.flat.item[n]!, period, text });
    return this.causes.length - 1;
  }

  // ---- pass 2: feasibility ----

  feasibility(n: number): void {
    const f = this.flat;
    const H = this.H;
    const base = n * H;
    const arrivals = new Float64Array(H);
    for (const order of this.ordersOf[n] ?? []) {
      let quantity: number;
      if (this.orderKind.a[order] === 0) quantity = this.finishProduction(order);
      else {
        quantity = this.requestServed.a[this.orderFirstRequest.a[order]!]!;
        this.orderFinalQuantity.a[order] = quantity;
        this.orderFinalStart.a[order] = quantity;
        this.orderCause.a[order] = this.requestCause.a[this.orderFirstRequest.a[order]!]!;
      }
      const due =
        this.orderStart.a[order]! +
        (this.orderKind.a[order] === 0 ? f.leadTime[n]! : f.arcLeadTime[this.orderArc.a[order]!]!);
      arrivals[due]! += quantity;
      if (quantity < this.orderQuantity.a[order]! - EPSILON && this.orderCause.a[order]! >= 0) {
        this.causeAt[base + due] = this.orderCause.a[order]!;
      }
    }
    const requests = this.requestsOf[n] ?? [];
    const backlogPeriod: number[] = [];
    const backlogQuantity: number[] = [];
    let head = 0;
    let next = 0;
    let stock = f.onHand[n]!;
    for (let t = 0; t < H; t++) {
      stock += f.receipts[base + t]! + arrivals[t]!;
      const demand = f.endDemand[base + t]!;
      if (demand > 0) {
        const served = Math.min(demand, stock);
        stock -= served;
        if (served > EPSILON) this.deliver(n, t, served, t);
        const short = demand - served;
        if (short > EPSILON) {
          this.shortages.push({
            company: f.company[n]!,
            item: f.item[n]!,
            period: t,
            quantity: short,
            cause: this.causes[this.findCause(n, t)]!,
          });
          backlogPeriod.push(t);
          backlogQuantity.push(short);
        }
      }
      for (; next < requests.length && this.requestPeriod.a[requests[next]!] === t; next++) {
        const request = requests[next]!;
        const wanted = this.requestQuantity.a[request]!;
        const served = Math.min(wanted, stock);
        stock -= served;
        this.requestServed.a[request] = served;
        if (served < wanted - EPSILON) this.requestCause.a[request] = this.findCause(n, t);
      }
      while (head < backlogPeriod.length && stock > EPSILON) {
        const late = Math.min(stock, backlogQuantity[head]!);
        stock -= late;
        this.deliver(n, t, late, backlogPeriod[head]!);
        backlogQuantity[head]! -= late;
        if (backlogQuantity[head]! <= EPSILON) head++;
      }
      this.stock[base + t] = stock;
    }
  }

  /** The started quantity the scarcest component allows, lot sizes kept; unused components go back. */
  finishProduction(order: number): number {
    const f = this.flat;
    const n = this.orderNode.a[order]!;
    const start = this.orderStart.a[order]!;
    const planned = this.orderStartQuantity.a[order]!;
    let allowed = planned;
    let cause = -1;
    let request = this.orderFirstRequest.a[order]!;
    const last = request + f.bomStart[n + 1]! - f.bomStart[n]!;
    for (; request < last; request++) {
      const served = this.requestServed.a[request]!;
      const per = this.requestPer.a[request]!;
      let limit = served / per;
      if (f.whole[n] === 1) limit = Math.floor(limit + 1e-6);
      if (limit < allowed - EPSILON) {
        allowed = limit;
        cause = this.requestCause.a[request]!;
      }
    }
    if (allowed < planned - EPSILON) allowed = this.fitLot(n, planned, Math.max(0, allowed));
    else allowed = planned;
    const good = Math.min(
      this.orderQuantity.a[order]!,
      allowed === planned ? this.orderQuantity.a[order]! : this.goodOf(n, allowed),
    );
    this.orderFinalStart.a[order] = allowed;
    this.orderFinalQuantity.a[order] = good;
    this.orderCause.a[order] = cause;
    const H = this.H;
    for (request = this.orderFirstRequest.a[order]!; request < last; request++) {
      const refund = this.requestServed.a[request]! - allowed * this.requestPer.a[request]!;
      if (refund > EPSILON) {
        const child = this.requestNode.a[request]! * H;
        for (let p = start; p < H; p++) this.stock[child + p]! += refund;
        this.requestServed.a[request] = allowed * this.requestPer.a[request]!;
      }
    }
    return good;
  }

  /** The nearest root cause recorded at node `n` at or before period `t`, or a material cause there. */
  findCause(n: number, t: number): number {
    const base = n * this.H;
    for (let p = t; p >= 0; p--) {
      const found = this.causeAt[base + p]!;
      if (found >= 0) return found;
    }
    const f = this.flat;
    const created = this.cause(
      'material',
      n,
      t,
      `not enough ${f.item[n]} on hand at ${f.company[n]} in period ${t} for all that was planned on it`,
    );
    this.causeAt[base + t] = created;
    return created;
  }

  deliver(n: number, period: number, quantity: number, forPeriod: number): void {
    this.deliveries.push({
      company: this.flat.company[n]!,
      item: this.flat.item[n]!,
      period,
      quantity,
      forPeriod,
    });
  }

  // ---- the plan ----

  assemble(name: string): Plan {
    const f = this.flat;
    const H = this.H;
    const orders: PlannedOrder[] = [];
    const pegging: Pegging[] = [];
    for (let order = 0; order < this.orderKind.length; order++) {
      const quantity = this.orderFinalQuantity.a[order]!;
      if (quantity <= EPSILON) continue;
      const n = this.orderNode.a[order]!;
      const company = f.company[n]!;
      const item = f.item[n]!;
      const start = this.orderStart.a[order]!;
      let planned: PlannedOrder;
      if (this.orderKind.a[order] === 0) {
        const startQuantity = this.orderFinalStart.a[order]!;
        const id = `${company}/${item}/make/${start}`;
        const due = start + f.leadTime[n]!;
        planned =
          startQuantity !== quantity
            ? { id, kind: 'production', company, item, quantity, startQuantity, start, due }
            : { id, kind: 'production', company, item, quantity, start, due };
      } else {
        const arc = this.orderArc.a[order]!;
        const supplier = f.company[f.arcSupplier[arc]!]!;
        planned = {
          id: `${company}/${item}/buy/${supplier}/${start}`,
          kind: 'purchase',
          company,
          item,
          quantity,
          start,
          due: start + f.arcLeadTime[arc]!,
          supplier,
        };
      }
      orders.push(planned);
      const pegs = this.orderPegs[order];
      if (pegs !== undefined) {
        const scale = quantity / this.orderQuantity.a[order]!;
        const servesDemand: DemandPeg[] = [];
        for (const [key, served] of pegs) {
          const node = Math.floor(key / H);
          servesDemand.push({
            company: f.company[node]!,
            item: f.item[node]!,
            period: key - node * H,
            quantity: round(served * scale),
          });
        }
        pegging.push({ order: planned.id, servesDemand });
      }
    }
    return {
      network: name,
      horizon: H,
      orders,
      deliveries: this.deliveries,
      shortages: this.shortages,
      bottlenecks: this.bottlenecks(),
      pegging,
    };
  }

  bottlenecks(): Bottleneck[] {
    const f = this.flat;
    const H = this.H;
    const found: Bottleneck[] = [];
    for (let n = 0; n < f.nodes; n++) {
      if (f.production[n]! < 0) continue;
      for (let p = 0; p < H; p++) {
        const load = this.wantedLoad[n * H + p]!;
        const limit = f.capacity[n * H + p]!;
        if (load <= limit + EPSILON) continue;
        const maximum = f.maximumCapacity[n * H + p]!;
        const capacity = `${f.company[n]}/${f.item[n]}`;
        const entry = { company: f.company[n]!, capacity, period: p, load: round(load), limit };
        found.push(Number.isNaN(maximum) ? entry : { ...entry, maximum });
      }
    }
    for (let g = 0; g < f.groupId.length; g++) {
      for (let p = 0; p < H; p++) {
        const load = this.groupWanted[g * H + p]!;
        const limit = f.groupCapacity[g * H + p]!;
        if (load <= limit + EPSILON) continue;
        const maximum = f.groupMaximum[g * H + p]!;
        const entry = {
          company: f.groupCompany[g]!,
          capacity: f.groupId[g]!,
          period: p,
          load: round(load),
          limit,
        };
        found.push(Number.isNaN(maximum) ? entry : { ...entry, maximum });
      }
    }
    return found;
  }
}

/** A growable column of 32-bit integers: off the JavaScript heap, no boxing, little garbage. */
class IntColumn {
  a = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.a.length) {
      const grown = new Int32Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.length++] = value;
  }
}

/** A growable column of doubles. */
class NumberColumn {
  a = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.a.length) {
      const grown = new Float64Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.length++] = value;
  }
}

interface PegContext {
  readonly requests: number[];
  readonly requestStart: Int32Array;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
