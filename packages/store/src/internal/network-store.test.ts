import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { network } from '../../test/contract.ts';
import { contentHash } from '../content-hash.ts';
import { openStore } from '../index.ts';
import { silentLogger } from '../logger.ts';
import { textParts, UNNAMED_PARTS_KEPT_MS } from './network-store.ts';
import { openPgliteDriver } from './pglite-driver.ts';

describe('textParts', () => {
  it('cuts text into parts of the size asked, the last shorter, joined back the same', () => {
    expect(textParts('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
    expect(textParts('abcdef', 3)).toEqual(['abc', 'def']);
    expect(textParts('', 3)).toEqual(['']);
  });

  it('never cuts between the two halves of a surrogate pair', () => {
    // 'a🚚b': a, high, low, b; a cut after 2 characters would end the part on the high half.
    expect(textParts('a🚚b', 2)).toEqual(['a', '🚚', 'b']);
    const text = 'x🚚'.repeat(1000);
    for (const size of [2, 3, 4, 7, 100]) {
      const parts = textParts(text, size);
      expect(parts.join('')).toBe(text);
      // No part begins with a low half or ends with a high half.
      for (const part of parts) {
        expect(part.charCodeAt(0) >= 0xdc00 && part.charCodeAt(0) <= 0xdfff).toBe(false);
        const last = part.charCodeAt(part.length - 1);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      }
    }
  });
});

describe('network versions written before their content was stored in parts', () => {
  it('are read from the content column', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'keten-store-parts-'));
    try {
      const store = await openStore({ dataDir: directory });
      await store.close();
      // As migration 1 wrote versions: the content in network_versions.content, no parts.
      const content = network({ description: 'written before parts' });
      const driver = await openPgliteDriver(directory, silentLogger);
      await driver.query(
        `INSERT INTO "keten".networks (name, latest_version, created_at, updated_at) VALUES ('old', 1, now(), now())`,
      );
      await driver.query(
        `INSERT INTO "keten".network_versions (network, version, created_at, source, author, content, content_hash, summary)
         VALUES ('old', 1, now(), 'test', 'tester', $1::json, $2, $3::jsonb)`,
        [
          JSON.stringify(content),
          contentHash(content),
          canonicalJson({ companies: 1, items: 1, tiers: 1, sourcingLinks: 0 }),
        ],
      );
      await driver.close();
      const reopened = await openStore({ dataDir: directory });
      try {
        expect((await reopened.networks.getVersion('old'))?.content).toStrictEqual(content);
        // A new version beside it is stored in parts and read back.
        await reopened.networks.importVersion({
          network: 'old',
          content: network({ description: 'in parts' }),
          summary: { companies: 1, items: 1, tiers: 1, sourcingLinks: 0 },
          source: 'test',
          author: 'tester',
        });
        expect((await reopened.networks.getVersion('old'))?.content.description).toBe('in parts');
        expect((await reopened.networks.getVersion('old', 1))?.content).toStrictEqual(content);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('network content written in parts before the version', () => {
  const summary = { companies: 1, items: 1, tiers: 1, sourcingLinks: 0 };
  /** Over three parts of text. */
  const large = () =>
    network({
      description: 'x'.repeat(3_200_000),
    });

  it('lets other queries run between the parts: a read asked during a large import is answered first', async () => {
    const store = await openStore();
    try {
      let imported = false;
      const importing = store.networks
        .importVersion({ network: 'large', content: large(), summary, source: 'test', author: 'tester' })
        .then((info) => {
          imported = true;
          return info;
        });
      // Asked once the import has begun writing: answered between its parts, not after its commit.
      await new Promise((resolve) => setImmediate(resolve));
      await store.events.read({ after: 0, limit: 1 });
      expect(imported, 'the read waited for the whole import').toBe(false);
      expect((await importing).version).toBe(1);
      expect((await store.networks.getVersion('large'))?.content.description).toHaveLength(3_200_000);
    } finally {
      await store.close();
    }
  });

  it('deletes parts no version names once an hour old, and never the parts of a version', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'keten-store-parts-'));
    try {
      const store = await openStore({ dataDir: directory });
      await store.networks.importVersion({
        network: 'kept',
        content: network(),
        summary,
        source: 'test',
        author: 'tester',
      });
      await store.close();
      const driver = await openPgliteDriver(directory, silentLogger);
      const old = new Date(Date.now() - UNNAMED_PARTS_KEPT_MS - 60_000).toISOString();
      await driver.query(
        `INSERT INTO "keten".network_content_parts (upload, part, text, created_at)
         VALUES ('failed-long-ago', 0, '{', $1), ('being-written', 0, '{', now())`,
        [old],
      );
      // A stored version's parts cannot be deleted or changed, whoever asks.
      await expect(
        driver.query(
          `DELETE FROM "keten".network_content_parts WHERE upload <> 'failed-long-ago' AND upload <> 'being-written'`,
        ),
      ).rejects.toThrow(/append-only/);
      await driver.close();
      const again = await openStore({ dataDir: directory });
      try {
        await again.networks.importVersion({
          network: 'next',
          content: network(),
          summary,
          source: 'test',
          author: 'tester',
        });
        await again.close();
        const check = await openPgliteDriver(directory, silentLogger);
        const uploads = await check.query<{ upload: string }>(
          `SELECT DISTINCT upload FROM "keten".network_content_parts ORDER BY upload`,
        );
        await check.close();
        expect(uploads.map((row) => row.upload)).toContain('being-written');
        expect(uploads.map((row) => row.upload)).not.toContain('failed-long-ago');
        expect(uploads).toHaveLength(3);
        const reopened = await openStore({ dataDir: directory });
        expect((await reopened.networks.getVersion('kept'))?.content).toStrictEqual(network());
        await reopened.close();
      } finally {
        await again.close().catch(() => undefined);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reads a version written under migration 3 (its parts in network_version_parts)', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'keten-store-parts-'));
    try {
      const store = await openStore({ dataDir: directory });
      await store.close();
      const content = network({ description: 'migration 3' });
      const text = JSON.stringify(content);
      const driver = await openPgliteDriver(directory, silentLogger);
      await driver.query(
        `INSERT INTO "keten".networks (name, latest_version, created_at, updated_at) VALUES ('three', 1, now(), now())`,
      );
      await driver.query(
        `INSERT INTO "keten".network_versions (network, version, created_at, source, author, content, content_hash, summary)
         VALUES ('three', 1, now(), 'test', 'tester', NULL, $1, $2::jsonb)`,
        [contentHash(content), canonicalJson(summary)],
      );
      await driver.query(
        `INSERT INTO "keten".network_version_parts (network, version, part, text) VALUES ('three', 1, 0, $1), ('three', 1, 1, $2)`,
        [text.slice(0, 100), text.slice(100)],
      );
      await driver.close();
      const reopened = await openStore({ dataDir: directory });
      try {
        expect((await reopened.networks.getVersion('three'))?.content).toStrictEqual(content);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
