/**
 * @module bench/plan
 * `npm run bench:plan [-- SIZES...]`: wall time, peak memory and orders per second of a plan on
 * generated networks of 600, 6,000 and 60,000 companies over 52 weekly periods, with and without
 * pegging: `planNetworkRun`, the plan a server keeps to re-plan from, then re-plans of it; and, without
 * pegging, `planNetwork` alone in a process of its own (`plan once s`), the plan `keten plan` makes for
 * its summary, which keeps nothing for a re-plan. Each measurement runs in a fresh process; generating
 * the network is timed apart and not counted. Targets of issue 3 on the 2-core machine: 60,000
 * companies in under 10 s and 4 GB. Figures are printed, never asserted.
 *
 * `--huge-pages`: each measurement runs a second time with glibc advising transparent huge pages for
 * the planner's arenas (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`, where the kernel's mode is `madvise`),
 * in a column `huge pages`: on a VM whose page faults are dear it is the larger part of the difference
 * between two hosts (docs/planning.md, "Huge pages"). Each measurement has the page toucher of
 * `keten plan` and the server (docs/planning.md, "Pages touched ahead"); `--no-touch-ahead` adds each
 * without it, in a column `touch ahead`. After the plan and between re-plans each worker runs the full
 * collection the server's re-plan thread runs while idle (timed in `idle GC s`, not in the re-plans);
 * `--no-idle-collection` leaves it out (docs/planning.md, "A collection while idle").
 */
import { loadavg } from 'node:os';
import {
  describeMachine,
  HUGE_PAGES_ENV,
  runWorker,
  SEED,
  seconds,
  sizesFromArguments,
  table,
  transparentHugePages,
} from './machine.ts';

interface PlanFigures {
  companies: number;
  pegging: boolean;
  generateMs: number;
  planMs: number;
  planCpuMs: number;
  idleCollectMs?: number;
  nodes?: number;
  orders: number;
  shortages: number;
  bottlenecks: number;
  pegs: number;
  demand: number;
  onTime: number;
  replanMs?: number;
  replanCpuMs?: number;
  recomputed?: number;
  lateReplanCpuMs?: number;
  lateResumedAt?: number;
  nextReplanCpuMs?: number;
  nextWhole?: boolean;
  diffCpuMs?: number;
  diffOrders?: number;
  diffCompanies?: number;
  planPeakMiB: number;
  peakMiB: number;
  /** Set by this script: whether glibc advised huge pages (`--huge-pages`), whether pages were touched ahead. */
  hugePages?: boolean;
  touchAhead?: boolean;
  /** Set by this script: the wall time, CPU time and peak of `planNetwork` alone (`--once`), without pegging. */
  onceMs?: number;
  onceCpuMs?: number;
  oncePeakMiB?: number;
  otherReplans?: { ms: number; dirtyNodes: number }[];
}

/** `min–max s (median; dirty nodes min–max)` of the other single changes' re-plans, or ''. */
function otherReplansCell(others: { ms: number; dirtyNodes: number }[] | undefined): string {
  if (others === undefined || others.length === 0) return '';
  const times = others.map((other) => other.ms).sort((a, b) => a - b);
  const nodes = others.map((other) => other.dirtyNodes).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  return `${seconds(times[0]!)}–${seconds(times.at(-1)!)} (${seconds(median)}; ${nodes[0]}–${nodes.at(-1)})`;
}

const sizes = sizesFromArguments();
const pagesMode = transparentHugePages();
const withHugePages = process.argv.includes('--huge-pages');
console.log(`keten bench:plan — seed ${SEED}, 52 weekly periods`);
console.log(`machine: ${describeMachine()}`);
console.log(`transparent huge pages: ${pagesMode ?? 'not reported'}\n`);
if (withHugePages && pagesMode !== 'madvise') {
  console.log(
    `--huge-pages: the kernel's mode is ${pagesMode ?? 'not reported'}, not madvise: advising huge pages changes nothing here (always: every row has them; never: none).\n`,
  );
}
const withoutTouch = process.argv.includes('--no-touch-ahead');
const idleCollection = !process.argv.includes('--no-idle-collection');
// With --huge-pages, each measurement without and with glibc advising them; with --no-touch-ahead,
// with and without the page toucher.
const variants = (withHugePages ? [false, true] : [false]).flatMap((hugePages) =>
  (withoutTouch ? [true, false] : [true]).map((touchAhead) => ({ hugePages, touchAhead })),
);

