/**
 * @module bench/simulate
 * `npm run bench:simulate [-- SECTIONS...]`: the simulator's and the stress test's figures (issue 4),
 * each measurement in a fresh process. Sections (default all):
 *
 * - `demo`: stage-periods per second (stages × periods × runs / seconds) on the demo network with
 *   1,000 runs × 104 weeks, on the main thread and on 1 and 2 worker threads (@keten/workers), and
 *   whether the result is the same for all three;
 * - `generated`: one 52-week run of the generated 60,000-company network;
 * - `simpy`: Sterman's beer game, 1,000 games in keten and in SimPy (bench/beer-game-simpy.py on
 *   Debian's /usr/bin/python3 with python3-simpy3), the costs and orders side by side, and the ratio;
 * - `stress`: the stress test (HiGHS) on the demo network and the generated 6,000-company network.
 *
 * Targets: keten at least 20× faster than SimPy; 1,000 demo runs in under 5 s on 2 cores; the stress
 * test under 10 s on the demo and under 10 minutes at 6,000 companies. Printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeMachine, runWorker, SEED, seconds, table } from './machine.ts';

const SECTIONS = ['demo', 'generated', 'simpy', 'stress'] as const;
const chosen = process.argv.slice(2).filter((word) => (SECTIONS as readonly string[]).includes(word));
const sections = new Set<string>(chosen.length > 0 ? chosen : SECTIONS);
const DEMO_RUNS = 1000;
const BEER_RUNS = 1000;
/** Debian's own Python, where the python3-simpy3 package installs SimPy (SIMPY_PYTHON overrides it). */
const PYTHON = process.env.SIMPY_PYTHON ?? '/usr/bin/python3';

const rate = (stagePeriods: number, milliseconds: number) =>
  Math.round(stagePeriods / (milliseconds / 1000)).toLocaleString('en-US');
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

console.log(`keten bench:simulate — seed ${SEED}`);
console.log(`machine: ${describeMachine()}\n`);

if (sections.has('demo')) {
  interface DemoFigures {
    runs: number;
    threads: number;
    stages: number;
    periods: number;
    totalMs: number;
    hash: string;
    source: string;
    fillRate: number;
    peakMiB: number;
  }
  const rows = [0, 1, 2].map((threads) =>
    runWorker<DemoFigures>('simulate-worker.ts', ['demo', String(DEMO_RUNS), String(threads)]),
  );
  console.log(
    `demo network (examples/demo-network.yaml, scenario ${rows[0]!.source}), ${DEMO_RUNS} runs × 104 weeks:`,
  );
  console.log(
    table(
      ['threads', 'stages', 'stage-periods', 'seconds', 'stage-periods/s', 'peak MiB', 'result SHA-256'],
      rows.map((row) => {
        const stagePeriods = row.stages * row.periods * row.runs;
        return [
          row.threads === 0 ? 'main (simulate)' : `${row.threads} (simulateInWorkers)`,
          row.stages,
          stagePeriods.toLocaleString('en-US'),
          seconds(row.totalMs),
          rate(stagePeriods, row.totalMs),
          row.peakMiB,
          row.hash,
        ];
      }),
    ),
  );
  const same = rows.every((row) => row.hash === rows[0]!.hash);
  console.log(
    'seconds: the whole call, compiling and aggregating included; with worker threads also starting them\n' +
      `and loading the code in each (@keten/workers, as keten simulate --threads N).\n` +
      `same result on the main thread, 1 and 2 worker threads: ${same ? 'yes' : 'NO'}` +
      ` (network fill rate ${rows[0]!.fillRate.toFixed(3)})`,
  );
  const two = rows.find((row) => row.threads === 2)!;
  console.log(
    `${DEMO_RUNS} demo runs on 2 threads: ${seconds(two.totalMs)} s (target < 5 s on 2 cores: ${verdict(two.totalMs < 5000)})\n`,
  );
}

if (sections.has('generated')) {
  interface GeneratedFigures {
    companies: number;
    stages: number;
    periods: number;
    generateMs: number;
    compileMs: number;
    runMs: number;
    peakMiB: number;
  }
  const row = runWorker<GeneratedFigures>('simulate-worker.ts', ['generated', '60000']);
  console.log('generated network (generateNetwork, seed 7), 1 run × 52 weeks, default policies, one thread:');
  console.log(
    table(
      ['companies', 'stages', 'generate s', 'compile s', 'run s', 'stage-periods/s', 'peak MiB'],
      [
        [
          row.companies,
          row.stages,
          seconds(row.generateMs),
          seconds(row.compileMs),
          seconds(row.runMs),
          rate(row.stages * row.periods, row.runMs),
          row.peakMiB,
        ],
      ],
    ),
  );
  console.log('stage-periods/s on the run alone; generating and compiling are not counted.\n');
}

