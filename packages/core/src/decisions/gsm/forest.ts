/**
 * @module decisions/gsm/forest
 * The exact dynamic program of Graves & Willems (2000, §4) for a Guaranteed Service Model whose links
 * form a spanning tree (or forest): serial, assembly, distribution and mixed chains. Each stage is
 * labelled once, leaves first; a stage whose tree parent is downstream gets f(S), the least cost of
 * its subtree when it quotes outbound service time S, and one whose parent is upstream gets g(SI),
 * the least cost when its inbound service time is SI (G&W's f_k(S) and g_k(SI), equations (9)–(12)).
 * Service times are integers on the grid of `PreparedGsm`.
 *
 * The same program is the relaxation of the bounded method for other networks: links left out of the
 * tree are priced (Lagrange multipliers), which adds a linear term in S and in SI to a stage's cost.
 */
import type { PreparedGsm } from './model.ts';

/** A spanning forest over some links, and prices on the stages' service times. */
export interface ForestProblem {
  readonly prepared: PreparedGsm;
  /** Cost of stage j at net replenishment time τ (grid units): `cost[j][τ]`. */
  readonly cost: readonly Float64Array[];
  /** Links in the forest, as `[upstream, downstream]` stage pairs. */
  readonly links: readonly (readonly [number, number])[];
  /** α: cost per grid unit of outbound service time (Lagrange prices of links out of the forest). */
  readonly outboundPrice?: Float64Array;
  /** β: reward per grid unit of inbound service time. */
  readonly inboundPrice?: Float64Array;
  /** Branching bounds: S ≥ outboundLow, S ≤ outboundHigh, SI ≥ inboundLow (grid units). */
  readonly outboundLow?: Int32Array;
  readonly outboundHigh?: Int32Array;
  readonly inboundLow?: Int32Array;
}

export interface ForestAnswer {
  readonly value: number;
  readonly outbound: Int32Array;
  readonly inbound: Int32Array;
  /**
   * The work of this solve, for budgets that do not depend on a clock: the (S, SI) pairs evaluated,
   * plus 100 per stage for its fixed cost (labels, arrays, the walk over the tree).
   */
  readonly work: number;
}

interface Label {
  /** 'outbound': values over S (parent downstream, or a root); 'inbound': values over SI. */
  readonly kind: 'outbound' | 'inbound';
  /** Best value over S ≤ x (outbound) or SI ≥ x (inbound), and where it is reached. */
  readonly best: Float64Array;
  readonly bestAt: Int32Array;
  /** For each S the best SI (outbound), or for each SI the best S (inbound). */
  readonly partner: Int32Array;
}

