/**
 * The victim of `crash.test.ts`: opens a store and imports large network versions and appends events
 * in a loop until it is killed. It prints `importing` before each import and `imported N` after, so
 * the test can kill it in the middle of one.
 *
 *   node --import tsx crash-child.ts (dir DATA_DIR | url DATABASE_URL SCHEMA) ROUND
 */
import type { Network } from '@keten/core';
import { openStore } from '../src/index.ts';

const [target, where, third, fourth] = process.argv.slice(2);
const round = Number(target === 'dir' ? third : fourth);
const store = await openStore(
  target === 'dir' ? { dataDir: where! } : { databaseUrl: where!, schema: third!, poolSize: 2 },
);

for (let index = 0; ; index++) {
  // The even keys repeat the round before's even keys: events retried after a crash.
  const events = Array.from({ length: 400 }, (_, event) => ({
    type: 'order.created',
    key: `r${event % 2 === 0 ? round - 1 : round}-i${index}-e${event}`,
    at: '2027-01-04T08:00:00Z',
    source: 'crash-test',
    payload: { round, index, event, text: 'x'.repeat(200) },
  }));
  await store.events.append(events);
  process.stdout.write('importing\n');
  const info = await store.networks.importVersion({
    network: 'crash',
    content: largeNetwork(round * 1000 + index),
    summary: { companies: 20_000, items: 1, tiers: 1, sourcingLinks: 0 },
    source: `round ${round}`,
    author: 'crash-test',
  });
  process.stdout.write(`imported ${info.version}\n`);
}

/** A network of about 3 MB of JSON. */
function largeNetwork(seed: number): Network {
  return {
    format: 'keten.network/v1',
    name: `crash ${seed}`,
    period: 'week',
    start: '2027-01-04',
    horizon: 52,
    companies: Array.from({ length: 20_000 }, (_, company) => ({
      id: `c${company}`,
      name: `Company ${company} of version ${seed}`,
      site: { country: 'NL', region: 'EU', location: [51 + company / 100_000, 5 + seed / 1000] },
      cash: company * 0.1,
    })),
    items: [{ id: 'part', name: 'Part', unit: 'pcs' }],
    production: Array.from({ length: 2000 }, (_, company) => ({
      company: `c${company}`,
      item: 'part',
      leadTime: 1,
      capacity: Array.from({ length: 52 }, (_, period) => (period + seed) % 10),
    })),
  };
}
