import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AdmissionRule } from './authority.ts';
import { loadMembership, MEMBERSHIP_FILE_NAME, requestMembership, saveMembership } from './join.ts';
import { createTestNetwork } from './test-network.ts';

const OEM_URL = 'http://127.0.0.1:8101/nodes/oem';

async function setting(admission: AdmissionRule = { kind: 'open' }) {
  const network = createTestNetwork();
  const oem = await network.addNode(OEM_URL, 'BPNL00000000OEM1', 'OEM');
  const authority = network.makeAuthority(OEM_URL, oem, 'keten-demo', admission);
  const supplier = await network.addNode('http://127.0.0.1:8102/nodes/s1', 'BPNL000000000S01', 'Supplier 1');
  return { network, oem, authority, supplier };
}

describe('joining a network', () => {
  it('gets a verified credential from an open authority and keeps it in the data directory', async () => {
    const { network, oem, supplier } = await setting();
    const joined = await requestMembership(OEM_URL, supplier, { fetch: network.fetch });
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.value).toMatchObject({
      authority: oem.did,
      authorityUrl: OEM_URL,
      network: 'keten-demo',
      member: supplier.did,
      bpnl: 'BPNL000000000S01',
      name: 'Supplier 1',
    });
    const dataDir = await mkdtemp(join(tmpdir(), 'keten-join-'));
    try {
      expect((await saveMembership(dataDir, joined.value)).ok).toBe(true);
      expect((await stat(join(dataDir, MEMBERSHIP_FILE_NAME))).mode & 0o777).toBe(0o600);
      expect(await loadMembership(dataDir)).toEqual({ ok: true, value: joined.value });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('admits listed BPNLs only, and a pinned BPNL only from its DID', async () => {
    const listed = await setting({ kind: 'listed', members: [{ bpnl: 'BPNL000000000S01' }] });
    expect((await requestMembership(OEM_URL, listed.supplier, { fetch: listed.network.fetch })).ok).toBe(
      true,
    );
    const stranger = await listed.network.addNode(
      'http://127.0.0.1:8103/nodes/s2',
      'BPNL000000000S02',
      'Stranger',
    );
    const refused = await requestMembership(OEM_URL, stranger, { fetch: listed.network.fetch });
    expect(!refused.ok && refused.error).toMatchObject({ reason: 'refused', refusal: 'not-admitted' });
    expect(!refused.ok && refused.error.message).toContain('BPNL000000000S02 is not on this network');

    const pinned = await setting({
      kind: 'listed',
      members: [{ bpnl: 'BPNL000000000S01', did: 'did:web:supplier.example' }],
    });
    const impostor = await requestMembership(OEM_URL, pinned.supplier, { fetch: pinned.network.fetch });
    expect(!impostor.ok && impostor.error.message).toContain('admitted from did:web:supplier.example only');
  });

  it('refuses join requests that are forged, replayed, stale, for another authority, or from an unreachable node', async () => {
    const { network, oem, authority, supplier } = await setting();
    const request = (
      claims: Record<string, unknown>,
      options: { key?: typeof supplier.keys; iat?: number; audience?: string } = {},
    ) => {
      const iat = options.iat ?? Math.floor(Date.now() / 1000);
      return new SignJWT({ bpnl: supplier.bpnl, name: supplier.name, ...claims })
        .setProtectedHeader({
          alg: 'EdDSA',
          typ: 'keten-join+jwt',
          kid: `${supplier.did}#${supplier.keys.keyId}`,
        })
        .setIssuer(supplier.did)
        .setSubject(supplier.did)
        .setAudience(options.audience ?? oem.did)
        .setJti(String(claims.jti ?? Math.random()))
        .setIssuedAt(iat)
        .setExpirationTime(iat + 120)
        .sign((options.key ?? supplier.keys).privateKey);
    };
    const reasonOf = async (joinRequest: unknown) => {
      const answer = await authority.handleJoinRequest({ joinRequest });
      return answer.ok ? 'granted' : answer.error.reason;
    };
    expect(await reasonOf(await request({ jti: 'once' }))).toBe('granted');
    expect(await reasonOf(await request({ jti: 'once' }))).toBe('replayed');
    const other = await network.addNode('http://127.0.0.1:8104/nodes/x', 'BPNL000000000X01', 'X');
    expect(await reasonOf(await request({}, { key: other.keys }))).toBe('bad-signature');
    expect(await reasonOf(await request({}, { audience: other.did }))).toBe('wrong-audience');
    expect(await reasonOf(await request({}, { iat: Math.floor(Date.now() / 1000) - 3600 }))).toBe('expired');
    expect(await reasonOf(await request({ bpnl: 'ACME' }))).toBe('malformed');
    expect(await reasonOf('not a jwt')).toBe('malformed');
    expect(await authority.handleJoinRequest(null)).toMatchObject({
      ok: false,
      error: { reason: 'malformed' },
    });
    network.removeNode(supplier.did);
    expect(await reasonOf(await request({}))).toBe('unknown-sender');
  });

  it('reports an unreachable authority and a bad authority URL', async () => {
    const { supplier } = await setting();
    const down = await requestMembership(OEM_URL, supplier, {
      fetch: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8101')),
    });
    expect(!down.ok && down.error.reason).toBe('unreachable');
    expect(!down.ok && down.error.message).toContain('ECONNREFUSED');
    const bad = await requestMembership('http://10.0.0.1:8101', supplier, {});
    expect(!bad.ok && bad.error.reason).toBe('invalid-url');
  });

  it('refuses a credential the authority did not sign for this node', async () => {
    const { network, supplier } = await setting();
    // An authority URL served by someone whose answers carry another node's credential.
    const forged = await requestMembership(OEM_URL, supplier, {
      fetch: async (url, init) => {
        const answer = await network.fetch(url, init);
        if (init.method !== 'POST') return answer;
        const body = JSON.parse(await answer.text());
        body.credential = `${body.credential.slice(0, -4)}AAAA`;
        return { status: 200, text: async () => JSON.stringify(body) };
      },
    });
    expect(!forged.ok && forged.error.reason).toBe('invalid-response');
  });
});
