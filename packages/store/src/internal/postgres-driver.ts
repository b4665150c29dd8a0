/**
 * @module internal/postgres-driver
 * PostgreSQL through a `pg` connection pool: the same SQL as the embedded database, for nodes that
 * run on real infrastructure or share one server.
 */
import pg from 'pg';
import type { StoreLogger } from '../logger.ts';
import { redactUrl, type SqlDriver, type SqlExecutor, toStoreError } from './driver.ts';

/** Connects to `url` and checks that the server answers. */
export async function openPostgresDriver(
  url: string,
  poolSize: number,
  logger: StoreLogger,
): Promise<SqlDriver> {
  const location = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    application_name: 'keten',
    connectionTimeoutMillis: 10_000,
  });
  // An idle connection that breaks (the server restarted) must not crash the process; the next query
  // opens a new one.
  pool.on('error', (error) =>
    logger.warn({ location, error: error.message }, 'a PostgreSQL connection failed'),
  );
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw toStoreError(error, `cannot reach the database at ${location}`, location);
  }
  logger.info({ location, poolSize }, 'connected to PostgreSQL');

  const executor = (target: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<Row extends object>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      try {
        const result = await target.query(text, params as unknown[]);
        return result.rows as Row[];
      } catch (error) {
        throw toStoreError(error, 'a query of PostgreSQL failed', location);
      }
    },
    async exec(text: string): Promise<void> {
      try {
        await target.query(text);
      } catch (error) {
        throw toStoreError(error, 'statements of PostgreSQL failed', location);
      }
    },
  });

  let closed = false;
  return {
    kind: 'postgres',
    location,
    ...executor(pool),
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStoreError(error, `cannot reach the database at ${location}`, location);
      }
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(executor(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable; the pool must not hand it out again.
          broken = rollbackError as Error;
        }
        throw toStoreError(error, 'a transaction of PostgreSQL failed', location);
      } finally {
        client.release(broken);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await pool.end();
      } catch (error) {
        throw toStoreError(error, 'closing the PostgreSQL pool failed', location);
      }
    },
  };
}
