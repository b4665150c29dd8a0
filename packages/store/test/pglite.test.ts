import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditChain } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { type KetenDatabase, openDatabase } from '../src/index.ts';
import { describeStoreContract } from './contract.ts';

describeStoreContract('embedded PGlite in memory', async () => {
  const database = await openDatabase();
  return {
    open: (name, clock) => database.store(name, clock ? { clock } : {}),
    cleanup: () => database.close(),
  };
});

describeStoreContract('embedded PGlite on disk', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'keten-store-'));
  let database: KetenDatabase = await openDatabase({ dataDir: directory });
  return {
    open: (name, clock) => database.store(name, clock ? { clock } : {}),
    reopen: async () => {
      await database.close();
      database = await openDatabase({ dataDir: directory });
    },
    cleanup: async () => {
      await database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describe('embedded PGlite: what the exchange store remembers in this process', () => {
  it('forgets a dropped schema: its records and audit trail start afresh', async () => {
    const database = await openDatabase();
    try {
      const first = await database.store('node_cached');
      for (let index = 0; index < 3; index++) {
        await first.exchange.commit({
          records: [{ kind: 'pushed', id: 'p', value: { index } }],
          audit: [{ actor: 'a', action: 'x', resource: 'r', outcome: 'o' }],
        });
      }
      expect((await first.exchange.getRecord('pushed', 'p'))?.version).toBe(3);
      await database.dropSchema('node_cached');
      const second = await database.store('node_cached');
      expect(await second.exchange.getRecord('pushed', 'p')).toBeUndefined();
      await second.exchange.commit({
        records: [{ kind: 'pushed', id: 'p', value: { index: 9 } }],
        audit: [{ actor: 'a', action: 'x', resource: 'r', outcome: 'o' }],
      });
      expect(await second.exchange.getRecord('pushed', 'p')).toMatchObject({
        version: 1,
        value: { index: 9 },
      });
      const trail = await second.exchange.readAudit();
      expect(trail.map((entry) => entry.sequence)).toEqual([1]);
      expect(verifyAuditChain(trail)).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
