/**
 * @module decisions/linear-program
 * The port through which core solves linear programs: a plain model (columns with bounds and costs,
 * rows with bounds, a sparse row-wise matrix), changes to its bounds for one solve, and the
 * `LpSolver` interface that an adapter implements (`@keten/solver`: HiGHS as WebAssembly). Core builds
 * models and reads solutions; it never loads a solver itself.
 *
 * A model is built once and solved many times with different bounds (the stress test solves one LP
 * per company on the same model). `LpChanges` carries those differences, so an adapter may keep the
 * model loaded and warm-start from the previous basis; a solve depends only on model + changes.
 */
import type { Result } from '../result.ts';

/**
 * A linear program: minimize or maximize `cost · x` subject to `rowLower ≤ A x ≤ rowUpper` and
 * `columnLower ≤ x ≤ columnUpper`. Use `Infinity` / `-Infinity` for a missing bound. `A` is stored
 * row by row (compressed sparse rows): the entries of row r are at `rowStarts[r] ..
 * rowStarts[r + 1] − 1` of `columnIndices` and `values`.
 *
 * @example
 * // maximize x + y subject to x + 2y ≤ 4, 3x + y ≤ 6, x, y ≥ 0
 * const model: LpModel = {
 *   sense: 'maximize',
 *   cost: Float64Array.of(1, 1),
 *   columnLower: Float64Array.of(0, 0),
 *   columnUpper: Float64Array.of(Infinity, Infinity),
 *   rowLower: Float64Array.of(-Infinity, -Infinity),
 *   rowUpper: Float64Array.of(4, 6),
 *   rowStarts: Int32Array.of(0, 2, 4),
 *   columnIndices: Int32Array.of(0, 1, 0, 1),
 *   values: Float64Array.of(1, 2, 3, 1),
 * };
 */
export interface LpModel {
  readonly sense: 'minimize' | 'maximize';
  /** Objective coefficient per column; its length is the number of columns. */
  readonly cost: Float64Array;
  readonly columnLower: Float64Array;
  readonly columnUpper: Float64Array;
  /** Lower bound per row; its length is the number of rows. */
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** Number of rows + 1 offsets into `columnIndices` and `values`. */
  readonly rowStarts: Int32Array;
  readonly columnIndices: Int32Array;
  readonly values: Float64Array;
  /** Names for messages and debugging (optional; as long as the columns / rows when given). */
  readonly columnNames?: readonly string[];
  readonly rowNames?: readonly string[];
}

/** New bounds for one column or row, for one solve. */
export interface LpBound {
  readonly index: number;
  readonly lower: number;
  readonly upper: number;
}

/** The bounds that differ from the model's for one solve; the model itself is never changed. */
export interface LpChanges {
  readonly columns?: readonly LpBound[];
  readonly rows?: readonly LpBound[];
}

/**
 * The outcome of a solve that finished: an optimum with its objective and column values, or the
 * proof that there is none. Infeasible and unbounded programs are answers, not failures.
 */
export type LpSolution =
  | { readonly status: 'optimal'; readonly objective: number; readonly columnValues: Float64Array }
  | { readonly status: 'infeasible' }
  | { readonly status: 'unbounded' };

/** Why a solve gave no answer. */
export type LpErrorReason =
  /** The model is malformed: array lengths, indices, NaN, a lower bound above its upper bound. */
  | 'invalid-model'
  /** A time or iteration limit stopped the solver before it reached an answer. */
  | 'limit-reached'
  /** The solver failed (numerical trouble, an error inside the solver). */
  | 'solver-failed';

export interface LpError {
  readonly reason: LpErrorReason;
  readonly message: string;
}

/**
 * Solves linear programs. Implementations: `createHighsSolver` in `@keten/solver`.
 * `solve(model, changes, limits)` must answer as if `changes` were applied to a copy of `model`; an
 * implementation may keep `model` loaded between calls (recognizing it by identity), so callers must
 * not mutate a model's arrays after its first solve.
 */
export interface LpSolver {
  solve(model: LpModel, changes?: LpChanges, limits?: LpLimits): Promise<Result<LpSolution, LpError>>;
}

