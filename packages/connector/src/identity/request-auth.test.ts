import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signCompact } from './compact-jws.ts';
import { issueMembershipCredential } from './membership.ts';
import type { NodeIdentity } from './node-identity.ts';
import { MemoryReplayGuard } from './replay-guard.ts';
import {
  AUTH_FAILURE_REASONS,
  AUTH_FAILURE_STATUS,
  type AuthFailureReason,
  createRequestVerifier,
  type IncomingRequest,
  signRequest,
} from './request-auth.ts';
import { createDidResolver } from './resolver.ts';
import { createTestNetwork } from './test-network.ts';

const START = Date.UTC(2026, 10, 26, 8, 0, 0);
const PATH = '/nodes/s1/dsp/negotiations/request';
const BODY = JSON.stringify({ '@type': 'ContractRequestMessage', consumerPid: 'urn:uuid:1' });

async function setting() {
  let clock = START;
  const now = () => clock;
  const network = createTestNetwork(now);
  const oem = await network.addNode('http://127.0.0.1:8101/nodes/oem', 'BPNL00000000OEM1', 'OEM');
  const rogue = await network.addNode(
    'http://127.0.0.1:8109/nodes/rogue',
    'BPNL0000000ROGUE',
    'Rogue authority',
  );
  const supplier = await network.addNode('http://127.0.0.1:8102/nodes/s1', 'BPNL000000000S01', 'Supplier 1');
  const tier2 = await network.addNode('http://127.0.0.1:8103/nodes/s2', 'BPNL000000000S02', 'Supplier 2');
  const credentialOf = (
    member: NodeIdentity,
    options: { authority?: NodeIdentity; validitySeconds?: number } = {},
  ) =>
    issueMembershipCredential({
      authority: options.authority ?? oem,
      member,
      network: 'keten-demo',
      validitySeconds: options.validitySeconds ?? 3600,
      now: clock,
    });
  const oemCredential = await credentialOf(oem);
  const verifier = createRequestVerifier({
    did: supplier.did,
    resolver: createDidResolver({ fetch: network.fetch, now }),
    trustedAuthorities: [oem.did],
    network: 'keten-demo',
    replayGuard: new MemoryReplayGuard({ now }),
    now,
  });
  const sign = (overrides: Partial<Parameters<typeof signRequest>[0]> = {}) =>
    signRequest({
      identity: oem,
      credential: oemCredential,
      audience: supplier.did,
      method: 'POST',
      path: PATH,
      body: BODY,
      now: clock,
      ...overrides,
    });
  const request = (
    authorization: string | undefined,
    overrides: Partial<IncomingRequest> = {},
  ): IncomingRequest => ({
    authorization,
    method: 'POST',
    path: PATH,
    body: BODY,
    ...overrides,
  });
  const reasonOf = async (incoming: IncomingRequest): Promise<AuthFailureReason | 'ok'> => {
    const result = await verifier.verifyRequest(incoming);
    return result.ok ? 'ok' : result.error.reason;
  };
  return {
    network,
    oem,
    rogue,
    supplier,
    tier2,
    credentialOf,
    verifier,
    sign,
    request,
    reasonOf,
    advance: (ms: number) => (clock += ms),
  };
}

