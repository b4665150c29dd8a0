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

/** The columns of an `OrderTable`, all of the same length. */
export interface OrderColumns {
  /** Per node: the company and the item (the planner's flattened network). */
  readonly company: readonly string[];
  readonly item: readonly string[];
  /** 0 production, 1 purchase. */
  readonly kind: Uint8Array;
  readonly node: Int32Array;
  /** The supplier's node of a purchase (its company is the supplier); −1 for production. */
  readonly supplier: Int32Array;
  readonly quantity: Float64Array;
  readonly startQuantity: Float64Array;
  readonly start: Int32Array;
  readonly due: Int32Array;
}

/** The planner's orders, column by column; read-only. */
export class OrderTable implements OrderList {
  readonly length: number;

  constructor(private readonly columns: OrderColumns) {
    this.length = columns.kind.length;
  }

  at(index: number): PlannedOrder | undefined {
    const i = index < 0 ? index + this.length : index;
    if (!(i >= 0 && i < this.length)) return undefined;
    const c = this.columns;
    const company = c.company[c.node[i]!]!;
    const item = c.item[c.node[i]!]!;
    const quantity = c.quantity[i]!;
    const start = c.start[i]!;
    const due = c.due[i]!;
    if (c.kind[i] === 0) {
      const startQuantity = c.startQuantity[i]!;
      const id = `${company}/${item}/make/${start}`;
      return startQuantity !== quantity
        ? { id, kind: 'production', company, item, quantity, startQuantity, start, due }
        : { id, kind: 'production', company, item, quantity, start, due };
    }
    const supplier = c.company[c.supplier[i]!]!;
    const id = `${company}/${item}/buy/${supplier}/${start}`;
    return { id, kind: 'purchase', company, item, quantity, start, due, supplier };
  }

  *[Symbol.iterator](): Iterator<PlannedOrder> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  /** Production orders (the rest are purchases), counted without building orders. */
  productionCount(): number {
    let count = 0;
    for (let i = 0; i < this.length; i++) if (this.columns.kind[i] === 0) count++;
    return count;
  }

  /**
   * True when order `i` here and order `j` of `other` are the same order with the same figures (id,
   * quantities, periods), compared without building either.
   */
  sameAs(i: number, other: OrderTable, j: number): boolean {
    const a = this.columns;
    const b = other.columns;
    return (
      a.kind[i] === b.kind[j] &&
      a.start[i] === b.start[j] &&
      a.due[i] === b.due[j] &&
      a.quantity[i] === b.quantity[j] &&
      a.startQuantity[i] === b.startQuantity[j] &&
      a.company[a.node[i]!] === b.company[b.node[j]!] &&
      a.item[a.node[i]!] === b.item[b.node[j]!] &&
      (a.kind[i] === 0 || a.company[a.supplier[i]!] === b.company[b.supplier[j]!])
    );
  }

  /** The orders as plain objects (JSON.stringify of a plan writes these). */
  toJSON(): PlannedOrder[] {
    return Array.from(this);
  }
}

/** The production orders of `orders`, counted (without building a table's orders). */
export function countProduction(orders: OrderList): number {
  if (orders instanceof OrderTable) return orders.productionCount();
  let count = 0;
  for (const order of orders) if (order.kind === 'production') count++;
  return count;
}
