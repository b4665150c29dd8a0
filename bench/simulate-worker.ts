/**
 * @module bench/simulate-worker
 * One measurement of `bench:simulate`, in its own process; prints its figures as one line of JSON.
 *
 * - `demo RUNS THREADS`: the demo network (examples/demo-network.yaml, loaded with core's loader) and
 *   the demo scenario over 104 weeks (bench/demo-scenario.ts), RUNS runs on THREADS worker threads
 *   with `simulateInWorkers` (@keten/workers, what `keten simulate --threads` runs: each thread
 *   compiles its own model and takes batches of run indexes), or with core's `simulate` in this
 *   thread for THREADS 0; the result's SHA-256 shows it is the same for any thread count. The time
 *   counts from the call (threads started, code loaded, models compiled) to the result.
 * - `generated COMPANIES`: a generated network (seed 7, 52 weeks), one run of 52 weeks in this thread
 *   with the default policies; generating is timed apart and not counted.
 * - `beer RUNS`: Sterman's beer game (`beerGameNetwork`, `beerGameScenario`), RUNS games with
 *   `simulate` in this thread, cold (the first call in the process) and warm (the best of three more),
 *   and the first game's cost per role and orders per role and week.
 *
 * Usage: node --import tsx bench/simulate-worker.ts demo 1000 2
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  aggregateRuns,
  BEER_GAME_ROLES,
  beerGameNetwork,
  beerGameScenario,
  compileSimulation,
  formatIssue,
  generateNetwork,
  loadNetworkFile,
  simulate,
  simulateRuns,
  validateScenario,
} from '@keten/core';
import { simulateInWorkers } from '@keten/workers';
import { demoScenario } from './demo-scenario.ts';
import { peakMemoryMiB, SEED } from './machine.ts';

const [mode, first, second] = process.argv.slice(2);

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

if (mode === 'demo') {
  const runs = Number(first);
  const threads = Number(second);
  const path = new URL('../examples/demo-network.yaml', import.meta.url);
  const loaded = loadNetworkFile({ name: 'demo-network.yaml', text: readFileSync(path, 'utf8') });
  if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
  const network = loaded.value.network;
  const { scenario, source } = demoScenario(network);
  const stages = compileSimulation(network, scenario).flat.nodes;
  const started = performance.now();
  const result =
    threads === 0
      ? simulate(network, scenario, { runs, seed: SEED })
      : await simulateInWorkers(network, scenario, { runs, seed: SEED, threads });
  const finished = performance.now();
  console.log(
    JSON.stringify({
      runs,
      threads,
      stages,
      periods: result.periods,
      totalMs: finished - started,
      hash: digest(result),
      source,
      fillRate: result.network.fillRate.mean,
      peakMiB: peakMemoryMiB(),
    }),
  );
} else if (mode === 'generated') {
  const companies = Number(first);
  const started = performance.now();
  const network = generateNetwork({ companies, seed: SEED, horizon: 52 });
  const generated = performance.now();
  const { scenario, issues } = validateScenario(
    { format: 'keten.scenario/v1', name: 'generated-default', periods: 52 },
    network,
  );
  if (scenario === undefined) throw new Error(issues.map(formatIssue).join('\n'));
  const model = compileSimulation(network, scenario);
  const compiled = performance.now();
  const [result] = simulateRuns(model, SEED, [0]);
  const finished = performance.now();
  console.log(
    JSON.stringify({
      companies,
      stages: model.flat.nodes,
      periods: model.periods,
      generateMs: generated - started,
      compileMs: compiled - generated,
      runMs: finished - compiled,
      hash: digest(Array.from(result!.values)),
      peakMiB: peakMemoryMiB(),
    }),
  );
} else if (mode === 'beer') {
  const runs = Number(first);
  const network = beerGameNetwork();
  const scenario = beerGameScenario();
  // The first call runs cold (the JIT compiles as it goes), as in a fresh `keten simulate`; warm is
  // the best of three more calls.
  const started = performance.now();
  const result = simulate(network, scenario, { runs, seed: SEED });
  const finished = performance.now();
  let warmMs = Number.POSITIVE_INFINITY;
  for (let again = 0; again < 3; again++) {
    const before = performance.now();
    simulate(network, scenario, { runs, seed: SEED });
    warmMs = Math.min(warmMs, performance.now() - before);
  }
  // The game is deterministic: one run gives every run's figures exactly.
  const one = aggregateRuns(compileSimulation(network, scenario), [
    ...simulateRuns(compileSimulation(network, scenario), SEED, [0]),
  ]);
  console.log(
    JSON.stringify({
      runs,
      stages: network.companies.length,
      periods: result.periods,
      totalMs: finished - started,
      warmMs,
      teamCost: result.network.cost.mean,
      cost: Object.fromEntries(one.companies.map((company) => [company.id, company.metrics.cost.mean])),
      orders: Object.fromEntries(BEER_GAME_ROLES.map((role, tier) => [role, one.series[tier]!.orders])),
    }),
  );
} else {
  throw new Error(`unknown mode ${mode}: demo RUNS THREADS | generated COMPANIES | beer RUNS`);
}
