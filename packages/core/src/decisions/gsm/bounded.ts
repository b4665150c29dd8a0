/**
 * @module decisions/gsm/bounded
 * The Guaranteed Service Model on networks that are not trees (a supplier shared by several chains,
 * a stage with several customers that also share a supplier): general acyclic networks, NP-hard
 * (Lesnaia 2004). Method: Lagrangian relaxation with the tree program as its subproblem, and a
 * feasible solution from each relaxed one.
 *
 * - Lower bound. A spanning forest keeps some links; every other link i→j (the constraint
 *   S_i ≤ SI_j) is priced with λ ≥ 0, which adds λ·S_i to stage i and −λ·SI_j to stage j. The forest
 *   program (`forest.ts`, exact) then gives L(λ) ≤ the optimum for every λ ≥ 0 (weak duality; Fisher
 *   1981, "The Lagrangian relaxation method for solving integer programming problems", Management
 *   Science 27(1)). λ follows subgradient steps with Polyak's step length (Held, Wolfe & Crowder 1974).
 * - Upper bound. Each relaxed solution is repaired in topological order (SI_j = the largest S of its
 *   upstream stages, S_j ≤ SI_j + T_j) and improved by changing one stage's S at a time while that
 *   lowers the cost (a local search): a feasible plan, so its cost is ≥ the optimum.
 * - Branch and bound (when the Lagrangian phase leaves a gap): on the outbound service times of the
 *   stages at the upstream end of relaxed links, best bound first, each node bounded by the forest
 *   program with the root's prices and the node's ranges (see `branchAndBound`).
 * - The answer is the best plan found, with gap = (upper − lower) / upper. A gap of 0 (to 1e-6)
 *   proves the plan optimal; otherwise the optimum lies within the gap below the cost.
 */
import { solveForest } from './forest.ts';
import { disjointSets, type PreparedGsm } from './model.ts';

export interface BoundedAnswer {
  readonly outbound: Int32Array;
  readonly cost: number;
  readonly lowerBound: number;
  readonly iterations: number;
  /** Branch-and-bound nodes evaluated after the Lagrangian phase. */
  readonly nodes: number;
}

/** All links as `[upstream, downstream]` pairs. */
export function allLinks(prepared: PreparedGsm): [number, number][] {
  const links: [number, number][] = [];
  for (let stage = 0; stage < prepared.count; stage++)
    for (const upstream of prepared.predecessors[stage]!) links.push([upstream, stage]);
  return links;
}

/**
 * A spanning forest (Kruskal): links into stages with the longest possible inbound service time
 * first, since those are the links most likely to set a stage's inbound service time; the rest are
 * relaxed. Returns which links are in the forest.
 */
export function spanningForest(
  prepared: PreparedGsm,
  links: readonly (readonly [number, number])[],
): Uint8Array {
  const sets = disjointSets(prepared.count);
  const ranked = links.map((_, position) => position);
  const weight = (position: number): number => {
    const [from, to] = links[position]!;
    return prepared.maxOutbound[from]! * 1e6 + prepared.safetyTerm[to]! + prepared.safetyTerm[from]!;
  };
  ranked.sort((left, right) => weight(right) - weight(left) || left - right);
  const inForest = new Uint8Array(links.length);
  for (const position of ranked) {
    const [from, to] = links[position]!;
    if (sets.union(from, to)) inForest[position] = 1;
  }
  return inForest;
}

/** The cost of a plan given by outbound service times, after repairing it to feasibility in place. */
export function repairAndCost(
  prepared: PreparedGsm,
  cost: readonly Float64Array[],
  outbound: Int32Array,
): number {
  let total = 0;
  for (const stage of prepared.order) {
    let inbound = prepared.minInbound[stage]!;
    for (const upstream of prepared.predecessors[stage]!) inbound = Math.max(inbound, outbound[upstream]!);
    const top = inbound + prepared.gridProcessing[stage]!;
    if (outbound[stage]! > top) outbound[stage] = top;
    total += cost[stage]![top - outbound[stage]!]!;
  }
  return total;
}

