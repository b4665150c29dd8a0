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
 * 2. **Execution, period by period.** The requirement plan is then carried out period by period,
 *    suppliers before their customers within a period: a production order starts what its components
 *    on hand, its capacity and its capacity groups allow (lot sizes kept), a purchase ships what the
 *    supplier has. A scarce item is rationed over everyone who wants it in proportion to what they
 *    want, so a shortfall costs every chain a little rather than one chain everything. What cannot
 *    start or ship waits and tries again next period (late, never lost within the horizon). A node
 *    that owes its customers more than it has and has coming catches up: it makes extra where its
 *    capacity allows, or orders extra from its suppliers, who in turn catch up. End demand is served
 *    from stock; what is short stays on backlog and is delivered late. The orders in the plan are the
 *    executed ones: their quantities and periods are what really starts, ships and arrives, and every
 *    shortage's cause is the nearest root cause found down the chain (a capacity at a tier-3 supplier
 *    is named at the OEM).
 *
 * ## Known limits (honest)
 * - Capacity is allocated greedily in topological order: consumers visited earlier get a shared
 *   supplier's capacity first; there is no global optimization or priority between customers.
 * - Available-to-promise (of a supplier, and of a component for a production start) looks at stock,
 *   scheduled receipts and production capacity from the period components can first be on hand, not
 *   at the components' quantities further down: such shortfalls surface in pass 2 as delays.
 * - A supplier asked for more than it can promise (no other supplier had room) is still asked, by
 *   share; pass 2 rations what it has over its customers.
 * - Catching up in pass 2 uses spare capacity only; it does not re-plan the requirement pass.
 * - Capacity-group room in the promise check ignores other items of the group; the plan itself never
 *   exceeds a group.
 * - Safety stock is restored where possible and drawn on for demand; draws are reported
 *   (`safetyStockDraws`), a target never reached (initial stock below it) is not.
 * - Pegging is proportional: an order serves each requirement of the period it covers in proportion;
 *   a part delayed in pass 2 pegs like the order it was delayed from.
 * - The frozen horizon forbids new starts in the first `frozenPeriods` (only planned orders start
 *   there in pass 2); it does not keep the orders of a previous plan.
 * - Catching up may order extra that arrives too late to be used (it is in the plan, doing no harm).
 * - `replanNetwork` replays pass 1 where a change does not reach and patches the kept run's flattened
 *   network where the planning events changed it (`flat-patch.ts`); pass 2 runs for the nodes whose
 *   inputs differ and those they reach (the dirty set), and gives up for pass 2 over every node (from
 *   a checkpoint of the kept run) when that set grows past its budgets of steps, walks or time: a
 *   change that reaches much of the network (a large maker shut) re-plans in about the time of a plan,
 *   at most some twice its pass 2 (docs/planning.md, "The dirty-set execution pass").
 */
import type { Network } from '../model/schema.ts';
import { Arena, touchAhead, touchingAhead } from './arena.ts';
import { type FlatPatch, patchFlatNetwork } from './flat-patch.ts';
import {
  arcBuyers,
  capacityBase,
  type FlatSizes,
  flatSizes,
  flattenForPlanning,
  type OrderedFlatNetwork,
  plannerArena,
} from './flatten.ts';
import { CaughtCells, LoggedCells, NarrowCells } from './logged-cells.ts';
import { type OrderColumns, type OrderList, OrderTable, orderNode } from './orders.ts';

export type { PlannedOrder } from './orders.ts';

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
  /**
   * Suppliers that ship nothing in a window (`supplier.down` events): `item` absent means all items;
   * `from` inclusive, `to` exclusive.
   */
  readonly blocked?: readonly BlockedShipping[];
}

/**
 * A supplier that ships nothing (of `item`, or of anything; to `customer`, or to anyone) in periods
 * `from` … `to` − 1 (ship periods). A node blocks its own lane to a supplier this way while that
 * supplier's `changed` answer says it ships no more before a period (docs/exchange.md, "Confirmations").
 */
export interface BlockedShipping {
  readonly supplier: string;
  readonly item?: string;
  readonly customer?: string;
  readonly from: number;
  readonly to: number;
}

/**
 * A plan together with what it takes to re-plan it after a change: keep it and pass it to
 * `replanNetwork`. Holds the planner's arrays (about the size of the plan itself).
 */
export interface PlanRun {
  readonly plan: Plan;
  /** How this run came about: every node planned afresh, or only those a change touched. */
  readonly stats: ReplanStats;
  /** @internal The planner's state, for `replanNetwork`. */
  readonly state: unknown;
}

export interface ReplanStats {
  /** Company × item nodes in the network. */
  readonly nodes: number;
  /** Nodes whose requirements were computed again (all of them on a full run). */
  readonly recomputed: number;
  /** True when the whole network was planned again (a first run, or the network's shape changed). */
  readonly full: boolean;
  /** Why a re-plan had to start from scratch. */
  readonly reason?: string;
}

/** Every cause code a shortage can have. */
export const SHORTAGE_CODES = [
  'lead-time',
  'frozen',
  'capacity',
  'capacity-group',
  'supplier-capacity',
  'material',
  'no-supply',
  'supplier-down',
] as const;
export type ShortageCode = (typeof SHORTAGE_CODES)[number];

/** Why a demand is short: the constraint, where and when it binds, in words a planner reads. */
export interface ShortageCause {
  readonly code: ShortageCode;
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly text: string;
}

/** Which text a kept cause is written with (`describeCause`). */
const CauseText = {
  NoSupply: 0,
  MakeTooLate: 1,
  MakeFrozen: 2,
  NoComponents: 3,
  ComponentsLate: 4,
  ComponentsPromised: 5,
  NoCapacity: 6,
  ShipTooLate: 7,
  ShipFrozen: 8,
  SupplierDown: 9,
  CannotSupply: 10,
  ShipsLater: 11,
  NothingToPromise: 12,
  NoCapacityForDelayed: 13,
  SharedOut: 14,
  NotEnoughOnHand: 15,
} as const;
type CauseText = (typeof CauseText)[keyof typeof CauseText];

/**
 * A cause as the planner keeps it (`Planner.cause`): what it is and where it binds, and what its text
 * is written from (`text`, a company or buyer `name`, an `other` item, figures `a` … `d`), not the
 * text. Pass 1 and pass 2 record some 350,000 at 60,000 companies and the 3,400 shortages name few:
 * their texts were a fifth of the heap a kept plan holds, and the time to write them was spent for
 * nothing (docs/planning.md "The full plan at stop 18"). A shortage names it as a `ShortageCause`
 * (`namedCause`), made once: every output reads the same texts as before.
 */
interface KeptCause {
  readonly code: ShortageCode;
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly text: CauseText;
  readonly name: string;
  readonly other: string;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  named: ShortageCause | undefined;
}

/** `cause` as shortages name it: the same object for every shortage (and re-plan) that names it. */
function namedCause(cause: KeptCause): ShortageCause {
  cause.named ??= {
    code: cause.code,
    company: cause.company,
    item: cause.item,
    period: cause.period,
    text: describeCause(cause),
  };
  return cause.named;
}

/** The text of `cause`, as the planner writes it. */
function describeCause(cause: KeptCause): string {
  const { company, item, period, name, other, a, b, c, d } = cause;
  switch (cause.text) {
    case CauseText.NoSupply:
      return `${company} neither makes nor buys ${item}, and its stock runs out in period ${period}`;
    case CauseText.MakeTooLate:
      return `${item} at ${company} is needed in period ${period} but takes ${a} periods to make: it would have to start in period ${b}, before period 0`;
    case CauseText.MakeFrozen:
      return `${item} at ${company} would have to start in period ${period}, inside the frozen periods 0-${a}`;
    case CauseText.NoComponents:
      return `${company} can get no components of ${item} within the horizon`;
    case CauseText.ComponentsLate:
      return `components of ${item} cannot be on hand at ${company} before period ${a}; it would have to start in period ${period}`;
    case CauseText.ComponentsPromised:
      return `not enough ${item} can be on hand at ${name} in periods ${a}-${period} to make the ${other} needed in period ${b}: its stock, arrivals and capacity are already promised`;
    case CauseText.NoCapacity:
      return `${company} has no ${cause.code === 'capacity-group' ? 'capacity-group' : 'production'} capacity left for ${item} in periods ${a}-${period} (needed for period ${b})`;
    case CauseText.ShipTooLate:
      return `${other} from ${company} needed at ${name} in period ${b} would have to ship in period ${period} (lane ${a} periods), before period 0; no other supplier could deliver in time`;
    case CauseText.ShipFrozen:
      return `${other} from ${company} would have to ship inside the frozen periods`;
    case CauseText.SupplierDown:
      return `${company} is down and ships no ${other} in period ${period} (needed at ${name} in period ${b}); no other supplier had room`;
    case CauseText.CannotSupply:
      return `${company} cannot supply ${other} within the horizon; no other supplier could deliver to ${name} for period ${b}`;
    case CauseText.ShipsLater:
      return `${company} cannot ship ${other} before period ${a} (its own lead times), ${name} needs it by period ${b}; no other supplier could deliver in time`;
    case CauseText.NothingToPromise:
      return `${company} has no ${other} left to promise for shipping in period ${period} (needed at ${name} in period ${b}); no other supplier had room`;
    case CauseText.NoCapacityForDelayed:
      return `${company} has no capacity left in period ${period} to start the ${item} delayed from earlier periods`;
    case CauseText.SharedOut: {
      const notice =
        d >= 0
          ? `making more takes ${d} period${d === 1 ? '' : 's'}`
          : 'its suppliers had sent no more by then';
      return (
        `${company} had ${String(a)} ${item} on hand in period ${period} for ${String(b)} asked of it` +
        `${Number.isNaN(c) ? '' : ` (${String(c)} of it delayed from earlier periods)`} and shared it out in proportion; ${notice}`
      );
    }
    case CauseText.NotEnoughOnHand:
      return `not enough ${item} on hand at ${company} in period ${period} for all that was planned on it`;
  }
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
  /** Planned orders only (open orders are not repeated): an `OrderTable`, or any `OrderList`. */
  readonly orders: OrderList;
  readonly deliveries: Delivery[];
  readonly shortages: Shortage[];
  readonly bottlenecks: Bottleneck[];
  readonly pegging: Pegging[];
  /**
   * Periods in which a node's stock was drawn below its safety-stock target to serve what it was
   * asked for (extra to the output contract): how far below the target it ended the period.
   */
  readonly safetyStockDraws?: SafetyStockDraw[];
}

export interface SafetyStockDraw {
  readonly company: string;
  readonly item: string;
  readonly period: number;
  /** Stock at the end of the period. */
  readonly stock: number;
  readonly target: number;
}

const EPSILON = 1e-9;
const NO_REQUESTS: number[] = [];
const NEVER = 1 << 30;

/**
 * Internal switch of the dirty-set execution pass (docs/planning.md, "The dirty set"): with it on (the
 * default), kept runs log what a re-plan's pass 2 reads of nodes it does not run, and re-plans run pass
 * 2 only for the nodes whose inputs differ. Off: pass 2 runs whole, or from a checkpoint (tests compare both).
 */
let dirtyExecution = true;
/**
 * When a dirty-set pass gives up for pass 2 over every node (`executeDirty`): when its first set is
 * more than this share of the nodes (the set ends two to four times as large: at 6,000 companies a
 * first set of 10 % ended at 21.5 % after 20 rounds of the pass before stop 18, 1.4 times a whole
 * pass 2's time; at 20,000 and 60,000 companies it is 3 % and under 1 %) ...
 */
const DIRTY_FIRST_SET_SHARE = 0.08;
/** ... or when its node steps would be more than this share of a whole pass 2's ... */
const DIRTY_STEP_SHARE = 0.6;
/**
 * ... or when the nodes it walks (`dirtyWalked`) would be more than this share of a whole pass 2's
 * steps. A walk also visits the set's edge and the clean customers it feeds, and a node walked in the
 * dirty-set pass costs more than a step of the whole pass (logs read, rounds rolled back): at 20,000
 * companies a production record shut from period 5, re-planned from a re-plan, walked 1.2 whole passes'
 * worth of nodes for a set of 24,000 nodes in 96 rounds, 4.7–5.5 s against 1.5–2.1 s for pass 2 over
 * every node, while its steps were within `DIRTY_STEP_SHARE`. Single changes at 6,000 to 60,000
 * companies walked 0.002 to 0.5 of a whole pass (at 0.5, 351 ms against 486 ms whole).
 */
const DIRTY_WALK_SHARE = 0.5;
/**
 * ... or, with a clock set (`setPlanningClock`), when it has run longer than this share of the time
 * the kept run's pass 2 took for as many periods: then it has cost as much as the pass it was to
 * spare, and the re-plan takes at most about twice that (the rule of renting skis until their price
 * is paid). The counts above are estimates; this bounds what they miss on any machine.
 */
const DIRTY_TIME_SHARE = 1;
let dirtyGivesUp: boolean | number = true;
/** Milliseconds from any fixed point, when set (`setPlanningClock`). */
let planningClock: (() => number) | undefined;

/** Whether `promisable` stops reading a row once no later period can lower its result (tests switch it off). */
let earlyPromiseStop = true;

/**
 * Switches `promisable`'s early stop on or off (on unless switched); returns the setting before. The
 * plan is the same either way: the tests compare the two, as nothing else would tell a stop too early
 * (plans and re-plans would be wrong alike).
 */
export function useEarlyPromiseStop(on: boolean): boolean {
  const was = earlyPromiseStop;
  earlyPromiseStop = on;
  return was;
}

/**
 * @internal Turns the dirty-set execution pass on or off (tests and benchmarks); returns the previous
 * setting. `givesUp` false: it never gives up for pass 2 over every node (tests of the pass itself); a
 * number: only when its node steps would be more than that share of a whole pass 2's.
 */
export function useDirtyExecution(on: boolean, givesUp: boolean | number = true): boolean {
  const was = dirtyExecution;
  dirtyExecution = on;
  dirtyGivesUp = givesUp;
  return was;
}

/**
 * Sets the clock a re-plan's dirty-set pass reads to give up for pass 2 over every node once it has
 * run as long as the kept run's pass 2 took (`DIRTY_TIME_SHARE`); returns the clock it replaces.
 * Without one (the default) the pass gives up by its counts of work alone. Only how long a re-plan
 * takes depends on it, never the plan: the pass and pass 2 over every node give the same plan.
 *
 * @example
 * setPlanningClock(() => performance.now());
 */
export function setPlanningClock(now: (() => number) | undefined): (() => number) | undefined {
  const was = planningClock;
  planningClock = now;
  return was;
}

/**
 * Plans `network` across all tiers. Deterministic: the same network and options give the same plan.
 *
 * @example
 * const plan = planNetwork(loaded.network, { buildAheadWindow: 2 });
 * for (const shortage of plan.shortages) console.log(shortage.cause.text);
 */
export function planNetwork(network: Network, options: PlanOptions = {}): Plan {
  const horizon = Math.max(1, Math.min(network.horizon, options.horizon ?? network.horizon));
  const { flat, along } = flattenForPlanning(network, horizon, (sizes) => runArenas(sizes, options, false));
  return new Planner(flat, options, false, along).run(network.name);
}

/** Plans `network` like `planNetwork` and keeps what `replanNetwork` needs to re-plan it after a change. */
export function planNetworkRun(network: Network, options: PlanOptions = {}): PlanRun {
  const horizon = Math.max(1, Math.min(network.horizon, options.horizon ?? network.horizon));
  const { flat, along } = flattenForPlanning(network, horizon, (sizes) => runArenas(sizes, options, true));
  const planner = new Planner(flat, options, true, along);
  planner.source = network;
  const plan = planner.run(network.name);
  return {
    plan,
    stats: { nodes: planner.flat.nodes, recomputed: planner.flat.nodes, full: true },
    state: planner,
  };
}

/**
 * Re-plans after `network` changed from the network of `previous` (a capacity, a supplier down, new
 * demand, an open order: the planning events). Requirements are computed again only for the nodes the
 * change reaches: a node whose own data, gross requirement, suppliers' and components' promises and
 * capacity groups are as before replays its previous decisions. The result is the same plan as
 * `planNetwork(network, options)` — the tests check exactly that — computed with less work. When the
 * network's shape changed (companies, items, bills of materials, sourcing links or capacity groups
 * added or removed) or the options differ, it plans from scratch and says so in `stats`. A re-plan of a
 * re-plan whose execution pass ran for a dirty set starts from the run that one started from, with
 * every change since (which that run keeps alive).
 */
export function replanNetwork(previous: PlanRun, network: Network, options?: PlanOptions): PlanRun {
  const last = previous.state as Planner;
  // A re-plan whose pass 2 ran for a dirty set keeps no log of its own: this one starts from the run
  // it was re-planned from, the last in the chain whose pass 2 ran whole and logged. Re-planned from
  // `last`, pass 2 would run over every node (docs/planning.md, "A chain of re-plans").
  const before = last.base ?? last;
  const wanted = options ?? last.options;
  const horizon = Math.max(1, Math.min(network.horizon, wanted.horizon ?? network.horizon));
  // The kept run's flattened network with the changed rows written again, when only capacities,
  // demand and open orders changed (the planning events); else the network flattened afresh.
  let patch: FlatPatch | undefined;
  if (before.source !== undefined && horizon === before.H) {
    const patched = patchFlatNetwork(before.flat, before.source, network);
    if (patched.ok) patch = patched.value;
  }
  const { flat, along } =
    patch === undefined
      ? flattenForPlanning(network, horizon, (sizes) => runArenas(sizes, wanted, true))
      : { flat: patch.flat, along: runArenas(flatSizes(patch.flat), wanted, true) };
  const planner = new Planner(flat, wanted, true, along);
  planner.source = network;
  planner.patch = patch;
  const reason = planner.incompatible(before);
  if (reason === undefined) planner.expectLike(before);
  const plan = planner.run(network.name, reason === undefined ? before : undefined);
  // Only after a dirty-set pass (which `before`'s log made possible) that ran to the end: one that gave
  // up ran pass 2 over every node, from 0 (and logged) or from a checkpoint, and the next re-plan from
  // this run can resume at one of its checkpoints or run whole and log, where one from the base would
  // give up again.
  if (planner.ranDirty) planner.base = before;
  // Else the next re-plan starts from this run: it keeps its own logs, and no other run alive for them.
  else planner.standAlone();
  const stats: ReplanStats =
    reason === undefined
      ? { nodes: planner.flat.nodes, recomputed: planner.recomputed, full: false }
      : { nodes: planner.flat.nodes, recomputed: planner.flat.nodes, full: true, reason };
  return { plan, stats, state: planner };
}

/** A run's arenas: what a kept run replays, its order columns, pass 2's arrays and the checkpoints. */
interface RunArenas {
  readonly kept: Arena;
  readonly orders: Arena;
  readonly execution: Arena;
  readonly checkpoints: Arena;
}

/**
 * The arenas of a run on a network of `sizes`, their chunks taken at once: V8 runs a full collection
 * for every 64 MB of new array buffers since its last one, and each walks the whole network model
 * (some 200 MB at 60,000 companies); chunks taken as the arrays were first needed brought some ten a
 * plan. `flattenForPlanning` takes them right after the flattened network's own chunk, so that the
 * two share one collection.
 */
