import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