/**
 * Improve a feasible plan one stage at a time: for each stage, the outbound service time that lowers
 * the cost of the stage and of its downstream stages most (their inbound service times follow), until
 * no single change helps. Returns the new cost; `outbound` is changed in place. The pairs it
 * tries are taken from `budget.work` when a budget is given.
 */
export function improveLocally(
  prepared: PreparedGsm,
  cost: readonly Float64Array[],
  outbound: Int32Array,
  budget?: { work: number },
): number {
  const count = prepared.count;
  const inbound = new Int32Array(count);
  const computeInbound = (stage: number): number => {
    let value = prepared.minInbound[stage]!;
    for (const upstream of prepared.predecessors[stage]!) value = Math.max(value, outbound[upstream]!);
    return value;
  };
  for (let stage = 0; stage < count; stage++) inbound[stage] = computeInbound(stage);
  const stageCost = (stage: number, si: number, s: number): number =>
    cost[stage]![si + prepared.gridProcessing[stage]! - s]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let improved = false;
    for (const stage of prepared.order) {
      const current = outbound[stage]!;
      const si = inbound[stage]!;
      const top = Math.min(prepared.maxOutbound[stage]!, si + prepared.gridProcessing[stage]!);
      const downstream = prepared.successors[stage]!;
      // Per downstream stage: its inbound service time without this stage.
      const others = downstream.map((next) => {
        let value = prepared.minInbound[next]!;
        for (const upstream of prepared.predecessors[next]!)
          if (upstream !== stage) value = Math.max(value, outbound[upstream]!);
        return value;
      });
      let baseline = stageCost(stage, si, current);
      for (const next of downstream) baseline += stageCost(next, inbound[next]!, outbound[next]!);
      let bestValue = baseline;
      let bestS = current;
      if (budget !== undefined) {
        let scanned = 0;
        for (const next of downstream) scanned += prepared.predecessors[next]!.length;
        budget.work -= (top + 1) * (downstream.length + 1) + scanned;
      }
      for (let s = 0; s <= top; s++) {
        if (s === current) continue;
        let value = stageCost(stage, si, s);
        for (let k = 0; k < downstream.length && value < bestValue; k++) {
          const next = downstream[k]!;
          const nextInbound = Math.max(others[k]!, s);
          if (outbound[next]! > nextInbound + prepared.gridProcessing[next]!) {
            value = Infinity;
            break;
          }
          value += stageCost(next, nextInbound, outbound[next]!);
        }
        if (value < bestValue - 1e-12 * Math.max(1, Math.abs(baseline))) {
          bestValue = value;
          bestS = s;
        }
      }
      if (bestS !== current) {
        outbound[stage] = bestS;
        downstream.forEach((next, k) => {
          inbound[next] = Math.max(others[k]!, bestS);
        });
        improved = true;
      }
    }
    if (!improved) break;
  }
  let total = 0;
  for (let stage = 0; stage < count; stage++) total += stageCost(stage, inbound[stage]!, outbound[stage]!);
  return total;
}

