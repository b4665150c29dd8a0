/**
 * @module planning/orders
 * A plan's orders as typed columns. A 60,000-company network plans some 13 million orders: as objects
 * with id strings they took about 5 GB and a third of the planning time (most of it the garbage
 * collector walking them). The table holds numbers and indices into the network's name arrays; an
 * order object is built only when someone reads it (`at`, iteration), and such short-lived objects
 * cost the collector next to nothing. Plain arrays of `PlannedOrder` are `OrderList`s too, so a plan
 * read back from JSON or written by hand in a test works everywhere a planned one does.
 */
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

/** The orders of a plan: an array of `PlannedOrder`, or the planner's `OrderTable`. */
export interface OrderList extends Iterable<PlannedOrder> {
  readonly length: number;
  at(index: number): PlannedOrder | undefined;
}

/** An order's row in columns: its arc (or node), start and quantities. */
export interface OrderRows {
  /** A purchase's arc, or −1 − n for production at node n (`orderNode`). */
  readonly arc: Int32Array;
  readonly start: Int32Array;
  /** What arrives. */
  readonly quantity: Float64Array;
  /** What production starts (a purchase's is its quantity). */
  readonly startQuantity: Float64Array;
}

/**
 * The columns of an `OrderTable`: the planner's own order columns, read where they are (copying 13
 * million orders into a table of their own was fresh memory and a second of a 60,000-company plan),
 * with `index` naming the rows that are in the plan.
 */
export interface OrderColumns extends OrderRows {
  /** Per node: the company and the item (the planner's flattened network). */
  readonly company: readonly string[];
  readonly item: readonly string[];
  /** Per node: the production lead time. */
  readonly leadTime: Int32Array;
  /** Per arc: the supplier's node (its company is the supplier) and the lane's lead time. */
  readonly arcSupplier: Int32Array;
  readonly arcLeadTime: Int32Array;
  /** Per arc: the buying node (`arcBuyers`), whose company and item a purchase's are. */
  readonly arcBuyer: Int32Array;
  /**
   * The plan's orders, in order: `index[i]` is the row of order i in these columns, or, below 0, row
   * −1 − `index[i]` of `kept`.
   */
  readonly index: Int32Array;
  /**
   * A re-plan's: the columns of the run it was re-planned from, where the orders of the nodes it left
   * as they were are (not copied; docs/planning.md "Finals by owner").
   */
  readonly kept?: OrderRows;
  /**
   * A re-plan's plan in parts instead of one `index` (docs/planning.md "The plan's orders in parts"):
   * stretches of the kept run's plan's index, shared rather than copied, between stretches of its own.
   */
  readonly parts?: OrderParts;
}

/**
 * The plan's orders as consecutive parts: part k holds orders `starts[k]` … `starts[k + 1]` − 1, the
 * entries `indexes[k][offsets[k]]` … of an index array; entries of a part with `kept[k]` 1 are rows of
 * the table's `kept` columns (a stretch of the kept run's own plan's index), of any other part entries
 * as in `index`.
 */
export interface OrderParts {
  readonly starts: Int32Array;
  readonly indexes: readonly Int32Array[];
  readonly offsets: Int32Array;
  readonly kept: Uint8Array;
}

/**
 * The planner's orders, column by column; read-only. Two tables are equal (`toEqual`) when their
 * orders are: the columns are a private field, so tests compare the orders as iterated, not rows of
 * the planner's columns that are not in the plan.
 */
export class OrderTable implements OrderList {
  readonly length: number;
  readonly #columns: OrderColumns;
  /** The part the last order read was in (`parts`): orders are mostly read in order. */
  #part = 0;

  constructor(columns: OrderColumns) {
    this.#columns = columns;
    const parts = columns.parts;
    this.length = parts === undefined ? columns.index.length : parts.starts[parts.starts.length - 1]!;
  }