describe('request authentication', () => {
  it('round trip: a member signs, the addressee learns who sent it', async () => {
    const { oem, sign, request, verifier } = await setting();
    const result = await verifier.verifyRequest(request(sign()));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      did: oem.did,
      bpnl: 'BPNL00000000OEM1',
      name: 'OEM',
      network: 'keten-demo',
      keyId: `${oem.did}#${oem.keys.keyId}`,
      expiresAt: START / 1000 + 60,
    });
    // Bodies may be bytes; methods are compared without case.
    const bytes = await verifier.verifyRequest(
      request(sign(), { body: new TextEncoder().encode(BODY), method: 'post' }),
    );
    expect(bytes.ok).toBe(true);
    const empty = await verifier.verifyRequest(
      request(sign({ method: 'GET', body: undefined }), { method: 'GET', body: '' }),
    );
    expect(empty.ok).toBe(true);
  });

  it('refuses a missing or malformed header', async () => {
    const { sign, request, reasonOf } = await setting();
    expect(await reasonOf(request(undefined))).toBe('missing');
    expect(await reasonOf(request('  '))).toBe('missing');
    expect(await reasonOf(request(sign().replace('Bearer ', 'Basic ')))).toBe('malformed');
    expect(await reasonOf(request('Bearer a.b'))).toBe('malformed');
  });

  it('refuses other kinds of token in its place, and tokens whose issuer, subject and key disagree', async () => {
    const { oem, tier2, sign, request, verifier, credentialOf } = await setting();
    const messageOf = async (authorization: string) => {
      const result = await verifier.verifyRequest(request(authorization));
      return result.ok ? 'ok' : `${result.error.reason}: ${result.error.message}`;
    };
    // A membership credential (typ JWT) is not a request token, however valid it is.
    expect(await messageOf(`Bearer ${await credentialOf(oem)}`)).toMatch(/^malformed: .*"typ" is "JWT"/);
    const claims = JSON.parse(Buffer.from(sign().split('.')[1] ?? '', 'base64url').toString('utf8'));
    const header = { typ: 'keten-request+jwt', kid: `${oem.did}#${oem.keys.keyId}` };
    const forged = (changes: Record<string, unknown>, headerChanges: Record<string, string> = {}) =>
      `Bearer ${signCompact({ ...claims, jti: `j${Math.random()}`, ...changes }, oem.keys.privateKey, { ...header, ...headerChanges })}`;
    expect(await messageOf(forged({}))).toBe('ok');
    expect(await messageOf(forged({ sub: tier2.did }))).toMatch(/^malformed: .*"iss" and "sub" differ/);
    expect(await messageOf(forged({}, { kid: `${tier2.did}#${oem.keys.keyId}` }))).toMatch(
      /^malformed: .*"kid"/,
    );
    expect(await messageOf(forged({}, { typ: 'keten-join+jwt' }))).toMatch(/^malformed: .*"typ"/);
    expect(await messageOf(forged({ exp: claims.iat + 301 }))).toMatch(/^malformed: .*at most 300 s/);
    expect(await messageOf(forged({ iat: 1.5 }))).toMatch(/^malformed: .*"iat"/);
    expect(await messageOf(forged({ aud: `${claims.aud}\nforged log line` }))).toMatch(
      /^malformed: .*"aud".*control/,
    );
    expect(await messageOf(forged({ membership: undefined }))).toMatch(
      /^not-a-member: .*no membership credential/,
    );
  });

  it('refuses a tampered body, method or path', async () => {
    const { sign, request, verifier } = await setting();
    const authorization = sign();
    for (const tampered of [
      request(authorization, { body: BODY.replace('urn:uuid:1', 'urn:uuid:2') }),
      request(authorization, { method: 'PUT' }),
      request(authorization, { path: `${PATH}?x=1` }),
    ]) {
      const result = await verifier.verifyRequest(tampered);
      expect(!result.ok && result.error.reason).toBe('tampered');
    }
    const body = await verifier.verifyRequest(request(authorization, { body: '{}' }));
    expect(!body.ok && body.error.message).toContain('body is not the body that was signed');
  });

  it('refuses a flipped signature byte, a changed claim, and a key that is not the sender’s', async () => {
    const { oem, rogue, sign, request, reasonOf, credentialOf } = await setting();
    const token = sign().slice('Bearer '.length);
    const [header, payload, signature = ''] = token.split('.');
    const bytes = Buffer.from(signature, 'base64url');
    bytes[10] = (bytes[10] ?? 0) ^ 0x01;
    expect(await reasonOf(request(`Bearer ${header}.${payload}.${bytes.toString('base64url')}`))).toBe(
      'bad-signature',
    );

    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 240 })).toString('base64url');
    expect(await reasonOf(request(`Bearer ${header}.${longer}.${signature}`))).toBe('bad-signature');

    // The rogue signs in the OEM's name, presenting the OEM's (valid) credential.
    const impersonation = signRequest({
      identity: { ...rogue, did: oem.did, keys: { ...rogue.keys, keyId: oem.keys.keyId } },
      credential: await credentialOf(oem),
      audience: (await setting()).supplier.did,
      method: 'POST',
      path: PATH,
      body: BODY,
      now: START,
    });
    expect(await reasonOf(request(impersonation))).toBe('bad-signature');
  });

  it('refuses a replayed request', async () => {
    const { sign, request, verifier } = await setting();
    const authorization = sign();
    expect((await verifier.verifyRequest(request(authorization))).ok).toBe(true);
    const replay = await verifier.verifyRequest(request(authorization));
    expect(!replay.ok && replay.error.reason).toBe('replayed');
    expect(!replay.ok && replay.error.message).toContain('was used before');
  });

  it('refuses an expired token, one from the future, and one that lives too long', async () => {
    const { sign, request, reasonOf, advance } = await setting();
    const authorization = sign();
    advance(66_000);
    expect(await reasonOf(request(authorization))).toBe('expired');
    expect(await reasonOf(request(sign({ now: START + 66_000 + 60_000 })))).toBe('expired');
    expect(await reasonOf(request(sign({ now: START + 66_000 })))).toBe('ok');
    expect(await reasonOf(request(sign({ now: START + 66_000, lifetimeSeconds: 3600 })))).toBe('ok'); // capped at 300 s
  });

  it('refuses a token addressed to another node', async () => {
    const { tier2, sign, request, verifier } = await setting();
    const result = await verifier.verifyRequest(request(sign({ audience: tier2.did })));
    expect(!result.ok && result.error.reason).toBe('wrong-audience');
    expect(!result.ok && result.error.message).toContain(tier2.did);
  });

  it('refuses a sender whose DID document cannot be fetched', async () => {
    const { network, oem, sign, request, reasonOf } = await setting();
    const authorization = sign();
    network.removeNode(oem.did);
    // The OEM is also the authority here: use another member, whose credential checks out.
    expect(await reasonOf(request(authorization))).toBe('not-a-member');
    const second = await setting();
    const tier2Credential = await second.credentialOf(second.tier2);
    second.network.removeNode(second.tier2.did);
    const fromGone = second.sign({ identity: second.tier2, credential: tier2Credential });
    expect(await second.reasonOf(second.request(fromGone))).toBe('unknown-sender');
  });

  it('refuses non-members: no credential, another authority’s, an expired one, someone else’s', async () => {
    const { rogue, tier2, sign, request, verifier, credentialOf, advance } = await setting();
    const messageOf = async (incoming: IncomingRequest) => {
      const result = await verifier.verifyRequest(incoming);
      return result.ok ? 'ok' : `${result.error.reason}: ${result.error.message}`;
    };
    expect(await messageOf(request(sign({ credential: '' })))).toMatch(
      /^not-a-member: .*no membership credential/,
    );
    const fromRogue = await credentialOf(tier2, { authority: rogue });
    expect(await messageOf(request(sign({ identity: tier2, credential: fromRogue })))).toMatch(
      /^not-a-member: .*not a membership authority this node trusts/,
    );
    const someoneElses = await credentialOf(rogue);
    expect(await messageOf(request(sign({ identity: tier2, credential: someoneElses })))).toMatch(
      /^not-a-member: .*issued to did:web:127.0.0.1%3A8109:nodes:rogue/,
    );
    const shortLived = await credentialOf(tier2, { validitySeconds: 30 });
    expect(await messageOf(request(sign({ identity: tier2, credential: shortLived })))).toBe('ok');
    advance(40_000);
    expect(
      await messageOf(request(sign({ identity: tier2, credential: shortLived, now: START + 40_000 }))),
    ).toMatch(/^not-a-member: .*expired/);
  });

  it('follows a member’s key rotation: an unknown key id makes it fetch the document once more', async () => {
    const { network, tier2, sign, request, reasonOf, credentialOf } = await setting();
    const credential = await credentialOf(tier2);
    expect(await reasonOf(request(sign({ identity: tier2, credential })))).toBe('ok');
    const rotated = await network.addNode('http://127.0.0.1:8103/nodes/s2', tier2.bpnl, tier2.name);
    expect(rotated.did).toBe(tier2.did);
    expect(await reasonOf(request(sign({ identity: rotated, credential })))).toBe('ok');
    // The old key is no longer in the document.
    expect(await reasonOf(request(sign({ identity: tier2, credential })))).toBe('bad-signature');
  });

  it('maps every reason to an HTTP status', () => {
    expect(Object.keys(AUTH_FAILURE_STATUS).sort()).toEqual([...AUTH_FAILURE_REASONS].sort());
    expect(AUTH_FAILURE_STATUS['not-a-member']).toBe(403);
    expect(AUTH_FAILURE_STATUS.unavailable).toBe(503);
  });

  it('tells a DID document it cannot fetch right now (unavailable: try later) from one that is not there', async () => {
    const { network, oem, supplier, tier2, credentialOf, sign, request } = await setting();
    const credential = await credentialOf(tier2);
    // tier 2's and the authority's documents: down (no answer, a 503) or gone (404), as set below.
    let tier2Answer: 'up' | 'timeout' | '503' | 'gone' = 'timeout';
    let authorityAnswer: 'up' | 'timeout' = 'up';
    const verifierNow = () =>
      createRequestVerifier({
        did: supplier.did,
        resolver: createDidResolver({
          now: () => START,
          fetch: async (url, init) => {
            if (url.includes('/nodes/s2/')) {
              if (tier2Answer === 'timeout') throw new Error('The operation was aborted due to timeout');
              if (tier2Answer === '503') return { status: 503, text: async () => 'busy' };
              if (tier2Answer === 'gone') return { status: 404, text: async () => 'not found' };
            }
            if (url.includes('/nodes/oem/') && authorityAnswer === 'timeout') {
              throw new Error('connect ETIMEDOUT');
            }
            return network.fetch(url, init);
          },
        }),
        trustedAuthorities: [oem.did],
        network: 'keten-demo',
        replayGuard: new MemoryReplayGuard({ now: () => START }),
        now: () => START,
      });
    let verifier = verifierNow();
    const attempt = async () => {
      const result = await verifier.verifyRequest(request(sign({ identity: tier2, credential })));
      return result.ok ? 'ok' : `${result.error.reason}: ${result.error.message}`;
    };
    expect(await attempt()).toMatch(/^unavailable: cannot check the sender's signature now: .*timeout/);
    tier2Answer = '503';
    expect(await attempt()).toMatch(/^unavailable: .*not available right now \(HTTP 503\)/);
    tier2Answer = 'gone';
    expect(await attempt()).toMatch(/^unknown-sender: .*HTTP 404/);
    tier2Answer = 'up';
    authorityAnswer = 'timeout';
    // A fresh verifier has no cached authority document: the membership cannot be checked now.
    verifier = verifierNow();
    expect(await attempt()).toMatch(/^unavailable: cannot check .*'s membership now: .*ETIMEDOUT/);
    authorityAnswer = 'up';
    // Nothing failed for good: once the documents are there, the sender is accepted.
    expect(await attempt()).toBe('ok');
  });

  it('never throws and never verifies on random headers or mutated tokens', async () => {
    const { sign, request, verifier } = await setting();
    const authorization = sign();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string().map((text) => `Bearer ${text}`),
        ),
        async (header) => {
          const result = await verifier.verifyRequest(request(header));
          return !result.ok;
        },
      ),
      { numRuns: 500 },
    );
    const token = authorization.slice('Bearer '.length);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...'AQgwBz09-_.'),
        async (at, char) => {
          fc.pre(token[at] !== char);
          const result = await verifier.verifyRequest(
            request(`Bearer ${token.slice(0, at)}${char}${token.slice(at + 1)}`),
          );
          return !result.ok;
        },
      ),
      { numRuns: 500 },
    );
  });
});
