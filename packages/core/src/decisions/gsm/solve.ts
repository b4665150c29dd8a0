/**
 * @module decisions/gsm/solve
 * Safety-stock placement with the Guaranteed Service Model (Graves & Willems 2000, MSOM 2(1)): for
 * every stage its inbound and outbound service times, net replenishment time, safety stock, base
 * stock and holding cost; the stages that hold stock are the chain's decoupling points.
 *
 * - Spanning trees and forests (serial, assembly, distribution, mixed): the exact dynamic program
 *   of Graves & Willems 2000 §4 (`forest.ts`), method `tree-dp`, gap 0.
 * - Other acyclic networks: Lagrangian relaxation over a spanning forest, repaired and locally
 *   improved plans, then branch and bound (`bounded.ts`), method `branch-and-bound`; the gap between
 *   the plan's cost and the proven lower bound is reported (≤ 1e-6 proves the plan optimal).
 *
 * Model (G&W 2000 §2–3): stage j with processing time Tⱼ quotes outbound service time Sⱼ and gets
 * inbound service time SIⱼ = max(sᵢₙ, max over upstream i of Sᵢ); its net replenishment time is
 * τⱼ = SIⱼ + Tⱼ − Sⱼ ≥ 0; demand stages keep Sⱼ ≤ sⱼ. It holds base stock Bⱼ = μⱼτⱼ + kⱼ√τⱼ, of
 * which kⱼ√τⱼ is safety stock, kⱼ = zⱼσⱼ; the objective is Σ hⱼ·kⱼ·√τⱼ (G&W 2000 eq. (5)–(7)).
 *
 * @example
 * const answer = solveGsm({ stages: [
 *   { id: 'part', processingTime: 2, holdingCost: 1, upstream: [] },
 *   { id: 'shop', processingTime: 1, holdingCost: 3, maxServiceTime: 0, safetyFactor: 1.645,
 *     demand: { mean: 10, standardDeviation: 4 }, upstream: [{ stage: 'part', quantity: 1 }] },
 * ] });
 */
import { err, ok, type Result } from '../../result.ts';
import { repairAndCost, solveBounded } from './bounded.ts';
import { solveForest } from './forest.ts';
import {
  disjointSets,
  type GsmIssue,
  type GsmOptions,
  type GsmProblem,
  type PreparedGsm,
  prepareGsm,
} from './model.ts';

/** `tree-dp`: exact; `branch-and-bound`: Lagrangian bounds and branch and bound, a plan with a proven lower bound (see `gap`). */
export type GsmMethod = 'tree-dp' | 'branch-and-bound';

export interface GsmStagePlan {
  readonly id: string;
  /** Tⱼ as given, and as used on the time grid (rounded up when not on it). */
  readonly processingTime: number;
  readonly modelProcessingTime: number;
  readonly inboundServiceTime: number;
  readonly outboundServiceTime: number;
  /** τⱼ = SIⱼ + Tⱼ − Sⱼ, with the model's processing time. */
  readonly netReplenishmentTime: number;
  readonly demandMean: number;
  /** kⱼ = zⱼσⱼ (pooled over the demand stages served). */
  readonly safetyTerm: number;
  readonly safetyStock: number;
  readonly baseStock: number;
  /** hⱼ·safety stock per period. */
  readonly holdingCost: number;
  /** True when the stage holds safety stock (τⱼ > 0 and a demand bound above 0). */
  readonly decouplingPoint: boolean;
}

export interface GsmSolution {
  readonly method: GsmMethod;
  /** True when the links form a spanning tree or forest. */
  readonly tree: boolean;
  readonly stages: readonly GsmStagePlan[];
  readonly decouplingPoints: readonly string[];
  /** Σ holding cost of safety stock per period. */
  readonly totalCost: number;
  /** A proven lower bound on the optimum (= totalCost for `tree-dp`). */
  readonly lowerBound: number;
  /** (totalCost − lowerBound) / totalCost; 0 when optimal. */
  readonly gap: number;
  readonly timeStep: number;
  /** True when processing times were rounded up to the grid; then see `costAtGivenProcessingTimes`. */
  readonly rounded: boolean;
  /** The same service times' cost with the processing times as given (τ = max(0, SI + T − S)). */
  readonly costAtGivenProcessingTimes: number;
  /** Subgradient iterations of the bounded method (0 for trees). */
  readonly iterations: number;
  /** Branch-and-bound nodes of the bounded method (0 for trees). */
  readonly nodes: number;
}

/**
 * The default work budget of the bounded method (see `ForestAnswer.work`; the local search counts
 * the pairs it tries): about 2–3 s of one core at most, the same answer on any machine.
 */
export const DEFAULT_WORK = 120_000_000;

/** Stage costs per grid unit of net replenishment time: c_j(τ) = h_j·k_j·√(τ·step). */
export function stageCosts(prepared: PreparedGsm): Float64Array[] {
  return Array.from({ length: prepared.count }, (_, stage) => {
    const size = prepared.maxInbound[stage]! + prepared.gridProcessing[stage]! + 1;
    const table = new Float64Array(size);
    const scale = prepared.stages[stage]!.holdingCost * prepared.safetyTerm[stage]!;
    for (let tau = 0; tau < size; tau++) table[tau] = scale * Math.sqrt(tau * prepared.step);
    return table;
  });
}