function runArenas(sizes: FlatSizes, options: PlanOptions, replayable: boolean): RunArenas {
  const { nodes, horizon, arcs } = sizes;
  const cells = nodes * horizon;
  const pegging = options.pegging ?? true;
  // Every order has its own slot (node × start period, or arc × shipping period): the order columns
  // are made that size once. The memory is only touched as far as it is used. They have an arena of
  // their own: the plan's `OrderTable` reads them (and keeps them alive) after the rest of a run that
  // is not kept is dropped; the table's index of the orders in the plan (4 bytes an order) comes from
  // it too. An order is 36 bytes: its arc (or node, `orderNode`) and start, its three quantities, and
  // the table's 4.
  const orders = Arena.sized((nodes + arcs) * horizon * 36);
  // What a kept run replays lives in `kept` (`plannerArena`), what only the execution pass needs in
  // `execution`, so that `release` can drop the latter whole (see arena.ts for why arenas at all).
  // `execution` holds pass 2's arrays and its period-major copies (`transpose`; `capacityT` is
  // `potentialAt`).
  // It takes the chunk the last run gave back (`release`) when that is of its size: a re-plan after a
  // plan of the same network finds its pages mapped already (arena.ts).
  const execution = Arena.sized(cells * 44 + arcs * horizon * 12 + nodes * 200 + arcs * 24, true);
  // A kept run's checkpoints (`checkpoint`) and its log of pass 2's causes, in an arena of their own
  // that lives as long as the run.
  // With the dirty-set switch on, a full pass 2's `DirtyLog` too (made at its start, where new buffers
  // of its size, some 1 GB at 60,000 companies, brought another full collection).
  // (Its `LoggedCells` take their dense size, but touch only what they keep.)
  const logBytes = dirtyExecution ? nodes * horizon * 37 + arcs * horizon * 17 : 0;
  const checkpoints =
    replayable && !pegging ? Arena.sized(checkpointBytes(sizes) + logBytes).reserve() : new Arena(8);
  return {
    kept: plannerArena(sizes).reserve(),
    orders: orders.reserve(),
    execution: execution.reserve(),
    checkpoints,
  };
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
  /**
   * Per node × period (`n * H + t`), the cause recorded there: its index in `causes` plus 1, 0 for none
   * (so that the array needs no filling: at 60,000 companies 58 MB of fresh memory filled with −1).
   */
  causeAt: Int32Array;
  /** Pass 2: stock on hand now, arrivals by period × node (`t * nodes + n`), what waits to start or ship. */
  onHand: Float64Array;
  incoming: Float64Array;
  pendingStart: Float64Array;
  readonly pendingFrom: Int32Array;
  pendingShip: Float64Array;
  readonly pendingShipFrom: Int32Array;
  groupDone: Float64Array;
  readonly backlogOf: (Backlog | undefined)[];
  readonly finalPegs: (Map<number, number> | undefined)[] = [];
  /** Pass 2: catch-up quantities (started or shipped from what waited) not yet arrived, by node and by arrival (period × node). */
  inFlight: Float64Array;
  /** Pass 2: units started so far per node, for whole-unit yields on the running total. */
  startedSoFar: Float64Array;
  /** Pass 2: what customers wait for from a node (their delayed orders), and its end demand on backlog. */
  owed: Float64Array;
  backlogOwed: Float64Array;
  catchUpArrival: Float64Array;
  /** Pass 2: the share of what its customers want this period that a node's stock covers (≤ 1). */
  ratio: Float64Array;
  /** Pass 2: what customers want of a node this period (planned and waiting) and its stock then. */
  askedNow: Float64Array;
  stockNow: Float64Array;
  /**
   * Pass 2 reads the plan period by period, so it reads period-major copies (`t * nodes + n`, `t * arcs
   * + arc`) of what pass 1 left node by node: at 60,000 companies a node-major read per node and period
   * was a cache miss each, and pass 2 spent most of its time waiting for memory.
   */
  madeT: Int32Array = new Int32Array(0);
  plannedStartT: Float64Array = new Float64Array(0);
  boughtT: Int32Array = new Int32Array(0);
  plannedShipT: Float64Array = new Float64Array(0);
  /**
   * Per node, 1 when it has end demand, or arrivals from catching up in some period; for scheduled
   * receipts, the period after the last that has any (0: none). Few nodes have them (at 6,000
   * companies 3,182 and 15 of 27,549 nodes, and a few hundred), so pass 2 reads those rows where
   * they are (node-major) for them alone instead of period-major copies of arrays that are nearly all
   * 0 (two of 116 MB, and one more touched, at 60,000 companies). Receipts are mostly open orders due
   * in the first periods, so a node's row is read only up to its last: at 60,000 companies 31,513
   * receipts of some 31,500 nodes, read in every period 1.6 million times (`step`'s costliest line in
   * a sampling profile).
   */
  receiptsUntil = new Int32Array(0);
  hasDemand = new Uint8Array(0);
  catchesUp: Uint8Array = new Uint8Array(0);
  capacityT: Float64Array = new Float64Array(0);
  askedT: Float64Array = new Float64Array(0);
  /**
   * In a full pass 2 from period 0 (no dirty-set pass), what an order executes is written by cell
   * (`t * nodes + n`, `t * arcs + arc`) over the planned quantities it was read from, and scattered
   * into the order columns after the pass (`scatterFinals`): see docs/planning.md "Pass 2's finals by cell".
   */
  finalsByCell = false;
  readonly earliest: Int32Array;
  readonly ready: Int32Array;
  readonly earliestPurchase: Int32Array;
  readonly cumulativeShare: Float64Array;
  readonly cumulativeTotal: Float64Array;
  /** Per node × period, what the node could have by then (`potential`), filled when first asked. */
  potentialAt: Float64Array;
  /** The arrays only the requirement and execution passes use, dropped by `release`. */
  execution: Arena;
  /** 1 when a node's row of `potentialAt` is known, 2 when it is also non-decreasing (`potential`). */
  potentialKnown: Uint8Array;
  /**
   * Per node, a bound of the absolute values of its row of `gross` summed (NaN: not known, summed when
   * `promisable` asks): what lets `promisable` stop early, see there.
   */
  grossBound: Float64Array;
  /** Per node, its arcs' positions (0 … count − 1) by share, largest first; scratch for `purchase`. */
  readonly byShare: Int32Array;
  readonly scratchParts: Float64Array;
  readonly scratchQuotas: Float64Array;
  readonly scratchPromised: Float64Array;
  readonly noRequestStart: Int32Array;
  readonly pegContext: PegContext;
  /** The causes recorded, their texts not yet written (`KeptCause`). */
  readonly causes: KeptCause[] = [];
  // Orders, as parallel arrays. A purchase has its arc (its node is the arc's buyer, `arcBuyer`); a
  // production order of node n has −1 − n (`orderNode`): an arc below 0 is production.
  readonly orderArena: Arena;
  readonly orderArc: IntColumn;
  /** Each arc's buying node (`arcBuyerOf`), for the node of a purchase (`orderNode`). */
  readonly arcBuyer: Int32Array;
  readonly orderStart: IntColumn;
  /** What the requirement pass plans to start (production) or ship (purchase). */
  readonly orderStartQuantity: NumberColumn;
  readonly orderFinalQuantity: NumberColumn;
  readonly orderFinalStart: NumberColumn;
  /** Pegs of each order, by order index (pegging only; empty without). */
  readonly orderPegs: (Map<number, number> | undefined)[] = [];
  /** Order index + 1 by node × start (production) and arc × ship period (purchase); 0 = none. */
  readonly productionAt: Int32Array;
  readonly purchaseAt: Int32Array;
  // Requests on a node (pegging only): component needs of a production order, shipments of a purchase.
  readonly requestNode: IntColumn;
  readonly requestPeriod: IntColumn;
  readonly requestOrder: IntColumn;
  readonly requestsOf: (number[] | undefined)[];
  lastCause = -1;
  deliveries: Delivery[] = [];
  shortages: Shortage[] = [];
  /** The safety-stock draws (a dirty-set pass's own; the kept run's it takes over are `drawStretches`). */
  safetyStockDraws: SafetyStockDraw[] = [];
  /**
   * A dirty-set pass's stretches of the kept run's (`listsFrom`) deliveries, shortages and draws of
   * clean nodes, noted where this run's own list stands and made into the plan's lists by `assemble`.
   */
  listsFrom: Planner | undefined;
  readonly deliveryStretches = new Stretches();
  readonly shortageStretches = new Stretches();
  readonly drawStretches = new Stretches();
  /** Pass 2: nodes with a safety-stock target, and each node's stock after this period's arrivals. */
  readonly safetyNodes: readonly number[];
  openingStock: Float64Array;

  // What each node's requirement pass did, for replaying it in a re-plan (ranges into the columns).
  readonly orderFrom: Int32Array;
  readonly orderTo: Int32Array;
  readonly requestFrom: Int32Array;
  readonly requestTo: Int32Array;
  readonly causeFrom: Int32Array;
  readonly causeTo: Int32Array;
  readonly callFrom: Int32Array;
  readonly callTo: Int32Array;
  readonly wantFrom: Int32Array;
  readonly wantTo: Int32Array;
  readonly pegFrom: Int32Array;
  readonly pegTo: Int32Array;
  /**
   * The run that computed each node's requirements, where its logs (`callOrder` … `wantAmount` from
   * `callFrom[n]` … and `wantFrom[n]` …) and its rows of `used` and `wantedLoad` are read:
   * `owners[owner[n]]`, this run (0) or, for a node a re-plan replayed, the run it was replayed from,
   * read where they are instead of copied (`ownerOf`, docs/planning.md "The shared sums without
   * replaying every call" and "Rows by owner").
   */
  readonly owner: Uint8Array;
  owners: Planner[] = [this];
  /** While a re-plan runs: the index in `owners` of each of the kept run's `owners`. */
  ownerMap: number[] = [0];
  /**
   * A re-plan's kept run, which holds the final rows of `gross` this run has not made live
   * (`grossRows`), until `standAlone`.
   */
  rowsFrom: Planner | undefined;
  /**
   * A re-plan's shared sums (`gross`, `groupUsed`, `groupWanted`) start as the kept run's final ones;
   * a row becomes live (1) when a node computed again reads or adds to it, and is then made what this
   * run has summed so far and kept up (`liveRow`, `liveGroup`). Undefined in a full plan.
   */
  liveNode: Uint8Array | undefined;
  liveGroupRow: Uint8Array | undefined;
  /** The network's customers by node and members by group (`dirtyGraphOf`), for `liveRow`. */
  sumGraph: DirtyGraph | undefined;
  /** Each placement of quantity on an order, in order: what it added to shared arrays. */
  readonly callOrder: IntColumn;
  readonly callAmount: NumberColumn;
  /** Each capacity load a production record wanted: period and started quantity. */
  readonly wantPeriod: IntColumn;
  readonly wantAmount: NumberColumn;
  readonly pegOrder = new IntColumn();
  readonly pegPeriod = new IntColumn();
  readonly pegAmount = new NumberColumn();
  /** Arc × period: 1 where the supplier ships nothing (`blocked`). */
  readonly blockedAt: Uint8Array | undefined;
  recomputed = 0;
  /** The network this run planned (kept runs only): a re-plan patches its flattened network. */
  source: Network | undefined;
  /** In a re-plan whose network was patched: the nodes and groups whose rows were written again. */
  patch: FlatPatch | undefined;
  /** Kept runs: the causes the requirement pass left in `causeAt` (made as pass 2 starts). */
  plannedCauseAt: PlannedCauses | undefined;
  /** Kept runs: the cells of `causeAt` the requirement pass wrote, for `plannedCauseAt`. */
  readonly plannedCauseCells = new IntColumn();
  /**
   * Kept runs without pegging: pass 2's state at the start of some periods (`CHECKPOINTS` of them),
   * so that a re-plan whose execution inputs are the same up to a period starts pass 2 there.
   */
  checkpoints: Checkpoint[] = [];
  /** Where the checkpoints' arrays come from (kept runs without pegging). */
  readonly checkpointArena: Arena;
  /** Where the arrays a kept run replays come from. */
  readonly keptArena: Arena;
  /** Kept runs without pegging: pass 2's writes into `causeAt`, in order (cell and cause), for a checkpoint's restore. */
  readonly causeWriteCell: IntColumn;
  readonly causeWriteIndex: IntColumn;
  /** Orders the requirement pass made; pass 2's come after them. */
  plannedOrders = 0;
  /**
   * A dirty-set re-plan: the pass-2 orders of clean nodes it took over from the kept run (`finalsFrom`)
   * as they are, shared, not copied (`takeOverOrders`): stretch k is the kept run's rows `from[k]` …
   * `from[k] + count[k] − 1`, which stand in the plan before this run's row `at[k]` (`tableInParts`).
   */
  readonly orderStretches = new Stretches();
  /** Causes the requirement pass made. */
  plannedCauses = 0;
  /** Re-plans: the nodes whose requirements were computed again. */
  readonly recomputedNodes: number[] = [];
  /** Kept runs: the plan's bottlenecks, and where each node's start (by appearance), for a re-plan (`bottlenecks`). */
  bottleneckList: Bottleneck[] | undefined;
  bottleneckFrom: Int32Array | undefined;
  /** The period pass 2 started in (0, or a checkpoint of the previous run's that the re-plan resumed). */
  resumedAt = 0;
  /** Checkpoints are kept by kept runs without pegging (a re-plan with pegging runs pass 2 whole). */
  readonly checkpointing: boolean;
  /**
   * A dirty-set re-plan: the kept run, whose executed quantities the orders of the nodes outside the set
   * keep, read there (`finalsOwn`, `assemble`; docs/planning.md "Finals by owner"); undefined when this
   * run holds every order's.
   */
  finalsFrom: Planner | undefined;
  /** With `finalsFrom`: 1 for a node whose pass-1 orders' executed quantities this run holds (`ownFinalsOf`). */
  finalsOwn: Uint8Array | undefined;
  /**
   * A re-plan that can run the dirty-set pass: the kept run whose orders and slot rows the nodes it
   * replays take their places for in this run's columns and rows without being copied there, and per
   * node 1 while they are not (`deferred`; copied when the node joins the set or pass 2 runs whole,
   * `materialize`; docs/planning.md "Orders copied when read").
   */
  deferFrom: Planner | undefined;
  deferred: Uint8Array | undefined;
  /**
   * With `deferred`: the requirement pass's causes of the nodes whose orders are deferred are not in
   * their rows of `causeAt` either (some 53,000 cells spread over its 58 MB at 60,000 companies: a page
   * fault for nearly each); `materialize` writes them, from the kept run's `plannedCauseAt`, until
   * `materializeCauses` has written them all (before pass 2 resumes at a checkpoint, which writes the
   * kept run's pass-2 causes into every row on top of them).
   */
  deferredCauses = false;
  /**
   * A plan whose table has one index (not a dirty-set re-plan's, in parts): the rows of its orders,
   * which a dirty-set re-plan from this run shares stretches of (`tableInParts`).
   */
  planIndex: Int32Array | undefined;
  /** Re-plans: the ranges of `previous`'s orders copied (from, to, count, …), for `resume`. */
  readonly copied = new IntColumn(64);
  /** A kept run's full pass 2 with the dirty-set switch on: what a re-plan's dirty-set pass reads of clean nodes. */
  dirtyLog: DirtyLog | undefined;
  /**
   * A re-plan whose pass 2 ran for a dirty set (and so kept no `dirtyLog` of its own): the run it was
   * re-planned from, which has one. The re-plan after it starts from there
   * (`replanNetwork`), so that its pass 2 can run for a dirty set too (docs/planning.md, "A chain of
   * re-plans").
   */
  base: Planner | undefined;
  /** While a re-plan runs the dirty-set pass: the set, its boundary, and what it takes from the kept run. */
  dirtyPass: DirtyPass | undefined;
  /**
   * Re-plans that ran the dirty-set pass: the nodes it ran, and how many times it ran a period (its
   * first, and one more for each time nodes joined in a period and it ran that period again) (tests,
   * benchmarks).
   */
  dirtyNodes = 0;
  dirtyRounds = 0;
  /** The period the dirty-set pass started in, then each period it ran again; the nodes in the set then. */
  dirtyStarts: number[] = [];
  dirtySets: number[] = [];
  /**
   * What the dirty-set pass did, in node steps of pass 2: every node once (its walk), the steps of the
   * set's nodes in each period it ran (again), and the steps of the nodes brought in alone.
   */
  dirtyWork = 0;
  /**
   * The nodes the dirty-set pass walked: each period's walk over the set, its edge and the clean
   * customers it feeds (`DirtyPass.visit`), the walks of the nodes brought in alone, and each such list
   * as it was built (`dirtyPassOver`). What `DIRTY_WALK_SHARE` bounds.
   */
  dirtyWalked = 0;
  /**
   * Milliseconds a period of this run's pass 2 over every node took, when a clock was set
   * (`setPlanningClock`): what a dirty-set pass from this run may take before it gives up.
   */
  passTwoPeriodMs: number | undefined = undefined;
  /**
   * Nodes the dirty-set pass brought in at a period after the kept checkpoint before it, and the steps
   * it ran them alone from there (`bringIn`).
   */
  dirtyBroughtIn = 0;
  dirtyReplayed = 0;
  /** Nodes that left the dirty-set pass's set at a kept checkpoint, in the kept run's state there (`cutOff`). */
  dirtyCut = 0;
  /** Whether the dirty-set pass gave up and ran pass 2 over every node (`passTwoWhole`). */
  dirtyFallback = false;
  /**
   * Whether this run's pass 2 ran for a dirty set to the end: it keeps no log of its own, and no re-plan
   * starts from it (the next starts from its `base`).
   */
  get ranDirty(): boolean {
    return this.dirtyRounds > 0 && !this.dirtyFallback;
  }
  /** While the dirty-set pass brings nodes in (`bringIn`): their steps add no list entries, orders or executed quantities. */
  replaying = false;
  /** While the dirty-set pass runs a period: the cells its steps wrote, for running it again (`rollBack`). */
  undo: CellUndo | undefined;

  constructor(
    readonly flat: OrderedFlatNetwork,
    readonly options: PlanOptions,
    /** Keep what a re-plan replays (the logs of pass 1, its causes, where each order sits in the plan). */
    readonly replayable = false,
    /** The run's arenas (`runArenas`), taken when the network was flattened. */
    arenas: RunArenas = runArenas(flatSizes(flat), options, replayable),
  ) {
    const cells = flat.nodes * flat.horizon;
    const arcs = flat.arcSupplier.length;
    this.H = flat.horizon;
    this.pegging = options.pegging ?? true;
    this.checkpointing = replayable && !this.pegging;
    const { kept, execution, orders } = arenas;
    this.execution = execution;
    this.orderArena = orders;
    this.checkpointArena = arenas.checkpoints;
    // A cell's worth of pass 2's cause writes at once (some 4 million at 60,000 companies): grown by
    // doubling from a thousand, the new buffers brought a full collection in pass 2 (`checkpointBytes`).
    const causeLog = this.checkpointing ? cells : 1024;
    this.causeWriteCell = new IntColumn(causeLog, this.checkpointing ? arenas.checkpoints : undefined);
    this.causeWriteIndex = new IntColumn(causeLog, this.checkpointing ? arenas.checkpoints : undefined);
    this.keptArena = kept;
    // Every order has its own slot (node × start period, or arc × shipping period) and every request
    // is a component line or an arc of one: the columns are made that size once (`runArenas`).
    const slots = (flat.nodes + arcs) * flat.horizon;
    // Requests are read by pegging only: without it none are made (at 60,000 companies some 20
    // million, 400 MB of fresh memory).
    const requestSlots = this.pegging ? (flat.bomNode.length + arcs) * flat.horizon : 1;
    this.orderArc = new IntColumn(slots, orders);
    this.arcBuyer = arcBuyerOf(flat.arcStart);
    this.orderStart = new IntColumn(slots, orders);
    this.orderStartQuantity = new NumberColumn(slots, orders);
    this.orderFinalQuantity = new NumberColumn(slots, orders);
    this.orderFinalStart = new NumberColumn(slots, orders);
    this.requestNode = new IntColumn(requestSlots, kept);
    this.requestPeriod = new IntColumn(requestSlots, kept);
    this.requestOrder = new IntColumn(requestSlots, kept);
    // The logs a re-plan replays: about one call per order slot and one wanted load per node and
    // period, made that size at once (doubling millions of entries again and again was a tenth of a
    // re-plan), and only for kept runs.
    const calls = replayable ? slots : 1;
    const wants = replayable ? cells : 1;
    this.callOrder = new IntColumn(calls, kept);
    this.callAmount = new NumberColumn(calls, kept);
    this.wantPeriod = new IntColumn(wants, kept);
    this.wantAmount = new NumberColumn(wants, kept);
    this.window = Math.max(0, Math.floor(options.buildAheadWindow ?? 4));
    this.frozen = Math.max(0, Math.floor(options.frozenPeriods ?? 0));
    // (Its rows are the end demand in a plan from scratch, or made live from it in a re-plan: `run`.)
    this.gross = kept.f64(cells);
    this.used = kept.f64(cells);
    this.wantedLoad = kept.f64(cells);
    this.groupUsed = kept.f64(flat.groupCapacity.length);
    this.groupWanted = kept.f64(flat.groupCapacity.length);
    this.causeAt = kept.i32(cells);
    this.onHand = execution.f64(flat.nodes);
    this.onHand.set(flat.onHand);
    // Taken with the period-major copies (`allocateTransposed`): a dirty-set pass takes them unzeroed.
    this.incoming = new Float64Array(0);
    this.pendingStart = execution.f64(flat.nodes);
    this.pendingFrom = kept.i32(flat.nodes).fill(-1);
    this.pendingShip = execution.f64(flat.arcSupplier.length);
    this.pendingShipFrom = kept.i32(flat.arcSupplier.length).fill(-1);
    this.groupDone = execution.f64(flat.groupCapacity.length);
    this.backlogOf = new Array(flat.nodes);
    this.ratio = execution.f64(flat.nodes).fill(1);
    this.askedNow = execution.f64(flat.nodes);
    this.stockNow = execution.f64(flat.nodes);
    this.inFlight = execution.f64(flat.nodes);
    this.catchesUp = execution.u8(flat.nodes);
    this.startedSoFar = execution.f64(flat.nodes);
    this.openingStock = execution.f64(flat.nodes);
    const shape = shapeOrders(flat);
    this.safetyNodes = shape.safetyNodes;
    this.owed = execution.f64(flat.nodes);
    this.backlogOwed = execution.f64(flat.nodes);
    this.catchUpArrival = new Float64Array(0);
    this.earliest = kept.i32(flat.nodes).fill(NEVER);
    this.ready = kept.i32(flat.nodes);
    this.earliestPurchase = kept.i32(flat.nodes).fill(NEVER);
    this.cumulativeShare = kept.f64(flat.arcSupplier.length);
    this.cumulativeTotal = kept.f64(flat.nodes);
    this.productionAt = kept.i32(cells);
    this.purchaseAt = kept.i32(flat.arcSupplier.length * flat.horizon);
    this.requestsOf = new Array(flat.nodes);
    this.byShare = shape.byShare;
    const widest = shape.widest;
    this.scratchParts = new Float64Array(widest);
    this.scratchQuotas = new Float64Array(widest);
    this.scratchPromised = new Float64Array(widest);
    this.noRequestStart = new Int32Array(flat.horizon + 1);
    this.pegContext = { requests: NO_REQUESTS, requestStart: this.noRequestStart };
    const ranges = () => kept.i32(flat.nodes);
    this.orderFrom = ranges();
    this.orderTo = ranges();
    this.requestFrom = ranges();
    this.requestTo = ranges();
    this.causeFrom = ranges();
    this.causeTo = ranges();
    this.callFrom = ranges();
    this.callTo = ranges();
    this.wantFrom = ranges();
    this.wantTo = ranges();
    this.pegFrom = ranges();
    this.pegTo = ranges();
    this.owner = kept.u8(flat.nodes);
    this.blockedAt = blockedArcs(flat, options.blocked ?? []);
    // Unzeroed: `potential` writes a node's row whole before it is read, and as `capacityT` every cell
    // pass 2 reads is written by `transpose` or `transposeNode`.
    this.potentialAt = execution.f64(cells, false);
    this.potentialKnown = execution.u8(flat.nodes);
    this.grossBound = execution.f64(flat.nodes).fill(Number.NaN);
  }

  /**
   * With a page toucher (`setPageToucher`), in a plan from scratch: the arrays pass 1 writes nearly
   * whole, and pass 2's period-major copies, taken next from `execution`, are faulted in on its thread
   * meanwhile. (A re-plan writes a small part of them: touched, most of their pages would be memory
   * for nothing.)
   */
  touchForPlan(): void {
    if (!touchingAhead()) return;
    touchAhead(this.purchaseAt);
    touchAhead(this.causeAt);
    const f = this.flat;
    for (const [from, to] of transposedTouched(f.nodes, this.H, f.arcSupplier.length))
      this.execution.touchNext(from, to);
  }

  run(name: string, previous?: Planner): Plan {
    if (previous !== undefined && sameAvailabilityInputs(previous.flat, this.flat)) {
      // A patched network with the kept run's stock, receipts and shape: its earliest periods.
      this.earliest.set(previous.earliest);
      this.ready.set(previous.ready);
      this.earliestPurchase.set(previous.earliestPurchase);
    } else this.earliestAvailability();
    const { order } = this.flat;
    const replay = previous === undefined ? undefined : this.changedSince(previous);
    // Without pegging, runs of nodes that replay are copied in one piece each (`replayRun`).
    const runs = replay !== undefined && previous !== undefined && !this.pegging;
    if (replay !== undefined && previous !== undefined) this.startSums(previous);
    else {
      this.touchForPlan();
      this.gross.set(this.flat.endDemand);
    }
    if (runs && previous !== undefined && this.dirtySetPossible(previous)) {
      this.deferFrom = previous;
      this.deferred = new Uint8Array(this.flat.nodes);
      this.deferredCauses = previous.plannedCauseAt !== undefined;
    }
    for (let i = 0; i < order.length; i++) {
      if (runs && replay !== undefined && previous !== undefined) {
        const end = this.replayableRun(i, replay);
        if (end > i) {
          this.replayRun(i, end, previous);
          i = end - 1;
          continue;
        }
      }
      const n = order[i]!;
      // A node a consumer after it adds to (on a cycle) reads its row as summed so far, not as the kept
      // run's final one.
      if (this.sumGraph !== undefined && consumedLater(this.sumGraph, n)) this.liveRow(n, n);
      if (replay !== undefined && previous !== undefined && !this.mustRecompute(n, previous, replay)) {
        this.replay(n, previous);
        continue;
      }
      this.recomputed++;
      this.recomputedNodes.push(n);
      if (this.sumGraph !== undefined) this.liveSumsOf(n);
      this.record(n);
      if (replay !== undefined && previous !== undefined) {
        this.taintIfDifferent(n, previous, replay);
        // What it added to its components' and suppliers' gross requirements may differ.
        const f = this.flat;
        for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) replay.grossTouched[f.bomNode[at]!] = 1;
        for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++)
          replay.grossTouched[f.arcSupplier[arc]!] = 1;
      }
    }
    const dirty =
      replay !== undefined && previous !== undefined && this.dirtySetPossible(previous)
        ? this.differingPeriods(previous, replay)
        : undefined;
    if (dirty !== undefined && previous !== undefined) this.executeDirty(previous, dirty);
    else {
      const from =
        replay !== undefined && previous !== undefined ? this.resumablePeriod(previous, replay) : 0;
      this.execute(from > 0 ? previous : undefined, from);
    }
    const plan = this.assemble(name, previous);
    this.release();
    return plan;
  }

  /**
   * Drops what only the execution pass and the assembly needed: a kept run holds just what a re-plan
   * replays (the requirement pass's columns and rows), about half the memory.
   */
  release(): void {
    const none = new Float64Array(0);
    // A kept run's causes as pass 2 left them are what a dirty-set pass asks of clean nodes (`keptCause`);
    // they live in the kept arena, so keeping them costs no memory.
    if (this.dirtyLog !== undefined) this.dirtyLog.causeAt = this.causeAt;
    this.causeAt = new Int32Array(0);
    // Every array from the execution arena goes, or one left behind would keep its whole chunk (the
    // period-major copies went at the end of `execute`).
    this.askedNow = none;
    this.stockNow = none;
    this.onHand = none;
    this.incoming = none;
    this.catchUpArrival = none;
    this.pendingStart = none;
    this.pendingShip = none;
    this.inFlight = none;
    this.catchesUp = new Uint8Array(0);
    this.owed = none;
    this.backlogOwed = none;
    this.ratio = none;
    this.startedSoFar = none;
    this.openingStock = none;
    this.groupDone = none;
    // Nothing of the execution arena is referenced any more: its chunk goes to the next run's.
    this.execution.giveBack();
    this.execution = new Arena(8);
    this.orderPegs.length = 0;
    this.finalPegs.length = 0;
    this.requestsOf.length = 0;
    this.potentialAt = new Float64Array(0);
    this.potentialKnown = new Uint8Array(0);
    this.grossBound = new Float64Array(0);
  }

  // ---- re-planning: replay what a change does not reach ----

  /**
   * A re-plan from `previous`: its columns will hold about as many values as `previous`'s (most of
   * them copied from there), so with a page toucher (`setPageToucher`) their pages are asked for at
   * once, a step of each column in turn, as the copies fill them side by side.
   */
  expectLike(previous: Planner): void {
    // (A re-plan that can run the dirty-set pass copies a replayed node's orders only when it reads them.)
    if (!touchingAhead() || this.dirtySetPossible(previous)) return;
    const columns: [IntColumn | NumberColumn, number][] = [
      [this.orderArc, previous.orderArc.length],
      [this.orderStart, previous.orderStart.length],
      [this.orderStartQuantity, previous.orderStartQuantity.length],
      [this.orderFinalQuantity, previous.orderFinalQuantity.length],
      [this.orderFinalStart, previous.orderFinalStart.length],
    ];
    const most = Math.max(...columns.map(([, count]) => count));
    for (let upTo = TOUCH_STEP; upTo < most + TOUCH_STEP; upTo += TOUCH_STEP) {
      for (const [column, count] of columns) column.expect(Math.min(upTo, count));
    }
  }

  /** Why `previous` cannot be replayed into this run (the network's shape or the options differ), or undefined. */
  incompatible(previous: Planner): string | undefined {
    const a = previous.flat;
    const b = this.flat;
    if (a.nodes !== b.nodes || a.horizon !== b.horizon)
      return 'the network has other nodes or another horizon';
    for (let n = 0; (a.company !== b.company || a.item !== b.item) && n < b.nodes; n++) {
      if (a.company[n] !== b.company[n] || a.item[n] !== b.item[n]) return 'the network has other nodes';
    }
    if (
      !sameInts(a.order, b.order) ||
      !sameInts(a.arcStart, b.arcStart) ||
      !sameInts(a.arcSupplier, b.arcSupplier)
    )
      return 'sourcing links changed';
    if (!sameInts(a.bomStart, b.bomStart) || !sameInts(a.bomNode, b.bomNode))
      return 'bills of materials changed';
    if (
      !sameInts(a.groupStart, b.groupStart) ||
      !sameInts(a.nodeGroup, b.nodeGroup) ||
      a.groupId.length !== b.groupId.length
    )
      return 'capacity groups changed';
    const o = previous.options;
    const p = this.options;
    if (
      previous.window !== this.window ||
      previous.frozen !== this.frozen ||
      previous.pegging !== this.pegging ||
      (o.horizon ?? a.horizon) !== (p.horizon ?? b.horizon)
    )
      return 'the planning options changed';
    return undefined;
  }

  /**
   * Nodes whose own inputs differ from `previous` (data, earliest availability, blocked lanes), and
   * capacity groups whose capacity does: both start out tainted, as does every node in a changed group.
   */
  changedSince(previous: Planner): Replay {
    const a = previous.flat;
    const b = this.flat;
    const H = this.H;
    const changed = new Uint8Array(b.nodes);
    const grossTouched = new Uint8Array(b.nodes);
    const groupTainted = new Uint8Array(b.groupId.length);
    if (this.patch !== undefined) return this.patchedSince(previous, this.patch);
    for (let g = 0; g < b.groupId.length; g++) {
      if (!sameRange(a.groupCapacity, b.groupCapacity, g * H, H)) groupTainted[g] = 1;
    }
    for (let n = 0; n < b.nodes; n++) {
      const base = n * H;
      let differs =
        a.onHand[n] !== b.onHand[n] ||
        a.safetyStock[n] !== b.safetyStock[n] ||
        a.production[n] !== b.production[n] ||
        a.leadTime[n] !== b.leadTime[n] ||
        a.yieldRate[n] !== b.yieldRate[n] ||
        a.lotMinimum[n] !== b.lotMinimum[n] ||
        a.lotMultiple[n] !== b.lotMultiple[n] ||
        a.whole[n] !== b.whole[n] ||
        previous.earliest[n] !== this.earliest[n] ||
        previous.ready[n] !== this.ready[n] ||
        previous.earliestPurchase[n] !== this.earliestPurchase[n] ||
        !sameRange(a.receipts, b.receipts, base, H) ||
        !sameRange(a.endDemand, b.endDemand, base, H) ||
        !sameRows(a.capacity, capacityBase(a, n), b.capacity, capacityBase(b, n), H);
      for (let at = b.bomStart[n]!; !differs && at < b.bomStart[n + 1]!; at++) {
        differs = a.bomQuantity[at] !== b.bomQuantity[at];
      }
      for (let arc = b.arcStart[n]!; !differs && arc < b.arcStart[n + 1]!; arc++) {
        differs =
          a.arcShare[arc] !== b.arcShare[arc] ||
          a.arcLeadTime[arc] !== b.arcLeadTime[arc] ||
          !sameBlocked(previous.blockedAt, this.blockedAt, arc * H, H);
      }
      for (let at = b.groupStart[n]!; !differs && at < b.groupStart[n + 1]!; at++) {
        differs = a.nodeGroupLoad[at] !== b.nodeGroupLoad[at] || groupTainted[b.nodeGroup[at]!] === 1;
      }
      if (differs) changed[n] = 1;
    }
    // Every gross requirement is compared (a flattened network says nothing of what differs).
    grossTouched.fill(1);
    return { changed, tainted: changed.slice(), groupTainted, grossTouched };
  }

  /**
   * `changedSince` when the network was patched (`flat-patch.ts`): only the patched nodes and groups
   * can have other data (every other value is the same array), so only they, the nodes in a patched
   * group, and the nodes whose earliest availability or blocked lanes differ start out changed.
   */
  patchedSince(previous: Planner, patch: FlatPatch): Replay {
    const f = this.flat;
    const H = this.H;
    const changed = patch.nodes.slice();
    const blocked = previous.blockedAt !== undefined || this.blockedAt !== undefined;
    for (let n = 0; n < f.nodes; n++) {
      if (changed[n] === 1) continue;
      let differs =
        previous.earliest[n] !== this.earliest[n] ||
        previous.ready[n] !== this.ready[n] ||
        previous.earliestPurchase[n] !== this.earliestPurchase[n];
      for (let arc = f.arcStart[n]!; blocked && !differs && arc < f.arcStart[n + 1]!; arc++) {
        differs = !sameBlocked(previous.blockedAt, this.blockedAt, arc * H, H);
      }
      for (let at = f.groupStart[n]!; !differs && at < f.groupStart[n + 1]!; at++) {
        differs = patch.groups[f.nodeGroup[at]!] === 1;
      }
      if (differs) changed[n] = 1;
    }
    // A node's gross requirement is its end demand (patched nodes are changed) plus what its
    // consumers add: it can differ only below a consumer computed again (marked in `run`).
    const grossTouched = new Uint8Array(f.nodes);
    return {
      changed,
      tainted: changed.slice(),
      groupTainted: patch.groups.slice(),
      grossTouched,
    };
  }

  /**
   * The end of the run of nodes from `from` (in planning order, which is node order) that replay
   * without a look at their gross requirement: not changed, no supplier, component or capacity
   * group tainted, and no consumer computed again above them (only such a node's gross requirement
   * can differ). Nothing in a run taints anything, so the run is known before it is replayed.
   */
  replayableRun(from: number, replay: Replay): number {
    const f = this.flat;
    let n = from;
    while (
      n < f.nodes &&
      f.order[n] === n &&
      replay.changed[n] !== 1 &&
      replay.grossTouched[n] !== 1 &&
      !this.drawsOnChanged(n, replay)
    )
      n++;
    return n;
  }

  /**
   * `replay` of nodes `from` … `to` − 1 at once (without pegging): their orders, requests and causes
   * are contiguous ranges of `previous`'s columns, copied in one piece each with the indices shifted
   * by what the nodes computed again before them added or took away; their own rows are copied whole;
   * their logs are read where `previous` reads them (`owner`); what they add to live rows of the
   * shared sums is added again call by call, in the same order as node-by-node replays add it
   * (`replaySums`), so every value is the same to the bit.
   */
  replayRun(from: number, to: number, previous: Planner): void {
    if (to <= from) return;
    const f = this.flat;
    const orderFirst = previous.orderFrom[from]!;
    const orders = previous.orderTo[to - 1]! - orderFirst;
    const requestFirst = previous.requestFrom[from]!;
    const causeFirst = previous.causeFrom[from]!;
    const causeLast = previous.causeTo[to - 1]!;
    const orderShift = this.orderArc.length - orderFirst;
    const requestShift = this.requestNode.length - requestFirst;
    const causeShift = this.causes.length - causeFirst;
    const pegAt = this.pegOrder.length;
    const map = this.ownerMap;
    for (let n = from; n < to; n++) {
      this.orderFrom[n] = previous.orderFrom[n]! + orderShift;
      this.orderTo[n] = previous.orderTo[n]! + orderShift;
      this.requestFrom[n] = previous.requestFrom[n]! + requestShift;
      this.requestTo[n] = previous.requestTo[n]! + requestShift;
      this.causeFrom[n] = previous.causeFrom[n]! + causeShift;
      this.causeTo[n] = previous.causeTo[n]! + causeShift;
      this.pegFrom[n] = pegAt;
      this.pegTo[n] = pegAt;
      this.owner[n] = map[previous.owner[n]!]!;
    }
    for (let c = causeFirst; c < causeLast; c++) this.causes.push(previous.causes[c]!);
    // (Runs replay without pegging only, so there are no requests: the ranges above are empty.)
    if (this.deferred !== undefined) {
      // Their orders' places are taken; they and their slots are copied when read (`materialize`).
      this.copyOrders(previous, orderFirst, orders, false);
      this.deferred.fill(1, from, to);
    } else {
      this.copyOrders(previous, orderFirst, orders);
      this.copySlots(previous, from, to, orderShift);
    }
    // (Their rows of `used` and `wantedLoad` are read where their logs are: `owner`.)
    // The requirement pass's causes, shifted (this run's rows are 0 there, none); with their orders
    // deferred, written when they are (`deferredCauses`).
    if (!this.deferredCauses) for (let n = from; n < to; n++) this.replayCauses(previous, n, causeShift);
    for (let arc = f.arcStart[from]!; arc < f.arcStart[to]!; arc++)
      this.cumulativeShare[arc] = previous.cumulativeShare[arc]!;
    for (let n = from; n < to; n++) this.cumulativeTotal[n] = previous.cumulativeTotal[n]!;
    // The shared sums, node by node in planning order.
    for (let n = from; n < to; n++) this.replaySums(n);
  }

  /**
   * Copies what this run reads in other runs into its own arrays, so that it keeps no other run alive:
   * when the next re-plan starts from this run. The logs of the nodes it replayed (`owner`) go into
   * its own columns, each call's order shifted to this run's (a call is on an order of its own node,
   * whose orders are a range in every run), with their rows of `wantedLoad` (their rows of `used` are
   * read only while a run computes the node); and the rows of `gross` it did not make live
   * (`ownGrossRows`).
   */
  standAlone(): void {
    this.ownGrossRows();
    if (this.owners.length === 1) return;
    const H = this.H;
    for (let n = 0; n < this.flat.nodes; n++) {
      const owner = this.owner[n]!;
      if (owner === 0) continue;
      const logs = this.owners[owner]!;
      const calls = logs.callTo[n]! - logs.callFrom[n]!;
      const wants = logs.wantTo[n]! - logs.wantFrom[n]!;
      this.callFrom[n] = this.callOrder.length;
      this.callOrder.copy(logs.callOrder, logs.callFrom[n]!, calls, this.orderFrom[n]! - logs.orderFrom[n]!);
      this.callAmount.copy(logs.callAmount, logs.callFrom[n]!, calls);
      this.callTo[n] = this.callOrder.length;
      this.wantFrom[n] = this.wantPeriod.length;
      this.wantPeriod.copy(logs.wantPeriod, logs.wantFrom[n]!, wants);
      this.wantAmount.copy(logs.wantAmount, logs.wantFrom[n]!, wants);
      this.wantTo[n] = this.wantPeriod.length;
      copyNonZero(this.wantedLoad, logs.wantedLoad, n * H, (n + 1) * H);
      this.owner[n] = 0;
    }
    this.owners = [this];
    this.ownerMap = [0];
  }

  /** The run whose logs hold node `n`'s calls and wanted loads (`owner`). */
  ownerOf(n: number): Planner {
    return this.owners[this.owner[n]!]!;
  }

  /**
   * Copies the rows of `gross` this run reads in the kept run (not live, `grossRows`) into its own, so
   * that it holds every row: before pass 2 reads them all, and when it stands alone (`standAlone`).
   */
  ownGrossRows(): void {
    const live = this.liveNode;
    const kept = this.rowsFrom;
    if (live === undefined || kept === undefined) return;
    const H = this.H;
    const N = this.flat.nodes;
    // Runs of rows that are not live, in one piece each.
    for (let n = 0; n < N; n++) {
      if (live[n] === 1) continue;
      let end = n + 1;
      while (end < N && live[end] !== 1) end++;
      this.gross.set(kept.gross.subarray(n * H, end * H), n * H);
      n = end;
    }
    this.liveNode = undefined;
    this.rowsFrom = undefined;
  }

  /** The array that holds node `n`'s row of the gross requirements: this run's, or the kept run's where not live. */
  grossRows(n: number): Float64Array {
    return this.liveNode === undefined || this.liveNode[n] === 1 ? this.gross : this.rowsFrom!.gross;
  }

  /**
   * A re-plan from `previous` starts its shared sums as `previous`'s final ones, none live (the rows of
   * `gross` read there, `grossRows`), and reads the logs and rows of the nodes it replays where
   * `previous` reads them.
   */
  startSums(previous: Planner): void {
    this.rowsFrom = previous;
    this.groupUsed.set(previous.groupUsed);
    this.groupWanted.set(previous.groupWanted);
    this.liveNode = new Uint8Array(this.flat.nodes);
    this.liveGroupRow = new Uint8Array(this.flat.groupId.length);
    this.sumGraph = dirtyGraphOf(this.flat);
    this.owners = [this];
    for (const run of previous.owners) if (!this.owners.includes(run)) this.owners.push(run);
    if (this.owners.length > 255) throw new Error('a re-plan reads the logs of more than 255 runs');
    this.ownerMap = previous.owners.map((run) => this.owners.indexOf(run));
  }

  /**
   * Before node `n` is computed again: its row of the gross requirements, its suppliers' and
   * components' rows it reads and adds to, and its capacity groups' rows, made live (as summed so far).
   */
  liveSumsOf(n: number): void {
    const f = this.flat;
    this.liveRow(n, n);
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) this.liveRow(f.bomNode[at]!, n);
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) this.liveRow(f.arcSupplier[arc]!, n);
    for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) this.liveGroup(f.nodeGroup[at]!, n);
  }

  /**
   * Makes node `s`'s row of `gross` live: its end demand plus what its customers before node `before`
   * (in planning order, each its calls in the order made) added to it, as a run from scratch sums it.
   * While a row is not live no node computed again has added to it, so it is the kept run's final row:
   * every customer that added to it replayed, adding what it added there.
   */
  liveRow(s: number, before: number): void {
    const live = this.liveNode!;
    if (live[s] === 1) return;
    live[s] = 1;
    const f = this.flat;
    const H = this.H;
    const base = s * H;
    const gross = this.gross;
    for (let t = 0; t < H; t++) gross[base + t] = f.endDemand[base + t]!;
    const { customerStart, customer } = this.sumGraph!;
    this.eachBefore(customer, customerStart[s]!, customerStart[s + 1]!, before, (k, logs) => {
      const arcOf = logs.orderArc.a;
      const startOf = logs.orderStart.a;
      for (let c = logs.callFrom[k]!; c < logs.callTo[k]!; c++) {
        const order = logs.callOrder.a[c]!;
        const amount = logs.callAmount.a[c]!;
        const arc = arcOf[order]!;
        if (arc < 0) {
          for (let at = f.bomStart[k]!; at < f.bomStart[k + 1]!; at++) {
            if (f.bomNode[at] === s) gross[base + startOf[order]!]! += amount * f.bomQuantity[at]!;
          }
        } else if (f.arcSupplier[arc] === s) gross[base + startOf[order]!]! += amount;
      }
    });
    this.grossBound[s] = Number.NaN;
  }

  /** As `liveRow`, for capacity group `g`'s rows of `groupUsed` and `groupWanted`, from its members before `before`. */
  liveGroup(g: number, before: number): void {
    const live = this.liveGroupRow!;
    if (live[g] === 1) return;
    live[g] = 1;
    const f = this.flat;
    const H = this.H;
    const base = g * H;
    this.groupUsed.fill(0, base, base + H);
    this.groupWanted.fill(0, base, base + H);
    const { memberStart, member } = this.sumGraph!;
    this.eachBefore(member, memberStart[g]!, memberStart[g + 1]!, before, (k, logs) => {
      const arcOf = logs.orderArc.a;
      const startOf = logs.orderStart.a;
      for (let c = logs.callFrom[k]!; c < logs.callTo[k]!; c++) {
        const order = logs.callOrder.a[c]!;
        if (arcOf[order]! >= 0) continue;
        const amount = logs.callAmount.a[c]!;
        for (let at = f.groupStart[k]!; at < f.groupStart[k + 1]!; at++) {
          if (f.nodeGroup[at] === g) this.groupUsed[base + startOf[order]!]! += amount * f.nodeGroupLoad[at]!;
        }
      }
      for (let w = logs.wantFrom[k]!; w < logs.wantTo[k]!; w++) {
        const period = logs.wantPeriod.a[w]!;
        const wanted = logs.wantAmount.a[w]!;
        for (let at = f.groupStart[k]!; at < f.groupStart[k + 1]!; at++) {
          if (f.nodeGroup[at] === g) this.groupWanted[base + period]! += wanted * f.nodeGroupLoad[at]!;
        }
      }
    });
  }

  /**
   * Each node of `list[from … to)` before node `before`, once, with the run that holds its logs: the
   * lists (`DirtyGraph`'s customers and members) are by node, planning order, a node once for each of
   * its lines, arcs or links there.
   */
  eachBefore(
    list: Int32Array,
    from: number,
    to: number,
    before: number,
    visit: (k: number, logs: Planner) => void,
  ): void {
    let last = -1;
    for (let i = from; i < to; i++) {
      const k = list[i]!;
      if (k >= before) break;
      if (k === last) continue;
      last = k;
      visit(k, this.ownerOf(k));
    }
  }

  /**
   * What replayed node `n` added to the shared sums, added again to the live rows (a row that is not
   * live is the kept run's final one, which has it): in the order it was made, so every live row is the
   * same to the bit as in a run from scratch.
   */
  replaySums(n: number): void {
    const f = this.flat;
    const H = this.H;
    const live = this.liveNode;
    const liveGroups = this.liveGroupRow;
    if (live === undefined || liveGroups === undefined) return;
    let rows = false;
    let groups = false;
    for (let at = f.bomStart[n]!; !rows && at < f.bomStart[n + 1]!; at++) rows = live[f.bomNode[at]!] === 1;
    for (let arc = f.arcStart[n]!; !rows && arc < f.arcStart[n + 1]!; arc++)
      rows = live[f.arcSupplier[arc]!] === 1;
    for (let at = f.groupStart[n]!; !groups && at < f.groupStart[n + 1]!; at++)
      groups = liveGroups[f.nodeGroup[at]!] === 1;
    if (!rows && !groups) return;
    const logs = this.ownerOf(n);
    const arcOf = logs.orderArc.a;
    const startOf = logs.orderStart.a;
    for (let c = logs.callFrom[n]!; c < logs.callTo[n]!; c++) {
      const order = logs.callOrder.a[c]!;
      const amount = logs.callAmount.a[c]!;
      const start = startOf[order]!;
      const arc = arcOf[order]!;
      if (arc < 0) {
        for (let at = f.groupStart[n]!; groups && at < f.groupStart[n + 1]!; at++) {
          const g = f.nodeGroup[at]!;
          if (liveGroups[g] === 1) this.groupUsed[g * H + start]! += amount * f.nodeGroupLoad[at]!;
        }
        for (let at = f.bomStart[n]!; rows && at < f.bomStart[n + 1]!; at++) {
          const s = f.bomNode[at]!;
          if (live[s] === 1) this.gross[s * H + start]! += amount * f.bomQuantity[at]!;
        }
      } else {
        const s = f.arcSupplier[arc]!;
        if (live[s] === 1) this.gross[s * H + start]! += amount;
      }
    }
    // (A row's bound is known only once live: `promisable` is asked of suppliers and components of nodes computed again.)
    if (rows) this.unbound(n);
    for (let w = logs.wantFrom[n]!; groups && w < logs.wantTo[n]!; w++) {
      const period = logs.wantPeriod.a[w]!;
      const wanted = logs.wantAmount.a[w]!;
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
        const g = f.nodeGroup[at]!;
        if (liveGroups[g] === 1) this.groupWanted[g * H + period]! += wanted * f.nodeGroupLoad[at]!;
      }
    }
  }

  /** After a replay added to the gross requirements of what node `n` draws on: their bounds are not known. */
  unbound(n: number): void {
    const f = this.flat;
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) this.grossBound[f.bomNode[at]!] = Number.NaN;
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++)
      this.grossBound[f.arcSupplier[arc]!] = Number.NaN;
  }

  /** True unless node `n` would decide exactly as in `previous`: same inputs, same promises seen. */
  mustRecompute(n: number, previous: Planner, replay: Replay): boolean {
    if (replay.changed[n] === 1) return true;
    // (A row that is not live is the kept run's: `grossRows`.)
    if (
      replay.grossTouched[n] === 1 &&
      this.liveNode?.[n] === 1 &&
      !sameRange(previous.gross, this.gross, n * this.H, this.H)
    )
      return true;
    return this.drawsOnChanged(n, replay);
  }

  /** Whether a supplier or component of node `n` is tainted, or one of its capacity groups. */
  drawsOnChanged(n: number, replay: Replay): boolean {
    const f = this.flat;
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
      if (replay.tainted[f.arcSupplier[arc]!] === 1) return true;
    }
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
      if (replay.tainted[f.bomNode[at]!] === 1) return true;
    }
    for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
      if (replay.groupTainted[f.nodeGroup[at]!] === 1) return true;
    }
    return false;
  }

  beginRanges(n: number): void {
    this.orderFrom[n] = this.orderArc.length;
    this.requestFrom[n] = this.requestNode.length;
    this.causeFrom[n] = this.causes.length;
    this.callFrom[n] = this.callOrder.length;
    this.wantFrom[n] = this.wantPeriod.length;
    this.pegFrom[n] = this.pegOrder.length;
  }

  endRanges(n: number): void {
    this.orderTo[n] = this.orderArc.length;
    this.requestTo[n] = this.requestNode.length;
    this.causeTo[n] = this.causes.length;
    this.callTo[n] = this.callOrder.length;
    this.wantTo[n] = this.wantPeriod.length;
    this.pegTo[n] = this.pegOrder.length;
  }

  /** The requirement pass of node `n`, with the ranges of what it created. */
  record(n: number): void {
    this.beginRanges(n);
    this.requirements(n);
    this.endRanges(n);
  }

  /**
   * After node `n` was computed again: where its orders or requests differ from `previous`, the nodes
   * it draws on and its capacity groups are tainted, so everyone who looks at them later decides anew.
   */
  taintIfDifferent(n: number, previous: Planner, replay: Replay): void {
    const f = this.flat;
    // `previous`'s logs of the node, where they are (`owner`); its calls index that run's orders.
    const logs = previous.ownerOf(n);
    let same =
      this.orderTo[n]! - this.orderFrom[n]! === previous.orderTo[n]! - previous.orderFrom[n]! &&
      this.requestTo[n]! - this.requestFrom[n]! === previous.requestTo[n]! - previous.requestFrom[n]! &&
      this.callTo[n]! - this.callFrom[n]! === logs.callTo[n]! - logs.callFrom[n]! &&
      this.wantTo[n]! - this.wantFrom[n]! === logs.wantTo[n]! - logs.wantFrom[n]!;
    for (let k = 0; same && k < this.orderTo[n]! - this.orderFrom[n]!; k++) {
      const o = this.orderFrom[n]! + k;
      const q = previous.orderFrom[n]! + k;
      same =
        this.orderArc.a[o] === previous.orderArc.a[q] && this.orderStart.a[o] === previous.orderStart.a[q];
    }
    for (let k = 0; same && k < this.callTo[n]! - this.callFrom[n]!; k++) {
      const c = this.callFrom[n]! + k;
      const d = logs.callFrom[n]! + k;
      same =
        this.callAmount.a[c] === logs.callAmount.a[d] &&
        this.callOrder.a[c]! - this.orderFrom[n]! === logs.callOrder.a[d]! - logs.orderFrom[n]!;
    }
    for (let k = 0; same && k < this.wantTo[n]! - this.wantFrom[n]!; k++) {
      const c = this.wantFrom[n]! + k;
      const d = logs.wantFrom[n]! + k;
      same = this.wantAmount.a[c] === logs.wantAmount.a[d] && this.wantPeriod.a[c] === logs.wantPeriod.a[d];
    }
    if (same) return;
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) replay.tainted[f.arcSupplier[arc]!] = 1;
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) replay.tainted[f.bomNode[at]!] = 1;
    for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++)
      replay.groupTainted[f.nodeGroup[at]!] = 1;
  }

  /**
   * The slot rows of nodes `from` … `to` − 1 (production rows, purchase rows of their arcs), `previous`'s
   * with each order's index shifted. These rows are written once per run and their memory is fresh
   * (zero): only values that are not 0 are written, so pages of nodes that make nothing are never
   * touched (`shiftedCopy`).
   */
  copySlots(previous: Planner, from: number, to: number, shift: number): void {
    const H = this.H;
    const { arcStart } = this.flat;
    shiftedCopy(this.productionAt, previous.productionAt, from * H, to * H, shift);
    shiftedCopy(this.purchaseAt, previous.purchaseAt, arcStart[from]! * H, arcStart[to]! * H, shift);
  }

  /**
   * Copies the orders and slot rows of the nodes `from` … `to` − 1 that a re-plan replayed and has not
   * copied yet (`deferred`) from the kept run into the places they took: runs of them in one piece each
   * (a run of replayed nodes has one shift, which changes only at a node computed again).
   */
  materialize(from = 0, to = this.flat.nodes): void {
    const deferred = this.deferred;
    const kept = this.deferFrom;
    if (deferred === undefined || kept === undefined) return;
    for (let n = from; n < to; n++) {
      if (deferred[n] !== 1) continue;
      let end = n + 1;
      while (end < to && deferred[end] === 1) end++;
      const source = kept.orderFrom[n]!;
      const count = kept.orderTo[end - 1]! - source;
      const target = this.orderFrom[n]!;
      this.orderArc.a.set(kept.orderArc.a.subarray(source, source + count), target);
      this.orderStart.a.set(kept.orderStart.a.subarray(source, source + count), target);
      this.orderStartQuantity.a.set(kept.orderStartQuantity.a.subarray(source, source + count), target);
      this.copySlots(kept, n, end, target - source);
      if (this.deferredCauses) for (let m = n; m < end; m++) this.writeKeptCauses(kept, m);
      deferred.fill(0, n, end);
      n = end;
    }
  }

  /**
   * The requirement pass's causes of node `n`, replayed from `kept` (`deferredCauses`), into its row:
   * as `replayCauses` writes them, without noting the cells (this run's `plannedCauseAt` has them
   * from the kept run's: `executeDirty`).
   */
  writeKeptCauses(kept: Planner, n: number): void {
    kept.plannedCauseAt?.writeRow(this.causeAt, n, this.H, this.causeFrom[n]! - kept.causeFrom[n]!);
  }

  /**
   * Kept runs, as pass 2 starts: the requirement pass's causes (`plannedCauseAt`), the deferred nodes'
   * from the kept run (`deferredCauses`).
   */
  keepPlannedCauses(): void {
    if (!this.replayable) return;
    const { deferred, deferFrom } = this;
    const planned = deferFrom?.plannedCauseAt;
    const from: DeferredCauses | undefined =
      this.deferredCauses && deferred !== undefined && deferFrom !== undefined && planned !== undefined
        ? { planned, deferred, shift: (n) => this.causeFrom[n]! - deferFrom.causeFrom[n]! }
        : undefined;
    this.plannedCauseAt = PlannedCauses.of(
      this.causeAt,
      this.plannedCauseCells,
      this.H,
      this.keptArena,
      from,
    );
  }

  /** Writes the deferred causes of every node whose orders are still deferred (`deferredCauses`). */
  materializeCauses(): void {
    const { deferred, deferFrom } = this;
    if (!this.deferredCauses || deferred === undefined || deferFrom === undefined) return;
    for (let n = 0; n < this.flat.nodes; n++) if (deferred[n] === 1) this.writeKeptCauses(deferFrom, n);
    this.deferredCauses = false;
  }

  /**
   * Appends `count` of `previous`'s orders from `from` (not yet executed), or, not `written`, takes
   * their places only (`deferred`).
   */
  copyOrders(previous: Planner, from: number, count: number, written = true): void {
    if (this.checkpointing) {
      // Where they went, for `resume` to take over what they executed before the period it resumes.
      this.copied.push(from);
      this.copied.push(this.orderFinalStart.length);
      this.copied.push(count);
    }
    if (written) {
      this.orderArc.copy(previous.orderArc, from, count);
      this.orderStart.copy(previous.orderStart, from, count);
      this.orderStartQuantity.copy(previous.orderStartQuantity, from, count);
      this.orderFinalQuantity.copy(undefined, 0, count);
      this.orderFinalStart.copy(undefined, 0, count);
    } else {
      // (A deferred node's executed quantities are read in the kept run, or copied when it joins the set.)
      this.orderArc.skip(count);
      this.orderStart.skip(count);
      this.orderStartQuantity.skip(count);
      this.orderFinalQuantity.skip(count);
      this.orderFinalStart.skip(count);
    }
  }

  /**
   * Node `n` decides as in `previous`: its orders, requests and causes are copied, and what it added
   * to arrays it shares with others (gross requirements below it, capacity-group loads) is added again
   * in the same order, so every sum is the same to the last bit as in a run from scratch.
   */
  replay(n: number, previous: Planner): void {
    const f = this.flat;
    const H = this.H;
    const base = n * H;
    const orderShift = this.orderArc.length - previous.orderFrom[n]!;
    const causeShift = this.causes.length - previous.causeFrom[n]!;
    this.beginRanges(n);
    for (let c = previous.causeFrom[n]!; c < previous.causeTo[n]!; c++) this.causes.push(previous.causes[c]!);
    // The node's orders and requests are ranges of the columns: copied whole, indices shifted.
    const orders = previous.orderFrom[n]!;
    const orderCount = previous.orderTo[n]! - orders;
    const first = this.orderArc.length;
    const deferred = this.deferred !== undefined;
    this.copyOrders(previous, orders, orderCount, !deferred);
    if (deferred) this.deferred![n] = 1;
    for (let order = first; !deferred && order < first + orderCount; order++) {
      if (this.pegging) this.orderPegs.push(undefined);
      const start = this.orderStart.a[order]!;
      if (this.orderArc.a[order]! < 0) this.productionAt[base + start] = order + 1;
      else this.purchaseAt[this.orderArc.a[order]! * H + start] = order + 1;
    }
    const requests = previous.requestFrom[n]!;
    const requestCount = previous.requestTo[n]! - requests;
    // (Without pegging there are none.)
    for (let r = requests; r < requests + requestCount; r++) {
      this.newRequest(
        previous.requestNode.a[r]!,
        previous.requestPeriod.a[r]!,
        previous.requestOrder.a[r]! + orderShift,
      );
    }
    // Its logs are read where `previous` reads them; the shared sums, where live, in the order they were made.
    this.owner[n] = this.ownerMap[previous.owner[n]!]!;
    this.replaySums(n);
    // (Its rows of `used` and `wantedLoad` are read where its logs are: `owner`.)
    this.replayCauses(previous, n, causeShift);
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++)
      this.cumulativeShare[arc] = previous.cumulativeShare[arc]!;
    this.cumulativeTotal[n] = previous.cumulativeTotal[n]!;
    if (this.pegging && previous.pegTo[n]! > previous.pegFrom[n]!) {
      const requests = this.sortRequests(n);
      const requestStart = new Int32Array(H + 1);
      for (const r of requests) requestStart[this.requestPeriod.a[r]! + 1]!++;
      for (let t = 0; t < H; t++) requestStart[t + 1]! += requestStart[t]!;
      const context = { requests, requestStart };
      for (let k = previous.pegFrom[n]!; k < previous.pegTo[n]!; k++) {
        this.peg(
          previous.pegOrder.a[k]! + orderShift,
          n,
          previous.pegPeriod.a[k]!,
          previous.pegAmount.a[k]!,
          context,
        );
      }
    }
    this.endRanges(n);
  }

  // ---- earliest availability (bottom-up): when can a node first have any of its item ----

  /** The requirement pass records `cause` at `cell` (node × period). */
  plannedCause(cell: number, cause: number): void {
    this.causeAt[cell] = cause + 1;
    if (this.replayable) this.plannedCauseCells.push(cell);
  }

  /** Replays `previous`'s requirement-pass causes of node `n` (its row holds none yet), their indices plus `shift`. */
  replayCauses(previous: Planner, n: number, shift: number): void {
    const planned = previous.plannedCauseAt;
    if (planned === undefined) return;
    const base = n * this.H;
    for (let k = planned.start[n]!; k < planned.start[n + 1]!; k++)
      this.plannedCause(base + planned.period[k]!, planned.cause[k]! + shift);
  }

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
    // The requests on this node by period, for pegging only.
    const requests = this.pegging ? this.sortRequests(n) : NO_REQUESTS;
    const requestStart = this.pegging ? new Int32Array(H + 1) : this.noRequestStart;
    for (const r of requests) requestStart[this.requestPeriod.a[r]! + 1]!++;
    if (this.pegging) for (let t = 0; t < H; t++) requestStart[t + 1]! += requestStart[t]!;
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
          if (this.lastCause >= 0) this.plannedCause(base + t, this.lastCause);
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
    // One context object for every call (pegging reads it; without pegging it holds the empty lists).
    const context = this.pegContext;
    context.requests = requests;
    context.requestStart = requestStart;
    let placed = 0;
    if (f.production[n]! >= 0) placed += this.produce(n, t, need, context);
    if (placed < need - EPSILON && f.arcStart[n + 1]! > f.arcStart[n]!) {
      placed += this.purchase(n, t, need - placed, context);
    }
    if (f.production[n]! < 0 && f.arcStart[n + 1] === f.arcStart[n]) {
      this.lastCause = this.cause('no-supply', n, t, CauseText.NoSupply);
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

  /** The expected good output of starting `start` (the requirement pass plans with expected yield). */
  goodOf(n: number, start: number): number {
    return start * this.flat.yieldRate[n]!;
  }

  /**
   * The good output of a start that really happens (pass 2). Whole units are counted on the running
   * total of what the node has started, so a yield of 0.95 on one unit a week gives 0 the first week
   * and 1 the next, 19 in 20 weeks: rounding each order down alone would give none at all.
   */
  realizedGood(n: number, start: number): number {
    const rate = this.flat.yieldRate[n]!;
    if (this.flat.whole[n] !== 1) return start * rate;
    const before = Math.floor(this.startedSoFar[n]! * rate + 1e-6);
    this.startedSoFar[n]! += start;
    return Math.floor(this.startedSoFar[n]! * rate + 1e-6) - before;
  }

  produce(n: number, t: number, need: number, context: PegContext): number {
    const f = this.flat;
    const H = this.H;
    const base = n * H;
    const capacityAt = capacityBase(f, n);
    const leadTime = f.leadTime[n]!;
    const first = t - leadTime;
    const lowest = Math.max(0, this.frozen, this.ready[n]!);
    if (first >= 0) {
      const wanted = this.startFor(n, need);
      this.wantedLoad[base + first]! += wanted;
      if (this.replayable) {
        this.wantPeriod.push(first);
        this.wantAmount.push(wanted);
      }
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
        this.groupWanted[f.nodeGroup[at]! * H + first]! += wanted * f.nodeGroupLoad[at]!;
      }
    }
    let remaining = need;
    let placed = 0;
    let groupBound = false;
    let materialBound = -1;
    for (let s = first; s >= lowest && s >= first - this.window; s--) {
      let room = f.capacity[capacityAt + s]! - this.used[base + s]!;
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
        const g = f.nodeGroup[at]! * H + s;
        const groupRoom = (f.groupCapacity[g]! - this.groupUsed[g]!) / f.nodeGroupLoad[at]!;
        if (groupRoom < room) {
          room = groupRoom;
          groupBound = true;
        }
      }
      // Components: what each can still promise for this start bounds it (material, not only time).
      for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
        const enough = this.promisable(f.bomNode[at]!, s, false) / f.bomQuantity[at]!;
        if (enough < room) {
          room = enough;
          materialBound = f.bomNode[at]!;
        }
      }
      const start = this.fitLot(n, this.startFor(n, remaining), Math.max(0, room));
      const good = start > 0 ? this.goodOf(n, start) : 0;
      if (good <= EPSILON) continue;
      this.used[base + s]! += start;
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
        this.groupUsed[f.nodeGroup[at]! * H + s]! += start * f.nodeGroupLoad[at]!;
      }
      const order = this.productionOrder(n, s, start);
      this.peg(order, n, t, good, context);
      remaining -= good;
      placed += good;
      if (remaining <= EPSILON) return placed;
    }
    const company = f.company[n]!;
    const item = f.item[n]!;
    const late = materialBound >= 0 ? this.lateSupply(materialBound, first) : -1;
    if (first < 0) {
      this.lastCause = this.cause('lead-time', n, t, CauseText.MakeTooLate, leadTime, first);
    } else if (first < this.frozen) {
      this.lastCause = this.cause('frozen', n, first, CauseText.MakeFrozen, this.frozen - 1);
    } else if (first < this.ready[n]!) {
      const ready = this.ready[n]!;
      this.lastCause = this.cause(
        'material',
        n,
        first,
        ready >= NEVER ? CauseText.NoComponents : CauseText.ComponentsLate,
        ready,
      );
    } else if (materialBound >= 0 && late >= 0) {
      this.lastCause = this.supplierCause(materialBound, late, first);
    } else if (materialBound >= 0) {
      this.lastCause = this.cause(
        'material',
        materialBound,
        first,
        CauseText.ComponentsPromised,
        Math.max(lowest, first - this.window),
        t,
        0,
        0,
        company,
        item,
      );
    } else {
      this.lastCause = this.cause(
        groupBound ? 'capacity-group' : 'capacity',
        n,
        first,
        CauseText.NoCapacity,
        Math.max(lowest, first - this.window),
        t,
      );
    }
    return placed;
  }

  /**
   * The main supplier's arc of bought node `n` when nothing bought can arrive by period `period` (the
   * lanes are too long or the suppliers cannot ship yet), so a shortage of it has that cause; else −1.
   */
  lateSupply(n: number, period: number): number {
    const f = this.flat;
    if (f.production[n]! >= 0 || f.arcStart[n + 1] === f.arcStart[n]) return -1;
    if (this.earliestPurchase[n]! <= period) return -1;
    let main = f.arcStart[n]!;
    for (let arc = main; arc < f.arcStart[n + 1]!; arc++)
      if (f.arcShare[arc]! > f.arcShare[main]!) main = arc;
    return main;
  }

  purchase(n: number, t: number, need: number, context: PegContext): number {
    const f = this.flat;
    const first = f.arcStart[n]!;
    const end = f.arcStart[n + 1]!;
    const count = end - first;
    const whole = f.whole[n] === 1;
    const lowest = Math.max(0, this.frozen);
    // The split by shares: deficits against cumulative targets, whole units by largest deficit.
    const parts = this.scratchParts.fill(0, 0, count);
    const total = this.cumulativeTotal[n]! + need;
    if (whole) {
      // Quotas: the deficits (≥ 0) scaled to the need; whole units by largest remainder.
      const quotas = this.scratchQuotas;
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
      // Whole units left: one each to the largest remainders (ties to the earlier supplier).
      while (given < need - EPSILON) {
        let best = 0;
        for (let k = 1; k < count; k++) {
          if (quotas[k]! - parts[k]! > quotas[best]! - parts[best]! + 1e-12) best = k;
        }
        parts[best]!++;
        quotas[best]! -= 1;
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
    // (Index loops over `byShare`: a subarray, or a for-of over one, is an object per call, and the
    // collector's scavenges were a tenth of a 60,000-company plan.)
    const byShare = this.byShare;
    const promised = this.scratchPromised;
    let unplaced = 0;
    let failed = -1;
    for (let j = first; j < end; j++) {
      const k = byShare[j]!;
      const ship = t - f.arcLeadTime[first + k]!;
      const room = ship >= lowest ? this.availableToPromise(first + k, ship, whole) : 0;
      promised[k] = Math.min(parts[k]!, room);
      unplaced += parts[k]! - promised[k]!;
      if (promised[k]! < parts[k]! - EPSILON && failed < 0) failed = k;
      if (promised[k]! > EPSILON) this.ship(n, first + k, ship, promised[k]!, t, context);
    }
    // Overflow: the part a supplier cannot deliver in time goes to the others that can, then earlier.
    for (let ahead = 0; ahead <= this.window && unplaced > EPSILON; ahead++) {
      for (let j = first; j < end; j++) {
        const k = byShare[j]!;
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
      let named = failed < 0 ? (end > first ? byShare[first]! : 0) : failed;
      for (let j = first; j < end; j++) {
        const k = byShare[j]!;
        const ship = t - f.arcLeadTime[first + k]!;
        if (ship >= lowest && this.earliest[f.arcSupplier[first + k]!]! <= ship) {
          named = k;
          break;
        }
      }
      this.lastCause = this.supplierCause(n, first + named, t);
      // Beyond what they can promise, the suppliers that could deliver in time are still asked for
      // the rest, by their shares: a full supplier rations what it has over all its customers (pass 2)
      // rather than the customer planned first taking everything and the others nothing.
      let open = 0;
      for (let k = 0; k < count; k++) {
        const ship = t - f.arcLeadTime[first + k]!;
        if (this.canShip(first + k, ship, lowest)) open += f.arcShare[first + k]!;
      }
      if (open > EPSILON) {
        let left = unplaced;
        for (let j = first; j < end; j++) {
          const k = byShare[j]!;
          const ship = t - f.arcLeadTime[first + k]!;
          if (!this.canShip(first + k, ship, lowest) || left <= EPSILON) continue;
          let part = (unplaced * f.arcShare[first + k]!) / open;
          if (whole) part = Math.ceil(part - EPSILON);
          part = Math.min(part, left);
          this.ship(n, first + k, ship, part, t, context);
          left -= part;
        }
        unplaced = left;
      }
    }
    return need - unplaced;
  }

  /** Whether the supplier of `arc` could ship at all in period `ship` (lead times, frozen periods, down). */
  canShip(arc: number, ship: number, lowest: number): boolean {
    return (
      ship >= lowest &&
      this.earliest[this.flat.arcSupplier[arc]!]! <= ship &&
      this.blockedAt?.[arc * this.H + ship] !== 1
    );
  }

  supplierCause(n: number, arc: number, t: number): number {
    const f = this.flat;
    const supplier = f.arcSupplier[arc]!;
    const lane = f.arcLeadTime[arc]!;
    const ship = t - lane;
    const item = f.item[n]!;
    const buyer = f.company[n]!;
    const earliest = this.earliest[supplier]!;
    if (ship < 0) {
      return this.cause('lead-time', supplier, ship, CauseText.ShipTooLate, lane, t, 0, 0, buyer, item);
    }
    if (ship < this.frozen) {
      return this.cause('frozen', supplier, ship, CauseText.ShipFrozen, 0, t, 0, 0, buyer, item);
    }
    if (this.blockedAt?.[arc * this.H + ship] === 1) {
      return this.cause('supplier-down', supplier, ship, CauseText.SupplierDown, 0, t, 0, 0, buyer, item);
    }
    if (earliest > ship) {
      return this.cause(
        'lead-time',
        supplier,
        ship,
        earliest >= NEVER ? CauseText.CannotSupply : CauseText.ShipsLater,
        earliest,
        t,
        0,
        0,
        buyer,
        item,
      );
    }
    return this.cause(
      'supplier-capacity',
      supplier,
      ship,
      CauseText.NothingToPromise,
      0,
      t,
      0,
      0,
      buyer,
      item,
    );
  }

  /**
   * What supplier node of `arc` can still promise to ship in period `ship`: the least, over this and
   * later periods, of cumulative potential supply minus cumulative requirements already placed on it.
   */
  availableToPromise(arc: number, ship: number, whole: boolean): number {
    if (this.blockedAt?.[arc * this.H + ship] === 1) return 0;
    return this.promisable(this.flat.arcSupplier[arc]!, ship, whole);
  }

  /**
   * What node `n` can still promise for use in period `period`: the least, over this and later
   * periods, of its cumulative potential supply minus the cumulative requirements already placed on it.
   */
  promisable(n: number, period: number, whole: boolean): number {
    if (this.earliest[n]! > period) return 0;
    const potential = this.potential(n);
    const gross = this.gross;
    const base = n * this.H;
    // From the first period the node can buy in on, its potential is unbounded (`potential`): those
    // periods lower nothing, and a bought node's rows are not read past it (most end a few periods in).
    const end = base + Math.min(this.H, this.earliestPurchase[n]!);
    const from = base + Math.min(Math.max(0, period), this.H);
    // No cumulative requirement of the row exceeds `most`: the running sums are sums of its cells,
    // and `grossBound` sums their absolute values (kept up as they grow, see `ship` and
    // `productionOrder`), made larger by far more than the rounding of either sum (2^-20, where each
    // rounds by 2^-53 an addition). With the potential non-decreasing (`potential`), no period from p
    // on is left with less than `potential[p] − most`: once that is not below the least so far,
    // the later periods cannot lower it, and the row is not read further (at 60,000 companies some
    // nine in ten of the periods this loop read).
    let bound = this.grossBound[n]!;
    if (Number.isNaN(bound)) {
      bound = 0;
      for (let p = base; p < base + this.H; p++) bound += Math.abs(gross[p]!);
      this.grossBound[n] = bound;
    }
    const most =
      earlyPromiseStop && this.potentialKnown[n] === 2 ? bound * (1 + 2 ** -20) : Number.POSITIVE_INFINITY;
    let required = 0;
    let least = Number.POSITIVE_INFINITY;
    let p = base;
    for (const stop = Math.min(from, end); p < stop; p++) required += gross[p]!;
    for (; p < end; p++) {
      if (potential[p]! - most >= least) break;
      required += gross[p]!;
      // (A compare, not `Math.min`: the least changes a few times a row, and only then can it reach 0.)
      const left = potential[p]! - required;
      if (left < least) {
        least = left;
        // At 0 or below nothing is left to promise: later periods can only lower the least.
        if (least <= 0) return 0;
      }
    }
    least = Math.max(0, least);
    return whole && Number.isFinite(least) ? Math.floor(least + EPSILON) : least;
  }

  /**
   * Cumulative supply node `n` could have by each period, ignoring component quantities: its row
   * (`n * H` …) of `potentialAt`, computed when first asked.
   */
  potential(n: number): Float64Array {
    const found = this.potentialAt;
    if (this.potentialKnown[n] !== 0) return found;
    const f = this.flat;
    const H = this.H;
    const base = n * H;
    const capacityAt = capacityBase(f, n);
    let stock = f.onHand[n]!;
    let made = 0;
    const making = f.production[n]! >= 0;
    const leadTime = f.leadTime[n]!;
    const ready = Math.max(this.ready[n]!, this.frozen);
    for (let p = 0; p < H; p++) {
      stock += f.receipts[base + p]!;
      const start = p - leadTime;
      if (making && start >= ready) {
        let room = f.capacity[capacityAt + start]!;
        for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
          room = Math.min(room, f.groupCapacity[f.nodeGroup[at]! * H + start]! / f.nodeGroupLoad[at]!);
        }
        made += this.goodOf(n, this.fitLot(n, room + 1e12, room));
      }
      found[base + p] = p >= this.earliestPurchase[n]! ? Number.POSITIVE_INFINITY : stock + made;
    }
    let rising = true;
    for (let p = base + 1; p < base + H; p++) if (!(found[p]! >= found[p - 1]!)) rising = false;
    this.potentialKnown[n] = rising ? 2 : 1;
    return found;
  }

  ship(n: number, arc: number, ship: number, quantity: number, t: number, context: PegContext): void {
    const f = this.flat;
    const supplier = f.arcSupplier[arc]!;
    const slot = arc * this.H + ship;
    let order = this.purchaseAt[slot]! - 1;
    if (order < 0) {
      order = this.newOrder(n, arc, ship);
      this.purchaseAt[slot] = order + 1;
      if (this.pegging) this.newRequest(supplier, ship, order);
    }
    this.orderStartQuantity.a[order]! += quantity;
    this.logCall(order, quantity);
    this.gross[supplier * this.H + ship]! += quantity;
    this.grossBound[supplier]! += Math.abs(quantity);
    this.peg(order, n, t, quantity, context);
  }

  productionOrder(n: number, start: number, startQuantity: number): number {
    const f = this.flat;
    const H = this.H;
    const slot = n * H + start;
    let order = this.productionAt[slot]! - 1;
    if (order < 0) {
      order = this.newOrder(n, -1, start);
      this.productionAt[slot] = order + 1;
      for (let at = f.bomStart[n]!; this.pegging && at < f.bomStart[n + 1]!; at++) {
        this.newRequest(f.bomNode[at]!, start, order);
      }
    }
    this.orderStartQuantity.a[order]! += startQuantity;
    this.logCall(order, startQuantity);
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
      const amount = startQuantity * f.bomQuantity[at]!;
      this.gross[f.bomNode[at]! * H + start]! += amount;
      this.grossBound[f.bomNode[at]!]! += Math.abs(amount);
    }
    return order;
  }

  /** A new order of node `n`: production when `arc` is −1, else a purchase on `arc`. */
  newOrder(n: number, arc: number, start: number): number {
    const order = this.orderArc.length;
    this.orderArc.push(arc < 0 ? -1 - n : arc);
    this.orderStart.push(start);
    this.orderStartQuantity.push(0);
    this.orderFinalQuantity.push(0);
    this.orderFinalStart.push(0);
    // Pegs per order only when pegging: at 60,000 companies a list of 13 million `undefined`s, grown
    // by copying, was old-space garbage and a long walk for every full collection.
    if (this.pegging) this.orderPegs.push(undefined);
    return order;
  }

  /** Logs one placement of `amount` on `order`, for a re-plan's replay (what it added to shared sums). */
  logCall(order: number, amount: number): void {
    if (!this.replayable) return;
    this.callOrder.push(order);
    this.callAmount.push(amount);
  }

  /** A request of `order` on node `child` in `period` (pegging only). */
  newRequest(child: number, period: number, order: number): void {
    const request = this.requestNode.length;
    this.requestNode.push(child);
    this.requestPeriod.push(period);
    this.requestOrder.push(order);
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
    if (this.replayable) {
      this.pegOrder.push(order);
      this.pegPeriod.push(t);
      this.pegAmount.push(quantity);
    }
    const H = this.H;
    const gross = this.grossRows(n)[n * H + t]!;
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

  /**
   * Records a cause binding at node `n` in `period`; its text (`text`, with `name`, `other` and the
   * figures `a` … `d`) is written only when a shortage names it (`describeCause`).
   */
  cause(
    code: ShortageCode,
    n: number,
    period: number,
    text: CauseText,
    a = 0,
    b = 0,
    c = 0,
    d = 0,
    name = '',
    other = '',
  ): number {
    const f = this.flat;
    this.causes.push({
      code,
      company: f.company[n]!,
      item: f.item[n]!,
      period,
      text,
      name,
      other,
      a,
      b,
      c,
      d,
      named: undefined,
    });
    return this.causes.length - 1;
  }

  // ---- pass 2: execution, period by period ----

  /**
   * Executes the requirement plan period by period, suppliers before their customers within a period:
   * a production order starts what its components on hand, its capacity and its capacity groups allow
   * (lot sizes kept), a purchase ships what the supplier has in stock; what cannot start or ship waits
   * and tries again in the next period (it is late, never lost, unless the horizon ends first).
   * Components that one order cannot use stay in stock for the next. End demand is served from stock,
   * and what is short stays on backlog and is delivered late.
   */
  execute(previous?: Planner, from = 0): void {
    // Keep the requirement pass's causes for a later re-plan's replay; execution adds its own.
    // From the arena the run's other kept arrays came from (a buffer of its own brought a collection).
    // (In a re-plan that deferred the causes of the nodes it replayed, theirs are the kept run's: they
    // are written into their rows with their orders, `transpose`.)
    this.keepPlannedCauses();
    this.plannedOrders = this.orderArc.length;
    this.allocateTransposed(true);
    this.transpose(from);
    this.runPassTwo(previous, from);
  }

  /** Pass 2 from period `from` over every node, the period-major copies made (`execute`). */
  runPassTwo(previous: Planner | undefined, from: number): void {
    const f = this.flat;
    const H = this.H;
    const N = f.nodes;
    const { order } = f;
    const keeps = this.checkpointing;
    const spacing = checkpointSpacing(H);
    const began = planningClock?.();
    if (previous !== undefined && from > 0) this.resume(previous, from);
    this.resumedAt = from;
    // A full pass 2 of a kept run logs what a later re-plan's dirty-set pass reads of clean nodes.
    // Its positions follow the order pass 2 steps the nodes in (`nodePosition`): planning order.
    if (dirtyExecution && keeps && from === 0 && order.every((n, i) => n === i))
      this.dirtyLog = newDirtyLog(N, f.arcSupplier.length, H, this.checkpointArena);
    const log = this.dirtyLog;
    // Nothing reads an order's finals while a full pass runs (`resume`, `checkWaiting` and `keptStart`
    // read them in a re-plan's pass, of a finished run or of orders before the pass's start).
    this.finalsByCell = from === 0 && this.dirtyPass === undefined;
    for (let t = from; t < H; t++) {
      if (keeps && t > from && t % spacing === 0) this.checkpoints.push(this.checkpoint(t));
      if (log !== undefined) {
        log.askedStart[t] = log.askedCell.length;
        if (t + 1 < H) touchLogAhead(log, N, f.arcSupplier.length, t + 1);
      }
      for (let i = order.length - 1; i >= 0; i--) this.step(order[i]!, t, log);
      if (log !== undefined) this.logPeriod(log, t);
      this.noteSafetyStockDraws(t);
    }
    if (log !== undefined) {
      log.askedStart[H] = log.askedCell.length;
      // What every re-plan from this run reads of the network's shape (its customers by node, the
      // members of each capacity group), made now rather than by the first re-plan (`dirtyGraphOf`).
      dirtyGraphOf(f);
    }
    if (this.finalsByCell) this.scatterFinals();
    this.finalsByCell = false;
    this.dropTransposed();
    if (began !== undefined && planningClock !== undefined && H > from)
      this.passTwoPeriodMs = (planningClock() - began) / (H - from);
  }

  /**
   * Writes what each order executed, kept by cell during the pass (`finalsByCell`: the start in
   * `plannedStartT` or `plannedShipT`, the good quantity of production in `capacityT`), into the order
   * columns. In tiles of 256 nodes or arcs, as `transpose` reads them: the columns are node-major
   * (pass 1 made the orders node by node), so writing them while pass 2 walked period by period
   * missed the cache twice per order (at 60,000 companies 12.8 million orders, columns of 100 MB).
   */
  scatterFinals(): void {
    const N = this.flat.nodes;
    const A = this.flat.arcSupplier.length;
    const H = this.H;
    const { madeT, boughtT, plannedStartT, plannedShipT, capacityT } = this;
    const finalStart = this.orderFinalStart.a;
    const finalQuantity = this.orderFinalQuantity.a;
    for (let first = 0; first < N; first += 256) {
      const last = Math.min(N, first + 256);
      for (let t = 0; t < H; t++) {
        for (let cell = t * N + first; cell < t * N + last; cell++) {
          const order = madeT[cell]! - 1;
          if (order < 0) continue;
          const start = plannedStartT[cell]!;
          finalStart[order] = start;
          // An order that did not start has 0 in both (`capacityT` then still holds the capacity).
          finalQuantity[order] = start === 0 ? 0 : capacityT[cell]!;
        }
      }
    }
    for (let first = 0; first < A; first += 256) {
      const last = Math.min(A, first + 256);
      for (let t = 0; t < H; t++) {
        for (let slot = t * A + first; slot < t * A + last; slot++) {
          const order = boughtT[slot]! - 1;
          if (order < 0) continue;
          finalStart[order] = finalQuantity[order] = plannedShipT[slot]!;
        }
      }
    }
  }

  /**
   * The period-major copies pass 2 reads (see `madeT`) and its arrivals by cell (`incoming`,
   * `catchUpArrival`): empty when `zeroed`, else as a reused chunk left them (arena.ts), for a
   * dirty-set pass that writes every cell of a node's rows it reads first (`transposeNode`).
   * (`transposedTouched` knows the order they are taken in.)
   */
  allocateTransposed(zeroed: boolean): void {
    const N = this.flat.nodes;
    const H = this.H;
    const A = this.flat.arcSupplier.length;
    const arena = this.execution;
    this.incoming = arena.f64(N * H, zeroed);
    this.catchUpArrival = arena.f64(N * H, zeroed);
    this.madeT = arena.i32(N * H, zeroed);
    this.plannedStartT = arena.f64(N * H, zeroed);
    // Pass 1's `potentialAt` is dead by now: its memory holds the capacities (every cell pass 2 reads
    // is written by `transpose` or `transposeNode`), 116 MB less fresh memory at 60,000 companies.
    this.capacityT = this.potentialAt.length === N * H ? this.potentialAt : arena.f64(N * H, false);
    this.potentialAt = new Float64Array(0);
    this.potentialKnown = new Uint8Array(0);
    this.grossBound = new Float64Array(0);
    this.askedT = arena.f64(N * H, zeroed);
    this.receiptsUntil = new Int32Array(N);
    this.hasDemand = new Uint8Array(N);
    this.boughtT = arena.i32(A * H, zeroed);
    this.plannedShipT = arena.f64(A * H, zeroed);
  }

  /**
   * Dropped before the plan is assembled: at 60,000 companies they are chunks of their own (some 400
   * MB) that the collector can free before the plan's columns are made.
   */
  dropTransposed(): void {
    const none = new Float64Array(0);
    this.madeT = new Int32Array(0);
    this.boughtT = new Int32Array(0);
    this.plannedStartT = none;
    this.plannedShipT = none;
    this.receiptsUntil = new Int32Array(0);
    this.hasDemand = new Uint8Array(0);
    this.capacityT = none;
    this.askedT = none;
  }

  /**
   * Logs period `t` of a kept run's full pass 2 once all nodes stepped it (`DirtyLog`): what each node
   * waits to start and to ship after its step, and its ratio. Only a node's own step changes them, so
   * after the period they are what its step left: logged a period at a time, in position order, where
   * they were logged step by step.
   */
  logPeriod(log: DirtyLog, t: number): void {
    const f = this.flat;
    log.startAfter.putReversed(t * f.nodes, this.pendingStart);
    log.ratio.putReversed(t * f.nodes, this.ratio);
    log.shipAfter.putReversed(t * f.arcSupplier.length, this.pendingShip);
  }

  /**
   * Node `n`'s catching up in period `t` wrote what it waits to start or ship: logged (`CaughtCells`).
   * Its arcs last to first, so that their positions rise (`arcPosition`).
   */
  noteCaught(log: DirtyLog, n: number, t: number): void {
    const f = this.flat;
    log.startCaught.put(nodePosition(f, n, t), this.pendingStart[n]!);
    for (let arc = f.arcStart[n + 1]! - 1; arc >= f.arcStart[n]!; arc--)
      log.shipCaught.put(arcPosition(f, arc, t), this.pendingShip[arc]!);
  }

  /**
   * Node `n`'s step of pass 2 in period `t`: catch up, start and ship what it can, take in what
   * arrives, serve end demand, ration what is left. With `log` (a kept run's full pass 2), what a
   * re-plan's dirty-set pass reads of it is logged; in a dirty-set pass (`dirtyPass`), what it waits
   * for is compared with the kept run's.
   */
  step(n: number, t: number, log: DirtyLog | undefined): void {
    const f = this.flat;
    const H = this.H;
    const cell = t * f.nodes + n;
    const caught = this.catchUp(n);
    if (log !== undefined) {
      if (caught) this.noteCaught(log, n, t);
    } else if (this.dirtyPass !== undefined && !this.replaying)
      this.checkWaiting(this.dirtyPass, n, t, false);
    if (f.production[n]! >= 0) this.startProduction(n, t);
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) this.shipPurchase(n, arc, t);
    if (log === undefined && this.dirtyPass !== undefined && !this.replaying)
      this.checkWaiting(this.dirtyPass, n, t, true);
    const receipts = t < this.receiptsUntil[n]! ? f.receipts[n * H + t]! : 0;
    this.onHand[n]! += receipts + this.incoming[cell]!;
    this.openingStock[n] = this.onHand[n]!;
    if (this.catchesUp[n] === 1) this.inFlight[n]! -= this.catchUpArrival[cell]!;
    const demand = this.hasDemand[n] === 1 ? f.endDemand[n * H + t]! : 0;
    if (demand > 0 || this.backlogOf[n] !== undefined) this.serveDemand(n, t, demand);
    this.ratio[n] = this.coverage(n, cell);
    if (log === undefined) {
      if (this.dirtyPass !== undefined && !this.replaying) this.checkExposed(this.dirtyPass, n, t);
      return;
    }
    // (Customers stepped after it take from its stock in the same period: logged now, not with the period.)
    log.stock.put(nodePosition(f, n, t), this.onHand[n]!);
    while (log.deliveryNode.length < this.deliveries.length) log.deliveryNode.push(n);
    while (log.shortageNode.length < this.shortages.length) log.shortageNode.push(n);
  }

  /** The period-major copies pass 2 reads (see `madeT`), from period `from` on, into `allocateTransposed`'s arrays. */
  transpose(from = 0): void {
    const f = this.flat;
    const H = this.H;
    const N = f.nodes;
    const A = f.arcSupplier.length;
    const { madeT, plannedStartT, capacityT, askedT, receiptsUntil, hasDemand } = this;
    const { receipts, endDemand, capacity, capacityRow } = f;
    // Pass 2 over every node reads every node's orders and rows: a re-plan's are made its own first.
    this.materialize();
    this.ownGrossRows();
    const gross = this.gross;
    const made = this.productionAt;
    const startQuantity = this.orderStartQuantity.a;
    // In tiles of 256 nodes: their rows are read while they are in cache, and each period's stretch
    // of 256 cells is written in one go. The last period with receipts and whether there is end demand
    // from `from` on are noted on the way (a pass of its own read both arrays whole once more).
    for (let first = 0; first < N; first += 256) {
      const last = Math.min(N, first + 256);
      for (let t = from; t < H; t++) {
        for (let n = first; n < last; n++) {
          const at = n * H + t;
          const cell = t * N + n;
          const order = made[at]!;
          if (order > 0) {
            madeT[cell] = order;
            plannedStartT[cell] = startQuantity[order - 1]!;
          }
          capacityT[cell] = capacity[capacityRow[n]! * H + t]!;
          const demand = endDemand[at]!;
          if (demand !== 0) hasDemand[n] = 1;
          if (receipts[at] !== 0) receiptsUntil[n] = t + 1;
          // What customers asked of the node in the period (shipments, components): gross less end demand.
          askedT[cell] = gross[at]! - demand;
        }
      }
    }
    for (let arc = 0; arc < A; arc++) {
      for (let t = from; t < H; t++) {
        const bought = this.purchaseAt[arc * H + t]!;
        if (bought === 0) continue;
        this.boughtT[t * A + arc] = bought;
        this.plannedShipT[t * A + arc] = this.orderStartQuantity.a[bought - 1]!;
      }
    }
  }

  /**
   * The share of what all customers of node `n` want from it in period `t` (shipments and components,
   * with what waits from earlier periods) that its stock covers. Each customer takes at most that
   * share, so a scarce item is rationed in proportion instead of going to whoever comes first: a
   * shortfall somewhere then costs every chain a little, not one chain everything.
   */
  coverage(n: number, cell: number): number {
    // Planned requests of this period (`askedT`, period-major `cell`) and what waits (owed).
    const wanted = this.askedT[cell]! + Math.max(0, this.owed[n]!);
    const stock = this.onHand[n]!;
    if (wanted <= stock + EPSILON) return 1;
    // Rationed: what was asked and on hand, for the cause a customer may need (`findCause`).
    this.askedNow[n] = wanted;
    this.stockNow[n] = stock;
    return Math.max(0, stock) / wanted;
  }

  setPendingStart(n: number, value: number): void {
    const f = this.flat;
    const change = value - this.pendingStart[n]!;
    this.pendingStart[n] = value;
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
      this.owed[f.bomNode[at]!]! += change * f.bomQuantity[at]!;
    }
  }

  setPendingShip(arc: number, value: number): void {
    this.owed[this.flat.arcSupplier[arc]!]! += value - this.pendingShip[arc]!;
    this.pendingShip[arc] = value;
  }

  /**
   * Catching up: what node `n` owes its customers (their orders that wait on it, and its own end
   * demand on backlog) beyond its stock and what is already on its way to it, it makes extra (where
   * its capacity and components allow) or orders extra from its suppliers by their shares. The extra
   * waits like any delayed order, so the suppliers see it and catch up in turn. Without this, a delay
   * anywhere would be lost for good, as nobody upstream planned to make up for it. True when it wrote
   * what the node waits to start or ship (false: that is as before).
   */
  catchUp(n: number): boolean {
    const f = this.flat;
    const owed = this.owed[n]! + this.backlogOwed[n]!;
    if (owed <= EPSILON) return false;
    let coming = this.onHand[n]! + this.inFlight[n]!;
    if (f.production[n]! >= 0) {
      coming += this.pendingStart[n]! * f.yieldRate[n]!;
      let extra = owed - coming;
      if (extra <= EPSILON) return false;
      if (f.whole[n] === 1) extra = Math.ceil(extra - EPSILON);
      this.setPendingStart(n, this.pendingStart[n]! + this.startFor(n, extra));
      return true;
    }
    const first = f.arcStart[n]!;
    const end = f.arcStart[n + 1]!;
    for (let arc = first; arc < end; arc++) coming += this.pendingShip[arc]!;
    const extra = owed - coming;
    if (extra <= EPSILON || end === first) return false;
    for (let arc = first; arc < end; arc++) {
      let part = extra * f.arcShare[arc]!;
      if (f.whole[n] === 1) part = Math.ceil(part - EPSILON);
      this.setPendingShip(arc, this.pendingShip[arc]! + part);
    }
    return true;
  }

  /** What a customer wanting `wanted` of node `n` may take now: its share, whole units rounded up. */
  allotment(n: number, wanted: number): number {
    const ratio = this.ratio[n]!;
    let share = ratio >= 1 ? wanted : wanted * ratio;
    if (this.flat.whole[n] === 1) share = Math.ceil(share - 1e-6);
    return Math.min(wanted, share, Math.max(0, this.onHand[n]!));
  }

  startProduction(n: number, t: number): void {
    const f = this.flat;
    const H = this.H;
    const cell = t * f.nodes + n;
    let order = this.madeT[cell]! - 1;
    const planned = this.plannedStartT[cell]!;
    // By cell, what did not start executed 0 (`scatterFinals`).
    if (this.finalsByCell) this.plannedStartT[cell] = 0;
    // Inside the frozen periods only the planned orders start; what waits, waits until after them.
    const pending = t < this.frozen ? 0 : this.pendingStart[n]!;
    const wanted = planned + pending;
    if (wanted <= EPSILON) return;
    const due = t + f.leadTime[n]!;
    if (due >= H) return;
    let allowed = wanted;
    let limit = -1; // −1: capacity, else the scarcest component's node
    let room = this.capacityT[cell]!;
    for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
      const g = f.nodeGroup[at]! * H + t;
      room = Math.min(room, (f.groupCapacity[g]! - this.groupDone[g]!) / f.nodeGroupLoad[at]!);
    }
    if (room < allowed) allowed = Math.max(0, room);
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
      const child = f.bomNode[at]!;
      let enough = this.allotment(child, wanted * f.bomQuantity[at]!) / f.bomQuantity[at]!;
      if (f.whole[n] === 1) enough = Math.floor(enough + 1e-6);
      if (enough < allowed - EPSILON) {
        allowed = enough;
        limit = child;
      }
    }
    const start = allowed >= wanted - EPSILON ? wanted : this.fitLot(n, wanted, allowed);
    if (start < wanted - EPSILON) {
      this.setCause(
        n * H + due,
        limit >= 0
          ? this.findCause(limit, t, n)
          : this.cause('capacity', n, t, CauseText.NoCapacityForDelayed),
      );
    }
    const waiting = (t < this.frozen ? this.pendingStart[n]! : 0) + (wanted - start);
    this.setPendingStart(n, waiting > EPSILON ? waiting : 0);
    if (start <= EPSILON) {
      if (order >= 0 && pending <= EPSILON) this.pendingFrom[n] = order;
      return;
    }
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
      this.onHand[f.bomNode[at]!]! -= start * f.bomQuantity[at]!;
    }
    for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
      this.groupDone[f.nodeGroup[at]! * H + t]! += start * f.nodeGroupLoad[at]!;
    }
    const good = this.realizedGood(n, start);
    // A step replayed (`bringIn`) makes no order and writes no executed quantity: they are the kept run's.
    if (order < 0 && !this.replaying) {
      order = this.newOrder(n, -1, t);
      this.madeT[cell] = order + 1;
    }
    const caught = (Math.min(start, pending) / start) * good;
    if (this.finalsByCell) {
      this.plannedStartT[cell] = start;
      this.capacityT[cell] = good;
    } else if (!this.replaying) {
      this.orderFinalStart.a[order] = start;
      this.orderFinalQuantity.a[order] = good;
    }
    this.finish(order, n, due, start, good, caught, pending, this.pendingFrom[n]!, wanted);
    if (wanted - start > EPSILON) this.pendingFrom[n] = order;
  }

  shipPurchase(n: number, arc: number, t: number): void {
    const f = this.flat;
    const H = this.H;
    const slot = t * f.arcSupplier.length + arc;
    let order = this.boughtT[slot]! - 1;
    const planned = this.plannedShipT[slot]!;
    if (this.finalsByCell) this.plannedShipT[slot] = 0;
    const pending = t < this.frozen ? 0 : this.pendingShip[arc]!;
    const wanted = planned + pending;
    if (wanted <= EPSILON) return;
    const due = t + f.arcLeadTime[arc]!;
    if (due >= H) return;
    const supplier = f.arcSupplier[arc]!;
    const ship = this.blockedAt?.[arc * H + t] === 1 ? 0 : this.allotment(supplier, wanted);
    if (ship < wanted - EPSILON) {
      this.setCause(
        n * H + due,
        this.blockedAt?.[arc * H + t] === 1
          ? this.supplierCause(n, arc, due)
          : this.findCause(supplier, t, n),
      );
    }
    const waiting = (t < this.frozen ? this.pendingShip[arc]! : 0) + (wanted - ship);
    this.setPendingShip(arc, waiting > EPSILON ? waiting : 0);
    if (ship <= EPSILON) {
      if (order >= 0 && pending <= EPSILON) this.pendingShipFrom[arc] = order;
      return;
    }
    this.onHand[supplier]! -= ship;
    if (order < 0 && !this.replaying) {
      order = this.newOrder(n, arc, t);
      this.boughtT[slot] = order + 1;
    }
    const caught = Math.min(ship, pending);
    if (this.finalsByCell) this.plannedShipT[slot] = ship;
    else if (!this.replaying) this.orderFinalStart.a[order] = this.orderFinalQuantity.a[order] = ship;
    this.finish(order, n, due, ship, ship, caught, pending, this.pendingShipFrom[arc]!, wanted);
    if (wanted - ship > EPSILON) this.pendingShipFrom[arc] = order;
  }

  /**
   * Records what order `order` (its executed start and quantity written by the caller) delivers,
   * arriving at node `n` in period `due`.
   * What waited (`pending`) starts first: that part of the output (`caught`) is on its way to what
   * the customers are owed, and brings the pegging of the order it was delayed from (`from`) along.
   */
  finish(
    order: number,
    n: number,
    due: number,
    start: number,
    good: number,
    caught: number,
    pending: number,
    from: number,
    wanted: number,
  ): void {
    const arrival = due * this.flat.nodes + n;
    this.undo?.push(0, arrival, this.incoming[arrival]!);
    this.incoming[arrival]! += good;
    if (caught !== 0) {
      this.undo?.push(1, arrival, this.catchUpArrival[arrival]!);
      this.inFlight[n]! += caught;
      this.catchUpArrival[arrival]! += caught;
      this.catchesUp[n] = 1;
    }
    if (!this.pegging) return;
    const own = wanted - pending;
    const scale = start / wanted;
    const pegs = new Map<number, number>();
    const planned = this.orderPegs[order];
    const plannedStart = this.orderStartQuantity.a[order]!;
    if (planned !== undefined && own > EPSILON && plannedStart > EPSILON) {
      for (const [key, served] of planned) pegs.set(key, served * scale * (own / plannedStart));
    }
    const source = from >= 0 ? this.orderPegs[from] : undefined;
    const sourceStart = from >= 0 ? this.orderStartQuantity.a[from]! : 0;
    if (source !== undefined && pending > EPSILON && sourceStart > EPSILON) {
      const share = (pending * scale) / sourceStart;
      for (const [key, served] of source) pegs.set(key, (pegs.get(key) ?? 0) + served * share);
    }
    this.finalPegs[order] = pegs;
  }

  /** Nodes whose stock ended period `t` below their safety target after serving from it this period. */
  noteSafetyStockDraws(t: number): void {
    for (const n of this.safetyNodes) this.noteSafetyStockDraw(n, t);
  }

  noteSafetyStockDraw(n: number, t: number): void {
    const f = this.flat;
    const stock = this.onHand[n]!;
    const target = f.safetyStock[n]!;
    if (stock < target - EPSILON && stock < this.openingStock[n]! - EPSILON) {
      this.safetyStockDraws.push({
        company: f.company[n]!,
        item: f.item[n]!,
        period: t,
        stock: round(stock),
        target,
      });
      this.dirtyLog?.drawNode.push(n);
    }
  }

  /** End demand of period `t` first (what is short goes on backlog), then the backlog, oldest first. */
  serveDemand(n: number, t: number, demand: number): void {
    const f = this.flat;
    let backlog = this.backlogOf[n];
    let stock = this.onHand[n]!;
    if (demand > 0) {
      const served = Math.min(demand, stock);
      stock -= served;
      if (served > EPSILON) this.deliver(n, t, served, t);
      const short = demand - served;
      if (short > EPSILON) {
        // Its cause is found (or made) also when its step is replayed (`bringIn`): it may be read later.
        const cause = this.findCause(n, t, n);
        if (!this.replaying) {
          this.shortages.push({
            company: f.company[n]!,
            item: f.item[n]!,
            period: t,
            quantity: short,
            cause: namedCause(this.causes[cause]!),
          });
        }
        if (backlog === undefined) {
          backlog = { period: [], quantity: [], head: 0 };
          this.backlogOf[n] = backlog;
        }
        backlog.period.push(t);
        backlog.quantity.push(short);
        this.backlogOwed[n]! += short;
      }
    }
    if (backlog !== undefined) {
      while (backlog.head < backlog.period.length && stock > EPSILON) {
        const late = Math.min(stock, backlog.quantity[backlog.head]!);
        stock -= late;
        this.deliver(n, t, late, backlog.period[backlog.head]!);
        backlog.quantity[backlog.head]! -= late;
        this.backlogOwed[n]! -= late;
        if (backlog.quantity[backlog.head]! <= EPSILON) backlog.head++;
      }
    }
    this.onHand[n] = stock;
  }

  /**
   * The nearest root cause recorded at node `n` at or before period `t`, or a material cause there,
   * for `asker` (a customer of `n`, `n` itself, or −1 for an ask a dirty-set pass replays).
   */
  findCause(n: number, t: number, asker: number): number {
    if (this.dirtyPass !== undefined && this.dirtyPass.boundary[n] === 1)
      return this.keptCause(this.dirtyPass, n, t);
    const base = n * this.H;
    for (let p = t; p >= 0; p--) {
      const found = this.causeAt[base + p]!;
      if (found > 0) return found - 1;
    }
    const f = this.flat;
    const asked = this.askedNow[n]!;
    const stock = Math.max(0, this.stockNow[n]!);
    // No constraint of its own was recorded: the node was asked for more than it had, mostly because
    // orders delayed elsewhere came due at once, on shorter notice than its lead time.
    const waiting = Math.max(0, asked - this.askedT[t * f.nodes + n]!);
    // askedNow and stockNow hold the last period the node rationed; its ratio says whether that is now.
    // The figures as the text writes them (one decimal); no waiting is NaN, a bought node's lead time −1.
    const created =
      this.ratio[n]! < 1
        ? this.cause(
            'material',
            n,
            t,
            CauseText.SharedOut,
            Math.round(stock * 10) / 10,
            Math.round(asked * 10) / 10,
            waiting > EPSILON ? Math.round(waiting * 10) / 10 : NaN,
            f.production[n]! >= 0 ? f.leadTime[n]! : -1,
          )
        : this.cause('material', n, t, CauseText.NotEnoughOnHand);
    this.setCause(base + t, created);
    // A kept run notes who asked for it: a dirty-set pass from this run needs to know (`checkAsked`).
    if (this.dirtyLog !== undefined) {
      this.dirtyLog.askedCell.push(base + t);
      this.dirtyLog.askedBy.push(asker);
    }
    return created;
  }

  deliver(n: number, period: number, quantity: number, forPeriod: number): void {
    if (this.replaying) return;
    this.deliveries.push({
      company: this.flat.company[n]!,
      item: this.flat.item[n]!,
      period,
      quantity,
      forPeriod,
    });
  }

  /** Pass 2 records a cause at `cell` (node × period), logged for a checkpoint's restore in kept runs. */
  setCause(cell: number, cause: number): void {
    this.undo?.push(2, cell, this.causeAt[cell]!);
    this.causeAt[cell] = cause + 1;
    if (!this.checkpointing) return;
    const log = this.dirtyLog;
    if (log !== undefined) {
      // Each node's writes, linked from its last back to its first (`keptWritesOf`).
      const n = Math.floor(cell / this.H);
      log.writeBefore.push(log.lastWrite[n]!);
      log.lastWrite[n] = this.causeWriteCell.length;
    }
    this.causeWriteCell.push(cell);
    this.causeWriteIndex.push(cause);
  }

  // ---- re-planning: resume pass 2 where its inputs start to differ ----

  /**
   * Pass 2's state at the start of period `t`: everything a node's step reads of its own and of
   * others that outlives a period. The arrays of a period (the capacity groups' use in it) start at 0;
   * arrivals after `t` are kept as the cells that hold any; the lists are kept as lengths.
   */
  checkpoint(t: number): Checkpoint {
    const f = this.flat;
    const N = f.nodes;
    const arena = this.checkpointArena;
    const nodeState = this.nodeFields().map((field, k) => LoggedCells.of(field, USUAL_FIELDS[k]!, arena));
    // Arrivals after t were started before t: at most the longest lead time ahead.
    let lead = 0;
    for (let n = 0; n < N; n++) if (f.production[n]! >= 0) lead = Math.max(lead, f.leadTime[n]!);
    for (let arc = 0; arc < f.arcLeadTime.length; arc++) lead = Math.max(lead, f.arcLeadTime[arc]!);
    const end = Math.min(this.H, t + lead + 1) * N;
    const backlogs = new Map<number, Backlog>();
    for (let n = 0; n < N; n++) {
      const backlog = this.backlogOf[n];
      if (backlog !== undefined) backlogs.set(n, copyBacklog(backlog));
    }
    return {
      period: t,
      nodeState,
      pendingFrom: copyInto(arena.i32(N), this.pendingFrom),
      pendingShip: LoggedCells.of(this.pendingShip, 0, arena),
      pendingShipFrom: copyInto(arena.i32(this.pendingShipFrom.length), this.pendingShipFrom),
      arrivals: sparseCells(this.incoming, t * N, end, arena),
      catchUpArrivals: this.catchUpCells(t * N, end),
      backlogs,
      deliveries: this.deliveries.length,
      shortages: this.shortages.length,
      safetyStockDraws: this.safetyStockDraws.length,
      orders: this.orderArc.length - this.plannedOrders,
      causeWrites: this.causeWriteCell.length,
    };
  }

  /** The arrivals from catching up in cells `from` … `to` − 1 (period-major), of the nodes that catch up. */
  catchUpCells(from: number, to: number): SparseCells {
    const N = this.flat.nodes;
    const arrivals = this.catchUpArrival;
    // In one pass, as `sparseCells` (the cells a node down a column are far apart: read once, not twice).
    const cells = this.checkpointArena.i32(to - from, false);
    const values = this.checkpointArena.f64(to - from, false);
    let k = 0;
    for (let n = 0; n < N; n++) {
      if (this.catchesUp[n] !== 1) continue;
      for (let cell = from + n; cell < to; cell += N) {
        const value = arrivals[cell]!;
        cells[k] = cell;
        values[k] = value;
        k += +(value !== 0);
      }
    }
    return { cells: cells.subarray(0, k), values: values.subarray(0, k) };
  }

  /** The per-node arrays a checkpoint keeps, in its order. */
  nodeFields(): Float64Array[] {
    return [
      this.onHand,
      this.pendingStart,
      this.inFlight,
      this.startedSoFar,
      this.owed,
      this.backlogOwed,
      this.ratio,
      this.askedNow,
      this.stockNow,
    ];
  }

  /** What `nodeFields` hold for node `n` as pass 2 starts (the constructor, `resetExecution`), in their order. */
  startingFields(n: number): number[] {
    const fields = USUAL_FIELDS.slice();
    fields[0] = this.flat.onHand[n]!;
    return fields;
  }

  /**
   * The latest checkpoint of `previous` at or before the first period in which anything pass 2 reads
   * differs between the two runs (0 when there is none, or when pass 2 must run whole).
   */
  resumablePeriod(previous: Planner, replay: Replay): number {
    if (!this.checkpointing || previous.checkpoints.length === 0 || this.patch === undefined) return 0;
    const first = this.differingPeriods(previous, replay);
    if (first === undefined) return 0;
    let earliest = this.H;
    for (const period of first) earliest = Math.min(earliest, period);
    return checkpointAtOrBefore(previous, earliest);
  }

  /**
   * Per node, the first period in which anything its pass-2 step reads of its own differs from
   * `previous` (H when nothing does), or undefined when pass 2 must run whole (earliest availability
   * differs). Only what the re-plan computed again can differ: the plan rows (orders, requests on the
   * node, causes) of the nodes computed again, the patched rows of nodes and capacity groups (a
   * group's members), and the blocked lanes (the buyer).
   */
  differingPeriods(previous: Planner, replay: Replay): Int32Array | undefined {
    const f = this.flat;
    const a = previous.flat;
    const H = this.H;
    for (let n = 0; n < f.nodes; n++) {
      if (
        previous.earliest[n] !== this.earliest[n] ||
        previous.ready[n] !== this.ready[n] ||
        previous.earliestPurchase[n] !== this.earliestPurchase[n]
      )
        return undefined;
    }
    const firstOf = new Int32Array(f.nodes).fill(H);
    const differs = (x: number, y: number) => x !== y && !(Number.isNaN(x) && Number.isNaN(y));
    for (const n of this.recomputedNodes) {
      const base = n * H;
      let first = H;
      for (let t = 0; t < first; t++) {
        const made = this.productionAt[base + t]!;
        const was = previous.productionAt[base + t]!;
        const cause = this.causeAt[base + t]! - 1;
        const before = previous.plannedCauseAt?.at(n, t) ?? -1;
        if (
          made > 0 !== was > 0 ||
          (made > 0 && this.orderStartQuantity.a[made - 1] !== previous.orderStartQuantity.a[was - 1]) ||
          differs(this.gross[base + t]!, previous.gross[base + t]!) ||
          differs(f.endDemand[base + t]!, a.endDemand[base + t]!) ||
          differs(f.receipts[base + t]!, a.receipts[base + t]!) ||
          differs(f.capacity[capacityBase(f, n) + t]!, a.capacity[capacityBase(a, n) + t]!) ||
          cause < 0 !== before < 0 ||
          (cause >= 0 && !sameCause(this.causes[cause]!, previous.causes[before]!))
        ) {
          first = t;
          break;
        }
      }
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
        for (let t = 0; t < first; t++) {
          const bought = this.purchaseAt[arc * H + t]!;
          const was = previous.purchaseAt[arc * H + t]!;
          if (
            bought > 0 !== was > 0 ||
            (bought > 0 && this.orderStartQuantity.a[bought - 1] !== previous.orderStartQuantity.a[was - 1])
          ) {
            first = t;
            break;
          }
        }
      }
      firstOf[n] = first;
    }
    // Patched rows are of changed nodes, which were computed again; patched groups and blocked lanes.
    const groupFirst = new Int32Array(f.groupId.length).fill(H);
    for (let g = 0; g < f.groupId.length; g++) {
      if (replay.groupTainted[g] !== 1) continue;
      for (let t = 0; t < H; t++) {
        if (differs(f.groupCapacity[g * H + t]!, a.groupCapacity[g * H + t]!)) {
          groupFirst[g] = t;
          break;
        }
      }
    }
    const blocked = previous.blockedAt !== undefined || this.blockedAt !== undefined;
    for (let n = 0; n < f.nodes; n++) {
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++)
        firstOf[n] = Math.min(firstOf[n]!, groupFirst[f.nodeGroup[at]!]!);
      for (let arc = f.arcStart[n]!; blocked && arc < f.arcStart[n + 1]!; arc++) {
        for (let t = 0; t < firstOf[n]!; t++) {
          if ((previous.blockedAt?.[arc * H + t] ?? 0) !== (this.blockedAt?.[arc * H + t] ?? 0))
            firstOf[n] = t;
        }
      }
    }
    return firstOf;
  }

  /**
   * Starts pass 2 at period `from`, where `previous` kept a checkpoint and everything pass 2 read before
   * was the same: pass 2's state, the lists, the orders pass 2 made and the causes it recorded are
   * `previous`'s as they were then, and so are the executed quantities of the orders before `from`.
   */
  resume(previous: Planner, from: number): void {
    const at = previous.checkpoints.find((checkpoint) => checkpoint.period === from)!;
    const f = this.flat;
    const N = f.nodes;
    // Copied: views into the kept run's checkpoint arena would keep all of it alive with this run.
    this.checkpoints = previous.checkpoints
      .filter((checkpoint) => checkpoint.period <= from)
      .map((checkpoint) => copyCheckpoint(checkpoint, this.checkpointArena));
    const fields = this.nodeFields();
    for (let k = 0; k < fields.length; k++) at.nodeState[k]!.readInto(fields[k]!);
    this.pendingFrom.set(at.pendingFrom);
    at.pendingShip.readInto(this.pendingShip);
    this.pendingShipFrom.set(at.pendingShipFrom);
    addCells(this.incoming, at.arrivals);
    addCells(this.catchUpArrival, at.catchUpArrivals);
    for (const cell of at.catchUpArrivals.cells) this.catchesUp[cell % N] = 1;
    for (const [n, backlog] of at.backlogs) this.backlogOf[n] = copyBacklog(backlog);
    const taken = new Int32Array(previous.causes.length).fill(-1);
    for (let k = 0; k < at.causeWrites; k++) {
      // Each cause of `previous` written is taken over once (only its content reaches the plan).
      const cause = previous.causeWriteIndex.a[k]!;
      if (taken[cause] === -1) {
        taken[cause] = this.causes.length;
        this.causes.push(previous.causes[cause]!);
      }
      this.setCause(previous.causeWriteCell.a[k]!, taken[cause]!);
    }
    for (let k = 0; k < at.deliveries; k++) this.deliveries.push(previous.deliveries[k]!);
    for (let k = 0; k < at.shortages; k++) this.shortages.push(previous.shortages[k]!);
    for (let k = 0; k < at.safetyStockDraws; k++) this.safetyStockDraws.push(previous.safetyStockDraws[k]!);
    // The orders pass 2 made before `from`, after the requirement pass's.
    const made = previous.plannedOrders;
    this.orderArc.copy(previous.orderArc, made, at.orders);
    this.orderStart.copy(previous.orderStart, made, at.orders);
    this.orderStartQuantity.copy(previous.orderStartQuantity, made, at.orders);
    this.orderFinalQuantity.copy(previous.orderFinalQuantity, made, at.orders);
    this.orderFinalStart.copy(previous.orderFinalStart, made, at.orders);
    // What the orders before `from` executed: replayed nodes' orders are ranges of `previous`'s
    // (`copyOrders`), the nodes computed again made theirs afresh, the same orders in the same slots.
    // (In a dirty-set pass a replayed node's are read in `previous`, or copied when it joins the set:
    // `finalsFrom`.)
    const start = this.orderStart.a;
    for (let k = 0; this.finalsFrom === undefined && k < this.copied.length; k += 3) {
      const source = this.copied.a[k]!;
      const target = this.copied.a[k + 1]!;
      const count = this.copied.a[k + 2]!;
      for (let i = 0; i < count; i++) {
        if (start[target + i]! < from) this.copyFinal(previous, source + i, target + i);
      }
    }
    this.copyRecomputedFinals(previous, from);
  }

  /** What the orders of the nodes computed again that start before `to` executed in `previous`, by slot. */
  copyRecomputedFinals(previous: Planner, to: number): void {
    for (const n of this.recomputedNodes) this.copyFinalsOf(previous, n, 0, to);
  }

  /**
   * What node `n`'s orders of periods `from` … `to` − 1 (production, and purchases on its arcs)
   * executed in `previous`, by slot.
   */
  copyFinalsOf(previous: Planner, n: number, from: number, to: number): void {
    const f = this.flat;
    const H = this.H;
    for (let t = from; t < to; t++) {
      const order = this.productionAt[n * H + t]!;
      if (order > 0) this.copyFinal(previous, previous.productionAt[n * H + t]! - 1, order - 1);
    }
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
      for (let t = from; t < to; t++) {
        const order = this.purchaseAt[arc * H + t]!;
        if (order > 0) this.copyFinal(previous, previous.purchaseAt[arc * H + t]! - 1, order - 1);
      }
    }
  }

  copyFinal(previous: Planner, from: number, to: number): void {
    this.orderFinalStart.a[to] = previous.orderFinalStart.a[from]!;
    this.orderFinalQuantity.a[to] = previous.orderFinalQuantity.a[from]!;
  }

  // ---- re-planning: pass 2 for the dirty set only ----

  /** Whether this re-plan can run pass 2 for the dirty set only (`executeDirty`). */
  dirtySetPossible(previous: Planner): boolean {
    return (
      dirtyExecution &&
      this.checkpointing &&
      previous.dirtyLog !== undefined &&
      previous.planIndex !== undefined &&
      this.patch !== undefined &&
      this.flat.cyclic === 0
    );
  }

  /**
   * Pass 2 for the nodes whose inputs differ from `previous` (`firstOf`, per node the first period, H
   * for none) and the nodes that join them, from the checkpoint before the earliest; every other node's
   * part is `previous`'s (docs/planning.md, "The dirty set"). The set is closed over capacity groups;
   * a node outside it does what it did in `previous` as long as what it reads and what is done to it
   * are `previous`'s: what the set reads of the clean suppliers and components at its edge (their stock
   * and ratio after their own step, their causes) is `previous`'s, less what the clean customers before
   * took in `previous`. When a node of the set writes something else to such a supplier in period t
   * (takes, waits for, or asks it for a cause `previous` did not have), the supplier joins the set; when
   * a node of the set leaves its customers outside another stock, ratio or cause to read
   * (`checkExposed`, `checkWaiting`, `sameCauseFound`), they join; and period t runs again (`runDirty`,
   * `bringIn`): the pass does not start again from a checkpoint. At each kept checkpoint the nodes in
   * `previous`'s state there leave the set (`cutOff`, docs/planning.md "The dirty-set pass at stop 19").
   */
  executeDirty(previous: Planner, firstOf: Int32Array): void {
    const began = planningClock?.();
    // (The causes of nodes whose orders are deferred are not in their rows: the kept run's, shifted.)
    this.keepPlannedCauses();
    this.plannedOrders = this.orderArc.length;
    this.plannedCauses = this.causes.length;
    const f = this.flat;
    const H = this.H;
    const set = new Uint8Array(f.nodes);
    let earliest = H;
    for (let n = 0; n < f.nodes; n++) {
      if (firstOf[n]! >= H) continue;
      set[n] = 1;
      earliest = Math.min(earliest, firstOf[n]!);
    }
    // The executed quantities of the nodes that never join the set are the kept run's, read there.
    this.finalsFrom = previous;
    this.listsFrom = previous;
    this.finalsOwn = new Uint8Array(f.nodes);
    for (const n of this.recomputedNodes) this.finalsOwn[n] = 1;
    // Unzeroed (some 800 MB at 60,000 companies): the pass reads a node's cells only from where it
    // joins the set, and `transposeNode` writes them all there (docs/planning.md, stop 20).
    this.allocateTransposed(false);
    const members: number[] = [];
    for (let n = 0; n < f.nodes; n++) if (set[n] === 1) members.push(n);
    const from = checkpointAtOrBefore(previous, earliest);
    // A dirty-set pass whose set is too large a share of the network, or whose periods would run too
    // large a share of a whole pass 2's node steps, gives up for pass 2 over every node.
    // (`useDirtyExecution`'s number stands for both shares; false: never.)
    const share = (usual: number) =>
      dirtyGivesUp === true ? usual : dirtyGivesUp === false ? Infinity : dirtyGivesUp;
    const run: DirtyRun = {
      previous,
      kept: keptPassTwo(previous),
      graph: dirtyGraphOf(f),
      set,
      groups: new Uint8Array(f.groupId.length),
      members,
      causeIndex: new Int32Array(previous.causes.length).fill(-1),
      taken: [],
      asks: Array.from({ length: H }, () => []),
      // (`resume` wrote the kept writes before `from` into every row.)
      applied: new Int32Array(f.nodes).fill(
        from > 0 ? previous.checkpoints.find((checkpoint) => checkpoint.period === from)!.causeWrites : 0,
      ),
      budget: share(DIRTY_STEP_SHARE) * f.nodes * (H - from),
      walkBudget: share(DIRTY_WALK_SHARE) * f.nodes * (H - from),
      deadline:
        dirtyGivesUp === true && began !== undefined && previous.passTwoPeriodMs !== undefined
          ? began + DIRTY_TIME_SHARE * previous.passTwoPeriodMs * (H - from)
          : Infinity,
      firstOf,
      ever: 0,
      everIn: new Uint8Array(f.nodes),
      main: walkFlags(f.nodes),
      alone: walkFlags(f.nodes),
      asked: new Uint8Array(f.nodes),
    };
    closeOverGroups(f, run.graph, set, run.groups, members, 0);
    run.everIn.set(set);
    // Each node of the set runs from the kept checkpoint before the first period in which anything
    // below it or in its capacity groups differs (`coneStarts`): until then it does what it did in the
    // kept run. The nodes that start later wait outside the set (`scheduled`).
    const startOf = coneStarts(f, run, firstOf);
    // (The earliest is `from`: the node that differs first starts at the checkpoint before it.)
    let steps = 0;
    for (const n of members) steps += H - startOf[n]!;
    const tooLarge = dirtyGivesUp === true && members.length > DIRTY_FIRST_SET_SHARE * f.nodes;
    if (tooLarge || steps > run.budget) {
      this.passTwoWhole(previous, from);
      this.dirtyNodes = members.length;
      return;
    }
    // Their orders, read from here on (`materialize`).
    for (const n of members) this.materialize(n, n + 1);
    const scheduled = members.filter((n) => startOf[n]! > from).sort((a, b) => startOf[a]! - startOf[b]!);
    for (const n of scheduled) {
      set[n] = 0;
      for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) run.groups[f.nodeGroup[at]!] = 0;
    }
    const all = members.length;
    members.length = 0;
    for (let n = 0; n < f.nodes; n++) if (set[n] === 1) members.push(n);
    const pass = this.dirtyPassOver(run, set, members);
    for (const n of members) this.transposeNode(n, from);
    // Resuming writes the kept run's pass-2 causes before `from` into every row: the requirement pass's
    // must be there first.
    if (from > 0) this.materializeCauses();
    if (from > 0) this.resume(previous, from);
    this.resumedAt = from;
    this.takeOverFinals(previous, members, from, run.everIn);
    this.dirtyStarts.push(from);
    this.dirtySets.push(members.length);
    this.dirtyRounds = 1;
    this.dirtyPass = pass;
    const done = this.runDirty(run, pass, from, scheduled, startOf);
    this.dirtyPass = undefined;
    this.replaying = false;
    this.undo = undefined;
    if (!done) this.passTwoWhole(previous, from);
    this.dirtyNodes = all + run.ever;
    this.dropTransposed();
  }

  /**
   * Gives up a dirty-set pass: pass 2 as the requirement pass left it, then over every node from
   * `from` (the dirty-set pass's start, a checkpoint of `previous` or 0), as `execute` runs it.
   */
  passTwoWhole(previous: Planner, from: number): void {
    // Every order executes anew (or as in `previous` before `from`, `resume`): this run holds them all.
    this.finalsFrom = undefined;
    this.finalsOwn = undefined;
    const all: number[] = [];
    for (let n = 0; n < this.flat.nodes; n++) all.push(n);
    this.resetExecution(all, from);
    // The copies were taken unzeroed (`executeDirty`): `transpose` writes orders only where they are.
    for (const copy of [this.madeT, this.plannedStartT, this.boughtT, this.plannedShipT]) copy.fill(0);
    // The executed quantities are written again: orders before `from` by `resume`, the rest by pass 2.
    this.orderFinalStart.a.fill(0, 0, this.plannedOrders);
    this.orderFinalQuantity.a.fill(0, 0, this.plannedOrders);
    this.transpose(from);
    this.resumedAt = from;
    this.dirtyFallback = true;
    this.runPassTwo(from > 0 ? previous : undefined, from);
  }

  /**
   * What the set's nodes had at the start of period `t` (`runDirty`), into `start`: their own state,
   * the lengths of the lists, orders, causes and asks, and where the pass was in the kept lists. From
   * here on, what their steps write into arrivals and causes by cell is logged (`undo`).
   */
  capturePeriod(
    start: PeriodStart,
    members: readonly number[],
    t: number,
    lists: KeptLists,
    draw: number,
  ): void {
    const f = this.flat;
    const fields = this.nodeFields();
    const width = fields.length;
    if (start.state.length < members.length * width) {
      start.state = new Float64Array(members.length * width * 2);
      start.pendingFrom = new Int32Array(members.length * 2);
    }
    const { state, pendingFrom } = start;
    start.pendingShip.length = 0;
    start.pendingShipFrom.length = 0;
    start.backlogs.clear();
    for (let k = 0; k < members.length; k++) {
      const n = members[k]!;
      for (let field = 0; field < width; field++) state[k * width + field] = fields[field]![n]!;
      pendingFrom[k] = this.pendingFrom[n]!;
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
        start.pendingShip.push(this.pendingShip[arc]!);
        start.pendingShipFrom.push(this.pendingShipFrom[arc]!);
      }
      const backlog = this.backlogOf[n];
      if (backlog !== undefined) start.backlogs.set(n, copyBacklog(backlog));
    }
    start.period = t;
    start.members = members.length;
    start.deliveries = this.deliveries.length;
    start.shortages = this.shortages.length;
    start.safetyStockDraws = this.safetyStockDraws.length;
    start.stretches[0] = this.deliveryStretches.shared;
    start.stretches[1] = this.shortageStretches.shared;
    start.stretches[2] = this.drawStretches.shared;
    start.orders = this.orderArc.length;
    start.sharedOrders = this.orderStretches.shared;
    start.causes = this.causes.length;
    start.causeWrites = this.causeWriteCell.length;
    start.taken = this.dirtyPass?.taken.length ?? 0;
    start.lists = { ...lists };
    start.draw = draw;
    start.undo.cell.length = 0;
    start.undo.value.length = 0;
    start.undo.kind.length = 0;
    this.undo = start.undo;
  }

  /**
   * Period `start.period` as it was before the set's nodes ran it (`capturePeriod`): their state, the
   * cells they wrote, the lists, orders and causes, and their orders' executed quantities in it.
   */
  rollBack(start: PeriodStart, members: readonly number[], run: DirtyRun): void {
    const f = this.flat;
    const H = this.H;
    const t = start.period;
    const { undo } = start;
    for (let k = undo.cell.length - 1; k >= 0; k--) {
      const target = undo.kind[k] === 0 ? this.incoming : this.catchUpArrival;
      if (undo.kind[k] === 2) this.causeAt[undo.cell[k]!] = undo.value[k]!;
      else target[undo.cell[k]!] = undo.value[k]!;
    }
    this.undo = undefined;
    const fields = this.nodeFields();
    const width = fields.length;
    let at = 0;
    for (let k = 0; k < start.members; k++) {
      const n = members[k]!;
      for (let field = 0; field < width; field++) fields[field]![n] = start.state[k * width + field]!;
      this.pendingFrom[n] = start.pendingFrom[k]!;
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
        this.pendingShip[arc] = start.pendingShip[at]!;
        this.pendingShipFrom[arc] = start.pendingShipFrom[at++]!;
      }
      const backlog = start.backlogs.get(n);
      this.backlogOf[n] = backlog === undefined ? undefined : copyBacklog(backlog);
      // Its orders of period t execute anew (what did not start executed 0).
      const made = this.productionAt[n * H + t]! - 1;
      if (made >= 0) this.orderFinalStart.a[made] = this.orderFinalQuantity.a[made] = 0;
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
        const bought = this.purchaseAt[arc * H + t]! - 1;
        if (bought >= 0) this.orderFinalStart.a[bought] = this.orderFinalQuantity.a[bought] = 0;
      }
    }
    // Only the set's nodes ran: its groups' use in t.
    for (let g = 0; g < f.groupId.length; g++) if (run.groups[g] === 1) this.groupDone[g * H + t] = 0;
    this.dropOrdersFrom(start.orders, start.sharedOrders);
    this.deliveries.length = start.deliveries;
    this.shortages.length = start.shortages;
    this.safetyStockDraws.length = start.safetyStockDraws;
    this.deliveryStretches.dropTo(start.stretches[0]!);
    this.shortageStretches.dropTo(start.stretches[1]!);
    this.drawStretches.dropTo(start.stretches[2]!);
    this.causes.length = start.causes;
    for (let k = start.taken; k < run.taken.length; k++) run.causeIndex[run.taken[k]!] = -1;
    run.taken.length = start.taken;
    this.causeWriteCell.length = start.causeWrites;
    this.causeWriteIndex.length = start.causeWrites;
    run.asks[t]!.length = start.asks;
  }

  /**
   * Nodes that join the set in period `t` (`newcomers`: clean until then, so their state at the start
   * of `t` is `previous`'s): their state at the kept checkpoint before `t`, run forward alone to `t`
   * with what the rest did to them then (`previous`'s takes and waits of their customers outside them,
   * which were the same in this run, and the causes those customers asked of them in this run). Their
   * lists, orders and executed quantities before `t` are `previous`'s already; those runs add none.
   * False when they did not run as in `previous` (a cause it did not have was asked): the pass gives up.
   */
  bringIn(run: DirtyRun, newcomers: readonly number[], t: number): boolean {
    const { previous } = run;
    const f = this.flat;
    const N = f.nodes;
    const H = this.H;
    const c = checkpointAtOrBefore(previous, t);
    const kept = c > 0 ? previous.checkpoints.find((checkpoint) => checkpoint.period === c) : undefined;
    const mark = new Uint8Array(N);
    const fields = this.nodeFields();
    for (const n of newcomers) {
      mark[n] = 1;
      if (run.everIn[n] === 1) continue;
      run.everIn[n] = 1;
      run.ever++;
      this.ownFinalsOf(previous, n);
    }
    // Their causes as pass 2 had written them by `c` (`keptWritesUpTo`).
    this.keptWritesUpTo(run, kept === undefined ? 0 : kept.causeWrites, newcomers);
    for (const n of newcomers) {
      if (kept !== undefined) {
        for (let k = 0; k < fields.length; k++) fields[k]![n] = kept.nodeState[k]!.get(n);
      } else {
        const initial = this.startingFields(n);
        for (let k = 0; k < fields.length; k++) fields[k]![n] = initial[k]!;
      }
      this.pendingFrom[n] = kept === undefined ? -1 : kept.pendingFrom[n]!;
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
        this.pendingShip[arc] = kept === undefined ? 0 : kept.pendingShip.get(arc);
        this.pendingShipFrom[arc] = kept === undefined ? -1 : kept.pendingShipFrom[arc]!;
      }
      const backlog = kept?.backlogs.get(n);
      this.backlogOf[n] = backlog === undefined ? undefined : copyBacklog(backlog);
      this.transposeNode(n, c);
      // Its orders from `t` on execute anew; before, they executed as in `previous` (`takeOverFinals`).
      for (let p = t; p < H; p++) {
        const made = this.productionAt[n * H + p]! - 1;
        if (made >= 0) this.orderFinalStart.a[made] = this.orderFinalQuantity.a[made] = 0;
      }
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
        for (let p = t; p < H; p++) {
          const bought = this.purchaseAt[arc * H + p]! - 1;
          if (bought >= 0) this.orderFinalStart.a[bought] = this.orderFinalQuantity.a[bought] = 0;
        }
      }
    }
    if (kept !== undefined) {
      // The arrivals still to come at `c`, of each node in turn (`arrivalsOf`).
      const add = (target: Float64Array, sparse: SparseCells, byNode: boolean) => {
        for (const n of newcomers) {
          const entries = arrivalsOf(sparse, N, n, byNode);
          for (const k of entries) target[sparse.cells[k]!]! += sparse.values[k]!;
          if (byNode && entries.length > 0) this.catchesUp[n] = 1;
        }
      };
      add(this.incoming, kept.arrivals, false);
      add(this.catchUpArrival, kept.catchUpArrivals, true);
    }
    if (c === t) return true;
    this.dirtyBroughtIn += newcomers.length;
    this.dirtyReplayed += newcomers.length * (t - c);
    const alone = this.dirtyPassOver(run, mark, newcomers, true);
    const main = this.dirtyPass;
    this.dirtyPass = alone;
    this.replaying = true;
    const log = alone.log;
    // The set's nodes at their edge (suppliers and components of theirs) are the kept run's for these
    // periods, which lie before the set's period `t`: their own state at `t` is put back after.
    const held: number[] = [];
    for (const n of alone.visit) {
      if (alone.boundary[n] === 1 && run.set[n] === 1)
        held.push(n, this.onHand[n]!, this.ratio[n]!, this.owed[n]!);
    }
    for (let p = c; p < t; p++) {
      this.dirtyWork += newcomers.length;
      this.dirtyWalked += alone.visit.length;
      for (let k = 0; k < alone.visit.length; k++) {
        const n = alone.visit[k]!;
        if (mark[n] === 1) {
          this.step(n, p, undefined);
          continue;
        }
        if (alone.boundary[n] === 1) {
          this.onHand[n] = log.stock.get(nodePosition(f, n, p));
          this.ratio[n] = log.ratio.get(nodePosition(f, n, p));
        }
        if (alone.feeds[n] === 1) this.feedKept(alone, n, p);
      }
      // The causes the set's nodes asked of them in p, while they were at its edge.
      for (const n of run.asks[p]!) if (mark[n] === 1) this.findCause(n, p, -1);
    }
    for (let k = 0; k < held.length; k += 4) {
      const n = held[k]!;
      this.onHand[n] = held[k + 1]!;
      this.ratio[n] = held[k + 2]!;
      this.owed[n] = held[k + 3]!;
    }
    // Their causes of periods c … t − 1 are final and the kept run's: what customers outside the set
    // asked of them then made them too.
    for (const n of newcomers) {
      for (let cell = n * H + c; cell < n * H + t; cell++) {
        const cause = run.kept.causeAt[cell]!;
        this.causeAt[cell] = cause === 0 ? 0 : this.keptCauseIndex(run, cause - 1) + 1;
      }
    }
    this.replaying = false;
    this.dirtyPass = main;
    return alone.joined.length === 0;
  }

  /**
   * The kept run's pass-2 cause writes up to `count` into the rows of `nodes` (outside the set, about
   * to join), from where each row held them (`DirtyRun.applied`), node by node in the order they were
   * written: each row is then the kept run's as it stood when it made the `count`th write, by content.
   * Only the rows of nodes that join are written (where every row outside the set was, in one walk of
   * the kept writes in all; rows of nodes that never join are never read).
   */
  keptWritesUpTo(run: DirtyRun, count: number, nodes: readonly number[]): void {
    const { previous, applied } = run;
    const cells = previous.causeWriteCell.a;
    const causes = previous.causeWriteIndex.a;
    const writes: number[] = [];
    for (const n of nodes) {
      keptWritesOf(previous.dirtyLog!, n, applied[n]!, count, writes);
      for (const k of writes) this.causeAt[cells[k]!] = this.keptCauseIndex(run, causes[k]!) + 1;
      applied[n] = Math.max(applied[n]!, count);
    }
  }

  /** This run's index of `previous`'s cause `cause`, taken over when first needed. */
  keptCauseIndex(run: Pick<DirtyRun, 'previous' | 'causeIndex' | 'taken'>, cause: number): number {
    if (run.causeIndex[cause] === -1) {
      run.causeIndex[cause] = this.causes.length;
      run.taken.push(cause);
      this.causes.push(run.previous.causes[cause]!);
    }
    return run.causeIndex[cause]!;
  }

  /**
   * The nodes a period of the dirty-set pass over `set` (`members`) walks, in execution order: the set,
   * its edge (clean suppliers and components of it) and the nodes outside it that take from either.
   */
  dirtyPassOver(run: DirtyRun, set: Uint8Array, members: readonly number[], alone = false): DirtyPass {
    const { previous, graph, kept } = run;
    const f = this.flat;
    // The flags of the last walk of the same kind, cleared through the nodes it visited (each walk
    // built some 60 times at 60,000 companies, two arrays of every node each).
    const flags = alone ? run.alone : run.main;
    const { boundary, feeds } = flags;
    for (const n of flags.visit) boundary[n] = feeds[n] = 0;
    const visit: number[] = [...members];
    for (const n of members) {
      for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
        const child = f.bomNode[at]!;
        if (set[child] === 1 || boundary[child] === 1) continue;
        boundary[child] = 1;
        visit.push(child);
      }
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
        const supplier = f.arcSupplier[arc]!;
        if (set[supplier] === 1 || boundary[supplier] === 1) continue;
        boundary[supplier] = 1;
        visit.push(supplier);
      }
    }
    const edge = visit.length;
    // Customers of the edge outside the set, and of the set's nodes (the set is closed over groups, not
    // upwards: a customer joins when it would read or take something else, `checkExposed`).
    const feed = (b: number) => {
      for (let at = graph.customerStart[b]!; at < graph.customerStart[b + 1]!; at++) {
        const customer = graph.customer[at]!;
        if (set[customer] === 1 || feeds[customer] === 1) continue;
        feeds[customer] = 1;
        if (boundary[customer] !== 1) visit.push(customer);
      }
    };
    for (let k = members.length; k < edge; k++) feed(visit[k]!);
    const watched: number[] = [];
    for (const n of members) {
      for (let at = graph.customerStart[n]!; at < graph.customerStart[n + 1]!; at++) {
        if (set[graph.customer[at]!] === 1) continue;
        watched.push(n);
        break;
      }
      feed(n);
    }
    // The nodes a period walks, in execution order: their ranks sorted as numbers, then the node of each.
    const { rank, byRank } = kept;
    const order = Int32Array.from(visit, (n) => rank[n]!).sort();
    for (let k = 0; k < order.length; k++) order[k] = byRank[order[k]!]!;
    flags.visit = order;
    this.dirtyWalked += order.length;
    const safetyInSet = Int32Array.from(members.filter((n) => f.safetyStock[n]! > 0));
    safetyInSet.sort((a, b) => kept.safetyRank[a]! - kept.safetyRank[b]!);
    return {
      previous,
      log: previous.dirtyLog!,
      kept,
      set,
      members,
      boundary,
      feeds,
      causeIndex: run.causeIndex,
      taken: run.taken,
      asks: run.asks,
      joined: [],
      visit: order,
      rank,
      safetyRank: kept.safetyRank,
      safetyInSet,
      graph,
      watched: Int32Array.from(watched),
    };
  }

  /**
   * Periods `from` … H − 1 with the set's nodes run and everyone else's part taken over from the kept
   * run, in execution order. Only the nodes of the set, its edge and the clean nodes that take from the
   * edge are walked; the kept run's list entries of the clean nodes in between are taken over by rank
   * in execution order. When nodes at the edge had to join the set in period t (`pass.joined`), t is
   * rolled back (`rollBack`), they and the other members of their groups are brought in (`bringIn`)
   * and t runs again; at each kept checkpoint the nodes in the kept run's state leave (`cutOff`). False
   * when the pass gives up (its node steps would pass the budget).
   */
  runDirty(
    run: DirtyRun,
    first: DirtyPass,
    from: number,
    scheduled: readonly number[],
    startOf: Int32Array,
  ): boolean {
    const { previous, set, members } = run;
    const f = this.flat;
    const N = f.nodes;
    const H = this.H;
    let pass = first;
    const checkpoint = previous.checkpoints.find((kept) => kept.period === from);
    const lists: KeptLists = {
      delivery: checkpoint?.deliveries ?? 0,
      shortage: checkpoint?.shortages ?? 0,
      made: previous.plannedOrders + (checkpoint?.orders ?? 0),
      deliveryEnd: 0,
      shortageEnd: 0,
    };
    let draw = checkpoint?.safetyStockDraws ?? 0;
    const draws = previous.safetyStockDraws;
    const safetyRank = pass.safetyRank;
    const start: PeriodStart = {
      period: from,
      members: 0,
      state: new Float64Array(0),
      pendingFrom: new Int32Array(0),
      pendingShip: [],
      pendingShipFrom: [],
      backlogs: new Map(),
      deliveries: 0,
      shortages: 0,
      safetyStockDraws: 0,
      stretches: new Int32Array(3),
      orders: 0,
      sharedOrders: 0,
      causes: 0,
      causeWrites: 0,
      taken: 0,
      asks: 0,
      lists: { ...lists },
      draw,
      undo: new CellUndo(),
    };
    if (this.givesUp(run, pass, from)) return false;
    // The walk of every node once, and each period's steps of the set.
    this.dirtyWork += N;
    let next = 0;
    let cut = from;
    for (let t = from; t < H; t++) {
      if (this.timeIsUp(run)) return false;
      // At a kept checkpoint (once: not when the period runs again), the nodes in the kept run's state
      // there leave the set.
      if (t > cut) {
        cut = t;
        if (this.cutOff(run, t)) {
          pass = this.dirtyPassOver(run, set, members);
          this.dirtyPass = pass;
        }
      }
      if (next < scheduled.length && startOf[scheduled[next]!] === t) {
        // The nodes that start here (a kept checkpoint), with their state there.
        const fresh = members.length;
        for (; next < scheduled.length && startOf[scheduled[next]!] === t; next++) {
          const n = scheduled[next]!;
          if (set[n] === 1) continue;
          set[n] = 1;
          members.push(n);
        }
        closeOverGroups(f, run.graph, set, run.groups, members, fresh);
        if (this.dirtyWork + members.length * (H - t) > run.budget) return false;
        if (!this.bringIn(run, members.slice(fresh), t)) return false;
        pass = this.dirtyPassOver(run, set, members);
        this.dirtyPass = pass;
        if (this.givesUp(run, pass, t)) return false;
      }
      // The kept entries of period t (the lists are in period order): found once, not read entry by entry.
      lists.deliveryEnd = periodEnd(previous.deliveries, lists.delivery, t);
      lists.shortageEnd = periodEnd(previous.shortages, lists.shortage, t);
      const drawEnd = periodEnd(draws, draw, t);
      this.capturePeriod(start, members, t, lists, draw);
      start.asks = run.asks[t]!.length;
      this.dirtyWork += members.length;
      const { log, visit } = pass;
      this.dirtyWalked += visit.length;
      for (let k = 0; k < visit.length; k++) {
        const n = visit[k]!;
        if (set[n] === 1) {
          // The clean nodes' entries before it, then its own made anew (the kept ones skipped).
          this.takeOverEntries(pass, lists, t, pass.rank[n]!);
          this.step(n, t, undefined);
          this.skipEntries(pass, lists, t, n);
          continue;
        }
        if (pass.boundary[n] === 1) {
          this.onHand[n] = log.stock.get(nodePosition(f, n, t));
          this.ratio[n] = log.ratio.get(nodePosition(f, n, t));
        }
        if (pass.feeds[n] === 1) this.feedKept(pass, n, t);
      }
      this.takeOverEntries(pass, lists, t, N);
      // Safety-stock draws, in the order of the nodes with a target: the set's noted anew. The kept
      // ones before each node of the set with a target (some 18,000 a period at 60,000 companies, each
      // period run again as nodes join) are found by binary search on rank and noted as a stretch: a
      // patched network has the kept run's targets, so only the nodes in `safetyInSet` drew in the set.
      const drawNode = log.drawNode.a;
      for (const n of pass.safetyInSet) {
        const end = firstOfRank(drawNode, safetyRank, draw, drawEnd, safetyRank[n]!);
        this.drawStretches.take(this.safetyStockDraws.length, draw, end - draw);
        draw = end;
        this.noteSafetyStockDraw(n, t);
        while (draw < drawEnd && drawNode[draw] === n) draw++;
      }
      this.drawStretches.take(this.safetyStockDraws.length, draw, drawEnd - draw);
      draw = drawEnd;
      // A node of the set whose cause in t is not the kept run's: its customers outside asked for it.
      for (const n of pass.watched) if (!this.sameCauseFound(pass, n, t)) this.joinCustomers(pass, n);
      this.checkAsked(run, pass, t);
      if (pass.joined.length === 0) continue;
      // Nodes at the edge join: period t as it was before it ran, they and their cone brought in with
      // their state at its start, and t again with the larger set.
      this.rollBack(start, members, run);
      Object.assign(lists, start.lists);
      draw = start.draw;
      const fresh = members.length;
      for (const n of pass.joined) {
        if (set[n] === 1) continue;
        set[n] = 1;
        members.push(n);
      }
      closeOverGroups(f, run.graph, set, run.groups, members, fresh);
      if (this.dirtyWork + members.length * (H - t) > run.budget) return false;
      if (!this.bringIn(run, members.slice(fresh), t)) return false;
      pass = this.dirtyPassOver(run, set, members);
      this.dirtyPass = pass;
      if (this.givesUp(run, pass, t)) return false;
      this.dirtyStarts.push(t);
      this.dirtySets.push(members.length);
      this.dirtyRounds++;
      t--;
    }
    return true;
  }

  /**
   * Whether walking `pass` from period `t` on would take the pass's walks past its budget
   * (`DIRTY_WALK_SHARE`), or its time is up (`DIRTY_TIME_SHARE`).
   */
  givesUp(run: DirtyRun, pass: DirtyPass, t: number): boolean {
    return this.dirtyWalked + pass.visit.length * (this.H - t) > run.walkBudget || this.timeIsUp(run);
  }

  timeIsUp(run: DirtyRun): boolean {
    return planningClock !== undefined && planningClock() > run.deadline;
  }

  /**
   * After period `t` of a dirty-set pass: a material cause the kept run's `findCause` made in `t` at a
   * node outside the set (its row held none at or before `t` then) when a node that is in the set now
   * asked for it is in this run's row only if the set asked that node in `t` again (`keptCause` notes
   * each ask, `DirtyRun.asks`). When it did not, the node joins: its row is made anew from `t` on, and
   * its customers outside the set that read it in `t` join too (`sameCauseFound`). A cause made for
   * a clean node's ask stays: that node asked again (docs/planning.md, "Causes the kept run made for
   * a node of the set").
   */
  checkAsked(run: DirtyRun, pass: DirtyPass, t: number): void {
    const { askedCell, askedBy, askedStart } = pass.log;
    const end = askedStart[t + 1]!;
    if (askedStart[t] === end) return;
    const { set, asked } = run;
    const asks = run.asks[t]!;
    for (const n of asks) asked[n] = 1;
    for (let k = askedStart[t]!; k < end; k++) {
      const asker = askedBy.a[k]!;
      if (asker < 0 || set[asker] !== 1) continue;
      const n = Math.floor(askedCell.a[k]! / this.H);
      if (set[n] !== 1 && asked[n] !== 1) pass.joined.push(n);
    }
    for (const n of asks) asked[n] = 0;
  }

  /**
   * At kept checkpoint `c` (before period `c` runs): the nodes of the set whose state is the kept run's
   * there leave it (early cut-off). Only nodes whose own inputs never differ (`firstOf` H) and that are
   * in no capacity group may leave; their state is compared whole with the checkpoint (node fields, what
   * waits on each arc, backlog, arrivals still to come, of catching up too, and their row of causes by
   * content with the kept run's as it stood at `c`). From `c` on they do what they did in the kept run,
   * as long as what they read and what is done to them is the kept run's (`checkExposed`,
   * `checkWaiting`, `sameCauseFound` make them join again otherwise, `bringIn`); their orders from `c`
   * on execute as in the kept run. True when any left.
   */
  cutOff(run: DirtyRun, c: number): boolean {
    const { previous, set, members, firstOf } = run;
    const kept = previous.checkpoints.find((checkpoint) => checkpoint.period === c);
    // (The rows of causes are compared with the kept run's requirement pass's, kept when it is replayable.)
    const planned = previous.plannedCauseAt;
    if (kept === undefined || planned === undefined) return false;
    const f = this.flat;
    const N = f.nodes;
    const H = this.H;
    const leaves = new Uint8Array(N);
    let count = 0;
    for (const n of members) {
      if (firstOf[n]! < H || f.groupStart[n] !== f.groupStart[n + 1]) continue;
      if (!this.keptStateAt(kept, n)) continue;
      leaves[n] = 1;
      count++;
    }
    if (count === 0) return false;
    // Their rows of causes: the requirement pass's, then the kept run's pass-2 writes before `c`
    // (theirs only, `keptWritesOf`).
    const cells = previous.causeWriteCell.a;
    const causes = previous.causeWriteIndex.a;
    const row = new Int32Array(H);
    const writes: number[] = [];
    for (const n of members) {
      if (leaves[n] !== 1) continue;
      for (let p = 0; p < H; p++) row[p] = planned.at(n, p);
      keptWritesOf(previous.dirtyLog!, n, 0, kept.causeWrites, writes);
      for (const k of writes) row[cells[k]! - n * H] = causes[k]!;
      for (let p = 0; p < H; p++) {
        if (this.sameCauseAs(run.causeIndex, previous, this.causeAt[n * H + p]! - 1, row[p]!)) continue;
        leaves[n] = 0;
        count--;
        break;
      }
    }
    if (count === 0) return false;
    let at = 0;
    for (const n of members) {
      if (leaves[n] !== 1) {
        members[at++] = n;
        continue;
      }
      set[n] = 0;
      // Its row is the kept run's as it stood at `c` (by content): the kept writes after, when it joins again.
      run.applied[n] = kept.causeWrites;
      // Its orders from `c` on execute as in the kept run (its slots are the kept run's: it was not computed again).
      this.copyFinalsOf(previous, n, c, H);
    }
    members.length = at;
    this.dirtyCut += count;
    return true;
  }

  /** Whether node `n`'s state is `kept`'s (a checkpoint of the kept run) to the bit (`cutOff`). */
  keptStateAt(kept: Checkpoint, n: number): boolean {
    const f = this.flat;
    const N = f.nodes;
    const H = this.H;
    const fields = this.nodeFields();
    for (let k = 0; k < fields.length; k++) if (fields[k]![n] !== kept.nodeState[k]!.get(n)) return false;
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++)
      if (this.pendingShip[arc] !== kept.pendingShip.get(arc)) return false;
    if (!sameBacklog(this.backlogOf[n], kept.backlogs.get(n))) return false;
    // Its arrivals from `c` on: the checkpoint's cells of it, and no others.
    const same = (target: Float64Array, sparse: SparseCells, byNode: boolean): boolean => {
      let cells = 0;
      for (const k of arrivalsOf(sparse, N, n, byNode)) {
        if (target[sparse.cells[k]!] !== sparse.values[k]) return false;
        cells++;
      }
      for (let cell = kept.period * N + n; cell < H * N; cell += N) if (target[cell] !== 0) cells--;
      return cells === 0;
    };
    return same(this.incoming, kept.arrivals, false) && same(this.catchUpArrival, kept.catchUpArrivals, true);
  }

  /**
   * The kept run's deliveries, shortages and pass-2 orders of period `t` of the nodes before rank
   * `before` in execution order: a clean node's are taken over, a node's of the set skipped (made anew).
   */
  takeOverEntries(pass: DirtyPass, lists: KeptLists, t: number, before: number): void {
    const { previous, log, rank } = pass;
    // Each list is in execution order within the period, a node's entries together: those of the nodes
    // of the set before `before` were skipped after their steps (`skipEntries`), so what comes before
    // the first entry of rank `before` or later (found by binary search) is clean nodes' entries.
    // They are noted as stretches of the kept run's lists (`Stretches`), not copied.
    const deliveryEnd = firstOfRank(log.deliveryNode.a, rank, lists.delivery, lists.deliveryEnd, before);
    this.deliveryStretches.take(this.deliveries.length, lists.delivery, deliveryEnd - lists.delivery);
    lists.delivery = deliveryEnd;
    const shortageEnd = firstOfRank(log.shortageNode.a, rank, lists.shortage, lists.shortageEnd, before);
    this.shortageStretches.take(this.shortages.length, lists.shortage, shortageEnd - lists.shortage);
    lists.shortage = shortageEnd;
    // Pass-2 orders: a run of clean nodes' is appended column by column (`takeOverOrders`).
    const first = lists.made;
    const arcOf = previous.orderArc.a;
    const buyer = previous.arcBuyer;
    const end = pass.kept.periodStart[t + 1]!;
    lists.made = firstNotBefore(first, end, (at) => rank[orderNode(arcOf[at]!, buyer)]! < before);
    this.takeOverOrders(first, lists.made - first);
  }

  /**
   * Takes the kept run's orders `from` … `from + count − 1` into the plan as they are (pass-2 orders of
   * clean nodes, with what they executed) where this run's next order would stand, without copying
   * them: a stretch of the kept run's rows (`orderStretches`; a dirty-set pass runs without pegging, and no
   * re-plan starts from a run that has such stretches: it has a `base`). One run after another of the
   * kept rows, at the same place, is one stretch.
   */
  takeOverOrders(from: number, count: number): void {
    this.orderStretches.take(this.orderArc.length, from, count);
  }

  /** Skips the kept run's entries of period `t` of node `n` of the set (its step made them anew). */
  skipEntries(pass: DirtyPass, lists: KeptLists, t: number, n: number): void {
    const { previous, log } = pass;
    while (lists.delivery < lists.deliveryEnd && log.deliveryNode.a[lists.delivery] === n) lists.delivery++;
    while (lists.shortage < lists.shortageEnd && log.shortageNode.a[lists.shortage] === n) lists.shortage++;
    while (
      lists.made < previous.orderArc.length &&
      previous.orderStart.a[lists.made] === t &&
      orderNode(previous.orderArc.a[lists.made]!, previous.arcBuyer) === n
    )
      lists.made++;
  }

  /**
   * What node `n`, outside the set, did in period `t` to the set's edge and to the set, as in the kept
   * run: its takes (its orders' executed quantities) and, from nodes of the set (only nodes brought in
   * alone have customers outside it, `bringIn`), what it waited for in the same steps as `step` makes
   * them (`owed` adds each change, so the sum is the kept run's to the bit).
   */
  feedKept(pass: DirtyPass, n: number, t: number): void {
    const f = this.flat;
    const { log, set, boundary } = pass;
    if (f.production[n]! >= 0) {
      const position = nodePosition(f, n, t);
      const before = t > 0 ? log.startAfter.get(position - f.nodes) : 0;
      const caught = log.startCaught.get(position);
      const after = log.startAfter.get(position);
      for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
        const child = f.bomNode[at]!;
        if (set[child] === 1) this.owed[child]! += (caught - before) * f.bomQuantity[at]!;
      }
      for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
        const child = f.bomNode[at]!;
        if (set[child] === 1) this.owed[child]! += (after - caught) * f.bomQuantity[at]!;
      }
      const start = keptStart(pass, n, -1, t);
      if (start > EPSILON) {
        for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) {
          const child = f.bomNode[at]!;
          if (boundary[child] === 1 || set[child] === 1) this.onHand[child]! -= start * f.bomQuantity[at]!;
        }
      }
    }
    const A = f.arcSupplier.length;
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
      const supplier = f.arcSupplier[arc]!;
      if (set[supplier] !== 1) continue;
      const position = arcPosition(f, arc, t);
      const before = t > 0 ? log.shipAfter.get(position - A) : 0;
      this.owed[supplier]! += log.shipCaught.get(position) - before;
    }
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
      const supplier = f.arcSupplier[arc]!;
      if (boundary[supplier] !== 1 && set[supplier] !== 1) continue;
      if (set[supplier] === 1) {
        const position = arcPosition(f, arc, t);
        this.owed[supplier]! += log.shipAfter.get(position) - log.shipCaught.get(position);
      }
      const ship = keptStart(pass, n, arc, t);
      if (ship > EPSILON) this.onHand[supplier]! -= ship;
    }
  }

  /**
   * In a dirty-set pass, after node `n`'s catching up (`after` false) or its starts and shipments:
   * what it waits for from, and (after) took from, each clean supplier or component must be what it
   * was in the kept run, or that node joins the set.
   */
  checkWaiting(pass: DirtyPass, n: number, t: number, after: boolean): void {
    const f = this.flat;
    const A = f.arcSupplier.length;
    const { log, set, boundary } = pass;
    const cell = t * f.nodes + n;
    if (f.production[n]! >= 0) {
      const logged = (after ? log.startAfter : log.startCaught).get(nodePosition(f, n, t));
      const waits = this.pendingStart[n] === logged;
      let takes = true;
      if (after) {
        const order = this.madeT[cell]! - 1;
        takes = (order < 0 ? 0 : this.orderFinalStart.a[order]!) === keptStart(pass, n, -1, t);
      }
      for (let at = f.bomStart[n]!; (!waits || !takes) && at < f.bomStart[n + 1]!; at++) {
        const child = f.bomNode[at]!;
        if (boundary[child] === 1) pass.joined.push(child);
        // Its customers outside the set see another stock of it.
        if (!takes && (boundary[child] === 1 || set[child] === 1)) this.joinCustomers(pass, child);
      }
    }
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
      const supplier = f.arcSupplier[arc]!;
      if (boundary[supplier] !== 1 && set[supplier] !== 1) continue;
      const logged = (after ? log.shipAfter : log.shipCaught).get(arcPosition(f, arc, t));
      const waits = this.pendingShip[arc] === logged;
      let takes = true;
      if (after) {
        const order = this.boughtT[t * A + arc]! - 1;
        takes = (order < 0 ? 0 : this.orderFinalStart.a[order]!) === keptStart(pass, n, arc, t);
      }
      if (boundary[supplier] === 1 && (!waits || !takes)) pass.joined.push(supplier);
      if (!takes) this.joinCustomers(pass, supplier);
    }
  }

  /**
   * In a dirty-set pass, after node `n`'s own step (it is in the set): when its stock or ratio is not
   * the kept run's, its customers outside the set would read another one and join it.
   */
  checkExposed(pass: DirtyPass, n: number, t: number): void {
    const f = this.flat;
    const { log } = pass;
    if (
      this.onHand[n] === log.stock.get(nodePosition(f, n, t)) &&
      this.ratio[n] === log.ratio.get(nodePosition(f, n, t))
    )
      return;
    this.joinCustomers(pass, n);
  }

  /** Node `n`'s customers outside the set join it (`pass.joined`). */
  joinCustomers(pass: DirtyPass, n: number): void {
    const { graph, set } = pass;
    for (let at = graph.customerStart[n]!; at < graph.customerStart[n + 1]!; at++) {
      const customer = graph.customer[at]!;
      if (set[customer] !== 1) pass.joined.push(customer);
    }
  }

  /**
   * Whether what `findCause` finds at node `n` of the set in period `t` (the nearest cause at or before
   * `t`), by the period's end, is the kept run's, by content: what its customers outside the set asked
   * of it in `t` then came back as in the kept run.
   */
  sameCauseFound(pass: DirtyPass, n: number, t: number): boolean {
    const row = n * this.H;
    let found = -1;
    for (let p = t; p >= 0 && found < 0; p--) found = this.causeAt[row + p]! - 1;
    let kept = -1;
    for (let p = t; p >= 0 && kept < 0; p--) kept = pass.kept.causeAt[row + p]! - 1;
    return this.sameCauseAs(pass.causeIndex, pass.previous, found, kept);
  }

  /** Whether this run's cause `cause` is `previous`'s cause `kept` (−1 for none) by content. */
  sameCauseAs(causeIndex: Int32Array, previous: Planner, cause: number, kept: number): boolean {
    if (cause < 0 || kept < 0) return cause === kept;
    return causeIndex[kept] === cause || sameCause(this.causes[cause]!, previous.causes[kept]!);
  }

  /**
   * The cause `findCause` gives for clean node `n` at the edge of the set in period `t`: the kept
   * run's (cells before `t` were final by then, and a cause created in `t` depends only on the node's
   * state in `t`, the kept run's), or, when the kept run had none, the node joins the set.
   */
  keptCause(pass: DirtyPass, n: number, t: number): number {
    // Asked in this run: when the node joins later, it is asked again as it is brought in (`bringIn`).
    pass.asks[t]!.push(n);
    const row = n * this.H;
    for (let p = t; p >= 0; p--) {
      const found = pass.kept.causeAt[row + p]! - 1;
      if (found >= 0) return this.keptCauseIndex(pass, found);
    }
    pass.joined.push(n);
    return -1;
  }

  /**
   * The executed quantities of the orders before `from`, and of every order of a node not in the set,
   * are the kept run's: those of the nodes that are or will be in the set (`everIn`) are copied
   * (`ownFinalsOf`), the rest are read in the kept run (`finalsFrom`); the set's orders from `from`
   * on execute anew.
   */
  takeOverFinals(previous: Planner, members: readonly number[], from: number, everIn: Uint8Array): void {
    const f = this.flat;
    const H = this.H;
    this.copyRecomputedFinals(previous, H);
    for (let n = 0; n < f.nodes; n++) if (everIn[n] === 1) this.ownFinalsOf(previous, n);
    const start = this.orderFinalStart.a;
    const quantity = this.orderFinalQuantity.a;
    for (const n of members) {
      for (let t = from; t < H; t++) {
        const order = this.productionAt[n * H + t]! - 1;
        if (order >= 0) start[order] = quantity[order] = 0;
      }
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
        for (let t = from; t < H; t++) {
          const order = this.purchaseAt[arc * H + t]! - 1;
          if (order >= 0) start[order] = quantity[order] = 0;
        }
      }
    }
  }

  /**
   * Node `n` of a dirty-set pass is about to execute some of its orders anew: what they executed in
   * the kept run is copied into this run's columns, once (its slots are the kept run's: a node of the set
   * that was not computed again replayed). A node computed again holds its own already.
   */
  ownFinalsOf(previous: Planner, n: number): void {
    const own = this.finalsOwn;
    if (own === undefined || own[n] === 1) return;
    own[n] = 1;
    this.materialize(n, n + 1);
    this.copyFinalsOf(previous, n, 0, this.H);
  }

  /**
   * Drops the orders pass 2 made from `count` on (their cells of the period-major copies with them),
   * and the kept run's it took over beyond the first `shared` (`takeOverOrders`).
   */
  dropOrdersFrom(count: number, shared: number): void {
    this.orderStretches.dropTo(shared);
    const N = this.flat.nodes;
    const A = this.flat.arcSupplier.length;
    for (let order = count; order < this.orderArc.length; order++) {
      const start = this.orderStart.a[order]!;
      const arc = this.orderArc.a[order]!;
      if (arc < 0) this.madeT[start * N + (-1 - arc)] = 0;
      else this.boughtT[start * A + arc] = 0;
    }
    for (const column of [this.orderArc, this.orderStart]) column.length = count;
    for (const column of [this.orderStartQuantity, this.orderFinalQuantity, this.orderFinalStart])
      column.shorten(count);
  }

  /**
   * Pass 2's state as the requirement pass left it, for pass 2 over `members` from `from` (a dirty-set
   * pass that gives up, `passTwoWhole`): of the arrays by node and period only their cells.
   */
  resetExecution(members: readonly number[], from: number): void {
    const f = this.flat;
    const N = f.nodes;
    const H = this.H;
    this.dropOrdersFrom(this.plannedOrders, 0);
    this.onHand.set(f.onHand);
    for (const n of members) {
      for (let cell = from * N + n; cell < H * N; cell += N) {
        this.incoming[cell] = 0;
        this.catchUpArrival[cell] = 0;
      }
      if (this.plannedCauseAt === undefined) continue;
      this.causeAt.fill(0, n * H, (n + 1) * H);
      this.plannedCauseAt.writeRow(this.causeAt, n, H, 0);
    }
    for (const zero of [
      this.pendingStart,
      this.pendingShip,
      this.groupDone,
      this.inFlight,
      this.startedSoFar,
      this.owed,
      this.backlogOwed,
      this.askedNow,
      this.stockNow,
      this.openingStock,
    ])
      zero.fill(0);
    this.pendingFrom.fill(-1);
    this.pendingShipFrom.fill(-1);
    this.ratio.fill(1);
    this.catchesUp.fill(0);
    this.backlogOf.fill(undefined);
    this.causes.length = this.plannedCauses;
    this.deliveries.length = 0;
    this.shortages.length = 0;
    this.safetyStockDraws.length = 0;
    for (const stretches of [this.deliveryStretches, this.shortageStretches, this.drawStretches])
      stretches.dropTo(0);
    this.causeWriteCell.length = 0;
    this.causeWriteIndex.length = 0;
    this.checkpoints = [];
  }

  /**
   * The period-major copies (`transpose`) of node `n`'s rows and of its arcs', from period `from` on,
   * every cell written (0 where no order is), and its arrivals there none yet: a dirty-set pass takes
   * these arrays unzeroed (`executeDirty`) and reads a node's cells only from where it joins, which
   * is where this writes them. Where an order of this run's pass 2 could sit (`newOrder`'s cell) it
   * writes none: the node made no order in the pass from `from` on (it joins at `from`, a kept
   * checkpoint it had left the set at or before, and a period rolled back drops the orders it made).
   */
  transposeNode(n: number, from: number): void {
    const f = this.flat;
    const H = this.H;
    const N = f.nodes;
    const A = f.arcSupplier.length;
    const startQuantity = this.orderStartQuantity.a;
    const capacityAt = capacityBase(f, n);
    const gross = this.grossRows(n);
    for (let t = from; t < H; t++) {
      const at = n * H + t;
      const cell = t * N + n;
      if (f.receipts[at] !== 0) this.receiptsUntil[n] = t + 1;
      if (f.endDemand[at] !== 0) this.hasDemand[n] = 1;
      const order = this.productionAt[at]!;
      this.madeT[cell] = order;
      this.plannedStartT[cell] = order > 0 ? startQuantity[order - 1]! : 0;
      this.capacityT[cell] = f.capacity[capacityAt + t]!;
      this.askedT[cell] = gross[at]! - f.endDemand[at]!;
      this.incoming[cell] = 0;
      this.catchUpArrival[cell] = 0;
    }
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) {
      for (let t = from; t < H; t++) {
        const bought = this.purchaseAt[arc * H + t]!;
        this.boughtT[t * A + arc] = bought;
        this.plannedShipT[t * A + arc] = bought > 0 ? startQuantity[bought - 1]! : 0;
      }
    }
  }

  // ---- the plan ----

  /**
   * The plan, in the output contract's shape. In a re-plan, an order whose slot, quantities and due
   * period are as in the previous plan is the previous plan's object (plans are read-only), so a
   * re-plan builds objects only for what changed.
   */
  assemble(name: string, previous?: Planner): Plan {
    const from = this.listsFrom;
    if (from !== undefined) {
      // A dirty-set pass's lists with the kept run's stretches in their places; the run holds them whole.
      this.deliveries = this.deliveryStretches.weave(this.deliveries, from.deliveries);
      this.shortages = this.shortageStretches.weave(this.shortages, from.shortages);
      this.safetyStockDraws = this.drawStretches.weave(this.safetyStockDraws, from.safetyStockDraws);
      for (const stretches of [this.deliveryStretches, this.shortageStretches, this.drawStretches])
        stretches.dropTo(0);
      this.listsFrom = undefined;
    }
    const kept = this.finalsFrom;
    const own = this.finalsOwn;
    let orders: OrderTable;
    let pegging: Pegging[] = [];
    // (A dirty-set pass runs without pegging.)
    if (kept !== undefined && own !== undefined) orders = this.tableInParts(kept, own);
    else if (this.orderStretches.shared > 0) throw new Error('orders taken over from a kept run without it');
    else {
      orders = new OrderTable(this.tableColumns(this.ownPlanIndex()));
      pegging = this.pegs(orders);
    }
    return {
      network: name,
      horizon: this.H,
      orders,
      deliveries: this.deliveries,
      shortages: this.shortages,
      bottlenecks: this.bottlenecks(previous),
      pegging,
      safetyStockDraws: this.safetyStockDraws,
    };
  }

  /**
   * The rows of the orders in the plan (`planIndex`): an order that starts something is in it, even when
   * a low yield gives no whole unit yet. The table reads the order columns where they are, through
   * these rows. (Taken for every order and filled to the plan's count: the pages past it are never
   * touched.)
   */
  ownPlanIndex(): Int32Array {
    const made = this.orderArc.length;
    const finalStart = this.orderFinalStart.a;
    const index = this.orderArena.i32(made, false);
    let count = 0;
    for (let order = 0; order < made; order++) if (finalStart[order]! > EPSILON) index[count++] = order;
    this.planIndex = index.subarray(0, count);
    return this.planIndex;
  }

  /** With pegging: the end demands each order of the plan (`planIndex`) serves. */
  pegs(orders: OrderTable): Pegging[] {
    const pegging: Pegging[] = [];
    if (!this.pegging) return pegging;
    const f = this.flat;
    const H = this.H;
    const index = this.planIndex!;
    for (let k = 0; k < index.length; k++) {
      const pegs = this.finalPegs[index[k]!];
      if (pegs === undefined) continue;
      const servesDemand: DemandPeg[] = [];
      for (const [key, served] of pegs) {
        if (served <= EPSILON) continue;
        const at = Math.floor(key / H);
        servesDemand.push({
          company: f.company[at]!,
          item: f.item[at]!,
          period: key - at * H,
          quantity: round(served),
        });
      }
      pegging.push({ order: orders.idOf(k), servesDemand });
    }
    return pegging;
  }

  /** The columns of this run's plan's `OrderTable`, its rows named by `index`. */
  tableColumns(index: Int32Array): OrderColumns {
    const f = this.flat;
    return {
      company: f.company,
      item: f.item,
      leadTime: f.leadTime,
      arcSupplier: f.arcSupplier,
      arcLeadTime: f.arcLeadTime,
      arcBuyer: this.arcBuyer,
      index,
      arc: this.orderArc.a,
      start: this.orderStart.a,
      quantity: this.orderFinalQuantity.a,
      startQuantity: this.orderFinalStart.a,
    };
  }

  /**
   * The plan's orders of a dirty-set re-plan, whose kept run's plan has one index: in parts
   * (`OrderParts`). A run of nodes outside the set (their pass-1 orders the kept run's rows, with what
   * they executed there) is a stretch of the kept run's plan's index, shared, not copied: its rows are
   * node by node in planning order there too, so the stretch is found by two binary searches. The
   * other nodes' orders, and pass 2's, are this run's rows, in an index of its own.
   */
  tableInParts(kept: Planner, own: Uint8Array): OrderTable {
    if (kept.planIndex === undefined)
      throw new Error('a dirty-set pass ran from a run without its plan index');
    const f = this.flat;
    const made = this.orderArc.length;
    const finalStart = this.orderFinalStart.a;
    const keptIndex = kept.planIndex;
    const ownIndex = this.orderArena.i32(made, false);
    let owned = 0;
    const starts = [0];
    const indexes: Int32Array[] = [];
    const offsets: number[] = [];
    const keptParts: number[] = [];
    const add = (array: Int32Array, offset: number, length: number, isKept: number) => {
      if (length === 0) return;
      const last = indexes.length - 1;
      const end = starts[starts.length - 1]!;
      if (
        last >= 0 &&
        indexes[last] === array &&
        keptParts[last] === isKept &&
        offsets[last]! + end - starts[last]! === offset
      ) {
        starts[starts.length - 1] = end + length;
        return;
      }
      indexes.push(array);
      offsets.push(offset);
      keptParts.push(isKept);
      starts.push(end + length);
    };
    let first = -1;
    const addKept = (to: number) => {
      if (first < 0) return;
      const low = firstAtLeast(keptIndex, 0, keptIndex.length, kept.orderFrom[first]!);
      const high = firstAtLeast(keptIndex, low, keptIndex.length, kept.orderTo[to - 1]!);
      add(keptIndex, low, high - low, 1);
      first = -1;
    };
    for (let n = 0; n < f.nodes; n++) {
      if (own[n] !== 1) {
        if (first < 0) first = n;
        continue;
      }
      addKept(n);
      const from = owned;
      for (let order = this.orderFrom[n]!; order < this.orderTo[n]!; order++)
        if (finalStart[order]! > EPSILON) ownIndex[owned++] = order;
      add(ownIndex, from, owned - from, 0);
    }
    addKept(f.nodes);
    // Pass 2's orders: this run's rows, and between them the stretches of the kept run's it took over.
    let row = this.plannedOrders;
    const ownRows = (to: number) => {
      const from = owned;
      for (; row < to; row++) if (finalStart[row]! > EPSILON) ownIndex[owned++] = row;
      add(ownIndex, from, owned - from, 0);
    };
    let low = 0;
    const shared = this.orderStretches;
    for (let k = 0; k < shared.at.length; k++) {
      ownRows(shared.at[k]!);
      const from = shared.from[k]!;
      low = firstAtLeast(keptIndex, low, keptIndex.length, from);
      const high = firstAtLeast(keptIndex, low, keptIndex.length, from + shared.count[k]!);
      add(keptIndex, low, high - low, 1);
      low = high;
    }
    ownRows(made);
    return new OrderTable({
      ...this.tableColumns(ownIndex.subarray(0, owned)),
      kept: {
        arc: kept.orderArc.a,
        start: kept.orderStart.a,
        quantity: kept.orderFinalQuantity.a,
        startQuantity: kept.orderFinalStart.a,
      },
      parts: {
        starts: Int32Array.from(starts),
        indexes,
        offsets: Int32Array.from(offsets),
        kept: Uint8Array.from(keptParts),
      },
    });
  }

  /**
   * The bottlenecks of production records (nodes in the order they appear in the network) and of
   * capacity groups. A kept run notes where each node's start in the list (`bottleneckFrom`); a re-plan
   * of a patched network takes the kept run's entries over, the same objects, for every node whose
   * wanted load and capacity are the kept run's (not computed again, not patched): at 60,000
   * companies 179,000 objects (42 MB) were made again for the 97 nodes a capacity change reached.
   */
  bottlenecks(previous?: Planner): Bottleneck[] {
    const f = this.flat;
    const H = this.H;
    const appearance = f.appearance;
    // (No re-plan starts from a run whose dirty-set pass ran to the end: it needs no index.)
    const from = this.checkpointing && !this.ranDirty ? new Int32Array(appearance.length + 1) : undefined;
    const keptList = previous?.bottleneckList;
    const keptFrom = previous?.bottleneckFrom;
    const patched = this.patch?.nodes;
    let found: Bottleneck[];
    if (
      keptList !== undefined &&
      keptFrom !== undefined &&
      patched !== undefined &&
      previous?.flat.appearance === appearance
    ) {
      // Only the nodes patched or computed again are looked at; the kept entries between them are
      // taken over in stretches, into a list made at its length.
      const positions: number[] = [];
      const place = appearancePlaces(appearance);
      for (let n = 0; n < f.nodes; n++)
        if (patched[n] === 1 && f.production[n]! >= 0) positions.push(place[n]!);
      for (const n of this.recomputedNodes)
        if (patched[n] !== 1 && f.production[n]! >= 0) positions.push(place[n]!);
      positions.sort((a, b) => a - b);
      // (A node computed again more than once is looked at once.)
      let distinct = 0;
      for (const k of positions)
        if (distinct === 0 || positions[distinct - 1] !== k) positions[distinct++] = k;
      positions.length = distinct;
      const made = positions.map((k) => this.nodeBottlenecks(appearance[k]!));
      let length = keptFrom[appearance.length]!;
      for (let i = 0; i < positions.length; i++)
        length += made[i]!.length - (keptFrom[positions[i]! + 1]! - keptFrom[positions[i]!]!);
      found = new Array(length);
      let at = 0;
      let next = 0;
      for (let i = 0; i <= positions.length; i++) {
        const k = i < positions.length ? positions[i]! : appearance.length;
        if (from !== undefined) for (let j = next; j < k; j++) from[j] = keptFrom[j]! - keptFrom[next]! + at;
        for (let b = keptFrom[next]!; b < keptFrom[k]!; b++) found[at++] = keptList[b]!;
        if (k === appearance.length) break;
        if (from !== undefined) from[k] = at;
        for (const entry of made[i]!) found[at++] = entry;
        next = k + 1;
      }
    } else {
      found = [];
      for (let k = 0; k < appearance.length; k++) {
        if (from !== undefined) from[k] = found.length;
        const n = appearance[k]!;
        if (f.production[n]! >= 0) for (const entry of this.nodeBottlenecks(n)) found.push(entry);
      }
    }
    if (from !== undefined) from[appearance.length] = found.length;
    this.bottleneckFrom = from;
    this.bottleneckList = found;
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

  /** The bottlenecks of production node `n`: the periods its wanted load passes its capacity. */
  nodeBottlenecks(n: number): Bottleneck[] {
    const f = this.flat;
    const H = this.H;
    const found: Bottleneck[] = [];
    // One name per record, not per period (at 60,000 companies 178,000 bottlenecks).
    let capacity: string | undefined;
    const capacityAt = capacityBase(f, n);
    const wantedLoad = this.ownerOf(n).wantedLoad;
    for (let p = 0; p < H; p++) {
      const load = wantedLoad[n * H + p]!;
      const limit = f.capacity[capacityAt + p]!;
      if (load <= limit + EPSILON) continue;
      const maximum = f.maximumCapacity[capacityAt + p]!;
      capacity ??= `${f.company[n]}/${f.item[n]}`;
      const entry = { company: f.company[n]!, capacity, period: p, load: round(load), limit };
      found.push(Number.isNaN(maximum) ? entry : { ...entry, maximum });
    }
    return found;
  }
}