if (sections.has('simpy')) {
  interface BeerFigures {
    runs: number;
    totalMs: number;
    warmMs: number;
    cost: Record<string, number>;
    orders: Record<string, number[]>;
  }
  const keten = runWorker<BeerFigures & { stages: number; periods: number }>('simulate-worker.ts', [
    'beer',
    String(BEER_RUNS),
  ]);
  const script = fileURLToPath(new URL('beer-game-simpy.py', import.meta.url));
  const python = spawnSync(PYTHON, [script, String(BEER_RUNS)], { encoding: 'utf8' });
  const simpy: (BeerFigures & { seconds: number; simpy: string; python: string }) | undefined =
    python.status === 0
      ? (JSON.parse(python.stdout.trim().split('\n').pop()!) as BeerFigures & {
          seconds: number;
          simpy: string;
          python: string;
        })
      : undefined;
  console.log(`Sterman's beer game (4 roles, 36 weeks, deterministic), ${BEER_RUNS} games:`);
  if (simpy === undefined) {
    console.log(
      `SimPy not measured: ${PYTHON} ${script} failed (${python.error?.message ?? `exit ${python.status}`}).` +
        `\n${(python.stderr ?? '').trim().split('\n').slice(-2).join('\n')}` +
        "\nInstall it with: apt-get install -y python3-simpy3 (for Debian's own /usr/bin/python3). keten alone:",
    );
  }
  const roles = Object.keys(keten.cost);
  let largest = 0;
  for (const role of roles) {
    if (simpy === undefined) break;
    largest = Math.max(largest, Math.abs(keten.cost[role]! - simpy.cost[role]!));
    keten.orders[role]!.forEach((quantity, week) => {
      largest = Math.max(largest, Math.abs(quantity - simpy.orders[role]![week]!));
    });
  }
  const peak = (list: readonly number[]) => Math.max(...list).toFixed(2);
  const total = (costs: Record<string, number>) => Object.values(costs).reduce((a, b) => a + b, 0);
  console.log(
    table(
      ['role', 'keten cost', 'SimPy cost', 'keten peak order', 'SimPy peak order'],
      [
        ...roles.map((role) => [
          role,
          keten.cost[role]!.toFixed(2),
          simpy === undefined ? '' : simpy.cost[role]!.toFixed(2),
          peak(keten.orders[role]!),
          simpy === undefined ? '' : peak(simpy.orders[role]!),
        ]),
        [
          'team',
          total(keten.cost).toFixed(2),
          simpy === undefined ? '' : total(simpy.cost).toFixed(2),
          '',
          '',
        ],
      ],
    ),
  );
  const ketenSeconds = keten.totalMs / 1000;
  const stagePeriods = keten.stages * keten.periods * keten.runs;
  console.log(
    `keten: ${ketenSeconds.toFixed(3)} s cold, the first call in a fresh process (simulate: compile, ` +
      `${keten.runs} runs, aggregate; ${rate(stagePeriods, keten.totalMs)} stage-periods/s); ` +
      `${(keten.warmMs / 1000).toFixed(3)} s warm (the best of three more calls)`,
  );
  if (simpy !== undefined) {
    const ratio = simpy.seconds / ketenSeconds;
    const warmRatio = simpy.seconds / (keten.warmMs / 1000);
    console.log(
      `SimPy ${simpy.simpy} on Python ${simpy.python}: ${simpy.seconds.toFixed(3)} s ` +
        `(${rate(stagePeriods, simpy.seconds * 1000)} stage-periods/s)`,
    );
    console.log(
      `same costs and weekly orders in both: ${largest < 1e-6 ? 'yes' : 'NO'} (largest difference ${largest.toExponential(1)})`,
    );
    console.log(
      `keten is ${ratio.toFixed(1)}× faster than SimPy cold (target ≥ 20×: ${verdict(ratio >= 20)}), ` +
        `${warmRatio.toFixed(1)}× warm`,
    );
  }
  console.log('');
}

if (sections.has('stress')) {
  interface StressFigures {
    network: string;
    threads: number;
    companies: number;
    stressMs: number;
    cpuMs: number;
    solves: number;
    reused: number;
    columns: number;
    rows: number;
    flagged: number;
    peakMiB: number;
  }
  // The 6,000-company network on 2 threads only: on one it takes a long while.
  const rows = [
    ['demo', '1'],
    ['demo', '2'],
    ['6000', '2'],
  ].map((task) => runWorker<StressFigures>('stress-worker.ts', task));
  console.log(
    'stress test (stressTest, TTR 4, HiGHS from @keten/solver; 2 threads: createHighsThreadSolver):',
  );
  console.log(
    table(
      [
        'network',
        'threads',
        'companies',
        'LP columns',
        'LP rows',
        'LPs solved',
        'reused',
        'stress s',
        'CPU s',
        'ms per LP',
        'flagged',
        'peak MiB',
      ],
      rows.map((row) => [
        row.network === 'demo' ? 'demo' : 'generated',
        row.threads,
        row.companies,
        row.columns,
        row.rows,
        row.solves,
        row.reused,
        seconds(row.stressMs),
        seconds(row.cpuMs),
        (row.stressMs / Math.max(1, row.solves)).toFixed(1),
        row.flagged,
        row.peakMiB,
      ]),
    ),
  );
  const demo = rows.filter((row) => row.network === 'demo');
  const generated = rows.find((row) => row.network !== 'demo')!;
  const fastest = Math.min(...demo.map((row) => row.stressMs));
  console.log(
    `demo: ${seconds(fastest)} s (target < 10 s: ${verdict(fastest < 10_000)}); ` +
      `6,000 companies: ${seconds(generated.stressMs)} s (target < 600 s: ${verdict(generated.stressMs < 600_000)})`,
  );
}
