/**
 * @module bench/replan-search
 * A differential search for re-plans that differ from a full plan: generated networks (seeds × sizes,
 * horizon 24), each planned once and re-planned after a capacity change (a few production records ×
 * a few first periods × two factors), each re-plan's JSON compared with `planNetwork`'s of the changed
 * network. A difference in shortages' causes only is counted apart from any other. Prints one line per
 * difference (seed, companies, event) and the totals; exits 1 when any re-plan differs. Not a benchmark:
 * it times nothing but itself. Found the stop-23 cause bug (docs/planning.md, "Causes the kept run made
 * for a node of the set").
 *
 * Usage: node --import tsx bench/replan-search.ts [--seeds FIRST-LAST] [--companies 12,25,40]
 *        (default seeds 1-430, companies 12, 25 and 40: some 62,000 re-plans, minutes)
 */
import {
  applyPlanningEvents,
  generateNetwork,
  type Network,
  type PlanningEventInput,
  planNetwork,
  planNetworkRun,
  replanNetwork,
} from '@keten/core';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const [firstSeed, lastSeed] = option('--seeds', '1-430').split('-').map(Number) as [number, number];
const sizes = option('--companies', '12,25,40').split(',').map(Number);
if (!(firstSeed >= 1 && lastSeed >= firstSeed) || sizes.some((size) => !(size >= 2))) {
  console.error('usage: replan-search.ts [--seeds FIRST-LAST] [--companies N,N,...]');
  process.exit(2);
}
const HORIZON = 24;
const RECORDS = 6;
const FROM = [2, 6, 10, 14];
const FACTORS = [0.3, 0.6];

/** The capacity changes tried on `network`: `RECORDS` production records picked by seed, from each period, by each factor. */
function changes(network: Network, seed: number): PlanningEventInput[] {
  const records = network.production ?? [];
  const out: PlanningEventInput[] = [];
  for (let r = 0; r < Math.min(RECORDS, records.length); r++) {
    const record = records[(r * 7 + seed) % records.length]!;
    const base = typeof record.capacity === 'number' ? record.capacity : Math.max(...record.capacity);
    for (const from of FROM) {
      for (const factor of FACTORS) {
        out.push({
          type: 'capacity.changed',
          payload: { company: record.company, item: record.item, from, capacity: Math.round(base * factor) },
        });
      }
    }
  }
  return out;
}

let replans = 0;
let causesOnly = 0;
let other = 0;
const started = performance.now();
for (const companies of sizes) {
  for (let seed = firstSeed; seed <= lastSeed; seed++) {
    const network = generateNetwork({ companies, seed, horizon: HORIZON });
    const previous = planNetworkRun(network, { pegging: false });
    for (const event of changes(network, seed)) {
      const applied = applyPlanningEvents(network, [event]);
      if (!applied.ok) throw new Error(`seed ${seed}: ${JSON.stringify(applied.error)}`);
      const changed = applied.value.network;
      const replanned = replanNetwork(previous, changed).plan;
      const full = planNetwork(changed, { pegging: false });
      replans++;
      if (JSON.stringify(replanned) === JSON.stringify(full)) continue;
      const withoutCauses = (plan: typeof full) =>
        JSON.stringify({ ...plan, shortages: plan.shortages.map(({ cause: _, ...rest }) => rest) });
      const onlyCauses = withoutCauses(replanned) === withoutCauses(full);
      if (onlyCauses) causesOnly++;
      else other++;
      console.log(
        `differs (${onlyCauses ? 'causes only' : 'more than causes'}): companies ${companies}, seed ${seed}, ${JSON.stringify(event.payload)}`,
      );
    }
  }
  console.log(
    `companies ${companies}: ${replans} re-plans so far, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}
console.log(`${replans} re-plans: ${causesOnly} differ in causes only, ${other} in more`);
process.exit(causesOnly + other > 0 ? 1 : 0);