/**
 * Stretches of a kept run's list (deliveries, shortages or safety-stock draws) that a dirty-set pass
 * takes over where its own list stands (`at`: the count of its own entries then), noted rather than
 * copied entry by entry (some 900,000 draws and as many more each time a period runs again at 60,000
 * companies); `weave` makes the list once. `shared` counts their entries: a period run again drops
 * the last ones (`dropTo`).
 */
class Stretches {
  readonly at: number[] = [];
  readonly from: number[] = [];
  readonly count: number[] = [];
  shared = 0;

  /** Notes the kept list's `from` … `from + count − 1` after the first `at` own entries. */
  take(at: number, from: number, count: number): void {
    if (count <= 0) return;
    const last = this.at.length - 1;
    if (last >= 0 && this.at[last] === at && this.from[last]! + this.count[last]! === from)
      this.count[last]! += count;
    else {
      this.at.push(at);
      this.from.push(from);
      this.count.push(count);
    }
    this.shared += count;
  }

  /** Drops the entries taken over beyond the first `shared`. */
  dropTo(shared: number): void {
    for (let excess = this.shared - shared; excess > 0; ) {
      const last = this.count.length - 1;
      const stretch = this.count[last]!;
      if (stretch > excess) {
        this.count[last] = stretch - excess;
        break;
      }
      excess -= stretch;
      this.at.pop();
      this.from.pop();
      this.count.pop();
    }
    this.shared = shared;
  }

