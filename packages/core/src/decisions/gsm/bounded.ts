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
 * - The answer is the best plan found, with gap = (upper − lower) / upper. A gap of 0 (to 1e-6)
 *   proves the plan optimal; otherwise the optimum lies within the gap below the cost.
 */
import { solveForest } from './forest.ts';
import type { PreparedGsm } from './model.ts';

export interface BoundedAnswer {
  readonly outbound: Int32Array;
  readonly cost: number;
  readonly lowerBound: number;
  readonly iterations: number;
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
  const parent = Int32Array.from({ length: prepared.count }, (_, stage) => stage);
  const find = (stage: number): number => {
    let root = stage;
    while (parent[root] !== root) root = parent[root]!;
    let at = stage;
    while (parent[at] !== root) {
      const next = parent[at]!;
      parent[at] = root;
      at = next;
    }
    return root;
  };
  const ranked = links.map((_, position) => position);
  const weight = (position: number): number => {
    const [from, to] = links[position]!;
    return prepared.maxOutbound[from]! * 1e6 + prepared.safetyTerm[to]! + prepared.safetyTerm[from]!;
  };
  ranked.sort((left, right) => weight(right) - weight(left) || left - right);
  const inForest = new Uint8Array(links.length);
  for (const position of ranked) {
    const [from, to] = links[position]!;
    const a = find(from);
    const b = find(to);
    if (a === b) continue;
    parent[a] = b;
    inForest[position] = 1;
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
 * no single change helps. Returns the new cost; `outbound` is changed in place.
 */
export function improveLocally(
  prepared: PreparedGsm,
  cost: readonly Float64Array[],
  outbound: Int32Array,
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

/** Lagrangian relaxation over a spanning forest with subgradient steps; see the module comment. */
export function solveBounded(
  prepared: PreparedGsm,
  cost: readonly Float64Array[],
  options: { readonly gapTolerance: number; readonly maxIterations: number },
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
  const consider = (outbound: Int32Array, polish: boolean): void => {
    const plan = Int32Array.from(outbound);
    let value = repairAndCost(prepared, cost, plan);
    if (polish || value < upper) value = improveLocally(prepared, cost, plan);
    if (value < upper) {
      upper = value;
      best = plan;
    }
  };
  for (; iterations < options.maxIterations; iterations++) {
    outboundPrice.fill(0);
    inboundPrice.fill(0);
    relaxed.forEach(([from, to], position) => {
      outboundPrice[from] = outboundPrice[from]! + prices[position]!;
      inboundPrice[to] = inboundPrice[to]! + prices[position]!;
    });
    const answer = solveForest({ prepared, cost, links: forestLinks, outboundPrice, inboundPrice });
    if (answer.value > lower + 1e-9 * Math.abs(answer.value)) {
      sinceImproved = 0;
      lower = answer.value;
    } else sinceImproved++;
    consider(answer.outbound, iterations % 10 === 0);
    if (upper - lower <= options.gapTolerance * upper) break;
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
      if (theta < 1e-4) break;
    }
    const stepLength = (theta * (upper - answer.value)) / norm;
    gradient.forEach((value, position) => {
      prices[position] = Math.max(0, prices[position]! + stepLength * value);
    });
  }
  return { outbound: best, cost: upper, lowerBound: Math.max(lower, 0), iterations };
}
