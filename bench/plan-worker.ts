/**
 * @module bench/plan-worker
 * One measurement of `bench:plan`, in its own process: generate a network, plan it with
 * `planNetworkRun` (whole network, all tiers) and, without pegging, re-plan it after one capacity
 * change deep in the chain with `replanNetwork`, the same change later in the horizon, a second change
 * on top of the first, and five other single changes one at a time. Prints the figures as one line of
 * JSON.
 *
 * Usage: node --import tsx bench/plan-worker.ts COMPANIES SEED [--no-pegging] [--once] [--no-dirty | --never-give-up] [--no-touch-ahead] [--no-idle-collection]
 * (`--once`: the plan alone with `planNetwork`, as `keten plan` makes its summary, keeping nothing a
 * re-plan needs, and no re-plans; `--no-dirty`: with the dirty-set execution pass switched off, pass 2 of the re-plan whole or from a
 * checkpoint as before stop 15; `--never-give-up`: the pass never gives up for pass 2 over every node;
 * docs/planning.md "The dirty set"; `--no-touch-ahead`: without the page toucher `keten plan` and the
 * server start, docs/planning.md "Pages touched ahead"; `--no-idle-collection`: without the full
 * collection the server's re-plan thread runs while it waits after answering, run here after the plan
 * and after each re-plan before the next, and timed apart, `idleCollectMs`: docs/planning.md "A
 * collection while idle").
 */
import {
  applyPlanningEvents,
  diffPlans,
  generateNetwork,
  type Network,
  type Plan,
  type PlanRun,
  type Production,
  planNetwork,
  planNetworkRun,
  replanNetwork,
  setPageToucher,
  setPlanningClock,
  useDirtyExecution,
} from '@keten/core';
import { boundThreadChunks, IdleCollector, startPageToucher } from '@keten/workers';
import { peakMemoryMiB } from './machine.ts';

const companies = Number(process.argv[2]);
const seed = Number(process.argv[3]);
const pegging = !process.argv.includes('--no-pegging');
const once = process.argv.includes('--once');
useDirtyExecution(!process.argv.includes('--no-dirty'), !process.argv.includes('--never-give-up'));
// As the server's re-plan thread and `keten replan` do: the dirty-set pass gives up on time too.
setPlanningClock(() => performance.now());
// As `keten plan` and the server's plan threads do, unless asked not to.
if (!process.argv.includes('--no-touch-ahead')) setPageToucher(startPageToucher());
// As the server's planning threads bound their shared chunks (it keeps a plan and re-plans of it).
boundThreadChunks();
const started = performance.now();
const network = generateNetwork({ companies, seed, horizon: 52 });
const generated = performance.now();
const cpuBefore = process.cpuUsage();
// `--once`: as `keten plan`, the plan alone (no logs, checkpoints or rows kept for a re-plan).
const run: PlanRun | { plan: Plan; stats?: undefined } = once
  ? { plan: planNetwork(network, { pegging }) }
  : planNetworkRun(network, { pegging });
const planned = performance.now();
// CPU time of the process while planning (all its threads, the collector's included): on a machine
// others load too, a fairer figure than the wall time.
const cpu = process.cpuUsage(cpuBefore);
const planCpuMs = (cpu.user + cpu.system) / 1000;
// Peak memory of generating and planning, before the re-plan holds a second plan beside the first.
const planPeakMiB = peakMemoryMiB();
// As the server's re-plan thread does once it has answered and waits for the next event: a full
// collection if the heap grew (the plan's garbage), timed apart, not in the re-plan's figures.
const idle = process.argv.includes('--no-idle-collection') ? undefined : new IdleCollector();
const idleCollectMs = idle?.collectIfGrown()?.milliseconds;

let replanMs: number | undefined;
let replanCpuMs: number | undefined;
let recomputed: number | undefined;
let lateReplanCpuMs: number | undefined;
let diffCpuMs: number | undefined;
let diffOrders: number | undefined;
let diffCompanies: number | undefined;
let lateResumedAt: number | undefined;
let nextReplanCpuMs: number | undefined;
let nextWhole: boolean | undefined;
let replanPeakMiB: number | undefined;
/** Re-plans of other single changes (`OTHER_CHANGES`): wall time and the nodes the dirty-set pass ran. */
const OTHER_CHANGES = 5;
const otherReplans: { ms: number; dirtyNodes: number }[] = [];
interface DirtyStats {
  dirtyNodes: number;
  dirtyRounds: number;
  dirtyStarts: number[];
  dirtySets: number[];
  dirtyFallback: boolean;
  dirtyWork: number;
  dirtyBroughtIn: number;
  dirtyReplayed: number;
}
let dirty: DirtyStats | undefined;
/** `on` with `maker`'s capacity halved from period `from` on (its largest, where it varies by period). */
function halved(maker: Production, from: number, on: Network = network): Network {
  const most = typeof maker.capacity === 'number' ? maker.capacity : Math.max(...maker.capacity);
  const changed = applyPlanningEvents(on, [
    {
      type: 'capacity.changed',
      payload: { company: maker.company, item: maker.item, from, capacity: Math.round(most / 2) },
    },
  ]);
  if (!changed.ok) throw new Error(`halving the capacity of ${maker.company}/${maker.item} was refused`);
  return changed.value.network;
}

