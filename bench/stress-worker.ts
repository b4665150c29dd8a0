/**
 * @module bench/stress-worker
 * One stress-test measurement of `bench:simulate` and `bench:stress`, in its own process: core's `stressTest` (TTS, the
 * loss over the TTR and the risk exposure index of every company, Simchi-Levi et al. 2015) with TTR 4
 * on HiGHS from `@keten/solver` (in this thread, or on THREADS worker threads with as many LPs in
 * flight, as `keten stress-test --threads`), on the demo network or a generated one (seed 7, 52
 * weeks; generating is timed apart and not counted). RUNGS sets `survivalRungs` (the survival ladder;
 * by default core's: 6 rungs for LPs of 10,000 columns or more, else none). Prints the figures as one
 * line of JSON.
 *
 * Usage: node --import tsx bench/stress-worker.ts demo|COMPANIES [THREADS] [RUNGS]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { formatIssue, generateNetwork, loadNetworkFile, type Network, stressTest } from '@keten/core';
import { createHighsSolver, createHighsThreadSolver } from '@keten/solver';
import { peakMemoryMiB, SEED } from './machine.ts';

const which = process.argv[2] ?? 'demo';
const threads = Number(process.argv[3] ?? 1);
const rungs = process.argv[4] === undefined ? {} : { survivalRungs: Number(process.argv[4]) };
let network: Network;
let generateMs = 0;
if (which === 'demo') {
  const path = new URL('../examples/demo-network.yaml', import.meta.url);
  const loaded = loadNetworkFile({ name: 'demo-network.yaml', text: readFileSync(path, 'utf8') });
  if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
  network = loaded.value.network;
} else {
  const started = performance.now();
  network = generateNetwork({ companies: Number(which), seed: SEED, horizon: 52 });
  generateMs = performance.now() - started;
}
const threaded = threads > 1 ? createHighsThreadSolver({ threads }) : undefined;
const single = threaded === undefined ? createHighsSolver() : undefined;
const started = performance.now();
const cpuBefore = process.cpuUsage();
const result = await stressTest(network, {
  ttr: 4,
  solver: threaded ?? single!,
  concurrency: threads,
  ...rungs,
});
const finished = performance.now();
const cpu = process.cpuUsage(cpuBefore);
single?.dispose();
await threaded?.close();
if (!result.ok) throw new Error(`${which}: ${result.error.message}`);
console.log(
  JSON.stringify({
    network: which,
    threads,
    companies: network.companies.length,
    generateMs,
    stressMs: finished - started,
    // CPU time of all the process's threads (the solver's workers included): on a busy machine,
    // stressMs is longer than cpuMs / threads.
    cpuMs: (cpu.user + cpu.system) / 1000,
    solves: result.value.solves,
    reused: result.value.reused,
    columns: result.value.model.columns,
    rows: result.value.model.rows,
    flagged: result.value.companies.filter((company) => company.flagged).length,
    peakMiB: peakMemoryMiB(),
    // One-minute load average at the end: how busy the shared machine was (2 cores).
    load: loadavg()[0],
  }),
);
