/**
 * @module @keten/solver
 * Solver adapters behind core's ports: `createHighsSolver`, core's `LpSolver` on HiGHS (WebAssembly,
 * in-process, nothing to install).
 */
export * from './highs.ts';
