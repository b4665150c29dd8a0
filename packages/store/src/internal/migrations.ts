/**
 * @module internal/migrations
 * The store's tables, as numbered migrations applied in order, the same on PGlite and PostgreSQL.
 * Each schema records what it has applied in its own `schema_migrations` table. All pending
 * migrations run in one transaction under a transaction-level advisory lock on the schema, so two
 * processes that start at once against one PostgreSQL apply them once, and a failure applies none.
 *
 * Never edit a migration that has shipped: add the next one.
 */
import { StoreError } from '../errors.ts';
import type { StoreLogger } from '../logger.ts';
import type { SqlDriver } from './driver.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The statements, for the schema named by the quoted identifier `schema`. */
  sql(schema: string): string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'networks, events, users and API tokens',
    sql: (s) => `
      CREATE TABLE ${s}.networks (
        name text PRIMARY KEY,
        latest_version integer NOT NULL CHECK (latest_version >= 1),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );

      CREATE TABLE ${s}.network_versions (
        network text NOT NULL REFERENCES ${s}.networks (name),
        version integer NOT NULL CHECK (version >= 1),
        created_at timestamptz NOT NULL,
        source text NOT NULL,
        author text NOT NULL,
        -- json, not jsonb: the text as written, in its key order, parsed ~5 times faster on import
        -- and read ~3 times faster (measured on 42 MB); nothing queries inside it in SQL.
        content json NOT NULL,
        content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
        summary jsonb NOT NULL,
        PRIMARY KEY (network, version)
      );

      CREATE TABLE ${s}.events (
        sequence bigserial PRIMARY KEY,
        type text NOT NULL,
        key text NOT NULL UNIQUE,
        at timestamptz NOT NULL,
        source text NOT NULL,
        payload jsonb NOT NULL,
        recorded_at timestamptz NOT NULL
      );
      CREATE INDEX events_type ON ${s}.events (type, sequence);
      CREATE INDEX events_source ON ${s}.events (source, sequence);

      -- Versions and events are never changed or deleted: the database refuses it, whoever asks.
      CREATE FUNCTION ${s}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the table %.% is append-only', TG_TABLE_SCHEMA, TG_TABLE_NAME;
      END
      $$;
      CREATE TRIGGER network_versions_append_only BEFORE UPDATE OR DELETE ON ${s}.network_versions
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER network_versions_no_truncate BEFORE TRUNCATE ON ${s}.network_versions
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON ${s}.events
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();

      CREATE TABLE ${s}.users (
        username text PRIMARY KEY,
        role text NOT NULL CHECK (role IN ('viewer', 'planner', 'admin')),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        disabled boolean NOT NULL DEFAULT false
      );

      CREATE TABLE ${s}.api_tokens (
        id text PRIMARY KEY,
        username text NOT NULL REFERENCES ${s}.users (username),
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX api_tokens_username ON ${s}.api_tokens (username, created_at);
    `,
  },
  {
    version: 2,
    name: 'exchanges between company nodes: receipts, records, outbox, audit trail, nonces',
    sql: (s) => `
      -- Keys of the messages a node accepted: a message delivered twice is applied once.
      CREATE TABLE ${s}.exchange_receipts (
        key text PRIMARY KEY,
        sender text NOT NULL,
        kind text NOT NULL,
        received_at timestamptz NOT NULL
      );

      -- Negotiations, transfer processes, agreements, partners: versioned JSON documents.
      CREATE TABLE ${s}.exchange_records (
        kind text NOT NULL,
        id text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (kind, id)
      );

      -- Messages a node decided to send, kept until the receiver confirms them.
      CREATE TABLE ${s}.exchange_outbox (
        sequence bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        receiver text NOT NULL,
        path text NOT NULL,
        body jsonb NOT NULL,
        kind text NOT NULL,
        correlation text,
        created_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        delivered_at timestamptz,
        last_error text,
        abandoned_at timestamptz
      );
      CREATE INDEX exchange_outbox_due ON ${s}.exchange_outbox (next_attempt_at, sequence)
        WHERE delivered_at IS NULL AND abandoned_at IS NULL;
      CREATE INDEX exchange_outbox_correlation ON ${s}.exchange_outbox (correlation, sequence);

      -- Every access to the node's data, hash-chained; append-only like the event log.
      CREATE TABLE ${s}.exchange_audit (
        sequence bigint PRIMARY KEY CHECK (sequence >= 1),
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        resource text NOT NULL,
        outcome text NOT NULL,
        reason text,
        details jsonb,
        previous_hash text NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
      );
      CREATE INDEX exchange_audit_actor ON ${s}.exchange_audit (actor, sequence);
      CREATE INDEX exchange_audit_resource ON ${s}.exchange_audit (resource, sequence);
      CREATE TRIGGER exchange_audit_append_only BEFORE UPDATE OR DELETE ON ${s}.exchange_audit
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER exchange_audit_no_truncate BEFORE TRUNCATE ON ${s}.exchange_audit
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();

      -- Nonces of authenticated requests, until they expire: a replayed request is refused.
      CREATE TABLE ${s}.exchange_nonces (
        nonce text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX exchange_nonces_expiry ON ${s}.exchange_nonces (expires_at);
    `,
  },
  {
    version: 3,
    name: "network versions' content in parts",
    sql: (s) => `
      -- A version's content as parts of its JSON text (about a million characters each), written one
      -- statement each, so the embedded database (PGlite, on the server's thread) lets the server
      -- answer others between them: one 117 MB statement held it ~3 s at 60,000 companies. Versions
      -- written before keep their content in network_versions.content; new ones have it NULL there.
      ALTER TABLE ${s}.network_versions ALTER COLUMN content DROP NOT NULL;
      CREATE TABLE ${s}.network_version_parts (
        network text NOT NULL,
        version integer NOT NULL,
        part integer NOT NULL CHECK (part >= 0),
        text text NOT NULL,
        PRIMARY KEY (network, version, part),
        FOREIGN KEY (network, version) REFERENCES ${s}.network_versions (network, version)
      );
      CREATE TRIGGER network_version_parts_append_only BEFORE UPDATE OR DELETE ON ${s}.network_version_parts
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_change();
      CREATE TRIGGER network_version_parts_no_truncate BEFORE TRUNCATE ON ${s}.network_version_parts
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();
    `,
  },
  {
    version: 4,
    name: "network versions' content parts written before the version",
    sql: (s) => `
      -- Migration 3 wrote the parts inside the version's transaction: on the embedded database (one
      -- connection) every other query, /health's store probe too, waited for all of them (~5 s at
      -- 60,000 companies). Now the parts are written first, each a statement of its own, under an
      -- upload id; the version's short transaction then names it. Parts no version names (an import
      -- that failed or was killed midway) are deleted by a later import once an hour old.
      ALTER TABLE ${s}.network_versions ADD COLUMN content_upload text;
      CREATE UNIQUE INDEX network_versions_content_upload ON ${s}.network_versions (content_upload)
        WHERE content_upload IS NOT NULL;
      CREATE TABLE ${s}.network_content_parts (
        upload text NOT NULL,
        part integer NOT NULL CHECK (part >= 0),
        text text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (upload, part)
      );
      -- The parts of a stored version are never changed or deleted; only unnamed ones may go.
      CREATE FUNCTION ${s}.refuse_named_part_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' OR EXISTS (
          SELECT 1 FROM ${s}.network_versions v WHERE v.content_upload = OLD.upload
        ) THEN
          RAISE EXCEPTION 'the parts of a stored network version are append-only';
        END IF;
        RETURN OLD;
      END
      $$;
      CREATE TRIGGER network_content_parts_append_only BEFORE UPDATE OR DELETE ON ${s}.network_content_parts
        FOR EACH ROW EXECUTE FUNCTION ${s}.refuse_named_part_change();
      CREATE TRIGGER network_content_parts_no_truncate BEFORE TRUNCATE ON ${s}.network_content_parts
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.refuse_change();
    `,
  },
];

