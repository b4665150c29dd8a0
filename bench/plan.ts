/**
 * @module bench/plan
 * `npm run bench:plan [-- SIZES...]`: wall time, peak memory and orders per second of `planNetwork` on
 * generated networks of 600, 6,000 and 60,000 companies over 52 weekly periods, with and without
 * pegging. Each measurement runs in a fresh process; generating the network is timed apart and not
 * counted. Targets of issue 3 on the 2-core machine: 60,000 companies in under 10 s and 4 GB.
 * Figures are printed, never asserted.
 */
import { describeMachine, runWorker, SEED, seconds, sizesFromArguments, table } from './machine.ts';

interface PlanFigures {
  companies: number;
  pegging: boolean;
  generateMs: number;
  planMs: number;
  orders: number;
  shortages: number;
  bottlenecks: number;
  pegs: number;
  peakMiB: number;
}

const sizes = sizesFromArguments();
console.log(`keten bench:plan — seed ${SEED}, 52 weekly periods`);
console.log(`machine: ${describeMachine()}\n`);

const rows: PlanFigures[] = [];
for (const companies of sizes) {
  for (const pegging of [true, false]) {
    rows.push(
      runWorker<PlanFigures>('plan-worker.ts', [
        String(companies),
        String(SEED),
        ...(pegging ? [] : ['--no-pegging']),
      ]),
    );
  }
}

console.log(
  table(
    [
      'companies',
      'pegging',
      'plan s',
      'peak MiB',
      'orders',
      'orders/s',
      'shortages',
      'bottlenecks',
      'pegs',
      'generate s',
    ],
    rows.map((row) => [
      row.companies,
      row.pegging ? 'yes' : 'no',
      seconds(row.planMs),
      row.peakMiB,
      row.orders,
      Math.round(row.orders / (row.planMs / 1000)),
      row.shortages,
      row.bottlenecks,
      row.pegs,
      seconds(row.generateMs),
    ]),
  ),
);
const largest = rows.filter((row) => row.companies === 60_000);
for (const row of largest) {
  console.log(
    `\nplan ${row.companies} companies${row.pegging ? ' with pegging' : ''}: ${seconds(row.planMs)} s ` +
      `(target < 10 s: ${row.planMs < 10_000 ? 'met' : 'NOT met'}), peak ${row.peakMiB} MiB ` +
      `(target < 4 GB: ${row.peakMiB < 4e9 / 2 ** 20 ? 'met' : 'NOT met'})`,
  );
}
