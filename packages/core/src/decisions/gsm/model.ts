/**
 * @module decisions/gsm/model
 * The input of the Guaranteed Service Model (Graves & Willems 2000, "Optimizing strategic safety
 * stock placement in supply chains", MSOM 2(1), §2–3): stages with a processing time, a holding cost,
 * an optional maximum outbound service time, external demand at demand stages, and upstream links
 * with quantities. `prepareGsm` checks a problem (ids, links, cycles, numbers) and derives what the
 * solvers need: a topological order, each stage's demand bound and the integer time grid.
 */
import { err, ok, type Result } from '../../result.ts';

/** A link to an upstream stage: `quantity` units of it go into one unit of this stage. */
export interface GsmUpstream {
  readonly stage: string;
  readonly quantity: number;
}

/** External (end-customer) demand per period at a demand stage. */
export interface GsmDemand {
  readonly mean: number;
  readonly standardDeviation: number;
}

/**
 * One stage of the supply chain (Graves & Willems 2000 §2). Times are in periods (days for the
 * Willems data set) and may be fractional; the solvers work on a grid, see `GsmOptions.timeStep`.
 */
export interface GsmStage {
  readonly id: string;
  /** T: the stage's processing time (production plus inbound transport), ≥ 0. */
  readonly processingTime: number;
  /** h: cost of holding one unit for one period at this stage, ≥ 0. */
  readonly holdingCost: number;
  /** s: the longest outbound service time the stage may quote (demand stages: to customers). */
  readonly maxServiceTime?: number;
  /** sᴵ of a stage without upstream stages: the service time of its outside supplier (default 0). */
  readonly externalInboundServiceTime?: number;
  /** External demand served by this stage (a demand stage). */
  readonly demand?: GsmDemand;
  /**
   * z: the safety factor of this stage's demand bound (Graves & Willems 2000 §3.1). Required at a
   * demand stage; at another stage it defaults to pooling z·σ of the demand stages it serves.
   */
  readonly safetyFactor?: number;
  /**
   * r: how the deviations of the demand stages this stage serves combine, σ = (Σ σᵢʳ)^(1/r)
   * (Willems 2008's `risk_pool`; default 2, the square root of summed variances).
   */
  readonly riskPool?: number;
  readonly upstream: readonly GsmUpstream[];
}

export interface GsmProblem {
  readonly stages: readonly GsmStage[];
}

export interface GsmOptions {
  /**
   * The grid of service times, in periods (default 1). Processing times that are not on the grid
   * are rounded up to it; the answer is exact for those rounded times (see docs/decoupling.md).
   */
  readonly timeStep?: number;
  /** Relative gap at which the bounded method for non-tree networks stops (default 1e-6). */
  readonly gapTolerance?: number;
  /** Most subgradient iterations of the bounded method (default 400). */
  readonly maxIterations?: number;
  /** Most branch-and-bound nodes of the bounded method (default 2000). */
  readonly maxNodes?: number;
  /**
   * Work budget of the bounded method, in (S, SI) pairs the tree program evaluates over all its
   * solves (default `DEFAULT_WORK`): deterministic, so an answer never depends on machine speed.
   */
  readonly maxWork?: number;
}

/** A problem in a GSM input, in words, with the stage it concerns when there is one. */
export interface GsmIssue {
  readonly stage?: string;
  readonly message: string;
}

/** A checked problem, indexed, with what every solver needs. */
export interface PreparedGsm {
  readonly stages: readonly GsmStage[];
  readonly count: number;
  /** Upstream stage indexes and quantities per stage. */
  readonly predecessors: readonly (readonly number[])[];
  readonly successors: readonly (readonly number[])[];
  /** Stages in topological order (every stage after its upstream stages). */
  readonly order: Int32Array;
  /** μ: mean demand per period the stage serves (through the quantities). */
  readonly mean: Float64Array;
  /** k = z·σ: the safety term of the demand bound D(τ) = μτ + k√τ. */
  readonly safetyTerm: Float64Array;
  /** Grid step in periods, and on the grid: processing time (rounded up), max S, min SI. */
  readonly step: number;
  readonly gridProcessing: Int32Array;
  /** Largest useful outbound service time, on the grid. */
  readonly maxOutbound: Int32Array;
  /** Largest possible inbound service time, on the grid. */
  readonly maxInbound: Int32Array;
  /** Smallest inbound service time (the outside supplier's), on the grid. */
  readonly minInbound: Int32Array;
  /** True when some processing time was rounded up to the grid. */
  readonly rounded: boolean;
}

const EPSILON = 1e-9;

/**
 * Check a problem and derive what the solvers need. Problems come back as values: an unknown or
 * repeated stage, a cycle, a number out of range, a demand stage without a safety factor.
 */
