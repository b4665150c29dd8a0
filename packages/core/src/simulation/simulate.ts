/**
 * @module simulation/simulate
 * The simulator's front door: compile a network and a scenario once, run Monte Carlo runs, and
 * summarize them per company, per tier and for the network (means and 5/95 percentiles).
 *
 * For workers: `compileSimulation` once per worker (deterministic), `simulateRuns(model, seed,
 * runIndexes)` on any share of the run indexes, then `aggregateRuns(model, allResults)` in the main
 * thread. Each run depends on (seed, run index) alone, so the summary is the same for any split.
 *
 * @example
 * const loaded = loadScenario(text, 'scenario.yaml', network);
 * if (loaded.ok) {
 *   const result = simulate(network, loaded.value.scenario, { runs: 1000, seed: 7 });
 *   console.log(result.network.fillRate.mean, result.tiers.map((tier) => tier.metrics.bullwhip.mean));
 * }
 */
import type { Network } from '../model/schema.ts';
import { simulateRuns } from './engine.ts';
import { aggregateRuns, type RunLayout, type RunResult, type SimulationSummary } from './metrics.ts';
import { compileSimulation } from './model.ts';
import type { Scenario } from './scenario.ts';

export interface SimulateOptions {
  /** Number of runs (default the scenario's `runs`, else 1); runs are 0 .. runs − 1. */
  readonly runs?: number;
  /** Seed of the whole simulation (default the scenario's `seed`, else 1). */
  readonly seed?: number;
  /** Only these run indexes (e.g. one worker's share); default all of 0 .. runs − 1. */
  readonly runIndexes?: readonly number[];
}

/** A simulation's summary with what it was run on. */
export interface SimulationResult extends SimulationSummary {
  readonly scenario: string;
  readonly networkName: string;
  readonly seed: number;
  readonly periods: number;
  readonly warmUp: number;
}

/**
 * Simulates `scenario` on `network` and summarizes the runs. Throws a RangeError only for a
 * programmer's mistake (a run count or seed that is not a whole number ≥ 0); the scenario must have
 * been validated (`loadScenario` or `validateScenario`).
 */
export function simulate(
  network: Network,
  scenario: Scenario,
  options: SimulateOptions = {},
): SimulationResult {
  const { runs, seed } = runsAndSeed(scenario, options);
  const model = compileSimulation(network, scenario);
  const indexes = options.runIndexes ?? Array.from({ length: runs }, (_, run) => run);
  return simulationResult(model, seed, simulateRuns(model, seed, indexes));
}

/**
 * The runs and seed of a simulation: the caller's, else the scenario's, else 1 run with seed 1.
 * Throws a RangeError for a run count or seed that is not a whole number ≥ 1 (runs) or ≥ 0 (seed).
 */
export function runsAndSeed(
  scenario: Scenario,
  options: { readonly runs?: number | undefined; readonly seed?: number | undefined } = {},
): { runs: number; seed: number } {
  const runs = options.runs ?? scenario.runs ?? 1;
  const seed = options.seed ?? scenario.seed ?? 1;
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new RangeError(`runs must be a whole number ≥ 1, got ${runs}`);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`seed must be a whole number ≥ 0, got ${seed}`);
  return { runs, seed };
}

/** What `simulationResult` needs of a compiled model (a worker can send it back instead of the model). */
export interface SimulationLayout extends RunLayout {
  readonly scenario: string;
  readonly network: string;
  readonly warmUp: number;
}

/**
 * The result `simulate` answers, from runs computed anywhere (e.g. in worker threads): the runs are
 * aggregated in run-index order, so the result is the same for any split.
 */
export function simulationResult(
  layout: SimulationLayout,
  seed: number,
  results: readonly RunResult[],
): SimulationResult {
  return {
    scenario: layout.scenario,
    networkName: layout.network,
    seed,
    periods: layout.periods,
    warmUp: layout.warmUp,
    ...aggregateRuns(layout, results),
  };
}
