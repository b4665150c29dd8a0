import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createMembershipVerifier, issueMembershipCredential } from './membership.ts';
import { createDidResolver } from './resolver.ts';
import { createTestNetwork } from './test-network.ts';

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0);

async function setting() {
  let clock = NOW;
  const network = createTestNetwork(() => clock);
  const oem = await network.addNode('http://127.0.0.1:8101/nodes/oem', 'BPNL00000000OEM1', 'OEM');
  const rogue = await network.addNode('http://127.0.0.1:8109/nodes/rogue', 'BPNL0000000ROGUE', 'Rogue');
  const supplier = await network.addNode('http://127.0.0.1:8102/nodes/s1', 'BPNL000000000S01', 'Supplier 1');
  const resolver = createDidResolver({ fetch: network.fetch, now: () => clock });
  const verifier = createMembershipVerifier({
    resolver,
    trustedAuthorities: [oem.did],
    network: 'keten-demo',
    now: () => clock,
  });
  const issue = (options: { authority?: typeof oem; validitySeconds?: number; network?: string } = {}) =>
    issueMembershipCredential({
      authority: options.authority ?? oem,
      member: supplier,
      network: options.network ?? 'keten-demo',
      validitySeconds: options.validitySeconds ?? 3600,
      now: clock,
    });
  return { network, oem, rogue, supplier, verifier, issue, advance: (ms: number) => (clock += ms) };
}

describe('membership credentials', () => {
  it('carries the authority, member, company and network in JWT-VC claims', async () => {
    const { oem, supplier, verifier, issue } = await setting();
    const credential = await issue();
    const claims = decodeJwt(credential);
    expect(claims).toMatchObject({
      iss: oem.did,
      sub: supplier.did,
      bpnl: 'BPNL000000000S01',
      name: 'Supplier 1',
      network: 'keten-demo',
      iat: NOW / 1000,
      exp: NOW / 1000 + 3600,
      vc: {
        type: ['VerifiableCredential', 'MembershipCredential'],
        credentialSubject: { id: supplier.did, holderIdentifier: 'BPNL000000000S01', memberOf: 'keten-demo' },
      },
    });
    expect(decodeProtectedHeader(credential)).toEqual({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: `${oem.did}#${oem.keys.keyId}`,
    });
    const verified = await verifier.verify(credential, supplier.did);
    expect(verified).toEqual({
      ok: true,
      value: expect.objectContaining({ authority: oem.did, member: supplier.did, bpnl: 'BPNL000000000S01' }),
    });
  });

  it('refuses expired credentials, also once cached', async () => {
    const { supplier, verifier, issue, advance } = await setting();
    const credential = await issue({ validitySeconds: 60 });
    expect((await verifier.verify(credential, supplier.did)).ok).toBe(true);
    advance(66_000);
    const expired = await verifier.verify(credential, supplier.did);
    expect(!expired.ok && expired.error.reason).toBe('expired');
    const fresh = await setting();
    const old = await fresh.issue({ validitySeconds: 60 });
    fresh.advance(66_000);
    const neverSeen = await fresh.verifier.verify(old, fresh.supplier.did);
    expect(!neverSeen.ok && neverSeen.error.reason).toBe('expired');
  });

  it('refuses credentials from another authority, for another member or network, or re-signed', async () => {
    const { oem, rogue, supplier, verifier, issue } = await setting();
    const fromRogue = await verifier.verify(await issue({ authority: rogue }), supplier.did);
    expect(!fromRogue.ok && fromRogue.error.reason).toBe('untrusted-authority');
    expect(!fromRogue.ok && fromRogue.error.message).toContain(rogue.did);

    const credential = await issue();
    const stolen = await verifier.verify(credential, rogue.did);
    expect(!stolen.ok && stolen.error.reason).toBe('wrong-subject');

    const otherNetwork = await verifier.verify(await issue({ network: 'elsewhere' }), supplier.did);
    expect(!otherNetwork.ok && otherNetwork.error.reason).toBe('wrong-network');

    // A credential that claims the OEM as issuer but was signed by the rogue's key.
    const forged = await issue({
      authority: { ...rogue, did: oem.did, keys: { ...rogue.keys, keyId: oem.keys.keyId } },
    });
    const refused = await verifier.verify(forged, supplier.did);
    expect(!refused.ok && refused.error.reason).toBe('bad-signature');

    for (const junk of [undefined, '', 42, 'a.b.c', credential.slice(0, -3)]) {
      const result = await verifier.verify(junk, supplier.did);
      expect(result.ok).toBe(false);
    }
  });

  it('follows the authority’s key rotation', async () => {
    const { network, oem, supplier, verifier, issue } = await setting();
    expect((await verifier.verify(await issue(), supplier.did)).ok).toBe(true);
    const rotated = await network.addNode('http://127.0.0.1:8101/nodes/oem', oem.bpnl, oem.name);
    expect((await verifier.verify(await issue({ authority: rotated }), supplier.did)).ok).toBe(true);
  });

  it('says so when the authority cannot be resolved', async () => {
    const { network, oem, supplier, verifier, issue } = await setting();
    const credential = await issue();
    network.removeNode(oem.did);
    const result = await verifier.verify(credential, supplier.did);
    expect(!result.ok && result.error.reason).toBe('authority-unresolved');
  });
});
