/**
 * @module bench/plan-cone
 * How much of the execution pass (pass 2) the bench's re-plan reaches, and how large the dirty set of
 * an incremental pass 2 would be (docs/planning.md, "The dirty set measured"). Plans the
 * generated network and the network after bench:plan's change (the first component maker's capacity
 * halved from period 10) in full, hashes every node's pass-2 state at the end of every period, and
 * prints: the nodes whose pass-1 rows (what pass 2 reads of the plan) differ, the nodes whose pass-2
 * state differs in some period, the upward cone of each (every customer of a node in the set, to the
 * OEMs), and the node steps an incremental pass 2 would run from each node's first differing period
 * (or from the checkpoint before it). Reads the planner's internals: a measuring tool, not an API.
 *
 * Usage: node --import tsx bench/plan-cone.ts [COMPANIES...]   (default 6000)
 */
import { applyPlanningEvents, generateNetwork, type Network, planNetworkRun } from '@keten/core';
import { SEED } from './machine.ts';

/** The planner's internals this script reads (plan.ts, `Planner`). */
interface Internals {
  H: number;
  flat: {
    nodes: number;
    order: Int32Array;
    bomStart: Int32Array;
    bomNode: Int32Array;
    arcStart: Int32Array;
    arcSupplier: Int32Array;
    capacity: Float64Array;
    capacityRow: Int32Array;
  };
  gross: Float64Array;
  productionAt: Int32Array;
  purchaseAt: Int32Array;
  orderStartQuantity: { a: Float64Array };
  pendingStart: Float64Array;
  pendingShip: Float64Array;
  nodeFields(): Float64Array[];
  noteSafetyStockDraws(t: number): void;
}

/** Hashes of every node's pass-2 state at the end of every period (`t * nodes + n`) of the plan being made. */
let hashes: Uint32Array | undefined;
let collecting = false;
/** Change-log entries the plan being made would need: node-periods whose pendingStart, arc-periods whose pendingShip changed. */
const changes = {
  pendingStart: 0,
  pendingShip: 0,
  lastStart: new Float64Array(0),
  lastShip: new Float64Array(0),
};

/** Wraps the planner's end-of-period step so that it hashes the state into `hashes`. */
function instrument(network: Network): void {
  const prototype = Object.getPrototypeOf(planNetworkRun(network, { pegging: false }).state) as Internals;
  const original = prototype.noteSafetyStockDraws;
  const words = new Uint32Array(2);
  const float = new Float64Array(words.buffer);
  const mix = (h: number, value: number) => {
    float[0] = value;
    h = Math.imul(h ^ words[0]!, 0x9e3779b1);
    return Math.imul(h ^ words[1]!, 0x85ebca6b) >>> 0;
  };
  prototype.noteSafetyStockDraws = function (this: Internals, t: number) {
    original.call(this, t);
    if (!collecting) return;
    const f = this.flat;
    if (hashes === undefined) {
      hashes = new Uint32Array(f.nodes * this.H);
      changes.pendingStart = 0;
      changes.pendingShip = 0;
      changes.lastStart = new Float64Array(f.nodes);
      changes.lastShip = new Float64Array(this.pendingShip.length);
    }
    for (let n = 0; n < f.nodes; n++) {
      if (this.pendingStart[n] === changes.lastStart[n]) continue;
      changes.pendingStart++;
      changes.lastStart[n] = this.pendingStart[n]!;
    }
    for (let arc = 0; arc < this.pendingShip.length; arc++) {
      if (this.pendingShip[arc] === changes.lastShip[arc]) continue;
      changes.pendingShip++;
      changes.lastShip[arc] = this.pendingShip[arc]!;
    }
    // A checkpoint's per-node fields (stock, waiting to start, in flight, started so far, owed,
    // backlog, ratio), without the two a rationing leaves for its causes.
    const fields = this.nodeFields().slice(0, 7);
    for (let n = 0; n < f.nodes; n++) {
      let h = 17;
      for (const field of fields) h = mix(h, field[n]!);
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) h = mix(h, this.pendingShip[arc]!);
      hashes[t * f.nodes + n] = h;
    }
  };
}

