import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFileOf, openNodeIdentity } from './node-identity.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keten-identity-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('a node identity', () => {
  const input = () => ({
    baseUrl: 'http://127.0.0.1:8101/nodes/oem',
    dataDir,
    bpnl: 'BPNL00000000OEM1',
    name: 'OEM',
  });

  it('is the same after a restart: DID from the URL, key from the data directory', async () => {
    const first = await openNodeIdentity(input());
    const second = await openNodeIdentity(input());
    if (!first.ok || !second.ok) throw new Error('identity did not open');
    expect(first.value.did).toBe('did:web:127.0.0.1%3A8101:nodes:oem');
    expect(second.value.keys.keyId).toBe(first.value.keys.keyId);
    expect(keyFileOf(dataDir)).toBe(join(dataDir, 'node-key.json'));
  });

  it('refuses a bad BPNL, name or base URL before it makes a key', async () => {
    const cases: [Partial<ReturnType<typeof input>>, string, RegExp][] = [
      [{ bpnl: 'BPNS00000000OEM1' }, 'invalid-company', /BPNL followed by 12 digits or capitals/],
      [{ name: ' ' }, 'invalid-company', /1 to 300 characters/],
      [{ baseUrl: 'http://10.1.2.3:8101' }, 'http-not-allowed', /behind TLS/],
      [{ baseUrl: 'nodes/oem' }, 'invalid-url', /not a URL/],
    ];
    for (const [change, reason, message] of cases) {
      const identity = await openNodeIdentity({ ...input(), ...change });
      expect(identity.ok).toBe(false);
      if (!identity.ok) {
        expect(identity.error.reason).toBe(reason);
        expect(identity.error.message).toMatch(message);
      }
    }
    expect(await readdir(dataDir)).toEqual([]);
    const plainHttp = await openNodeIdentity({ ...input(), baseUrl: 'http://10.1.2.3:8101', http: 'always' });
    expect(plainHttp.ok && plainHttp.value.did).toBe('did:web:10.1.2.3%3A8101');
  });
});
