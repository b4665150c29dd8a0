/**
 * @module bench/plan-worker
 * One measurement of `bench:plan`, in its own process: generate a network and plan it with
 * `planNetwork` (whole network, all tiers). Prints the figures as one line of JSON.
 *
 * Usage: node --import tsx bench/plan-worker.ts COMPANIES SEED [--no-pegging]
 */
import { generateNetwork, planNetwork } from '@keten/core';
import { peakMemoryMiB } from './machine.ts';

const companies = Number(process.argv[2]);
const seed = Number(process.argv[3]);
const pegging = !process.argv.includes('--no-pegging');
const started = performance.now();
const network = generateNetwork({ companies, seed, horizon: 52 });
const generated = performance.now();
const plan = planNetwork(network, { pegging });
const planned = performance.now();

console.log(
  JSON.stringify({
    companies,
    pegging,
    generateMs: generated - started,
    planMs: planned - generated,
    orders: plan.orders.length,
    shortages: plan.shortages.length,
    bottlenecks: plan.bottlenecks.length,
    pegs: plan.pegging.reduce((sum, peg) => sum + peg.servesDemand.length, 0),
    peakMiB: peakMemoryMiB(),
  }),
);
