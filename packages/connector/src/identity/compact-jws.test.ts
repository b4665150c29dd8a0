import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { compactVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeCompact, signCompact, signParts, verifyCompact } from './compact-jws.ts';

// RFC 8037 Appendix A.1 (the Ed25519 private key) and A.4 (the JWS it makes).
const RFC8037_KEY = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A',
  x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
};
const RFC8037_JWS =
  'eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg';

describe('compact JWS with EdDSA', () => {
  it('verifies the RFC 8037 A.4 example and refuses it with another key', () => {
    // The A.4 payload is a string, not a JSON object; check the signature over the raw parts.
    const privateKey = createPrivateKey({ key: RFC8037_KEY, format: 'jwk' });
    const [header, payload, signature] = RFC8037_JWS.split('.');
    const decoded = {
      header: { alg: 'EdDSA' as const },
      payload: {},
      signingInput: `${header}.${payload}`,
      signature: Buffer.from(signature ?? '', 'base64url'),
    };
    expect(verifyCompact(decoded, createPublicKey(privateKey))).toBe(true);
    expect(verifyCompact(decoded, generateKeyPairSync('ed25519').publicKey)).toBe(false);
  });

  it('signs byte for byte as RFC 8037 A.4 does (Ed25519 is deterministic)', () => {
    const privateKey = createPrivateKey({ key: RFC8037_KEY, format: 'jwk' });
    const [header = '', payload = ''] = RFC8037_JWS.split('.');
    expect(signParts(header, payload, privateKey)).toBe(RFC8037_JWS);
    expect(signCompact({}, privateKey).split('.')[0]).toBe(header); // {"alg":"EdDSA"}
  });

  it('makes tokens jose verifies, and verifies tokens jose makes', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const ours = signCompact({ iss: 'did:web:a', n: 1 }, privateKey, {
      typ: 'keten-request+jwt',
      kid: 'did:web:a#k',
    });
    const checked = await compactVerify(ours, publicKey);
    expect(checked.protectedHeader).toEqual({ alg: 'EdDSA', typ: 'keten-request+jwt', kid: 'did:web:a#k' });
    expect(JSON.parse(new TextDecoder().decode(checked.payload))).toEqual({ iss: 'did:web:a', n: 1 });

    const theirs = await new SignJWT({ n: 2 })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k' })
      .sign(privateKey);
    const decoded = decodeCompact(theirs);
    expect(decoded.ok && verifyCompact(decoded.value, publicKey)).toBe(true);
    expect(decoded.ok && decoded.value.payload).toEqual({ n: 2 });
  });

  it('refuses other algorithms, critical extensions and malformed parts with a reason', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const signature = Buffer.alloc(64).toString('base64url');
    const cases: [string, RegExp][] = [
      [`${encode({ alg: 'none' })}.${encode({})}.`, /empty or not base64url/],
      [`${encode({ alg: 'HS256' })}.${encode({})}.${signature}`, /keten accepts only "EdDSA"/],
      [`${encode({ alg: 'EdDSA', crit: ['b64'] })}.${encode({})}.${signature}`, /crit/],
      [`${encode({ alg: 'EdDSA' })}.${encode([1])}.${signature}`, /payload is not a JSON object/],
      [`${encode({ alg: 'EdDSA' })}.${encode({})}.${Buffer.alloc(63).toString('base64url')}`, /64 bytes/],
      [`${encode({ alg: 'EdDSA' })}.${encode({})}`, /3 parts/],
      [`${encode({ alg: 'EdDSA' })}.${encode({})}.${signature}=`, /base64url/],
    ];
    // The last of 86 characters carries 2 bits of the signature and 4 unused bits: 'A' and 'B' decode alike.
    const { privateKey } = generateKeyPairSync('ed25519');
    const real = signCompact({}, privateKey);
    const sameBytes: Record<string, string> = { A: 'B', Q: 'R', g: 'h', w: 'x' };
    cases.push([`${real.slice(0, -1)}${sameBytes[real.at(-1) ?? '']}`, /not canonical/]);
    for (const [token, message] of cases) {
      const decoded = decodeCompact(token);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error).toMatch(message);
    }
  });

  it('never throws and never verifies on random strings or mutated tokens', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const token = signCompact({ iss: 'did:web:example.com', jti: 'x' }, privateKey);
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const decoded = decodeCompact(text);
        return !decoded.ok || !verifyCompact(decoded.value, publicKey);
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCxyz019-_.='), (at, char) => {
        fc.pre(token[at] !== char);
        const mutated = `${token.slice(0, at)}${char}${token.slice(at + 1)}`;
        const decoded = decodeCompact(mutated);
        return !decoded.ok || !verifyCompact(decoded.value, publicKey);
      }),
      { numRuns: 2_000 },
    );
  });
});