function collected(): Uint32Array {
  if (hashes === undefined) throw new Error('the execution pass was not instrumented');
  return hashes;
}

function planned(network: Network): { state: Internals; hashes: Uint32Array } {
  hashes = undefined;
  collecting = true;
  const run = planNetworkRun(network, { pegging: false });
  collecting = false;
  return { state: run.state as Internals, hashes: collected() };
}

/** The first period in which node `n`'s pass-1 rows (what pass 2 reads of the plan) differ, or H. */
function firstRowDifference(a: Internals, b: Internals, n: number): number {
  const H = a.H;
  const quantity = (run: Internals, slot: number) => (slot > 0 ? run.orderStartQuantity.a[slot - 1]! : 0);
  let first = H;
  for (let t = 0; t < H; t++) {
    const at = n * H + t;
    if (
      quantity(a, a.productionAt[at]!) !== quantity(b, b.productionAt[at]!) ||
      a.gross[at] !== b.gross[at] ||
      a.flat.capacity[a.flat.capacityRow[n]! * H + t] !== b.flat.capacity[b.flat.capacityRow[n]! * H + t]
    ) {
      first = t;
      break;
    }
  }
  for (let arc = a.flat.arcStart[n]!; arc < a.flat.arcStart[n + 1]!; arc++) {
    for (let t = 0; t < first; t++) {
      if (quantity(a, a.purchaseAt[arc * H + t]!) !== quantity(b, b.purchaseAt[arc * H + t]!)) first = t;
    }
  }
  return first;
}

/**
 * Every customer of a node with a first period below H gets at most that period (it reads the node's
 * state from then on), to the OEMs: `first` is updated in place; the nodes reached are counted.
 */
function closeUpwards(state: Internals, first: Int32Array): void {
  const f = state.flat;
  // Suppliers come after their customers in `order`: walking it backwards reaches every supplier
  // before its customers, so one walk closes the set.
  for (let i = f.order.length - 1; i >= 0; i--) {
    const n = f.order[i]!;
    let earliest = first[n]!;
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++)
      earliest = Math.min(earliest, first[f.bomNode[at]!]!);
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++)
      earliest = Math.min(earliest, first[f.arcSupplier[arc]!]!);
    first[n] = earliest;
  }
}

/** Node steps from the checkpoint before each node's first period. */
function steps(first: Int32Array, H: number, spacing: number): number {
  let count = 0;
  for (const period of first) if (period < H) count += H - Math.floor(period / spacing) * spacing;
  return count;
}