/** Lagrangian relaxation over a spanning forest, then branch and bound; see the module comment. */
export function solveBounded(
  prepared: PreparedGsm,
  cost: readonly Float64Array[],
  options: {
    readonly gapTolerance: number;
    readonly maxIterations: number;
    readonly maxNodes: number;
    readonly maxWork: number;
  },
): BoundedAnswer {
  const links = allLinks(prepared);
  const inForest = spanningForest(prepared, links);
  const forestLinks = links.filter((_, position) => inForest[position] === 1);
  const relaxed = links.filter((_, position) => inForest[position] === 0);
  const prices = new Float64Array(relaxed.length);
  const outboundPrice = new Float64Array(prepared.count);
  const inboundPrice = new Float64Array(prepared.count);
  let best = new Int32Array(prepared.count);
  let upper = Infinity;
  let lower = -Infinity;
  let theta = 2;
  let sinceImproved = 0;
  let iterations = 0;
  const budget = { work: options.maxWork };
  const consider = (outbound: Int32Array, polish: boolean): void => {
    const plan = Int32Array.from(outbound);
    let value = repairAndCost(prepared, cost, plan);
    budget.work -= plan.length + links.length;
    if (polish || value < upper) value = improveLocally(prepared, cost, plan, budget);
    if (value < upper) {
      upper = value;
      best = plan;
    }
  };
  const setPrices = (active: (position: number) => boolean): void => {
    outboundPrice.fill(0);
    inboundPrice.fill(0);
    relaxed.forEach(([from, to], position) => {
      if (!active(position)) return;
      outboundPrice[from] = outboundPrice[from]! + prices[position]!;
      inboundPrice[to] = inboundPrice[to]! + prices[position]!;
    });
  };
  const closed = (): boolean => upper - lower <= options.gapTolerance * upper;
  for (; iterations < options.maxIterations; iterations++) {
    setPrices(() => true);
    const answer = solveForest({ prepared, cost, links: forestLinks, outboundPrice, inboundPrice });
    budget.work -= answer.work;
    if (answer.value > lower + 1e-9 * Math.abs(answer.value)) {
      sinceImproved = 0;
      lower = answer.value;
    } else sinceImproved++;
    consider(answer.outbound, iterations % 10 === 0);
    if (closed() || budget.work <= 0) break;
    let norm = 0;
    // Projected: a link whose price is 0 and whose constraint holds with room does not move.
    const gradient = relaxed.map(([from, to], position) => {
      const value = answer.outbound[from]! - answer.inbound[to]!;
      return value < 0 && prices[position] === 0 ? 0 : value;
    });
    for (const value of gradient) norm += value * value;
    if (norm === 0) break; // the relaxed plan keeps every link with no slack on a priced one: optimal
    if (sinceImproved >= 15) {
      theta /= 2;
      sinceImproved = 0;
      if (theta < 1e-3) break;
    }
    const stepLength = (theta * (upper - answer.value)) / norm;
    gradient.forEach((value, position) => {
      prices[position] = Math.max(0, prices[position]! + stepLength * value);
    });
  }
  if (closed() || relaxed.length === 0)
    return { outbound: best, cost: upper, lowerBound: Math.max(lower, 0), iterations, nodes: 0 };
  const search = branchAndBound(
    prepared,
    cost,
    forestLinks,
    relaxed,
    prices,
    budget,
    options,
    consider,
    () => upper,
  );
  return {
    outbound: best,
    cost: upper,
    lowerBound: Math.max(lower, Math.min(search.lowerBound, upper), 0),
    iterations,
    nodes: search.nodes,
  };
}

interface SearchNode {
  readonly low: Int32Array;
  readonly high: Int32Array;
  readonly bound: number;
}

/**
 * Branch and bound on the outbound service times of the stages at the upstream end of relaxed links
 * (Land & Doig 1960), best bound first. A node narrows some of those stages' S to a range; its bound
 * is the forest program with the root's prices, where a relaxed link i→j also gets SI_j ≥ the lowest
 * S_i allowed (valid in the node), and a link whose S_i is fixed is enforced exactly and unpriced.
 * A node is split on a relaxed link its relaxed plan breaks (S_i > SI_j: S_i ≤ SI_j or S_i > SI_j),
 * else on the widest range of a priced link's S_i (halved). Stops when the best open bound is within
 * the tolerance of the best plan, or after `maxNodes` nodes or when the work budget is spent: the
 * lowest open bound is then the answer's.
 */