  /** The part of `parts` that holds order `i`. */
  #partOf(parts: OrderParts, i: number): number {
    const { starts } = parts;
    let k = this.#part;
    if (i >= starts[k]! && i < starts[k + 1]!) return k;
    let low = 0;
    let high = starts.length - 2;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (starts[middle]! <= i) low = middle;
      else high = middle - 1;
    }
    k = low;
    this.#part = k;
    return k;
  }

  /** Order `i`'s entry: a row of the columns, or below 0 row −1 − entry of `kept`. */
  #entry(i: number): number {
    const parts = this.#columns.parts;
    if (parts === undefined) return this.#columns.index[i]!;
    const k = this.#partOf(parts, i);
    const entry = parts.indexes[k]![parts.offsets[k]! + i - parts.starts[k]!]!;
    return parts.kept[k] === 1 ? -1 - entry : entry;
  }

  at(index: number): PlannedOrder | undefined {
    const i = index < 0 ? index + this.length : index;
    if (!(i >= 0 && i < this.length)) return undefined;
    const c = this.#columns;
    const at = this.#entry(i);
    const rows = at >= 0 ? c : c.kept!;
    const row = at >= 0 ? at : -1 - at;
    const arc = rows.arc[row]!;
    const n = orderNode(arc, c.arcBuyer);
    const company = c.company[n]!;
    const item = c.item[n]!;
    const quantity = rows.quantity[row]!;
    const start = rows.start[row]!;
    if (arc < 0) {
      const due = start + c.leadTime[n]!;
      const startQuantity = rows.startQuantity[row]!;
      const id = orderId(company, item, start);
      return startQuantity !== quantity
        ? { id, kind: 'production', company, item, quantity, startQuantity, start, due }
        : { id, kind: 'production', company, item, quantity, start, due };
    }
    const due = start + c.arcLeadTime[arc]!;
    const supplier = c.company[c.arcSupplier[arc]!]!;
    const id = orderId(company, item, start, supplier);
    return { id, kind: 'purchase', company, item, quantity, start, due, supplier };
  }

  /**
   * Whether `other` reads the same network's columns (companies, items, arcs and lead times): a re-plan
   * and the plan it started from. Then an order's node and supplier are its arc's, and `keyOf` tells
   * orders apart as their ids do.
   */
  sameColumns(other: OrderTable): boolean {
    const a = this.#columns;
    const b = other.#columns;
    return (
      a.company === b.company &&
      a.item === b.item &&
      a.leadTime === b.leadTime &&
      a.arcSupplier === b.arcSupplier &&
      a.arcLeadTime === b.arcLeadTime &&
      a.arcBuyer === b.arcBuyer
    );
  }

  /**
   * A number for order `i` that two tables of the same columns (`sameColumns`) give two orders exactly
   * when their ids are equal: the arc (production: below 0, its node's) and the start. An id is the
   * buyer, item and start, and the supplier's company for a purchase; an arc is one buyer and one
   * supplier, whose item is the buyer's, so one company names it. The start counts in steps of all
   * arcs and nodes (production's arcs are −1 − node), so that a 52-week plan of 60,000 companies keeps
   * its keys small integers (some 160 million), which a map hashes fastest.
   */
  keyOf(i: number): number {
    const c = this.#columns;
    const at = this.#entry(i);
    const rows = at >= 0 ? c : c.kept!;
    const row = at >= 0 ? at : -1 - at;
    const nodes = c.company.length;
    return rows.start[row]! * (c.arcSupplier.length + nodes) + rows.arc[row]! + nodes;
  }

  /** The id of order `i`, without building the order (pegging names its orders so). */
  idOf(i: number): string {
    const c = this.#columns;
    const at = this.#entry(i);
    const rows = at >= 0 ? c : c.kept!;
    const row = at >= 0 ? at : -1 - at;
    const arc = rows.arc[row]!;
    const n = orderNode(arc, c.arcBuyer);
    const supplier = arc < 0 ? undefined : c.company[c.arcSupplier[arc]!]!;
    return orderId(c.company[n]!, c.item[n]!, rows.start[row]!, supplier);
  }

  *[Symbol.iterator](): Iterator<PlannedOrder> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  /** Production orders (the rest are purchases), counted without building orders. */
  productionCount(): number {
    const { arc, kept } = this.#columns;
    let count = 0;
    for (let i = 0; i < this.length; i++) {
      const at = this.#entry(i);
      if ((at >= 0 ? arc[at]! : kept!.arc[-1 - at]!) < 0) count++;
    }
    return count;
  }

  /**
   * How many orders from `i` here and from `j` of `other`, pair by pair (at most `count`), are the same
   * order with the same figures (`sameAs`). When both tables name their nodes and arcs from the same
   * arrays (a plan and its re-plan of a patched network), equal arc (and so node), start and quantities
   * are the same order: a loop over the columns, without a call per order, compares the 13 million
   * orders of a 60,000-company plan's re-plan.
   */
  sameRun(other: OrderTable, i: number, j: number, count: number): number {
    const a = this.#columns;
    const b = other.#columns;
    const shared = this.sameColumns(other);
    for (let k = 0; k < count; k++) {
      if (shared) {
        // A stretch both plans read from the same index, at the same place, of the same rows: skipped whole.
        const stretch =
          a.parts === undefined && b.parts === undefined ? 0 : this.#sameStretch(other, i + k, j + k);
        if (stretch > 0) {
          k += Math.min(stretch, count - k) - 1;
          continue;
        }
        const atA = this.#entry(i + k);
        const atB = other.#entry(j + k);
        const rowsA = atA >= 0 ? a : a.kept!;
        const rowsB = atB >= 0 ? b : b.kept!;
        const r = atA >= 0 ? atA : -1 - atA;
        const s = atB >= 0 ? atB : -1 - atB;
        // (A re-plan's row of its kept run's columns, against that run's plan: the same row.)
        if (rowsA.arc === rowsB.arc && r === s && rowsA.quantity === rowsB.quantity) continue;
        const arc = rowsA.arc[r]!;
        // (The same arc, or production at the same node: the same node.)
        if (
          arc === rowsB.arc[s] &&
          rowsA.start[r] === rowsB.start[s] &&
          rowsA.quantity[r] === rowsB.quantity[s] &&
          (arc >= 0 || rowsA.startQuantity[r] === rowsB.startQuantity[s])
        )
          continue;
      }
      if (!this.sameAs(i + k, other, j + k)) return k;
    }
    return count;
  }

  /**
   * How many orders from `i` here and from `j` of `other` are read from one index array, from the same
   * place in it, as rows of the same columns (a re-plan's part shared with its kept run's plan, or two
   * re-plans of one kept run): the same orders, however many. 0 when they are not.
   */
  #sameStretch(other: OrderTable, i: number, j: number): number {
    const a = this.#stretch(i);
    const b = other.#stretch(j);
    if (a.index !== b.index || a.at !== b.at || a.rows.arc !== b.rows.arc) return 0;
    if (a.rows.quantity !== b.rows.quantity || a.rows.startQuantity !== b.rows.startQuantity) return 0;
    return a.uniform && b.uniform ? Math.min(a.left, b.left) : 0;
  }

  /**
   * Where order `i` is read: its index array and place there, the columns its entries are rows of (when
   * `uniform`: a part, whose entries are all rows of one set of columns, or a plain index of a table
   * without `kept`), and how many orders follow in the same part.
   */
  #stretch(i: number): { index: Int32Array; at: number; rows: OrderRows; left: number; uniform: boolean } {
    const c = this.#columns;
    const parts = c.parts;
    if (parts === undefined)
      return { index: c.index, at: i, rows: c, left: this.length - i, uniform: c.kept === undefined };
    const k = this.#partOf(parts, i);
    return {
      index: parts.indexes[k]!,
      at: parts.offsets[k]! + i - parts.starts[k]!,
      rows: parts.kept[k] === 1 ? c.kept! : c,
      left: parts.starts[k + 1]! - i,
      uniform: true,
    };
  }

  /**
   * True when order `i` here and order `j` of `other` are the same order with the same figures (id,
   * quantities, periods), compared without building either.
   */
  sameAs(i: number, other: OrderTable, j: number): boolean {
    const a = this.#columns;
    const b = other.#columns;
    const atA = this.#entry(i);
    const atB = other.#entry(j);
    const rowsA = atA >= 0 ? a : a.kept!;
    const rowsB = atB >= 0 ? b : b.kept!;
    const r = atA >= 0 ? atA : -1 - atA;
    const s = atB >= 0 ? atB : -1 - atB;
    const arcA = rowsA.arc[r]!;
    const arcB = rowsB.arc[s]!;
    if (arcA < 0 !== arcB < 0) return false;
    const nodeA = orderNode(arcA, a.arcBuyer);
    const nodeB = orderNode(arcB, b.arcBuyer);
    const start = rowsA.start[r]!;
    if (start !== rowsB.start[s] || rowsA.quantity[r] !== rowsB.quantity[s]) return false;
    if (a.company[nodeA] !== b.company[nodeB] || a.item[nodeA] !== b.item[nodeB]) return false;
    if (arcA < 0) {
      return a.leadTime[nodeA] === b.leadTime[nodeB] && rowsA.startQuantity[r] === rowsB.startQuantity[s];
    }
    return (
      a.arcLeadTime[arcA] === b.arcLeadTime[arcB] &&
      a.company[a.arcSupplier[arcA]!] === b.company[b.arcSupplier[arcB]!]
    );
  }

  /** The orders as plain objects (JSON.stringify of a plan writes these). */
  toJSON(): PlannedOrder[] {
    return Array.from(this);
  }
}

/**
 * The node of an order whose arc column holds `arc`: a purchase's buyer, or the producing node of a
 * production order (its arc is −1 − n; a column of nodes was 4 bytes an order, 51 MB at 60,000 companies).
 */
export function orderNode(arc: number, arcBuyer: Int32Array): number {
  return arc < 0 ? -1 - arc : arcBuyer[arc]!;
}

/**
 * A planned order's stable id: `company/item/make/start` for production, `company/item/buy/supplier/start`
 * for a purchase (`start`: the period production starts or the supplier ships).
 */
function orderId(company: string, item: string, start: number, supplier?: string): string {
  return supplier === undefined
    ? `${company}/${item}/make/${start}`
    : `${company}/${item}/buy/${supplier}/${start}`;
}

/** The production orders of `orders`, counted (without building a table's orders). */
export function countProduction(orders: OrderList): number {
  if (orders instanceof OrderTable) return orders.productionCount();
  let count = 0;
  for (const order of orders) if (order.kind === 'production') count++;
  return count;
}