function summary(label: string, first: Int32Array, H: number, spacing: number): string {
  let nodes = 0;
  let steps = 0;
  let fromCheckpoint = 0;
  for (const period of first) {
    if (period >= H) continue;
    nodes++;
    steps += H - period;
    fromCheckpoint += H - Math.floor(period / spacing) * spacing;
  }
  const share = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)} %`;
  const all = first.length * H;
  return (
    `${label}: ${nodes.toLocaleString('en')} of ${first.length.toLocaleString('en')} nodes (${share(nodes, first.length)}), ` +
    `node steps from the first differing period ${steps.toLocaleString('en')} (${share(steps, all)}), ` +
    `from the checkpoint before it ${fromCheckpoint.toLocaleString('en')} (${share(fromCheckpoint, all)})`
  );
}

const sizes = process.argv.slice(2).map(Number);
for (const companies of sizes.length > 0 ? sizes : [6_000]) {
  const network = generateNetwork({ companies, seed: SEED, horizon: 52 });
  const record = (network.production ?? []).find((entry) => entry.item.startsWith('cmp-'))!;
  const base = typeof record.capacity === 'number' ? record.capacity : Math.max(...record.capacity);
  const changed = applyPlanningEvents(network, [
    {
      type: 'capacity.changed',
      payload: { company: record.company, item: record.item, from: 10, capacity: Math.round(base / 2) },
    },
  ]);
  if (!changed.ok) throw new Error('the capacity change was refused');
  instrument(network);
  const before = planned(network);
  const kept = { pendingStart: changes.pendingStart, pendingShip: changes.pendingShip };
  const after = planned(changed.value.network);
  const a = before.state;
  const b = after.state;
  const N = a.flat.nodes;
  const H = a.H;
  // As plan.ts's checkpointSpacing: 5 checkpoints over the horizon (9, 18, ... of 52).
  const spacing = Math.max(1, Math.ceil(H / 6));
  const rows = new Int32Array(N).fill(H);
  const state = new Int32Array(N).fill(H);
  let nodePeriods = 0;
  for (let n = 0; n < N; n++) {
    rows[n] = firstRowDifference(a, b, n);
    for (let t = 0; t < H; t++) {
      if (before.hashes[t * N + n] === after.hashes[t * N + n]) continue;
      nodePeriods++;
      state[n] = Math.min(state[n]!, t);
    }
  }
  console.log(`${companies} companies, ${N.toLocaleString('en')} nodes, ${H} periods`);
  console.log(summary('  pass-1 rows differ', rows, H, spacing));
  console.log(summary('  pass-2 state differs', state, H, spacing));
  console.log(`    node-periods whose state differs: ${nodePeriods.toLocaleString('en')}`);
  const rowsCone = rows.slice();
  closeUpwards(a, rowsCone);
  console.log(summary('  upward cone of the rows that differ', rowsCone, H, spacing));
  const union = new Int32Array(N);
  for (let n = 0; n < N; n++) union[n] = Math.min(rows[n]!, state[n]!);
  closeUpwards(a, union);
  console.log(summary('  upward cone of rows and state that differ', union, H, spacing));
  // The clean suppliers and components of the cone: what its nodes read of them must come from the
  // kept run (their stock and ratio after their own step, in every period from the cone's first).
  const boundary = new Int32Array(N).fill(H);
  const f = a.flat;
  for (let n = 0; n < N; n++) {
    if (union[n]! >= H) continue;
    const reach = (s: number) => {
      if (union[s]! >= H) boundary[s] = Math.min(boundary[s]!, union[n]!);
    };
    for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) reach(f.bomNode[at]!);
    for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) reach(f.arcSupplier[arc]!);
  }
  console.log(summary('  clean suppliers of the cone (the boundary)', boundary, H, spacing));
  // The fixpoint a dirty pass would reach by restarts: the cone of the rows that differ first; then, in
  // each round, every clean supplier of the set whose state does differ (a dirty customer wrote
  // something else to it) joins with its cone. Counts the rounds and the node steps run over all.
  const dirty = rowsCone.slice();
  let rounds = 1;
  let run = steps(dirty, H, spacing);
  for (;;) {
    let added = 0;
    for (let n = 0; n < N; n++) {
      if (dirty[n]! >= H) continue;
      const join = (s: number) => {
        if (dirty[s]! < H || state[s]! >= H) return;
        dirty[s] = state[s]!;
        added++;
      };
      for (let at = f.bomStart[n]!; at < f.bomStart[n + 1]!; at++) join(f.bomNode[at]!);
      for (let arc = f.arcStart[n]!; arc < f.arcStart[n + 1]!; arc++) join(f.arcSupplier[arc]!);
    }
    if (added === 0) break;
    closeUpwards(a, dirty);
    rounds++;
    run += steps(dirty, H, spacing);
  }
  let missed = 0;
  for (let n = 0; n < N; n++) if (state[n]! < H && dirty[n]! >= H) missed++;
  console.log(summary(`  fixpoint by restarts (${rounds} rounds)`, dirty, H, spacing));
  console.log(
    `    node steps over all rounds, each from the checkpoint before: ${run.toLocaleString('en')} (${((100 * run) / (N * H)).toFixed(2)} %); nodes whose state differs left out: ${missed}`,
  );
  const cells = N * H;
  const arcCells = f.arcSupplier.length * H;
  console.log(
    `  kept run: pendingStart changed in ${kept.pendingStart.toLocaleString('en')} of ${cells.toLocaleString('en')} node-periods, ` +
      `pendingShip in ${kept.pendingShip.toLocaleString('en')} of ${arcCells.toLocaleString('en')} arc-periods`,
  );
}
