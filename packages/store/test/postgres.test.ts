/**
 * The store contract against a real PostgreSQL, when KETEN_TEST_DATABASE_URL is set (CI sets it to
 * postgres://postgres@127.0.0.1:5432/test). Each run works in schemas of its own and drops them.
 */
import { describe, it } from 'vitest';
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
}
