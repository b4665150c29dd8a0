/**
 * `npm run bench:audit [-- --entries 100000]`: the audit trail's search (`GET
 * /api/v1/connector/audit/search`, `searchAudit` in packages/connector/src/node/admin-views.ts) on an
 * embedded store holding a large trail: CPU time (process.cpuUsage) and wall time of each search, the
 * first one of the process (which checks the whole chain) and those after it (the chain since then).
 * The trail: 40 partners, three actions, one entry in fifty denied with a reason.
 */
import { loadavg } from 'node:os';
import { openStore } from '@keten/store';
import { searchAudit } from '../packages/connector/src/node/admin-views.ts';

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? undefined : Number(process.argv[index + 1]);
  if (value !== undefined && (!Number.isInteger(value) || value < 1))
    throw new Error(`--${name} takes a whole number of 1 or more`);
  return value ?? fallback;
};
const entries = argument('entries', 100_000);

const store = await openStore({});
const partners = Array.from(
  { length: 40 },
  (_, index) => `did:web:127.0.0.1%3A81${String(index).padStart(2, '0')}`,
);
const actions = ['data.push', 'negotiation.request', 'data.receive'];
const filled = Date.now();
for (let start = 0; start < entries; start += 2000) {
  const audit = [];
  for (let index = start; index < Math.min(entries, start + 2000); index++)
    audit.push({
      actor: partners[index % partners.length]!,
      action: actions[index % actions.length]!,
      resource: `urn:keten:kempen:demand-and-capacity:partner-${index % partners.length}`,
      outcome: index % 50 === 0 ? 'denied' : 'granted',
      ...(index % 50 === 0 ? { reason: 'DataUsageEndDate: the period has ended' } : {}),
    });
  await store.exchange.commit({ audit });
}
console.log(`${entries} audit entries written in ${((Date.now() - filled) / 1000).toFixed(1)} s`);

const searches: [string, Parameters<typeof searchAudit>[1]][] = [
  ['first search of the process, no filter', { limit: 100 }],
  ['no filter again', { limit: 100 }],
  ['partner partner-7', { partner: 'partner-7', limit: 100 }],
  ['outcome denied', { outcome: 'denied', limit: 100 }],
  ['partner, action data, denied', { partner: 'partner-7', action: 'data', outcome: 'denied', limit: 100 }],
  ['page 50 back (before)', { limit: 100, before: entries - 5000 }],
];
for (const [name, search] of searches) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const result = await searchAudit(store, search);
  const used = process.cpuUsage(cpu);
  console.log(
    `${name}: ${((used.user + used.system) / 1000).toFixed(1)} ms CPU, ${(performance.now() - wall).toFixed(0)} ms wall` +
      ` (${result.entries.length} shown, ${result.matched} of ${result.total} match, chain ${typeof result.chain === 'string' ? result.chain : 'broken'})`,
  );
}
console.log(
  `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
);
await store.close();
