/**
 * Crash safety: a process importing large network versions and appending events is killed with
 * SIGKILL in the middle, several times; the store must then hold only complete versions, numbered
 * 1..n without gaps, each event key once, and accept the next import. Runs on the embedded store on
 * disk, and on PostgreSQL when KETEN_TEST_DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, type KetenStore } from '@keten/core';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash, openDatabase, openStore } from '../src/index.ts';
import { network } from './contract.ts';

const ROUNDS = 3;
const child = join(import.meta.dirname, 'crash-child.ts');

/**
 * Runs the child until it is inside its `imports`-th import, waits a random moment, and kills it.
 * Returns how many imports the child had reported committed.
 */
async function killMidImport(args: string[], imports: number): Promise<number> {
  const victim = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  victim.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => victim.on('exit', () => resolve()));
  let committed = 0;
  await new Promise<void>((resolve, reject) => {
    let seen = 0;
    let pending = '';
    victim.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'importing') seen++;
        if (line.startsWith('imported ')) committed++;
      }
      if (seen >= imports) resolve();
    });
    victim.on('exit', (code) => reject(new Error(`the child exited early (${code}): ${errors}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
  victim.kill('SIGKILL');
  await exited;
  return committed;
}

async function expectIntact(store: KetenStore, committed: number): Promise<void> {
  const versions = await store.networks.listVersions('crash');
  process.stderr.write(`committed ${committed}, stored ${versions.length}\n`);
  // Every import the child saw committed is there; the one it was killed in may be there or not.
  expect(committed).toBeGreaterThan(0);
  expect(versions.length).toBeGreaterThanOrEqual(committed);
  expect(versions.length).toBeLessThanOrEqual(committed + ROUNDS);
  expect(versions.map((info) => info.version)).toEqual(versions.map((_, index) => index + 1));
  for (const info of versions) {
    const stored = await store.networks.getVersion('crash', info.version);
    expect(stored?.summary.companies).toBe(20_000);
    expect(stored?.content.companies).toHaveLength(20_000);
    expect(contentHash(stored?.content)).toBe(info.contentHash);
  }
  const keys = new Set<string>();
  let after = 0;
  for (;;) {
    const page = await store.events.read({ after, limit: 10_000 });
    if (page.length === 0) break;
    for (const event of page) {
      expect(event.sequence).toBeGreaterThan(after);
      expect(keys.has(event.key)).toBe(false);
      keys.add(event.key);
      after = event.sequence;
    }
  }
  expect(keys.size).toBeGreaterThan(0);
  const next = await store.networks.importVersion({
    network: 'crash',
    content: network(),
    summary: { companies: 2, items: 1, tiers: 2, sourcingLinks: 1 },
    source: 'after the crash',
    author: 'test',
  });
  expect(next.version).toBe(versions.length + 1);
  expect(contentHash(network())).toBe(next.contentHash);
  expect(canonicalJson((await store.networks.getVersion('crash'))?.content)).toBe(canonicalJson(network()));
}

describe('crash safety', () => {
  const directory = mkdtempSync(join(tmpdir(), 'keten-crash-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('survives SIGKILL mid-import of the embedded store on disk', async () => {
    let committed = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      committed += await killMidImport(['dir', directory, String(round)], 2 + Math.floor(Math.random() * 2));
    }
    const store = await openStore({ dataDir: directory });
    await expectIntact(store, committed);
    await store.close();
  });

  const url = process.env.KETEN_TEST_DATABASE_URL;
  it.skipIf(url === undefined || url === '')('survives SIGKILL mid-import on PostgreSQL', async () => {
    const schema = `crash_${Math.random().toString(36).slice(2, 8)}`;
    try {
      let committed = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        committed += await killMidImport(
          ['url', url!, schema, String(round)],
          2 + Math.floor(Math.random() * 2),
        );
      }
      const store = await openStore({ databaseUrl: url!, schema });
      await expectIntact(store, committed);
      await store.close();
    } finally {
      const database = await openDatabase({ databaseUrl: url! });
      await database.dropSchema(schema);
      await database.close();
    }
  });
});
