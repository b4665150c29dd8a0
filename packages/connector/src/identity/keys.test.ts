import { sign, verify } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateNodeKeys,
  importPublicJwk,
  KEY_FILE_NAME,
  loadNodeKeys,
  loadOrCreateNodeKeys,
  privateJwkOf,
  saveNodeKeys,
} from './keys.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keten-keys-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('node keys', () => {
  it('names a key by its RFC 7638 thumbprint (RFC 8037 A.3 example)', async () => {
    const { calculateJwkThumbprint } = await import('jose');
    // RFC 8037 Appendix A.3: the thumbprint of the A.1 public key.
    expect(
      await calculateJwkThumbprint({
        kty: 'OKP',
        crv: 'Ed25519',
        x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      }),
    ).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    const keys = await generateNodeKeys();
    expect(keys.keyId).toBe(await calculateJwkThumbprint(keys.publicJwk));
  });

  it('survives a reload: the loaded key signs what the saved public key verifies', async () => {
    const keys = await generateNodeKeys();
    const file = join(dataDir, KEY_FILE_NAME);
    expect((await saveNodeKeys(file, keys)).ok).toBe(true);
    const loaded = await loadNodeKeys(file);
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.keyId).toBe(keys.keyId);
    expect(loaded.value.publicJwk).toEqual(keys.publicJwk);
    const message = Buffer.from('order 4711');
    expect(verify(null, message, keys.publicKey, sign(null, message, loaded.value.privateKey))).toBe(true);
  });

  it('writes mode 0600 and leaves no temporary file behind', async () => {
    const file = join(dataDir, 'sub', KEY_FILE_NAME);
    expect((await saveNodeKeys(file, await generateNodeKeys())).ok).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dataDir, 'sub'))).toEqual([KEY_FILE_NAME]);
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8'))).sort()).toEqual(['crv', 'd', 'kty', 'x']);
  });

  it('creates the key once: a restart and concurrent starts get the same identity', async () => {
    const starts = await Promise.all([1, 2, 3, 4, 5].map(() => loadOrCreateNodeKeys(dataDir)));
    const ids = new Set(starts.map((keys) => (keys.ok ? keys.value.keyId : keys.error.message)));
    expect(ids.size).toBe(1);
    const restarted = await loadOrCreateNodeKeys(dataDir);
    expect(restarted.ok && ids.has(restarted.value.keyId)).toBe(true);
    expect(await readdir(dataDir)).toEqual([KEY_FILE_NAME]);
  });

  it('refuses a key file other users can read', async () => {
    const file = join(dataDir, KEY_FILE_NAME);
    await saveNodeKeys(file, await generateNodeKeys());
    await chmod(file, 0o644);
    const loaded = await loadNodeKeys(file);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.error.reason).toBe('insecure');
      expect(loaded.error.message).toContain('chmod 600');
    }
    // loadOrCreate must not replace it with a new identity either.
    const again = await loadOrCreateNodeKeys(dataDir);
    expect(!again.ok && again.error.reason).toBe('insecure');
  });

  it('refuses damaged key files with what is wrong', async () => {
    const file = join(dataDir, KEY_FILE_NAME);
    const keys = await generateNodeKeys();
    const other = await generateNodeKeys();
    const cases: [string, RegExp][] = [
      ['not json', /not JSON/],
      ['[1]', /not a JSON object/],
      [JSON.stringify({ ...privateJwkOf(keys), crv: 'X25519' }), /not OKP\/Ed25519/],
      [JSON.stringify({ ...privateJwkOf(keys), d: 'short' }), /"d" is not 32 bytes/],
      [JSON.stringify({ ...privateJwkOf(keys), x: other.publicJwk.x }), /not the public key of "d"/],
    ];
    for (const [content, message] of cases) {
      await writeFile(file, content, { mode: 0o600 });
      const loaded = await loadNodeKeys(file);
      expect(loaded.ok).toBe(false);
      if (!loaded.ok) {
        expect(loaded.error.reason).toBe('invalid');
        expect(loaded.error.message).toMatch(message);
      }
    }
    const missing = await loadNodeKeys(join(dataDir, 'nothing.json'));
    expect(!missing.ok && missing.error.reason).toBe('missing');
  });

  it('imports public JWKs and refuses private or foreign ones', async () => {
    const keys = await generateNodeKeys();
    expect(importPublicJwk(keys.publicJwk).ok).toBe(true);
    expect(importPublicJwk(privateJwkOf(keys))).toEqual({
      ok: false,
      error: expect.stringMatching(/private part/),
    });
    expect(importPublicJwk({ kty: 'EC', crv: 'P-256', x: keys.publicJwk.x }).ok).toBe(false);
    expect(importPublicJwk({ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }).ok).toBe(false);
    expect(importPublicJwk(null).ok).toBe(false);
  });
});