/** Whether the undirected links form a forest (no two paths between any two stages). */
export function isForest(prepared: PreparedGsm): boolean {
  // A link between two stages already connected closes a cycle.
  const sets = disjointSets(prepared.count);
  for (let stage = 0; stage < prepared.count; stage++)
    for (const upstream of prepared.predecessors[stage]!) if (!sets.union(stage, upstream)) return false;
  return true;
}

/** Place safety stock with the Guaranteed Service Model; see the module comment. */
export function solveGsm(problem: GsmProblem, options: GsmOptions = {}): Result<GsmSolution, GsmIssue[]> {
  const prepared = prepareGsm(problem, options);
  if (!prepared.ok) return prepared;
  const model = prepared.value;
  const cost = stageCosts(model);
  const tree = isForest(model);
  let outbound: Int32Array;
  let lowerBound: number;
  let iterations = 0;
  let nodes = 0;
  if (tree) {
    const links: [number, number][] = [];
    for (let stage = 0; stage < model.count; stage++)
      for (const upstream of model.predecessors[stage]!) links.push([upstream, stage]);
    outbound = solveForest({ prepared: model, cost, links }).outbound;
    lowerBound = Number.NaN;
  } else {
    const answer = solveBounded(model, cost, {
      gapTolerance: options.gapTolerance ?? 1e-6,
      maxIterations: options.maxIterations ?? 400,
      maxNodes: options.maxNodes ?? 2000,
      maxWork: options.maxWork ?? DEFAULT_WORK,
    });
    outbound = answer.outbound;
    lowerBound = answer.lowerBound;
    iterations = answer.iterations;
    nodes = answer.nodes;
  }
  const plan = planOf(model, cost, outbound);
  if (!plan.ok) return plan;
  const totalCost = plan.value.totalCost;
  if (tree) lowerBound = totalCost;
  const gap = totalCost > 0 ? Math.max(0, (totalCost - lowerBound) / totalCost) : 0;
  return ok({
    method: tree ? 'tree-dp' : 'branch-and-bound',
    tree,
    ...plan.value,
    lowerBound: Math.min(lowerBound, totalCost),
    gap,
    timeStep: model.step,
    rounded: model.rounded,
    iterations,
    nodes,
  });
}

/** The plan of given outbound service times (grid units): per stage figures and totals. */
function planOf(
  model: PreparedGsm,
  cost: readonly Float64Array[],
  outbound: Int32Array,
): Result<
  {
    stages: GsmStagePlan[];
    decouplingPoints: string[];
    totalCost: number;
    costAtGivenProcessingTimes: number;
  },
  GsmIssue[]
> {
  const repaired = Int32Array.from(outbound);
  const checked = repairAndCost(model, cost, repaired);
  if (repaired.some((value, stage) => value !== outbound[stage]))
    return err([{ message: 'internal: the solver returned an infeasible plan (a bug, please report it)' }]);
  const step = model.step;
  const stages: GsmStagePlan[] = [];
  const decouplingPoints: string[] = [];
  let totalCost = 0;
  let costAtGiven = 0;
  for (let stage = 0; stage < model.count; stage++) {
    const given = model.stages[stage]!;
    let inbound = model.minInbound[stage]!;
    for (const upstream of model.predecessors[stage]!) inbound = Math.max(inbound, outbound[upstream]!);
    const tauGrid = inbound + model.gridProcessing[stage]! - outbound[stage]!;
    const tau = tauGrid * step;
    const k = model.safetyTerm[stage]!;
    const safetyStock = k * Math.sqrt(tau);
    const holdingCost = given.holdingCost * safetyStock;
    totalCost += holdingCost;
    const givenTau = Math.max(0, inbound * step + given.processingTime - outbound[stage]! * step);
    costAtGiven += given.holdingCost * k * Math.sqrt(givenTau);
    const decoupling = tau > 0 && k > 0;
    if (decoupling) decouplingPoints.push(given.id);
    stages.push({
      id: given.id,
      processingTime: given.processingTime,
      modelProcessingTime: model.gridProcessing[stage]! * step,
      inboundServiceTime: inbound * step,
      outboundServiceTime: outbound[stage]! * step,
      netReplenishmentTime: tau,
      demandMean: model.mean[stage]!,
      safetyTerm: k,
      safetyStock,
      baseStock: model.mean[stage]! * tau + safetyStock,
      holdingCost,
      decouplingPoint: decoupling,
    });
  }
  // `checked` is the same sum in grid arithmetic; a difference would be a bug in the tables.
  if (Math.abs(checked - totalCost) > 1e-6 * Math.max(1, totalCost))
    return err([
      { message: `internal: plan cost ${totalCost} differs from ${checked} (a bug, please report it)` },
    ]);
  return ok({ stages, decouplingPoints, totalCost, costAtGivenProcessingTimes: costAtGiven });
}
