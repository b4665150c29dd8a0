/**
 * @module planning/flat-patch
 * A re-plan's flattened network made from the kept run's instead of flattening the network again.
 * The planning events (`events.ts`) change four sections of a network and share every record they do
 * not change with the network they were applied to: production records (capacity and maximum
 * capacity: `capacity.changed`, `supplier.down`), capacity groups (the same), end demand
 * (`demand.changed`, `demand.added`) and open orders (`order.opened`, `order.changed`,
 * `order.closed`). `patchFlatNetwork` finds the records that differ from before (the same object is
 * the same record; others, as in a network read again from a store, are compared by value) and
 * writes again the rows of the nodes and groups they belong to, exactly as `flattenNetwork` writes
 * them (the same sums in the same order, so the values are the same to the bit); every other array is
 * the kept run's own, shared, not copied (the planner never writes into a flattened network).
 *
 * Anything else that differs (an item's unit, a sourcing rule, a lead time, a bill of materials, an
 * order or demand of a company and item that is not a node, or no longer would be) is not patched:
 * the answer is the reason, and the caller flattens the network again. Patching is therefore never
 * wrong, only sometimes not possible; the tests compare it with `flattenForPlanning` field by field.
 */
import type { CapacityGroup, Network, Production } from '../model/schema.ts';
import { valueAt } from '../model/schema.ts';
import { err, ok, type Result } from '../result.ts';
import { Arena } from './arena.ts';
import { CAPACITY_SPARE_ROWS, makerRows, type OrderedFlatNetwork } from './flatten.ts';

/** A flattened network after a change, and where it differs from the one it was patched from. */
export interface FlatPatch {
  readonly flat: OrderedFlatNetwork;
  /** Per node: 1 where its capacity, maximum capacity, end demand or scheduled receipts were written again. */
  readonly nodes: Uint8Array;
  /** Per capacity group: 1 where its capacity or maximum was written again. */
  readonly groups: Uint8Array;
}

/** Where records are in a node numbering, and which nodes production or sourcing makes (their numbers never move). */
class NodeIndex {
  /** The node of each production record. */
  readonly recordNode: Int32Array;
  /** 1 for a node that makes, buys, is a component or is a supplier. */
  readonly anchored: Uint8Array;
  /** True when some node has more than one production record (the last one counts). */
  readonly duplicates: boolean;
  private byCompany: Map<string, Map<string, number>> | undefined;
  private scans = 0;

  constructor(
    private readonly flat: OrderedFlatNetwork,
    records: number,
  ) {
    this.recordNode = new Int32Array(records).fill(-1);
    this.anchored = new Uint8Array(flat.nodes);
    for (let n = 0; n < flat.nodes; n++) {
      const record = flat.production[n]!;
      if (record >= 0 && record < records) this.recordNode[record] = n;
      if (record >= 0 || flat.arcStart[n + 1]! > flat.arcStart[n]!) this.anchored[n] = 1;
    }
    // (Indexed: run once, an iterator over a typed array would allocate a result object per element.)
    for (let at = 0; at < flat.bomNode.length; at++) this.anchored[flat.bomNode[at]!] = 1;
    for (let arc = 0; arc < flat.arcSupplier.length; arc++) this.anchored[flat.arcSupplier[arc]!] = 1;
    this.duplicates = this.recordNode.includes(-1);
  }

  /**
   * The node of a company and item, or −1. A few look-ups scan the names (an event or two touch a
   * node or two); after that a map of every node pays off.
   */
  node(company: string, item: string): number {
    const { flat } = this;
    if (this.byCompany === undefined && this.scans < SCANS_BEFORE_MAP) {
      this.scans++;
      for (let n = 0; n < flat.nodes; n++) if (flat.item[n] === item && flat.company[n] === company) return n;
      return -1;
    }
    if (this.byCompany === undefined) {
      this.byCompany = new Map();
      for (let n = 0; n < flat.nodes; n++) {
        let items = this.byCompany.get(flat.company[n]!);
        if (items === undefined) {
          items = new Map();
          this.byCompany.set(flat.company[n]!, items);
        }
        items.set(flat.item[n]!, n);
      }
    }
    return this.byCompany.get(company)?.get(item) ?? -1;
  }
}

const SCANS_BEFORE_MAP = 16;

