/**
 * Store benchmark: prints figures, asserts nothing.
 *
 *   node --import tsx packages/store/bench/store.ts [--megabytes 50] [--events 100000]
 *
 * Measures, on embedded PGlite in memory, on disk, and on PostgreSQL when KETEN_TEST_DATABASE_URL or
 * DATABASE_URL is set: importing a network version of about `--megabytes` MB of JSON, reading it back,
 * and appending `--events` events in calls of 1,000 and 10,000.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { canonicalJson, type EventInput, type KetenStore, type Network } from '@keten/core';
import { hashCanonicalJson, openDatabase } from '../src/index.ts';

const { values } = parseArgs({
  options: { megabytes: { type: 'string', default: '50' }, events: { type: 'string', default: '100000' } },
});
const megabytes = Number(values.megabytes);
const eventCount = Number(values.events);

const content = syntheticNetwork(megabytes);
const text = JSON.stringify(content);
console.log(`network: ${content.companies.length} companies, ${(text.length / 1e6).toFixed(1)} MB of JSON`);
let started = performance.now();
const canonical = canonicalJson(content);
const canonicalMs = performance.now() - started;
started = performance.now();
hashCanonicalJson(canonical);
console.log(`canonical JSON ${ms(canonicalMs)}, SHA-256 ${ms(performance.now() - started)}`);

const url = process.env.KETEN_TEST_DATABASE_URL || process.env.DATABASE_URL;
const directory = mkdtempSync(join(tmpdir(), 'keten-bench-'));
const targets: [string, () => ReturnType<typeof openDatabase>][] = [
  ['PGlite in memory', () => openDatabase()],
  ['PGlite on disk', () => openDatabase({ dataDir: directory })],
];
if (url) targets.push(['PostgreSQL', () => openDatabase({ databaseUrl: url })]);

for (const [name, open] of targets) {
  started = performance.now();
  const database = await open();
  const schema = `bench_${process.pid}`;
  const store = await database.store(schema);
  console.log(`\n${name}: opened in ${ms(performance.now() - started)}`);
  await benchNetworks(store);
  await benchEvents(store);
  await database.dropSchema(schema);
  await database.close();
}
rmSync(directory, { recursive: true, force: true });

async function benchNetworks(store: KetenStore): Promise<void> {
  for (let round = 1; round <= 2; round++) {
    const memory = process.memoryUsage().rss;
    let begin = performance.now();
    const info = await store.networks.importVersion({
      network: 'bench',
      content,
      summary: {
        companies: content.companies.length,
        items: content.items.length,
        tiers: 0,
        sourcingLinks: 0,
      },
      source: 'bench',
      author: 'bench',
    });
    const importMs = performance.now() - begin;
    begin = performance.now();
    const stored = await store.networks.getVersion('bench', info.version);
    const readMs = performance.now() - begin;
    if (stored?.content.companies.length !== content.companies.length) throw new Error('read back differs');
    console.log(
      `  import version ${info.version}: ${ms(importMs)} (${((text.length / 1e6 / importMs) * 1000).toFixed(1)} MB/s); ` +
        `read back ${ms(readMs)}; rss +${((process.memoryUsage().rss - memory) / 1e6).toFixed(0)} MB`,
    );
  }
}

async function benchEvents(store: KetenStore): Promise<void> {
  for (const batch of [1000, 10_000]) {
    const events: EventInput[] = Array.from({ length: eventCount }, (_, index) => ({
      type: 'order.created',
      key: `b${batch}-${index}`,
      at: '2027-01-04T08:00:00Z',
      source: `company-${index % 40}`,
      payload: { order: `PO-${index}`, item: 'frame', quantity: index % 17, due: '2027-02-01' },
    }));
    let begin = performance.now();
    for (let offset = 0; offset < events.length; offset += batch) {
      await store.events.append(events.slice(offset, offset + batch));
    }
    const appendMs = performance.now() - begin;
    begin = performance.now();
    const again = await store.events.append(events.slice(0, batch));
    const duplicateMs = performance.now() - begin;
    if (again.duplicates.length !== batch) throw new Error('duplicates were written');
    begin = performance.now();
    let read = 0;
    let after = 0;
    for (;;) {
      const page = await store.events.read({ after, limit: 10_000 });
      if (page.length === 0) break;
      read += page.length;
      after = page[page.length - 1]!.sequence;
    }
    const readMs = performance.now() - begin;
    console.log(
      `  append ${eventCount} events in calls of ${batch}: ${ms(appendMs)} = ${rate(eventCount, appendMs)} events/s; ` +
        `a call of ${batch} duplicates ${ms(duplicateMs)}; read ${read} in pages of 10,000: ${rate(read, readMs)} events/s`,
    );
  }
}

/** A network of about `megabytes` MB of JSON: companies with sites, production with weekly capacities. */
function syntheticNetwork(target: number): Network {
  const companies = Math.round((target * 1e6) / 580);
  return {
    format: 'keten.network/v1',
    name: 'bench',
    period: 'week',
    start: '2027-01-04',
    horizon: 52,
    companies: Array.from({ length: companies }, (_, index) => ({
      id: `company-${index}`,
      name: `Company ${index} B.V.`,
      site: {
        country: 'NL',
        region: 'EU',
        location: [51 + (index % 1000) / 1000, 5.1234 + (index % 777) / 1000],
      },
      paymentTermDays: 30 + (index % 60),
    })),
    items: Array.from({ length: companies }, (_, index) => ({
      id: `item-${index}`,
      name: `Item ${index}`,
      unit: 'pcs',
    })),
    production: Array.from({ length: companies }, (_, index) => ({
      company: `company-${index}`,
      item: `item-${index}`,
      leadTime: 1 + (index % 4),
      capacity: Array.from({ length: 52 }, (_, period) => 100 + ((index + period) % 13) * 0.5),
      unitCost: 12.5 + (index % 100) / 10,
      bom: index === 0 ? [] : [{ item: `item-${index - 1}`, quantity: 1 + (index % 3) }],
    })),
  };
}

function ms(milliseconds: number): string {
  return milliseconds >= 1000 ? `${(milliseconds / 1000).toFixed(2)} s` : `${milliseconds.toFixed(0)} ms`;
}

function rate(count: number, milliseconds: number): string {
  return Math.round((count / milliseconds) * 1000).toLocaleString('en');
}
