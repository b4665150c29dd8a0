/**
 * A small LP for the solver tests: maximize x + y subject to x + 2y ≤ 4, 3x + y ≤ 6, x, y ≥ 0.
 * Optimum x = 1.6, y = 1.2, objective 2.8; with x fixed at 0, y = 2.
 */
import type { LpModel } from '@keten/core';

export const SMALL_LP: LpModel = {
  sense: 'maximize',
  cost: Float64Array.of(1, 1),
  columnLower: Float64Array.of(0, 0),
  columnUpper: Float64Array.of(Infinity, Infinity),
  rowLower: Float64Array.of(-Infinity, -Infinity),
  rowUpper: Float64Array.of(4, 6),
  rowStarts: Int32Array.of(0, 2, 4),
  columnIndices: Int32Array.of(0, 1, 0, 1),
  values: Float64Array.of(1, 2, 3, 1),
};