export function prepareGsm(problem: GsmProblem, options: GsmOptions = {}): Result<PreparedGsm, GsmIssue[]> {
  const issues: GsmIssue[] = [];
  const step = options.timeStep ?? 1;
  if (!(step > 0) || !Number.isFinite(step))
    return err([{ message: `timeStep must be above 0, not ${step}` }]);
  const stages = problem.stages;
  const count = stages.length;
  if (count === 0) return err([{ message: 'the problem has no stages' }]);
  const index = new Map<string, number>();
  stages.forEach((stage, position) => {
    if (index.has(stage.id)) issues.push({ stage: stage.id, message: `stage ${stage.id} appears twice` });
    else index.set(stage.id, position);
  });
  const predecessors: number[][] = stages.map(() => []);
  const quantities: number[][] = stages.map(() => []);
  const successors: number[][] = stages.map(() => []);
  stages.forEach((stage, position) => {
    checkNumbers(stage, issues);
    const seen = new Set<string>();
    for (const link of stage.upstream) {
      const upstream = index.get(link.stage);
      if (upstream === undefined) {
        issues.push({
          stage: stage.id,
          message: `stage ${stage.id} names the unknown upstream stage ${link.stage}`,
        });
        continue;
      }
      if (seen.has(link.stage)) {
        issues.push({
          stage: stage.id,
          message: `stage ${stage.id} names upstream stage ${link.stage} twice`,
        });
        continue;
      }
      if (!(link.quantity > 0) || !Number.isFinite(link.quantity))
        issues.push({
          stage: stage.id,
          message: `stage ${stage.id}: the quantity of ${link.stage} must be a number above 0, not ${link.quantity}`,
        });
      seen.add(link.stage);
      predecessors[position]!.push(upstream);
      quantities[position]!.push(link.quantity);
      successors[upstream]!.push(position);
    }
  });
  if (issues.length > 0) return err(issues);
  const order = topologicalOrder(predecessors, successors);
  if (order === undefined) {
    return err([{ message: 'the stages form a cycle: a stage is (indirectly) upstream of itself' }]);
  }
  const bounds = demandBounds(stages, order, predecessors, quantities, successors, issues);
  if (issues.length > 0) return err(issues);

  const gridProcessing = new Int32Array(count);
  const maxOutbound = new Int32Array(count);
  const maxInbound = new Int32Array(count);
  const minInbound = new Int32Array(count);
  let rounded = false;
  for (const stage of order) {
    const given = stages[stage]!;
    const processing = Math.ceil(given.processingTime / step - EPSILON);
    if (Math.abs(processing * step - given.processingTime) > EPSILON * Math.max(1, given.processingTime))
      rounded = true;
    gridProcessing[stage] = processing;
    // sᴵ ≥ the outside supplier's service time; S ≤ s. Both rounded towards the feasible side.
    const external = Math.ceil((given.externalInboundServiceTime ?? 0) / step - EPSILON);
    let inbound = external;
    for (const upstream of predecessors[stage]!) inbound = Math.max(inbound, maxOutbound[upstream]!);
    minInbound[stage] = external;
    maxInbound[stage] = inbound;
    const limit =
      given.maxServiceTime === undefined ? Infinity : Math.floor(given.maxServiceTime / step + EPSILON);
    maxOutbound[stage] = Math.min(limit, inbound + processing);
  }
  return ok({
    stages,
    count,
    predecessors,
    successors,
    order,
    mean: bounds.mean,
    safetyTerm: bounds.safetyTerm,
    step,
    gridProcessing,
    maxOutbound,
    maxInbound,
    minInbound,
    rounded,
  });
}

function checkNumbers(stage: GsmStage, issues: GsmIssue[]): void {
  const id = stage.id;
  const nonNegative = (value: number | undefined, field: string): void => {
    if (value !== undefined && !(value >= 0 && Number.isFinite(value)))
      issues.push({ stage: id, message: `stage ${id}: ${field} must be a number ≥ 0, not ${value}` });
  };
  nonNegative(stage.processingTime, 'the processing time');
  nonNegative(stage.holdingCost, 'the holding cost');
  nonNegative(stage.maxServiceTime, 'the maximum service time');
  nonNegative(stage.externalInboundServiceTime, 'the external inbound service time');
  nonNegative(stage.safetyFactor, 'the safety factor');
  if (stage.riskPool !== undefined && !(stage.riskPool >= 1 && Number.isFinite(stage.riskPool)))
    issues.push({
      stage: id,
      message: `stage ${id}: the risk pool exponent must be a number ≥ 1, not ${stage.riskPool}`,
    });
  if (stage.demand !== undefined) {
    nonNegative(stage.demand.mean, 'the demand mean');
    nonNegative(stage.demand.standardDeviation, 'the demand standard deviation');
    if (stage.safetyFactor === undefined)
      issues.push({ stage: id, message: `demand stage ${id} needs a safety factor (or a service level)` });
  }
}