  /** The list: `own`'s entries with the stretches of `kept` in their places. */
  weave<T>(own: T[], kept: readonly T[]): T[] {
    if (this.at.length === 0) return own;
    const list = new Array<T>(own.length + this.shared);
    let made = 0;
    let mine = 0;
    for (let k = 0; k < this.at.length; k++) {
      for (; mine < this.at[k]!; mine++) list[made++] = own[mine]!;
      const end = this.from[k]! + this.count[k]!;
      for (let entry = this.from[k]!; entry < end; entry++) list[made++] = kept[entry]!;
    }
    for (; mine < own.length; mine++) list[made++] = own[mine]!;
    return list;
  }
}

/** A growable column of 32-bit integers: off the JavaScript heap, no boxing, little garbage. */
class IntColumn {
  a: Int32Array;
  length = 0;
  /** Pages asked to be touched ahead (`TouchWindow`); `limit`: the length at which `reach` runs next. */
  private readonly window: TouchWindow;
  private limit: number;
  constructor(capacity = 1024, arena?: Arena) {
    this.a = arena === undefined ? new Int32Array(Math.max(1, capacity)) : arena.i32(Math.max(1, capacity));
    this.window = new TouchWindow(arena !== undefined);
    this.limit = this.window.limit(this.a);
  }
  push(value: number): void {
    if (this.length >= this.limit) this.reach(this.length + 1);
    this.a[this.length++] = value;
  }
  /** Asks for the pages of the first `count` values to be touched ahead (`TouchWindow`). */
  expect(count: number): void {
    this.limit = this.window.expect(this.a, count);
  }
  /** Grows the column to hold `needed` values, and asks for the pages after them to be touched. */
  private reach(needed: number): void {
    if (needed > this.a.length) this.grow(needed);
    this.limit = this.window.reached(this.a, needed);
  }
  /**
   * Takes the next `count` places without writing them (they are written later, `Planner.materialize`,
   * or never): their pages are not asked to be touched ahead.
   */
  skip(count: number): void {
    const needed = this.length + count;
    if (needed > this.a.length) this.grow(needed);
    this.length = needed;
    this.limit = this.window.passed(this.a);
  }
  /** Appends `count` values of `source` from `from`, each plus `shift`. */
  copy(source: IntColumn, from: number, count: number, shift = 0): void {
    if (this.length + count >= this.limit) this.reach(this.length + count);
    const a = this.a;
    const at = this.length;
    // A node's few values one by one (a subarray is an object for the collector); long runs in one piece.
    if (count < 64) {
      const b = source.a;
      for (let i = 0; i < count; i++) a[at + i] = b[from + i]! + shift;
    } else {
      a.set(source.a.subarray(from, from + count), at);
      if (shift !== 0) for (let i = at; i < at + count; i++) a[i]! += shift;
    }
    this.length += count;
  }
  private grow(needed: number): void {
    const grown = new Int32Array(Math.max(needed, this.a.length * 2));
    grown.set(this.a);
    this.a = grown;
  }
}