/** Limits on one solve; reaching one is the error `limit-reached`, not an answer. */
export interface LpLimits {
  /** Simplex iterations the solve may take (a cheap first try that gives up on a long solve). */
  readonly iterations?: number;
}

/** Number of columns and rows, and non-zero entries of the matrix. */
export function lpSize(model: LpModel): { columns: number; rows: number; nonZeros: number } {
  return { columns: model.cost.length, rows: model.rowLower.length, nonZeros: model.values.length };
}

/**
 * The problems of a model's shape, in words (empty when it is well-formed): array lengths, matrix
 * offsets and indices, a value that is not a finite number, a lower bound above its upper bound.
 * Adapters call this once per model before handing it to a solver, so a malformed model is an
 * `invalid-model` error, not a crash inside the solver.
 */
export function checkLpModel(model: LpModel): string[] {
  const problems: string[] = [];
  const columns = model.cost.length;
  const rows = model.rowLower.length;
  if (model.columnLower.length !== columns || model.columnUpper.length !== columns)
    problems.push(
      `the column bounds have ${model.columnLower.length} and ${model.columnUpper.length} values for ${columns} columns`,
    );
  if (model.rowUpper.length !== rows)
    problems.push(`the row bounds have ${rows} and ${model.rowUpper.length} values`);
  if (model.rowStarts.length !== rows + 1)
    problems.push(`rowStarts has ${model.rowStarts.length} offsets for ${rows} rows (needs ${rows + 1})`);
  else {
    if (model.rowStarts[0] !== 0) problems.push('rowStarts must begin at 0');
    for (let row = 0; row < rows; row++)
      if (model.rowStarts[row + 1]! < model.rowStarts[row]!) {
        problems.push(`rowStarts decreases after row ${row}`);
        break;
      }
    if (model.rowStarts[rows] !== model.values.length)
      problems.push(
        `rowStarts ends at ${model.rowStarts[rows]} but the matrix has ${model.values.length} values`,
      );
  }
  if (model.columnIndices.length !== model.values.length)
    problems.push(`${model.columnIndices.length} column indices for ${model.values.length} values`);
  const outside = model.columnIndices.find((index) => index < 0 || index >= columns);
  if (outside !== undefined) problems.push(`column index ${outside} is outside 0..${columns - 1}`);
  if (model.values.some((value) => !Number.isFinite(value)))
    problems.push('a matrix value is not a finite number');
  if (model.cost.some((value) => !Number.isFinite(value))) problems.push('a cost is not a finite number');
  checkBounds('column', model.columnLower, model.columnUpper, problems);
  checkBounds('row', model.rowLower, model.rowUpper, problems);
  return problems;
}

/** The problems of changes for a model, in words (empty when they fit it). */
export function checkLpChanges(model: LpModel, changes: LpChanges): string[] {
  const problems: string[] = [];
  checkChanges('column', model.cost.length, changes.columns ?? [], problems);
  checkChanges('row', model.rowLower.length, changes.rows ?? [], problems);
  return problems;
}

function checkBounds(kind: string, lower: Float64Array, upper: Float64Array, problems: string[]): void {
  const count = Math.min(lower.length, upper.length);
  for (let index = 0; index < count; index++) {
    const low = lower[index]!;
    const high = upper[index]!;
    if (Number.isNaN(low) || Number.isNaN(high) || low > high || low === Infinity || high === -Infinity) {
      problems.push(`${kind} ${index} has the bounds ${low}..${high}`);
      return;
    }
  }
}

function checkChanges(kind: string, count: number, changes: readonly LpBound[], problems: string[]): void {
  for (const change of changes) {
    if (!Number.isInteger(change.index) || change.index < 0 || change.index >= count)
      problems.push(`a change names ${kind} ${change.index}, outside 0..${count - 1}`);
    else if (
      Number.isNaN(change.lower) ||
      Number.isNaN(change.upper) ||
      change.lower > change.upper ||
      change.lower === Infinity ||
      change.upper === -Infinity
    )
      problems.push(`a change gives ${kind} ${change.index} the bounds ${change.lower}..${change.upper}`);
  }
}
