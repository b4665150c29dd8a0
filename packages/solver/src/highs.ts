/**
 * @module solver/highs
 * core's `LpSolver` port on HiGHS (Huangfu & Hall, "Parallelizing the dual revised simplex method",
 * Mathematical Programming Computation 10, 2018), compiled to WebAssembly by the npm package `highs`.
 * It runs in-process with nothing to install: the WebAssembly binary ships inside the package.
 *
 * A model is loaded into a persistent HiGHS instance on its first solve and kept (recognized by
 * identity, a few at a time). On loading, the model is solved as given and the optimal basis of that
 * solve is kept: every solve starts from it (a warm start), applies its bound changes, reads the
 * answer and puts the model's own bounds back. So an answer depends on the model and the changes
 * alone, not on what was solved before, and a change of a few bounds costs few simplex iterations
 * (the survival LPs of a 600-company stress test: half the iterations, and 2.7 times faster, than
 * from the previous solve's basis). HiGHS solves synchronously, on the calling thread; run solvers in
 * worker threads to solve in parallel.
 */
import type { LpChanges, LpError, LpLimits, LpModel, LpSolution, LpSolver, Result } from '@keten/core';
import { checkLpChanges, checkLpModel, err, ok } from '@keten/core';
import highsPackage, { type Basis, type Highs, type InitOptions, type Model } from 'highs';

/**
 * The package's loader. `highs` declares its types as CommonJS, so TypeScript (NodeNext) sees the
 * default import as the module object, while Node loads `build/highs.mjs`, whose default export is
 * the loader itself.
 */
const highsLoader = highsPackage as unknown as (options?: InitOptions) => Promise<Highs>;

export interface HighsSolverOptions {
  /** Seconds one solve may take before it stops with `limit-reached` (default: no limit). */
  readonly timeLimitSeconds?: number;
  /**
   * Models kept loaded at once (default 8); the least recently used one is released. The stress
   * test's survival ladder solves on up to 8 (the recovery LP, the survival LP and 6 rungs); with
   * fewer kept, a rung is evicted and loaded again, and loading solves it cold (seconds on a large
   * network).
   */
  readonly keepModels?: number;
}

/** An `LpSolver` on HiGHS; `dispose()` releases the loaded models (WebAssembly memory). */
export interface HighsSolver extends LpSolver {
  /** The HiGHS version, once the WebAssembly module has loaded. */
  version(): Promise<string>;
  dispose(): void;
}

/** HiGHS' `dual_feasibility_tolerance` (its default is 1e-7); costs about 2× the iterations. */
const DUAL_TOLERANCE = 1e-9;

/** HiGHS' `simplex_dual_edge_weight_strategy` value for devex pricing (its default, -1, chooses). */
const DEVEX = 1;

/** HiGHS' default `simplex_iteration_limit` (the largest HighsInt): no limit. */
const NO_LIMIT = 2_147_483_647;

/** A model loaded into HiGHS, with the optimal basis of the model as given (when it has one). */
interface Loaded {
  readonly instance: Model;
  basis?: Basis;
}

/** HiGHS model statuses (`HighsModelStatus` in HiGHS' `lp_data/HConst.h`). */
const STATUS = {
  empty: 6,
  optimal: 7,
  infeasible: 8,
  unboundedOrInfeasible: 9,
  unbounded: 10,
  timeLimit: 13,
  iterationLimit: 14,
} as const;

let runtime: Promise<Highs> | undefined;

/** The HiGHS WebAssembly runtime, loaded once per process (about 0.15 s). */
function loadRuntime(): Promise<Highs> {
  runtime ??= highsLoader();
  return runtime;
}

/**
 * Create an `LpSolver` on HiGHS.
 *
 * @example
 * const solver = createHighsSolver();
 * const answer = await solver.solve(model);
 * solver.dispose();
 */
