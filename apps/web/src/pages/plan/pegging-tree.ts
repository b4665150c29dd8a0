/**
 * @module pages/plan/pegging-tree
 * Pegging as a tree a planner expands: from one end demand down the chain. The API answers the orders
 * that serve the demand as a list (`GET …/plan/pegging?company&item&period`: each order with how much
 * of it serves the demand); this puts them back in the chain's shape:
 *
 * - a **need** is an item a company must have (the end demand at the root);
 * - under it, **make** (its production orders of the item) and one **buy** per supplier (its purchase
 *   orders of the item from that supplier);
 * - under a buy, the supplier's need of the item; under a make, the company's needs of the other items
 *   it orders or makes for this demand (its components).
 *
 * A need already on the path is not repeated (no cycles), and each make or buy node lists its orders.
 */

/** An order in a pegging answer (the API's PeggedOrder). */
export interface PegOrder {
  readonly id: string;
  readonly kind: 'production' | 'purchase';
  readonly company: string;
  readonly item: string;
  readonly supplier?: string;
  readonly quantity: number;
  readonly start: number;
  readonly due: number;
  readonly tier: number | null;
  /** Units of the order that serve the demand. */
  readonly serves: number;
}

export interface PegNode {
  /** Unique in the tree: the path of the node. */
  readonly key: string;
  readonly kind: 'need' | 'make' | 'buy';
  readonly company: string;
  readonly item: string;
  /** For `buy`: the supplier. */
  readonly supplier?: string;
  /** Units serving the demand (a need: what its makes and buys serve). */
  readonly serves: number;
  readonly orders: readonly PegOrder[];
  readonly children: readonly PegNode[];
}

/** The tree of the orders serving the end demand of `item` at `company`. */
export function peggingTree(company: string, item: string, orders: readonly PegOrder[]): PegNode {
  const byPlace = new Map<string, PegOrder[]>();
  const itemsAt = new Map<string, Set<string>>();
  for (const order of orders) {
    const place = `${order.company}\u0000${order.item}`;
    const list = byPlace.get(place);
    if (list === undefined) byPlace.set(place, [order]);
    else list.push(order);
    let items = itemsAt.get(order.company);
    if (items === undefined) {
      items = new Set();
      itemsAt.set(order.company, items);
    }
    items.add(order.item);
  }

  const need = (at: string, what: string, path: ReadonlySet<string>, key: string): PegNode => {
    const place = `${at}\u0000${what}`;
    const onPath = new Set(path).add(place);
    const here = byPlace.get(place) ?? [];
    const children: PegNode[] = [];
    const made = here.filter((order) => order.kind === 'production');
    if (made.length > 0) {
      const components = [...(itemsAt.get(at) ?? [])]
        .filter((other) => other !== what && !onPath.has(`${at}\u0000${other}`))
        .sort();
      const makeKey = `${key}/make`;
      children.push({
        key: makeKey,
        kind: 'make',
        company: at,
        item: what,
        serves: total(made),
        orders: byStart(made),
        children: components.map((component) => need(at, component, onPath, `${makeKey}/${component}`)),
      });
    }
    const suppliers = new Map<string, PegOrder[]>();
    for (const order of here) {
      if (order.kind !== 'purchase') continue;
      const supplier = order.supplier ?? '?';
      const list = suppliers.get(supplier);
      if (list === undefined) suppliers.set(supplier, [order]);
      else list.push(order);
    }
    for (const [supplier, bought] of [...suppliers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const buyKey = `${key}/buy/${supplier}`;
      const upstream = `${supplier}\u0000${what}`;
      children.push({
        key: buyKey,
        kind: 'buy',
        company: at,
        item: what,
        supplier,
        serves: total(bought),
        orders: byStart(bought),
        children:
          onPath.has(upstream) || !byPlace.has(upstream)
            ? []
            : [need(supplier, what, onPath, `${buyKey}/${what}`)],
      });
    }
    return {
      key,
      kind: 'need',
      company: at,
      item: what,
      serves: children.reduce((sum, child) => sum + child.serves, 0),
      orders: [],
      children,
    };
  };
  return need(company, item, new Set(), `${company}/${item}`);
}

/** Every node of the tree, depth first (for "expand all" and tests). */
export function* walk(node: PegNode): Generator<PegNode> {
  yield node;
  for (const child of node.children) yield* walk(child);
}

function total(orders: readonly PegOrder[]): number {
  return Math.round(orders.reduce((sum, order) => sum + order.serves, 0) * 1e6) / 1e6;
}

function byStart(orders: readonly PegOrder[]): PegOrder[] {
  return [...orders].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
