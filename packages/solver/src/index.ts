/**
 * @module @keten/solver
 * Solver adapters behind core's ports: core's `LpSolver` on HiGHS (WebAssembly, nothing to install),
 * in-process (`createHighsSolver`) or over worker threads (`createHighsThreadSolver`).
 */
export * from './highs.ts';
export * from './highs-threads.ts';
