/**
 * @module database
 * Opening keten's store: one database (embedded PGlite in memory or in a directory, or PostgreSQL),
 * holding one or more stores, each in its own SQL schema. A single node opens one store with
 * `openStore`; the demo's forty company nodes share one database with `openDatabase` and
 * `database.store(schema)`, one schema each.
 */
import { type Clock, type KetenStore, systemClock } from '@keten/core';
import { StoreError } from './errors.ts';
import { SqlAccessStore } from './internal/access-store.ts';
import type { StoreContext } from './internal/context.ts';
import type { SqlDriver } from './internal/driver.ts';
import { SqlEventStore } from './internal/event-store.ts';
import { forgetExchangeCaches, SqlExchangeStore } from './internal/exchange-store.ts';
import { migrate } from './internal/migrations.ts';
import { SqlNetworkStore } from './internal/network-store.ts';
import { openPgliteDriver } from './internal/pglite-driver.ts';
import { openPostgresDriver } from './internal/postgres-driver.ts';
import { type StoreLogger, silentLogger } from './logger.ts';

/** Where the database is, and what the stores in it use. */
export interface DatabaseOptions {
  /**
   * `postgres://user:password@host:port/database`: PostgreSQL through a connection pool. When given,
   * `dataDir` is ignored.
   */
  readonly databaseUrl?: string;
  /**
   * A directory for the embedded database (PGlite), created when missing. One process at a time:
   * opening a directory another process has open fails with `StoreError` code `locked`. With neither
   * `databaseUrl` nor `dataDir`, the embedded database lives in memory and is gone after `close()`.
   */
  readonly dataDir?: string;
  /** The time stores write as `createdAt` and `recordedAt` (default: the system clock). */
  readonly clock?: Clock;
  /** Structured logs; silent by default. */
  readonly logger?: StoreLogger;
  /** Most connections to PostgreSQL (default 10). */
  readonly poolSize?: number;
}

export interface StoreOptions extends DatabaseOptions {
  /** The SQL schema of the store (default `keten`): see `SCHEMA_NAME`. */
  readonly schema?: string;
}

/** A database that holds stores, one per SQL schema. */
export interface KetenDatabase {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data is: a directory, `memory`, or the URL without its password. */
  readonly location: string;
  /**
   * The store in `schema` (default `keten`), created and migrated on first use. Closing it leaves the
   * database and the other stores open. `options.clock` overrides the database's clock for this store
   * (a simulated node's time).
   */
  store(schema?: string, options?: { readonly clock?: Clock }): Promise<KetenStore>;
  /** Deletes a schema and all its data; for tests and demo resets. */
  dropSchema(schema: string): Promise<void>;
  /** Closes the database; every store opened from it is closed too. */
  close(): Promise<void>;
}

/** The schema a store uses when none is given. */
export const DEFAULT_SCHEMA = 'keten';

/**
 * What a schema name may be: lower-case letters, digits and `_`, starting with a letter or `_`, at
 * most 63 characters (PostgreSQL's identifier length), and not starting with `pg_` (reserved).
 */
export const SCHEMA_NAME = /^(?!pg_)[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens a database that can hold several stores.
 *
 * @example
 * const database = await openDatabase({ dataDir: '.keten/demo' });
 * const oem = await database.store('node_oem');
 * const supplier = await database.store('node_frame_a');
 * // ...
 * await database.close();
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<KetenDatabase> {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const driver: SqlDriver =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? await openPostgresDriver(options.databaseUrl, options.poolSize ?? 10, logger)
      : await openPgliteDriver(options.dataDir, logger);
  let closed = false;
  const migrated = new Map<string, Promise<void>>();

  return {
    kind: driver.kind,
    location: driver.location,

    async store(
      schemaName = DEFAULT_SCHEMA,
      storeOptions: { readonly clock?: Clock } = {},
    ): Promise<KetenStore> {
      if (closed) throw closedError(driver.location);
      const schema = quoteSchema(schemaName);
      let ready = migrated.get(schemaName);
      if (ready === undefined) {
        ready = migrate(driver, schemaName, schema, logger);
        migrated.set(schemaName, ready);
        ready.catch(() => migrated.delete(schemaName));
      }
      await ready;
      let storeClosed = false;
      const context: StoreContext = {
        driver,
        schemaName,
        schema,
        clock: storeOptions.clock ?? clock,
        logger,
        isClosed: () => closed || storeClosed,
      };
      return {
        networks: new SqlNetworkStore(context),
        events: new SqlEventStore(context),
        access: new SqlAccessStore(context),
        exchange: new SqlExchangeStore(context),
        async close() {
          storeClosed = true;
        },
      };
    },

    async dropSchema(schemaName: string): Promise<void> {
      if (closed) throw closedError(driver.location);
      const schema = quoteSchema(schemaName);
      await driver.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      forgetExchangeCaches(driver, schemaName);
      migrated.delete(schemaName);
      logger.info({ schema: schemaName }, 'dropped the store schema');
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Let migrations in flight finish before the connection goes away.
      await Promise.allSettled(migrated.values());
      await driver.close();
      logger.info({ location: driver.location }, 'closed the store');
    },
  };
}

/**
 * Opens one store: `openDatabase(options)` and its store in `options.schema`. Closing the store
 * closes the database.
 *
 * @example
 * const store = await openStore({ dataDir: join(homedir(), '.keten', 'store') });
 * const info = await store.networks.importVersion({ network: 'demo', content, summary, source: 'demo', author: 'system' });
 * await store.close();
 */
export async function openStore(options: StoreOptions = {}): Promise<KetenStore> {
  if (options.schema !== undefined) quoteSchema(options.schema);
  const database = await openDatabase(options);
  try {
    const store = await database.store(options.schema ?? DEFAULT_SCHEMA);
    return {
      networks: store.networks,
      events: store.events,
      access: store.access,
      exchange: store.exchange,
      close: () => database.close(),
    };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}

/**
 * A schema name for a node's id (e.g. a company id `frame-a` → `node_frame_a`): lower case, other
 * characters as `_`, and a short hash suffix when that changed the id or it is too long, so that
 * different ids get different schemas.
 */
export function schemaForNode(id: string): string {
  const plain = id.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (plain === id && plain.length <= 50) return `node_${plain}`;
  return `node_${plain.slice(0, 45)}_${shortHash(id)}`;
}

function shortHash(text: string): string {
  // FNV-1a, 32 bits: only to tell apart ids that map to the same schema name.
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function quoteSchema(schemaName: string): string {
  if (!SCHEMA_NAME.test(schemaName)) {
    throw new StoreError(
      'invalid-input',
      `${JSON.stringify(schemaName)} is not a schema name: use lower-case letters, digits and _, at most 63, not starting with a digit or pg_`,
      { details: { schema: schemaName } },
    );
  }
  return `"${schemaName}"`;
}

function closedError(location: string): StoreError {
  return new StoreError('closed', `the database at ${location} is closed`, { details: { location } });
}
