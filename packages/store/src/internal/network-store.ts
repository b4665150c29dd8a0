/**
 * @module internal/network-store
 * Network versions in SQL. An import takes the next version number and writes the version in one
 * transaction: the `networks` row is upserted first (`latest_version + 1`), which locks it, so
 * concurrent imports of one network queue on that row and get n and n+1; a crash rolls both writes
 * back, leaving the previous version as the latest.
 */
import {
  canonicalJson,
  checkNetworkName,
  type ImportRequest,
  type Network,
  type NetworkListEntry,
  type NetworkStore,
  type NetworkSummary,
  type NetworkVersionInfo,
  type StoredNetwork,
} from '@keten/core';
import { hashCanonicalJson } from '../content-hash.ts';
import { StoreError } from '../errors.ts';
import { isoText, operation, type StoreContext } from './context.ts';

interface VersionRow {
  network: string;
  version: number | string;
  created_at: string;
  source: string;
  author: string;
  content_hash: string;
  summary: string;
}

export class SqlNetworkStore implements NetworkStore {
  constructor(private readonly context: StoreContext) {}

  importVersion(request: ImportRequest): Promise<NetworkVersionInfo> {
    const { schema, driver, clock, logger } = this.context;
    return operation(this.context, `importing a version of network ${request.network}`, async () => {
      const problem = checkNetworkName(request.network);
      if (problem) throw new StoreError('invalid-input', problem, { details: { network: request.network } });
      const started = performance.now();
      let content: string;
      let hash: string;
      let summary: string;
      try {
        // Stored as written (key order kept); hashed in canonical form (the same content, the same hash).
        content = JSON.stringify(request.content);
        hash = hashCanonicalJson(canonicalJson(request.content));
        summary = canonicalJson(request.summary);
      } catch (error) {
        throw new StoreError('invalid-input', `the network is not JSON: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const createdAt = clock.now().toISOString();
      const version = await driver.transaction(async (tx) => {
        const [row] = await tx.query<{ latest_version: number | string }>(
          `INSERT INTO ${schema}.networks AS n (name, latest_version, created_at, updated_at)
           VALUES ($1, 1, $2, $2)
           ON CONFLICT (name) DO UPDATE SET latest_version = n.latest_version + 1, updated_at = EXCLUDED.updated_at
           RETURNING latest_version`,
          [request.network, createdAt],
        );
        const next = Number(row!.latest_version);
        await tx.query(
          `INSERT INTO ${schema}.network_versions
             (network, version, created_at, source, author, content, content_hash, summary)
           VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8::jsonb)`,
          [request.network, next, createdAt, request.source, request.author, content, hash, summary],
        );
        return next;
      });
      logger.info(
        {
          schema: this.context.schemaName,
          network: request.network,
          version,
          bytes: content.length,
          milliseconds: Math.round(performance.now() - started),
        },
        'imported a network version',
      );
      return {
        network: request.network,
        version,
        createdAt,
        source: request.source,
        author: request.author,
        contentHash: hash,
        summary: JSON.parse(summary) as NetworkSummary,
      };
    });
  }

  listNetworks(): Promise<NetworkListEntry[]> {
    const { schema, driver } = this.context;
    return operation(this.context, 'listing networks', async () => {
      const rows = await driver.query<{
        name: string;
        latest_version: number | string;
        versions: number | string;
        updated_at: string;
        summary: string;
      }>(
        `SELECT n.name, n.latest_version, ${isoText('v.created_at')} AS updated_at, v.summary::text AS summary,
                (SELECT count(*) FROM ${schema}.network_versions c WHERE c.network = n.name) AS versions
         FROM ${schema}.networks n
         JOIN ${schema}.network_versions v ON v.network = n.name AND v.version = n.latest_version
         ORDER BY n.name COLLATE "C"`,
      );
      return rows.map((row) => ({
        network: row.name,
        latestVersion: Number(row.latest_version),
        versions: Number(row.versions),
        updatedAt: row.updated_at,
        summary: JSON.parse(row.summary) as NetworkSummary,
      }));
    });
  }

  listVersions(network: string): Promise<NetworkVersionInfo[]> {
    const { schema, driver } = this.context;
    return operation(this.context, `listing the versions of network ${network}`, async () => {
      const rows = await driver.query<VersionRow>(
        `SELECT ${INFO_COLUMNS} FROM ${schema}.network_versions WHERE network = $1 ORDER BY version`,
        [network],
      );
      return rows.map(toInfo);
    });
  }

  getVersion(network: string, version?: number): Promise<StoredNetwork | undefined> {
    const { schema, driver } = this.context;
    const which = version === undefined ? 'the latest version' : `version ${version}`;
    return operation(this.context, `reading ${which} of network ${network}`, async () => {
      if (version !== undefined && !Number.isSafeInteger(version)) return undefined;
      const rows = await driver.query<VersionRow & { content: string }>(
        version === undefined
          ? `SELECT ${INFO_COLUMNS}, content::text AS content FROM ${schema}.network_versions
             WHERE network = $1 ORDER BY version DESC LIMIT 1`
          : `SELECT ${INFO_COLUMNS}, content::text AS content FROM ${schema}.network_versions
             WHERE network = $1 AND version = $2`,
        version === undefined ? [network] : [network, version],
      );
      const row = rows[0];
      if (!row) return undefined;
      let content: Network;
      try {
        content = JSON.parse(row.content) as Network;
      } catch (error) {
        throw new StoreError('corrupt', `the stored content is not JSON: ${(error as Error).message}`, {
          cause: error,
          details: { network, version: Number(row.version) },
        });
      }
      return { ...toInfo(row), content };
    });
  }
}

const INFO_COLUMNS = `network, version, ${isoText('created_at')} AS created_at, source, author, content_hash,
  summary::text AS summary`;

function toInfo(row: VersionRow): NetworkVersionInfo {
  return {
    network: row.network,
    version: Number(row.version),
    createdAt: row.created_at,
    source: row.source,
    author: row.author,
    contentHash: row.content_hash,
    summary: JSON.parse(row.summary) as NetworkSummary,
  };
}