/**
 * The byte ranges of what `allocateTransposed` takes from the execution arena (when `potentialAt` is
 * there to be `capacityT`; alignment aside) that a full pass 2 writes nearly whole, for the page toucher
 * to fault in ahead: `incoming` and `catchUpArrival`, then (past `madeT` and `plannedStartT`, a third
 * of whose pages a plan writes at 60,000 companies) `askedT`, `boughtT` and `plannedShipT`.
 */
function transposedTouched(nodes: number, horizon: number, arcs: number): [number, number][] {
  const cells = nodes * horizon;
  const afterPlanned = cells * (8 + 8 + 4 + 8) + 8;
  return [
    [0, cells * 16],
    [afterPlanned, afterPlanned + cells * 8 + arcs * horizon * 12 + 8],
  ];
}

/** Values a column asks to be touched ahead at a time (`TouchWindow`): 2 MB of integers, 4 MB of doubles. */
const TOUCH_STEP = 1 << 19;
/**
 * A column's first step (`TouchWindow`), doubled at each ask up to `TOUCH_STEP`: a re-plan's logs hold
 * a few thousand entries, and a first ask of two full steps each had the toucher fault in some 32 MB
 * of them at 60,000 companies for nothing.
 */
const FIRST_TOUCH_STEP = TOUCH_STEP >> 4;

