/**
 * @module bench/plan-hash
 * Prints a SHA-256 of `planNetwork`'s JSON (`planJsonChunks`) for generated networks, with and
 * without pegging, and of re-plans after capacity, demand, open-order and supplier-down events (two of
 * them late enough for the execution pass to resume at a checkpoint), one line per case, and whether
 * the last re-plan equals a full plan of the same network. Planner changes that must keep plans the
 * same to the byte are checked by running it before and after and comparing the lines (`diff`). Not a
 * benchmark: it times nothing.
 *
 * Usage: node --import tsx bench/plan-hash.ts [SIZES...]   (default 60 600 6000; pegging up to 6,000)
 */
import { createHash } from 'node:crypto';
import {
  applyPlanningEvents,
  type BlockedShipping,
  generateNetwork,
  type Network,
  type Plan,
  type PlanningEventInput,
  planJsonChunks,
  planNetwork,
  planNetworkRun,
  replanNetwork,
} from '@keten/core';

const sizes = process.argv.slice(2).map(Number);
const PEGGING_UP_TO = 6_000;

function hash(plan: Plan): string {
  const digest = createHash('sha256');
  for (const chunk of planJsonChunks(plan)) digest.update(chunk);
  return digest.digest('hex').slice(0, 16);
}

function events(network: Network): PlanningEventInput[][] {
  const records = network.production ?? [];
  const capacityOf = (pick: number) => {
    const record = records[pick % records.length]!;
    const base = typeof record.capacity === 'number' ? record.capacity : Math.max(...record.capacity);
    return { record, base };
  };
  const deep = records.findIndex((record) => record.item.startsWith('cmp-'));
  const a = capacityOf(Math.max(0, deep));
  const b = capacityOf(Math.floor(records.length / 3));
  const demand = network.demand ?? [];
  const d = demand[Math.floor(demand.length / 2)]!;
  const sourcing = network.sourcing ?? [];
  const rule = sourcing[Math.floor(sourcing.length / 4)]!;
  const supplier = rule.suppliers[0]!.supplier;
  return [
    [
      {
        type: 'capacity.changed',
        payload: {
          company: a.record.company,
          item: a.record.item,
          from: 10,
          capacity: Math.round(a.base / 2),
        },
      },
    ],
    [
      {
        type: 'capacity.changed',
        payload: { company: b.record.company, item: b.record.item, from: 3, to: 30, capacity: 0 },
      },
      { type: 'demand.added', payload: { company: d.company, item: d.item, period: 12, quantity: 37 } },
    ],
    [{ type: 'supplier.down', payload: { company: supplier, from: 5, to: 15 } }],
    [
      { type: 'demand.changed', payload: { company: d.company, item: d.item, period: 20, quantity: 0 } },
      {
        type: 'order.opened',
        payload: { id: 'hash-open-1', company: rule.buyer, item: rule.item, supplier, quantity: 50, due: 7 },
      },
    ],
    // Late changes: the execution pass resumes at a checkpoint of the run before (planning.md).
    [
      {
        type: 'capacity.changed',
        payload: {
          company: a.record.company,
          item: a.record.item,
          from: 40,
          capacity: Math.round(a.base / 4),
        },
      },
    ],
    [{ type: 'demand.added', payload: { company: d.company, item: d.item, period: 46, quantity: 11 } }],
  ];
}

for (const companies of sizes.length > 0 ? sizes : [60, 600, 6_000]) {
  const network = generateNetwork({ companies, seed: 7, horizon: 52 });
  for (const pegging of companies > PEGGING_UP_TO ? [false] : [false, true]) {
    console.log(`${companies} plan pegging=${pegging} ${hash(planNetwork(network, { pegging }))}`);
  }
  if (companies <= 600) {
    const options = { pegging: true, frozenPeriods: 2, buildAheadWindow: 1, horizon: 40 };
    console.log(`${companies} plan frozen/window/horizon ${hash(planNetwork(network, options))}`);
  }
  // Re-plans: each list of events from the kept run, then the next list on top of the re-plan.
  let run = planNetworkRun(network, { pegging: false });
  let current = network;
  let blocked: readonly BlockedShipping[] = [];
  events(network).forEach((list, k) => {
    const applied = applyPlanningEvents(current, list);
    if (!applied.ok) throw new Error(JSON.stringify(applied.error));
    current = applied.value.network;
    blocked = [...blocked, ...applied.value.blocked];
    run = replanNetwork(run, current, { pegging: false, blocked });
    console.log(
      `${companies} replan ${k} ${hash(run.plan)} recomputed=${run.stats.recomputed} full=${run.stats.full}`,
    );
  });
  // The last re-plan must be the plan a full planning of the same network gives.
  const full = hash(planNetwork(current, { pegging: false, blocked }));
  console.log(`${companies} replan = full plan: ${full === hash(run.plan) ? 'yes' : `NO (full ${full})`}`);
}