/** Kahn's algorithm; undefined when there is a cycle. */
function topologicalOrder(
  predecessors: readonly (readonly number[])[],
  successors: readonly (readonly number[])[],
): Int32Array | undefined {
  const count = predecessors.length;
  const waiting = Int32Array.from(predecessors, (list) => list.length);
  const order = new Int32Array(count);
  let head = 0;
  let tail = 0;
  for (let stage = 0; stage < count; stage++) if (waiting[stage] === 0) order[tail++] = stage;
  while (head < tail) {
    const stage = order[head++]!;
    for (const next of successors[stage]!) if (--waiting[next]! === 0) order[tail++] = next;
  }
  return tail === count ? order : undefined;
}

/**
 * Demand bounds per stage (Graves & Willems 2000 §3.1: D(τ) = μτ + zσ√τ; inner stages: Willems 2008's
 * risk pooling over the demand stages served). φ(j, d), the units of stage j in one unit of demand
 * stage d, sums the products of quantities over the paths from j to d. Then μⱼ = Σ_d φ(j,d)·μ_d and
 * kⱼ = zⱼ·(Σ_d (φ(j,d)·σ_d)^r)^(1/r) when stage j has its own z, else (Σ_d (φ(j,d)·z_d·σ_d)^r)^(1/r):
 * with one z for every demand stage both readings are the same.
 */
function demandBounds(
  stages: readonly GsmStage[],
  order: Int32Array,
  predecessors: readonly (readonly number[])[],
  quantities: readonly (readonly number[])[],
  successors: readonly (readonly number[])[],
  issues: GsmIssue[],
): { mean: Float64Array; safetyTerm: Float64Array } {
  const count = stages.length;
  const demandStages: number[] = [];
  const column = new Int32Array(count).fill(-1);
  stages.forEach((stage, position) => {
    if (stage.demand !== undefined) {
      column[position] = demandStages.length;
      demandStages.push(position);
    }
  });
  const width = demandStages.length;
  const mean = new Float64Array(count);
  const safetyTerm = new Float64Array(count);
  if (width === 0) {
    issues.push({ message: 'no stage has external demand: there is nothing to place safety stock for' });
    return { mean, safetyTerm };
  }
  // φ rows, from the most downstream stage up. Dense: stages × demand stages (2,025 × 559 at most in
  // the Willems set).
  const phi = new Float64Array(count * width);
  for (let position = count - 1; position >= 0; position--) {
    const stage = order[position]!;
    const row = stage * width;
    if (column[stage]! >= 0) phi[row + column[stage]!] = 1;
    for (const next of successors[stage]!) {
      const quantity = quantities[next]![predecessors[next]!.indexOf(stage)]!;
      const nextRow = next * width;
      for (let d = 0; d < width; d++) phi[row + d] = phi[row + d]! + quantity * phi[nextRow + d]!;
    }
  }
  for (let stage = 0; stage < count; stage++) {
    const given = stages[stage]!;
    const r = given.riskPool ?? 2;
    const own = given.safetyFactor;
    let meanSum = 0;
    let pooled = 0;
    for (let d = 0; d < width; d++) {
      const units = phi[stage * width + d]!;
      if (units === 0) continue;
      const demandStage = stages[demandStages[d]!]!;
      const demand = demandStage.demand!;
      meanSum += units * demand.mean;
      const deviation =
        units * demand.standardDeviation * (own === undefined ? demandStage.safetyFactor! : 1);
      pooled += deviation ** r;
    }
    mean[stage] = meanSum;
    safetyTerm[stage] = (own ?? 1) * pooled ** (1 / r);
  }
  return { mean, safetyTerm };
}

/** Union-find over `count` elements (path halving): `find` gives a set's root, `union` joins two. */
export function disjointSets(count: number): {
  find(element: number): number;
  union(a: number, b: number): boolean;
} {
  const parent = Int32Array.from({ length: count }, (_, element) => element);
  const find = (element: number): number => {
    let at = element;
    while (parent[at] !== at) {
      parent[at] = parent[parent[at]!]!;
      at = parent[at]!;
    }
    return at;
  };
  return {
    find,
    /** Joins the sets of a and b; false when they were one set already. */
    union(a: number, b: number): boolean {
      const rootA = find(a);
      const rootB = find(b);
      if (rootA === rootB) return false;
      parent[rootA] = rootB;
      return true;
    },
  };
}