/**
 * What of a column's array (from an arena) has been handed to the page toucher (`touchAhead`): as the
 * column fills, the next step of values beyond the window is asked for each time the length comes
 * within a step of its end, so that the toucher's thread stays one to two steps ahead of the
 * planner's writes; the step doubles from `FIRST_TOUCH_STEP` to `TOUCH_STEP`. Without a toucher (or
 * for a column grown out of its arena) the window is shut and costs the column one comparison per
 * value, the same as its capacity check it replaces.
 */
class TouchWindow {
  /** Values asked for so far (from 0). */
  private asked = 0;
  /** The length at which more are asked; +∞ when shut. */
  private at: number;
  /** Values asked for at a time. */
  private step = FIRST_TOUCH_STEP;
  constructor(open: boolean) {
    this.at = open && touchingAhead() ? 0 : Number.POSITIVE_INFINITY;
  }
  /** The length at which the column must call `reached` next (its capacity, or the window's edge). */
  limit(array: Float64Array | Int32Array): number {
    return Math.min(array.length, this.at);
  }
  /**
   * The column now holds `length` values of `array` (grown into a plain buffer: the window shuts);
   * returns its next `limit`.
   */
  reached(array: Float64Array | Int32Array, length: number): number {
    if (!(array.buffer instanceof SharedArrayBuffer)) this.at = Number.POSITIVE_INFINITY;
    else if (length >= this.at) {
      const limit = this.expect(array, length + 2 * this.step);
      this.step = Math.min(TOUCH_STEP, this.step * 2);
      return limit;
    }
    return this.limit(array);
  }
  /**
   * The column skipped places without writing them (`skip`: a re-plan's replayed nodes, whose orders
   * are the kept run's): from then on it is written in islands between skips, and asking for the next
   * steps at each island had the toucher fault in memory that the next skip jumps over (at 60,000
   * companies some 300 MB, 76,000 pages, in a re-plan that made a few thousand orders, its thread
   * busy for half a second on the two cores the planner shares with the collector). The window
   * shuts; returns the column's next `limit`.
   */
  passed(array: Float64Array | Int32Array): number {
    this.at = Number.POSITIVE_INFINITY;
    return array.length;
  }
  /**
   * Asks for values up to `count` to be touched (the rest of the window follows as the column fills);
   * returns the column's next `limit`.
   */
  expect(array: Float64Array | Int32Array, count: number): number {
    if (this.at === Number.POSITIVE_INFINITY) return array.length;
    const to = Math.min(count, array.length);
    if (to > this.asked) {
      touchAhead(array, this.asked, to);
      this.asked = to;
    }
    this.at = this.asked >= array.length ? Number.POSITIVE_INFINITY : Math.max(1, this.asked - this.step);
    return this.limit(array);
  }
}