// One index per node numbering; a patched network shares its numbering with the one it came from.
const indexes = new WeakMap<OrderedFlatNetwork, NodeIndex>();

function nodeIndex(flat: OrderedFlatNetwork, records: number): NodeIndex {
  const known = indexes.get(flat);
  if (known !== undefined && known.recordNode.length === records) return known;
  const index = new NodeIndex(flat, records);
  indexes.set(flat, index);
  return index;
}

/**
 * The flattened network of `after`, made from `flat` (the flattened `before`) by writing again only
 * what differs; or why that cannot be done (then flatten `after` whole).
 */
export function patchFlatNetwork(
  flat: OrderedFlatNetwork,
  before: Network,
  after: Network,
): Result<FlatPatch, string> {
  if (before.horizon !== after.horizon) return err('the horizon changed');
  for (const section of ['items', 'sourcing', 'inventory'] as const) {
    if (!sameRecords(before[section], after[section])) return err(`the ${section} changed`);
  }
  const index = nodeIndex(flat, before.production?.length ?? 0);
  const H = flat.horizon;
  const nodes = new Uint8Array(flat.nodes);
  const groups = new Uint8Array(flat.groupId.length);
  const node = (company: string, item: string) => index.node(company, item);

  // Production records: only capacity and maximum capacity may differ.
  const oldProduction = before.production ?? [];
  const newProduction = after.production ?? [];
  if (oldProduction.length !== newProduction.length) return err('production records were added or removed');
  let capacityChanged = false;
  for (let i = 0; i < newProduction.length; i++) {
    const was = oldProduction[i]!;
    const is = newProduction[i]!;
    if (sameValue(was, is)) continue;
    if (!sameProductionButCapacity(was, is)) return err(`production record ${i} changed beyond its capacity`);
    const n = index.recordNode[i]!;
    if (n < 0 || index.duplicates) return err(`production record ${i} is not the only one of its node`);
    nodes[n] = 1;
    capacityChanged = true;
  }
  let { capacity, maximumCapacity, capacityRow } = flat;
  if (capacityChanged) {
    ({ capacity, maximumCapacity, capacityRow } = capacityRowsFor(flat, nodes));
    // The record of a changed node again, as flattenNetwork writes it (it is its node's only one).
    for (let n = 0; n < flat.nodes; n++) {
      if (nodes[n] === 1) {
        const base = capacityRow[n]! * H;
        capacity.fill(0, base, base + H);
        maximumCapacity.fill(Number.NaN, base, base + H);
      }
    }
    for (let i = 0; i < newProduction.length; i++) {
      const record = newProduction[i]!;
      const n = index.recordNode[i]!;
      if (nodes[n] !== 1) continue;
      const base = capacityRow[n]! * H;
      for (let t = 0; t < H; t++) {
        capacity[base + t] = valueAt(record.capacity, t);
        if (record.maximumCapacity !== undefined)
          maximumCapacity[base + t] = valueAt(record.maximumCapacity, t);
      }
    }
  }

  // Capacity groups: only capacity and maximum capacity may differ.
  const oldGroups = before.capacityGroups ?? [];
  const newGroups = after.capacityGroups ?? [];
  if (oldGroups.length !== newGroups.length) return err('capacity groups were added or removed');
  let groupCapacity = flat.groupCapacity;
  let groupMaximum = flat.groupMaximum;
  for (let g = 0; g < newGroups.length; g++) {
    const was = oldGroups[g]!;
    const is = newGroups[g]!;
    if (sameValue(was, is)) continue;
    if (!sameGroupButCapacity(was, is)) return err(`capacity group ${g} changed beyond its capacity`);
    if (groupCapacity === flat.groupCapacity) {
      groupCapacity = copyRows(flat.groupCapacity);
      groupMaximum = copyRows(flat.groupMaximum);
    }
    groups[g] = 1;
    for (let t = 0; t < H; t++) {
      groupCapacity[g * H + t] = valueAt(is.capacity, t);
      groupMaximum[g * H + t] =
        is.maximumCapacity === undefined ? Number.NaN : valueAt(is.maximumCapacity, t);
    }
  }

  // End demand and open orders: records added, replaced or removed; their nodes' rows summed again.
  const demandNodes = touchedNodes(before.demand ?? [], after.demand ?? [], node, index.anchored);
  if (!demandNodes.ok) return err(`demand: ${demandNodes.error}`);
  const orderNodes = touchedNodes(before.openOrders ?? [], after.openOrders ?? [], node, index.anchored);
  if (!orderNodes.ok) return err(`open orders: ${orderNodes.error}`);
  // Rows summed again from every record of the node in list order, as flattenNetwork sums them.
  const endDemand = rewriteRows(
    flat.endDemand,
    demandNodes.value,
    after.demand ?? [],
    (rows, base, record) => {
      const last = Math.min(H, record.quantities.length);
      for (let t = 0; t < last; t++) rows[base + t] = rows[base + t]! + (record.quantities[t] ?? 0);
    },
  );
  const receipts = rewriteRows(
    flat.receipts,
    orderNodes.value,
    after.openOrders ?? [],
    (rows, base, record) => {
      if (record.due < H) rows[base + record.due] = rows[base + record.due]! + record.quantity;
    },
  );
  for (const n of demandNodes.value) nodes[n] = 1;
  for (const n of orderNodes.value) nodes[n] = 1;

  /** `rows` with the rows of `touched` nodes zeroed and `add`ed again from their records; `rows` itself when none. */
  function rewriteRows<R extends { company: string; item: string }>(
    rows: Float64Array,
    touched: Set<number>,
    records: readonly R[],
    add: (rows: Float64Array, base: number, record: R) => void,
  ): Float64Array {
    if (touched.size === 0) return rows;
    const written = copyRows(rows);
    const companies = new Set<string>();
    for (const n of touched) {
      written.fill(0, n * H, n * H + H);
      companies.add(flat.company[n]!);
    }
    for (const record of records) {
      // The company first: a million open orders need no node look-up each.
      if (!companies.has(record.company)) continue;
      const n = node(record.company, record.item);
      if (touched.has(n)) add(written, n * H, record);
    }
    return written;
  }
  const patched: OrderedFlatNetwork = {
    ...flat,
    capacity,
    maximumCapacity,
    capacityRow,
    groupCapacity,
    groupMaximum,
    endDemand,
    receipts,
  };
  indexes.set(patched, index);
  return ok({ flat: patched, nodes, groups });
}

