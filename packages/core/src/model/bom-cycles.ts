/**
 * @module model/bom-cycles
 * Cycles in bills of materials: an item that is, directly or deeper down, a component of itself. Such
 * a network cannot be exploded into requirements. Found with an iterative depth-first search (no
 * recursion, so 500,000 records cannot overflow the stack), O(items + BOM lines).
 */

/** A component edge and where it was written: the record that lists `component` in its BOM. */
export interface BomEdge {
  readonly parent: string;
  readonly component: string;
  /** Caller's reference to the BOM line, to report the cycle there. */
  readonly source: number;
}

/** One cycle: the items in order, the first repeated at the end, and the edge that closes it. */
export interface BomCycle {
  readonly items: readonly string[];
  readonly closingEdge: BomEdge;
}

/**
 * Every cycle closed by a back edge of a depth-first search over the items, in a deterministic order
 * (edges are visited in the order given). A network with one cycle reports exactly that cycle.
 *
 * @example findBomCycles([{ parent: 'a', component: 'b', source: 0 }, { parent: 'b', component: 'a', source: 1 }])
 * // [{ items: ['a', 'b', 'a'], closingEdge: { parent: 'b', component: 'a', source: 1 } }]
 */
export function findBomCycles(edges: readonly BomEdge[]): BomCycle[] {
  const outgoing = new Map<string, BomEdge[]>();
  for (const edge of edges) {
    let list = outgoing.get(edge.parent);
    if (list === undefined) {
      list = [];
      outgoing.set(edge.parent, list);
    }
    list.push(edge);
  }
  const state = new Map<string, 'open' | 'done'>();
  const cycles: BomCycle[] = [];
  for (const start of outgoing.keys()) {
    if (state.has(start)) continue;
    // The current path of the search: each item and how far through its components we are.
    const path: { item: string; next: number }[] = [{ item: start, next: 0 }];
    const positionOnPath = new Map<string, number>([[start, 0]]);
    state.set(start, 'open');
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const edge = outgoing.get(top.item)?.[top.next];
      if (edge === undefined) {
        state.set(top.item, 'done');
        positionOnPath.delete(top.item);
        path.pop();
        continue;
      }
      top.next++;
      const seen = state.get(edge.component);
      if (seen === 'open') {
        const from = positionOnPath.get(edge.component) ?? 0;
        const items = path.slice(from).map((step) => step.item);
        cycles.push({ items: [...items, edge.component], closingEdge: edge });
      } else if (seen === undefined) {
        state.set(edge.component, 'open');
        positionOnPath.set(edge.component, path.length);
        path.push({ item: edge.component, next: 0 });
      }
    }
  }
  return cycles;
}