/** Solve the forest program exactly; the answer's value includes the price terms. */
export function solveForest(problem: ForestProblem): ForestAnswer {
  const { prepared, cost, links } = problem;
  const count = prepared.count;
  const alpha = problem.outboundPrice;
  const beta = problem.inboundPrice;
  // Tree adjacency: for each stage its tree neighbours, with a flag for "neighbour is upstream".
  const neighbours: { stage: number; upstream: boolean }[][] = Array.from({ length: count }, () => []);
  for (const [from, to] of links) {
    neighbours[to]!.push({ stage: from, upstream: true });
    neighbours[from]!.push({ stage: to, upstream: false });
  }
  const parent = new Int32Array(count).fill(-1);
  const parentUpstream = new Uint8Array(count);
  const visited = new Uint8Array(count);
  const postOrder: number[] = [];
  const roots: number[] = [];
  for (let start = 0; start < count; start++) {
    if (visited[start]) continue;
    roots.push(start);
    visited[start] = 1;
    const stack: [number, number][] = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [stage, next] = top;
      const list = neighbours[stage]!;
      if (next < list.length) {
        top[1] = next + 1;
        const neighbour = list[next]!;
        if (visited[neighbour.stage]) continue;
        visited[neighbour.stage] = 1;
        parent[neighbour.stage] = stage;
        // The neighbour's parent (this stage) is upstream of it when this stage is its predecessor.
        parentUpstream[neighbour.stage] = neighbour.upstream ? 0 : 1;
        stack.push([neighbour.stage, 0]);
      } else {
        postOrder.push(stage);
        stack.pop();
      }
    }
  }

  const labels: (Label | undefined)[] = new Array(count);
  let work = 100 * count;
  for (const stage of postOrder) {
    const high = prepared.maxInbound[stage]!;
    const low = Math.min(high, Math.max(prepared.minInbound[stage]!, problem.inboundLow?.[stage] ?? 0));
    const maxS = prepared.maxOutbound[stage]!;
    const sLow = problem.outboundLow?.[stage] ?? 0;
    const sHigh = Math.min(maxS, problem.outboundHigh?.[stage] ?? maxS);
    const processing = prepared.gridProcessing[stage]!;
    const a = alpha?.[stage] ?? 0;
    const b = beta?.[stage] ?? 0;
    const stageCost = cost[stage]!;
    // A(SI): upstream children; B(S): downstream children.
    const fromUpstream = new Float64Array(high + 1);
    const fromDownstream = new Float64Array(maxS + 1);
    for (const neighbour of neighbours[stage]!) {
      if (neighbour.stage === parent[stage]) continue;
      const label = labels[neighbour.stage]!;
      if (neighbour.upstream) {
        const last = label.best.length - 1;
        for (let si = low; si <= high; si++)
          fromUpstream[si] = fromUpstream[si]! + label.best[Math.min(si, last)]!;
      } else {
        const first = prepared.minInbound[neighbour.stage]!;
        for (let s = 0; s <= maxS; s++)
          fromDownstream[s] = fromDownstream[s]! + label.best[Math.max(s, first)]!;
      }
    }
    work += (sHigh - sLow + 1) * (high - low + 1);
    const isRoot = parent[stage] === -1;
    if (isRoot || parentUpstream[stage] === 0) {
      // f(S) = αS + B(S) + min over SI ≥ max(low, S − T) of [c(SI + T − S) − β·SI + A(SI)]
      const values = new Float64Array(maxS + 1);
      const partner = new Int32Array(maxS + 1);
      values.fill(Infinity);
      partner.fill(-1);
      // The part that depends on SI alone, once: A(SI) − β·SI.
      const inner = new Float64Array(high + 1);
      for (let si = low; si <= high; si++) inner[si] = fromUpstream[si]! - b * si;
      for (let s = sLow; s <= sHigh; s++) {
        let bestValue = Infinity;
        let bestInbound = -1;
        const shift = processing - s;
        for (let si = Math.max(low, s - processing); si <= high; si++) {
          const value = stageCost[si + shift]! + inner[si]!;
          if (value < bestValue) {
            bestValue = value;
            bestInbound = si;
          }
        }
        values[s] = bestValue + a * s + fromDownstream[s]!;
        partner[s] = bestInbound;
      }
      const best = new Float64Array(maxS + 1);
      const bestAt = new Int32Array(maxS + 1);
      for (let s = 0; s <= maxS; s++) {
        if (s > 0 && best[s - 1]! <= values[s]!) {
          best[s] = best[s - 1]!;
          bestAt[s] = bestAt[s - 1]!;
        } else {
          best[s] = values[s]!;
          bestAt[s] = s;
        }
      }
      labels[stage] = { kind: 'outbound', best, bestAt, partner };
    } else {
      // g(SI) = −β·SI + A(SI) + min over S ≤ min(maxS, SI + T) of [c(SI + T − S) + αS + B(S)]
      const values = new Float64Array(high + 1).fill(Infinity);
      const partner = new Int32Array(high + 1).fill(-1);
      // The part that depends on S alone, once: α·S + B(S).
      const inner = new Float64Array(maxS + 1);
      for (let s = sLow; s <= sHigh; s++) inner[s] = a * s + fromDownstream[s]!;
      for (let si = low; si <= high; si++) {
        let bestValue = Infinity;
        let bestOutbound = -1;
        const top = Math.min(sHigh, si + processing);
        const shift = si + processing;
        for (let s = sLow; s <= top; s++) {
          const value = stageCost[shift - s]! + inner[s]!;
          if (value < bestValue) {
            bestValue = value;
            bestOutbound = s;
          }
        }
        values[si] = bestValue - b * si + fromUpstream[si]!;
        partner[si] = bestOutbound;
      }
      const best = new Float64Array(high + 1).fill(Infinity);
      const bestAt = new Int32Array(high + 1).fill(-1);
      for (let si = high; si >= low; si--) {
        if (si < high && best[si + 1]! < values[si]!) {
          best[si] = best[si + 1]!;
          bestAt[si] = bestAt[si + 1]!;
        } else {
          best[si] = values[si]!;
          bestAt[si] = si;
        }
      }
      // Below the lowest inbound service time the best is the one at `low`.
      for (let si = 0; si < low; si++) {
        best[si] = best[low]!;
        bestAt[si] = bestAt[low]!;
      }
      labels[stage] = { kind: 'inbound', best, bestAt, partner };
    }
  }

  // Read the choices back, roots first.
  const outbound = new Int32Array(count);
  const inbound = new Int32Array(count);
  let value = 0;
  for (const root of roots) {
    const label = labels[root]!;
    const s = label.bestAt[label.best.length - 1]!;
    value += label.best[label.best.length - 1]!;
    outbound[root] = s;
    inbound[root] = label.partner[s]!;
  }
  for (let position = postOrder.length - 1; position >= 0; position--) {
    const stage = postOrder[position]!;
    if (parent[stage] === -1) continue;
    const label = labels[stage]!;
    const above = parent[stage]!;
    if (label.kind === 'outbound') {
      // Parent downstream: this stage's S ≤ the parent's SI.
      const s = label.bestAt[Math.min(inbound[above]!, label.best.length - 1)]!;
      outbound[stage] = s;
      inbound[stage] = label.partner[s]!;
    } else {
      // Parent upstream: this stage's SI ≥ the parent's S.
      const si = label.bestAt[outbound[above]!]!;
      inbound[stage] = si;
      outbound[stage] = label.partner[si]!;
    }
  }
  return { value, outbound, inbound, work };
}