function branchAndBound(
  prepared: PreparedGsm,
  cost: readonly Float64Array[],
  forestLinks: readonly (readonly [number, number])[],
  relaxed: readonly (readonly [number, number])[],
  prices: Float64Array,
  budget: { work: number },
  options: { readonly gapTolerance: number; readonly maxNodes: number },
  consider: (outbound: Int32Array, polish: boolean) => void,
  upper: () => number,
): { lowerBound: number; nodes: number } {
  const count = prepared.count;
  const outboundPrice = new Float64Array(count);
  const inboundPrice = new Float64Array(count);
  const inboundLow = new Int32Array(count);
  const evaluate = (low: Int32Array, high: Int32Array) => {
    outboundPrice.fill(0);
    inboundPrice.fill(0);
    inboundLow.fill(0);
    relaxed.forEach(([from, to], position) => {
      inboundLow[to] = Math.max(inboundLow[to]!, low[from]!);
      if (low[from] === high[from]) return; // enforced exactly through inboundLow
      outboundPrice[from] = outboundPrice[from]! + prices[position]!;
      inboundPrice[to] = inboundPrice[to]! + prices[position]!;
    });
    return solveForest({
      prepared,
      cost,
      links: forestLinks,
      outboundPrice,
      inboundPrice,
      outboundLow: low,
      outboundHigh: high,
      inboundLow,
    });
  };
  const open: SearchNode[] = [];
  const push = (node: SearchNode): void => {
    // A binary heap on the bound.
    open.push(node);
    let at = open.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (open[parent]!.bound <= open[at]!.bound) break;
      [open[parent], open[at]] = [open[at]!, open[parent]!];
      at = parent;
    }
  };
  const pop = (): SearchNode => {
    const top = open[0]!;
    const last = open.pop()!;
    if (open.length > 0) {
      open[0] = last;
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        const right = left + 1;
        let smallest = at;
        if (left < open.length && open[left]!.bound < open[smallest]!.bound) smallest = left;
        if (right < open.length && open[right]!.bound < open[smallest]!.bound) smallest = right;
        if (smallest === at) break;
        [open[smallest], open[at]] = [open[at]!, open[smallest]!];
        at = smallest;
      }
    }
    return top;
  };
  const rootLow = new Int32Array(count);
  const rootHigh = Int32Array.from(prepared.maxOutbound);
  push({ low: rootLow, high: rootHigh, bound: -Infinity });
  let nodes = 0;
  while (open.length > 0 && nodes < options.maxNodes && budget.work > 0) {
    const node = open[0]!;
    if (node.bound >= upper() * (1 - options.gapTolerance)) return { lowerBound: upper(), nodes };
    pop();
    nodes++;
    const answer = evaluate(node.low, node.high);
    // The tree program's pairs, and the node's own passes over the stages and relaxed links.
    budget.work -= answer.work + 2 * count + relaxed.length;
    if (!(answer.value < upper() * (1 - options.gapTolerance))) continue;
    consider(answer.outbound, false);
    // Split on the most broken relaxed link, else halve the widest priced range.
    let chosen = -1;
    let split = 0;
    let worst = 0;
    relaxed.forEach(([from, to]) => {
      const broken = answer.outbound[from]! - answer.inbound[to]!;
      if (broken > worst) {
        worst = broken;
        chosen = from;
        split = answer.inbound[to]!;
      }
    });
    if (chosen < 0) {
      let widest = 0;
      relaxed.forEach(([from], position) => {
        const width = node.high[from]! - node.low[from]!;
        if (prices[position]! > 0 && width > widest) {
          widest = width;
          chosen = from;
        }
      });
      if (chosen < 0) continue; // every priced link is enforced: the node's program is exact
      split = (node.low[chosen]! + node.high[chosen]!) >> 1;
    }
    const bound = Math.max(node.bound, answer.value);
    if (split >= node.low[chosen]!) {
      const high = Int32Array.from(node.high);
      high[chosen] = split;
      push({ low: node.low, high, bound });
    }
    if (split + 1 <= node.high[chosen]!) {
      const low = Int32Array.from(node.low);
      low[chosen] = split + 1;
      push({ low, high: node.high, bound });
    }
  }
  let lowest = upper();
  for (const node of open) lowest = Math.min(lowest, node.bound);
  return { lowerBound: lowest, nodes };
}