/** The newest schema version this keten knows. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Creates `schemaName` if needed and applies the migrations it lacks. `schema` is the quoted identifier.
 * Rejects with `migration-failed` when a migration fails or the schema is newer than this keten.
 */
export async function migrate(
  driver: SqlDriver,
  schemaName: string,
  schema: string,
  logger: StoreLogger,
): Promise<void> {
  let applied: number[] = [];
  try {
    applied = await driver.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `keten.migrate.${schemaName}`,
      ]);
      await tx.exec(`
        CREATE SCHEMA IF NOT EXISTS ${schema};
        CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        );
      `);
      const rows = await tx.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`);
      const done = new Set(rows.map((row) => Number(row.version)));
      const newest = Math.max(0, ...done);
      if (newest > SCHEMA_VERSION) {
        throw new StoreError(
          'migration-failed',
          `the store schema ${schemaName} is at version ${newest}, newer than this keten knows (${SCHEMA_VERSION}); upgrade keten`,
          { details: { schema: schemaName, version: newest, known: SCHEMA_VERSION } },
        );
      }
      const now: number[] = [];
      for (const migration of MIGRATIONS) {
        if (done.has(migration.version)) continue;
        await tx.exec(migration.sql(schema));
        await tx.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
        now.push(migration.version);
      }
      return now;
    });
  } catch (error) {
    if (error instanceof StoreError && (error.code === 'migration-failed' || error.code === 'unavailable')) {
      throw error;
    }
    throw new StoreError(
      'migration-failed',
      `could not bring the store schema ${schemaName} up to date: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error, details: { schema: schemaName } },
    );
  }
  if (applied.length > 0) logger.info({ schema: schemaName, versions: applied }, 'migrated the store schema');
}
