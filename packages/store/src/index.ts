/**
 * @module @keten/store
 * keten's storage adapters: the NetworkStore, EventStore and AccessStore ports of `@keten/core` on
 * embedded PGlite (no server needed, in memory or in a directory) and on PostgreSQL, with the same
 * SQL and the same migrations. Failures are `StoreError`s with a fixed `code`. And planning a stored
 * network over those ports: the network a version is planned on (with its planning events), re-plans
 * and their publication (`planning.ts`).
 *
 * @example
 * import { openStore } from '@keten/store';
 * const store = await openStore({ dataDir: '/var/lib/keten' });            // embedded
 * const shared = await openStore({ databaseUrl: process.env.DATABASE_URL }); // PostgreSQL
 */

export { contentHash, hashCanonicalJson } from './content-hash.ts';
export {
  type DatabaseOptions,
  DEFAULT_SCHEMA,
  type KetenDatabase,
  openDatabase,
  openStore,
  SCHEMA_NAME,
  type StoreOptions,
  schemaForNode,
} from './database.ts';
export { isStoreError, STORE_ERROR_CODES, StoreError, type StoreErrorCode } from './errors.ts';
export { type StoreLogger, silentLogger } from './logger.ts';
export {
  type KeptPlan,
  type PlanningLog,
  type PlanningSource,
  type PublishedEvent,
  type PublishingSource,
  type ReplanBase,
  type ReplanOutcome,
  type ReplanRequest,
  readEffectiveNetwork,
  readPlanningLog,
  replanStoredNetwork,
  type StoredPlanningFailure,
  storePlanningSource,
} from './planning.ts';