const rows: PlanFigures[] = [];
// Pegging of 60,000 companies is some 100 million pegs (8.4 million at 6,000): measured up to 6,000.
const PEGGING_UP_TO = 6_000;
for (const companies of sizes) {
  for (const pegging of companies > PEGGING_UP_TO ? [false] : [false, true]) {
    for (const { hugePages, touchAhead } of variants) {
      const measure = (once: boolean) =>
        runWorker<PlanFigures>(
          'plan-worker.ts',
          [
            String(companies),
            String(SEED),
            ...(pegging ? [] : ['--no-pegging']),
            ...(once ? ['--once'] : []),
            ...(touchAhead ? [] : ['--no-touch-ahead']),
            ...(idleCollection ? [] : ['--no-idle-collection']),
          ],
          hugePages ? HUGE_PAGES_ENV : {},
        );
      const figures = measure(false);
      const alone = pegging ? undefined : measure(true);
      rows.push({
        ...figures,
        hugePages,
        touchAhead,
        ...(alone === undefined
          ? {}
          : { onceMs: alone.planMs, onceCpuMs: alone.planCpuMs, oncePeakMiB: alone.planPeakMiB }),
      });
    }
  }
}

console.log(
  table(
    [
      'companies',
      'nodes',
      'pegging',
      ...(withHugePages ? ['huge pages'] : []),
      ...(withoutTouch ? ['touch ahead'] : []),
      'plan s',
      'CPU s',
      'peak MiB',
      'with re-plan',
      'plan once s (CPU s, MiB)',
      'orders',
      'orders/s',
      'on-time fill',
      'shortages',
      'bottlenecks',
      'pegs',
      'idle GC s',
      're-plan s',
      're-plan CPU s',
      'recomputed',
      'late re-plan CPU s (from)',
      'diff CPU s (orders, companies)',
      'next re-plan CPU s (pass 2)',
      'other changes s (median; dirty nodes)',
    ],
    rows.map((row) => [
      row.companies,
      row.nodes ?? '',
      row.pegging ? 'yes' : 'no',
      ...(withHugePages ? [row.hugePages ? 'yes' : 'no'] : []),
      ...(withoutTouch ? [row.touchAhead ? 'yes' : 'no'] : []),
      seconds(row.planMs),
      seconds(row.planCpuMs),
      row.planPeakMiB,
      row.replanMs === undefined ? '' : row.peakMiB,
      row.onceMs === undefined
        ? ''
        : `${seconds(row.onceMs)} (${seconds(row.onceCpuMs ?? 0)}, ${row.oncePeakMiB ?? ''})`,
      row.orders,
      Math.round(row.orders / (row.planMs / 1000)),
      `${((100 * row.onTime) / row.demand).toFixed(1)} %`,
      row.shortages,
      row.bottlenecks,
      row.pegs,
      row.idleCollectMs === undefined ? '' : seconds(row.idleCollectMs),
      row.replanMs === undefined ? '' : seconds(row.replanMs),
      row.replanCpuMs === undefined ? '' : seconds(row.replanCpuMs),
      row.recomputed ?? '',
      row.lateReplanCpuMs === undefined ? '' : `${seconds(row.lateReplanCpuMs)} (${row.lateResumedAt ?? 0})`,
      row.diffCpuMs === undefined
        ? ''
        : `${seconds(row.diffCpuMs)} (${row.diffOrders ?? 0}, ${row.diffCompanies ?? 0})`,
      row.nextReplanCpuMs === undefined
        ? ''
        : `${seconds(row.nextReplanCpuMs)} (${row.nextWhole ? 'whole' : 'dirty set'})`,
      otherReplansCell(row.otherReplans),
    ]),
  ),
);
console.log(
  '\nre-plan: capacity of the first component maker halved from period 10 on, re-planned from the kept run (its flattened network patched, not flattened again); "recomputed" counts the nodes whose requirements were computed again (the rest replay, runs of them in one piece), the execution pass runs only for the nodes whose inputs differ and those that join them as they read or are dealt something else than in the kept run (the dirty-set pass, docs/planning.md; it gives up for a whole pass when that set is a large share of the network).\nlate re-plan: the same change from period 40 on, re-planned from the first run; (from) is the period the execution pass started in, at a checkpoint of the kept run.\ndiff: diffPlans of the plan and the re-plan (what the server and keten replan do after a re-plan): CPU time, the orders added, removed or changed, and the companies whose orders changed.\nnext re-plan: the re-plan re-planned in turn after a second change (another component maker halved from period 12), as the server does on the next event; (pass 2) says whether the execution pass ran for a dirty set or over every node (a re-plan whose pass ran for a dirty set keeps no log of its own: the next starts from the run it started from, with both changes).\nidle GC: ' +
    (idleCollection
      ? 'the full collection the server\'s re-plan thread runs while it waits after answering, run after the plan (timed here) and before the late and next re-plans, never inside a re-plan; without it the plan\'s garbage sets one off in the first re-plan (docs/planning.md, "A collection while idle").'
      : "left out (--no-idle-collection): a full collection the plan's garbage sets off falls in the re-plan.") +
    '\nother changes: five other component makers (every seventh) halved from period 10, each re-planned from the kept run after an idle collection, one at a time (the code warm by then): wall time from fastest to slowest, the median, and how many nodes the dirty-set pass ran (a change that reaches further re-plans longer).' +
    '\nplan s: planNetworkRun, the plan kept to re-plan from (as the server plans); plan once s: planNetwork alone, in a process of its own, which keeps nothing for a re-plan (as keten plan makes its summary), its wall time, CPU time and peak.' +
    '\nCPU s: CPU time of the process (all threads, the collector included), fairer than wall time on a machine others load too.' +
    (withHugePages
      ? "\nhuge pages: yes when the worker ran with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc advises transparent huge pages for its large allocations, which the planner's arenas are)."
      : '') +
    (withoutTouch
      ? '\ntouch ahead: whether a second thread faulted in the pages of the arrays the planner was about to write, as keten plan and the server do (docs/planning.md, "Pages touched ahead").'
      : ''),
);
console.log(`pegging is measured up to ${PEGGING_UP_TO.toLocaleString('en')} companies.`);
const largest = rows.filter((row) => row.companies === 60_000);
for (const row of largest) {
  console.log(
    `plan kept to re-plan from, ${row.companies} companies${row.pegging ? ' with pegging' : ''}${row.hugePages ? ', huge pages' : ''}${row.touchAhead ? '' : ', not touched ahead'}: ${seconds(row.planMs)} s ` +
      `(target < 10 s: ${row.planMs < 10_000 ? 'met' : 'NOT met'}), peak ${row.planPeakMiB} MiB ` +
      `(target < 4 GB: ${row.planPeakMiB < 4e9 / 2 ** 20 ? 'met' : 'NOT met'})` +
      (row.replanMs === undefined
        ? ''
        : `, re-plan ${seconds(row.replanMs)} s (target < 1 s: ${row.replanMs < 1000 ? 'met' : 'NOT met'})`) +
      (row.onceMs === undefined
        ? ''
        : `; the plan alone (planNetwork, as keten plan): ${seconds(row.onceMs)} s (${row.onceMs < 10_000 ? 'met' : 'NOT met'}), peak ${row.oncePeakMiB} MiB`),
  );
}
console.log(
  `load average at the end: ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);