export function createHighsSolver(options: HighsSolverOptions = {}): HighsSolver {
  const keep = Math.max(1, options.keepModels ?? 8);
  const loaded = new Map<LpModel, Loaded>();

  const load = (highs: Highs, model: LpModel): Result<Loaded, LpError> => {
    const cached = loaded.get(model);
    if (cached !== undefined) {
      loaded.delete(model); // re-inserted below: most recently used last
      loaded.set(model, cached);
      return ok(cached);
    }
    const problems = checkLpModel(model);
    if (problems.length > 0) return err({ reason: 'invalid-model', message: problems.join('; ') });
    const instance = highsModel(highs, model);
    // A tight dual tolerance: the stress test's survival LPs have reduced costs in periods per kg;
    // with HiGHS' default (1e-7) they stopped up to 1e-4 short of the optimum, with 1e-8 up to 6e-6
    // (on a generated 600-company network), with 1e-9 they match 1e-10 and cold solves.
    // Devex pricing, set before the first solve: a warm start from a kept basis with HiGHS' default
    // (dual steepest edge) recomputes every edge weight, and an instance that solved once with it
    // stays slow after switching; on the stress test's survival LPs (6,000 companies) devex took a
    // third of the CPU time for the same simplex iterations (docs/stress-test.md, "Performance").
    instance.options.set({
      output_flag: false,
      dual_feasibility_tolerance: DUAL_TOLERANCE,
      simplex_dual_edge_weight_strategy: DEVEX,
    });
    if (options.timeLimitSeconds !== undefined)
      instance.options.set({ time_limit: options.timeLimitSeconds });
    const entry: Loaded = { instance };
    loaded.set(model, entry);
    while (loaded.size > keep) {
      const [oldest, old] = loaded.entries().next().value as [LpModel, Loaded];
      old.instance.dispose();
      loaded.delete(oldest);
    }
    // The model as given, solved once: its optimal basis is where every solve starts.
    instance.run();
    if (instance.getModelStatus() === STATUS.optimal) entry.basis = instance.getBasis();
    return ok(entry);
  };

  const solveLoaded = (
    entry: Loaded,
    model: LpModel,
    changes: LpChanges,
    limits: LpLimits,
  ): Result<LpSolution, LpError> => {
    const { instance } = entry;
    if (entry.basis !== undefined) instance.setBasis(entry.basis);
    setBounds(instance, changes);
    if (limits.iterations !== undefined) instance.options.set({ simplex_iteration_limit: limits.iterations });
    try {
      instance.run();
      let status = instance.getModelStatus();
      if (status === STATUS.unboundedOrInfeasible) {
        // Presolve may stop at "unbounded or infeasible"; the simplex method on the full model tells.
        instance.options.set({ presolve: 'off' });
        instance.run();
        instance.options.set({ presolve: 'choose' });
        status = instance.getModelStatus();
      }
      return answer(instance, status);
    } finally {
      if (limits.iterations !== undefined) instance.options.set({ simplex_iteration_limit: NO_LIMIT });
      setBounds(instance, {
        columns: (changes.columns ?? []).map(({ index }) => ({
          index,
          lower: model.columnLower[index]!,
          upper: model.columnUpper[index]!,
        })),
        rows: (changes.rows ?? []).map(({ index }) => ({
          index,
          lower: model.rowLower[index]!,
          upper: model.rowUpper[index]!,
        })),
      });
    }
  };

  return {
    async solve(model, changes = {}, limits = {}) {
      let highs: Highs;
      try {
        highs = await loadRuntime();
      } catch (error) {
        return err({ reason: 'solver-failed', message: `HiGHS did not load: ${messageOf(error)}` });
      }
      try {
        const entry = load(highs, model);
        if (!entry.ok) return entry;
        const problems = checkLpChanges(model, changes);
        if (problems.length > 0) return err({ reason: 'invalid-model', message: problems.join('; ') });
        const limit = limits.iterations;
        if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0 && limit < NO_LIMIT))
          return err({
            reason: 'invalid-model',
            message: `an iteration limit must be a whole number (got ${limit})`,
          });
        return solveLoaded(entry.value, model, changes, limits);
      } catch (error) {
        return err({ reason: 'solver-failed', message: `HiGHS: ${messageOf(error)}` });
      }
    },
    async version() {
      return (await loadRuntime()).version.string;
    },
    dispose() {
      for (const { instance } of loaded.values()) instance.dispose();
      loaded.clear();
    },
  };
}

/**
 * A HiGHS model holding `model` as it is (the adapter's, and the tests' cold reference solves):
 * `highs.createModel` with the sense, bounds, costs and row-wise matrix of an `LpModel`.
 */
export function highsModel(highs: Highs, model: LpModel): Model {
  const columns = model.cost.length;
  const rows = model.rowLower.length;
  return highs.createModel({
    numCols: columns,
    numRows: rows,
    sense:
      model.sense === 'maximize'
        ? highs.constants.objectiveSense.maximize
        : highs.constants.objectiveSense.minimize,
    colCost: model.cost,
    colLower: model.columnLower,
    colUpper: model.columnUpper,
    rowLower: model.rowLower,
    rowUpper: model.rowUpper,
    matrix: {
      format: 'csr',
      numRows: rows,
      numCols: columns,
      starts: model.rowStarts,
      indices: model.columnIndices,
      values: model.values,
    },
  });
}

function setBounds(instance: Model, changes: LpChanges): void {
  for (const change of changes.columns ?? [])
    instance.changeColBounds(change.index, change.lower, change.upper);
  for (const change of changes.rows ?? []) instance.changeRowBounds(change.index, change.lower, change.upper);
}

function answer(instance: Model, status: number): Result<LpSolution, LpError> {
  switch (status) {
    case STATUS.optimal:
      return ok({
        status: 'optimal',
        objective: instance.getObjectiveValue(),
        columnValues: Float64Array.from(instance.getSolution().colValue),
      });
    case STATUS.empty:
      return ok({ status: 'optimal', objective: 0, columnValues: new Float64Array(0) });
    case STATUS.infeasible:
      return ok({ status: 'infeasible' });
    case STATUS.unbounded:
      return ok({ status: 'unbounded' });
    case STATUS.timeLimit:
      return err({ reason: 'limit-reached', message: 'HiGHS reached its time limit' });
    case STATUS.iterationLimit:
      return err({ reason: 'limit-reached', message: 'HiGHS reached its iteration limit' });
    default:
      return err({ reason: 'solver-failed', message: `HiGHS ended with model status ${status}` });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