/**
 * The same plain data (what a network's records are): the same object, or equal numbers, strings and
 * booleans, arrays of the same values, objects with the same keys and values. A network read again
 * from a store shares no objects with the one read before, so records are compared by value where
 * they are not the same object; a difference such as a key present as undefined only costs a row
 * written again, never a wrong one.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) if (!(key in right) || !sameValue(left[key], right[key])) return false;
  return true;
}

/** The same list: the same array, or the same records (by value) in the same order. */
function sameRecords(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  if (a === b) return true;
  const left = a ?? [];
  const right = b ?? [];
  if (left.length !== right.length) return false;
  for (let i = 0; i < left.length; i++) if (!sameValue(left[i], right[i])) return false;
  return true;
}

function sameProductionButCapacity(a: Production, b: Production): boolean {
  if (
    a.company !== b.company ||
    a.item !== b.item ||
    a.leadTime !== b.leadTime ||
    a.yield !== b.yield ||
    a.lotSize?.minimum !== b.lotSize?.minimum ||
    a.lotSize?.multiple !== b.lotSize?.multiple
  )
    return false;
  if (a.bom === b.bom) return true;
  const left = a.bom ?? [];
  const right = b.bom ?? [];
  if (left.length !== right.length) return false;
  return left.every((line, k) => line.item === right[k]!.item && line.quantity === right[k]!.quantity);
}

function sameGroupButCapacity(a: CapacityGroup, b: CapacityGroup): boolean {
  if (a.id !== b.id || a.company !== b.company) return false;
  if (a.items === b.items) return true;
  if (a.items.length !== b.items.length) return false;
  return a.items.every((line, k) => line.item === b.items[k]!.item && line.load === b.items[k]!.load);
}

/**
 * The nodes of the records that differ between `before` and `after` (added, replaced, removed). The
 * records the two lists share are matched in order (a greedy walk: a record left out of `after` is
 * skipped, any other mismatch counts as a replacement), so for every node not returned, its records
 * are the same objects in the same order in both lists, and its sums are the same. A record whose
 * company and item is not a node, or a node that production and sourcing do not make a node of (it
 * might be numbered otherwise, or disappear, in a fresh flattening), cannot be patched.
 */
