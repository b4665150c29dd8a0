/**
 * @module internal/network-store
 * Network versions in SQL. An import takes the next version number and writes the version in one
 * transaction: the `networks` row is upserted first (`latest_version + 1`), which locks it, so
 * concurrent imports of one network queue on that row and get n and n+1; a crash rolls both writes
 * back, leaving the previous version as the latest.
 *
 * The content is written as parts of its JSON text (`PART_CHARACTERS` each, one statement each, a
 * turn of the event loop between them) and read back the same way: on the embedded database, which
 * runs on the caller's thread, one statement with a 60,000-company network held that thread ~3 s;
 * a part holds it for milliseconds. The parts are written before the version's transaction, under an
 * upload id the version row then names (`network_content_parts`, migration 4), so other queries run
 * between them; parts of an import that failed midway are deleted (then, or by an import an hour
 * later). Versions written before keep their content in the `json` column (before migration 3) or
 * in `network_version_parts` (migration 3) and are read from there.
 */

import { randomUUID } from 'node:crypto';
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
        content = request.prepared?.text ?? JSON.stringify(request.content);
        hash = request.prepared?.contentHash ?? hashCanonicalJson(canonicalJson(request.content));
        summary = canonicalJson(request.summary);
      } catch (error) {
        throw new StoreError('invalid-input', `the network is not JSON: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (!/^[0-9a-f]{64}$/.test(hash)) {
        throw new StoreError('invalid-input', 'the prepared content hash is not 64 hex digits (SHA-256)');
      }
      const createdAt = clock.now().toISOString();
      const upload = randomUUID();
      await this.#sweepUnnamedParts();
      let version: number;
      try {
        for (const [part, text] of textParts(content).entries()) {
          await driver.query(
            `INSERT INTO ${schema}.network_content_parts (upload, part, text, created_at) VALUES ($1, $2, $3, $4)`,
            [upload, part, text, createdAt],
          );
          // A turn of the event loop: the server answers others between the parts.
          await new Promise((resolve) => setImmediate(resolve));
        }
        version = await driver.transaction(async (tx) => {
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
               (network, version, created_at, source, author, content, content_upload, content_hash, summary)
             VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8::jsonb)`,
            [request.network, next, createdAt, request.source, request.author, upload, hash, summary],
          );
          return next;
        });
      } catch (error) {
        // No version names these parts: they go now (or, if this fails too, with a later import's sweep).
        await driver
          .query(`DELETE FROM ${schema}.network_content_parts WHERE upload = $1`, [upload])
          .catch(() => undefined);
        throw error;
      }
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
      const rows = await driver.query<VersionRow & { content: string | null; content_upload: string | null }>(
        version === undefined
          ? `SELECT ${INFO_COLUMNS}, content::text AS content, content_upload FROM ${schema}.network_versions
             WHERE network = $1 ORDER BY version DESC LIMIT 1`
          : `SELECT ${INFO_COLUMNS}, content::text AS content, content_upload FROM ${schema}.network_versions
             WHERE network = $1 AND version = $2`,
        version === undefined ? [network] : [network, version],
      );
      const row = rows[0];
      if (!row) return undefined;
      const text =
        row.content ??
        (row.content_upload === null
          ? await this.#readParts(
              `network_version_parts WHERE network = $1 AND version = $2`,
              [network, Number(row.version)],
              `version ${row.version} of network ${network}`,
            )
          : await this.#readParts(
              `network_content_parts WHERE upload = $1`,
              [row.content_upload],
              `version ${row.version} of network ${network}`,
            ));
      let content: Network;
      try {
        content = JSON.parse(text) as Network;
      } catch (error) {
        throw new StoreError('corrupt', `the stored content is not JSON: ${(error as Error).message}`, {
          cause: error,
          details: { network, version: Number(row.version) },
        });
      }
      return { ...toInfo(row), content };
    });
  }

  /**
   * A version's content text from its parts (`source`: the table and the condition on `params`),
   * `PARTS_PER_READ` a statement, a turn of the event loop between.
   */
  async #readParts(source: string, params: readonly unknown[], what: string): Promise<string> {
    const { schema, driver } = this.context;
    const texts: string[] = [];
    for (;;) {
      const rows = await driver.query<{ text: string }>(
        `SELECT text FROM ${schema}.${source} AND part >= $${params.length + 1}
         ORDER BY part LIMIT ${PARTS_PER_READ}`,
        [...params, texts.length],
      );
      for (const row of rows) texts.push(row.text);
      if (rows.length < PARTS_PER_READ) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (texts.length === 0) {
      throw new StoreError('corrupt', `${what} has no content`, { details: { what } });
    }
    return texts.join('');
  }

  /** Deletes parts no version names that are over `UNNAMED_PARTS_KEPT_MS` old (imports that failed midway). */
  async #sweepUnnamedParts(): Promise<void> {
    const { schema, driver, clock } = this.context;
    const before = new Date(clock.now().getTime() - UNNAMED_PARTS_KEPT_MS).toISOString();
    await driver.query(
      `DELETE FROM ${schema}.network_content_parts p WHERE p.created_at < $1
       AND NOT EXISTS (SELECT 1 FROM ${schema}.network_versions v WHERE v.content_upload = p.upload)`,
      [before],
    );
  }
}

/** How long parts no version names are kept: longer than any import takes to write its parts. */
export const UNNAMED_PARTS_KEPT_MS = 60 * 60 * 1000;

/** Characters of content text per stored part (one statement each). */
export const PART_CHARACTERS = 1_000_000;
/** Parts read per statement. */
const PARTS_PER_READ = 8;

/**
 * `text` cut into parts of at most `PART_CHARACTERS` characters (at least one part), never between
 * the two halves of a surrogate pair (each part must be valid text on its own).
 */
export function textParts(text: string, size = PART_CHARACTERS): string[] {
  const parts: string[] = [];
  let at = 0;
  do {
    let end = Math.min(text.length, at + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(text.slice(at, end));
    at = end;
  } while (at < text.length);
  return parts;
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
