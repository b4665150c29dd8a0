import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '@keten/core';
import { describe, expect, it } from 'vitest';
import { network } from '../../test/contract.ts';
import { contentHash } from '../content-hash.ts';
import { openStore } from '../index.ts';
import { silentLogger } from '../logger.ts';
import { textParts } from './network-store.ts';
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