function touchedNodes(
  before: readonly { company: string; item: string }[],
  after: readonly { company: string; item: string }[],
  node: (company: string, item: string) => number,
  anchored: Uint8Array,
): Result<Set<number>, string> {
  const touched = new Set<number>();
  let problem: string | undefined;
  const touch = (record: { company: string; item: string }) => {
    const n = node(record.company, record.item);
    if (n < 0 || anchored[n] !== 1)
      problem ??= `${record.company}/${record.item} is not a node that makes or buys`;
    else touched.add(n);
  };
  if (before === after) return ok(touched);
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    if (sameValue(before[i], after[j])) {
      i++;
      j++;
    } else if (i + 1 < before.length && sameValue(before[i + 1], after[j])) {
      touch(before[i]!);
      i++;
    } else {
      touch(before[i]!);
      touch(after[j]!);
      i++;
      j++;
    }
  }
  for (; i < before.length; i++) touch(before[i]!);
  for (; j < after.length; j++) touch(after[j]!);
  return problem === undefined ? ok(touched) : err(problem);
}

/**
 * The first spare row not taken yet, per `capacity` array that patches have written into: every
 * network patched from the same one shares its arrays, and a row one of them took is never written
 * again (a run that reads it may live).
 */
const spareTaken = new WeakMap<Float64Array, number>();

/**
 * Capacity arrays and row numbers in which the rows of the `changed` nodes may be written: the same
 * arrays with those nodes pointed at spare rows not taken yet (their other rows stay as they are, read
 * by the runs of `flat`), or, when the spare rows are used up, copies with every node's row in its
 * place (`makerRows`) again and `CAPACITY_SPARE_ROWS` new spare rows.
 */
function capacityRowsFor(
  flat: OrderedFlatNetwork,
  changed: Uint8Array,
): { capacity: Float64Array; maximumCapacity: Float64Array; capacityRow: Int32Array } {
  const H = flat.horizon;
  const N = flat.nodes;
  let wanted = 0;
  for (let n = 0; n < N; n++) wanted += changed[n]!;
  const rows = flat.capacity.length / H;
  // Before any patch, the spare rows start after the rows the nodes read.
  let next = spareTaken.get(flat.capacity) ?? rowsRead(flat.capacityRow);
  if (next + wanted <= rows) {
    const capacityRow = flat.capacityRow.slice();
    for (let n = 0; n < N; n++) if (changed[n] === 1) capacityRow[n] = next++;
    spareTaken.set(flat.capacity, next);
    return { capacity: flat.capacity, maximumCapacity: flat.maximumCapacity, capacityRow };
  }
  const placed = makerRows(flat.production);
  const cells = (placed.rows + CAPACITY_SPARE_ROWS) * H;
  return {
    capacity: rowsOf(flat, flat.capacity, placed.capacityRow, cells),
    maximumCapacity: rowsOf(flat, flat.maximumCapacity, placed.capacityRow, cells),
    capacityRow: placed.capacityRow,
  };
}

/** One more than the highest row of `capacityRow`. */
function rowsRead(capacityRow: Int32Array): number {
  let highest = -1;
  for (let n = 0; n < capacityRow.length; n++) highest = Math.max(highest, capacityRow[n]!);
  return highest + 1;
}

/** A new array of `cells` with node n's row of `rows` (at `flat.capacityRow[n]`) at `capacityRow[n]`. */
function rowsOf(
  flat: OrderedFlatNetwork,
  rows: Float64Array,
  capacityRow: Int32Array,
  cells: number,
): Float64Array {
  const H = flat.horizon;
  const copy = cells * 8 < 1024 * 1024 ? new Float64Array(cells) : Arena.sized(cells * 8).f64(cells);
  for (let n = 0; n < flat.nodes; n++) {
    const from = flat.capacityRow[n]! * H;
    const to = capacityRow[n]! * H;
    for (let t = 0; t < H; t++) copy[to + t] = rows[from + t]!;
  }
  return copy;
}

/**
 * A copy of `rows`, a large one in an arena of its own (arena.ts): at 60,000 companies a capacity row set
 * is 116 MB, and as a plain array buffer each copy set off a full collection of the whole network model.
 */
function copyRows(rows: Float64Array): Float64Array {
  if (rows.byteLength < 1024 * 1024) return rows.slice();
  const copy = Arena.sized(rows.byteLength).f64(rows.length);
  copy.set(rows);
  return copy;
}
