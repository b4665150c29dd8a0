/**
 * @module decisions/gsm
 * Chain decoupling points with the Guaranteed Service Model (Graves & Willems 2000, 2003): the model,
 * its solvers (exact on trees, bounded elsewhere), the two inputs (a Willems stage table, a keten
 * network) and the report. See docs/decoupling.md.
 */
export { gsmProblemOfNetwork, type NetworkGsmOptions, stageId } from './from-network.ts';
export type { GsmDemand, GsmIssue, GsmOptions, GsmProblem, GsmStage, GsmUpstream } from './model.ts';
export { describeGsmMethod, formatGsmReport } from './report.ts';
export { type GsmMethod, type GsmSolution, type GsmStagePlan, solveGsm } from './solve.ts';
export {
  isStageTable,
  parseStageTable,
  type StageTableIssue,
  type StageTableOptions,
} from './stage-table.ts';
