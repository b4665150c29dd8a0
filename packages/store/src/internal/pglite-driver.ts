/**
 * @module internal/pglite-driver
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) in this process, in memory or in
 * a directory. On disk the directory is locked for this process (`lock-file.ts`), and the database
 * lives in its `pgdata` folder.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { StoreError } from '../errors.ts';
import type { StoreLogger } from '../logger.ts';
import { type SqlDriver, type SqlExecutor, toStoreError } from './driver.ts';
import { acquireLock, type HeldLock } from './lock-file.ts';

/** The folder inside a store directory that holds PGlite's data. */
export const PGDATA_FOLDER = 'pgdata';

/** Opens PGlite in `dataDir` (created when missing, locked for this process) or in memory. */
export async function openPgliteDriver(dataDir: string | undefined, logger: StoreLogger): Promise<SqlDriver> {
  if (dataDir === undefined) return wrap(await start(undefined, 'memory', logger), 'memory', undefined);
  const directory = resolve(dataDir);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw new StoreError(
      'unavailable',
      `cannot create the store directory ${directory}: ${(error as Error).message}`,
      {
        cause: error,
        details: { directory },
      },
    );
  }
  const lock = await acquireLock(directory, logger);
  try {
    const pgdata = join(directory, PGDATA_FOLDER);
    // PostgreSQL's own lock file. We hold the store's lock, so one left here is from a process that
    // was killed; it must not make this start fail or wait.
    const postmasterPid = join(pgdata, 'postmaster.pid');
    if (existsSync(postmasterPid)) {
      rmSync(postmasterPid, { force: true });
      logger.warn({ directory }, 'the embedded database was not closed cleanly last time; recovering');
    }
    const database = await start(pgdata, directory, logger);
    return wrap(database, directory, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function start(pgdata: string | undefined, location: string, logger: StoreLogger): Promise<PGlite> {
  const messages: string[] = [];
  const remember = (text: string): boolean => {
    messages.push(text);
    if (messages.length > 20) messages.shift();
    return false;
  };
  const started = performance.now();
  try {
    const database = await PGlite.create({
      ...(pgdata === undefined ? {} : { dataDir: pgdata }),
      onStdout: remember,
      onStderr: remember,
    });
    logger.info(
      { location, milliseconds: Math.round(performance.now() - started) },
      'opened the embedded database (PGlite)',
    );
    return database;
  } catch (error) {
    const code = pgdata !== undefined && existsSync(join(pgdata, 'PG_VERSION')) ? 'corrupt' : 'unavailable';
    throw new StoreError(
      code,
      `cannot open the embedded database in ${location}: ${error instanceof Error ? error.message : String(error)}` +
        (messages.length > 0 ? ` (${messages.join(' ').slice(-500)})` : ''),
      { cause: error, details: { location } },
    );
  }
}

function wrap(database: PGlite, location: string, lock: HeldLock | undefined): SqlDriver {
  const executor = (target: PGlite | Transaction): SqlExecutor => ({
    async query<Row extends object>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      try {
        const result = await target.query<Row>(text, params as unknown[]);
        return result.rows;
      } catch (error) {
        throw toStoreError(error, 'a query of the embedded database failed', location);
      }
    },
    async exec(text: string): Promise<void> {
      try {
        await target.exec(text);
      } catch (error) {
        throw toStoreError(error, 'statements of the embedded database failed', location);
      }
    },
  });
  let closed = false;
  return {
    kind: 'pglite',
    location,
    ...executor(database),
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      try {
        return await database.transaction((tx) => work(executor(tx)));
      } catch (error) {
        throw toStoreError(error, 'a transaction of the embedded database failed', location);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await database.close();
      } catch (error) {
        throw toStoreError(error, 'closing the embedded database failed', location);
      } finally {
        lock?.release();
      }
    },
  };
}
