/**
 * @module solver/highs
 * core's `LpSolver` port on HiGHS (Huangfu & Hall, "Parallelizing the dual revised simplex method",
 * Mathematical Programming Computation 10, 2018), compiled to WebAssembly by the npm package `highs`.
 * It runs in-process with nothing to install: the WebAssembly binary ships inside the package.
 *
 * A model is loaded into a persistent HiGHS instance on its first solve and kept (recognized by
 * identity, a few at a time); each solve applies its bound changes, runs from the previous basis
 * (a warm start), reads the answer and puts the model's own bounds back. HiGHS solves synchronously,
 * on the calling thread; run solvers in worker threads to solve in parallel.
 */
import type { LpChanges, LpError, LpModel, LpSolution, LpSolver, Result } from '@keten/core';
import { checkLpChanges, checkLpModel, err, ok } from '@keten/core';
import highsPackage, { type Highs, type InitOptions, type Model } from 'highs';

/**
 * The package's loader. `highs` declares its types as CommonJS, so TypeScript (NodeNext) sees the
 * default import as the module object, while Node loads `build/highs.mjs`, whose default export is
 * the loader itself.
 */
const highsLoader = highsPackage as unknown as (options?: InitOptions) => Promise<Highs>;

export interface HighsSolverOptions {
  /** Seconds one solve may take before it stops with `limit-reached` (default: no limit). */
  readonly timeLimitSeconds?: number;
  /** Models kept loaded at once (default 4); the least recently used one is released. */
  readonly keepModels?: number;
}

/** An `LpSolver` on HiGHS; `dispose()` releases the loaded models (WebAssembly memory). */
export interface HighsSolver extends LpSolver {
  /** The HiGHS version, once the WebAssembly module has loaded. */
  version(): Promise<string>;
  dispose(): void;
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
  const keep = Math.max(1, options.keepModels ?? 4);
  const loaded = new Map<LpModel, Model>();

  const load = (highs: Highs, model: LpModel): Result<Model, LpError> => {
    const cached = loaded.get(model);
    if (cached !== undefined) {
      loaded.delete(model); // re-inserted below: most recently used last
      loaded.set(model, cached);
      return ok(cached);
    }
    const problems = checkLpModel(model);
    if (problems.length > 0) return err({ reason: 'invalid-model', message: problems.join('; ') });
    const columns = model.cost.length;
    const rows = model.rowLower.length;
    const instance = highs.createModel({
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
    instance.options.set({ output_flag: false });
    if (options.timeLimitSeconds !== undefined)
      instance.options.set({ time_limit: options.timeLimitSeconds });
    loaded.set(model, instance);
    while (loaded.size > keep) {
      const [oldest, oldModel] = loaded.entries().next().value as [LpModel, Model];
      oldModel.dispose();
      loaded.delete(oldest);
    }
    return ok(instance);
  };

  const solveLoaded = (instance: Model, model: LpModel, changes: LpChanges): Result<LpSolution, LpError> => {
    for (const change of changes.columns ?? [])
      instance.changeColBounds(change.index, change.lower, change.upper);
    for (const change of changes.rows ?? [])
      instance.changeRowBounds(change.index, change.lower, change.upper);
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
      for (const change of changes.columns ?? [])
        instance.changeColBounds(
          change.index,
          model.columnLower[change.index]!,
          model.columnUpper[change.index]!,
        );
      for (const change of changes.rows ?? [])
        instance.changeRowBounds(change.index, model.rowLower[change.index]!, model.rowUpper[change.index]!);
    }
  };

  return {
    async solve(model, changes = {}) {
      let highs: Highs;
      try {
        highs = await loadRuntime();
      } catch (error) {
        return err({ reason: 'solver-failed', message: `HiGHS did not load: ${messageOf(error)}` });
      }
      try {
        const instance = load(highs, model);
        if (!instance.ok) return instance;
        const problems = checkLpChanges(model, changes);
        if (problems.length > 0) return err({ reason: 'invalid-model', message: problems.join('; ') });
        return solveLoaded(instance.value, model, changes);
      } catch (error) {
        return err({ reason: 'solver-failed', message: `HiGHS: ${messageOf(error)}` });
      }
    },
    async version() {
      return (await loadRuntime()).version.string;
    },
    dispose() {
      for (const instance of loaded.values()) instance.dispose();
      loaded.clear();
    },
  };
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