/** A growable column of doubles. */
class NumberColumn {
  a: Float64Array;
  length = 0;
  /** The largest length the column had before it was last made shorter (`shorten`). */
  private reached = 0;
  private readonly window: TouchWindow;
  private limit: number;
  constructor(capacity = 1024, arena?: Arena) {
    this.a = arena === undefined ? new Float64Array(Math.max(1, capacity)) : arena.f64(Math.max(1, capacity));
    this.window = new TouchWindow(arena !== undefined);
    this.limit = this.window.limit(this.a);
  }
  push(value: number): void {
    if (this.length >= this.limit) this.reach(this.length + 1);
    this.a[this.length++] = value;
  }
  /** As `IntColumn.expect`. */
  expect(count: number): void {
    this.limit = this.window.expect(this.a, count);
  }
  private reach(needed: number): void {
    if (needed > this.a.length) this.grow(needed);
    this.limit = this.window.reached(this.a, needed);
  }
  /** Appends `count` values of `source` from `from`, or `count` zeros when there is no source. */
  copy(source: NumberColumn | undefined, from: number, count: number): void {
    if (this.length + count >= this.limit) this.reach(this.length + count);
    const a = this.a;
    const at = this.length;
    // Cells from `reached` on were never written: they hold 0 as the column was taken (zeroed).
    if (source === undefined) a.fill(0, at, Math.min(at + count, Math.max(at, this.reached)));
    else if (count < 64) {
      const b = source.a;
      for (let i = 0; i < count; i++) a[at + i] = b[from + i]!;
    } else a.set(source.a.subarray(from, from + count), at);
    this.length += count;
  }
  /** As `IntColumn.skip`; places written before (`shorten`) are zeroed, as `copy` without a source does. */
  skip(count: number): void {
    const at = this.length;
    const needed = at + count;
    if (needed > this.a.length) this.grow(needed);
    this.a.fill(0, at, Math.min(needed, Math.max(at, this.reached)));
    this.length = needed;
    this.limit = this.window.passed(this.a);
  }
  /** Drops the values from `count` on. */
  shorten(count: number): void {
    this.reached = Math.max(this.reached, this.length);
    this.length = count;
  }
  private grow(needed: number): void {
    const grown = new Float64Array(Math.max(needed, this.a.length * 2));
    grown.set(this.a);
    this.a = grown;
  }
}

interface Backlog {
  readonly period: number[];
  readonly quantity: number[];
  head: number;
}

interface PegContext {
  requests: number[];
  requestStart: Int32Array;
}

/** Pass 2's state at the start of a period (`Planner.checkpoint`). */
interface Checkpoint {
  readonly period: number;
  /**
   * `nodeFields()` by field, each kept where it is not what pass 2 starts with (`startingFields`; the
   * stock where it is not 0): at 60,000 companies two thirds of the values are, and the nine fields
   * dense were 100 MB of fresh memory in a kept run's five checkpoints.
   */
  readonly nodeState: readonly LoggedCells[];
  readonly pendingFrom: Int32Array;
  /** Kept where not 0 (70–98 % of them are at 60,000 companies). */
  readonly pendingShip: LoggedCells;
  readonly pendingShipFrom: Int32Array;
  /** Arrivals in this period and later (period-major cells and quantities), and those of catching up. */
  readonly arrivals: SparseCells;
  readonly catchUpArrivals: SparseCells;
  readonly backlogs: ReadonlyMap<number, Backlog>;
  /** Lengths of the lists then; `orders` and `causeWrites` count pass 2's alone. */
  readonly deliveries: number;
  readonly shortages: number;
  readonly safetyStockDraws: number;
  readonly orders: number;
  readonly causeWrites: number;
}

const NODE_FIELDS = 9;
/** What `nodeFields` hold as pass 2 starts, but the stock (a node's own); 0 for it (`Checkpoint.nodeState`). */
const USUAL_FIELDS: readonly number[] = [0, 0, 0, 0, 0, 0, 1, 0, 0];
/** Checkpoints a kept run keeps, evenly over the horizon. */
const CHECKPOINTS = 5;
/**
 * Bytes a checkpoint takes a node at most, besides its arrivals: its `nodeFields` (a value and two bits'
 * worth of `LoggedCells` each) and its `pendingFrom`.
 */
const CHECKPOINT_NODE_BYTES = NODE_FIELDS * 9 + 4;

/**
 * The size of a kept run's checkpoint arena: the checkpoints, each with its arrivals still to come at
 * most (a cell and a quantity for each node and period within the longest lead time, and as many for
 * catching up), and the log of pass 2's causes (`causeWriteCell`, `causeWriteIndex`, a cell's worth
 * each). An arena that runs out takes another chunk of its size: a new array buffer of some 300 MB at
 * 60,000 companies in the middle of pass 2, and with it a full collection of the whole heap (0.3–0.6
 * s); so do the log's columns grown by doubling. The bound is address space: only what is written is
 * ever touched.
 */
function checkpointBytes(sizes: FlatSizes): number {
  const { nodes, horizon, arcs } = sizes;
  const ahead = Math.min(horizon, sizes.longestLead + 1) * nodes;
  return (
    CHECKPOINTS * (nodes * CHECKPOINT_NODE_BYTES + arcs * 13 + ahead * 24 + 512) + nodes * horizon * 8 + 64
  );
}

/**
 * The requirement pass's causes, kept by a run for a re-plan (`Planner.plannedCauseAt`): node `n`'s are
 * `cause[k]` (an index in the run's `causes`) in period `period[k]` for `k` from `start[n]` to
 * `start[n + 1]` − 1, by period. Few cells hold one (at 60,000 companies some 53,500 of 14.6 million):
 * kept as a copy of `causeAt`, they were 58 MB of fresh memory in every kept run.
 */
class PlannedCauses {
  constructor(
    readonly start: Int32Array,
    readonly period: Int32Array,
    readonly cause: Int32Array,
  ) {}

  /**
   * The causes in `cells` of `causeAt` (rows of `horizon`, as `Planner.causeAt` holds them: the cells
   * the requirement pass wrote, each once), in arrays from `arena`. Only those cells are read: most of
   * `causeAt`'s pages are not touched yet (pass 2 writes them).
   */
  static of(
    causeAt: Int32Array,
    cells: IntColumn,
    horizon: number,
    arena: Arena,
    from?: DeferredCauses,
  ): PlannedCauses {
    const nodes = causeAt.length / horizon;
    let count = cells.length;
    const start = arena.i32(nodes + 1);
    // By node, as written (a counting sort): each node's count, then where its run ends, then filled
    // from the last, which leaves `start[n]` where node `n`'s run starts. The nodes of `from.deferred`
    // have none in `cells`: theirs are the kept run's, their causes shifted.
    for (let k = 0; k < cells.length; k++) start[Math.floor(cells.a[k]! / horizon)]!++;
    if (from !== undefined) {
      const kept = from.planned.start;
      for (let n = 0; n < nodes; n++) {
        if (from.deferred[n] !== 1) continue;
        start[n]! += kept[n + 1]! - kept[n]!;
        count += kept[n + 1]! - kept[n]!;
      }
    }
    for (let n = 1; n < nodes; n++) start[n]! += start[n - 1]!;
    start[nodes] = count;
    const period = arena.i32(count);
    const cause = arena.i32(count);
    for (let k = cells.length - 1; k >= 0; k--) {
      const cell = cells.a[k]!;
      const n = Math.floor(cell / horizon);
      const at = --start[n]!;
      period[at] = cell - n * horizon;
      cause[at] = causeAt[cell]! - 1;
    }
    if (from !== undefined) {
      const { planned, deferred, shift } = from;
      for (let n = 0; n < nodes; n++) {
        if (deferred[n] !== 1) continue;
        for (let k = planned.start[n + 1]! - 1; k >= planned.start[n]!; k--) {
          const at = --start[n]!;
          period[at] = planned.period[k]!;
          cause[at] = planned.cause[k]! + shift(n);
        }
      }
    }
    return new PlannedCauses(start, period, cause);
  }

  /** The cause at node `n` in period `t`, −1 for none. */
  at(n: number, t: number): number {
    for (let k = this.start[n]!; k < this.start[n + 1]!; k++) if (this.period[k] === t) return this.cause[k]!;
    return -1;
  }

  /**
   * Writes node `n`'s causes into its row of `causeAt` (rows of `horizon`, as `Planner.causeAt` holds
   * them), their indices plus `shift`; the row's other cells are left as they are.
   */
  writeRow(causeAt: Int32Array, n: number, horizon: number, shift: number): void {
    const base = n * horizon;
    for (let k = this.start[n]!; k < this.start[n + 1]!; k++)
      causeAt[base + this.period[k]!] = this.cause[k]! + shift + 1;
  }
}

/** The requirement pass's causes a re-plan left in the kept run (`Planner.deferredCauses`), for `PlannedCauses.of`. */
interface DeferredCauses {
  /** The kept run's. */
  readonly planned: PlannedCauses;
  /** 1 for a node whose causes are the kept run's. */
  readonly deferred: Uint8Array;
  /** What to add to a kept cause index of node `n` for this run's. */
  shift(n: number): number;
}

/** `target` with `source`'s values (as long), returned. */
function copyInto<T extends Float64Array | Int32Array>(target: T, source: ArrayLike<number>): T {
  target.set(source);
  return target;
}

/** `checkpoint` with its arrays copied into `arena`, so that it does not keep another run's arena alive. */
function copyCheckpoint(checkpoint: Checkpoint, arena: Arena): Checkpoint {
  const sparse = (cells: SparseCells): SparseCells => ({
    cells: copyInto(arena.i32(cells.cells.length), cells.cells),
    values: copyInto(arena.f64(cells.values.length), cells.values),
  });
  return {
    ...checkpoint,
    nodeState: checkpoint.nodeState.map((cells) => cells.copy(arena)),
    pendingFrom: copyInto(arena.i32(checkpoint.pendingFrom.length), checkpoint.pendingFrom),
    pendingShip: checkpoint.pendingShip.copy(arena),
    pendingShipFrom: copyInto(arena.i32(checkpoint.pendingShipFrom.length), checkpoint.pendingShipFrom),
    arrivals: sparse(checkpoint.arrivals),
    catchUpArrivals: sparse(checkpoint.catchUpArrivals),
  };
}

