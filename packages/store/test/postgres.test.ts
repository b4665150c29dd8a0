/**
 * The store contract against a real PostgreSQL, when KETEN_TEST_DATABASE_URL is set (CI sets it to
 * postgres://postgres@127.0.0.1:5432/test). Each run works in schemas of its own and drops them.
 */
import { verifyAuditChain } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { type KetenDatabase, openDatabase } from '../src/index.ts';
import { describeStoreContract } from './contract.ts';

const url = process.env.KETEN_TEST_DATABASE_URL;

if (url === undefined || url === '') {
  describe('store contract: PostgreSQL', () => {
    it.skip('needs KETEN_TEST_DATABASE_URL', () => {});
  });
} else {
  describeStoreContract('PostgreSQL', async () => {
    let database: KetenDatabase = await openDatabase({ databaseUrl: url });
    const schemas = new Set<string>();
    return {
      open: (name, clock) => {
        schemas.add(name);
        return database.store(name, clock ? { clock } : {});
      },
      reopen: async () => {
        await database.close();
        database = await openDatabase({ databaseUrl: url });
      },
      cleanup: async () => {
        for (const schema of schemas) await database.dropSchema(schema);
        await database.close();
      },
    };
  });

  describe('PostgreSQL migrations', () => {
    it('are applied once when several processes open a new schema at the same moment', async () => {
      const schema = `t_race_${Math.random().toString(36).slice(2, 8)}`;
      // Separate pools are separate sessions, as separate processes would be.
      const databases = await Promise.all(
        Array.from({ length: 4 }, () => openDatabase({ databaseUrl: url })),
      );
      try {
        const stores = await Promise.all(databases.map((database) => database.store(schema)));
        const infos = await Promise.all(
          stores.map((store, index) =>
            store.networks.importVersion({
              network: 'race',
              content: { index } as never,
              summary: { companies: 0, items: 0, tiers: 0, sourcingLinks: 0 },
              source: 'race',
              author: `process ${index}`,
            }),
          ),
        );
        expect(infos.map((info) => info.version).sort()).toEqual([1, 2, 3, 4]);
      } finally {
        await databases[0]!.dropSchema(schema);
        await Promise.all(databases.map((database) => database.close()));
      }
    });
  });

  describe('PostgreSQL audit trail', () => {
    it('stays one chain when several processes append to it, each guessing where it ends', async () => {
      const schema = `t_audit_${Math.random().toString(36).slice(2, 8)}`;
      const databases = await Promise.all(
        Array.from({ length: 3 }, () => openDatabase({ databaseUrl: url })),
      );
      try {
        const stores = await Promise.all(databases.map((database) => database.store(schema)));
        // Taking turns: every process's remembered end of the chain is stale at its next turn.
        for (let round = 0; round < 4; round++) {
          for (const [index, store] of stores.entries()) {
            const outcome = await store.exchange.commit({
              audit: [
                { actor: `process ${index}`, action: 'turn', resource: `round ${round}`, outcome: 'ok' },
              ],
            });
            expect(outcome.status).toBe('committed');
          }
        }
        // And all at once.
        await Promise.all(
          stores.flatMap((store, index) =>
            Array.from({ length: 5 }, (_, n) =>
              store.exchange.commit({
                audit: [{ actor: `process ${index}`, action: 'burst', resource: `${n}`, outcome: 'ok' }],
              }),
            ),
          ),
        );
        const trail = await stores[0]!.exchange.readAudit();
        expect(trail.map((entry) => entry.sequence)).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
        expect(verifyAuditChain(trail)).toBeUndefined();
      } finally {
        await databases[0]!.dropSchema(schema);
        await Promise.all(databases.map((database) => database.close()));
      }
    });
  });
}