if (!pegging && run.stats !== undefined) {
  // Halve the capacity of the first component maker from period 10 on: a tier-3-or-deeper change.
  const makers = (network.production ?? []).filter((entry) => entry.item.startsWith('cmp-'));
  const record = makers[0];
  if (record !== undefined) {
    const changed = halved(record, 10);
    const before = performance.now();
    const cpuBefore = process.cpuUsage();
    // The kept run's flattened network is patched (flat-patch.ts), not flattened again.
    const again = replanNetwork(run, changed);
    replanMs = performance.now() - before;
    const used = process.cpuUsage(cpuBefore);
    replanCpuMs = (used.user + used.system) / 1000;
    recomputed = again.stats.recomputed;
    dirty = again.state as DirtyStats;
    // Peak memory with the plan and one re-plan, before the late re-plan holds a third run.
    replanPeakMiB = peakMemoryMiB();
    // What the server and `keten replan` do next: the diff of the two plans (orders, shortages,
    // bottlenecks, who must be told).
    const diffBefore = process.cpuUsage();
    const diff = diffPlans(run.plan, again.plan);
    const diffUsed = process.cpuUsage(diffBefore);
    diffCpuMs = (diffUsed.user + diffUsed.system) / 1000;
    diffOrders = diff.orders.added.length + diff.orders.removed.length + diff.orders.changed.length;
    diffCompanies = diff.companies.length;
    // The same change from period 40 on, re-planned from the first run too: the execution pass starts
    // at a checkpoint of the kept run when nothing it reads differs before it.
    const late = halved(record, 40);
    idle?.collectIfGrown();
    const lateCpuBefore = process.cpuUsage();
    const lateRun = replanNetwork(run, late);
    const lateUsed = process.cpuUsage(lateCpuBefore);
    lateReplanCpuMs = (lateUsed.user + lateUsed.system) / 1000;
    lateResumedAt = (lateRun.state as { resumedAt?: number }).resumedAt;
    // The next event after the first: the re-plan is re-planned in turn (as the server and `keten
    // replan` do on every event), after a second component maker's capacity is halved from period 12.
    // A re-plan whose execution pass ran for a dirty set keeps no log or checkpoints of its own, so
    // this one starts from the plan, with both changes (docs/planning.md, "A chain of re-plans").
    const second = makers[7];
    if (second !== undefined) {
      const both = halved(second, 12, changed);
      idle?.collectIfGrown();
      const nextCpuBefore = process.cpuUsage();
      const next = replanNetwork(again, both);
      const nextUsed = process.cpuUsage(nextCpuBefore);
      nextReplanCpuMs = (nextUsed.user + nextUsed.system) / 1000;
      const state = next.state as { dirtyNodes: number; dirtyFallback: boolean };
      nextWhole = state.dirtyNodes === 0 || state.dirtyFallback;
    }
    // How far other single changes reach: OTHER_CHANGES more component makers (every seventh), each
    // halved from period 10 and re-planned from the kept run after an idle collection, one at a time
    // (as a server re-plans each event from the run it keeps; the code is warm by now).
    for (let k = 1; k <= OTHER_CHANGES && k * 7 < makers.length; k++) {
      const other = halved(makers[k * 7]!, 10);
      idle?.collectIfGrown();
      const otherBefore = performance.now();
      const otherRun = replanNetwork(run, other);
      otherReplans.push({
        ms: performance.now() - otherBefore,
        dirtyNodes: (otherRun.state as { dirtyNodes: number }).dirtyNodes,
      });
    }
  }
}

const { plan } = run;
console.log(
  JSON.stringify({
    companies,
    pegging,
    generateMs: generated - started,
    planMs: planned - generated,
    planCpuMs,
    idleCollectMs,
    nodes: run.stats?.nodes,
    orders: plan.orders.length,
    shortages: plan.shortages.length,
    bottlenecks: plan.bottlenecks.length,
    pegs: plan.pegging.reduce((sum, peg) => sum + peg.servesDemand.length, 0),
    demand: (network.demand ?? []).reduce(
      (sum, record) => sum + record.quantities.reduce((a, b) => a + b, 0),
      0,
    ),
    onTime: plan.deliveries.reduce((sum, d) => (d.period === d.forPeriod ? sum + d.quantity : sum), 0),
    replanMs,
    replanCpuMs,
    recomputed,
    lateReplanCpuMs,
    lateResumedAt,
    nextReplanCpuMs,
    nextWhole,
    diffCpuMs,
    diffOrders,
    diffCompanies,
    dirtyNodes: dirty?.dirtyNodes,
    dirtyRounds: dirty?.dirtyRounds,
    dirtyStarts: dirty?.dirtyStarts.join(' '),
    dirtySets: dirty?.dirtySets.join(' '),
    dirtyFallback: dirty?.dirtyFallback,
    dirtyWork: dirty?.dirtyWork,
    dirtyBroughtIn: dirty?.dirtyBroughtIn,
    dirtyReplayed: dirty?.dirtyReplayed,
    otherReplans,
    planPeakMiB,
    peakMiB: replanPeakMiB ?? peakMemoryMiB(),
  }),
);