function checkpointSpacing(horizon: number): number {
  return Math.max(1, Math.ceil(horizon / (CHECKPOINTS + 1)));
}

interface SparseCells {
  readonly cells: Int32Array;
  readonly values: Float64Array;
}

/** The cells of `values` from `from` to `to` − 1 that are not 0, in arrays from `arena`. */
function sparseCells(values: Float64Array, from: number, to: number, arena: Arena): SparseCells {
  // One pass without a branch on which cells are kept (as `LoggedCells.of`): each is written at the end
  // and counted when it is not 0, into arrays of the most it could keep (the arena is sized for that,
  // `checkpointBytes`; only what is written is touched).
  const cells = arena.i32(to - from, false);
  const kept = arena.f64(to - from, false);
  let k = 0;
  for (let i = from; i < to; i++) {
    const value = values[i]!;
    cells[k] = i;
    kept[k] = value;
    k += +(value !== 0);
  }
  return { cells: cells.subarray(0, k), values: kept.subarray(0, k) };
}

function addCells(target: Float64Array, sparse: SparseCells): void {
  for (let k = 0; k < sparse.cells.length; k++) target[sparse.cells[k]!] = sparse.values[k]!;
}

function copyBacklog(backlog: Backlog): Backlog {
  return { period: backlog.period.slice(), quantity: backlog.quantity.slice(), head: backlog.head };
}

/** Whether two backlogs hold the same quantities still owed, for the same periods. */
function sameBacklog(a: Backlog | undefined, b: Backlog | undefined): boolean {
  const length = (backlog: Backlog | undefined) =>
    backlog === undefined ? 0 : backlog.period.length - backlog.head;
  if (length(a) !== length(b)) return false;
  if (a === undefined || b === undefined) return true;
  for (let k = 0; k < length(a); k++) {
    if (a.period[a.head + k] !== b.period[b.head + k] || a.quantity[a.head + k] !== b.quantity[b.head + k])
      return false;
  }
  return true;
}

function sameCause(a: KeptCause, b: KeptCause): boolean {
  return (
    a === b ||
    (a.code === b.code &&
      a.company === b.company &&
      a.item === b.item &&
      a.period === b.period &&
      describeCause(a) === describeCause(b))
  );
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** What a re-plan tracks: nodes whose inputs changed, nodes and groups whose promises may differ. */
interface Replay {
  readonly changed: Uint8Array;
  readonly tainted: Uint8Array;
  readonly groupTainted: Uint8Array;
  /** Nodes whose gross requirement may differ (a consumer of theirs was computed again). */
  readonly grossTouched: Uint8Array;
}

/**
 * `target[i] = source[i] + shift` for i in `from` … `to` − 1 where the source is not 0 (an order slot,
 * index + 1), into a `target` that is 0 there: zeros are not written, so a page of the target that
 * would only get zeros is never touched (fresh memory costs the kernel time on its first touch; at
 * 60,000 companies some two thirds of the pages of a replay's rows are of nodes that make nothing).
 */
function shiftedCopy(target: Int32Array, source: Int32Array, from: number, to: number, shift: number): void {
  for (let i = from; i < to; i++) {
    const value = source[i]!;
    if (value !== 0) target[i] = value + shift;
  }
}

/** `target[i] = source[i]` for i in `from` … `to` − 1, into a `target` that is +0 there: +0 is not written (see `shiftedCopy`). */
function copyNonZero(target: Float64Array, source: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const value = source[i]!;
    // −0 is written (it is another value to the bit).
    if (value !== 0 || 1 / value < 0) target[i] = value;
  }
}

function sameInts(a: Int32Array, b: Int32Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Equal values in `a` from `aFrom` and `b` from `bFrom`, `length` of them (NaN equals NaN: an absent
 * maximum); rows at other places, as a node's capacity rows of two networks (`capacityBase`).
 */
function sameRows(a: Float64Array, aFrom: number, b: Float64Array, bFrom: number, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const x = a[aFrom + i]!;
    const y = b[bFrom + i]!;
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
  }
  return true;
}

/** Equal values in `a` and `b` from `from` for `length` (`sameRows` at the same place). */
function sameRange(a: Float64Array, b: Float64Array, from: number, length: number): boolean {
  return sameRows(a, from, b, from, length);
}

function sameBlocked(
  a: Uint8Array | undefined,
  b: Uint8Array | undefined,
  from: number,
  length: number,
): boolean {
  for (let i = from; i < from + length; i++) if ((a?.[i] ?? 0) !== (b?.[i] ?? 0)) return false;
  return true;
}

/** Arc × period flags for the `blocked` windows, or undefined when there are none. */
function blockedArcs(flat: OrderedFlatNetwork, blocked: readonly BlockedShipping[]): Uint8Array | undefined {
  if (blocked.length === 0) return undefined;
  const H = flat.horizon;
  const at = new Uint8Array(flat.arcSupplier.length * H);
  for (let n = 0; n < flat.nodes; n++) {
    for (let arc = flat.arcStart[n]!; arc < flat.arcStart[n + 1]!; arc++) {
      const supplier = flat.company[flat.arcSupplier[arc]!]!;
      for (const window of blocked) {
        if (window.supplier !== supplier || (window.item !== undefined && window.item !== flat.item[n]))
          continue;
        if (window.customer !== undefined && window.customer !== flat.company[n]) continue;
        for (let t = Math.max(0, window.from); t < Math.min(H, window.to); t++) at[arc * H + t] = 1;
      }
    }
  }
  return at;
}

/**
 * What a kept run's full pass 2 logs for a re-plan's dirty-set pass (`useDirtyExecution`), period-major
 * (`t * nodes + n`, `t * arcs + arc`): each node's stock and ratio after its own step; what it waits
 * to start and each arc waits to ship after catching up and after its starts and shipments (what it
 * is owed is summed from these changes, so both are compared); the node of each list entry.
 */
interface DirtyLog {
  readonly stock: NarrowCells;
  readonly ratio: LoggedCells;
  readonly startCaught: CaughtCells;
  readonly startAfter: LoggedCells;
  readonly shipCaught: CaughtCells;
  readonly shipAfter: LoggedCells;
  readonly deliveryNode: IntColumn;
  readonly shortageNode: IntColumn;
  readonly drawNode: IntColumn;
  /**
   * The material causes `findCause` made where it found none (cell), and the node that asked for each
   * (`askedBy`), in the order made: those of period `t` are `askedStart[t]` … `askedStart[t + 1]` − 1.
   */
  readonly askedCell: IntColumn;
  readonly askedBy: IntColumn;
  readonly askedStart: Int32Array;
  /**
   * Each node's pass-2 cause writes as a list: its last write's position in the run's log
   * (`causeWriteCell`), −1 for none, and the position of the write before each of the same node's.
   * Linked as they are made (a 5-million-write counting sort in the first re-plan, before stop 24).
   */
  readonly lastWrite: Int32Array;
  readonly writeBefore: IntColumn;
  /** The causes (`causeAt`, each index + 1) as pass 2 left them, set when the run is released. */
  causeAt: Int32Array;
}

/**
 * Where node `n`'s value of period `t` stands in a `LoggedCells`: periods in turn, in each the nodes
 * from the last in planning order to the first (the order pass 2 steps them).
 */
function nodePosition(f: OrderedFlatNetwork, n: number, t: number): number {
  return t * f.nodes + f.nodes - 1 - n;
}

/** Where `arc` stands in period `t`: periods in turn, in each the arcs from the last to the first (as their buyers are stepped). */
function arcPosition(f: OrderedFlatNetwork, arc: number, t: number): number {
  const A = f.arcSupplier.length;
  return t * A + A - 1 - arc;
}

/**
 * Asks the page toucher (when one is set) for what a full pass 2 writes into `log` in period `t`, one
 * period ahead: the stocks' cells of the period (one per node, `NarrowCells`) and, for the values kept
 * by `logPeriod`, room for one more per position (pending starts and ratios per node, pending
 * shipments per arc) after those kept so far. At most a period's worth of pages is touched ahead of
 * what is written.
 */
function touchLogAhead(log: DirtyLog, nodes: number, arcs: number, t: number): void {
  if (!touchingAhead()) return;
  touchAhead(log.stock.narrow, t * nodes, (t + 1) * nodes);
  for (const [cells, width] of [
    [log.startAfter, nodes],
    [log.ratio, nodes],
    [log.shipAfter, arcs],
  ] as const)
    touchAhead(cells.values, cells.count, cells.count + width);
}

/** A kept run's `DirtyLog`, its arrays from `arena` (the checkpoints', sized for it by `runArenas`). */
function newDirtyLog(nodes: number, arcs: number, horizon: number, arena: Arena): DirtyLog {
  const startAfter = new LoggedCells(nodes * horizon, 0, arena);
  const shipAfter = new LoggedCells(arcs * horizon, 0, arena);
  return {
    stock: new NarrowCells(nodes * horizon, arena),
    ratio: new LoggedCells(nodes * horizon, 1, arena),
    startCaught: new CaughtCells(startAfter, nodes, arena),
    startAfter,
    shipCaught: new CaughtCells(shipAfter, arcs, arena),
    shipAfter,
    deliveryNode: new IntColumn(),
    shortageNode: new IntColumn(),
    drawNode: new IntColumn(),
    askedCell: new IntColumn(),
    askedBy: new IntColumn(),
    askedStart: new Int32Array(horizon + 1),
    lastWrite: arena.i32(nodes).fill(-1),
    // As long as the log of writes it follows (`Planner.causeWriteCell`).
    writeBefore: new IntColumn(nodes * horizon, arena),
    causeAt: new Int32Array(0),
  };
}

/** Of a kept run, for a dirty-set pass: its pass-2 orders by period, and its causes as pass 2 left them. */
interface KeptPassTwo {
  /**
   * The kept run's pass-2 orders that start in period `t` are `periodStart[t]` … `periodStart[t + 1]`
   * − 1, in execution order (by the node's `rank`, production before its purchases by arc).
   */
  readonly periodStart: Int32Array;
  /** The kept run's causes as pass 2 left them (`DirtyLog.causeAt`: each index + 1, 0 for none). */
  readonly causeAt: Int32Array;
  /** Each node's place in execution order. */
  readonly rank: Int32Array;
  /** The node at each place in execution order (`rank`'s inverse). */
  readonly byRank: Int32Array;
  /** Each node's place among the nodes with a safety-stock target. */
  readonly safetyRank: Int32Array;
}

function keptPassTwo(run: Planner): KeptPassTwo {
  const H = run.H;
  const periodStart = new Int32Array(H + 1);
  let order = run.plannedOrders;
  for (let t = 0; t <= H; t++) {
    while (order < run.orderArc.length && run.orderStart.a[order]! < t) order++;
    periodStart[t] = order;
  }
  const { order: planning } = run.flat;
  const rank = new Int32Array(run.flat.nodes);
  const byRank = new Int32Array(run.flat.nodes);
  for (let i = 0; i < planning.length; i++) {
    rank[planning[i]!] = planning.length - 1 - i;
    byRank[planning.length - 1 - i] = planning[i]!;
  }
  const safetyRank = new Int32Array(run.flat.nodes);
  run.safetyNodes.forEach((n, k) => {
    safetyRank[n] = k;
  });
  return { periodStart, causeAt: run.dirtyLog!.causeAt, rank, byRank, safetyRank };
}

/** What the kept run's order of node `n` (production when `arc` is −1) in period `t` executed (0 for none). */
function keptStart(pass: DirtyPass, n: number, arc: number, t: number): number {
  const run = pass.previous;
  const H = run.H;
  const order = (arc < 0 ? run.productionAt[n * H + t]! : run.purchaseAt[arc * H + t]!) - 1;
  if (order >= 0) return run.orderFinalStart.a[order]!;
  // An order pass 2 made: a binary search of the period's, by execution order.
  const { rank, periodStart } = pass.kept;
  // (A production order's arc is −1 − n: below every arc of its node, as −1 was.)
  const orderArc = run.orderArc.a;
  const buyer = run.arcBuyer;
  const key = arc < 0 ? -1 - n : arc;
  const wanted = rank[n]!;
  let low = periodStart[t]!;
  let high = periodStart[t + 1]!;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const at = rank[orderNode(orderArc[middle]!, buyer)]!;
    if (at < wanted || (at === wanted && orderArc[middle]! < key)) low = middle + 1;
    else high = middle;
  }
  if (low < periodStart[t + 1]! && orderArc[low] === key) return run.orderFinalStart.a[low]!;
  return 0;
}

/** A dirty-set pass over a kept run (`Planner.executeDirty`). */
interface DirtyPass {
  readonly previous: Planner;
  readonly log: DirtyLog;
  readonly kept: KeptPassTwo;
  /** 1 for the nodes the pass runs. */
  readonly set: Uint8Array;
  /** The nodes of the set. */
  readonly members: readonly number[];
  /** 1 for the clean suppliers and components of the set: their stock and ratio are the kept run's. */
  readonly boundary: Uint8Array;
  /** 1 for the nodes outside the set that take from the boundary or the set: their takes are the kept run's (`feedKept`). */
  readonly feeds: Uint8Array;
  /** The kept run's causes taken over, by index (−1: not yet). */
  readonly causeIndex: Int32Array;
  /** The kept run's causes taken over, in the order taken (`DirtyRun.taken`). */
  readonly taken: number[];
  /** Per period, the nodes at the edge the set asked for a cause (`DirtyRun.asks`). */
  readonly asks: number[][];
  /** Boundary nodes that must join the set: something else was written to them. */
  readonly joined: number[];
  /** The nodes a period walks (the set, its edge and the nodes outside that take from either), in execution order. */
  readonly visit: Int32Array;
  /** Each node's place in execution order. */
  readonly rank: Int32Array;
  /** Each node's place among the nodes with a safety-stock target (the order draws are noted in). */
  readonly safetyRank: Int32Array;
  /** The nodes of the set with a safety-stock target, in that order. */
  readonly safetyInSet: Int32Array;
  readonly graph: DirtyGraph;
  /** The nodes of the set with customers outside it (`sameCauseFound`). */
  readonly watched: Int32Array;
}

/** Cells a period of the dirty-set pass wrote (kind 0 arrivals, 1 arrivals of catching up, 2 causes) and what they held. */
class CellUndo {
  readonly kind: number[] = [];
  readonly cell: number[] = [];
  readonly value: number[] = [];
  push(kind: number, cell: number, value: number): void {
    this.kind.push(kind);
    this.cell.push(cell);
    this.value.push(value);
  }
}

/**
 * The set's state at the start of the period the dirty-set pass runs (`Planner.capturePeriod`), for
 * running it again when nodes join: `state` node by node (`nodeFields()` in order) for the first
 * `members` of the set, their arcs' waiting quantities in turn, the lengths of the lists, orders,
 * causes and asks then (all absolute), where the pass was in the kept lists, and the cells written
 * since (`undo`).
 */
interface PeriodStart {
  period: number;
  members: number;
  state: Float64Array;
  pendingFrom: Int32Array;
  readonly pendingShip: number[];
  readonly pendingShipFrom: number[];
  readonly backlogs: Map<number, Backlog>;
  deliveries: number;
  shortages: number;
  safetyStockDraws: number;
  /** The kept run's deliveries, shortages and draws taken over then (`Stretches.shared`). */
  readonly stretches: Int32Array;
  orders: number;
  /** The kept run's pass-2 orders taken over then (`Planner.orderStretches`). */
  sharedOrders: number;
  causes: number;
  causeWrites: number;
  /** Kept causes taken over then (`DirtyRun.taken`). */
  taken: number;
  asks: number;
  lists: KeptLists;
  draw: number;
  readonly undo: CellUndo;
}

/** What a dirty-set pass keeps while it runs (`Planner.executeDirty`). */
interface DirtyRun {
  readonly previous: Planner;
  readonly kept: KeptPassTwo;
  readonly graph: DirtyGraph;
  /** 1 for the nodes of the set, and the capacity groups closed over. */
  readonly set: Uint8Array;
  readonly groups: Uint8Array;
  /** The nodes of the set, in the order they joined. */
  readonly members: number[];
  /** The kept run's causes taken over, by index (−1: not yet). */
  readonly causeIndex: Int32Array;
  /** The kept run's causes taken over, in the order taken: a period run again takes its own again (`rollBack`). */
  readonly taken: number[];
  /** Per period, the nodes at the set's edge it asked for a cause (`keptCause`). */
  readonly asks: number[][];
  /**
   * Per node outside the set, how many of the kept run's pass-2 cause writes its row holds (by
   * content): it is the kept run's row as it stood then (`keptWritesUpTo`).
   */
  readonly applied: Int32Array;
  /** Node steps after which the pass gives up for pass 2 over every node. */
  readonly budget: number;
  /** Nodes walked (`dirtyWalked`) after which it gives up too. */
  readonly walkBudget: number;
  /** The time on the planning clock after which it gives up too (`DIRTY_TIME_SHARE`; Infinity without one). */
  readonly deadline: number;
  /** Per node the first period in which what its step reads of its own differs (H for none). */
  readonly firstOf: Int32Array;
  /** The nodes brought in that were in no first set (`bringIn`), and 1 for every node that was in the set. */
  ever: number;
  readonly everIn: Uint8Array;
  /** The flags of the walk of the set (`dirtyPassOver`) and of the nodes brought in alone (`bringIn`). */
  readonly main: WalkFlags;
  readonly alone: WalkFlags;
  /** 1 for the nodes at the set's edge asked for a cause in the period `checkAsked` looks at, else 0. */
  readonly asked: Uint8Array;
}

/**
 * A walk's flags by node (`DirtyPass.boundary`, `feeds`), made once per dirty-set pass and reused by the
 * next walk of its kind (only one of each is in use at a time), and the nodes it visited: its flags are 1
 * only for those.
 */
interface WalkFlags {
  readonly boundary: Uint8Array;
  readonly feeds: Uint8Array;
  visit: Int32Array;
}

/**
 * Into `writes`, the positions in a kept run's log of pass-2 cause writes (`causeWriteCell`,
 * `causeWriteIndex`) of node `n`'s writes from `from` to before `to`, in the order they were made: its
 * list (`DirtyLog.lastWrite`, `writeBefore`) walked from its last write back.
 */
function keptWritesOf(log: DirtyLog, n: number, from: number, to: number, writes: number[]): void {
  writes.length = 0;
  const before = log.writeBefore.a;
  for (let k = log.lastWrite[n]!; k >= from; k = before[k]!) if (k < to) writes.push(k);
  writes.reverse();
}

/** Where the dirty-set pass is in the kept run's deliveries, shortages and orders. */
interface KeptLists {
  delivery: number;
  shortage: number;
  made: number;
  /** Where the kept deliveries and shortages of the period the pass is in end (`periodEnd`). */
  deliveryEnd: number;
  shortageEnd: number;
}

/** For the dirty-set pass: each node's customers (whose orders take from it), and each capacity group's members. */
interface DirtyGraph {
  readonly customerStart: Int32Array;
  readonly customer: Int32Array;
  readonly memberStart: Int32Array;
  readonly member: Int32Array;
}

function walkFlags(nodes: number): WalkFlags {
  return { boundary: new Uint8Array(nodes), feeds: new Uint8Array(nodes), visit: new Int32Array(0) };
}

/**
 * Each network shape's `DirtyGraph`, by its `arcStart`: a patched network shares its arcs, component
 * lines and capacity groups with the flattened network it was made from (`patchFlatNetwork`), so a
 * chain of re-plans from one base builds the graph once (at 60,000 companies some 30–180 ms each).
 */
const dirtyGraphs = new WeakMap<
  Int32Array,
  { readonly shape: readonly unknown[]; readonly graph: DirtyGraph }
>();

/** Each network shape's arcs' buying nodes (`arcBuyers`), by its `arcStart` (see `dirtyGraphs`). */
const arcBuyerCache = new WeakMap<Int32Array, Int32Array>();

/** The buying node of each arc of the network whose arcs by node are `arcStart`, built once per shape. */
function arcBuyerOf(arcStart: Int32Array): Int32Array {
  let buyer = arcBuyerCache.get(arcStart);
  if (buyer === undefined) {
    buyer = arcBuyers(arcStart);
    arcBuyerCache.set(arcStart, buyer);
  }
  return buyer;
}

/** Whether a customer of node `n` comes after it in planning order (`n` is on a cycle). */
function consumedLater(graph: DirtyGraph, n: number): boolean {
  const end = graph.customerStart[n + 1]!;
  return end > graph.customerStart[n]! && graph.customer[end - 1]! >= n;
}

/**
 * Whether `earliestAvailability` reads the same arrays in `a` and `b` (a patched network shares what
 * a patch did not write again with the network it was made from, and a patch never writes in place).
 */
function sameAvailabilityInputs(a: OrderedFlatNetwork, b: OrderedFlatNetwork): boolean {
  return (
    a.order === b.order &&
    a.onHand === b.onHand &&
    a.receipts === b.receipts &&
    a.production === b.production &&
    a.bomStart === b.bomStart &&
    a.bomNode === b.bomNode &&
    a.leadTime === b.leadTime &&
    a.arcStart === b.arcStart &&
    a.arcSupplier === b.arcSupplier &&
    a.arcLeadTime === b.arcLeadTime &&
    a.horizon === b.horizon
  );
}

/** Each network numbering's place of node `n` in `appearance` (its inverse), made once per numbering. */
const appearancePlaceCache = new WeakMap<Int32Array, Int32Array>();

function appearancePlaces(appearance: Int32Array): Int32Array {
  let place = appearancePlaceCache.get(appearance);
  if (place === undefined) {
    place = new Int32Array(appearance.length);
    for (let k = 0; k < appearance.length; k++) place[appearance[k]!] = k;
    appearancePlaceCache.set(appearance, place);
  }
  return place;
}

/** The orders of a network's nodes and arcs a Planner takes from its shape (`shapeOrders`). */
interface ShapeOrders {
  readonly arcShare: Float64Array;
  readonly safetyStock: Float64Array;
  readonly appearance: Int32Array;
  /** The nodes with a safety-stock target, in the order they first appeared in the network. */
  readonly safetyNodes: readonly number[];
  /** Per node, its arcs by share, larger first, ties by position (offsets from `arcStart[n]`). */
  readonly byShare: Int32Array;
  /** The most arcs of a node (at least 1). */
  readonly widest: number;
}

/**
 * Each network shape's `ShapeOrders`, by its `arcStart`, while its shares, targets and appearance
 * are the same arrays: a patched network shares them with the one it was made from, so a re-plan does
 * not sort every node's suppliers again (read-only, shared by every run of the shape).
 */
const shapeOrderCache = new WeakMap<Int32Array, ShapeOrders>();

function shapeOrders(flat: OrderedFlatNetwork): ShapeOrders {
  const known = shapeOrderCache.get(flat.arcStart);
  if (
    known !== undefined &&
    known.arcShare === flat.arcShare &&
    known.safetyStock === flat.safetyStock &&
    known.appearance === flat.appearance
  )
    return known;
  // In the order nodes first appeared in the network (as reports have listed them).
  const safetyNodes: number[] = [];
  for (let k = 0; k < flat.appearance.length; k++) {
    const n = flat.appearance[k]!;
    if (flat.safetyStock[n]! > 0) safetyNodes.push(n);
  }
  const byShare = new Int32Array(flat.arcSupplier.length);
  let widest = 1;
  for (let n = 0; n < flat.nodes; n++) {
    const first = flat.arcStart[n]!;
    const count = flat.arcStart[n + 1]! - first;
    widest = Math.max(widest, count);
    // Insertion sort (a node has a handful of suppliers): larger share first, ties by position.
    for (let k = 0; k < count; k++) {
      let j = k;
      while (j > 0 && flat.arcShare[first + byShare[first + j - 1]!]! < flat.arcShare[first + k]!) {
        byShare[first + j] = byShare[first + j - 1]!;
        j--;
      }
      byShare[first + j] = k;
    }
  }
  const made: ShapeOrders = {
    arcShare: flat.arcShare,
    safetyStock: flat.safetyStock,
    appearance: flat.appearance,
    safetyNodes,
    byShare,
    widest,
  };
  shapeOrderCache.set(flat.arcStart, made);
  return made;
}

/** `f`'s `DirtyGraph`, built once per network shape (`dirtyGraphs`). */
function dirtyGraphOf(f: OrderedFlatNetwork): DirtyGraph {
  const shape = [f.bomStart, f.bomNode, f.arcSupplier, f.groupStart, f.nodeGroup, f.groupId];
  const known = dirtyGraphs.get(f.arcStart);
  if (known?.shape.every((array, k) => array === shape[k])) return known.graph;
  const graph = dirtyGraph(f);
  dirtyGraphs.set(f.arcStart, { shape, graph });
  return graph;
}

function dirtyGraph(f: OrderedFlatNetwork): DirtyGraph {
  const N = f.nodes;
  const G = f.groupId.length;
  const customerStart = new Int32Array(N + 1);
  const memberStart = new Int32Array(G + 1);
  for (let n = 0; n < N; n++) {
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) customerStart[f.bomNode[at]! + 1]!++;
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) customerStart[f.arcSupplier[arc]! + 1]!++;
    for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) memberStart[f.nodeGroup[at]! + 1]!++;
  }
  for (let n = 0; n < N; n++) customerStart[n + 1]! += customerStart[n]!;
  for (let g = 0; g < G; g++) memberStart[g + 1]! += memberStart[g]!;
  const customer = new Int32Array(customerStart[N]!);
  const member = new Int32Array(memberStart[G]!);
  const nextCustomer = customerStart.slice(0, N);
  const nextMember = memberStart.slice(0, G);
  for (let n = 0; n < N; n++) {
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++)
      customer[nextCustomer[f.bomNode[at]!]!++] = n;
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++)
      customer[nextCustomer[f.arcSupplier[arc]!]!++] = n;
    for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++)
      member[nextMember[f.nodeGroup[at]!]!++] = n;
  }
  return { customerStart, customer, memberStart, member };
}

/**
 * Closes `set` over capacity groups (every member of a group with a member in it; a group's use in a
 * period is summed over its members in execution order), from the members from `fresh` on (those before
 * are closed already); the nodes that join are added to `members`.
 */
function closeOverGroups(
  f: OrderedFlatNetwork,
  graph: DirtyGraph,
  set: Uint8Array,
  groups: Uint8Array,
  members: number[],
  fresh: number,
): void {
  for (let k = fresh; k < members.length; k++) {
    const n = members[k]!;
    for (let at = f.groupStart[n]!; at < f.groupStart[n + 1]!; at++) {
      const g = f.nodeGroup[at]!;
      if (groups[g] === 1) continue;
      groups[g] = 1;
      for (let m = graph.memberStart[g]!; m < graph.memberStart[g + 1]!; m++) {
        const member = graph.member[m]!;
        if (set[member] === 1) continue;
        set[member] = 1;
        members.push(member);
      }
    }
  }
}

/**
 * Per node of the set (closed over groups), the kept checkpoint at or before the first
 * period in which it or anything below it in the set, or in one of its capacity groups, differs
 * (`firstOf`): suppliers before customers (execution order), groups until nothing moves.
 */
function coneStarts(f: OrderedFlatNetwork, run: DirtyRun, firstOf: Int32Array): Int32Array {
  const { set, members, graph, groups } = run;
  const rank = run.kept.rank;
  const first = new Int32Array(f.nodes);
  for (const n of members) first[n] = firstOf[n]!;
  const order = [...members].sort((a, b) => rank[a]! - rank[b]!);
  for (let moved = true; moved; ) {
    moved = false;
    for (const n of order) {
      let least = first[n]!;
      for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++)
        if (set[f.bomNode[at]!] === 1) least = Math.min(least, first[f.bomNode[at]!]!);
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++)
        if (set[f.arcSupplier[arc]!] === 1) least = Math.min(least, first[f.arcSupplier[arc]!]!);
      first[n] = least;
    }
    for (let g = 0; g < groups.length; g++) {
      if (groups[g] !== 1) continue;
      let least = f.horizon;
      for (let m = graph.memberStart[g]!; m < graph.memberStart[g + 1]!; m++)
        least = Math.min(least, first[graph.member[m]!]!);
      for (let m = graph.memberStart[g]!; m < graph.memberStart[g + 1]!; m++) {
        if (first[graph.member[m]!]! > least) {
          first[graph.member[m]!] = least;
          moved = true;
        }
      }
    }
  }
  const start = new Int32Array(f.nodes);
  for (const n of members) start[n] = checkpointAtOrBefore(run.previous, first[n]!);
  return start;
}

/**
 * Node `n`'s entries of a checkpoint's arrivals (`sparse`, one entry per cell), in the order kept (the
 * sum of a cell is made in that order): by binary search, as the entries are sorted, by cell
 * (period-major, `sparseCells`) or, with `byNode`, by node and then period (`catchUpCells`). A lookup
 * per node and period the set needs, where an index of every entry by node cost a pass over the
 * network's arrivals at each checkpoint.
 */
function arrivalsOf(sparse: SparseCells, N: number, n: number, byNode: boolean): number[] {
  const { cells } = sparse;
  const count = cells.length;
  const entries: number[] = [];
  if (count === 0) return entries;
  // The first entry whose key (the cell, or its node) is at least `key`, from `low` on.
  const lowerBound = (low: number, key: number): number => {
    let high = count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((byNode ? cells[middle]! % N : cells[middle]!) < key) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  if (byNode) {
    for (let k = lowerBound(0, n); k < count && cells[k]! % N === n; k++) entries.push(k);
    return entries;
  }
  let k = 0;
  const last = Math.floor(cells[count - 1]! / N);
  for (let p = Math.floor(cells[0]! / N); p <= last && k < count; p++) {
    k = lowerBound(k, p * N + n);
    if (k < count && cells[k] === p * N + n) entries.push(k);
  }
  return entries;
}

/**
 * The end of period `t`'s entries in `list` (in period order) from `at` on, where the entries before
 * `at` are of earlier periods: the first entry of a later period, by binary search.
 */
function periodEnd(list: readonly { readonly period: number }[], at: number, t: number): number {
  let low = at;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]!.period <= t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The first position in `low` … `end` − 1 at which `before` is false (`end` for none), where it is true
 * at every position before that one: galloping from `low` (1, 2, 4, … ahead: in a dirty-set pass the
 * next node of the set is mostly near), then binary search over the last step.
 */
function firstNotBefore(low: number, end: number, before: (at: number) => boolean): number {
  let high = low;
  for (let step = 1; high < end && before(high); step *= 2) {
    low = high + 1;
    high = low + step;
  }
  high = Math.min(high, end);
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (before(middle)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The first position in `low` … `end` − 1 of `nodes` (in rank order) whose node's rank is `rankOf` or more. */
function firstOfRank(nodes: Int32Array, rank: Int32Array, low: number, end: number, rankOf: number): number {
  return firstNotBefore(low, end, (at) => rank[nodes[at]!]! < rankOf);
}

/** The first position in `low` … `high` − 1 of ascending `values` that holds `key` or more (`high` if none). */
function firstAtLeast(values: Int32Array, low: number, high: number, key: number): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < key) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The latest checkpoint of `run` at or before `period`, or 0. */
function checkpointAtOrBefore(run: Planner, period: number): number {
  let resume = 0;
  for (const checkpoint of run.checkpoints) if (checkpoint.period <= period) resume = checkpoint.period;
  return resume;
}
